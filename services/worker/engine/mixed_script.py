"""Greek words read with Latin look-alikes in them ("ΣYNOΛO" with Latin Y, N, O) written wholly in Greek.

The recognition model reads a Greek capital that has a Latin twin (Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ) as the Latin
letter, so a Greek word comes back in two scripts and matches neither a Greek label nor a Latin one. A word
is rewritten only when one of its letters exists in Greek alone (Σ, Λ, Φ, lower-case Greek…) and every other
letter is Greek or a Latin look-alike of a Greek letter; a word of look-alikes only ("TAXI", "MENU") cannot be
told from Latin and stays as read.
"""

from __future__ import annotations

import re
import unicodedata

# Latin letter → the Greek letter it is read for. Capitals: the shapes are the same in print. Lower case only
# where the Greek letter has the Latin one's shape without an ascender or a descender to tell them apart
# (ο, ν, κ, χ, ρ, υ, ι; ό: read as Latin ó in "νερó", measured on a rendered page).
LOOKALIKES = str.maketrans(
    {
        **dict(zip("ABEZHIKMNOPTYX", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", strict=True)),
        **dict(zip("ovkxpuió", "ονκχρυιό", strict=True)),
    }
)
_LATIN_LOOKALIKES = frozenset("ABEZHIKMNOPTYXovkxpuió")
_GREEK_TWINS = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧονκχρυιό")  # Greek letters that say nothing of a word's script
_WORD = re.compile(r"\S+")


def _is_greek(char: str) -> bool:
    # by name, not by code block: the micro sign µ and the ohm sign Ω are symbols in Latin text
    return unicodedata.name(char, "").startswith("GREEK")


def _greek_word(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not any(_is_greek(c) and c not in _GREEK_TWINS for c in letters):
        return word
    if not all(_is_greek(c) or c in _LATIN_LOOKALIKES for c in letters):
        return word  # a Latin letter with no Greek twin: not a Greek word misread, leave it as read
    return word.translate(LOOKALIKES)


def normalise_mixed_script(text: str) -> str:
    """text with each word that mixes Greek letters and Latin look-alikes of Greek letters written in Greek."""
    if text.isascii():
        return text  # most lines: nothing Greek to mix with
    return _WORD.sub(lambda match: _greek_word(match.group()), text)
