"""Turning recognised text into typed values: numbers, money and dates as people write them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_MONTHS = {
    # English, French, German, Spanish month names (accents removed before lookup)
    **dict.fromkeys(["jan", "january", "janvier", "januar", "enero", "ene"], 1),
    **dict.fromkeys(["feb", "february", "fevrier", "februar", "febrero"], 2),
    **dict.fromkeys(["mar", "march", "mars", "marz", "maerz", "marzo"], 3),
    **dict.fromkeys(["apr", "april", "avril", "abril", "abr"], 4),
    **dict.fromkeys(["may", "mai", "mayo"], 5),
    **dict.fromkeys(["jun", "june", "juin", "juni", "junio"], 6),
    **dict.fromkeys(["jul", "july", "juillet", "juli", "julio"], 7),
    **dict.fromkeys(["aug", "august", "aout", "agosto", "ago"], 8),
    **dict.fromkeys(["sep", "sept", "september", "septembre", "septiembre"], 9),
    **dict.fromkeys(["oct", "october", "octobre", "oktober", "octubre", "okt"], 10),
    **dict.fromkeys(["nov", "november", "novembre", "noviembre"], 11),
    **dict.fromkeys(["dec", "december", "decembre", "dezember", "diciembre", "dic", "dez"], 12),
}
_NUMBER = re.compile(r"[-+]?\d[\d.,' \u00a0\u202f]*")


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
    raw = re.sub(r"[' \u00a0\u202f]", "", match.group()).rstrip(".,")
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


def parse_date(text: str) -> str | None:
    """ISO date from '31/03/2026', '2026-03-31', '31.03.2026', '31 March 2026', 'March 31, 2026', '31 mars 2026'."""
    folded = fold(text)
    if m := re.search(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b", folded):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := re.search(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b", folded):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        d, mo = (b, a) if b > 12 >= a else (a, b)  # day first unless that cannot be a date
        y += 2000 if y < 100 else 0
    elif m := re.search(r"\b(\d{1,2})\.?\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4})\b", folded):
        d, mo, y = int(m[1]), _MONTHS.get(m[2], 0), int(m[3])
    elif m := re.search(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", folded):
        mo, d, y = _MONTHS.get(m[1], 0), int(m[2]), int(m[3])
    else:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def normalise(kind: str, raw: str) -> str | float | int | None:
    raw = raw.strip()
    if not raw:
        return None
    if kind == "number":
        value = parse_number(raw)
        return int(value) if value is not None and value.is_integer() else value
    if kind == "money":
        return parse_number(raw)
    if kind == "date":
        return parse_date(raw)
    return raw
