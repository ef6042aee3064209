"""Which locale a document is written in, decided per document from its own evidence, else from the locale an
upload, template or project gives: how an ambiguous date (3/4/2022) or amount (1,129) is read, and which
currency a bare "$" or "kr" means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocaleHint:
    """The locale the document's owner gave, if any: the upload's, else the template's, else the project's."""

    tag: str = ""  # canonical BCP 47 ("en-US"), "" when none was given
    source: str = ""  # upload | template | project


@dataclass(frozen=True)
class DocumentLocale:
    tag: str  # BCP 47 the document is read in: "en-US"; "und" when nothing tells
    date_order: str  # dmy | mdy: how an ambiguous numeric date (3/4/2022) is read
    decimal: str  # "," or ".": the decimal mark of an ambiguous amount ("1,129", "1.129")
    currency: str | None  # ISO 4217 the page names, or its country's
    country: str | None  # ISO 3166-1 alpha-2, from the page's cues or the hint
    language: str | None  # ISO 639-1 of the page's labels
    reasons: tuple[str, ...] = ()  # why, in words: shown in the record's fieldDetails


UNKNOWN = DocumentLocale("und", "dmy", ".", None, None, None, ("nothing on the page or given tells",))


def read_locale(texts: list[str], hint: LocaleHint | None = None) -> DocumentLocale:
    """The document's locale from its rows' texts, top to bottom (placeholder until the evidence is read)."""
    return UNKNOWN
