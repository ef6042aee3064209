"""Which locale a document is written in, decided per document from its own evidence, else from the locale an
upload, template or project gives: how an ambiguous date (3/4/2022) or amount (1,129) is read, and which
currency a bare "$" or "kr" means.

The evidence, strongest first: dates printed so that only one order reads them (13/02/2022); country cues
(tax ids, postcodes, phone numbers, currencies, tax names); the language of the labels; the hint; day first
and a decimal point. Each decision comes with its reason in words, shown to users beside the values it read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from services.common.languages import LANGUAGES, fold
from services.worker.extraction.layout import CELL_GAP
from services.worker.normalise import (
    CURRENCY_SIGNS,
    ISO_CODES,
    currency_of,
    find_amounts,
    find_dates,
    parse_date,
    year_first_reading,
)


@dataclass(frozen=True)
class LocaleHint:
    """The locale the document's owner gave, if any: the upload's, else the template's, else the project's."""

    tag: str = ""  # canonical BCP 47 ("en-US"), "" when none was given
    source: str = ""  # upload | template | project


@dataclass(frozen=True)
class DocumentLocale:
    tag: str  # BCP 47 the document is read in: "en-US"; "und" when nothing tells
    # dmy | mdy: how an ambiguous numeric date (3/4/2022) is read; ymd: two-digit years first (18/09/24), where
    # the page prints one so that only that reading is a date it also prints in an unambiguous form
    date_order: str
    decimal: str  # "," or ".": the decimal mark of an ambiguous amount ("1,129", "1.129")
    currency: str | None  # ISO 4217 the page names, or its country's
    country: str | None  # ISO 3166-1 alpha-2, from the page's cues or the hint
    language: str | None  # ISO 639-1 of the page's labels
    reasons: tuple[str, ...] = ()  # why, in words: shown in the record's fieldDetails


UNKNOWN = DocumentLocale("und", "dmy", ".", None, None, None, ("nothing on the page or given tells",))


@dataclass(frozen=True)
class Country:
    """How a country prints dates and amounts, and what it pays in."""

    currency: str
    date_order: str | None  # dmy | mdy; None where both are printed (the labels' language decides)
    decimal: str
    languages: tuple[str, ...] = ()  # of its receipts' labels, the most used first (those in languages.py)


# Month first in the US and the countries that took its forms (the Philippines, US territories, the Pacific states
# in free association); Canada and China print both; the rest of the world prints day first when the year is last.
COUNTRIES: dict[str, Country] = {
    "US": Country("USD", "mdy", ".", ("en", "es")),
    "PR": Country("USD", "mdy", ".", ("es", "en")),
    "GU": Country("USD", "mdy", ".", ("en",)),
    "PH": Country("PHP", "mdy", ".", ("en",)),
    "FM": Country("USD", "mdy", ".", ("en",)),
    "MH": Country("USD", "mdy", ".", ("en",)),
    "PW": Country("USD", "mdy", ".", ("en",)),
    "CA": Country("CAD", None, ".", ("en", "fr")),
    "CN": Country("CNY", None, ".", ()),
    "GB": Country("GBP", "dmy", ".", ("en",)),
    "IE": Country("EUR", "dmy", ".", ("en",)),
    "MT": Country("EUR", "dmy", ".", ("en",)),
    "AU": Country("AUD", "dmy", ".", ("en",)),
    "NZ": Country("NZD", "dmy", ".", ("en",)),
    "IN": Country("INR", "dmy", ".", ("en",)),
    "PK": Country("PKR", "dmy", ".", ("en",)),
    "LK": Country("LKR", "dmy", ".", ("en",)),
    "NP": Country("NPR", "dmy", ".", ("en",)),
    "ZA": Country("ZAR", "dmy", ".", ("en",)),
    "SG": Country("SGD", "dmy", ".", ("en", "ms")),
    "MY": Country("MYR", "dmy", ".", ("ms", "en")),
    "HK": Country("HKD", "dmy", ".", ("en",)),
    "TW": Country("TWD", "dmy", ".", ()),
    "JP": Country("JPY", "dmy", ".", ()),
    "KR": Country("KRW", "dmy", ".", ()),
    "TH": Country("THB", "dmy", ".", ()),
    "ID": Country("IDR", "dmy", ",", ()),
    "VN": Country("VND", "dmy", ",", ()),
    "AE": Country("AED", "dmy", ".", ("en",)),
    "SA": Country("SAR", "dmy", ".", ()),
    "IL": Country("ILS", "dmy", ".", ()),
    "EG": Country("EGP", "dmy", ".", ()),
    "MA": Country("MAD", "dmy", ",", ("fr",)),
    "DE": Country("EUR", "dmy", ",", ("de",)),
    "AT": Country("EUR", "dmy", ",", ("de",)),
    "CH": Country("CHF", "dmy", ".", ("de", "fr", "it")),  # the Swiss write amounts with a point
    "LI": Country("CHF", "dmy", ".", ("de",)),
    "FR": Country("EUR", "dmy", ",", ("fr",)),
    "BE": Country("EUR", "dmy", ",", ("nl", "fr", "de")),
    "LU": Country("EUR", "dmy", ",", ("fr", "de")),
    "NL": Country("EUR", "dmy", ",", ("nl",)),
    "ES": Country("EUR", "dmy", ",", ("es",)),
    "PT": Country("EUR", "dmy", ",", ("pt",)),
    "IT": Country("EUR", "dmy", ",", ("it",)),
    "SE": Country("SEK", "dmy", ",", ("sv",)),
    "DK": Country("DKK", "dmy", ",", ("da",)),
    "NO": Country("NOK", "dmy", ",", ("nb",)),
    "IS": Country("ISK", "dmy", ",", ()),
    "FI": Country("EUR", "dmy", ",", ("fi", "sv")),
    "PL": Country("PLN", "dmy", ",", ("pl",)),
    "CZ": Country("CZK", "dmy", ",", ("cs",)),
    "SK": Country("EUR", "dmy", ",", ("sk",)),
    "HR": Country("EUR", "dmy", ",", ("hr",)),
    "SI": Country("EUR", "dmy", ",", ("sl",)),
    "HU": Country("HUF", "dmy", ",", ("hu",)),
    "RO": Country("RON", "dmy", ",", ("ro",)),
    "BG": Country("EUR", "dmy", ",", ()),
    "RS": Country("RSD", "dmy", ",", ()),
    "LT": Country("EUR", "dmy", ",", ("lt",)),
    "LV": Country("EUR", "dmy", ",", ("lv",)),
    "EE": Country("EUR", "dmy", ",", ("et",)),
    "GR": Country("EUR", "dmy", ",", ("el",)),
    "CY": Country("EUR", "dmy", ",", ("el", "en")),
    "TR": Country("TRY", "dmy", ",", ("tr",)),
    "UA": Country("UAH", "dmy", ",", ()),
    "RU": Country("RUB", "dmy", ",", ()),
    "MX": Country("MXN", "dmy", ".", ("es",)),
    "BR": Country("BRL", "dmy", ",", ("pt",)),
    "AR": Country("ARS", "dmy", ",", ("es",)),
    "CL": Country("CLP", "dmy", ",", ("es",)),
    "CO": Country("COP", "dmy", ",", ("es",)),
}
# Where a language is read when nothing names the country (English is read in too many to guess one).
_HOME = {
    "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "pt": "PT", "nl": "NL", "sv": "SE", "da": "DK", "nb": "NO",
    "fi": "FI", "pl": "PL", "cs": "CZ", "sk": "SK", "hr": "HR", "sl": "SI", "hu": "HU", "ro": "RO", "lt": "LT",
    "lv": "LV", "et": "EE", "el": "GR", "tr": "TR", "ms": "MY",
}  # fmt: skip
_NAMES = {
    "dmy": "day first",
    "mdy": "month first",
    "ymd": "two-digit year first",
    ",": "decimal comma",
    ".": "decimal point",
}


def currency_of_country(country: str | None) -> str | None:
    """The ISO 4217 currency a country pays in ("CA" → "CAD"); None for a country not known here."""
    known = COUNTRIES.get(country or "")
    return known.currency if known else None


def resolve_sign(sign: str, country: str | None) -> str | None:
    """The currency a printed sign or code means in a country: "$" in Canada is CAD, "kr" in Sweden SEK, "€"
    anywhere EUR; None when the sign is shared and the country does not pay in one of its currencies."""
    codes = (sign,) if sign in ISO_CODES else CURRENCY_SIGNS.get(sign, ())
    if len(codes) == 1:
        return codes[0]
    home = currency_of_country(country)
    return home if home in codes else None


# --- country cues: (weight, countries, what it is, pattern) ------------------------------------------------------
# (ID, IN, OR, ME, OK, HI are words too: "Store ID 10234"; those only after a city and a comma)
_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA IL IA KS KY LA MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH PA RI SC SD TN "
    "TX UT VT VA WA WV WI WY"
).split()
_US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|"
    "Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|"
    "Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming"
)
_NOT_POSTCODE = r"(?:AM|PM|SA|SD|SS|ML|CL|KG|GR|CM|MM|LT|PC|PK|EA|OZ|LB)\b"  # times and units after numbers
# (312) 555-0100, 312-555-0100, 312.555.0100: the area code apart from the number ("556719-2157" is not one)
_NANP = r"(?<![\d+-])(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\d-])"
_MY_STATES = (
    "Johor|Kedah|Kelantan|Melaka|Negeri Sembilan|Pahang|Perak|Perlis|Pulau Pinang|Penang|Sabah|Sarawak|Selangor|"
    "Terengganu|Kuala Lumpur|Putrajaya|Labuan"
)
_PROVINCES = "AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|Qc|Que"
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"


def _cue(
    weight: float, countries: str, what: str, pattern: str, flags: int = 0
) -> tuple[float, tuple[str, ...], str, re.Pattern[str]]:
    return weight, tuple(countries.split()), what, re.compile(pattern, flags)


# Weights: 3 names one country beyond doubt (a tax id with its country prefix, a US state with its ZIP code);
# 2 names one country but could be printed elsewhere (a phone's country code, a postcode's shape, a tax's name,
# the country's name); 1 is a hint that needs another cue (a web domain, a legal form, an old-style postcode).
# A country is taken at 2 or more, ahead of every other: a single weak cue never outweighs a strong contrary one.
_CUES = [
    # VAT ids with their country prefix (EU forms, the Swiss UID, the Norwegian "MVA" suffix)
    _cue(3, "DE", "a German VAT id", r"\bDE ?\d{9}\b"),
    _cue(3, "AT", "an Austrian VAT id", r"\bATU ?\d{8}\b"),
    _cue(3, "GB", "a UK VAT number", r"\bGB ?(?:\d{9}|\d{3} \d{4} \d{2})\b"),
    _cue(3, "NL", "a Dutch VAT id", r"\bNL ?\d{9}[. ]?B[. ]?\d{2}\b"),
    _cue(3, "BE", "a Belgian VAT id", r"\bBE ?0?\d{3}[. ]?\d{3}[. ]?\d{3}\b"),
    _cue(3, "FR", "a French VAT id", r"\bFR ?[0-9A-Z]{2} ?\d{3} ?\d{3} ?\d{3}\b"),
    _cue(3, "ES", "a Spanish VAT id", r"\bES ?[A-Z]\d{7}[A-Z0-9]\b|\bES ?\d{8}[A-Z]\b"),
    _cue(3, "IT", "an Italian VAT id", r"\bIT ?\d{11}\b"),
    _cue(3, "SE", "a Swedish VAT id", r"\bSE ?\d{10}01\b"),
    _cue(3, "PL", "a Polish VAT id", r"\bPL ?\d{10}\b"),
    _cue(3, "HR", "a Croatian VAT id", r"\bHR ?\d{11}\b"),
    _cue(3, "EE", "an Estonian VAT id", r"\bEE ?\d{9}\b"),
    _cue(3, "LT", "a Lithuanian VAT id", r"\bLT ?(?:\d{9}|\d{12})\b"),
    _cue(3, "LV", "a Latvian VAT id", r"\bLV ?\d{11}\b"),
    _cue(3, "GR", "a Greek VAT id", r"\bEL ?\d{9}\b"),
    _cue(3, "CZ", "a Czech VAT id", r"\bCZ ?\d{8,10}\b"),
    _cue(3, "SK", "a Slovak VAT id", r"\bSK ?\d{10}\b"),
    _cue(3, "HU", "a Hungarian VAT id", r"\bHU ?\d{8}\b"),
    _cue(3, "RO", "a Romanian VAT id", r"\bRO ?\d{6,10}\b"),
    _cue(3, "SI", "a Slovenian VAT id", r"\bSI ?\d{8}\b"),
    _cue(3, "PT", "a Portuguese VAT id", r"\bPT ?\d{9}\b"),
    _cue(3, "DK", "a Danish VAT id", r"\bDK ?\d{8}\b"),
    _cue(3, "FI", "a Finnish VAT id", r"\bFI ?\d{8}\b"),
    _cue(3, "IE", "an Irish VAT id", r"\bIE ?\d{7}[A-Z]{1,2}\b"),
    _cue(3, "LU", "a Luxembourg VAT id", r"\bLU ?\d{8}\b"),
    _cue(3, "CH", "a Swiss UID", r"\bCHE[- ]?\d{3}\.?\d{3}\.?\d{3}\b"),
    _cue(3, "NO", "a Norwegian VAT number", r"\b(?:NO ?)?\d{3} ?\d{3} ?\d{3} ?MVA\b"),
    # postcodes and addresses
    _cue(3, "US", "a US state and ZIP code", rf"\b(?:{'|'.join(_US_STATES)})\.?,? +\d{{5}}(?:-\d{{4}})?\b"),
    _cue(3, "US", "a US state and ZIP code", r"\w, *(?:ID|IN|OR|ME|OK|HI) +\d{5}(?:-\d{4})?\b"),
    _cue(3, "US", "a US state and ZIP code", rf"\b(?:{_US_STATE_NAMES}),? +\d{{5}}(?:-\d{{4}})?\b", re.IGNORECASE),
    _cue(3, "CA", "a province and Canadian postcode", rf"\b(?:{_PROVINCES})\.?,? *{_CA_POSTCODE}\b"),
    _cue(
        2,
        "CA",
        "a Canadian postcode",
        r"(?:^|(?<=[\s,]))[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d\b",
    ),
    _cue(2, "GB", "a UK postcode", r"\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b"),
    _cue(
        1, "NL", "a Dutch postcode", rf"\b[1-9]\d{{3}} ?(?!{_NOT_POSTCODE})[A-Z]{{2}}(?=,| *$| +[A-Z][A-Za-z'-]{{2,}})"
    ),
    _cue(1, "DE", "a D- postcode", r"\bD-\d{5}\b"),
    _cue(1, "AT", "an A- postcode", r"\bA-\d{4}\b"),
    _cue(1, "CH", "a CH- postcode", r"\bCH-\d{4}\b"),
    # phone numbers: +CC in _phone_cues; the North American form here (US, and Canada a little less: most
    # such numbers are American, and a Canadian page has other cues — a postcode, GST/HST, TPS/TVQ)
    _cue(2, "US", "a North American phone number", _NANP),
    _cue(1.5, "CA", "a North American phone number", _NANP),
    # taxes and registrations one country names so
    _cue(2, "US", "a US sales tax", r"\bsales\s+tax\b", re.IGNORECASE),
    _cue(2, "CA", "a Canadian sales tax", r"\b(?:GST/HST|TPS|TVQ|T\.P\.S\.|T\.V\.Q\.|QST)\b"),
    _cue(2, "CA", "a Canadian sales tax", r"\bHST\s?(?:#|\d{1,2}(?:\.\d+)?\s?%)"),
    _cue(2, "MY", "a Malaysian state", rf"\b(?:{_MY_STATES})\b", re.IGNORECASE),
    _cue(1, "MY", "a Malaysian street (Jalan, Taman)", r"\b(?:Jalan|Jln|Taman|Lorong)\b", re.IGNORECASE),
    _cue(2, "MY", "Malaysian SST", r"\bSST\b"),
    _cue(2, "GR", "a Greek tax number label", r"\bΑ\.?Φ\.?Μ\b", re.IGNORECASE),
    _cue(
        2,
        "DE",
        "a German tax number label",
        r"\bUSt-?Id(?:Nr)?\b|\bSteuer-?(?:nummer|nr)\b|\bSt\.?-Nr\b",
        re.IGNORECASE,
    ),
    _cue(2, "NL", "a Dutch KvK number", r"\bKvK\b"),
    _cue(2, "FR", "a French SIRET/SIREN", r"\bSIRE[TN]\b", re.IGNORECASE),
    _cue(2, "IT", "an Italian Partita IVA", r"\bP\.?\s?IVA\b|\bPartita\s+IVA\b", re.IGNORECASE),
    _cue(2, "PL", "a Polish NIP", r"\bNIP\b"),
    _cue(2, "HR", "a Croatian tax or fiscal code", r"\bOIB\b|\bJIR\b|\bZKI\b"),
    _cue(2, "EE", "an Estonian KMKR", r"\bKMKR\b"),
    _cue(2, "DK", "a Danish CVR", r"\bCVR\b"),
    _cue(2, "FI", "a Finnish Y-tunnus", r"\bY-tunnus\b", re.IGNORECASE),
    _cue(2, "AU", "an Australian ABN", r"\bABN\b"),
    _cue(2, "SG", "a Singapore UEN", r"\bUEN\b"),
    _cue(2, "IN", "an Indian GSTIN", r"\bGSTIN\b"),
    # legal forms only one country uses
    _cue(1, "MY", "a Malaysian legal form", r"\b(?:Sdn\.?\s?)?Bhd\b|\bS/B\b", re.IGNORECASE),
    _cue(1, "SG", "a Pte Ltd", r"\bPte\.?\s?Ltd\b", re.IGNORECASE),
    _cue(1, "AU", "a Pty Ltd", r"\bPty\.?\s?Ltd\b", re.IGNORECASE),
    _cue(1, "DE", "a GmbH", r"\bGmbH\b"),
    _cue(1, "PL", "a Sp. z o.o.", r"\bSp\.\s?z\s?o\.\s?o\b", re.IGNORECASE),
    _cue(1, "HU", "a Kft/Zrt", r"\b(?:Kft|Zrt)\b"),
    _cue(1, "EE", "an OÜ", r"\bOÜ\b"),
    _cue(1, "LT", "a UAB", r"\bUAB\b"),
    _cue(1, "FI", "an Oy", r"\bOyj?\b"),
    _cue(1, "DK", "an ApS", r"\bApS\b"),
    _cue(1, "IT", "an S.p.A./S.r.l.", r"\bS\.(?:p\.A|r\.l)\b", re.IGNORECASE),
    _cue(1, "US", "an LLC", r"\bLLC\b"),
]
# Country names as printed in an address (also in the country's own language)
_COUNTRY_NAMES = {
    "US": "usa|u.s.a.|united states", "CA": "canada", "GB": "united kingdom|great britain|england|scotland|wales",
    "IE": "ireland|eire", "DE": "deutschland|germany", "AT": "osterreich|austria",
    "CH": "schweiz|suisse|svizzera|switzerland", "FR": "france", "BE": "belgique|belgie|belgium",
    "LU": "luxembourg", "NL": "nederland|netherlands", "ES": "espana|spain", "PT": "portugal",
    "IT": "italia|italy", "SE": "sverige|sweden", "DK": "danmark|denmark", "NO": "norge|norway",
    "FI": "suomi|finland", "PL": "polska|poland", "CZ": "ceska republika|czech republic|czechia",
    "SK": "slovensko|slovakia", "HR": "hrvatska|croatia", "SI": "slovenija|slovenia", "HU": "magyarorszag|hungary",
    "RO": "romania", "LT": "lietuva|lithuania", "LV": "latvija|latvia", "EE": "eesti|estonia", "GR": "ελλαδα|greece",
    "TR": "turkiye",  # not "turkey": a sandwich's too
    "MY": "malaysia", "SG": "singapore", "HK": "hong kong", "CN": "china|中国",
    "AU": "australia", "NZ": "new zealand", "PH": "philippines", "IN": "india", "JP": "japan|日本",
    "MX": "mexico", "BR": "brasil|brazil",
}  # fmt: skip
_COUNTRY_NAME = re.compile(
    r"(?<![^\W_])(" + "|".join(re.escape(n) for v in _COUNTRY_NAMES.values() for n in v.split("|")) + r")(?![^\W_])"
)
_COUNTRY_BY_NAME = {name: country for country, names in _COUNTRY_NAMES.items() for name in names.split("|")}
_DOMAINS = {
    "de": "DE", "at": "AT", "ch": "CH", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL", "be": "BE", "se": "SE",
    "dk": "DK", "no": "NO", "fi": "FI", "pl": "PL", "cz": "CZ", "sk": "SK", "hr": "HR", "si": "SI", "hu": "HU",
    "ro": "RO", "lt": "LT", "lv": "LV", "ee": "EE", "gr": "GR", "tr": "TR", "my": "MY", "sg": "SG", "hk": "HK",
    "cn": "CN", "ca": "CA", "uk": "GB", "ie": "IE", "au": "AU", "nz": "NZ", "pt": "PT", "lu": "LU", "ph": "PH",
    "jp": "JP", "mx": "MX", "br": "BR",
}  # fmt: skip
_DOMAIN = re.compile(r"\b[a-z0-9][a-z0-9-]*(?:\.(?:com|co|org|net|gov))?\.(" + "|".join(_DOMAINS) + r")\b(?![.@-]\w)")
_CALLING_CODES = {
    "1": ("US",), "7": ("RU",), "20": ("EG",), "27": ("ZA",), "30": ("GR",), "31": ("NL",), "32": ("BE",),
    "33": ("FR",), "34": ("ES",), "36": ("HU",), "39": ("IT",), "40": ("RO",), "41": ("CH",), "43": ("AT",),
    "44": ("GB",), "45": ("DK",), "46": ("SE",), "47": ("NO",), "48": ("PL",), "49": ("DE",), "52": ("MX",),
    "54": ("AR",), "55": ("BR",), "56": ("CL",), "57": ("CO",), "60": ("MY",), "61": ("AU",), "62": ("ID",),
    "63": ("PH",), "64": ("NZ",), "65": ("SG",), "66": ("TH",), "81": ("JP",), "82": ("KR",), "84": ("VN",),
    "86": ("CN",), "90": ("TR",), "91": ("IN",), "92": ("PK",), "94": ("LK",), "212": ("MA",), "351": ("PT",),
    "352": ("LU",), "353": ("IE",), "354": ("IS",), "356": ("MT",), "357": ("CY",), "358": ("FI",), "359": ("BG",),
    "370": ("LT",), "371": ("LV",), "372": ("EE",), "380": ("UA",), "381": ("RS",), "385": ("HR",), "386": ("SI",),
    "420": ("CZ",), "421": ("SK",), "423": ("LI",), "852": ("HK",), "886": ("TW",), "966": ("SA",), "971": ("AE",),
    "972": ("IL",), "977": ("NP",),
}  # fmt: skip
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\s?(\d[\d ()./-]{7,18}\d)(?!\d)")
# Currency codes and the signs that are not letters, printed on their own (a column header "EUR", "Total $ 5.00"
# split into boxes); signs made of letters ("kr", "RM") count only beside an amount.
# (TRY, MAD, COP, SAR are English words in capitals too: on their own they are not read.)
_CURRENCY_ALONE = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(sorted(ISO_CODES - {"TRY", "MAD", "COP", "SAR"}))
    + r")(?![A-Za-z])|("
    + "|".join(
        re.escape(s) for s in sorted(CURRENCY_SIGNS, key=len, reverse=True) if not s[-1].isalpha() and s[-1] != "."
    )
    + ")"
)
# Currencies countries paid in until they took the euro, and since when: older receipts print them.
_CHANGEOVER = {"HR": ("HRK", "2023-01-01"), "BG": ("BGN", "2026-01-01")}
_FORMER = {currency: country for country, (currency, _) in _CHANGEOVER.items()}
_CURRENCY_HOME = {"USD": "US", "CHF": "CH"}  # paid in elsewhere too, but printed mostly here
_WORD = re.compile(r"[^\W_]+")
_HINT = re.compile(r"^([A-Za-z]{2,3})(?:-[A-Za-z]{4})?(?:-([A-Za-z]{2}))?")


@dataclass
class _Evidence:
    countries: dict[str, float]  # country → weight of its cues
    country_why: dict[str, list[str]]
    currencies: Counter[str]  # ISO codes and shared signs, as printed
    orders: Counter[str]  # dmy / mdy, from dates only one order reads; ymd (see _year_first)
    order_examples: dict[str, str]
    decimals: Counter[str]
    decimal_examples: dict[str, str]
    dates: list[str]  # every date on the page, ISO


def _phone_cues(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _INTERNATIONAL.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) < 8:
            continue
        for size in (3, 2, 1):
            if countries := _CALLING_CODES.get(digits[:size]):
                out += [(country, f"a +{digits[:size]} phone number") for country in countries]
                break
    return out


def _collect(texts: list[str]) -> _Evidence:
    evidence = _Evidence({}, {}, Counter(), Counter(), {}, Counter(), {}, [])

    def country(code: str, weight: float, why: str) -> None:
        evidence.countries[code] = evidence.countries.get(code, 0.0) + weight
        whys = evidence.country_why.setdefault(code, [])
        if why not in whys:
            whys.append(why)

    seen: set[tuple[str, str]] = set()  # each kind of cue counts once per country: ten phone numbers are one cue
    clean_dates: dict[str, str] = {}  # ISO → as printed, of dates written with a four-digit year or a month name
    # numeric dates with a two-digit year last, as printed, and the order each proves read year last
    short_years: list[tuple[str, str | None]] = []
    for text in texts:
        for weight, countries, what, pattern in _CUES:
            if (m := pattern.search(text)) and (what, countries[0]) not in seen:
                seen.add((what, countries[0]))
                for code in countries:
                    country(code, weight, f"{what} ({m.group().strip()})")
        for code, what in _phone_cues(text):
            if (what, code) not in seen:
                seen.add((what, code))
                # weight 2: a country code is explicit, but +1 is the US and Canada alike (Canada less: see above)
                country(code, 2, what)
                if what == "a +1 phone number":
                    country("CA", 1.5, what)
        folded = fold(text)
        for m in _COUNTRY_NAME.finditer(folded):
            if (code := _COUNTRY_BY_NAME[m.group(1)]) and ("name", code) not in seen:
                seen.add(("name", code))
                country(code, 2, f"the country's name ({text[m.start() : m.end()]})")
        for m in _DOMAIN.finditer(folded):
            if ("domain", code := _DOMAINS[m.group(1)]) not in seen:
                seen.add(("domain", code))
                country(code, 1, f"a .{m.group(1)} web address")
        dates = find_dates(text)
        evidence.dates += [str(found.value) for found in dates]
        for found in dates:
            if found.proves:
                evidence.orders[found.proves] += 1
                evidence.order_examples.setdefault(found.proves, text[found.start : found.end])
        clean_dates.update({str(f.value): text[f.start : f.end] for f in dates if f.clean})
        short_years += [
            (text[f.start : f.end], f.proves)
            for f in dates
            if not f.clean and year_first_reading(text[f.start : f.end])
        ]
        amounts = [a for a in find_amounts(text) if not any(a.start < d.end and d.start < a.end for d in dates)]
        for amount in amounts:
            if amount.currency:
                evidence.currencies[amount.currency] += 1
            if amount.proves:
                evidence.decimals[amount.proves] += 1
                evidence.decimal_examples.setdefault(amount.proves, text[amount.start : amount.end].strip())
        for m in _CURRENCY_ALONE.finditer(text):
            if not any(a.start <= m.start() < a.end for a in amounts):
                evidence.currencies[currency_of(m.group())] += 1
        for cell in text.split(CELL_GAP):  # a column header of its own: "RM", "(RM)", "kr"
            if (sign := cell.strip(" ()[]:")) and sign[-1].isalpha() and sign in CURRENCY_SIGNS:
                evidence.currencies[currency_of(sign)] += 1
    _year_first(evidence, clean_dates, short_years)
    for code in [c for c in evidence.currencies if c in ISO_CODES]:
        # weight 2: a currency names its country when one country alone pays in it (not the euro), or one
        # above all (USD: other dollar countries print their own code)
        users = [name for name, known in COUNTRIES.items() if known.currency == code]
        if home := _CURRENCY_HOME.get(code) or (users[0] if len(users) == 1 else _FORMER.get(code)):
            country(home, 2, f"the currency {code}")
    return evidence


def _year_first(evidence: _Evidence, clean_dates: dict[str, str], short_years: list[tuple[str, str | None]]) -> None:
    """A date with a two-digit year ("18/09/24") that, read year first, is a date the page prints unambiguously
    ("Sep. 24, 2018"), and read day or month first is none of its dates: the page writes two-digit years first
    (card slips from Canada, Japan, Korea, Sweden print the date of the sale so beside the shop's own)."""
    for written, proved in short_years:
        iso = year_first_reading(written)
        others = {parse_date(written, "dmy"), parse_date(written, "mdy")}
        if iso in clean_dates and not others & clean_dates.keys():
            # what it seemed to prove read year last ("18/09/24": no month 18, so day first) it does not
            if proved and evidence.orders[proved] > 0:
                evidence.orders[proved] -= 1
                if not evidence.orders[proved]:
                    del evidence.orders[proved], evidence.order_examples[proved]
            evidence.orders["ymd"] += 1
            evidence.order_examples.setdefault("ymd", f"{written} (the date printed as {clean_dates[iso]})")


# Words every language prints alike (card schemes, "terminal"): no evidence of a language.
_NEUTRAL = {"visa", "mastercard", "maestro", "amex", "american express", "v pay", "terminal", "contactless"}


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, tuple[str, ...]], dict[str, str], int]:
    """Every folded phrase of every language's vocabulary → the languages that use it; each phrase as printed;
    the longest phrase's words."""
    users: dict[str, set[str]] = {}
    printed: dict[str, str] = {}

    def add(code: str, phrase: str) -> None:
        words = _WORD.findall(fold(phrase))
        key = " ".join(words)
        if words and (len(words) > 1 or len(key) >= 3) and key not in _NEUTRAL:  # "di", "so": too short to tell
            users.setdefault(key, set()).add(code)
            printed.setdefault(key, phrase)

    kinds = ("total", "subtotal", "tax", "cash", "change", "rounding", "discount", "not_amounts", "date")
    for language in LANGUAGES.values():
        for kind in (*kinds, "date_excluded", "invoice_number", "invoice_number_excluded", "header_noise"):
            for phrase in getattr(language, kind):
                add(language.code, phrase)
        for greeting in language.greetings:
            words = greeting.partition("{name}")[0].split()
            for size in range(2, len(words) + 1):  # "Bedankt voor uw bezoek" of "… bezoek aan {name}"
                add(language.code, " ".join(words[:size]))
        for name in [*language.months, *language.weekdays]:
            if len(name) >= 4:  # "mar", "jun": shared by too many
                add(language.code, name)
    phrases = {phrase: tuple(sorted(codes)) for phrase, codes in users.items()}
    return phrases, printed, max(len(p.split()) for p in phrases)


