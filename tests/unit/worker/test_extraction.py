"""Extraction as a user sees it on small pages: values read by the page's locale (else the one given), names
without their legal form beside the legal name, header noise never taken for the issuer, the currency, the
reasons in words — and the scorers read from their fitted file with no learning library."""

from __future__ import annotations

import os
import subprocess
import sys

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES, FIELD_TYPES
from services.worker.extraction import LocaleHint, extract
from services.worker.extraction.features import FEATURES
from services.worker.extraction.fieldtypes import FIELD_TYPES as REGISTERED
from services.worker.extraction.scoring import model

RECEIPT = BUILTIN_TEMPLATES["receipt"]


def page(*lines: str) -> list[common_pb2.Page]:
    """A page of lines as a text layer gives them (no boxes): rows in order."""
    return [common_pb2.Page(number=1, lines=[common_pb2.Line(text=t, confidence=1.0) for t in lines])]


def read(*lines: str, hint: LocaleHint | None = None) -> tuple[dict, dict]:
    result = extract(RECEIPT, page(*lines), "\n".join(lines), hint)
    return result.values, result.details


def test_a_us_receipt_is_read_month_first_in_dollars_and_says_why():
    values, details = read("JOE'S DINER", "Chicago, IL 60601", "12/2/2022 7:41 PM", "Sales Tax 0.97", "TOTAL $10.47")
    assert (values["date"], values["total"], values["currency"]) == ("2022-12-02", 10.47, "USD")
    locale = details["date"]["locale"]
    assert (locale["tag"], locale["dateOrder"]) == ("en-US", "mdy")
    assert any("IL 60601" in why for why in locale["why"])


def test_a_german_receipt_reads_decimal_commas_day_first_in_euros():
    values, details = read(
        "Baeckerei Sonnenschein",
        "Hauptstr. 5, 04109 Leipzig",
        "02.03.2022 09:12",
        "1 Brezel 1,10",
        "MwSt 19% 0,18",
        "SUMME EUR 1.129,00",
    )
    assert (values["date"], values["total"], values["currency"]) == ("2022-03-02", 1129.0, "EUR")
    assert details["total"]["locale"]["decimal"] == ","


def test_the_given_locale_decides_only_where_the_page_does_not_tell():
    untold = ("CORNER CAFE", "12/2/2022", "1 Coffee 2.50", "TOTAL 2.50")
    assert read(*untold)[0]["date"] == "2022-02-12"  # nothing tells: day first
    values, details = read(*untold, hint=LocaleHint("en-US", "upload"))
    assert values["date"] == "2022-12-02"
    assert any("upload locale en-US" in why for why in details["date"]["locale"]["why"])
    # a date only one way round can be read, printed on the page, outweighs the given locale
    values, details = read(
        "CORNER CAFE",
        "Date 12/2/2022",
        "TOTAL 2.50",
        "Offer valid until 25/12/2022",
        hint=LocaleHint("en-US", "upload"),
    )
    assert values["date"] == "2022-02-12"
    assert details["date"]["locale"]["dateOrder"] == "dmy"


def test_the_merchant_is_the_name_without_its_legal_form_and_the_legal_name_is_kept():
    values, _ = read("Nordvik AS", "Sadama 4, 10111 Tallinn", "17.05.2019 18:08", "Kokku EUR 6.00")
    assert values["merchant"] == "Nordvik"
    assert values["issuerLegalName"] == "Nordvik AS"


def test_header_noise_is_never_the_merchant():
    values, _ = read(
        "TABLE # 121",
        "YOUR GUEST NUMBER IS",
        "**GUEST SATISFACTION SURVEY**",
        "BLUE HERON GRILL",
        "12/02/2022",
        "TOTAL $18.20",
    )
    assert values["merchant"] == "BLUE HERON GRILL"


def test_a_pads_printed_title_is_no_part_of_the_name_even_with_a_trade_word():
    # a receipt pad's title under the shop's stamp; it was once joined to the name as its second line
    values, _ = read("Lotus Garden", "Restaurant Order Chit", "12/02/2022", "TOTAL 18.20")
    assert values["merchant"] == "Lotus Garden"


