"""Applies a template to recognised pages: regex, label and table rules, typed values, with provenance.

Every field comes back as {value, confidence, page, box, rule, how, label, text} (and the runner-up
when it came close); the plain values form the record's processingResult. A record needs review when
a required field is missing or its confidence is under the template's review threshold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ocrbatch.v1 import common_pb2, templates_pb2
from services.common.templates import DEFAULT_REVIEW_THRESHOLD
from services.worker.extraction.candidates import Candidate, label_candidates, unlabelled_dates
from services.worker.extraction.layout import Box, Row, visual_rows
from services.worker.extraction.locale import LocaleHint
from services.worker.extraction.roles import heading_candidates, score_totals
from services.worker.extraction.tables import read_table
from services.worker.normalise import normalise

__all__ = ["Extracted", "LocaleHint", "Row", "extract", "visual_rows"]

CLOSE = 0.15  # a runner-up within this score of the winner is reported, and lowers the confidence
_KEY_VALUE = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(\S.*)$")


@dataclass
class Extracted:
    values: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    needs_review: bool = False


def _box(box: Box | None) -> list[list[float]] | None:
    if box is None:
        return None
    left, top, right, bottom = (round(v, 1) for v in box)
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


def _detail(value: Any, confidence: float, row: Row | None, rule: str, box: Box | None = None) -> dict[str, Any]:
    return {
        "value": value,
        "confidence": round(confidence, 4),
        "page": row.page if row else None,
        "box": _box(box if box is not None else (row.box if row else None)),
        "rule": rule,
    }


def _regex(rule: templates_pb2.RegexRule, kind: str, rows: list[Row]) -> dict[str, Any]:
    pattern = re.compile(rule.pattern, re.IGNORECASE)
    for row in rows:
        match = pattern.search(row.text)
        if match and match.group(1) is not None:
            value = normalise(kind, match.group(1))
            if value is not None:
                return _detail(value, row.confidence, row, "regex", row.cell_box(match.start(1), match.end(1)))
    return _detail(None, 0.0, None, "regex")


def _key(value: Any) -> Any:
    return " ".join(value.upper().split()) if isinstance(value, str) else value


def _heading_prior(winner: Candidate) -> float:
    """How often a heading guess is the issuer, on the development receipts: nine in ten when it holds a
    business-name word (SDN BHD, GmbH, Restaurant), seven in ten when it does not; less when it was
    joined from several lines or printed after the title."""
    prior = 0.9 if "business name words" in winner.notes else 0.6
    if "continues on the next line" in winner.notes:
        prior -= 0.08
    if any(note.startswith(("after the document", "an owner")) for note in winner.notes):
        prior -= 0.2
    return prior


def confidence_of(winner: Candidate, runner_up: Candidate | None) -> float:
    """How sure the engine is of a winning candidate (0..1), calibrated on the development corpora:
    its score, how far ahead of the runner-up it is, and how sure OCR was of its row."""
    margin = winner.score - runner_up.score if runner_up else winner.score
    # Scores are comparable within a field, not across ways of finding a value: an unlabelled date with no
    # rival was right on every development document, a heading is a guess from layout alone.
    if winner.how == "heading":
        base = _heading_prior(winner)
    elif winner.how == "unlabelled":
        base = min(winner.score + 0.45, 1.0)
    else:
        base = min(winner.score, 1.0)
    lead = min(1.0, 0.7 + 1.2 * margin)
    certainty = base * lead * (0.5 + 0.5 * winner.row.confidence)
    return max(0.0, min(certainty, 1.0))


def _choose(candidates: list[Candidate]) -> dict[str, Any] | None:
    """The best-scored value (agreeing candidates add up a little), with the runner-up when close."""
    by_value: dict[Any, list[Candidate]] = {}
    for candidate in candidates:
        by_value.setdefault(_key(candidate.value), []).append(candidate)
    ranked = []
    for group in by_value.values():
        best = max(group, key=lambda c: c.score)
        if len(group) > 1:
            best.score += 0.05 * min(len(group) - 1, 2)
            best.notes.append(f"found {len(group)} times")
        ranked.append(best)
    if not ranked:
        return None
    ranked.sort(key=lambda c: -c.score)
    winner = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    detail = _detail(
        winner.value,
        confidence_of(winner, runner_up),
        winner.row,
        "label",
        winner.row.cell_box(winner.start, winner.end) if winner.how != "heading" else winner.row.box,
    )
    detail["candidate"] = winner.describe() | {"why": winner.notes}
    if runner_up is not None and winner.score - runner_up.score < CLOSE:
        detail["runnerUp"] = runner_up.describe()
    return detail


def _label(f: templates_pb2.TemplateField, others: list[str], rows: list[Row]) -> dict[str, Any]:
    rule = f.rule.label
    kind = f.type or "string"
    labels = [label for label in rule.labels if label.strip()]
    excluded = [label for label in rule.exclude_labels if label.strip()]
    candidates = label_candidates(kind, labels, excluded, others, rows)
    if kind == "date":
        candidates += unlabelled_dates(rows, excluded)
    if rule.role == "total":
        score_totals(candidates, rows)
    elif rule.role == "issuer":
        candidates += heading_candidates(rows)
    return _choose(candidates) or _detail(None, 0.0, None, "label")


def _table(rule: templates_pb2.TableRule, rows: list[Row]) -> dict[str, Any]:
    table = read_table(rule, rows)
    if not table.items:
        return _detail([], 0.0, None, "table")
    body = table.rows[1:] or table.rows
    header = table.rows[0]
    return _detail(
        table.items,
        min(r.confidence for r in body),
        header,
        "table",
        (header.box[0], header.box[1], max(r.box[2] for r in table.rows), body[-1].box[3])
        if all(r.box for r in table.rows)
        else None,
    )


def key_values(rows: list[Row]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for row in rows:
        for part in re.split(r"\s{3,}", row.text):  # side-by-side pairs on one visual row
            match = _KEY_VALUE.match(part)
            if match and match.group(1) not in pairs:
                pairs[match.group(1)] = match.group(2).strip()
    return pairs


def _review_threshold(template: templates_pb2.Template) -> float:
    return template.review_threshold if template.HasField("review_threshold") else DEFAULT_REVIEW_THRESHOLD


def extract(
    template: templates_pb2.Template, pages: list[common_pb2.Page], text: str, locale: LocaleHint | None = None
) -> Extracted:
    """The template's fields from the recognised pages; `locale` is what the upload, template or project gave."""
    rows = visual_rows(pages)
    out = Extracted()
    if template.key_values:
        pairs = key_values(rows)
        out.values = {"keyValues": pairs, "text": text}
        out.details = {"keyValues": _detail(pairs, 1.0 if pairs else 0.0, None, "keyValues")}
        return out
    labelled = [f for f in template.fields if f.rule.WhichOneof("kind") == "label"]
    threshold = _review_threshold(template)
    for f in template.fields:
        kind = f.rule.WhichOneof("kind")
        if kind == "regex":
            detail = _regex(f.rule.regex, f.type, rows)
        elif kind == "label":
            others = [label for o in labelled if o.name != f.name for label in o.rule.label.labels]
            detail = _label(f, others, rows)
        else:
            detail = _table(f.rule.table, rows)
        out.values[f.name] = detail["value"]
        out.details[f.name] = detail
        missing = detail["value"] in (None, [], "")
        if not f.optional and (missing or detail["confidence"] < threshold):
            out.needs_review = True  # optional fields report their confidence but never hold a record back
    return out
