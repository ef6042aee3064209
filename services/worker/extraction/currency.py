"""Currencies as the extraction reads them: the ISO 4217 codes and the signs a page prints ("EUR", "€", "zł",
"HK$"), and which currency a sign several share ("$", "kr", "¥") means in the document's country.

One place to import them from; the sign table lives with the amount parser (services/worker/normalise.py, which
reads signs beside amounts) and the countries' currencies with the locale reader (locale.py).
"""

from __future__ import annotations

from services.worker.extraction.locale import COUNTRIES, currency_of_country, resolve_sign
from services.worker.normalise import CURRENCY_SIGNS, ISO_CODES, currency_of

__all__ = ["COUNTRIES", "CURRENCY_SIGNS", "ISO_CODES", "currency_of", "currency_of_country", "resolve_sign"]
