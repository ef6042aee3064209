"""What a field's role adds to its candidates: a total is the amount the page's arithmetic agrees on; an
issuer (merchant, vendor) is the most prominent name near the top when no label names it."""

from __future__ import annotations

import statistics
from itertools import combinations, product

from services.common.labels import AMOUNT_LABELS
from services.worker.extraction.candidates import INCLUSIVE, Candidate
from services.worker.extraction.labels import find_labels
from services.worker.extraction.layout import Row
from services.worker.extraction.vocabulary import OWNER, TRADE_WORDS, is_title, issuer_name, not_an_issuer
from services.worker.normalise import find_amounts, find_dates

CENT = 0.011  # arithmetic on printed amounts holds to the cent (tax is rounded line by line)
SAME = 0.005  # two printed amounts are the same amount
HEADING_ROWS = 12  # the issuer's name is among the first rows of the first page…
HEADING_DEPTH = 0.4  # …and in its top part


def labelled_amounts(rows: list[Row]) -> dict[str, list[float]]:
    """The first amount right of each cash, change, subtotal, tax, rounding and discount label, with its
    sign except for what was handed over and back ("Payment -20.00"). A label in parentheses or after
    "incl." is part of the one before it: "SUB-TOTAL (GST) 28.00" is a subtotal."""
    every = [label for labels in AMOUNT_LABELS.values() for label in labels]
    pools: dict[str, list[float]] = {kind: [] for kind in AMOUNT_LABELS}
    for row in rows:
        matches = find_labels(row.text, every)
        matches = [
            m for k, m in enumerate(matches) if not k or not INCLUSIVE.search(row.text[matches[k - 1].end : m.start])
        ]
        for k, match in enumerate(matches):
            end = matches[k + 1].start if k + 1 < len(matches) else len(row.text)
            amounts = find_amounts(row.text[match.end : end])
            if amounts:
                kind = next(kind for kind, labels in AMOUNT_LABELS.items() if match.label in labels)
                value = float(amounts[0].value)
                pools[kind].append(abs(value) if kind in ("cash", "change", "discount") else value)
    return pools


def _rounding_rows(rows: list[Row]) -> list[int]:
    return [row.index for row in rows if find_labels(row.text, list(AMOUNT_LABELS["rounding"]))]


def _rounded(candidates: list[Candidate], rows: list[Row], rounding: list[float]) -> list[Candidate]:
    """A total after its rounding line ("Total 177.22, Rounding -0.02, … 177.20"): the rounded amount, where
    it is printed below the total and its rounding line, is the amount paid."""
    out = []
    lines = _rounding_rows(rows)
    for candidate, step in product(candidates, [abs(r) for r in rounding if r]):
        after = [r for r in lines if candidate.row.index < r <= candidate.row.index + 4]
        if not after:
            continue
        for value in (round(float(candidate.value) - step, 2), round(float(candidate.value) + step, 2)):
            for row in rows[after[0] : after[0] + 3]:
                found = [f for f in find_amounts(row.text) if abs(float(f.value) - value) < SAME]
                if found and value > 0:
                    notes = ["total after rounding"]
                    out.append(
                        Candidate(
                            value, row, found[0].start, found[0].end, "right", candidate.label, candidate.score, notes
                        )
                    )
                    break
    return out


def _paid(pools: dict[str, list[float]]) -> list[float]:
    """What was handed over less what came back: the amount paid."""
    return [cash - change for cash, change in product(pools["cash"], pools["change"] or [0.0]) if cash - change > 0]


def _sums(pools: dict[str, list[float]]) -> list[float]:
    """Subtotal + tax (+ rounding) (− discount): what the total should be."""
    sums = [s + t for s, t in product(pools["subtotal"], pools["tax"] or [0.0])]
    sums += [s + r for s, r in product(sums, pools["rounding"])]
    sums += [s - abs(d) for s, d in product(sums, pools["discount"])]
    return [s for s in sums if s > 0]


def _derived(candidates: list[Candidate], rows: list[Row], pools: dict[str, list[float]]) -> list[Candidate]:
    """The amount the arithmetic gives (cash − change, subtotal + tax, the subtotal itself), where it is
    printed on the page but no total label survived OCR next to it ("TOTAL 20.00" misread, "Net Total"
    lost): the lowest place it is printed."""
    known = [float(c.value) for c in candidates]
    out: list[Candidate] = []
    for value in {round(v, 2) for v in _paid(pools) + _sums(pools) + pools["subtotal"]}:
        if value <= 0 or any(abs(value - k) < SAME for k in known):
            continue
        for row in reversed(rows):
            found = [f for f in find_amounts(row.text) if f.clean and abs(float(f.value) - value) < SAME]
            if found:
                notes = ["the amount the arithmetic gives, printed without a total label"]
                out.append(Candidate(value, row, found[-1].start, found[-1].end, "derived", None, 0.5, notes))
                break
    return out


