"""What people's corrections taught, applied to a document: the examples of its issuer (or of its layout, for
where a value is printed) give its candidates features — the same label as the corrected value's, the same
place on the page, the same printed shape, the same value — and a value the issuer prints in no text (a name
in a logo) becomes a candidate of its own. Their weights are fitted on real documents like the scorers'
(`python -m bench.corrections --fit`, learned_weights.json) and added to the field's score.

Place and shape count only for a candidate under the corrected value's label (or, for a value corrected where
no label stood, for one without a label): an example never lifts a value printed under another label."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ocrbatch.v1 import jobs_pb2
from services.common.convert import value_of
from services.common.examples import EXAMPLES_PER_ISSUER_FIELD, folded, printed_format, same_value
from services.common.issuers import issuer_agreement, layout_agreement
from services.worker.extraction.candidates import Candidate
from services.worker.extraction.context import DocumentContext

LEARNED_WEIGHTS_FILE = Path(__file__).with_name("learned_weights.json")
FEATURES = ("example_label", "example_place", "example_format", "example_value", "example_unprinted")
# how far (as a fraction of the page's diagonal) a value may lie from the corrected one's place and still be
# "in the same place": printed layouts move little; a receipt's total moves with its number of items
PLACE_RADIUS = 0.15


@dataclass(frozen=True)
class Applicable:
    """An example that applies to this document, and how much its fingerprint agrees with the document's."""

    example: jobs_pb2.Example
    agreement: float
    of_the_issuer: bool  # matched as the same issuer, not only as the same layout


def applicable(
    examples: list[jobs_pb2.Example],
    keys: list[str],
    issuer_fields: frozenset[str] = frozenset(),
    template_id: str = "",
) -> dict[str, list[Applicable]]:
    """Per field, the examples that apply to a document with fingerprint `keys`: where a value is printed
    follows the layout, so a printed example applies to the same issuer or the same layout; an issuer's name
    (`issuer_fields`) and a value the page does not print follow the issuer, so those apply to the same issuer
    only. The best-agreeing few, the latest first among equals (jobs carry them latest first)."""
    out: dict[str, list[Applicable]] = {}
    for example in examples:
        if template_id and example.template_id and example.template_id != template_id:
            continue  # another template's field of the same name
        by_issuer = issuer_agreement(example.issuer_keys, keys)
        agreement = by_issuer
        if example.printed and example.field not in issuer_fields:
            agreement = max(agreement, layout_agreement(example.issuer_keys, keys))
        if agreement > 0:
            out.setdefault(example.field, []).append(Applicable(example, agreement, by_issuer > 0))
    return {name: sorted(found, key=lambda a: -a.agreement)[:EXAMPLES_PER_ISSUER_FIELD] for name, found in out.items()}


def _centre(candidate: Candidate) -> tuple[float, float] | None:
    row = candidate.row
    box = row.cell_box(candidate.start, candidate.end) if candidate.text is None else row.box
    if box is None or not row.page_width or not row.page_height:
        return None
    return (box[0] + box[2]) / 2 / row.page_width, (box[1] + box[3]) / 2 / row.page_height


def _apart(centre: tuple[float, float], x: float, y: float) -> float:
    """How far a value's centre lies from a place, as a fraction of the page's diagonal (both as page fractions)."""
    return math.hypot(centre[0] - x, centre[1] - y) / math.sqrt(2)


def features_of(candidate: Candidate, examples: list[Applicable], kind: str, constant: bool) -> dict[str, float]:
    """The candidate's example features: the best any of the field's examples gives it. The same value counts
    only for a field an issuer prints the same on every document (`constant`: its name, its currency): a total
    or a date equal to the corrected document's is a coincidence."""
    best = dict.fromkeys(FEATURES[:4], 0.0)
    label = folded(candidate.label or "")
    centre = _centre(candidate)
    for applied in examples:
        example = applied.example
        if constant and applied.of_the_issuer and same_value(kind, candidate.value, value_of(example.value)):
            best["example_value"] = 1.0
        if not example.printed or label != folded(example.label):
            continue  # place and shape count under the corrected value's own label only
        if label:
            best["example_label"] = 1.0
        if centre is not None:
            distance = _apart(centre, example.x, example.y)
            best["example_place"] = max(best["example_place"], max(0.0, 1.0 - distance / PLACE_RADIUS))
        if example.format and printed_format(candidate.printed) == example.format:
            best["example_format"] = 1.0
    return best


def _sits_at(candidate: Candidate, label: str, x: float, y: float, shape: str) -> bool:
    """Whether a candidate is printed as a value an example describes: under the same label (or none, as it),
    in the same shape, within PLACE_RADIUS of its place."""
    centre = _centre(candidate)
    if centre is None or folded(candidate.label or "") != folded(label) or printed_format(candidate.printed) != shape:
        return False
    return _apart(centre, x, y) <= PLACE_RADIUS


