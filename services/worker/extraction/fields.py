"""A label rule's candidates, from every source its type and role know, and the choice between them."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import templates_pb2
from services.worker.extraction.candidates import Candidate, label_candidates
from services.worker.extraction.context import DocumentContext, in_years
from services.worker.extraction.features import reasons
from services.worker.extraction.fieldtypes import field_type
from services.worker.extraction.issuer import issuer_candidates, legal_name_candidates, split_legal_form
from services.worker.extraction.layout import Box, Row
from services.worker.extraction.learned import REPLAYED, Applicable, apply_examples, learned_weights, replayed
from services.worker.extraction.scoring import Model, model, scorer_key, shares
from services.worker.extraction.totals import total_candidates

CLOSE = 0.15  # a runner-up whose share is within this of the winner's is reported beside it
REPEATS = 2  # agreement counts up to this many other places printing the same value


def other_labels(template: templates_pb2.Template, name: str) -> list[str]:
    """The labels of the template's other label fields: a row one of them starts is that field's, not `name`'s."""
    return [
        label
        for f in template.fields
        if f.rule.WhichOneof("kind") == "label" and f.name != name
        for label in f.rule.label.labels
    ]


def field_candidates(
    f: templates_pb2.TemplateField,
    others: list[str],
    context: DocumentContext,
    issuer: str | None = None,
    examples: list[Applicable] | None = None,
) -> list[Candidate]:
    """Every candidate value of a label-rule field, with its features (not yet scored). `issuer` is the name the
    template's issuer field found: a legal name is that issuer's, never another company's on the page (the
    customer's, a payment provider's). `examples`: what corrections of the issuer's documents taught."""
    rule = f.rule.label
    kind = field_type(f.type)
    labels = [label for label in rule.labels if label.strip()]
    excluded = [label for label in rule.exclude_labels if label.strip()]
    candidates = label_candidates(kind, labels, excluded, others, context)
    candidates += kind.unlabelled(context, excluded)
    if rule.role == "issuer":
        for candidate in candidates:  # the name a person files it under: "Vendor: Acme Corp" is Acme
            candidate.value = split_legal_form(str(candidate.value))[0]
    if rule.role == "total":
        candidates = total_candidates(candidates, context)
    elif rule.role in ("issuer", "legal_name") and not candidates:
        # a name printed beside one of the field's own labels ("Vendor: …") is taken before any name the
        # header suggests; the header, legal-entity lines and greetings are read where no label names it
        if rule.role == "issuer":
            candidates += issuer_candidates(context, others)
        else:
            candidates += legal_name_candidates(context, others, issuer)
    if kind.name == "date":
        _years_apart(candidates, context)
    _agreement(candidates)
    constant = rule.role in ("issuer", "legal_name") or kind.name == "currency"  # the same on all its documents
    return apply_examples(candidates, examples or [], kind.name, constant, context)


def value_key(value: Any) -> Any:
    return " ".join(value.upper().split()) if isinstance(value, str) else value


def _agreement(candidates: list[Candidate]) -> None:
    counts: dict[Any, int] = {}
    for candidate in candidates:
        counts[value_key(candidate.value)] = counts.get(value_key(candidate.value), 0) + 1
    for candidate in candidates:
        candidate.features["repeated"] = float(min(counts[value_key(candidate.value)] - 1, REPEATS))