def _sum_of_totals(candidate: Candidate, candidates: list[Candidate]) -> bool:
    """Whether the amount is the sum of two or three totals printed above it (a grand total of sections)."""
    above = {c.row.index: float(c.value) for c in candidates if c.row.index < candidate.row.index and c.how == "right"}
    amounts = [a for a in above.values() if a]
    return any(
        abs(sum(group) - float(candidate.value)) < CENT
        for size in (2, 3)
        for group in combinations(amounts, size)
        if len(amounts) <= 8
    )


def score_totals(candidates: list[Candidate], rows: list[Row]) -> None:
    """Raises the totals that the page's own arithmetic confirms; prefers the lowest total line."""
    pools = labelled_amounts(rows)
    labelled = list(candidates)
    candidates += _rounded(labelled, rows, pools["rounding"])
    candidates += _derived(labelled, rows, pools)
    if not candidates:
        return
    tops = sorted({c.row.index for c in candidates})
    sums, paid = _sums(pools), _paid(pools)
    discounted = max(pools["subtotal"], default=0.0) - sum(abs(d) for d in pools["discount"])
    for candidate in candidates:
        value = float(candidate.value)
        if any(change > 0 for change in pools["change"]) and any(abs(p - value) < CENT for p in paid):
            candidate.score += 0.35
            candidate.notes.append("cash − change = total")
        elif any(abs(cash - value) < CENT for cash in pools["cash"]) and not any(pools["change"]):
            candidate.score += 0.2
            candidate.notes.append("paid exactly")
        if any(abs(s - value) < CENT for s in sums) and value > 0 and pools["tax"]:
            candidate.score += 0.25
            candidate.notes.append("subtotal + tax = total")
        elif any(abs(s - value) < CENT for s in sums) and value > 0:
            candidate.score += 0.1
            candidate.notes.append("equals the subtotal")
        if value <= 0:
            candidate.score -= 0.3
            candidate.notes.append("not a positive amount")
        elif value < discounted - CENT:
            candidate.score -= 0.3
            candidate.notes.append("less than the subtotal, with no discount to explain it")
        if _sum_of_totals(candidate, labelled):
            candidate.score += 0.3
            candidate.notes.append("the sum of the totals above it")
        # totals sit below the items; of several total lines the last is usually the one paid
        candidate.score += 0.08 * tops.index(candidate.row.index) / max(len(tops) - 1, 1)


def heading_candidates(rows: list[Row]) -> list[Candidate]:
    """Prominent lines near the top of the first page that are not an address, a phone, an id or a title.

    The issuer's name comes first: before the document's title, its date and the customer's block, and
    not after an "owned by"."""
    first = [r for r in rows if r.page == rows[0].page][:HEADING_ROWS] if rows else []
    heights = [r.height for r in first if r.box]
    typical = statistics.median(heights) if heights else 1.0
    out: list[Candidate] = []
    rank = 0
    joined: set[int] = set()
    past_title = False
    for position, row in enumerate(first):
        if row.top_fraction > HEADING_DEPTH:
            break
        text = issuer_name(" ".join(row.text.split()))
        if is_title(text) or find_dates(text):
            past_title = True
        why_not = not_an_issuer(text)
        if why_not or position in joined:
            continue
        notes = []
        prominence = min(row.height / typical, 2.0) - 1.0
        score = 0.45 + 0.25 * max(prominence, -0.5) - 0.05 * rank
        if prominence > 0.15:
            notes.append("larger than the text around it")
        if not any(c.isupper() for c in text):
            score -= 0.15
            notes.append("no capital letter")
        if past_title:
            score -= 0.2
            notes.append("after the document's title or date")
        if position and OWNER.search(first[position - 1].text + " " + row.text):
            score -= 0.3
            notes.append("an owner, not the shop")
        value = text
        # a name printed over several lines: "AIK HUAT HARDWARE" / "ENTERPRISE(SETIA" / "ALAM) SDN BHD"
        for offset, following in enumerate(first[position + 1 : position + 3], start=position + 1):
            more = issuer_name(" ".join(following.text.split()))
            similar = abs(following.height - row.height) <= 0.25 * max(row.height, 1.0)
            unfinished = value.count("(") > value.count(")") or value.endswith(("-", "&"))
            if not_an_issuer(more) or not (
                (similar and (TRADE_WORDS.search(more) or more.startswith("("))) or unfinished
            ):
                break
            value = f"{value} {more}"
            joined.add(offset)
            notes.append("continues on the next line")
        if TRADE_WORDS.search(value):
            score += 0.25
            notes.append("business name words")
        out.append(Candidate(value, row, 0, len(row.text), "heading", None, score, notes))
        rank += 1
    return out
