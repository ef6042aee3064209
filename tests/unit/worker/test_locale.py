"""A document's locale read from its own evidence (dates only one order reads, country cues, the labels'
language), else from the locale its owner gave, else day first; and the vocabulary it is read with."""

from __future__ import annotations

import pytest

from services.common import labels
from services.common.languages import LANGUAGES, LEGAL_FORMS, fold, months
from services.worker.extraction.currency import currency_of_country, resolve_sign
from services.worker.extraction.locale import LocaleHint, read_locale
from services.worker.normalise import find_amounts, find_dates

US_RECEIPT = [
    "120 N State St",
    "Chicago, IL 60601",
    "(312) 555-0100",
    "12/2/2022 3:41 PM",
    "Coffee   $3.50",
    "Bagel   $2.25",
    "Subtotal   $5.75",
    "Sales Tax   $0.59",
    "Total   $6.34",
    "Cash   $10.00",
    "Change   $3.66",
]
UK_RECEIPT = [
    "12 High Street",
    "Edinburgh EH1 1YZ",
    "VAT No: GB123456789",
    "3/4/2022 12:01",
    "Latte   £3.20",
    "Total   £3.20",
    "Card   £3.20",
]
GERMAN_RECEIPT = [
    "Bahnhofstr. 1",
    "80335 München",
    "Datum: 02.03.2022 14:10",
    "Stuhl   1.129,00",
    "Summe EUR   1.129,00",
    "MwSt 19%   180,25",
    "Bar   1.200,00",
    "Rückgeld   71,00",
]
DUTCH_RECEIPT = [
    "Kalverstraat 1",
    "1012 AB Amsterdam",
    "02-03-2022 10:15",
    "Koffie   3,50",
    "Totaal   € 12,50",
    "BTW 9%   1,03",
    "Pinnen   12,50",
]
GREEK_RECEIPT = [
    "ΑΦΜ 123456789",
    "02/03/2022 10:15",
    "ΚΑΦΕΣ   3,50",
    "ΣΥΝΟΛΟ   12,40 €",
    "ΦΠΑ 24%   2,40",
    "ΜΕΤΡΗΤΑ   20,00",
    "ΡΕΣΤΑ   7,60",
]
CANADIAN_RECEIPT = [
    "55 King St W",
    "Toronto ON M5V 2T6",
    "(416) 555-0199",
    "12/2/2022",
    "Subtotal   $10.00",
    "HST 13%   $1.30",
    "Total   $11.30",
]
QUEBEC_RECEIPT = [
    "1215 rue Mansfield",
    "Montréal QC H3B 4G8",
    "12/02/2022 08:16",
    "SOUS-TOTAL   13,75 $",
    "TPS   0,69 $",
    "TVQ   1,37 $",
    "TOTAL   15,81 $",
]


def dates(rows: list[str], locale) -> list[str]:
    return [str(f.value) for row in rows for f in find_dates(row, order=locale.date_order, language=locale.language)]


def test_an_american_receipt_reads_12_2_2022_as_the_2nd_of_december():
    locale = read_locale(US_RECEIPT)
    assert (locale.tag, locale.country, locale.date_order, locale.currency) == ("en-US", "US", "mdy", "USD")
    assert dates(US_RECEIPT, locale) == ["2022-12-02"]
    assert "IL 60601" in locale.reasons[0] and "(312) 555-0100" in locale.reasons[0]
    assert "currency USD: a $ in US" in locale.reasons


@pytest.mark.parametrize(
    ("cue", "reason"),
    [
        ("Chicago, IL 60601", "a US state and ZIP code (IL 60601)"),
        ("Tel (312) 555-0100", "a North American phone number ((312) 555-0100)"),
        ("Sales Tax   $0.59", "a US sales tax"),
        ("Total   USD 6.34", "the currency USD"),
    ],
)
def test_any_one_american_cue_makes_an_ambiguous_date_month_first(cue, reason):
    rows = ["12/2/2022", cue]
    locale = read_locale(rows)
    assert (locale.country, locale.date_order) == ("US", "mdy")
    assert dates(rows, locale) == ["2022-12-02"]
    assert reason in locale.reasons[0]


