"""Escaping shared by the XML-based formats (XML, HTML, DOCX, XLSX)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot carry at all, not even escaped.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _ILLEGAL_XML.sub("\ufffd", text)


def xml_text(text: str) -> str:
    return escape(clean(text))


def xml_attr(text: str) -> str:
    return quoteattr(clean(text))