def test_a_name_is_filed_without_the_branch_word_after_it():
    values, details = read("Harbour Coffee Store", "12 Quay Street", "12/02/2022", "TOTAL 18.20")
    assert values["merchant"] == "Harbour Coffee"
    assert details["merchant"]["candidate"]["text"] == "Harbour Coffee Store"


def test_a_line_that_opens_with_a_connector_goes_on_with_the_name_above():
    values, _ = read("HOME MASTER HARDWARE", "& ELECTRICAL", "12 Jalan Besar", "12/02/2022", "TOTAL 18.20")
    assert values["merchant"] == "HOME MASTER HARDWARE & ELECTRICAL"


def test_a_line_that_opens_with_a_preposition_goes_on_with_the_name_above():
    values, _ = read("Goldener Hirsch", "am Dom", "Domplatz 3, 04109 Leipzig", "12.02.2022", "Summe 18,20")
    assert values["merchant"] == "Goldener Hirsch am Dom"


def test_a_name_beside_the_fields_own_label_is_taken_without_its_legal_form():
    values, details = read("Store: Acme Corp", "Date: 03/04/2021", "Total: 9.90")
    assert values["merchant"] == "Acme"
    assert details["merchant"]["candidate"]["how"] == "right"


def test_reasons_are_words_rendered_from_feature_names_with_their_weight():
    _, details = read("CORNER CAFE", "12/2/2022", "Subtotal 2.29", "Tax 0.21", "TOTAL 2.50")
    why = details["total"]["candidate"]["why"]
    assert why and all(reason[0] in "+-" and reason.split(" ", 1)[1] for reason in why)
    words = set(FEATURES.values())
    assert all(reason.split(" ", 1)[1] in words or "the label" in reason for reason in why)


def test_every_template_type_has_a_field_type_and_every_fitted_feature_has_words():
    assert set(REGISTERED) == set(FIELD_TYPES)
    fitted = {name for scorer in model().scorers.values() for name in scorer.features}
    assert fitted <= set(FEATURES), fitted - set(FEATURES)


def test_the_workers_score_without_scikit_learn():
    code = (
        "import sys; from ocrbatch.v1 import common_pb2; from services.common.templates import BUILTIN_TEMPLATES; "
        "from services.worker.extraction import extract; "
        "p = [common_pb2.Page(number=1, lines=[common_pb2.Line(text='TOTAL 2.50', confidence=1.0)])]; "
        "assert extract(BUILTIN_TEMPLATES['receipt'], p, '').values['total'] == 2.5; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')], 'a learning library'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_word_two_labels_match_equally_gives_the_same_label_in_every_worker_process():
    """Workers are separate processes, each with its own string-hash seed; a label two languages' words fit
    alike ("FACTURE": Dutch "Factuur", Spanish "Factura") is reported the same in all of them."""
    code = (
        "from services.worker.extraction.labels import find_labels;"
        "print([m.label for m in find_labels('FACTURE N° 12', ('Factuur', 'Factura'))])"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2", "3", "4", "5", "6")
    }
    assert seen == {"['Factura']"}


def test_a_label_ocr_joined_to_the_next_column_header_still_labels_its_own_column():
    """A header row of columns ("Date | Facture # | Date d'échéance") over their values: "Date" and "Facture #"
    read together fit "Date facture", which the invoice number's own label "Facture #" blocks; the invoice
    date is still the value under "Date", not the due date."""
    header = "Date   Facture #   Date d'échéance   BC#"
    values = "05/05/2015   FA05/2015/065555   04/07/2015   BC06930"
    result = extract(BUILTIN_TEMPLATES["invoice"], page("Facture", "Lumber Inc", header, values), "")
    detail = result.details["invoiceDate"]
    assert (result.values["invoiceDate"], detail["candidate"]["how"], detail["candidate"]["label"]) == (
        "2015-05-05",
        "below",
        "Date",
    )