def _languages(texts: list[str]) -> tuple[list[tuple[str, float]], dict[str, list[str]]]:
    """How much of the page's vocabulary each language has, most first: each phrase found counts 1 / the number
    of languages that use it ("Total" little, "Summe" fully), each phrase once; and per language the phrases
    found, most telling first, as its vocabulary prints them."""
    phrases, printed, longest = _vocabulary()
    found: set[str] = set()
    for text in texts:
        words = _WORD.findall(fold(text))
        for size in range(1, longest + 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                if phrase in phrases:
                    found.add(phrase)
    # a phrase inside a longer one found ("vielen dank" in "vielen dank fur ihren einkauf") is the same evidence
    found = {p for p in found if not any(p != q and f" {p} " in f" {q} " for q in found)}
    scores: dict[str, float] = {}
    for phrase in found:
        for code in phrases[phrase]:
            scores[code] = scores.get(code, 0.0) + 1 / len(phrases[phrase])
    telling = {
        code: [printed[p] for p in sorted(found, key=lambda p: (len(phrases[p]), -len(p), p)) if code in phrases[p]]
        for code in scores
    }
    return sorted(scores.items(), key=lambda item: -item[1]), telling


def _clear_language(ranked: list[tuple[str, float]], country: Country | None) -> str | None:
    """A language clearly ahead (a phrase's worth, and half as much again as the next); else, where the country
    is known, the leading one of the languages read there."""
    if not ranked:
        return None
    code, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= 1 and score >= 1.5 * second:
        return code
    return code if country and code in country.languages and score >= 0.5 else None


_LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "ms": "Malay", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "nb": "Norwegian", "fi": "Finnish",
    "pl": "Polish", "cs": "Czech", "sk": "Slovak", "hr": "Croatian", "sl": "Slovenian", "hu": "Hungarian",
    "ro": "Romanian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "el": "Greek", "tr": "Turkish",
}  # fmt: skip


