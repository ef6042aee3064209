"""Words that tell an issuer's name from the other lines of a header, in the languages receipts and invoices
are printed in: trade words, document titles, address, contact and registration forms, "owned by" lines.

Nothing here names a shop, a vendor or a document: these are the words any receipt or invoice uses. Legal
forms, greetings and header noise are kept per language in services/common/languages.py.
"""

from __future__ import annotations

import re

# Words of a trade: a line with one is likely the issuer's name ("… Restaurant", "Apotheke …"). Words as
# common in a header's other lines (store, shop, market, station) are not among them.
TRADE_WORDS = re.compile(
    r"\b(?:enterprises?|trading|holdings?|restaurants?|restaurante|ristorante|restoran|trattoria|pizzeria|"
    r"osteria|bistro|brasserie|café|cafe|caffe|caffè|kaffee|coffee|koffie|kavarna|kahvila|pub|bakery|bakeries|"
    r"boulangerie|pâtisserie|patisserie|bäckerei|konditorei|conditorei|bakkerij|panadería|panaderia|piekarnia|"
    r"hardware|stationery|supermarket|supermarkt|supermercado|supermarché|pharmacy|apotheke|apoteket|apotek|"
    r"farmacia|pharmacie|apteka|ljekarna|drogerie|drogeria|kedai|perniagaan|syarikat|gastronomie|gastronomia|"
    r"imbiss|grill|kitchen|küche|cuisine|cocina|kuchnia|tienda|boutique|hotel|hostel)\b",
    re.IGNORECASE,
)
# Words that say which of a brand's places a line is: "… Store", "… Filiale", "… Centrum" after the brand
BRANCH_SUFFIX = re.compile(
    r"\b(?:store|branch|outlet|filiale|zweigstelle|niederlassung|succursale|magasin|sucursal|tienda|filiaal|"
    r"vestiging|winkel|butik|filial|oddział|filijala|poslovnica|centrum|center|centre)\.?$",
    re.IGNORECASE,
)
ADDRESS = re.compile(
    r"\b(?:jalan|jln|lorong|taman|persiaran|street|st\.|road|rd\.?|avenue|ave|blvd|boulevard|lane|drive|dr\.|"
    r"highway|floor|suite|level|lot|block|blok|rue|chemin|place|straße|strasse|str\.|weg|platz|allee|gasse|"
    r"damm|ring|calle|c/|avenida|avda|plaza|carrer|paseo|via|viale|piazza|corso|straat|laan|plein|gracht|"
    r"gatan|vägen|gade|vej|ulica|ul\.|ulitsa|utca|cesta|trg|no\.|p\.?o\.? box|bp)\b"
    r"|\b\d{4,5}\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\b\d{4}\s?[A-Z]{2}\b|,\s*$"
    r"|,\s*[A-Z]{2}\b(?:\s+\d{5})?",
    re.IGNORECASE,
)
CONTACT = re.compile(
    r"\b(?:tel|telephone|phone|fax|hp|mobile|email|e-mail|www|http|https|web|website|fon|telefon|tél|tlf|puh)\b|@|"
    r"\.(?:com|net|org|de|my|nl|es|fr|it|uk|se|pl|hr|lt|ee|at|ch|be|dk|no|fi|gr|hk|cn|ca|us|eu)\b|"
    r"\d{2,4}[-\s/]\d{3,4}[-\s]?\d{3,4}|\(\d{3}\)\s?\d{3}",
    re.IGNORECASE,
)
REGISTRATION = re.compile(
    r"\b(?:gst|sst|vat|tva|btw|mwst|ust|iva|pdv|pvm|moms|alv|dph|áfa|kdv|afm|αφμ|reg|registration|regn|"
    r"co\.?\s?no|company\s?no|roc|business\s?no|tax\s?id|siret|siren|ust-?id\w*|st\.?\s?nr|steuer\w*|nif|cif|"
    r"nip|oib|kvk|abn|ein|id\s?no)\b|\(?\b\d{4,}-[a-z]\b\)?|\b\d{6,}\b",
    re.IGNORECASE,
)
TITLE = re.compile(
    r"^\W*(?:tax\s+invoice|simplified\s+tax\s+invoice|invoice|receipt|official\s+receipt|cash\s+sales?|cash\s+bill|"
    r"bill|tax\s+receipt|guest\s+check|facture|ticket(?:\s+de\s+caisse)?|quittung|rechnung|kassenbon|"
    r"kassenbeleg|beleg|factura(?:\s+simplificada)?|recibo|resit|fattura|ricevuta|scontrino|factuur|"
    r"kassabon|kvitto|kvittering|paragon(?:\s+fiskalny)?|račun|kuitti|lasku|faktura|αποδειξη|απόδειξη|"
    r"τιμολογιο|τιμολόγιο|copy|duplicate|customer\s+copy|kopie|welcome|thank\s+you|selamat\s+datang|bienvenue|"
    r"willkommen|bienvenido|welkom|benvenuto|välkommen|witamy|dobrodošli|tere\s+tulemast)\b",
    re.IGNORECASE,
)
# "Owned by: …", "Dimiliki oleh …": the line after names the owner company, not the shop
OWNER = re.compile(
    r"\b(?:owned\s+by|operated\s+by|managed\s+by|a\s+member\s+of|dimiliki\s+oleh|exploit[ée]\s+par|betrieben\s+von|"
    r"inhaber|propriétaire|propietario|titolare|eigenaar)\b",
    re.IGNORECASE,
)
# The customer's block of an invoice: "Bill to: …", "Kunde: …", "Facturé à …"
CUSTOMER = re.compile(
    r"^\W*(?:bill(?:ed)?\s+to|ship(?:ped)?\s+to|sold\s+to|deliver(?:ed)?\s+to|invoice\s+to|customer|client|"
    r"kunde|rechnungsempfänger|lieferanschrift|factur[ée]\s+à|livr[ée]\s+à|cliente|facturar\s+a|klant|"
    r"afnemer|kund|asiakas|klient|odbiorca|nabywca|kupac|vevő)\b",
    re.IGNORECASE,
)
# A line that is only a place: "Chicago, IL", "Chicago, IL 60601", "04109 Leipzig", "1053 EL Amsterdam",
# "Montreal QC H3B 4G8", "D-53227 Bonn", "28046 MADRID"
PLACE_LINE = re.compile(
    r"^\s*(?:[A-Za-z][\w .'-]*,\s*[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?"
    r"|(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[^\W\d_][\w.'-]*(?:\s+[^\W\d_][\w.'-]*)?"
    r"|[^\W\d_][\w .'-]*\s[A-Z]\d[A-Z]\s?\d[A-Z]\d)\s*$"
)
_REGISTRATION_SUFFIX = re.compile(r"\s*[(\[]?\b\d{4,}[-·.\s]?[a-z]\b[)\]]?\s*$|\s*\(\s*\)\s*$", re.IGNORECASE)


def issuer_name(text: str) -> str:
    """A name line without the registration number printed after it: "88 QUICK MART S/B (123456-X)"."""
    return _REGISTRATION_SUFFIX.sub("", text).strip()


def is_title(text: str) -> bool:
    return bool(TITLE.search(text))


def not_an_issuer(text: str) -> str | None:
    """Why a piece of a header line cannot be the issuer's name, or None when it may be (what only lowers the
    odds is a feature instead)."""
    letters = sum(c.isalpha() for c in text)
    if letters < 2 or letters < 0.5 * len(text.replace(" ", "")):
        return "mostly digits"
    if TITLE.search(text):
        return "document title or greeting"
    if CONTACT.search(text):
        return "contact details"
    if REGISTRATION.search(text):
        return "registration or tax id"
    if OWNER.search(text):
        return "an owner's line"
    if PLACE_LINE.match(text):
        return "a town with its postcode or state"
    if CUSTOMER.match(text):
        return "the customer's block"
    return None
