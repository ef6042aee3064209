"""Which template a document is, and where one document ends and the next begins in a file that holds several
(a portfolio PDF): each page is weighed against every candidate template, pages are grouped into documents,
and each group is classified again as a whole and extracted with the template that won.

A template's evidence on some pages (`evidence`) is what extraction finds with it: its type words (the words
that name or mark the type — "Invoice", "Facture", "Bill to"), the labels of its fields that no other candidate
has, the share of its fields that get a value, their mean confidence, the rows of its tables. The evidence is
weighed by a logistic scorer fitted on the real corpora (`python -m bench.portfolio --fit`,
classification_weights.json); its output is the probability that the pages are of that template's type. The
best one under `unknown_below` (fitted on the same data) makes the part `unknown`.

A page continues the document before it when it says so: a page number past the first ("Page 2 of 3",
"2/3", "Seite 2 von 3"), or the same identifier (invoice number) as the document's first page. Any other page
begins a document."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ocrbatch.v1 import common_pb2, jobs_pb2, templates_pb2
from services.common.convert import to_struct
from services.worker.extraction import Extracted, LocaleHint, extract
from services.worker.extraction.labels import find_labels
from services.worker.row_text import page_text

WEIGHTS_FILE = Path(__file__).with_name("classification_weights.json")
UNKNOWN = "unknown"
FEATURES = ("type_words", "own_labels", "fields_found", "field_confidence", "table_rows")
# Evidence counts are capped so one very wordy page cannot outweigh the rest. The word and label caps were chosen
# by bench/portfolio.py's cross-validation (folds by issuer) among 3, 6, 10 and 20: 240, 246, 247 and 246 of 252
# documents right at each one's best regularisation (at C = 3: 232, 243, 247, 237); at 3 the counts saturate, and
# an invoice printing three of a receipt's words and ten of an invoice's looked like either. The rows' cap: 5 and
# 10 alike.
TYPE_WORDS_CAP = 10
OWN_LABELS_CAP = 10
TABLE_ROWS_CAP = 5

_PAGE_OF = re.compile(
    r"\b(?:page|pg|seite|blatt|página|pagina|pag|blad|strona|sida|side|sivu|stránka|oldal)\.?\s*"
    r"(\d{1,3})\s*(?:of|von|sur|de|di|van|z|av|af|/|из|από)\s*(\d{1,3})\b",
    re.IGNORECASE,
)
_BARE_PAGE_OF = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*$")


@dataclass(frozen=True)
class Candidate:
    type: str  # as the client named it (a template's id or name)
    template: templates_pb2.Template


@dataclass
class Part:
    """One document found in a file: its pages, its type, its fields."""

    type: str
    template: templates_pb2.Template | None  # None: unknown
    pages: list[common_pb2.Page]
    confidence: float
    scores: dict[str, float]
    extracted: Extracted | None = None

    @property
    def start_page(self) -> int:
        return self.pages[0].number

    @property
    def end_page(self) -> int:
        return self.pages[-1].number


@dataclass(frozen=True)
class Scorer:
    """Two fitted logistic models. The choice among candidates: each candidate's utility is `choice` · its
    features and the probabilities are their softmax (a conditional logit: only the differences between the
    candidates' evidence count, so a template whose labels turn up on every kind of page gains nothing from
    them). Whether the pages are any of the candidates at all: `known` · (the best utility, the share of rows
    holding an amount) + `known_bias`, under 0.5 unknown."""

    choice: tuple[float, ...]
    known: tuple[float, float]
    known_bias: float

    def utility(self, features: list[float]) -> float:
        return sum(w * f for w, f in zip(self.choice, features, strict=True))

    def probabilities(self, features: dict[str, list[float]]) -> dict[str, float]:
        utilities = {kind: self.utility(f) for kind, f in features.items()}
        top = max(utilities.values())
        weights = {kind: math.exp(u - top) for kind, u in utilities.items()}
        total = sum(weights.values())
        return {kind: w / total for kind, w in weights.items()}

    def known_probability(self, features: dict[str, list[float]], amount_rows: float) -> float:
        best = max(self.utility(f) for f in features.values())
        z = self.known_bias + self.known[0] * best + self.known[1] * amount_rows
        return 1 / (1 + math.exp(-z))


@lru_cache(maxsize=1)
def fitted_scorer() -> Scorer:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    choice = data["choice"]
    known = data["known"]
    return Scorer(
        tuple(float(choice[name]) for name in FEATURES),
        (float(known["best_utility"]), float(known["amount_rows"])),
        float(known["bias"]),
    )


_AMOUNT = re.compile(r"\d[.,]\d{2}(?!\d)")


def amount_rows(pages: list[common_pb2.Page]) -> float:
    """The share of the pages' printed rows that hold an amount ("12.50", "3 463,20"): high on receipts and
    invoices, low on prose, whatever the template."""
    rows = [row for page in pages for row in page_text(page).splitlines() if row.strip()]
    return sum(1 for row in rows if _AMOUNT.search(row)) / len(rows) if rows else 0.0


def type_words(template: templates_pb2.Template) -> tuple[str, ...]:
    """The words that mark the template's type: its own, else its name."""
    return tuple(template.type_words) or ((template.name,) if template.name else ())


