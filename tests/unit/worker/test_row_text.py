"""A page's text as printed: boxes that share a row joined left to right at their columns, rows top to bottom."""

from __future__ import annotations

from ocrbatch.v1 import common_pb2
from services.worker.row_text import page_rows


def line(text: str, left: float, top: float, char_width: float = 10, height: float = 20) -> common_pb2.Line:
    right = left + char_width * len(text)
    corners = ((left, top), (right, top), (right, top + height), (left, top + height))
    return common_pb2.Line(text=text, confidence=0.9, box=[common_pb2.Point(x=x, y=y) for x, y in corners])


def test_boxes_of_one_printed_row_come_out_on_one_line_at_their_columns():
    page = common_pb2.Page(number=1, width=600, height=400)
    # as OCR gives them: one box per cell, the price read before the item, a row tilted by a few pixels
    page.lines.extend(
        [
            line("10,00", 300, 52),
            line("Artikel 50319963", 20, 10),
            line("POANG Pokis f Hoc Ra", 20, 50),
            line("0", 380, 53),
            line("Total", 20, 90),
            line("10,00", 300, 91),
        ]
    )
    assert page_rows(page) == [  # 10 px a character: the price at column 28, the quantity at 36
        "Artikel 50319963",
        "POANG Pokis f Hoc Ra        10,00   0",
        "Total                       10,00",
    ]


def test_boxes_closer_than_their_columns_keep_two_spaces_between_them():
    page = common_pb2.Page(number=1, width=600, height=400)
    page.lines.extend([line("RM", 20, 10), line("12.50", 41, 10)])  # a box that starts inside the previous one
    assert page_rows(page) == ["RM  12.50"]


def test_lines_without_boxes_are_the_rows_as_they_are():
    page = common_pb2.Page(number=1, source="text")
    page.lines.extend([common_pb2.Line(text="first line"), common_pb2.Line(text="  second")])
    assert page_rows(page) == ["first line", "  second"]
