"""Real OCR of a rendered receipt in Chinese with Latin words: the worker's engine (Latin alphabet first) sees what
its Latin read leaves unread, reads the page again with the full alphabet, and the Chinese comes back."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from PIL import Image, ImageDraw, ImageFont

from services.worker.documents import Limits
from services.worker.engine.scripts import LatinFirstEngine
from services.worker.pipeline import read_document

LINES = [
    "港湾咖啡 Harbour Coffee",
    "北京市朝阳区建国路88号",
    "拿铁 Latte 大杯 32.00",
    "合计 Total 50.00",
    "谢谢惠顾 欢迎再次光临",
]


def chinese_font() -> str | None:
    """A font with Chinese characters, as fontconfig lists them (Debian: fonts-wqy-zenhei or fonts-noto-cjk)."""
    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    files = sorted(entry.strip().rstrip(":") for entry in listed.splitlines() if entry.strip())
    return files[0] if files else None


@pytest.fixture(scope="module")
def engine() -> Iterator[LatinFirstEngine]:
    from services.worker.engine.rapidocr_engine import configured_engine
    from services.worker.settings import WorkerSettings

    engine = configured_engine(WorkerSettings(ocr_engine="openvino", ocr_alphabet="latin"), threads=1)
    assert isinstance(engine, LatinFirstEngine)
    yield engine


def rendered(lines: list[str], font_file: str) -> bytes:
    font = ImageFont.truetype(font_file, 30)
    page = Image.new("RGB", (640, 60 + 54 * len(lines)), "white")
    draw = ImageDraw.Draw(page)
    for row, text in enumerate(lines):
        draw.text((40, 30 + 54 * row), text, fill="black", font=font)
    data = io.BytesIO()
    page.save(data, "PNG")
    return data.getvalue()


def test_a_rendered_chinese_receipt_is_read_again_with_the_full_alphabet(engine):
    font_file = chinese_font()
    if font_file is None:
        pytest.skip(
            "no font with Chinese characters installed (fc-list :lang=zh lists none): apt-get install fonts-wqy-zenhei"
        )
    (page,) = read_document(rendered(LINES, font_file), engine, Limits()).pages
    text = "\n".join(line.text for line in page.lines)
    assert page.alphabet == "full"
    for chinese in ("港湾咖啡", "北京市朝阳区", "合计", "谢谢惠顾"):
        assert chinese in text
    assert "Harbour Coffee" in text and "50.00" in text  # the Latin words of the page too


def test_a_rendered_latin_receipt_is_read_once_in_latin(engine):
    font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    latin = ["Harbour Coffee", "88 Jianguo Road, Beijing", "Latte grande 32.00", "Total 50.00", "Thank you"]
    (page,) = read_document(rendered(latin, font_file), LatinFirstEngine(engine.latin, _never), Limits()).pages
    assert page.alphabet == "latin"
    assert [line.text for line in page.lines] == latin


def _never() -> LatinFirstEngine:
    raise AssertionError("a Latin page made the full-alphabet engine")