def _labels(template: templates_pb2.Template) -> set[str]:
    return {label for f in template.fields if f.rule.WhichOneof("kind") == "label" for label in f.rule.label.labels}


@dataclass
class Evidence:
    """A template's evidence on some pages, as the scorer's features (each 0..1), and what it extracted."""

    features: list[float]
    extracted: Extracted
    identifiers: dict[str, str] = field(default_factory=dict)  # identifier fields' values, for continuation


def evidence(
    candidate: Candidate,
    others: list[Candidate],
    pages: list[common_pb2.Page],
    locale: LocaleHint | None = None,
    examples: list[jobs_pb2.Example] | None = None,
) -> Evidence:
    template = candidate.template
    text = "\n\n".join(page_text(page) for page in pages)
    extracted = extract(template, pages, text, locale, examples)
    words = {m.label.casefold() for m in find_labels(text, type_words(template))}
    other_labels = set().union(*(_labels(o.template) for o in others)) if others else set()
    own = _labels(template) - other_labels
    own_found = {m.label for m in find_labels(text, tuple(own))} if own else set()
    wanted = [f for f in template.fields if not f.optional and f.rule.WhichOneof("kind") in ("label", "regex")]
    found = [f for f in wanted if extracted.values.get(f.name) not in (None, "", [])]
    confidence = [float(extracted.details.get(f.name, {}).get("confidence") or 0.0) for f in wanted]
    rows = sum(
        len(extracted.values.get(f.name) or [])
        for f in template.fields
        if f.rule.WhichOneof("kind") == "table" and isinstance(extracted.values.get(f.name), list)
    )
    features = [
        min(len(words), TYPE_WORDS_CAP) / TYPE_WORDS_CAP,
        min(len(own_found), OWN_LABELS_CAP) / OWN_LABELS_CAP,
        len(found) / len(wanted) if wanted else 0.0,
        sum(confidence) / len(confidence) if confidence else 0.0,
        min(rows, TABLE_ROWS_CAP) / TABLE_ROWS_CAP,
    ]
    identifiers = {
        f.name: str(extracted.values[f.name])
        for f in wanted
        if f.type == "identifier" and extracted.values.get(f.name) not in (None, "")
    }
    return Evidence(features, extracted, identifiers)


@dataclass
class Weighed:
    """The candidates weighed on some pages: each one's evidence, the choice's probabilities, and how likely the
    pages are any of them."""

    found: dict[str, Evidence]
    scores: dict[str, float]
    known: float

    def verdict(self) -> tuple[str, float]:
        """The best type and how sure that is; `unknown` (and how sure that is) when the pages are none."""
        if self.known < 0.5:
            return UNKNOWN, round(1 - self.known, 4)
        best = max(self.scores, key=lambda kind: self.scores[kind])
        return best, round(self.scores[best] * self.known, 4)


