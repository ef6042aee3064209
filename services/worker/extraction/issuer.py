"""What the issuer role adds: the names a receipt or invoice gives its issuer, each a candidate with features.

A name can come from the header (a line near the top of the first page, or a piece of it: the shop before
its branch, a name before its legal form, a logo read from a dark box), from a legal-entity line anywhere
(a name with GmbH, Ltd, S.A., SDN BHD…), or from a greeting ("Welcome to …", "Vielen Dank für Ihren Einkauf
bei …"). What a person files the receipt under is the name without its legal form; the legal name is kept
for the `legal_name` role. Which candidate wins is the fitted scorer's call: the features say where the name
is, how it is printed, and what else on the page agrees with it (a web domain, a legal-entity line, the same
name printed again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.common.labels import AMOUNT_LABELS, TOTAL_LABELS
from services.common.languages import LANGUAGES, LEGAL_FORMS
from services.worker.extraction.candidates import Candidate
from services.worker.extraction.context import DocumentContext
from services.worker.extraction.labels import find_labels
from services.worker.extraction.layout import CELL_GAP, Row
from services.worker.extraction.vocabulary import (
    ADDRESS,
    BRANCH_SUFFIX,
    OWNER,
    PLACE_LINE,
    TRADE_WORDS,
    is_title,
    issuer_name,
    not_an_issuer,
)
from services.worker.normalise import fold

HEADER_ROWS = 15  # the issuer's name is among the first rows of the first page…
HEADER_DEPTH = 0.45  # …and in its top part
FOOTER_FROM = 0.75  # a legal-entity line may also close the page
MAX_WORDS = 8  # a longer piece of text is a sentence, not a name
BRANCH_WORDS = 3  # a name's line may go on with a branch or place of at most this many words
_CELL_PIECES = re.compile(r"\s*[|•·★☆]\s*|\s+-\s+|\*+|\s*\(|\)\s*|(?<=[a-z]{2}[.!?])\s+(?=[A-Z])|:\s+")
_DOMAIN = re.compile(r"(?:www\.|https?://|@|\b)((?:[a-z0-9][a-z0-9-]*\.)+)(?:[a-z]{2,6})\b", re.IGNORECASE)
_GENERIC_LABELS = {"www", "mail", "email", "shop", "web", "com", "co", "net", "org", "info", "de", "en"}
_DECORATION = re.compile(r"^\W*[*★☆•~=#]|[*★☆•~=]\W*$")  # "*** Golden Lotus **★", "* NOVA *"
_CONNECTOR = re.compile(r"^(?:&|\+|and|und|et|y|e|en|och|og|i|a|-)$", re.IGNORECASE)
# what opens a line that goes on with the name above it; the one-letter connectors ("a", "i", "e") are left
# out: at the start of a line they are as often an initial or a street's ("A. Štrossmayera")
_LINE_CONNECTOR = re.compile(r"^(?:&|\+|and|und|et|en|och|og)$", re.IGNORECASE)
_FUNCTION_WORDS = (
    r"&|\+|and|und|et|y|en|och|og|the|of|der|die|das|des|zum|zur|am|im|le|la|les|du|el|los|las|il|lo|het|de|van|"
    r"den|det|da|do|dos|di|del"
)
# a name does not end with an article, a preposition or a connector: "the" over "breakfast" over "club"
_UNFINISHED = re.compile(rf"(?:^|\s)(?:{_FUNCTION_WORDS})$", re.IGNORECASE)
# …and a line that opens with one in lower case goes on with the name above it: "Brauhaus" / "am Markt"
_OPENS_LOWER = re.compile(rf"^(?:{_FUNCTION_WORDS})$")
_LOWER_WORD = re.compile(r"\b[a-zäöüéèàçñ][a-zäöüéèàçñß]{2,}\b")


# Legal forms printed before the name ("UAB „…“", "SIA …", "AB …"); every other form follows it
LEADING_FORMS = frozenset({"UAB", "SIA", "AB", "AS", "MB", "IĮ", "PT", "OOO", "TOO", "Ets", "Ets."})
SHORT_FORM = 3  # a legal form of this many letters or fewer, without dots ("AS", "AB", "KG"), is matched in
# its own case only: in lower case it is a word ("as", "ag")


@lru_cache(maxsize=1)
def _legal_form() -> re.Pattern[str]:
    """A legal form as printed: dots and spaces as they come, "(M)" (Malaysia) before a Malaysian form."""

    def pattern(form: str) -> str:
        # an "o" as OCR reads it too, and the last dot as it may drop it: "Sp. z 0.0" is "Sp. z o.o."
        parts = [re.escape(p).replace("o", "[o0]").replace("O", "[O0]") for p in re.split(r"(?<=\.)\s*|\s+", form) if p]
        if len(parts) > 1 and parts[-1].endswith(r"\."):
            parts[-1] += "?"
        return r"\s*".join(parts)

    forms = sorted(LEGAL_FORMS, key=len, reverse=True)
    exact = [f for f in forms if len(f) <= SHORT_FORM and "." not in f]
    loose = [f for f in forms if f not in exact]
    either = "|".join([*(pattern(f) for f in exact), "(?i:" + "|".join(pattern(f) for f in loose) + ")"])
    return re.compile(rf"(?:^|(?<=[\s,.(\"'„“]))(?:\(M\)\s*)?(?:{either})(?![\w])")


_AFTER_FORM = re.compile(r"^[\s,.;:|-]*(?:\S*\d|\(|$)")  # what may follow a form mid-line: an id, a number


def split_legal_form(text: str) -> tuple[str, str | None]:
    """The name without its legal form, and the legal name (the name with its forms): "Nordvik AS" →
    ("Nordvik", "Nordvik AS"); "MAJU CO. (M) BHD" → ("MAJU", "MAJU CO. (M) BHD"); "UAB „Senoji
    kava“" → ("Senoji kava", …); "LUKA plus d.o.o. OIB 1234…" → ("LUKA plus", "LUKA plus d.o.o.").
    Text without a form comes back whole, with None."""
    matches = list(_legal_form().finditer(text))
    if not matches:
        return text, None
    first = matches[0]
    if first.start() == 0 and first.group().strip() in LEADING_FORMS and text[first.end() : first.end() + 1].isspace():
        name = text[first.end() :].strip(" „“\"',")
        rest, _ = split_legal_form(name) if name else ("", None)
        return (rest, text.strip()) if rest else (text, None)
    name, end = text, None
    for match in reversed(matches):  # forms at the end, one after another: "CO. (M) BHD", "GmbH & Co. KG"
        tail = text[match.end() : end] if end is not None else text[match.end() :]
        if tail.strip(" .,)&") and not _AFTER_FORM.match(tail):
            break
        name, end = text[: match.start()].rstrip(" ,&-("), match.start()
    if name == text or not name.strip():
        return text, None
    last_kept = max((m.end() for m in matches if m.start() >= len(name)), default=len(text))
    return name.strip(" \"'„“"), text[:last_kept].strip(" \"'„“")


@lru_cache(maxsize=1)
def _greetings() -> list[re.Pattern[str]]:
    out = []
    for language in LANGUAGES.values():
        for pattern in language.greetings:
            before, _, after = pattern.partition("{name}")
            words = r"\s+".join(re.escape(w) for w in before.split())
            tail = r"\s+".join(re.escape(w) for w in after.split())
            out.append(re.compile(rf"\b{words}\s+(?P<name>[^!.,;:]{{2,60}}?)\s*(?:{tail}|[!.,;:]|$)", re.IGNORECASE))
    return out


@lru_cache(maxsize=1)
def _noise() -> re.Pattern[str]:
    words = sorted({w.lower() for language in LANGUAGES.values() for w in language.header_noise}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _trade_or_noise() -> re.Pattern[str]:
    return re.compile(rf"{TRADE_WORDS.pattern}|{_noise().pattern}", re.IGNORECASE)


def _squashed(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


@dataclass
class _Piece:
    row: Row
    start: int
    end: int
    text: str  # the piece as printed, cleaned


def _pieces(row: Row) -> list[_Piece]:
    """What a header row may name its issuer with: each of its cells (OCR boxes), and each piece of a cell
    where a header separates what it prints side by side: " | ", " - ", asterisks, parentheses, the end of a
    sentence ("Alles für Ihr Zuhause. NAME")."""
    out: list[_Piece] = []
    offset = 0
    for cell in row.text.split(CELL_GAP):
        out += _cut(row, cell, offset, _CELL_PIECES)
        offset += len(cell) + len(CELL_GAP)
    seen: set[tuple[int, int]] = set()
    unique = []
    for piece in out:
        if (piece.start, piece.end) not in seen:
            seen.add((piece.start, piece.end))
            unique.append(piece)
    return unique


def _cut(row: Row, text: str, offset: int, separators: re.Pattern[str]) -> list[_Piece]:
    """The cell itself, and its pieces between separators."""
    out = [p for p in [_piece(row, text, offset)] if p]
    start = 0
    parts = []
    for gap in [*separators.finditer(text), None]:
        end = gap.start() if gap else len(text)
        parts.append((start, end))
        start = gap.end() if gap else end
    if len(parts) > 1:
        out += [p for a, b in parts if (p := _piece(row, text[a:b], offset + a))]
    return out


def _piece(row: Row, raw: str, offset: int) -> _Piece | None:
    cleaned = issuer_name(" ".join(raw.split())).strip(" \"'„“*-_=~.,:;()[]★☆•|")
    if not cleaned:
        return None
    first = cleaned.split()[0]
    at = raw.find(first)
    start = offset + (at if at >= 0 else 0)
    return _Piece(row, start, offset + len(raw.rstrip()), cleaned)


_NOT_IN_A_NAME = re.compile(r"[:#@]|^\d+[^\w\s]")


@lru_cache(maxsize=1)
def _amount_labels() -> tuple[str, ...]:
    return tuple(label for labels in AMOUNT_LABELS.values() for label in labels) + TOTAL_LABELS


def _is_a_label(name: str) -> bool:
    return any(m.start == 0 and m.end >= len(name.rstrip(" .")) for m in find_labels(name, _amount_labels()))


def _name_or_none(text: str) -> str | None:
    """A candidate name as it is given: trimmed of punctuation around it; None when nothing of a name is left
    (a legal form alone, a letter) or it is one of a header's other lines (table, guest, order and cashier
    lines, survey banners: the words of services/common/languages.py `header_noise`)."""
    name = text.strip(" \"'„“*-_=~.,:;([]★☆•|&")
    if name.count(")") > name.count("("):
        name = name.rstrip(")").rstrip()
    if name.count("(") > name.count(")"):
        return None  # "ENTERPRISES(TAMAN": a name the next line finishes
    if sum(c.isalpha() for c in name) < 2 or _legal_form().fullmatch(name):
        return None
    if _noise().search(name) and not _legal_form().search(name):
        # a header's other lines, trade word or not: "TABLE # 121", "Your order number is", "Guest Check",
        # "Cashier: …", "RESTAURANT ORDER CHIT" (a pad's printed title); of the development corpora's 185 true
        # names, one holds such a word, and it runs into the next letters in parentheses ("Bon(n)…")
        return None
    if _NOT_IN_A_NAME.search(name) or (ADDRESS.search(name) and any(c.isdigit() for c in name)):
        return None  # "Station: 2 (…", "#CSO", "Ulica Lipa 2, 51000 Grad": a label's line, a number, a street
    if _is_a_label(name):
        return None  # "TAX", "TOTAL", "CASH": a label of the page's amounts
    return name


def _domains(context: DocumentContext) -> list[str]:
    out = []
    for row in context.rows:
        for match in _DOMAIN.finditer(row.text):
            labels = [label for label in match.group(1).lower().split(".") if label]
            out += [_squashed(label) for label in labels if label not in _GENERIC_LABELS and len(label) >= 3]
    return out


def _agrees(name: str, other: str) -> bool:
    """Whether two squashed names are one: equal, or one holding the other where both are distinctive."""
    if not name or not other:
        return False
    if name == other:
        return True
    short, long = sorted((name, other), key=len)
    return len(short) >= 4 and short in long and len(short) >= 0.4 * len(long)


def _shape(text: str) -> dict[str, float]:
    letters = [c for c in text if c.isalpha()]
    words = text.split()
    return {
        "name_words": min(len(words), MAX_WORDS) / MAX_WORDS,
        "name_letters": min(len(letters), 30) / 30,
        "digit_share": sum(c.isdigit() for c in text) / max(len(text.replace(" ", "")), 1),
        "all_capitals": float(bool(letters) and all(c.isupper() for c in letters)),
        "no_capital": float(not any(c.isupper() for c in letters)),
        "lower_case_words": min(len(_LOWER_WORD.findall(text)), 4) / 4,
        "sentence_punctuation": float(bool(re.search(r"[.!?]$", text)) and len(words) >= 3),
        "trade_word": float(bool(TRADE_WORDS.search(text))),
        "address_like": float(bool(ADDRESS.search(text))),
        "header_noise": min(len(_noise().findall(text)), 2) / 2,
    }


def _legal_candidates(context: DocumentContext, rows: list[Row]) -> list[Candidate]:
    """The name before (or after) a legal form, on any row of the first page; a form in the middle of a line
    ("… UG & Co. KG Restaurant & Bar") ends a name too."""
    out = []
    for row in rows:
        for piece in _pieces(row):
            names = {split_legal_form(piece.text)[0]: 0.0}
            for match in _legal_form().finditer(piece.text):
                if match.start() > 0:
                    names.setdefault(piece.text[: match.start()].rstrip(" ,&-(").strip(" \"'„“"), 1.0)
            for name, mid_line in names.items():
                words = name.split()
                if name == piece.text or not words or len(words) > MAX_WORDS or not_an_issuer(name):
                    continue
                features = {"from_legal_line": 1.0, "legal_form": 1.0, "form_mid_line": mid_line}
                out.append(Candidate(name, row, piece.start, piece.end, "legal", None, features, text=piece.text))
    return out


def _greeting_candidates(rows: list[Row]) -> list[Candidate]:
    out = []
    for row in rows:
        text = " ".join(row.text.split())
        for pattern in _greetings():
            match = pattern.search(text)
            if match:
                name, _ = split_legal_form(match.group("name").strip(" \"'„“*"))
                if name and not not_an_issuer(name) and len(name.split()) <= MAX_WORDS:
                    out.append(Candidate(name, row, 0, len(row.text), "greeting", None, {"from_greeting": 1.0}))
                break
    return out


def _heading_candidates(context: DocumentContext, header: list[Row]) -> list[Candidate]:
    """Header lines and pieces of them: the whole piece, the piece without a trailing branch or place (at
    most BRANCH_WORDS words), and the piece joined with the one or two lines under it (a name printed over
    several lines: "SENG LEE HARDWARE" / "ENTERPRISE(TAMAN" / "JAYA) SDN BHD", "Zum Anker" / "am Markt")."""
    out: list[Candidate] = []
    tallest = max((context.relative_height(r) for r in header), default=1.0)
    names = [_line_name(row) for row in header]
    rank = 0
    past_title = False
    for position, row in enumerate(header):
        text = " ".join(row.text.split())
        if is_title(text) or context.dates_in(row):
            past_title = True
        pieces = [p for p in _pieces(row) if not not_an_issuer(p.text)]
        if not pieces:
            continue
        after_owner = position > 0 and bool(OWNER.search(header[position - 1].text + " " + row.text))
        for piece in pieces:
            name, form = split_legal_form(piece.text)
            words = name.split()
            if not words or len(words) > MAX_WORDS:
                continue
            base = {
                "from_heading": 1.0,
                "heading_rank": min(rank, 6) / 6,
                "first_heading_line": float(rank == 0),
                "tallest_in_header": float(context.relative_height(row) >= 0.95 * tallest),
                "after_title": float(past_title),
                "after_owner_line": float(after_owner),
                "legal_form": float(form is not None),
                "part_of_line": float(len(piece.text) < len(text) - 2),
            }
            unfinished = name.count("(") > name.count(")")  # "ENTERPRISES(TAMAN": the next line goes on with it
            # "Harbour Coffee Store #1234": only its first words may be a name, and no line goes on with it
            noise = not unfinished and _name_or_none(name) is None
            if not noise:
                out.append(Candidate(name, row, piece.start, piece.end, "heading", None, dict(base), text=piece.text))
            for keep in range(max(1, len(words) - BRANCH_WORDS), len(words)):
                if _CONNECTOR.match(words[keep]) or _CONNECTOR.match(words[keep - 1]):
                    continue  # "CITY HARDWARE & ELECTRICAL" goes on after "&": not a branch
                dropped = " ".join(words[keep:])
                features = base | {
                    "words_dropped": float(len(words) - keep),
                    "dropped_has_digits": float(any(c.isdigit() or c == "#" for c in dropped)),
                    "dropped_elsewhere": float(_printed_elsewhere(dropped, row, context)),
                    "dropped_is_noise": float(bool(_noise().search(dropped))),
                    "dropped_only_trade_words": float(_only_trade_words(dropped)),
                    "dropped_in_address": float(_in_address(dropped, row, context)),
                }
                kept = " ".join(words[:keep])
                out.append(Candidate(kept, row, piece.start, piece.end, "heading", None, features, piece.text))
            joined = name
            added: list[str] = []
            for lines, below in enumerate(header[position + 1 : position + 3] if not noise else [], start=1):
                more = names[position + lines]
                if more is None or len(more.split()) > BRANCH_WORDS + 1 or len(f"{joined} {more}".split()) > MAX_WORDS:
                    break  # not a name's next line, or a sentence wrapping (a promotion under the header)
                goes_on = _goes_on(joined, more)
                joined = split_legal_form(f"{joined} {more}")[0]
                added.append(more)
                ratio = below.height / max(row.height, 1.0)
                features = base | {
                    "joined_lines": float(lines),
                    "joined_height_ratio": min(ratio, 1 / ratio),
                    "joined_only_trade_words": float(_only_trade_words(" ".join(added))),
                    "joined_goes_on": float(goes_on),
                }
                out.append(Candidate(joined, row, piece.start, piece.end, "heading", None, features, text=joined))
        rank += 1
    return out


def _only_trade_words(text: str) -> bool:
    """Whether a piece of a line says only what the shop is or which one ("BISTRO & CAFE", "Store #1234"):
    trade words and a header's other words, with numbers and connectors."""
    rest = _trade_or_noise().sub(" ", text)
    return bool(text.strip()) and not any(c.isalpha() for w in rest.split() if not _CONNECTOR.match(w) for c in w)


