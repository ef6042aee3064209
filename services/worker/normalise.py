"""Turning recognised text into typed values: numbers, money, dates and reference codes as people write them.

Every parser has a `find_*` form that returns each value in a text with its span (the candidates an
extraction rule scores) and a plain form that returns the first one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    # English, French, German, Spanish and Malay month names and their printed abbreviations
    **dict.fromkeys(["jan", "january", "janvier", "janv", "januar", "enero", "ene", "januari"], 1),
    **dict.fromkeys(["feb", "february", "fevrier", "fevr", "fev", "februar", "febrero", "februari"], 2),
    **dict.fromkeys(["mar", "march", "mars", "marz", "maerz", "marzo", "mac"], 3),
    **dict.fromkeys(["apr", "april", "avril", "avr", "abril", "abr"], 4),
    **dict.fromkeys(["may", "mai", "mayo", "mei"], 5),
    **dict.fromkeys(["jun", "june", "juin", "juni", "junio"], 6),
    **dict.fromkeys(["jul", "july", "juillet", "juil", "juli", "julio", "julai"], 7),
    **dict.fromkeys(["aug", "august", "aout", "agosto", "ago", "ogos", "ogo"], 8),
    **dict.fromkeys(["sep", "sept", "september", "septembre", "septiembre"], 9),
    **dict.fromkeys(["oct", "october", "octobre", "oktober", "octubre", "okt"], 10),
    **dict.fromkeys(["nov", "november", "novembre", "noviembre"], 11),
    **dict.fromkeys(["dec", "december", "decembre", "dezember", "diciembre", "dic", "dez", "disember", "dis"], 12),
}
_MONTH_NAME = r"([a-z]{3,9})\.?"
_NUMBER = re.compile(r"[-+]?\d[\d.,' \u00a0\u202f]*")
# An amount: optional sign and currency, digits grouped by , . ' or one space (never two: visual rows join
# cells with three spaces), optional decimals, optional currency after.
_CURRENCY = r"(?:rm|myr|usd|eur|gbp|chf|us\$|s\$|\$|€|£|¥)"
_AMOUNT = re.compile(
    rf"(?<![\w.,/:-])(?P<neg>-|\()?\s?(?P<cur1>{_CURRENCY})?\s?"
    r"(?P<num>\d{1,3}(?:[,.'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?|[.,]\d{2})"
    rf"(?P<neg2>-(?!\d)|\))?(?:\s?(?P<cur2>{_CURRENCY}))?(?![\w/:%]|[.,-]\d|\s%)",
    re.IGNORECASE,
)
_DATE_PATTERNS = [
    # 2018-03-23, 2018/03/23 (year first; a month over 12 is read as year-day-month), also after a
    # register number ("001-2016-07-31") and with a time glued to the day ("2018-01-0522:55:25")
    (
        re.compile(
            r"(?<![\d/.])(\d{4})\s?([-/.])\s?(\d{1,2})\2\s?"
            r"(\d{2}(?=\d{2}:\d{2})|\d{1,2}(?![\d/-]))"
        ),
        "ymd",
    ),
    # 25/12/2018, 9-3-18, 31.03.2026 (day first unless impossible)
    # (a time glued to the year by OCR, "9/3/201820:54:50", still ends the date; a dash glued before a date
    # written with / or . is not part of it: "REG#19-10/03/2018")
    (
        re.compile(
            r"(?<![\d/.])(?:(?<!-)|(?=\d{1,2}\s?[/.]))(\d{1,2})\s?([-/.])\s?(\d{1,2})\2\s?"
            r"(\d{4}(?=\d{1,2}:\d{2})|(?:\d{4}|\d{2})(?![\d/-]))"
        ),
        "dmy",
    ),
    # 12 MAR 2018, 25/FEB/2017, 25-Feb-17, 31. März 2026, 3 de marzo de 2026; OCR may drop the spaces
    # ("19Apr2018") or glue the time to the year ("09 Apr 201818:26")
    (
        re.compile(
            rf"(?<![\d])(\d{{1,2}})(?:st|nd|rd|th)?\.?(?:\s?[-/ ]\s?)?(?:de\s+)?{_MONTH_NAME}"
            r"(?:\s?[-/ ,]\s?)?(?:de\s+)?(\d{4}(?=\d{1,2}:\d{2})|(?:\d{4}|\d{2})(?!\d))"
        ),
        "dMy",
    ),
    # March 31, 2026; MAR 12 2018
    (re.compile(rf"(?<![a-z]){_MONTH_NAME}\s(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s?|\s)(\d{{4}})(?!\d)"), "Mdy"),
    # 20180323
    (re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"), "compact"),
]
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*")
_WORDY = re.compile(r"[^\W\d_]{3,}")


def fold(text: str) -> str:
    """Lower case without accents: the form labels and month names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_number(text: str) -> float | None:
    """'1,250.00' → 1250.0, '1.250,00' → 1250.0, '1 250,5' → 1250.5, '12' → 12.0; None if there is no number.

    With one kind of separator used once, a comma followed by three digits groups thousands ('1,250');
    anything else is a decimal separator ('3.5', '4,20', '1.250' reads as 1.25)."""
    text = re.sub(r"(?<=\d)[Oo]|[Oo](?=\d)", "0", text)  # OCR reads 0 as O inside numbers
    match = _NUMBER.search(text)
    if not match:
        return None
    return _number(match.group())


