"""Finding labels in a row despite OCR noise: case, accents, punctuation and confusions such as 0/O, 1/l."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel

from services.worker.normalise import fold

LABEL_MATCH = 0.8  # similarity a label needs (0..1) to count as found despite OCR noise
_WORD = re.compile(r"[^\W_]+|[#°№]", re.UNICODE)


@dataclass(frozen=True)
class LabelMatch:
    start: int  # offsets of the matched words in the text
    end: int
    similarity: float
    words: int  # how many words the label has: a longer label is more specific evidence
    label: str

    @property
    def strength(self) -> float:
        return self.similarity * (1 + 0.25 * (self.words - 1))

    def overlaps(self, other: LabelMatch) -> bool:
        return self.start < other.end and other.start < self.end


# Greek letters as the Latin letter a recogniser reads in their place (ΣΥΝΟΛΟ comes back as "ΣYNOΛO",
# "EYNOAO"): a Greek label and its half-Latin reading fold alike. Latin text is left as it is.
_GREEK_AS_LATIN = str.maketrans("αβγδεζηθικλμνξοπρσςτυφχψω", "abraezhoikamneonpeetyoxyo")


def _ocr_fold(text: str) -> str:
    return text.replace("0", "o").replace("1", "l").replace("|", "l").replace("5", "s").translate(_GREEK_AS_LATIN)


SHORT = 3  # a label word this short must be read exactly ('in' is not 'net')
SHORT_FIT = 0.75  # similarity a label word of up to five letters needs, despite OCR noise
LONG_FIT = 0.7  # … and a longer one
GLUED_FIT = 0.85  # similarity of a label of several words to one word where OCR dropped the spaces


def _similar(wanted: str, got: str) -> float:
    """Similarity of two folded strings (0..1): twice their longest common subsequence over their lengths,
    0 when their lengths differ by more than 40 %."""
    if wanted == got:
        return 1.0
    if abs(len(wanted) - len(got)) > 0.4 * max(len(wanted), len(got)):
        return 0.0
    return Indel.normalized_similarity(wanted, got)


@dataclass(frozen=True)
class _Label:
    label: str
    words: tuple[str, ...]  # folded the way OCR's confusions are (_ocr_fold)
    joined: str


class _Index:
    """A set of labels ready to be looked for: their words by first word, and which label words each text
    word fits (worked out once per text word, by rapidfuzz over every label word at once)."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.by_first: dict[str, list[_Label]] = {}
        self.glued: dict[str, list[_Label]] = {}
        for label in labels:
            words = tuple(_ocr_fold(fold(w)) for w in _WORD.findall(label))
            if not words:
                continue
            entry = _Label(label, words, " ".join(words))
            self.by_first.setdefault(words[0], []).append(entry)
            if len(words) > 1:  # OCR dropped the space: "RoundingAdjustment", "SubTotal"
                self.glued.setdefault("".join(words), []).append(entry)
        every = {w for entries in self.by_first.values() for entry in entries for w in entry.words}
        self.short = {w for w in every if len(w) <= SHORT}
        self.long = sorted(w for w in every if len(w) > SHORT)
        self.glued_words = sorted(self.glued)
        self._fits: dict[str, frozenset[str]] = {}

    def fits(self, word: str) -> frozenset[str]:
        """The label words a (folded) text word can be: itself if it is one, longer ones within OCR noise."""
        known = self._fits.get(word)
        if known is not None:
            return known
        found = {word} if word in self.short else set()
        for wanted, _score, _ in process.extract(
            word, self.long, scorer=Indel.normalized_similarity, score_cutoff=LONG_FIT, limit=None
        ):
            if _similar(wanted, word) >= (SHORT_FIT if len(wanted) <= 5 else LONG_FIT):
                found.add(wanted)
        fits = frozenset(found)
        if len(self._fits) > 200_000:  # bounded: a worker reads text without end
            self._fits.clear()
        self._fits[word] = fits
        return fits

    def glued_in(self, word: str) -> list[tuple[_Label, float]]:
        out = []
        for glued, _score, _ in process.extract(
            word, self.glued_words, scorer=Indel.normalized_similarity, score_cutoff=GLUED_FIT, limit=None
        ):
            if len(word) >= len(glued) and _similar(glued, word) >= GLUED_FIT:
                out += [(entry, _similar(glued, word)) for entry in self.glued[glued]]
        return out


@lru_cache(maxsize=256)
def _index(labels: tuple[str, ...]) -> _Index:
    return _Index(labels)


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), _ocr_fold(fold(m.group()))) for m in _WORD.finditer(text))


@lru_cache(maxsize=65536)
def _matches(text: str, labels: tuple[str, ...]) -> tuple[LabelMatch, ...]:
    index = _index(labels)
    words = _words(text)
    fits = [index.fits(word) for _, _, word in words]
    found: list[LabelMatch] = []
    for i, (begin, end, word) in enumerate(words):
        for first in fits[i]:
            for entry in index.by_first.get(first, ()):
                n = len(entry.words)
                if i + n > len(words) or not all(entry.words[k] in fits[i + k] for k in range(1, n)):
                    continue
                window = words[i : i + n]
                ratio = _similar(entry.joined, " ".join(w for _, _, w in window))
                if ratio >= LABEL_MATCH:
                    if "   " in text[window[0][0] : window[-1][1]]:
                        ratio *= 0.9  # across two OCR boxes: more likely two column headers than one label
                    found.append(LabelMatch(window[0][0], window[-1][1], ratio, n, entry.label))
        for entry, ratio in index.glued_in(word):
            found.append(LabelMatch(begin, end, ratio, len(entry.words), entry.label))
    # the strongest first; a weaker match inside a stronger one's span is the same evidence (equal ones in the
    # labels' order, so every process keeps the same one whatever order a set of label words iterated in)
    found.sort(key=lambda m: (-m.strength, m.start, m.end, m.label))
    kept: list[LabelMatch] = []
    for match in found:
        if not any(match.overlaps(k) for k in kept):
            kept.append(match)
    return tuple(sorted(kept, key=lambda m: m.start))


def find_labels(text: str, labels: list[str] | tuple[str, ...]) -> list[LabelMatch]:
    """Every place one of the labels occurs in the text, strongest per span, left to right."""
    return list(_matches(text, tuple(label for label in labels if label.strip())))


def best_label(text: str, labels: list[str] | tuple[str, ...]) -> LabelMatch | None:
    found = find_labels(text, labels)
    return max(found, key=lambda m: m.strength) if found else None