def _goes_on(name: str, more: str) -> bool:
    """Whether a line visibly continues the name above it: a connector ends one or opens the other ("HOME
    MASTER HARDWARE" / "& ELECTRICAL"), or a parenthesis is left open ("ENTERPRISE(TAMAN" / "JAYA)")."""
    first = more.split()[0]
    return bool(
        _UNFINISHED.search(name)
        or _LINE_CONNECTOR.match(first)
        or _OPENS_LOWER.match(first)
        or name.count("(") > name.count(")")
    )


def _line_name(row: Row) -> str | None:
    """A row as the continuation of a name above it, or None when it cannot be part of one."""
    text = _piece(row, row.text.replace(CELL_GAP, " "), 0)
    if text is None or not_an_issuer(text.text) or ADDRESS.search(text.text):
        return None
    if not _name_or_none(text.text.replace("(", " ").replace(")", " ")):  # a line may open or close a name's "( )"
        return None
    return text.text


def _squashed_rows(context: DocumentContext, address_only: bool = False) -> list[tuple[Row, str]]:
    """The page's rows with their squashed text, once per document; `address_only`: only its address lines
    (a street, a town)."""
    key = ("squashed rows", address_only)
    if key not in context.memo:
        context.memo[key] = [
            (r, _squashed(r.text))
            for r in context.rows
            if not address_only or ADDRESS.search(r.text) or PLACE_LINE.match(r.text.replace(CELL_GAP, " "))
        ]
    rows: list[tuple[Row, str]] = context.memo[key]
    return rows