def weigh(
    candidates: list[Candidate],
    pages: list[common_pb2.Page],
    scorer: Scorer,
    locale: LocaleHint | None = None,
    examples: list[jobs_pb2.Example] | None = None,
) -> Weighed:
    found = {c.type: evidence(c, [o for o in candidates if o is not c], pages, locale, examples) for c in candidates}
    features = {kind: e.features for kind, e in found.items()}
    probabilities = scorer.probabilities(features)
    known = scorer.known_probability(features, amount_rows(pages))
    return Weighed(found, {kind: round(p, 4) for kind, p in probabilities.items()}, known)


def page_of(page: common_pb2.Page) -> tuple[int, int] | None:
    """The page's own "page k of n", when it prints one."""
    for line in page.lines:
        match = _PAGE_OF.search(line.text) or _BARE_PAGE_OF.match(line.text)
        if match:
            k, n = int(match.group(1)), int(match.group(2))
            if 1 <= k <= n:
                return k, n
    return None


def classify(
    pages: list[common_pb2.Page],
    candidates: list[Candidate],
    locale: LocaleHint | None = None,
    examples: list[jobs_pb2.Example] | None = None,
    scorer: Scorer | None = None,
    *,
    split: bool = True,
) -> list[Part]:
    """The documents in the pages, in page order, each classified among the candidates and extracted (`split`
    False: the pages are one document)."""
    scorer = scorer or fitted_scorer()
    if not pages:
        return []
    if not split:
        return [_part(candidates, pages, weigh(candidates, pages, scorer, locale, examples))]
    marks = [page_of(page) for page in pages]
    per_page = [weigh(candidates, [page], scorer, locale, examples) for page in pages]
    groups: list[list[int]] = [[0]]
    for index in range(1, len(pages)):
        if _continues(per_page[groups[-1][0]], per_page[index], marks[index]):
            groups[-1].append(index)
        else:
            groups.append([index])
    parts = []
    for group in groups:
        chosen = [pages[i] for i in group]
        weighed = per_page[group[0]] if len(group) == 1 else weigh(candidates, chosen, scorer, locale, examples)
        parts.append(_part(candidates, chosen, weighed))
    return parts


def _part(candidates: list[Candidate], pages: list[common_pb2.Page], weighed: Weighed) -> Part:
    kind, confidence = weighed.verdict()
    template = next((c.template for c in candidates if c.type == kind), None)
    extracted = weighed.found[kind].extracted if template is not None else None
    return Part(kind, template, pages, confidence, weighed.scores, extracted)


def _continues(first: Weighed, page: Weighed, mark: tuple[int, int] | None) -> bool:
    """Whether a page goes on with the document whose first page was `first`: its page number says so, else it
    repeats an identifier (an invoice number) that the first page's best template read there."""
    if mark is not None:
        return mark[0] > 1
    kind = max(first.scores, key=lambda k: first.scores[k])
    then, now = first.found[kind].identifiers, page.found[kind].identifiers
    return any(now.get(name) == value for name, value in then.items())


def part_proto(part: Part) -> common_pb2.DocumentPart:
    """A part as the worker reports it (the batch service gives it its id)."""
    out = common_pb2.DocumentPart(
        type=part.type,
        template_id=part.template.id if part.template is not None else "",
        template_name=part.template.name if part.template is not None else "",
        start_page=part.start_page,
        end_page=part.end_page,
        confidence=part.confidence,
        scores=to_struct(part.scores),
    )
    if part.extracted is not None:
        out.processing_result.CopyFrom(to_struct(part.extracted.values))
        out.field_details.CopyFrom(to_struct(part.extracted.details))
        out.field_names.extend(part.extracted.values)
        out.needs_review = part.extracted.needs_review
    return out
