"""Value parsers on the forms real receipts and invoices print: dates, amounts and reference codes."""

from __future__ import annotations

import pytest

from services.worker.normalise import find_amounts, find_dates, find_identifiers, normalise, parse_date, parse_number


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


# --- locale-aware reading: the forms real receipts print, in both orders and every decimal mark ---


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("02DEC22", "2022-12-02"),
        ("Aug28'23", "2023-08-28"),
        ("20OKT'18", "2018-10-20"),
        ("200KT 18 15:13", "2018-10-20"),  # OCR read the O of OKT as 0 and lost the apostrophe
        ("18 SEP'19", "2019-09-18"),
        ("7 Oct'19 11:36", "2019-10-07"),
        ("7 0ct'19 11:36", "2019-10-07"),
        ("14 MAY'19", "2019-05-14"),
        ("09-Nov-19", "2019-11-09"),
        ("2- 8-2020", "2020-08-02"),
        ("26.08.2021.", "2021-08-26"),
        ("Datum:29.07.2018/15:31", "2018-07-29"),  # a time after a slash
        ("Sep. 24, 2018 8:11 AM", "2018-09-24"),
        ("JEU 27 SEPTEMBRE 2018", "2018-09-27"),
        ("Dec 2, 2022", "2022-12-02"),
        ("2.12.22", "2022-12-02"),
        ("3 marca 2020", "2020-03-03"),  # Polish
        ("15. ožujka 2021.", "2021-03-15"),  # Croatian
        ("2020. március 15.", "2020-03-15"),  # Hungarian: year, month, day
        ("2019 m. kovo 19 d.", "2019-03-19"),  # Lithuanian
        ("15 ΜΑΪΟΥ 2019", "2019-05-15"),  # Greek
        ("20 Mayıs 2019", "2019-05-20"),  # Turkish
        ("5. joulukuuta 2019", "2019-12-05"),  # Finnish
        ("2018年10月19日", "2018-10-19"),
    ],
)
def test_dates_in_every_common_form_and_language(printed, iso):
    assert parse_date(printed) == iso


@pytest.mark.parametrize(
    ("printed", "dmy", "mdy"),
    [
        ("12/2/2022", "2022-02-12", "2022-12-02"),
        ("2.12.22", "2022-12-02", "2022-02-12"),
        ("03-04-2021", "2021-04-03", "2021-03-04"),
        ("13/02/2022", "2022-02-13", "2022-02-13"),  # only one order reads it: the locale changes nothing
        ("02/13/2022", "2022-02-13", "2022-02-13"),
        ("2022-12-02", "2022-12-02", "2022-12-02"),
        ("Dec 2, 2022", "2022-12-02", "2022-12-02"),
    ],
)
def test_an_ambiguous_numeric_date_is_read_in_the_order_given(printed, dmy, mdy):
    assert parse_date(printed, order="dmy") == dmy
    assert parse_date(printed, order="mdy") == mdy
    assert parse_date(printed) == dmy  # without a locale: day first unless impossible


@pytest.mark.parametrize(
    ("printed", "proves", "ambiguous"),
    [
        ("13/02/2022", "dmy", False),
        ("8/31/2019", "mdy", False),
        ("12/2/2022", None, True),
        ("02/02/2022", None, False),  # either order reads the same day
        ("2022-12-02", None, False),
        ("18 SEP'19", None, False),
    ],
)
def test_a_date_says_which_order_it_proves(printed, proves, ambiguous):
    (found,) = find_dates(printed)
    assert (found.proves, found.ambiguous) == (proves, ambiguous)


def test_a_month_name_two_languages_read_differently_is_read_in_the_documents_language():
    assert parse_date("15. listopada 2020") is None  # November in Polish, October in Croatian
    assert find_dates("15. listopada 2020", language="pl")[0].value == "2020-11-15"
    assert find_dates("15. listopada 2020.", language="hr")[0].value == "2020-10-15"


@pytest.mark.parametrize(
    "text",
    ["05.22.95.66.66", "1 SET 12.00", "Org.Nr 556719-2157", "Tel. 0131 339 9902", "Qty 3 for 12"],
)
def test_phone_numbers_ids_and_quantities_are_not_dates(text):
    assert find_dates(text) == []
    assert find_dates(text, order="mdy") == []


def test_an_impossible_date_is_no_date_in_either_order():
    assert parse_date("31/02/2018", order="mdy") is None
    assert parse_date("31/02/2018", order="dmy") is None