def test_a_british_receipt_is_day_first_in_pounds():
    locale = read_locale(UK_RECEIPT)
    assert (locale.tag, locale.date_order, locale.decimal, locale.currency) == ("en-GB", "dmy", ".", "GBP")
    assert dates(UK_RECEIPT, locale) == ["2022-04-03"]
    assert "a UK postcode (EH1 1YZ)" in locale.reasons[0]


def test_a_german_receipt_reads_a_decimal_comma_and_euros():
    locale = read_locale(GERMAN_RECEIPT)
    assert (locale.tag, locale.date_order, locale.decimal, locale.currency) == ("de-DE", "dmy", ",", "EUR")
    assert dates(GERMAN_RECEIPT, locale) == ["2022-03-02"]
    assert find_amounts("Summe   1.129", decimal=locale.decimal)[0].value == 1129.0  # no decimals printed
    assert any(reason.startswith("labels in German (") and "Summe" in reason for reason in locale.reasons)
    assert "decimal comma: 1.129,00 is printed on the page" in locale.reasons


def test_a_dutch_receipt():
    locale = read_locale(DUTCH_RECEIPT)
    assert (locale.tag, locale.date_order, locale.decimal, locale.currency) == ("nl-NL", "dmy", ",", "EUR")
    assert dates(DUTCH_RECEIPT, locale) == ["2022-03-02"]
    assert any("Totaal" in reason for reason in locale.reasons)


def test_a_greek_receipt():
    locale = read_locale(GREEK_RECEIPT)
    assert (locale.tag, locale.country, locale.decimal, locale.currency) == ("el-GR", "GR", ",", "EUR")
    assert dates(GREEK_RECEIPT, locale) == ["2022-03-02"]
    assert any(reason.startswith("labels in Greek (") and "Σύνολο" in reason for reason in locale.reasons)


def test_a_canadian_dollar_sign_is_canadian_dollars():
    locale = read_locale(CANADIAN_RECEIPT)
    assert (locale.tag, locale.currency) == ("en-CA", "CAD")
    assert "currency CAD: a $ in CA" in locale.reasons
    assert dates(CANADIAN_RECEIPT, locale) == ["2022-12-02"]  # English-language tills in Canada: month first


def test_a_quebec_receipt_is_french_and_day_first():
    locale = read_locale(QUEBEC_RECEIPT)
    assert (locale.tag, locale.date_order, locale.decimal, locale.currency) == ("fr-CA", "dmy", ",", "CAD")
    assert dates(QUEBEC_RECEIPT, locale) == ["2022-02-12"]


def test_a_date_only_one_order_reads_outweighs_the_hint():
    rows = ["Date 8/31/2019 11:15 AM", "Total   GBP 9.30", "Paid 9/1/2019"]
    locale = read_locale(rows, LocaleHint("en-GB", "template"))
    assert (locale.country, locale.date_order) == ("GB", "mdy")
    assert dates(rows, locale) == ["2019-08-31", "2019-09-01"]
    assert "month first: 8/31/2019 is printed on the page, although the template locale en-GB reads day first" in (
        locale.reasons
    )


def test_a_two_digit_year_first_date_is_read_so_where_the_page_prints_that_date_in_full():
    rows = ["Sep. 24, 2018 8:11 AM", "TOTAL:   $17,24", "DATE/HEURE:     18/09/24 08:11:23"]
    locale = read_locale(rows)
    assert locale.date_order == "ymd"  # 18/09/24 read year last would be 18 September 2024, printed nowhere
    assert dates(rows, locale) == ["2018-09-24", "2018-09-24"]
    assert "two-digit year first: 18/09/24 (the date printed as Sep. 24, 2018) is printed on the page" in locale.reasons


