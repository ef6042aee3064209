"""Value parsers on the forms real receipts and invoices print: dates, amounts and reference codes."""

from __future__ import annotations

import pytest

from services.worker.normalise import find_amounts, find_dates, find_identifiers, parse_date


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("25/12/2018 8:13:39 PM", "2018-12-25"),
        ("29-12-17", "2017-12-29"),
        ("9/3/2018", "2018-03-09"),
        ("2018-03-23", "2018-03-23"),
        ("[Sales]2018-01-0522:55:25", "2018-01-05"),  # OCR glued the time to the day
        ("001-2016-07-31 13:48:51", "2016-07-31"),  # after a register number
        ("20180323", "2018-03-23"),
        ("12 MAR 2018", "2018-03-12"),
        ("25/FEB/2017", "2017-02-25"),
        ("25-Feb-17", "2017-02-25"),
        ("March 31, 2026", "2026-03-31"),
        ("mar 03,2015", "2015-03-03"),
        ("31 mars 2026", "2026-03-31"),
        ("31. März 2026", "2026-03-31"),
        ("3 de marzo de 2026", "2026-03-03"),
        ("3 Julai 2018", "2018-07-03"),
        ("01/25/2015", "2015-01-25"),  # day first unless that cannot be a date
        ("2015-30-01", "2015-01-30"),  # year, day, month when the month cannot be one
        ("Date:9/3/201820:54:50", "2018-03-09"),  # OCR glued the time to the year
        ("09 Apr 201818:26", "2018-04-09"),  # …after a month name
        ("19Apr2018 18:22", "2018-04-19"),  # OCR dropped the spaces around the month
        ("ORD#07-REG#19-10/03/2018 17:24:07", "2018-03-10"),  # a dash glued before a date written with /
    ],
)
def test_dates_are_read_as_printed(printed, iso):
    assert parse_date(printed) == iso


@pytest.mark.parametrize(
    "text", ["Tel 07-355 2616", "31/02/2018", "Qty 12", "GST ID: 000750673920", "1300-13-1300", "INV12MAR", "Mar2018"]
)
def test_things_that_are_not_dates_give_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("printed", "value", "clean"),
    [
        ("RM 9.00", 9.0, True),
        ("RM8.60", 8.6, True),
        ("$8.20", 8.2, True),
        ("€ 24 816,00", 24816.0, True),
        ("12 160,00 €", 12160.0, True),
        ("1,007.50", 1007.5, True),
        ("1.250,00", 1250.0, True),
        ("£3.5", 3.5, True),
        ("-0.02", -0.02, True),
        ("(2.50)", -2.5, True),
        ("1.70-", -1.7, True),
        ("RM   -.02", -0.02, True),  # a cash register's rounding line, no leading zero
        ("RM .00", 0.0, True),
        ("3100", 3100.0, False),  # OCR lost the decimal point: an amount, but not cleanly written
    ],
)
def test_amounts_are_read_with_their_currency_and_grouping(printed, value, clean):
    found = find_amounts(printed)
    assert [(f.value, f.clean) for f in found] == [(pytest.approx(value), clean)]


def test_cells_of_a_row_are_separate_amounts_and_percentages_are_not_amounts():
    assert [f.value for f in find_amounts("2   15.50   31.00")] == [2.0, 15.5, 31.0]
    assert [f.value for f in find_amounts("GST 6%   1.70")] == [1.7]
    assert [f.value for f in find_amounts("Tel 07-355 2616")] == [2616.0]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("# - FA01/2015/032414", ["FA01/2015/032414"]),
        ("INV/01/2015/074320", ["INV/01/2015/074320"]),
        ("Document No : TD01167104", ["TD01167104"]),
        ("2015-02-02 2015-02-02 BC06263", ["BC06263"]),  # dates are not codes
        ("the time of check-out.", []),
        ("an", []),
        ("Total 12.50", []),  # an amount is not a code
    ],
)
def test_reference_codes_have_digits_and_are_not_dates_or_amounts(text, codes):
    assert [f.value for f in find_identifiers(text)] == codes


def test_every_date_in_a_row_is_found_left_to_right():
    assert [f.value for f in find_dates("18/01/2015   FA01/2015/056091   18/04/2015")] == ["2015-01-18", "2015-04-18"]
