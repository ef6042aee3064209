"""PP-OCR on ONNX Runtime through rapidocr, pinned to the PP-OCRv6 models bundled in the wheel (no downloads)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from services.worker.engine.port import OcrLine

log = logging.getLogger(__name__)

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"


def bundled_model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


class RapidOcrEngine:
    name = "rapidocr-ppocrv6-small"

    def __init__(self, threads: int = 1) -> None:
        from rapidocr import RapidOCR

        models = bundled_model_dir()
        missing = [m for m in (DET_MODEL, REC_MODEL, CLS_MODEL) if not (models / m).is_file()]
        if missing:
            # Never let rapidocr fall back to downloading: the models must ship inside the package.
            raise RuntimeError(f"bundled OCR models missing from {models}: {', '.join(missing)}")
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "error",
                "Det.model_path": str(models / DET_MODEL),
                "Rec.model_path": str(models / REC_MODEL),
                "Cls.model_path": str(models / CLS_MODEL),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        result = self._ocr(image)
        if result.boxes is None or result.txts is None:
            return []
        lines = []
        for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            corners = tuple((float(x), float(y)) for x, y in box)
            lines.append(OcrLine(text=str(text), confidence=float(score), box=corners))
        return lines


def create_engine(name: str, threads: int) -> RapidOcrEngine:
    if name != "rapidocr":
        raise ValueError(f"unknown OCRBATCH_OCR_ENGINE {name!r}: only 'rapidocr' is available in this build")
    return RapidOcrEngine(threads=threads)