@pytest.mark.parametrize(
    ("printed", "value", "currency", "proves"),
    [
        ("1.129,00", 1129.0, None, ","),
        ("1 129,00", 1129.0, None, ","),
        ("1\u202f129,00", 1129.0, None, ","),  # a narrow no-break space groups thousands
        ("1,129.00", 1129.0, None, "."),
        ("€1,95", 1.95, "EUR", ","),
        ("24,23 EUR", 24.23, "EUR", ","),
        ("EUR 24,23", 24.23, "EUR", ","),
        ("1.129,00 €", 1129.0, "EUR", ","),
        ("-5,00", -5.0, None, ","),
        ("5,00-", -5.0, None, ","),
        ("€ -5,00", -5.0, "EUR", ","),
        ("-$5.00", -5.0, "$", "."),
        ("102.00SEK", 102.0, "SEK", "."),
        ("CHF 5.-", 5.0, "CHF", "."),  # a whole amount, as Swiss prices print it
        ("26,45 zł", 26.45, "PLN", ","),
        ("1 129,00 Kč", 1129.0, "CZK", ","),
        ("RM 9.00", 9.0, "MYR", "."),
        ("HK$47.0", 47.0, "HKD", "."),
        ("US$ 12.00", 12.0, "USD", "."),
        ("£3.20", 3.2, "GBP", "."),
        ("125,00 kr.", 125.0, "kr", ","),  # a sign several currencies share: the country says which
        ("Kr 125,00", 125.0, "kr", ","),
        ("$8.20", 8.2, "$", "."),
        ("¥1,280", 1280.0, "¥", None),
        ("56.00 DH", 56.0, "DH", "."),
    ],
)
def test_amounts_carry_their_currency_and_the_decimal_mark_they_prove(printed, value, currency, proves):
    (found,) = find_amounts(printed)
    assert (found.value, found.currency, found.proves) == (pytest.approx(value), currency, proves)
    assert found.clean


@pytest.mark.parametrize(
    ("printed", "comma", "point"),
    [("1,129", 1.129, 1129.0), ("1.129", 1129.0, 1.129), ("12,50", 12.5, 12.5), ("1.129,00", 1129.0, 1129.0)],
)
def test_only_a_lone_separator_before_three_digits_depends_on_the_decimal_mark(printed, comma, point):
    (found,) = find_amounts(printed)
    assert found.ambiguous == (printed in ("1,129", "1.129"))
    assert find_amounts(printed, decimal=",")[0].value == pytest.approx(comma)
    assert find_amounts(printed, decimal=".")[0].value == pytest.approx(point)
    assert parse_number(printed, decimal=",") == pytest.approx(comma)


def test_without_a_decimal_mark_a_comma_groups_thousands_and_a_point_is_decimal():
    assert [f.value for f in find_amounts("1,129   1.129")] == [1129.0, pytest.approx(1.129)]
    assert find_amounts("0,125")[0].value == pytest.approx(0.125)  # no thousands start with 0


def test_two_spaces_are_two_cells_not_a_thousands_separator():
    assert [f.value for f in find_amounts("1  129,00")] == [1.0, 129.0]


def test_normalise_reads_by_the_locale_it_is_given():
    assert normalise("date", "12/2/2022", order="mdy") == "2022-12-02"
    assert normalise("date", "12/2/2022") == "2022-02-12"
    assert normalise("money", "1.129", decimal=",") == 1129.0
    assert normalise("money", "1.129") == pytest.approx(1.129)
    assert normalise("number", "1,5") == 1.5


@pytest.mark.parametrize(
    ("row", "iso"),
    [
        ("01:34PM   568017   05 02-18", "2018-02-05"),  # OCR read one dash as a space
        ("05:23PM   568268   05-05~18", "2018-05-05"),  # …and one as a tilde
        ("27032018   No :CS-20243", "2018-03-27"),  # printed without separators, day first
        ("00:2018 10.19 13:35:34", "2018-10-19"),  # year first before a time, a slash read as a space
    ],
)
def test_a_date_whose_separators_ocr_damaged_is_read_alone_in_its_cell_or_before_a_time(row, iso):
    [found] = find_dates(row)
    assert (found.value, found.clean, found.proves) == (iso, False, None)


@pytest.mark.parametrize(
    "row", ["05 X RM 12.50", "Qty 05 02-18 pcs", "Ref 27032018", "2018 10.19", "12018 10 19 10:00"]
)
def test_damaged_date_forms_are_not_read_inside_other_text(row):
    assert find_dates(row) == []
