"""Template validation (errors name the field), value normalisation, and the extraction rules."""

from __future__ import annotations

import pytest
from google.protobuf.json_format import ParseDict

from ocrbatch.v1 import common_pb2, templates_pb2
from services.common.templates import BUILTIN_TEMPLATES, TemplateError, validate
from services.worker.extraction import extract
from services.worker.extraction.labels import best_label as find_label
from services.worker.normalise import normalise, parse_date, parse_number


def template(fields: list[dict], **extra) -> templates_pb2.Template:
    return ParseDict({"name": "t", "fields": fields, **extra}, templates_pb2.Template())


def page(*rows: tuple[str, float, float], number: int = 1) -> common_pb2.Page:
    """Lines at (text, x, y), 20 px high, 10 px per character."""
    lines = []
    for text, x, y in rows:
        w = 10 * len(text)
        box = [common_pb2.Point(x=px, y=py) for px, py in ((x, y), (x + w, y), (x + w, y + 20), (x, y + 20))]
        lines.append(common_pb2.Line(text=text, confidence=0.9, box=box))
    return common_pb2.Page(number=number, width=1000, height=1000, source="ocr", lines=lines)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([], "fields: at least one field"),
        ([{"name": "a b", "rule": {"label": {"labels": ["A"]}}}], "fields[0].name"),
        ([{"name": "a", "rule": {}}], "fields[0] (a).rule: one of regex, label or table"),
        ([{"name": "a", "type": "colour", "rule": {"label": {"labels": ["A"]}}}], "fields[0] (a): type must be"),
        ([{"name": "total", "rule": {"regex": {"pattern": "Total (\\d+"}}}], "fields[0] (total).rule.regex.pattern"),
        ([{"name": "total", "rule": {"regex": {"pattern": "Total \\d+"}}}], "needs a capture group"),
        ([{"name": "a", "rule": {"label": {"labels": [" "]}}}], "fields[0] (a).rule.label.labels"),
        (
            [{"name": "a", "rule": {"label": {"labels": ["A"]}}}, {"name": "a", "rule": {"label": {"labels": ["B"]}}}],
            "fields[1].name: 'a' is used twice",
        ),
        ([{"name": "items", "rule": {"table": {"columns": [{"name": "d"}]}}}], "columns[0].headers"),
    ],
)
def test_invalid_templates_are_refused_naming_the_field(fields, message):
    with pytest.raises(TemplateError, match=message.replace("(", "\\(").replace(")", "\\)").replace("[", "\\[")):
        validate(template(fields))


@pytest.mark.parametrize("name", list(BUILTIN_TEMPLATES))
def test_builtin_templates_are_valid_as_served(name):
    """Validating a copy changes nothing: the built-ins are served already checked and normalised."""
    served = BUILTIN_TEMPLATES[name]
    checked = templates_pb2.Template()
    checked.CopyFrom(served)
    assert validate(checked) == served
    assert served.builtin and served.id == name and (served.fields or served.key_values)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("money", "1,250.00", 1250.0),
        ("money", "1.250,00 €", 1250.0),
        ("money", "EUR 1 250,50", 1250.5),
        ("money", "1,25O.00", 1250.0),
        ("number", "3", 3),
        ("number", "2.5", 2.5),
        ("date", "31/03/2026", "2026-03-31"),
        ("date", "31.03.2026", "2026-03-31"),
        ("date", "March 31, 2026", "2026-03-31"),
        ("date", "31 mars 2026", "2026-03-31"),
        ("date", "31. März 2026", "2026-03-31"),
        ("date", "12 de marzo de 2026", "2026-03-12"),
        ("date", "31/02/2026", None),
        ("string", "  Acme  ", "Acme"),
        ("money", "n/a", None),
    ],
)
def test_values_are_normalised_by_type(kind, raw, value):
    assert normalise(kind, raw) == value


def test_number_edge_cases():
    assert parse_number("-4,20") == -4.2
    assert parse_number("no digits") is None
    assert parse_date("2026-13-13") is None  # no month 13 either way ("2026-13-01" reads year-day-month)


def test_labels_match_despite_ocr_noise_and_case():
    assert find_label("lnvoice N0: INV-1", ["Invoice No"]) is not None
    assert find_label("INVOICE NUMBER INV-1", ["Invoice Number"]) is not None
    assert find_label("Subtotal: 5.00", ["Total"]) is None


