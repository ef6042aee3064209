"""Turning recognised text into typed values: numbers, money, dates and reference codes as people write them.

Every parser has a `find_*` form that returns each value in a text with its span (the candidates an
extraction rule scores) and a plain form that returns the first one. What a locale decides (day or month
first, the decimal mark) can be given; without it, a numeric date is read day first unless that cannot be a
date, and a comma before exactly three digits groups thousands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from services.common.languages import fold as fold  # re-exported: labels and dates are compared folded
from services.common.languages import months

# ISO 4217 codes read beside an amount, before or after it, in capitals as printed.
ISO_CODES = frozenset(
    "EUR USD GBP CHF SEK NOK DKK ISK PLN CZK HUF HRK RON BGN RSD TRY UAH RUB CNY HKD TWD JPY KRW SGD MYR THB IDR "
    "PHP VND INR PKR LKR NPR AUD NZD CAD MXN BRL ARS CLP COP ZAR AED SAR ILS EGP MAD".split()
)
_DOLLARS = ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "MXN", "ARS", "CLP", "COP")
# Signs as printed → the currencies they may mean: one when the sign names it; several ("$", "kr", "¥") when the
# document's country decides which (services/worker/extraction/currency.py resolves them).
CURRENCY_SIGNS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("€", "Euro", "EURO", "euro", "Euros", "EUROS", "Eur", "eur"), ("EUR",)),
    "£": ("GBP",),
    "$": _DOLLARS,
    **dict.fromkeys(("US$", "USD$"), ("USD",)),
    **dict.fromkeys(("C$", "CA$", "CAD$"), ("CAD",)),
    **dict.fromkeys(("A$", "AU$"), ("AUD",)),
    "NZ$": ("NZD",),
    **dict.fromkeys(("HK$", "HKD$"), ("HKD",)),
    **dict.fromkeys(("S$", "SG$"), ("SGD",)),
    "NT$": ("TWD",),
    "MX$": ("MXN",),
    "R$": ("BRL",),
    **dict.fromkeys(("kr", "Kr", "KR", "kr.", "Kr."), ("SEK", "NOK", "DKK", "ISK")),
    "SFr.": ("CHF",),
    **dict.fromkeys(("zł", "Zł", "ZŁ"), ("PLN",)),
    **dict.fromkeys(("Kč", "KČ"), ("CZK",)),
    **dict.fromkeys(("Ft", "FT"), ("HUF",)),
    **dict.fromkeys(("kn", "Kn", "KN"), ("HRK",)),
    **dict.fromkeys(("lei", "Lei", "LEI"), ("RON",)),
    **dict.fromkeys(("лв", "лв."), ("BGN",)),
    **dict.fromkeys(("₺", "TL"), ("TRY",)),
    **dict.fromkeys(("₴", "грн"), ("UAH",)),
    **dict.fromkeys(("₽", "руб", "руб."), ("RUB",)),
    **dict.fromkeys(("¥", "￥"), ("JPY", "CNY")),
    **dict.fromkeys(("元", "RMB", "CN¥"), ("CNY",)),
    **dict.fromkeys(("円", "JP¥"), ("JPY",)),
    **dict.fromkeys(("₩", "원"), ("KRW",)),
    **dict.fromkeys(("RM", "Rm", "rm"), ("MYR",)),
    "฿": ("THB",),
    **dict.fromkeys(("Rp", "RP"), ("IDR",)),
    "₱": ("PHP",),
    "₫": ("VND",),
    "₹": ("INR",),
    **dict.fromkeys(("Rs", "Rs.", "RS"), ("INR", "PKR", "LKR", "NPR")),
    "₪": ("ILS",),
    **dict.fromkeys(("DH", "Dh", "Dhs", "DHS"), ("MAD", "AED")),
    "E£": ("EGP",),
    "د.إ": ("AED",),
}


# A sign several currencies share, in one spelling whatever its case or dot: "Kr", "KR", "kr." → "kr"
_SHARED_SIGN = {
    sign: next(s for s, c in CURRENCY_SIGNS.items() if c == codes) for sign, codes in CURRENCY_SIGNS.items()
}


def currency_of(printed: str) -> str:
    """The ISO code a printed code or sign names; for a sign several currencies share, the sign in one spelling
    ("$", "kr", "¥", "Rs"), which the document's country resolves."""
    if printed in ISO_CODES:
        return printed
    codes = CURRENCY_SIGNS.get(printed, ())
    return codes[0] if len(codes) == 1 else _SHARED_SIGN.get(printed, printed)