def _number(raw: str) -> float:
    raw = re.sub(r"[' \u00a0\u202f]", "", raw).rstrip(".,")
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = raw.lstrip("+-")
    separators = [c for c in raw if c in ",."]
    decimal = ""
    if len(set(separators)) == 2:
        decimal = separators[-1]
    elif len(separators) == 1:
        tail = raw.rpartition(separators[0])[2]
        decimal = "" if separators[0] == "," and len(tail) == 3 else separators[0]
    if decimal:
        whole, _, fraction = raw.rpartition(decimal)
        return sign * float(f"{re.sub(r'[.,]', '', whole) or '0'}.{fraction}")
    return sign * float(re.sub(r"[.,]", "", raw))


@dataclass(frozen=True)
class Found:
    """A value found in a text: where it is, what it means, and how cleanly it was written."""

    start: int
    end: int
    value: str | float
    clean: bool  # money: two decimals or a currency sign; date: a four-digit year or a month name


def find_amounts(text: str) -> list[Found]:
    """Every amount in the text: 'RM 9.00', '$8.20', '€ 24 816,00', '1,007.50', '-3.00', '(2.50)'."""
    text = re.sub(r"(?<=\d)[Oo](?=[\d.,]|\b)|(?<=[\d.,])[Oo](?=\d)", "0", text)
    found = []
    for m in _AMOUNT.finditer(text):
        digits = m.group("num")
        value = _number(digits)
        if m.group("neg") == "-" or m.group("neg2") == "-" or (m.group("neg") == "(" and m.group("neg2") == ")"):
            value = -value
        decimals = re.search(r"[.,](\d{1,3})$", digits)
        two_decimals = decimals is not None and len(decimals.group(1)) == 2
        currency = bool(m.group("cur1") or m.group("cur2"))
        found.append(
            Found(m.start("num") if not m.group("cur1") else m.start(), m.end(), value, two_decimals or currency)
        )
    return found


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if len(raw) == 2 else year


def _valid(y: int, mo: int, d: int) -> str | None:
    if not 1970 <= y <= 2100:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _date_of(kind: str, m: re.Match[str]) -> tuple[str | None, bool]:
    if kind == "ymd":
        y, a, b = int(m[1]), int(m[3]), int(m[4])
        return _valid(y, a, b) or _valid(y, b, a), True
    if kind == "dmy":
        a, b, y = int(m[1]), int(m[3]), _year(m[4])
        first, second = (b, a) if b > 12 >= a else (a, b)  # day first unless that cannot be a date
        return _valid(y, second, first), len(m[4]) == 4
    if kind == "dMy":
        month = _MONTHS.get(m[2], 0)
        return (_valid(_year(m[3]), month, int(m[1])) if month else None), True
    if kind == "Mdy":
        month = _MONTHS.get(m[1], 0)
        return (_valid(int(m[3]), month, int(m[2])) if month else None), True
    return _valid(int(m[1]), int(m[2]), int(m[3])), False


def find_dates(text: str) -> list[Found]:
    """Every date in the text as ISO: '25/12/2018', '29-12-17', '2018-03-23', '20180323', '12 MAR 2018',
    '25/FEB/2017', 'March 31, 2026', '31 mars 2026', '31. März 2026', '3 Julai 2018'."""
    folded = fold(text)
    if len(folded) != len(text):  # a character that decomposes to several: keep offsets true to the text
        folded = "".join(fold(c)[:1] or c for c in text)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(folded):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            iso, clean = _date_of(kind, m)
            if iso:
                found.append(Found(m.start(), m.end(), iso, clean))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> str | None:
    """The first date in the text, as ISO (see find_dates); None when there is none."""
    dates = find_dates(text)
    return str(dates[0].value) if dates else None


def find_identifiers(text: str) -> list[Found]:
    """Reference codes: a token with a digit in it, such as 'FA02/2015/020059', 'INV-0042', 'TD01167104'.

    A date, a bare amount with decimals or a token made of a word glued to a long number is not one."""
    found = []
    for m in _IDENTIFIER.finditer(text):
        token = m.group().rstrip("./-_")
        if not any(c.isdigit() for c in token) or len(token) > 40:
            continue
        dates = find_dates(token)
        if dates and dates[0].end - dates[0].start == len(token):
            continue
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*[.,]\d{2}", token):
            continue
        found.append(Found(m.start(), m.start() + len(token), token, sum(c.isdigit() for c in token) >= 3))
    return found


def is_wordy(text: str) -> bool:
    """Whether a text reads as words (a label, a sentence) rather than a code or a number."""
    return len(_WORDY.findall(text)) >= 2


def normalise(kind: str, raw: str) -> str | float | int | None:
    raw = raw.strip()
    if not raw:
        return None
    if kind == "number":
        value = parse_number(raw)
        return int(value) if value is not None and value.is_integer() else value
    if kind == "money":
        amounts = find_amounts(raw)
        return float(amounts[0].value) if amounts else parse_number(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "identifier":
        ids = find_identifiers(raw)
        return str(ids[0].value) if ids else None
    return raw
