"""Lines near the top of a page that are not its issuer's name, in English, French, German, Spanish and Malay.

Nothing here names a shop, a vendor or a document: these are the words any receipt or invoice uses.
"""

from __future__ import annotations

import re

# Words of a business's legal form or trade: a line with one is likely the issuer's name.
TRADE_WORDS = re.compile(
    r"\b(?:sdn\.?\s?bhd|bhd|s/b|sdn|ltd|limited|llc|inc|corp|corporation|co\b|company|gmbh|ag|kg|sarl|sas|s\.?a\.?|"
    r"s\.?l\.?|srl|b\.?v\.?|plc|pty|enterprises?|trading|holdings?|group|restaurants?|restoran|cafe|café|"
    r"bakery|bakeries|hardware|stationery|mart|store|shop|supermarket|pharmacy|kedai|perniagaan|syarikat|"
    r"marketing|services|industries|boulangerie|pâtisserie|bäckerei|tienda)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"\b(?:jalan|jln|lorong|taman|persiaran|street|st\.|road|rd\.?|avenue|ave|blvd|boulevard|lane|drive|dr\.|"
    r"highway|floor|suite|level|lot|block|blok|rue|avenue|chemin|place|straße|strasse|str\.|weg|platz|calle|"
    r"avenida|plaza|carrer|no\.|p\.?o\.? box|bp)\b|\b\d{5}\b|,\s*$",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"\b(?:tel|telephone|phone|fax|hp|mobile|email|e-mail|www|http|https|web|website)\b|@|\.com\b|\.my\b|"
    r"\d{2,4}[-\s]\d{3,4}[-\s]?\d{3,4}",
    re.IGNORECASE,
)
_REGISTRATION = re.compile(
    r"\b(?:gst|sst|vat|tva|reg|registration|regn|co\.?\s?no|company\s?no|roc|business\s?no|tax\s?id|siret|siren|"
    r"ust-?id|nif|cif|abn|ein|id\s?no)\b|\(?\b\d{4,}-[a-z]\b\)?|\b\d{6,}\b",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^\W*(?:tax\s+invoice|simplified\s+tax\s+invoice|invoice|receipt|official\s+receipt|cash\s+sales?|cash\s+bill|"
    r"bill|tax\s+receipt|facture|ticket(?:\s+de\s+caisse)?|quittung|rechnung|kassenbon|factura|recibo|resit|"
    r"copy|duplicate|customer\s+copy|welcome|thank\s+you|selamat\s+datang|bienvenue|willkommen|bienvenido)\b",
    re.IGNORECASE,
)
# "Owned by: …", "Dimiliki oleh …": the line after names the owner company, not the shop
OWNER = re.compile(
    r"\b(?:owned\s+by|operated\s+by|managed\s+by|a\s+member\s+of|dimiliki\s+oleh|exploit[ée]\s+par|betrieben\s+von)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"\b(?:thank|welcome|please|visit|again|enjoy|come)\b", re.IGNORECASE)


_REGISTRATION_SUFFIX = re.compile(r"\s*[(\[]?\b\d{4,}[-·.\s]?[a-z]\b[)\]]?\s*$|\s*\(\s*\)\s*$", re.IGNORECASE)


def issuer_name(text: str) -> str:
    """A name line without the registration number printed after it: "99 SPEED MART S/B (519537-X)"."""
    return _REGISTRATION_SUFFIX.sub("", text).strip()


def is_title(text: str) -> bool:
    return bool(_TITLE.search(text))


def not_an_issuer(text: str) -> str | None:
    """Why a line near the top of a page is not the issuer's name, or None when it may be."""
    letters = sum(c.isalpha() for c in text)
    if letters < 3 or letters < 0.5 * len(text.replace(" ", "")):
        return "mostly digits"
    if _TITLE.search(text):
        return "document title or greeting"
    if _CONTACT.search(text):
        return "contact details"
    if _REGISTRATION.search(text):
        return "registration or tax id"
    if _GREETING.search(text):
        return "greeting"
    if _ADDRESS.search(text) and not TRADE_WORDS.search(text):
        return "address"
    return None