def _clear(counts: Counter[str]) -> str | None:
    """The side with a clear majority: more than twice the other's count."""
    ranked = counts.most_common()
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][1] > 2 * ranked[1][1]:
        return ranked[0][0]
    return None


def _order_by_language(country: Country, language: str | None) -> str | None:
    """Where both orders are printed: English-language tills (American software) month first, others day first."""
    if country.date_order:
        return country.date_order
    if language == "en":
        return "mdy"
    return "dmy" if language else None


def read_locale(texts: list[str], hint: LocaleHint | None = None) -> DocumentLocale:
    """The document's locale from its rows' texts, top to bottom, and the hint its owner gave (if any)."""
    evidence = _collect(texts)
    ranked_languages, telling = _languages(texts)
    hint_language, hint_country = _parse_hint(hint)
    given = f"the {hint.source or 'given'} locale {hint.tag}" if hint and hint.tag else ""
    language = _clear_language(ranked_languages, None)
    country, source, why = _decide_country(evidence, language, hint_language, hint_country, given)
    known = COUNTRIES.get(country or "")
    language = language or _clear_language(ranked_languages, known)
    reasons = why[:1] if country else []
    if language:
        reasons.append(f"labels in {_LANGUAGE_NAMES[language]} ({', '.join(telling[language][:3])})")
    reasons += why[1:] if country else why

    context = _Context(evidence, known, country, source, language, hint_language, hint_country, given, reasons)
    date_order = _decide_order(context)
    decimal = _decide_decimal(context)
    currency = _decide_currency(context)
    # the page's language, else the hint's where it gives this country or none
    spoken = language or (hint_language if hint_language and hint_country in (None, country) else None)
    tag = f"{spoken or 'und'}-{country}" if country else spoken or "und"
    return DocumentLocale(tag, date_order, decimal, currency, country, language, tuple(reasons))