def test_a_two_digit_year_date_that_agrees_read_day_first_proves_nothing_else():
    rows = ["24 Sep 2018", "Date 24/09/18 08:11", "Total   £5.00"]  # day first reads it as the same date
    locale = read_locale(rows)
    assert locale.date_order == "dmy"
    assert dates(rows, locale) == ["2018-09-24", "2018-09-24"]
    alone = read_locale(["Date 18/09/24 08:11", "Total   $5.00"])  # nothing printed in full: no year first
    assert alone.date_order != "ymd" and dates(["18/09/24"], alone) == ["2024-09-18"]


def test_a_day_first_date_outweighs_american_cues():
    rows = ["Chicago, IL 60601", "13/02/2022", "12/03/2022", "Total   $5.00"]
    locale = read_locale(rows, LocaleHint("en-US", "upload"))
    assert locale.date_order == "dmy"
    assert dates(rows, locale) == ["2022-02-13", "2022-03-12"]


def test_a_page_with_nothing_to_tell_falls_back_to_the_hint_then_to_day_first():
    rows = ["12/2/2022", "3.50"]
    hinted = read_locale(rows, LocaleHint("en-US", "project"))
    assert (hinted.tag, hinted.date_order, hinted.currency) == ("en-US", "mdy", "USD")
    assert "month first: from the project locale en-US" in hinted.reasons
    assert dates(rows, hinted) == ["2022-12-02"]
    bare = read_locale(rows)
    assert (bare.tag, bare.date_order, bare.decimal, bare.currency, bare.country) == ("und", "dmy", ".", None, None)
    assert "day first: nothing on the page or given says otherwise" in bare.reasons
    assert dates(rows, bare) == ["2022-02-12"]


def test_the_pages_language_outweighs_a_hint_of_another():
    locale = read_locale(GERMAN_RECEIPT, LocaleHint("en-US", "upload"))
    assert (locale.tag, locale.date_order) == ("de-DE", "dmy")


def test_the_hint_picks_among_countries_that_read_the_pages_language():
    rows = ["Datum 02.03.2022", "Summe   12,50", "MwSt   2,00", "Bar   20,00", "Rückgeld   7,50"]
    assert read_locale(rows, LocaleHint("de-AT", "template")).country == "AT"
    assert read_locale(rows).country == "DE"


def test_a_weak_foreign_cue_does_not_outweigh_the_pages_language_and_currency():
    """A French invoice in euros addressed to a customer in California is French."""
    rows = [
        "Facture N° F-2015-001",
        "Client : 4 Main Street, Fremont, CA 94538",
        "Date 06/01/2015",
        "Total HT   100,00 €",
        "TVA 20%   20,00 €",
        "Total TTC   120,00 €",
    ]
    locale = read_locale(rows)
    assert (locale.tag, locale.date_order, locale.currency) == ("fr-FR", "dmy", "EUR")
    assert dates(rows, locale) == ["2015-01-06"]
    assert any(reason.startswith("not US (a US state and ZIP code (CA 94538))") for reason in locale.reasons)


def test_a_croatian_receipt_from_before_the_euro_is_in_kuna():
    rows = ["OIB: 12345678901", "Račun broj: 123/POS1/1", "26.08.2021. 12:01", "UKUPNO   30.00", "PDV 25%   6.00"]
    locale = read_locale(rows)
    assert (locale.tag, locale.currency) == ("hr-HR", "HRK")
    assert any("before 2023" in reason for reason in locale.reasons)


@pytest.mark.parametrize(
    ("rows", "decimal"),
    [(["Total 12,50"], ","), (["Total 1,129.00"], "."), (["Total 1.129,00", "Cash 1.200,00"], ",")],
)
def test_the_decimal_mark_comes_from_amounts_only_one_mark_reads(rows, decimal):
    assert read_locale(rows).decimal == decimal


