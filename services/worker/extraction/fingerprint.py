"""A document's issuer fingerprint: what stays the same on an issuer's documents and differs between issuers —
its registration and VAT ids, phone numbers, web and mail domains, and the lines of its header. Keys are
"kind:text" strings; services/common/issuers.py decides whether two fingerprints show one issuer."""

from __future__ import annotations

import re

from services.common.examples import folded
from services.worker.extraction.context import DocumentContext
from services.worker.extraction.issuer import header_rows
from services.worker.extraction.vocabulary import REGISTRATION

HEADER_LINES = 4  # the first lines of the first page with words: the name, the trade, the address
MIN_HEADER_LETTERS = 4  # a line with fewer letters ("*", "01/2") says nothing of the issuer
MIN_DOMAIN_NAME = 3  # letters before a domain's first dot: "co.reg", "st.nr", "u.price" are abbreviations
PHONE_DIGITS = 8  # a phone number is keyed by its last digits: "+60 3-1234 5678" and "03-1234 5678" agree

_PHONE_LABEL = re.compile(r"\b(?:tel|telephone|phone|fon|telefon|tél|tlf|puh|hp|mobile|fax|t)\b\.?", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d[\d ()./-]{6,18}\d(?![\w.,])")
_ID = re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z]{0,3}[0-9][A-Z0-9-]{5,18}\b", re.IGNORECASE)
_DOMAIN = re.compile(r"(?:www\.|https?://|@)?((?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,6})\b", re.IGNORECASE)
_MAIL = re.compile(r"[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,6})\b", re.IGNORECASE)
_DATE_OR_TIME = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}")


def _phones(text: str) -> list[str]:
    if not _PHONE_LABEL.search(text):
        return []
    out = []
    for match in _PHONE.finditer(_DATE_OR_TIME.sub(" ", text)):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= PHONE_DIGITS:
            out.append(f"tel:{digits[-PHONE_DIGITS:]}")
    return out


def _ids(text: str) -> list[str]:
    """Ids printed after a registration or tax label ("GST ID: 000123456789", "USt-IdNr. DE123456789")."""
    label = REGISTRATION.search(text)
    if label is None or not label.group().strip()[:1].isalpha():
        return []
    return [f"id:{re.sub(r'[^0-9A-Z]', '', m.group().upper())}" for m in _ID.finditer(text[label.end() :])]


def issuer_keys(context: DocumentContext) -> list[str]:
    """The fingerprint of the document's issuer, as sorted keys."""
    keys: set[str] = set()
    for row in context.rows:
        text = row.text
        keys.update(_ids(text))
        keys.update(_phones(text))
        mails = {m.group(1).lower() for m in _MAIL.finditer(text)}
        keys.update(f"mail:{domain}" for domain in mails)
        for match in _DOMAIN.finditer(text):
            domain = match.group(1).lower().removeprefix("www.")
            if domain not in mails and len(domain.partition(".")[0]) >= MIN_DOMAIN_NAME:
                keys.add(f"web:{domain}")
    header = header_rows(context)[:HEADER_LINES]
    for row in header:
        line = folded(row.text)
        if sum(c.isalpha() for c in line) >= MIN_HEADER_LETTERS:
            keys.add(f"head:{line}")
    keys.update(_layout(context, {row.index for row in header}))
    return sorted(keys)


def _layout(context: DocumentContext, header: set[int]) -> set[str]:
    """The words a layout prints on every document, whatever the values: the first page's cells without a
    digit that end with a colon or stand in a row of such cells (labels and column headers)."""
    rows = context.rows
    keys: set[str] = set()
    for row in (r for r in rows if r.page == rows[0].page and r.index not in header):
        words = [cell.text for cell in row.cells if not any(c.isdigit() for c in cell.text)]
        for text in words:
            cell = folded(text)
            if text.rstrip().endswith(":") or (len(words) >= 3 and len(words) == len(row.cells)):
                if sum(c.isalpha() for c in cell) >= MIN_HEADER_LETTERS and len(cell.split()) <= 6:
                    keys.add(f"lay:{cell}")
    return keys
