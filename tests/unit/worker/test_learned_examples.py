"""What corrections taught, as the extraction applies it to the next document: which examples apply (the same
issuer; the same layout for where a value is printed), the features they give, and their limits."""

from __future__ import annotations

from google.protobuf.struct_pb2 import Value

from ocrbatch.v1 import jobs_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.documents import Limits
from services.worker.extraction import read_context
from services.worker.extraction.fields import field_candidates
from services.worker.extraction.fingerprint import issuer_keys
from services.worker.extraction.learned import applicable, read_in_order, replayed, written_order
from services.worker.pipeline import read_document
from tests.support.documents import text_pdf_bytes

HEADER = ["No. 12, Jalan Mawar 3", "43000 Kajang, Selangor", "GST ID: 001234567890", "TEL: 03-8736 1234"]
RECEIPT = BUILTIN_TEMPLATES["receipt"]


def read(lines: list[str], examples: list[jobs_pb2.Example] | None = None):  # noqa: ANN201
    return read_document(text_pdf_bytes([lines]), None, Limits(), RECEIPT, examples=examples)  # type: ignore[arg-type]


def example(field: str, value: object, keys: list[str], **where: object) -> jobs_pb2.Example:
    v = Value()
    if isinstance(value, str):
        v.string_value = value
    else:
        v.number_value = float(value)  # type: ignore[arg-type]
    return jobs_pb2.Example(field=field, value=v, issuer_keys=keys, **where)


def test_the_fingerprint_keeps_the_issuers_ids_phone_and_header():
    keys = read([*HEADER, "TOTAL 9.90"]).issuer_keys
    assert {"id:001234567890", "tel:87361234", "head:43000 KAJANG SELANGOR"} <= set(keys)


def test_an_issuers_name_the_page_does_not_print_is_learned_for_that_issuer_only():
    keys = read([*HEADER, "TOTAL 9.90"]).issuer_keys
    taught = [example("merchant", "Kedai Mawar", keys, printed=False)]
    same = read([*HEADER, "Teh 5.10", "TOTAL 5.10"], taught)
    assert same.values["merchant"] == "Kedai Mawar" and same.details["merchant"]["box"] is None
    assert same.details["merchant"]["candidate"]["how"] == "learned"
    other = read(
        ["No. 7, Jalan Cempaka", "43650 Bangi", "GST ID: 009876543210", "TEL: 03-8925 5555", "TOTAL 5.10"], taught
    )
    assert other.values["merchant"] != "Kedai Mawar"


def test_an_issuers_name_follows_the_issuer_not_a_layout_it_shares():
    layout = ["lay:DESCRIPTION", "lay:QUANTITY", "lay:UNIT PRICE", "lay:AMOUNT"]
    taught = [
        example("merchant", "Alpha", ["head:ALPHA", *layout], printed=True, label="", how="heading"),
        example("total", 1.0, ["head:ALPHA", *layout], printed=True, label="Total", how="right"),
    ]
    found = applicable(taught, ["head:BETA", *layout], frozenset({"merchant"}))
    assert set(found) == {"total"}  # where a total is printed follows the layout; a name, the issuer


def test_an_example_never_lifts_a_value_printed_under_another_label():
    first = read([*HEADER, "Teh 5.10", "TOTAL 5.10", "NETT TOTAL 5.10"])
    where = first.details["total"]
    box = where["box"]
    x = (box[0][0] + box[1][0]) / 2 / first.pages[0].width
    y = (box[0][1] + box[2][1]) / 2 / first.pages[0].height
    taught = [
        example(
            "total", 5.10, first.issuer_keys, printed=True, label="Nett Total", how="right", x=x, y=y, format="9.99"
        )
    ]

    # the next receipt prints no "Nett Total": an amount in the same place and shape, under no label, gains nothing
    second = read([*HEADER, "Teh 5.10", "TOTAL 20.40", "3.00"], taught)
    context = read_context(second.pages)
    total = next(f for f in RECEIPT.fields if f.name == "total")
    others = [
        label
        for f in RECEIPT.fields
        if f.name != "total" and f.rule.WhichOneof("kind") == "label"
        for label in f.rule.label.labels
    ]
    found = applicable(taught, issuer_keys(context))
    candidates = field_candidates(total, others, context, None, found.get("total"))
    assert candidates and all(
        c.features.get("example_place", 0.0) == 0.0 for c in candidates if c.label != "Nett Total"
    )
    assert second.values["total"] == 20.40


