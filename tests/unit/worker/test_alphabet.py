"""The `latin` recognition alphabet: the bundled models' classifiers restricted to Latin script, digits,
punctuation and symbols, read by the real runtime and compared with the model as it ships."""

from __future__ import annotations

import string

import numpy as np
import onnxruntime
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

from services.worker.engine.alphabet import UnexpectedModel, is_latin, restrict, restricted_model_file
from services.worker.engine.rapidocr_engine import bundled_model_dir, model_files

KEPT = set(string.ascii_letters + string.digits + string.punctuation) | set("€£¥°±×éèàçüßøÆœ–—‘’“”•…₹™")


@pytest.mark.parametrize("model", ["small", "tiny"])
def test_the_restricted_model_keeps_latin_script_and_symbols_and_drops_cjk(model):
    files = model_files(model)
    restricted = restrict(files.rec, files.listed_alphabet())
    assert KEPT <= set(restricted.characters)
    assert not {"的", "日", "円", "あ", "ア", "ｚ"} & set(restricted.characters)  # CJK and fullwidth Latin
    assert all(is_latin(character) for character in restricted.characters)
    assert 600 < len(restricted.characters) < 2000  # of 18,708 (small) and 6,904 (tiny)

    session = onnxruntime.InferenceSession(restricted.data)
    assert session.get_modelmeta().custom_metadata_map["character"].splitlines() == restricted.characters
    scores = session.run(None, {session.get_inputs()[0].name: np.zeros((1, 3, 48, 160), np.float32)})[0]
    assert scores.shape[-1] == len(restricted.characters) + 2  # the blank, the characters, the space


def _line(text: str) -> np.ndarray:
    image = Image.new("RGB", (480, 48), "white")
    ImageDraw.Draw(image).text((8, 6), text, fill="black", font=ImageFont.load_default(size=30))
    pixels = np.asarray(image, np.float32).transpose(2, 0, 1) / 255
    return ((pixels - 0.5) / 0.5)[np.newaxis]


def _read(session: onnxruntime.InferenceSession, characters: list[str], image: np.ndarray) -> str:
    """The line as rapidocr's decoder reads the model's scores (it adds the blank and the space itself)."""
    scores = session.run(None, {session.get_inputs()[0].name: image})[0]
    return str(CTCLabelDecode(character=list(characters))(scores)[0][0][0])


def test_a_latin_line_reads_the_same_through_the_restricted_model_as_through_the_full_one():
    files = model_files("small")
    full = onnxruntime.InferenceSession(str(files.rec))
    characters = full.get_modelmeta().custom_metadata_map["character"].splitlines()
    restricted = restrict(files.rec, files.listed_alphabet())
    latin = onnxruntime.InferenceSession(restricted.data)
    for text in ("TOTAL RM 42.17", "Facture n° 2024-117", "Qty 3 x 12,50"):
        image = _line(text)
        read = _read(full, characters, image)
        assert _read(latin, restricted.characters, image) == read
        assert read.replace(" ", "") == text.replace(" ", "")  # Pillow's own font spaces words narrowly


def test_a_model_without_a_classifier_output_is_refused_by_name():
    with pytest.raises(UnexpectedModel, match="PP-OCRv6_det_small.onnx"):
        restrict(bundled_model_dir() / "PP-OCRv6_det_small.onnx", ["a"])
    with pytest.raises(UnexpectedModel, match="18710 classes for an alphabet of 3 characters"):
        restrict(model_files("small").rec, ["a", "b", "c"])


def test_the_restricted_model_is_written_once_and_found_again(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    source = model_files("small").rec
    first = restricted_model_file(source)
    made_at = first.stat().st_mtime_ns
    assert restricted_model_file(source) == first and first.stat().st_mtime_ns == made_at  # not made again
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary part left behind
    tiny = model_files("tiny")
    assert restricted_model_file(tiny.rec, tiny.listed_alphabet()) != first
    session = onnxruntime.InferenceSession(str(first))
    assert len(session.get_modelmeta().custom_metadata_map["character"].splitlines()) == len(
        restrict(source).characters
    )


def test_a_temporary_directory_that_cannot_be_written_is_named_with_the_way_out(tmp_path, monkeypatch):
    (tmp_path / "ocrbatch-models").write_text("a file where the folder should be")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(RuntimeError, match="TMPDIR.*OCRBATCH_OCR_ALPHABET=full"):
        restricted_model_file(model_files("small").rec)