def _decide_country(
    evidence: _Evidence, language: str | None, hint_language: str | None, hint_country: str | None, given: str
) -> tuple[str | None, str, list[str]]:
    """The country, where it came from (page | hint) and why (its reason first, then any cue set aside): its cues
    first, less those the page's currency contradicts (a French invoice in euros to a customer in California is
    French); else where the labels' language is read and the printed currency paid (the hint's country if it is
    one of those, else the language's home); else the hint's."""
    printed = _printed_currencies(evidence)
    sure = printed[0] if len(printed) == 1 else None  # a shared sign ("$") contradicts no country
    scores = dict(evidence.countries)
    set_aside = []
    for code in list(scores):
        known = COUNTRIES.get(code)
        if not known or not sure or known.currency == sure:
            continue
        foreign = language is not None and language not in known.languages
        if foreign or evidence.currencies.most_common(1)[0][1] >= 2:  # amounts are in the issuer's currency
            del scores[code]
            labels = f"{_LANGUAGE_NAMES[language]} labels and " if foreign and language else ""
            set_aside.append(f"not {code} ({'; '.join(evidence.country_why[code])}): {labels}{sure} printed")
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:2]
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        country = ranked[0][0]
        return country, "page", [f"country {country}: " + "; ".join(evidence.country_why[country]), *set_aside]
    if language:
        speaking = [c for c, known in COUNTRIES.items() if language in known.languages]
        paying = [c for c in speaking if COUNTRIES[c].currency in printed] if printed else speaking
        name = _LANGUAGE_NAMES[language]
        if hint_country in paying:
            return hint_country, "hint", [f"country {hint_country}: from {given}, where {name} is read", *set_aside]
        if len(paying) == 1 or _HOME.get(language) in paying:
            country = paying[0] if len(paying) == 1 else _HOME[language]
            currency = f" and {'/'.join(printed)} printed" if printed else ""
            return country, "page", [f"country {country}: {name} labels{currency}", *set_aside]
    if hint_country in COUNTRIES and (language is None or hint_language == language):
        return hint_country, "hint", [f"country {hint_country}: from {given}", *set_aside]
    return None, "page", set_aside


