"""PP-OCR through rapidocr on ONNX Runtime or OpenVINO, pinned to the PP-OCRv6 ONNX models bundled in the
rapidocr wheel (no downloads: OpenVINO reads the same ONNX files)."""

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


BACKENDS = ("onnxruntime", "openvino")


# Measured on real receipts (bench/ocr_speed.py): detection on the page scaled so its longer side is at most
# 1280 px (rapidocr's default scales the shorter side up to 736, which makes tall receipts huge) is 16 %
# faster and reads more words right; the angle classifier (for upside-down lines) cost time and flipped
# some upright lines, so it runs only where asked (OCRBATCH_OCR_ANGLE_CLS).
DET_MAX_SIDE = 1280
# Recognition reads text lines in batches padded to the widest line of each; rapidocr's 6 pads short lines
# to long ones. 3 lines a batch was 11 % faster on ONNX Runtime and 8 % on OpenVINO, and read more words
# right (word F1 on 15 real receipts 0.893 → 0.904 and 0.895 → 0.906): recognition is ~80 % of a receipt's time.
REC_BATCH = 3


class RapidOcrEngine:
    name = "rapidocr-ppocrv6-small"

    def __init__(
        self,
        threads: int = 1,
        backend: str = "onnxruntime",
        *,
        angle_cls: bool = False,
        det_max_side: int = DET_MAX_SIDE,
    ) -> None:
        from rapidocr import EngineType, RapidOCR

        if backend not in BACKENDS:
            raise ValueError(f"unknown OCR backend {backend!r}: one of {', '.join(BACKENDS)}")
        if backend == "openvino":
            try:
                import openvino  # noqa: F401
            except ImportError:
                raise RuntimeError(
                    "OCRBATCH_OCR_ENGINE=openvino needs the openvino package (a dependency of ocrbatch): "
                    "pip install 'openvino>=2025.1', or set OCRBATCH_OCR_ENGINE=onnxruntime"
                ) from None
        self.backend = backend
        self.name = self.configured_name(backend, angle_cls, det_max_side)

        models = bundled_model_dir()
        missing = [m for m in (DET_MODEL, REC_MODEL, CLS_MODEL) if not (models / m).is_file()]
        if missing:
            # Never let rapidocr fall back to downloading: the models must ship inside the package.
            raise RuntimeError(f"bundled OCR models missing from {models}: {', '.join(missing)}")
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": angle_cls,
                "Det.limit_type": "max",
                "Det.limit_side_len": det_max_side,
                "Det.model_path": str(models / DET_MODEL),
                "Rec.rec_batch_num": REC_BATCH,
                "Rec.model_path": str(models / REC_MODEL),
                "Cls.model_path": str(models / CLS_MODEL),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "EngineConfig.openvino.inference_num_threads": threads,
                # OpenVINO pins its threads to cores by default: every worker process on a node then
                # pins to the same first cores, and two workers ran no faster than one (measured)
                "EngineConfig.openvino.enable_cpu_pinning": False,
                **{f"{part}.engine_type": EngineType(backend) for part in ("Det", "Rec", "Cls")},
            }
        )

    @staticmethod
    def configured_name(backend: str = "onnxruntime", angle_cls: bool = False, det_max_side: int = DET_MAX_SIDE) -> str:
        """What the output depends on, so cached readings (tests, benchmarks) are kept per configuration."""
        return f"{RapidOcrEngine.name}-{backend}-det{det_max_side}-rec{REC_BATCH}{'-cls' if angle_cls else ''}"

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        result = self._ocr(image)
        if result.boxes is None or result.txts is None:
            return []
        lines = []
        for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            corners = tuple((float(x), float(y)) for x, y in box)
            lines.append(OcrLine(text=str(text), confidence=float(score), box=corners))
        return lines


def backend_of(name: str) -> str:
    """OCRBATCH_OCR_ENGINE: onnxruntime or openvino (rapidocr is a synonym of onnxruntime)."""
    backend = "onnxruntime" if name == "rapidocr" else name
    if backend not in BACKENDS:
        raise ValueError(f"unknown OCRBATCH_OCR_ENGINE {name!r}: one of {', '.join(BACKENDS)}")
    return backend


def create_engine(name: str, threads: int, angle_cls: bool = False) -> RapidOcrEngine:
    return RapidOcrEngine(threads=threads, backend=backend_of(name), angle_cls=angle_cls)
