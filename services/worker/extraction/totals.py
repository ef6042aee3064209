"""What the total role adds: the amounts the page's own arithmetic relates to each candidate (cash − change,
subtotal + tax, the total after its rounding line, the sum of section totals), as features, and the page's
other amounts, for a total whose label OCR lost."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

from services.common.labels import AMOUNT_LABELS
from services.worker.extraction.candidates import INCLUSIVE, Candidate
from services.worker.extraction.context import DocumentContext
from services.worker.extraction.labels import find_labels

CENT = 0.011  # arithmetic on printed amounts holds to the cent (tax is rounded line by line)
SAME = 0.005  # two printed amounts are the same amount
ROUNDING_REACH = 4  # rows under a total where its rounding line may be printed
MAX_SECTION_TOTALS = 8  # more totals above than this: a long list, not sections to add up


@dataclass
class Pools:
    """The first amount right of each cash, change, subtotal, tax, rounding and discount label."""

    cash: list[float]
    change: list[float]
    subtotal: list[float]
    tax: list[float]
    rounding: list[float]
    discount: list[float]

    def paid(self) -> list[float]:
        """What was handed over less what came back: the amount paid."""
        return [cash - change for cash, change in product(self.cash, self.change or [0.0]) if cash - change > 0]

    def sums(self) -> list[float]:
        """Subtotal + tax (+ rounding) (− discount): what the total should be."""
        sums = [s + t for s, t in product(self.subtotal, self.tax or [0.0])]
        sums += [s + r for s, r in product(sums, self.rounding)]
        sums += [s - abs(d) for s, d in product(sums, self.discount)]
        return [s for s in sums if s > 0]


def labelled_amounts(context: DocumentContext) -> Pools:
    """The amounts beside each kind of amount label, signed except for what was handed over and back
    ("Payment -20.00"). A label in parentheses or after "incl." is part of the one before it: "SUB-TOTAL
    (GST) 28.00" is a subtotal."""
    every = [label for labels in AMOUNT_LABELS.values() for label in labels]
    pools: dict[str, list[float]] = {kind: [] for kind in AMOUNT_LABELS}
    for row in context.rows:
        matches = find_labels(row.text, every)
        matches = [
            m for k, m in enumerate(matches) if not k or not INCLUSIVE.search(row.text[matches[k - 1].end : m.start])
        ]
        for k, match in enumerate(matches):
            end = matches[k + 1].start if k + 1 < len(matches) else len(row.text)
            amounts = context.find_amounts(row.text[match.end : end])
            if amounts:
                kind = next(kind for kind, labels in AMOUNT_LABELS.items() if match.label in labels)
                value = float(amounts[0].value)
                pools[kind].append(abs(value) if kind in ("cash", "change", "discount") else value)
    return Pools(**pools)


def _rounded(candidates: list[Candidate], context: DocumentContext, pools: Pools) -> list[Candidate]:
    """A total after its rounding line ("Total 177.22, Rounding -0.02, … 177.20"): the rounded amount, where
    it is printed below the total and its rounding line, is the amount paid."""
    rows = context.rows
    lines = [row.index for row in rows if find_labels(row.text, list(AMOUNT_LABELS["rounding"]))]
    out = []
    for candidate, step in product(candidates, [abs(r) for r in pools.rounding if r]):
        after = [r for r in lines if candidate.row.index < r <= candidate.row.index + ROUNDING_REACH]
        if not after:
            continue
        for value in (round(float(candidate.value) - step, 2), round(float(candidate.value) + step, 2)):
            for row in rows[after[0] : after[0] + 3]:
                found = [f for f in context.find_amounts(row.text) if abs(float(f.value) - value) < SAME]
                if found and value > 0:
                    features = dict(candidate.features) | {"after_rounding": 1.0}
                    out.append(Candidate(value, row, found[0].start, found[0].end, "right", candidate.label, features))
                    break
    return out


def _page_amounts(candidates: list[Candidate], context: DocumentContext) -> list[Candidate]:
    """Every other amount written in full on the page, for a total whose label OCR lost or misread ("TOTAL"
    read as "UASH", a total printed on a line of its own): what the page's arithmetic says of each decides."""
    taken = {(c.row.index, c.start) for c in candidates}
    every = [label for labels in AMOUNT_LABELS.values() for label in labels]
    out = []
    for row, found in context.amounts:
        if not found.clean or float(found.value) <= 0 or (row.index, found.start) in taken:
            continue
        features = {
            "unlabelled": 1.0,
            "page_position": min(row.top_fraction, 1.0),
            "line_height": min(context.relative_height(row), 4.0),
            "ocr_confidence": row.confidence,
            "written_cleanly": 1.0,
            "currency_printed": float(bool(found.currency)),
            "labelled_otherwise": float(bool(find_labels(row.text[: found.start], every))),
        }
        out.append(Candidate(found.value, row, found.start, found.end, "unlabelled", None, features))
    return out


def _sum_of_totals(candidate: Candidate, candidates: list[Candidate]) -> bool:
    """Whether the amount is the sum of two or three totals printed above it (a grand total of sections)."""
    above = {c.row.index: float(c.value) for c in candidates if c.row.index < candidate.row.index and c.how == "right"}
    amounts = [a for a in above.values() if a]
    return len(amounts) <= MAX_SECTION_TOTALS and any(
        abs(sum(group) - float(candidate.value)) < CENT for size in (2, 3) for group in combinations(amounts, size)
    )


def total_candidates(candidates: list[Candidate], context: DocumentContext) -> list[Candidate]:
    """The labelled candidates with what the page's arithmetic says of each, plus the rounded and derived
    amounts."""
    pools = labelled_amounts(context)
    labelled = list(candidates)
    candidates = labelled + _rounded(labelled, context, pools)
    candidates += _page_amounts(candidates, context)
    if not candidates:
        return []
    tops = sorted({c.row.index for c in candidates})
    sums, paid = pools.sums(), pools.paid()
    discounted = max(pools.subtotal, default=0.0) - sum(abs(d) for d in pools.discount)
    page_amounts = sorted(abs(float(f.value)) for _, f in context.amounts if f.clean)
    for candidate in candidates:
        value = float(candidate.value)
        f = candidate.features
        f["cash_minus_change"] = float(any(c > 0 for c in pools.change) and any(abs(p - value) < CENT for p in paid))
        f["paid_exactly"] = float(not any(pools.change) and any(abs(c - value) < CENT for c in pools.cash))
        f["subtotal_plus_tax"] = float(bool(pools.tax) and value > 0 and any(abs(s - value) < CENT for s in sums))
        f["equals_subtotal"] = float(not pools.tax and value > 0 and any(abs(s - value) < CENT for s in sums))
        f["not_positive"] = float(value <= 0)
        f["below_subtotal"] = float(0 < value < discounted - CENT)
        f["sum_of_totals_above"] = float(_sum_of_totals(candidate, labelled))
        # totals sit below the items; of several total lines the last is usually the one paid
        f["lowest_total_line"] = tops.index(candidate.row.index) / max(len(tops) - 1, 1)
        f["amount_rank_on_page"] = (
            sum(a <= abs(value) + SAME for a in page_amounts) / len(page_amounts) if page_amounts else 0.0
        )
    return candidates