def _printed_currencies(evidence: _Evidence) -> tuple[str, ...]:
    """The currencies the page's most printed code or sign may be: ("EUR",), or ("SEK", "NOK", "DKK", "ISK")
    for "kr"; () when it prints none."""
    if not evidence.currencies:
        return ()
    top = evidence.currencies.most_common(1)[0][0]
    return (top,) if top in ISO_CODES else CURRENCY_SIGNS.get(top, ())


@dataclass
class _Context:
    evidence: _Evidence
    known: Country | None
    country: str | None
    source: str  # page | hint: where the country came from
    language: str | None
    hint_language: str | None
    hint_country: str | None
    given: str  # the hint in words
    reasons: list[str]


def _parse_hint(hint: LocaleHint | None) -> tuple[str | None, str | None]:
    match = _HINT.match(hint.tag) if hint and hint.tag else None
    if not match:
        return None, None
    code = match.group(1).lower()
    code = "nb" if code in ("no", "nn") else code
    return code, match.group(2).upper() if match.group(2) else None


def _decide_order(c: _Context) -> str:
    printed = _clear(c.evidence.orders)
    hinted = _hint_order(c.hint_language, c.hint_country)
    if printed:
        example, count = c.evidence.order_examples[printed], c.evidence.orders[printed]
        why = f"{_NAMES[printed]}: {example} is printed on the page" + (f" ({count} such dates)" if count > 1 else "")
        if hinted and hinted != printed:
            why += f", although {c.given} reads {_NAMES[hinted]}"
        c.reasons.append(why)
        return printed
    if c.evidence.orders:
        c.reasons.append(f"dates printed in several orders ({' and '.join(c.evidence.order_examples.values())})")
    if c.known and (order := _order_by_language(c.known, c.language)):
        if c.source == "hint":
            c.reasons.append(f"{_NAMES[order]}: from {c.given}")
        elif c.known.date_order:
            c.reasons.append(f"{_NAMES[order]}: as in {c.country}")
        else:
            name = _LANGUAGE_NAMES[c.language or "en"]
            c.reasons.append(f"{_NAMES[order]}: as in {c.country} (where both are printed) with {name} labels")
        return order
    if c.language and c.language != "en":
        c.reasons.append(f"{_NAMES['dmy']}: as {_LANGUAGE_NAMES[c.language]} dates are written")
        return "dmy"
    if hinted:
        c.reasons.append(f"{_NAMES[hinted]}: from {c.given}")
        return hinted
    c.reasons.append("day first: nothing on the page or given says otherwise")
    return "dmy"