_CURRENCY = "|".join(re.escape(c) for c in sorted([*ISO_CODES, *CURRENCY_SIGNS], key=len, reverse=True))
_NUMBER = re.compile(r"[-+]?\d[\d.,' \u00a0\u202f]*")
# An amount: optional sign and currency, digits grouped by , . ' or one space (never two: visual rows join
# cells with three spaces), optional decimals ("5.-" is a whole amount), optional sign and currency after.
_AMOUNT = re.compile(
    rf"(?<![\w.,/-])(?<!\d:)(?P<neg>-|\()?\s?(?P<cur1>{_CURRENCY})?\s?(?P<neg1>-(?=\.?\d))?"
    r"(?P<num>\d{1,3}(?:[,.'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?|[.,]\d{2})"
    r"(?P<whole>[.,][-–]{1,2}(?![\d-]))?"
    rf"(?P<neg2>-(?!\d)|\))?(?:\s?(?P<cur2>{_CURRENCY}))?(?![\w/:%]|[.,-]\d|\s%)"
)
# "€" as recognisers read it glued to an amount ("C7,05", "¢2,50", "1.289ε"): one character for one, so spans hold
_EURO_MISREAD = re.compile(r"(?<![\w€$£])[C¢](?=\d{1,4}[.,]\d{2}(?!\d))|(?<=\d[.,]\d{2})ε|(?<=\d[.,]\d{3})ε")
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*")
_WORDY = re.compile(r"[^\W\d_]{3,}")


def parse_number(text: str, decimal: str | None = None) -> float | None:
    """'1,250.00' → 1250.0, '1.250,00' → 1250.0, '1 250,5' → 1250.5, '12' → 12.0; None if there is no number.

    With one separator used once before exactly three digits ('1,250', '1.250'), `decimal` ("," or ".")
    says which it is; without it a comma groups thousands and a point is a decimal point."""
    text = re.sub(r"(?<=\d)[Oo]|[Oo](?=\d)", "0", text)  # OCR reads 0 as O inside numbers
    match = _NUMBER.search(text)
    if not match:
        return None
    return _number(match.group(), decimal)


def _marks(digits: str) -> tuple[str, bool]:
    """The decimal mark of a number as written ("" when it has none) and whether only a locale can tell it
    (one separator once, before exactly three digits, after something other than 0: "1,129", "1.129")."""
    separators = [c for c in digits if c in ",."]
    if len(set(separators)) == 2:
        return separators[-1], False
    if len(separators) != 1:
        return "", False  # none, or one kind repeated: thousands ("1.234.567")
    whole, _, tail = digits.rpartition(separators[0])
    if len(tail) != 3 or whole.strip("0 '\u00a0\u202f+-") == "":
        return separators[0], False
    return separators[0], True


def _number(raw: str, decimal: str | None = None) -> float:
    raw = re.sub(r"[' \u00a0\u202f]", "", raw).rstrip(".,")
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = raw.lstrip("+-")
    mark, ambiguous = _marks(raw)
    if ambiguous:
        mark = mark if mark == (decimal or ".") else ""  # without a locale: "1,250" is 1250, "1.250" is 1.25
    if mark:
        whole, _, fraction = raw.rpartition(mark)
        return sign * float(f"{re.sub(r'[.,]', '', whole) or '0'}.{fraction}")
    return sign * float(re.sub(r"[.,]", "", raw))