def _in_address(text: str, row: Row, context: DocumentContext) -> bool:
    """Whether words are printed again on an address line of the page: a branch's place."""
    return _printed_elsewhere(text, row, context, address_only=True)


def _printed_elsewhere(text: str, row: Row, context: DocumentContext, address_only: bool = False) -> bool:
    wanted = _squashed(text)
    rows = _squashed_rows(context, address_only)
    return len(wanted) >= 3 and any(wanted in squashed for r, squashed in rows if r is not row)


def issuer_candidates(context: DocumentContext, others: list[str] | None = None) -> list[Candidate]:
    """Every name the first page gives its issuer, with features; agreement between them is a feature too.
    `others` are the template's other fields' labels: a piece that starts with one is that field's line.
    Found once per document (the legal name's rule reads them again)."""
    key = ("issuer candidates", tuple(others or ()))
    if key not in context.memo:
        context.memo[key] = _issuer_candidates(context, others)
    found: list[Candidate] = context.memo[key]
    return found


def header_rows(context: DocumentContext) -> list[Row]:
    """The rows of the first page's header, where an issuer prints its name, trade and address."""
    rows = context.rows
    first_page = [r for r in rows if r.page == rows[0].page] if rows else []
    return [r for r in first_page[:HEADER_ROWS] if r.top_fraction <= HEADER_DEPTH]