REPLAYED = "a person chose the value printed here over the one the extraction chose, on this issuer's documents"


def replayed(ordered: list[Candidate], examples: list[Applicable]) -> Candidate | None:
    """The candidate a person's correction points to when the extraction is about to make again the choice that
    person overrode on the issuer's document: its winner is printed as the value they rejected was (label,
    shape, place) and another candidate as the value they gave. The same decision, replayed — however sure
    the scores are, which were fitted where such conflicts hardly occur. None when no example describes the
    conflict: a winner under another label than the rejected one's keeps its place."""
    if len(ordered) < 2:
        return None
    winner = ordered[0]
    for applied in examples:
        e = applied.example
        if not (e.printed and e.rejected):
            continue
        if not _sits_at(winner, e.rejected_label, e.rejected_x, e.rejected_y, e.rejected_format):
            continue
        for candidate in ordered[1:]:
            if _sits_at(candidate, e.label, e.x, e.y, e.format):
                return candidate
    return None


def learned_candidates(examples: list[Applicable], context: DocumentContext) -> list[Candidate]:
    """Values the issuer's documents print in no text (a name in a logo): a candidate each, found nowhere on
    the page."""
    if not context.rows:
        return []
    out = []
    for applied in examples:
        if applied.example.printed:
            continue
        value = value_of(applied.example.value)
        features = dict.fromkeys(FEATURES, 0.0) | {"example_value": 1.0, "example_unprinted": 1.0}
        out.append(Candidate(value, context.rows[0], 0, 0, "learned", None, features, text=""))
    return out


_NUMBERS = re.compile(r"\d+")


def _parts(text: str) -> list[int] | None:
    numbers = [int(n) for n in _NUMBERS.findall(text)]
    return numbers if len(numbers) == 3 else None


def written_order(text: str, value: Any) -> str | None:
    """The order in which a date printed as `text` (numbers only) gives its year, month and day, as "ymd",
    "dmy", "mdy", "ydm"…, learned from a person's true value; None where it does not tell (day equals month,
    month names, a value that is not among the numbers)."""
    parts = _parts(text)
    try:
        year, month, day = (int(v) for v in str(value).split("-"))
    except ValueError:
        return None
    if parts is None or month == day:
        return None
    order = ""
    for part in parts:
        if part in (year, year % 100) and "y" not in order and part not in (month, day):
            order += "y"
        elif part == month and "m" not in order:
            order += "m"
        elif part == day and "d" not in order:
            order += "d"
    return order if sorted(order) == ["d", "m", "y"] else None


def read_in_order(text: str, order: str) -> str | None:
    """A date printed as `text` read in a learned order; None when that gives no date."""
    parts = _parts(text)
    if parts is None:
        return None
    by = dict(zip(order, parts, strict=True))
    year = by["y"] + (2000 if by["y"] < 100 else 0)
    try:
        return date(year, by["m"], by["d"]).isoformat()
    except ValueError:
        return None


def _in_learned_order(candidates: list[Candidate], examples: list[Applicable]) -> None:
    """Dates printed like an example's, read in the order the example shows the issuer writes them ("2015-08-02"
    on a layout that printed "2015-30-01" for 30 January is 8 February)."""
    for applied in examples:
        e = applied.example
        order = written_order(e.text, value_of(e.value)) if e.printed and e.text else None
        if order is None:
            continue
        for candidate in candidates:
            if printed_format(candidate.printed) == e.format:
                candidate.value = read_in_order(candidate.printed, order) or candidate.value


def apply_examples(
    candidates: list[Candidate], examples: list[Applicable], kind: str, constant: bool, context: DocumentContext
) -> list[Candidate]:
    """The field's candidates with their example features, and — for a field an issuer prints the same on every
    document — the issuer's unprinted values as candidates."""
    if not examples:
        return candidates
    if kind == "date":
        _in_learned_order(candidates, examples)
    for candidate in candidates:
        candidate.features |= features_of(candidate, examples, kind, constant)
    return candidates + (learned_candidates(examples, context) if constant else [])


@dataclass(frozen=True)
class LearnedWeights:
    """How much each example feature adds to a candidate's score (log-odds), fitted on real documents."""

    weights: dict[str, float]

    def score(self, features: dict[str, float]) -> float:
        return sum(weight * features.get(name, 0.0) for name, weight in self.weights.items())

    def contributions(self, features: dict[str, float]) -> list[tuple[str, float]]:
        return [(name, w * features[name]) for name, w in self.weights.items() if features.get(name)]


def learned_weights_from(data: dict[str, Any]) -> LearnedWeights:
    return LearnedWeights({name: float(data["weights"][name]) for name in FEATURES})


@lru_cache(maxsize=1)
def learned_weights() -> LearnedWeights:
    """The fitted weights of the example features (read once per process)."""
    return learned_weights_from(json.loads(LEARNED_WEIGHTS_FILE.read_text(encoding="utf-8")))
