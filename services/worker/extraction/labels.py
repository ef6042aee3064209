"""Finding labels in a row despite OCR noise: case, accents, punctuation and confusions such as 0/O, 1/l."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

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


def _ocr_fold(text: str) -> str:
    return text.replace("0", "o").replace("1", "l").replace("|", "l").replace("5", "s")


@lru_cache(maxsize=4096)
def _label_words(label: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD.findall(label))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text))


@lru_cache(maxsize=262144)
def _similar(wanted: str, got: str) -> float:
    if wanted == got:
        return 1.0
    if abs(len(wanted) - len(got)) > 0.4 * max(len(wanted), len(got)):
        return 0.0
    return SequenceMatcher(None, wanted, got).ratio()


def _word_fits(wanted: str, got: str) -> bool:
    """Each word of a label must itself be close: short words exactly ('in' is not 'net'), longer ones
    within OCR noise."""
    if len(wanted) <= 3:
        return _ocr_fold(wanted) == _ocr_fold(got)
    return _similar(_ocr_fold(wanted), _ocr_fold(got)) >= (0.75 if len(wanted) <= 5 else 0.7)


@lru_cache(maxsize=65536)
def _matches(text: str, labels: tuple[str, ...]) -> tuple[LabelMatch, ...]:
    words = _words(text)
    found: list[LabelMatch] = []
    for label in labels:
        target = _label_words(label)
        n = len(target)
        if not n:
            continue
        wanted = _ocr_fold(" ".join(target))
        for start in range(0, len(words) - n + 1):
            window = words[start : start + n]
            if not all(_word_fits(t, w) for t, (_, _, w) in zip(target, window, strict=True)):
                continue
            ratio = _similar(wanted, _ocr_fold(" ".join(w for _, _, w in window)))
            if ratio >= LABEL_MATCH:
                if "   " in text[window[0][0] : window[-1][1]]:
                    ratio *= 0.9  # across two OCR boxes: more likely two column headers than one label
                found.append(LabelMatch(window[0][0], window[-1][1], ratio, n, label))
        if n > 1:  # OCR dropped the space: "RoundingAdjustment", "SubTotal"
            glued = "".join(target)
            for begin, end, word in words:
                if len(word) >= len(glued) and _similar(_ocr_fold(glued), _ocr_fold(word)) >= 0.85:
                    found.append(LabelMatch(begin, end, _similar(_ocr_fold(glued), _ocr_fold(word)), n, label))
    # the strongest first; a weaker match inside a stronger one's span is the same evidence
    found.sort(key=lambda m: (-m.strength, m.start))
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