def _issuer_candidates(context: DocumentContext, others: list[str] | None) -> list[Candidate]:
    rows = context.rows
    if not rows:
        return []
    first_page = [r for r in rows if r.page == rows[0].page]
    header = header_rows(context)
    candidates = _heading_candidates(context, header)
    # legal-entity lines sit in the header or the footer, never among the items
    legal_rows = [r for r in first_page if r.top_fraction <= HEADER_DEPTH or r.top_fraction >= FOOTER_FROM]
    legal = _legal_candidates(
        context, [r for r in legal_rows if not any(a.clean for a in context.find_amounts(r.text))]
    )
    greetings = _greeting_candidates(first_page)
    candidates += legal + greetings
    owners = {r.index + 1 for r in first_page if OWNER.search(r.text)}  # the line after "Owned by:" names the owner
    for candidate in candidates:
        if candidate.row.index in owners or OWNER.search(candidate.row.text[: candidate.start]):
            candidate.value = None
            continue
        if candidate.printed.count(")") > candidate.printed.count("("):
            candidate.value = None  # "JAYA) SDN BHD": the end of a name the line above began
            continue
        candidate.value = _name_or_none(str(candidate.value))
        if candidate.value and others and any(m.start == 0 for m in find_labels(str(candidate.value), others)):
            candidate.value = None  # "Rechnungsnummer", "Date de facture": another field's label
    candidates = [c for c in candidates if c.value]
    legal = [c for c in legal if c.value]
    greetings = [c for c in greetings if c.value]
    domains = _domains(context)
    legal_names = [(c.row.index, _squashed(str(c.value))) for c in legal]
    greeting_names = [_squashed(str(c.value)) for c in greetings]
    row_cells = [(r, {_squashed(cell.text) for cell in r.cells} | {_squashed(r.text)}) for r in first_page]
    ranked_rows = sorted({c.row.index for c in candidates if c.how == "heading"})
    for candidate in candidates:
        name = _squashed(str(candidate.value))
        f = candidate.features
        f |= _shape(str(candidate.value))
        f["page_position"] = min(candidate.row.top_fraction, 1.0)
        f["line_height"] = min(context.relative_height(candidate.row), 4.0)
        f["ocr_confidence"] = candidate.row.confidence
        f["printed_inverted"] = float(any(cell.inverted for cell in candidate.row.cells))
        f["matches_domain"] = float(any(_agrees(name, d) for d in domains))
        f["agrees_with_legal_line"] = float(
            any(_agrees(name, other) for index, other in legal_names if index != candidate.row.index)
        )
        f["agrees_with_greeting"] = float(any(_agrees(name, g) for g in greeting_names) and candidate.how != "greeting")
        f["printed_again"] = float(_printed_elsewhere(str(candidate.value), candidate.row, context))
        f["printed_again_alone"] = float(
            len(name) >= 3 and any(name in cells for r, cells in row_cells if r is not candidate.row)
        )
        f["only_trade_words"] = float(not _trade_or_noise().sub("", str(candidate.value)).strip(" &.,-'"))
        f["decorated"] = float(bool(_DECORATION.search(candidate.row.text.strip())))  # the line as printed, stars too
        f["ends_unfinished"] = float(bool(_UNFINISHED.search(str(candidate.value))))
        words = str(candidate.value).split()
        f["ends_with_branch_word"] = float(len(words) > 1 and bool(BRANCH_SUFFIX.search(str(candidate.value))))
        if candidate.how == "legal":  # a legal line under the header's name lines names its operator, not its brand
            above = sum(1 for index in ranked_rows if index < candidate.row.index)
            f["legal_heading_rank"] = min(above, 6) / 6
    return candidates


def legal_name_candidates(
    context: DocumentContext, others: list[str] | None = None, issuer: str | None = None
) -> list[Candidate]:
    """The names printed with a legal form on the first page, each as printed (name and form), for the
    legal_name role; where the template's issuer field found a name, only the legal names that agree with it."""
    out = []
    wanted = _squashed(issuer) if issuer else None
    for candidate in issuer_candidates(context, others):
        if not candidate.features.get("legal_form") or not candidate.text:
            continue
        if wanted is not None and not _agrees(wanted, _squashed(str(candidate.value))):
            continue
        legal = _name_or_none(candidate.text)
        if legal:
            out.append(
                Candidate(
                    legal,
                    candidate.row,
                    candidate.start,
                    candidate.end,
                    candidate.how,
                    None,
                    dict(candidate.features),
                    candidate.text,
                )
            )
    return out