def _hint_order(hint_language: str | None, hint_country: str | None) -> str | None:
    if hint_country in COUNTRIES:
        return _order_by_language(COUNTRIES[hint_country], hint_language)
    return "dmy" if hint_language and hint_language != "en" and hint_language in LANGUAGES else None


def _decide_decimal(c: _Context) -> str:
    if printed := _clear(c.evidence.decimals):
        c.reasons.append(f"{_NAMES[printed]}: {c.evidence.decimal_examples[printed]} is printed on the page")
        return printed
    if c.known:
        c.reasons.append(
            f"{_NAMES[c.known.decimal]}: " + (f"from {c.given}" if c.source == "hint" else f"as in {c.country}")
        )
        return c.known.decimal
    if home := COUNTRIES.get(_HOME.get(c.language or "", "")):
        c.reasons.append(f"{_NAMES[home.decimal]}: as {_LANGUAGE_NAMES[c.language or '']} amounts are written")
        return home.decimal
    if hinted := COUNTRIES.get(c.hint_country or "") or COUNTRIES.get(_HOME.get(c.hint_language or "", "")):
        c.reasons.append(f"{_NAMES[hinted.decimal]}: from {c.given}")
        return hinted.decimal
    c.reasons.append("decimal point: nothing on the page or given says otherwise")
    return "."