def test_signs_several_currencies_share_are_read_by_the_country():
    assert resolve_sign("$", "CA") == "CAD"
    assert resolve_sign("$", "HK") == "HKD"
    assert resolve_sign("$", "US") == "USD"
    assert resolve_sign("$", None) is None
    assert resolve_sign("kr", "SE") == "SEK"
    assert resolve_sign("kr", "DK") == "DKK"
    assert resolve_sign("¥", "JP") == "JPY"
    assert resolve_sign("€", None) == "EUR"
    assert resolve_sign("$", "DE") is None
    assert currency_of_country("HK") == "HKD"
    assert currency_of_country("XX") is None


# --- the vocabulary the locale is read with (services/common/languages.py, labels.py) ---

REQUIRED = "en de fr es it pt nl sv da nb fi pl cs sk hr sl hu ro lt lv et el tr ms".split()
KINDS = ("total", "subtotal", "tax", "cash", "change", "rounding", "discount", "not_amounts")


def test_every_language_has_its_receipt_vocabulary():
    assert set(REQUIRED) <= set(LANGUAGES)
    for language in LANGUAGES.values():
        for kind in (*KINDS, "date", "date_excluded", "invoice_number", "invoice_number_excluded", "header_noise"):
            assert getattr(language, kind), f"{language.code}.{kind}"
        assert sorted(set(language.months.values())) == list(range(1, 13)), language.code
        assert all(g.count("{name}") == 1 and not g.startswith("{name}") for g in language.greetings), language.code
        assert all(name == fold(name) for name in language.months), language.code


def test_greek_labels_are_in_greek_script():
    assert "ΦΠΑ" in LANGUAGES["el"].tax and "Σύνολο" in LANGUAGES["el"].total


def test_no_label_is_of_two_kinds_across_languages():
    """A word that is the total in one language and the subtotal in another would make every total doubtful."""
    kind_of: dict[str, str] = {}
    for language in LANGUAGES.values():
        for kind in (*KINDS, "total"):
            for label in getattr(language, kind):
                assert kind_of.setdefault(fold(label), kind) == kind, (language.code, label)


def test_the_built_in_templates_keep_every_label_they_had():
    for label in ("Total", "Grand Total", "Nett Total", "Total TTC", "Net à payer", "Summe", "Zu zahlen", "Jumlah"):
        assert label in labels.TOTAL_LABELS
    for label in ("Subtotal", "Total HT", "Zwischensumme", "Base imponible", "Jumlah Kecil", "GST", "MwSt", "Bar"):
        assert label in labels.TOTAL_EXCLUDED
    assert {"Due date", "Fälligkeitsdatum", "Vencimiento"} <= set(labels.DATE_EXCLUDED)
    assert {"Invoice No", "Facture N°", "Rechnungsnummer", "No Invois"} <= set(labels.INVOICE_NUMBER_LABELS)
    assert {"Order No", "Kundennummer", "Page"} <= set(labels.INVOICE_NUMBER_EXCLUDED)
    assert labels.TOTAL_LABELS[0] == "Total" and "Razem" in labels.TOTAL_LABELS and "Kokku" in labels.TOTAL_LABELS
    for built in (labels.TOTAL_LABELS, labels.TOTAL_EXCLUDED, labels.DATE_EXCLUDED, labels.INVOICE_NUMBER_LABELS):
        assert len({fold(label) for label in built}) == len(built)  # each once


def test_month_names_of_every_language():
    table = months()
    assert (table["okt"], table["mrt"], table["mei"], table["maj"], table["sty"], table["ιαν"]) == (10, 3, 5, 5, 1, 1)
    assert "listopad" not in table  # November in Polish and Czech, October in Croatian: only by language
    assert months("hr")["listopad"] == 10 and months("pl")["listopad"] == 11


def test_legal_forms_are_listed_as_printed():
    assert {"GmbH", "Ltd", "LLC", "S.A.", "B.V.", "Sp. z o.o.", "d.o.o.", "s.r.o.", "Kft", "SDN BHD", "OÜ"} <= set(
        LEGAL_FORMS
    )
    assert len(LEGAL_FORMS) == len(set(LEGAL_FORMS))
