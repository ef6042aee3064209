"""Applies a template to recognised pages: regex, label and table rules, typed values read by the document's
locale, with provenance.

Every field comes back as {value, confidence, page, box, rule} — for label rules also the winning
`candidate` (how it was found, its label, its text, its score and `why`) and the `runnerUp` when it came
close; locale-dependent fields also say which locale read them and why. The plain values form the record's
processingResult. A record needs review when a required field is missing or its confidence is under the
template's review threshold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ocrbatch.v1 import common_pb2, jobs_pb2, templates_pb2
from services.common.templates import needs_review
from services.worker.extraction.context import DocumentContext
from services.worker.extraction.fields import choose_field, detail, other_labels
from services.worker.extraction.fieldtypes import field_type
from services.worker.extraction.fingerprint import issuer_keys
from services.worker.extraction.layout import Row, visual_rows
from services.worker.extraction.learned import applicable
from services.worker.extraction.locale import DocumentLocale, LocaleHint, read_locale
from services.worker.extraction.tables import read_table

__all__ = ["Extracted", "LocaleHint", "Row", "extract", "read_context", "visual_rows"]

_KEY_VALUE = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(\S.*)$")
_LOCALE_TYPES = ("date", "money", "number", "currency")  # what a locale changes the reading of


@dataclass
class Extracted:
    values: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    needs_review: bool = False
    issuer_keys: list[str] = field(default_factory=list)  # the document's issuer fingerprint (fingerprint.py)


def _regex(rule: templates_pb2.RegexRule, kind: str, context: DocumentContext) -> dict[str, Any]:
    pattern = re.compile(rule.pattern, re.IGNORECASE)
    for row in context.rows:
        match = pattern.search(row.text)
        if match and match.group(1) is not None:
            value = field_type(kind).normalise(match.group(1), context.locale)
            if value is not None:
                return detail(value, row.confidence, row, "regex", row.cell_box(match.start(1), match.end(1)))
    return detail(None, 0.0, None, "regex")


def _table(rule: templates_pb2.TableRule, rows: list[Row]) -> dict[str, Any]:
    table = read_table(rule, rows)
    if not table.items:
        return detail([], 0.0, None, "table")
    body = table.rows[1:] or table.rows
    header = table.rows[0]
    return detail(
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


def _locale_detail(locale: DocumentLocale) -> dict[str, Any]:
    return {"tag": locale.tag, "dateOrder": locale.date_order, "decimal": locale.decimal, "why": list(locale.reasons)}


def read_context(pages: list[common_pb2.Page], hint: LocaleHint | None = None) -> DocumentContext:
    """The document's rows and the locale its evidence (else the hint) says it is written in."""
    rows = visual_rows(pages)
    return DocumentContext(rows, read_locale([row.text for row in rows], hint))


def extract(
    template: templates_pb2.Template,
    pages: list[common_pb2.Page],
    text: str,
    locale: LocaleHint | None = None,
    examples: list[jobs_pb2.Example] | None = None,
) -> Extracted:
    """The template's fields from the recognised pages; `locale` is what the upload, template or project gave,
    `examples` what people's corrections in the project taught (those of the document's issuer apply)."""
    context = read_context(pages, locale)
    out = Extracted(issuer_keys=issuer_keys(context))
    issuer_fields = frozenset(f.name for f in template.fields if f.rule.label.role in ("issuer", "legal_name"))
    taught = applicable(list(examples or []), out.issuer_keys, issuer_fields, template.id)
    if template.key_values:
        pairs = key_values(context.rows)
        out.values = {"keyValues": pairs, "text": text}
        out.details = {"keyValues": detail(pairs, 1.0 if pairs else 0.0, None, "keyValues")}
        return out
    issuer: str | None = None
    # the issuer's name first: a legal name is read as that issuer's (the fields keep the template's order)
    for f in sorted(template.fields, key=lambda f: f.rule.label.role != "issuer"):
        kind = f.rule.WhichOneof("kind")
        if kind == "regex":
            found = _regex(f.rule.regex, f.type, context)
        elif kind == "label":
            found = choose_field(f, other_labels(template, f.name), context, issuer, taught.get(f.name))
            if f.rule.label.role == "issuer" and issuer is None and found["value"]:
                issuer = str(found["value"])
        else:
            found = _table(f.rule.table, context.rows)
        if kind != "table" and (f.type or "string") in _LOCALE_TYPES:
            found["locale"] = _locale_detail(context.locale)
        out.values[f.name] = found["value"]
        out.details[f.name] = found
    order = [f.name for f in template.fields]
    out.values = {name: out.values[name] for name in order}
    out.details = {name: out.details[name] for name in order}
    out.needs_review = needs_review(template, out.details)
    return out