def _country_currency(country: str, dates: list[str]) -> tuple[str | None, str]:
    """The country's currency when the page was printed: the kuna on a Croatian receipt of 2021."""
    if country in _CHANGEOVER and dates:
        former, since = _CHANGEOVER[country]
        if max(dates) < since:
            return former, f"the currency of {country} before {since[:4]} (the page is dated {max(dates)})"
    return currency_of_country(country), f"the currency of {country}"


def _decide_currency(c: _Context) -> str | None:
    where = c.country or c.hint_country
    counts: Counter[str] = Counter()
    signs: dict[str, set[str]] = {}
    for printed, count in c.evidence.currencies.items():
        if code := resolve_sign(printed, where):
            counts[code] += count
            signs.setdefault(code, set()).add(printed)
    own = _country_currency(where, c.evidence.dates)[0] if where else None
    if counts and own and own not in counts and counts.most_common(1)[0][1] < 2:
        counts.clear()  # one mention of another currency ("955689420000€" in an item code) is not the page's
    if counts:
        code, count = counts.most_common(1)[0]
        shared = sorted(s for s in signs[code] if s not in ISO_CODES and len(CURRENCY_SIGNS.get(s, ())) > 1)
        how = f"a {shared[0]} in {where}" if shared else f"printed {count} time{'s' if count > 1 else ''}"
        c.reasons.append(f"currency {code}: {how}")
        return code
    if where:
        code, why = _country_currency(where, c.evidence.dates)
        if code:
            c.reasons.append(
                f"currency {code}: " + (f"from {c.given}" if where != c.country or c.source == "hint" else why)
            )
            return code
    if c.evidence.currencies:
        printed = ", ".join(sorted(c.evidence.currencies))
        c.reasons.append(f"no currency: {printed} is printed, and no country says which")
    return None