def test_label_value_right_or_below_and_split_boxes_join_into_rows():
    pages = [
        page(
            ("Invoice No:", 50, 100),
            ("INV-77", 400, 102),  # the value in a separate box on the same row
            ("Vendor", 50, 150),
            ("Müller GmbH", 50, 180),  # the value below its label
            ("Total", 50, 300),
            ("1.234,50 EUR", 400, 301),
        )
    ]
    rules = [
        {"name": "invoiceNumber", "rule": {"label": {"labels": ["Invoice No"]}}},
        {"name": "vendor", "rule": {"label": {"labels": ["Vendor"]}}},
        {"name": "totalAmount", "type": "money", "rule": {"label": {"labels": ["Total"]}}},
        {"name": "ref", "rule": {"regex": {"pattern": "INV-(\\d+)"}}},
    ]
    result = extract(validate(template(rules)), pages, "")
    assert result.values == {"invoiceNumber": "INV-77", "vendor": "Müller GmbH", "totalAmount": 1234.5, "ref": "77"}
    detail = result.details["invoiceNumber"]
    assert detail["page"] == 1 and 0 < detail["confidence"] < 1  # OCR was 90 % sure of the line
    assert detail["box"][0] == [400.0, 102.0] and detail["box"][2][0] >= 460.0  # the value's own box
    assert detail["candidate"]["how"] == "right" and detail["candidate"]["label"] == "Invoice No"
    assert result.details["vendor"]["candidate"]["how"] == "below"


def test_a_string_field_takes_words_or_codes_never_an_amount_beside_its_label():
    """Real receipts print "Payment   6.00" (the sum handed over) over "Change Due   0.00": neither the amount
    nor the next row's label is a payment method."""
    receipt = BUILTIN_TEMPLATES["receipt"]
    tendered = page(("Total", 50, 100), ("6.00", 400, 100), ("Payment", 50, 130), ("6.00", 400, 130),
                    ("Change Due", 50, 160), ("0.00", 400, 160))  # fmt: skip
    assert extract(receipt, [tendered], "").values["paymentMethod"] is None
    with_colons = page(("Payment :", 50, 130), ("50.00", 400, 130), ("Change Due :", 50, 160), ("34.10", 400, 160))
    assert extract(receipt, [with_colons], "").values["paymentMethod"] is None
    paid_by = page(("Payment:", 50, 130), ("Credit card", 400, 130))
    assert extract(receipt, [paid_by], "").values["paymentMethod"] == "Credit card"
    method_below = page(("Payment", 50, 130), ("VISA", 50, 160))
    assert extract(receipt, [method_below], "").values["paymentMethod"] == "VISA"
    codes = template([{"name": "ref", "rule": {"label": {"labels": ["Ref"]}}}])
    assert extract(validate(codes), [page(("Ref:", 50, 100), ("12345", 200, 100))], "").values == {"ref": "12345"}


def test_table_rows_under_split_header_until_a_stop_label():
    pages = [
        page(
            ("Description", 50, 100),
            ("Qty", 500, 101),
            ("Unit price", 650, 100),
            ("Consulting services 1 1,000.00", 50, 140),
            ("Travel 2 125.00", 50, 170),
            ("Total 1,250.00", 50, 220),
        )
    ]
    result = extract(BUILTIN_TEMPLATES["invoice"], pages, "")
    assert result.values["lineItems"] == [
        {"description": "Consulting services", "quantity": 1, "unitPrice": 1000.0},
        {"description": "Travel", "quantity": 2, "unitPrice": 125.0},
    ]
    assert result.values["totalAmount"] == 1250.0
    assert result.values["invoiceNumber"] is None  # missing fields stay, as null


def test_generic_template_returns_key_value_pairs_and_text():
    pages = [page(("Order: A-17", 50, 100), ("Ship to: Lyon", 50, 130), ("no pair here", 50, 160))]
    result = extract(BUILTIN_TEMPLATES["generic"], pages, "Order: A-17\nShip to: Lyon")
    assert result.values["keyValues"] == {"Order": "A-17", "Ship to": "Lyon"}
    assert result.values["text"].startswith("Order")