def _years_apart(candidates: list[Candidate], context: DocumentContext) -> None:
    """How far (in years, up to 5) each date lies from the median of the page's other dates: a misread year
    ("2031" on an invoice of 2014) lies far from the dates around it."""
    years = sorted(context.date_years)
    for candidate in candidates:
        own = in_years(str(candidate.value))
        others = [y for y in years if abs(y - own) > 1e-9] or [own]
        median = others[len(others) // 2]
        candidate.features["years_from_others"] = min(abs(own - median), 5.0)


def score(candidates: list[Candidate], key: str, fitted: Model | None = None) -> None:
    scorer = (fitted or model()).scorer(key)
    taught = learned_weights() if any("example_value" in c.features for c in candidates) else None
    for candidate in candidates:
        candidate.score = scorer.score(candidate.features)
        if taught is not None:
            candidate.score += taught.score(candidate.features)


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """The best-scored candidate of each value, best first."""
    best: dict[Any, Candidate] = {}
    for candidate in candidates:
        key = value_key(candidate.value)
        if key not in best or candidate.score > best[key].score:
            best[key] = candidate
    return sorted(best.values(), key=lambda c: -c.score)


UNPRINTED = ("locale", "learned")  # how a value the page does not print was found: its country's, a correction's
ALTERNATIVES = 10  # other values a field's details list, best first: where a person's correction is looked for


def box(candidate: Candidate) -> Box | None:
    """Where the value is printed; none for a value the page does not print (its country's currency, a name a
    person gave the issuer)."""
    return None if candidate.how in UNPRINTED else candidate.row.cell_box(candidate.start, candidate.end)


def _corners(where: Box | None) -> list[list[float]] | None:
    if where is None:
        return None
    left, top, right, bottom = (round(v, 1) for v in where)
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


def alternative(candidate: Candidate, share: float) -> dict[str, Any]:
    """A value the field did not take, as its details list it: how it was found, where, and its share."""
    printed = candidate.how not in UNPRINTED
    return candidate.describe() | {
        "score": round(share, 3),
        "page": candidate.row.page if printed else None,
        "box": _corners(box(candidate)),
    }


def detail(value: Any, confidence: float, row: Row | None, rule: str, where: Box | None = None) -> dict[str, Any]:
    return {
        "value": value,
        "confidence": round(confidence, 4),
        "page": row.page if row else None,
        "box": _corners(where if where is not None else (row.box if row else None)),
        "rule": rule,
    }


def choose(
    candidates: list[Candidate], key: str, fitted: Model | None = None, examples: list[Applicable] | None = None
) -> dict[str, Any] | None:
    """The winning value with its confidence, its reasons and the runner-up when it came close; a person's
    correction of the same choice on the issuer's documents is replayed (learned.replayed)."""
    fitted = fitted or model()
    score(candidates, key, fitted)
    ordered = ranked(candidates)
    if not ordered:
        return None
    share = shares([c.score for c in ordered])
    chosen_by_person = replayed(ordered, examples or [])
    if chosen_by_person is not None:
        k = ordered.index(chosen_by_person)
        ordered = [chosen_by_person, *ordered[:k], *ordered[k + 1 :]]
        share = [share[k], *share[:k], *share[k + 1 :]]
    winner = ordered[0]
    runner_up = ordered[1] if len(ordered) > 1 else None
    lead = winner.score - runner_up.score if runner_up else None
    confidence = fitted.calibration.confidence(key, share[0], lead, winner.row.confidence)
    printed = winner.how not in UNPRINTED
    out = detail(winner.value, confidence, winner.row if printed else None, "label", box(winner))
    taught = learned_weights() if "example_value" in winner.features else None
    why = reasons(fitted.scorer(key), winner.features, winner.label, taught)
    out["candidate"] = winner.describe() | {
        "score": round(share[0], 3),
        "why": [REPLAYED, *why] if chosen_by_person is not None else why,
    }
    if runner_up is not None and (share[0] - share[1] < CLOSE or chosen_by_person is not None):
        out["runnerUp"] = runner_up.describe() | {"score": round(share[1], 3)}
    out["alternatives"] = [alternative(c, s) for c, s in zip(ordered[1 : ALTERNATIVES + 1], share[1:], strict=False)]
    return out


def field_scorer(f: templates_pb2.TemplateField, candidates: list[Candidate]) -> str:
    """The scorer of a field's candidates: its own (scorer_key), except for names found beside the field's own
    labels, which are weighed as any labelled value is."""
    key = scorer_key(f.type or "string", f.rule.label.role)
    if key == "issuer" and candidates and all(c.features.get("labelled") for c in candidates):
        return "label"
    return key


def choose_field(
    f: templates_pb2.TemplateField,
    others: list[str],
    context: DocumentContext,
    issuer: str | None = None,
    examples: list[Applicable] | None = None,
) -> dict[str, Any]:
    candidates = field_candidates(f, others, context, issuer, examples)
    chosen = choose(candidates, field_scorer(f, candidates), examples=examples)
    return chosen or detail(None, 0.0, None, "label")