def _total_place(document) -> tuple[float, float]:  # noqa: ANN001
    box = document.details["total"]["box"]
    return (box[0][0] + box[1][0]) / 2 / document.pages[0].width, (box[0][1] + box[2][1]) / 2 / document.pages[0].height


def test_a_choice_a_person_overrode_is_overridden_again_but_only_that_choice():
    # no change line: the amount paid reads as the total, on every receipt of this till
    first = read([*HEADER, "Teh 5.10", "Roti 20.80", "TOTAL 25.90", "CASH 50.00"])
    assert first.values["total"] == 50.0
    rx, ry = _total_place(first)
    right = next(a for a in first.details["total"]["alternatives"] if a["value"] == 25.9)
    x = (right["box"][0][0] + right["box"][1][0]) / 2 / first.pages[0].width
    y = (right["box"][0][1] + right["box"][2][1]) / 2 / first.pages[0].height
    taught = [
        example(
            "total",
            25.9,
            first.issuer_keys,
            printed=True,
            label=right["label"],
            how=right["how"],
            x=x,
            y=y,
            format="99.99",
            rejected=True,
            rejected_label="",
            rejected_how="unlabelled",
            rejected_x=rx,
            rejected_y=ry,
            rejected_format="99.99",
        )
    ]
    second = read([*HEADER, "Teh 5.10", "Roti 15.30", "TOTAL 20.40", "CASH 30.00"], taught)
    assert second.values["total"] == 20.40
    # what the person taught is the first reason: the choice overridden, or the weights it taught
    assert "a person" in second.details["total"]["candidate"]["why"][0]

    # however the scores rank them, a winner printed as the rejected value was gives way to the taught one
    context = read_context(first.pages)
    total = next(f for f in RECEIPT.fields if f.name == "total")
    found = applicable(taught, issuer_keys(context))["total"]
    candidates = field_candidates(total, [], context, None, found)
    as_before = sorted(candidates, key=lambda c: (c.value != 50.0, c.how != "unlabelled"))  # the cash paid first
    assert as_before[0].value == 50.0
    replay = replayed(as_before, found)
    assert replay is not None and replay.value == 25.9 and replay.label == "Total"

    # a winner that is not printed as the rejected value was (here: under a label of its own) keeps its place
    labelled = read([*HEADER, "Teh 5.10", "Roti 15.30", "TOTAL 20.40", "AMOUNT DUE 20.40", "CASH 30.00"], taught)
    assert not labelled.details["total"]["candidate"]["why"][0].startswith("a person chose")


def test_an_issuers_way_of_writing_dates_is_learned_from_one_corrected_date():
    assert written_order("2015-30-01", "2015-01-30") == "ydm"
    assert written_order("03/12/19", "2019-03-12") == "mdy"
    assert written_order("05/05/2019", "2019-05-05") is None  # day and month alike: it does not tell
    assert written_order("12 MAR 2019", "2019-03-12") is None  # a month name needs no lesson
    assert read_in_order("2015-08-02", "ydm") == "2015-02-08" and read_in_order("2015-31-31", "ydm") is None

    first = read([*HEADER, "Date: 2015-30-01", "TOTAL 9.90"])
    assert first.values["date"] == "2015-01-30"  # unambiguous: read right, and it shows the order
    where = first.details["date"]
    taught = [
        example(
            "date",
            "2015-01-30",
            first.issuer_keys,
            printed=True,
            label=where["candidate"]["label"] or "",
            how=where["candidate"]["how"],
            x=0.1,
            y=0.1,
            format="9999-99-99",
            text="2015-30-01",
        )
    ]
    assert read([*HEADER, "Date: 2015-08-02", "TOTAL 5.10"]).values["date"] == "2015-08-02"  # as ISO, untaught
    assert read([*HEADER, "Date: 2015-08-02", "TOTAL 5.10"], taught).values["date"] == "2015-02-08"
