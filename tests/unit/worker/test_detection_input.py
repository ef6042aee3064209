"""The detector's input made through a table of the 256 values a channel can take (engine/rapidocr_engine.py) is
rapidocr's own, bit for bit: the page reads the same, only sooner."""

from __future__ import annotations

import numpy as np
import pytest
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from services.worker.engine.rapidocr_engine import RapidOcrEngine


@pytest.mark.parametrize("shape", [(1280, 608, 3), (517, 1280, 3), (40, 30, 3)])
@pytest.mark.parametrize("mean_std", [(None, None), ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
def test_the_detector_input_is_rapidocrs_own_bit_for_bit(shape, mean_std):
    page = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    page[:8] = 0  # every value, the extremes included
    page[8:16] = 255
    own = DetPreProcess(1280, "max", *mean_std)

    engine = RapidOcrEngine(threads=1, model="tiny")
    detector = engine.rapidocr._load_det_model()
    detector.limit_side_len, detector.limit_type = 1280, "max"
    detector.mean, detector.std = own.mean, own.std
    table = detector.get_preprocess()

    assert type(table) is not DetPreProcess  # the engine's detector uses the table
    expected, made = own(page), table(page)
    assert made.dtype == np.float32 and made.shape == expected.shape
    assert np.array_equal(made.view(np.uint32), expected.view(np.uint32))