@dataclass(frozen=True)
class Found:
    """A value found in a text: where it is, what it means, and how cleanly it was written."""

    start: int
    end: int
    value: str | float
    clean: bool  # money: two decimals or a currency sign; date: a four-digit year or a month name
    # money: the ISO 4217 code printed with it, or the sign as printed when several currencies use it ("$", "kr",
    # "¥": a key of CURRENCY_SIGNS, for the document's country to resolve); None when none is printed
    currency: str | None = None
    # the reading depended on the locale: an amount's lone separator before three digits ("1,129"), a numeric
    # date that reads either way (3/4/2022)
    ambiguous: bool = False
    # what the value as written proves about the document's locale: a date "dmy" (13/02/2022) or "mdy"
    # (02/13/2022); an amount its decimal mark, "," (12,50) or "." (1,129.00); None when it proves neither
    proves: str | None = None


def find_amounts(text: str, decimal: str | None = None) -> list[Found]:
    """Every amount in the text: 'RM 9.00', '$8.20', '€1,95', '24,23 EUR', '€ 24 816,00', '1,007.50', '-3.00',
    '5,00-', '(2.50)', '102.00SEK', 'CHF 5.-'. `decimal` ("," or ".") reads '1,129' and '1.129' when the
    document's decimal mark is known."""
    text = re.sub(r"(?<=\d)[Oo](?=[\d.,]|\b)|(?<=[\d.,])[Oo](?=\d)", "0", text)
    text = _EURO_MISREAD.sub("€", text)
    found = []
    for m in _AMOUNT.finditer(text):
        digits = m.group("num")
        value = _number(digits, decimal)
        negative = "-" in (m.group("neg"), m.group("neg1"), m.group("neg2"))
        if negative or (m.group("neg") == "(" and m.group("neg2") == ")"):
            value = -value
        mark, ambiguous = _marks(digits)
        if m.group("whole"):
            mark, ambiguous = m.group("whole")[0], False
        elif not mark and re.search(r"\d[.,]\d{3}[.,]\d{3}", digits):
            mark = "," if "." in digits else "."  # "1.234.567" groups with points: its decimal mark is a comma
        decimals = re.search(r"[.,](\d{1,3})$", digits)
        two_decimals = decimals is not None and len(decimals.group(1)) == 2
        printed = m.group("cur1") or m.group("cur2")
        found.append(
            Found(
                m.start("num") if not m.group("cur1") else m.start(),
                m.end(),
                value,
                two_decimals or bool(printed) or bool(m.group("whole")),
                currency_of(printed) if printed else None,
                ambiguous,
                None if ambiguous else mark or None,
            )
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


# Month abbreviations that are everyday words elsewhere ("1 SET 12.00", "prix des 2 articles"): a month only
# with a four-digit year.
_WEAK_MONTHS = frozenset(["set", "out", "gen", "mag", "lug", "des", "sie", "lut", "lis", "lip", "cze", "kwi", "gru"])
_YEAR = r"(\d{4}(?=\d{1,2}:\d{2})|\d{4}(?!\d)|\d{2}(?!\d|[.,:]\d))"  # a time glued to a 4-digit year ends it


@lru_cache(maxsize=32)
def _date_patterns(language: str | None) -> tuple[dict[str, int], list[tuple[re.Pattern[str], str]]]:
    table = dict(months(language))
    table.update({"0" + n[1:]: m for n, m in table.items() if n.startswith("o")})  # OCR reads O as 0: "7 0ct'19"
    name = "(" + "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True)) + r")(?![^\W\d_])\.?"
    return table, [
        # 2018-03-23, 2018/03/23 (year first; a month over 12 is read as year-day-month), also after a
        # register number ("001-2016-07-31") and with a time glued to the day ("2018-01-0522:55:25")
        (
            re.compile(
                r"(?<![\d/.])(\d{4})\s?([-/.])\s?(\d{1,2})\2\s?"
                r"(\d{2}(?=\d{2}:\d{2})|\d{1,2}(?![\d/-]))"
            ),
            "ymd",
        ),
        # 25/12/2018, 9-3-18, 31.03.2026, 26.08.2021., "2- 8-2020" (day first unless impossible, or as the
        # locale says); a time glued to the year by OCR, "9/3/201820:54:50", or after a slash,
        # "29.07.2018/15:31", still ends the date; a dash glued before a date written with / or . is not part
        # of it: "REG#19-10/03/2018"; a longer dotted number is a phone number: "05.22.95.66.66"
        (
            re.compile(
                r"(?<![\d/.])(?:(?<!-)|(?=\d{1,2}\s?[/.]))(\d{1,2})\s?([-/.])\s?(\d{1,2})\2\s?"
                r"(\d{4}(?=\d{1,2}:\d{2})|(?:\d{4}|\d{2})(?![\d-]|/(?!\d{1,2}:\d{2})|\.\d))"
            ),
            "dmy",
        ),
        # 12 MAR 2018, 25/FEB/2017, 25-Feb-17, 31. März 2026, 3 de marzo de 2026, 02DEC22, 20OKT'18, 18 SEP'19;
        # OCR may drop the spaces ("19Apr2018") or glue the time to the year ("09 Apr 201818:26")
        (
            re.compile(
                rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\.?(?:\s?[-/ ]\s?)?(?:de\s+)?{name}"
                rf"(?:\s?[-/ ,]\s?|\s?['’])?(?:de\s+)?{_YEAR}"
            ),
            "dMy",
        ),
        # March 31, 2026; MAR 12 2018; Sep. 24, 2018; Dec 2, 2022; Aug28'23
        (
            re.compile(
                rf"(?<![^\W\d_]){name}\s?(\d{{1,2}})(?:st|nd|rd|th)?"
                r"(?:(?:,\s?|\s)(\d{4})(?!\d)|\s?['’](\d{2})(?!\d))"
            ),
            "Mdy",
        ),
        # 2020. március 15., 2019 m. kovo 19 d. (year, month name, day)
        (
            re.compile(rf"(?<![\d.])((?:19|20)\d{{2}})\.?\s(?:m\.\s)?{name}\s?(\d{{1,2}})(?!\d|[.,]\d)"),
            "yMd",
        ),
        # 2018年10月19日
        (re.compile(r"((?:19|20)\d{2})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})(?!\d)"), "cjk"),
        # 20180323
        (re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"), "compact"),
    ]


def _numeric(a: int, b: int, y: int, order: str | None) -> tuple[str | None, bool, str | None]:
    """A date written a/b/y: the ISO date, whether only the locale could tell, what it proves."""
    proves = "dmy" if a > 12 >= b else "mdy" if b > 12 >= a else None
    if order == "mdy":
        month, day = (b, a) if proves == "dmy" else (a, b)  # month first unless that cannot be a date
    else:
        month, day = (a, b) if proves == "mdy" else (b, a)  # day first unless that cannot be a date
    return _valid(y, month, day), proves is None and a != b, proves


def _date_of(kind: str, m: re.Match[str], table: dict[str, int], order: str | None) -> Found | None:
    iso: str | None
    ambiguous, proves, clean = False, None, True
    if kind == "ymd":
        y, a, b = int(m[1]), int(m[3]), int(m[4])
        iso = _valid(y, a, b) or _valid(y, b, a)
    elif (
        kind == "dmy" and order == "ymd" and len(m[4]) == 2 and (iso := _valid(2000 + int(m[1]), int(m[3]), int(m[4])))
    ):
        ambiguous, clean = True, False  # 18/09/24 as 2018-09-24: the page showed its dates are written so
    elif kind == "dmy":
        iso, ambiguous, proves = _numeric(int(m[1]), int(m[3]), _year(m[4]), order)
        clean = len(m[4]) == 4
    elif kind in ("dMy", "Mdy", "yMd"):
        day, name, year = {"dMy": (m[1], m[2], m[3]), "Mdy": (m[2], m[1], m[3] or m[4]), "yMd": (m[3], m[2], m[1])}[
            kind
        ]
        if name.replace("0", "o") in _WEAK_MONTHS and len(year) != 4:
            return None
        iso = _valid(_year(year), table[name], int(day))
    else:
        iso, clean = _valid(int(m[1]), int(m[2]), int(m[3])), kind == "cjk"
    return Found(m.start(), m.end(), iso, clean, None, ambiguous, proves) if iso else None


# A date alone in its cell (cells are joined by three spaces) whose separators OCR damaged: "05 02-18",
# "05-05~18" (two different separators, a tilde for a dash), or that it printed without them: "27032018" (day,
# month, four-digit year). Read only when nothing else on the line is a date, and never as written cleanly:
# the scorer weighs it as the weaker form.
_DAMAGED_DATE = re.compile(
    r"^(\d{2})(?:\s?[-/.~]\s?|\s)(\d{2})(?:\s?[-/.~]\s?|\s)(\d{4}|\d{2})$|^(\d{2})(\d{2})((?:19|20)\d{2})$"
)
_CELLS = re.compile(r"\S+(?: {1,2}\S+)*")
# A year-first date before a time whose separators OCR damaged: "时间:2018 10.19 13:35:34" read as
# "00:2018 10.19 13:35:34" (a four-digit year, and a time after it, make it a date whatever stands between its
# numbers)
_DAMAGED_YEAR_FIRST = re.compile(
    r"(?<![\d./-])((?:19|20)\d{2})\s?[-/. ~]\s?(\d{1,2})\s?[-/. ~]\s?(\d{1,2})(?=\s+\d{1,2}:\d{2}(?!\d))"
)


_TWO_DIGIT_YEAR_LAST = re.compile(r"(\d{1,2})\s?([-/.])\s?(\d{1,2})\2\s?(\d{2})")


def year_first_reading(written: str) -> str | None:
    """A numeric date with a two-digit year last ("18/09/24") read year first instead, as ISO (2018-09-24): what
    a page that prints its dates year first means by it; None for any other form."""
    m = _TWO_DIGIT_YEAR_LAST.fullmatch(written.strip())
    return _valid(2000 + int(m[1]), int(m[3]), int(m[4])) if m else None


def find_dates(text: str, order: str | None = None, language: str | None = None) -> list[Found]:
    """Every date in the text as ISO: '25/12/2018', '29-12-17', '2018-03-23', '20180323', '12 MAR 2018',
    '25/FEB/2017', 'March 31, 2026', '31 mars 2026', '31. März 2026', '3 Julai 2018', "20OKT'18", 'Aug28'23'.

    `order` ("dmy" or "mdy") reads a numeric date that could be either (12/2/2022); without it, day first. "ymd"
    reads one with a two-digit year as year first (18/09/24 → 2018-09-24), the rest day first.
    Month names of every language are known; `language` (ISO 639-1) reads the few that two languages give
    different months ("listopad")."""
    folded = fold(text)
    if len(folded) != len(text):  # a character that decomposes to several: keep offsets true to the text
        folded = "".join(fold(c)[:1] or c for c in text)
    table, patterns = _date_patterns(language)
    found: list[Found] = []
    for pattern, kind in patterns:
        for m in pattern.finditer(folded):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            if date_found := _date_of(kind, m, table, order):
                found.append(date_found)
    for m in _DAMAGED_YEAR_FIRST.finditer(folded) if not found else ():
        if iso := _valid(int(m[1]), int(m[2]), int(m[3])):
            found.append(Found(m.start(), m.end(), iso, False, None, False, None))
    for cell in _CELLS.finditer(folded) if not found else ():
        if m := _DAMAGED_DATE.match(cell.group()):
            day, month, year = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
            iso, ambiguous, _ = _numeric(int(day), int(month), _year(year), order)
            if iso:  # …and proving no day-month order for the page: the digits may be misread
                found.append(Found(cell.start(), cell.end(), iso, False, None, ambiguous, None))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str, order: str | None = None) -> str | None:
    """The first date in the text, as ISO (see find_dates); None when there is none."""
    dates = find_dates(text, order)
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


def normalise(kind: str, raw: str, order: str | None = None, decimal: str | None = None) -> str | float | int | None:
    """A raw value as its type: number, money, date (ISO), identifier or string; None when it is not one."""
    raw = raw.strip()
    if not raw:
        return None
    if kind == "number":
        value = parse_number(raw, decimal)
        return int(value) if value is not None and value.is_integer() else value
    if kind == "money":
        amounts = find_amounts(raw, decimal)
        return float(amounts[0].value) if amounts else parse_number(raw, decimal)
    if kind == "date":
        return parse_date(raw, order)
    if kind == "identifier":
        ids = find_identifiers(raw)
        return str(ids[0].value) if ids else None
    return raw
