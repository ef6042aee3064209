"""PP-OCR read in batches: detection over several pages at once, recognition over the lines of several pages at
once. On a GPU one call per batch is what makes it fast (a page's own calls leave it mostly idle); on a CPU the
same code runs on ONNX Runtime's CPU provider, which is how it is tested where no GPU is.

The same bundled models and the same pre- and post-processing as the CPU engine (services/worker/engine/
rapidocr_engine.py): rapidocr's own resizing, DB post-processing, box ordering, crops and CTC decoding are reused;
only the model calls are gathered into batches. Two padding rules decide what may share a batch:

- detection: a page's input is the page scaled and rounded to a multiple of 32 (as the CPU engine scales it), then
  padded at the right and bottom up to a multiple of `det_step`; pages of the same padded size share a batch, and
  each page's map is cut back to its own size. 32 pads nothing: the read is the CPU engine's.
- recognition: a line is scaled to 48 px high and padded to the width the CPU engine pads it to (its page's lines
  sorted by width, in threes, each three to its widest), then up to a multiple of `rec_step`; lines of the same
  padded width share a batch, whatever their page. 0 pads no further: the read is the CPU engine's.

Each page's padding depends on that page alone, so a page reads the same whatever pages share its batches."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.worker.engine.port import Box, OcrLine
from services.worker.engine.rapidocr_engine import DET_MAX_SIDE, REC_BATCH, REC_MIN_WIDTH, RapidOcrEngine

log = logging.getLogger(__name__)

CUDA = "CUDAExecutionProvider"
# The CUDA provider's cuDNN searches every convolution algorithm for each new input shape by default (0.3–1.3 s a
# shape); pages and line widths bring new shapes all the time, so the heuristic choice is taken at once instead.
CUDA_OPTIONS = {"cudnn_conv_algo_search": "HEURISTIC", "arena_extend_strategy": "kSameAsRequested"}
# Defaults of the GPU worker, to be confirmed by bench/gpu.py on a GPU: a detection batch of 8 receipt pages
# (1280 px long) and 64 lines are well within a data-centre GPU's memory. Padding detection inputs to 256 px puts
# most receipts in 2–4 sizes; recognition widths to 64 px (4/3 of a line height at 48 px) in a dozen.
DET_BATCH = 8
REC_LINES = 64
DET_STEP = 256
REC_STEP = 64
REC_HEIGHT = 48  # the recognition model's input height


def cuda_available() -> bool:
    import onnxruntime

    return CUDA in onnxruntime.get_available_providers()


_told = False


def _say_no_cuda(why: str = "") -> None:
    """One log line a process, however many engines it makes (qualities, alphabets, renewals)."""
    global _told
    if _told:
        return
    import onnxruntime

    _told = True
    providers = ", ".join(onnxruntime.get_available_providers())
    why = why or f"ONNX Runtime has no CUDA provider here (providers: {providers})"
    log.warning("OCRBATCH_OCR_ENGINE=onnxruntime-gpu: %s; reading on the CPU provider", why)


def _load_cuda_libraries() -> None:
    """The CUDA and cuDNN libraries of the `gpu` extra's pip wheels (nvidia-*), loaded before the first session: the
    image has no CUDA install of its own, only the node's driver."""
    import onnxruntime

    preload = getattr(onnxruntime, "preload_dlls", None)
    if preload is not None:
        preload()


@dataclass
class _Page:
    original: np.ndarray
    image: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 3), np.uint8))  # scaled and padded as read
    record: dict[str, Any] = field(default_factory=dict)  # how `image` was made from `original`
    det_input: np.ndarray | None = None  # 3×H×W, H and W multiples of 32
    boxes: np.ndarray | None = None
    scores: list[float] = field(default_factory=list)
    crops: list[np.ndarray] = field(default_factory=list)
    read: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class _Line:
    crop: np.ndarray
    width: int = 0  # the width it is padded to
    own_max: int = 0  # the widest it is scaled to: the CPU engine's padded width
    result: tuple[str, float] = ("", 0.0)


class BatchedEngine:
    """The CPU engine's reading of pages, with the model calls of several pages gathered into batches. `cuda`:
    run on ONNX Runtime's CUDA provider, or on its CPU provider where no GPU is visible (said once, in the log)."""

    def __init__(
        self,
        *,
        cuda: bool = True,
        threads: int = 1,
        model: str = "small",
        alphabet: str = "latin",
        angle_cls: bool = False,
        det_max_side: int = DET_MAX_SIDE,
        det_batch: int = DET_BATCH,
        rec_lines: int = REC_LINES,
        det_step: int = DET_STEP,
        rec_step: int = REC_STEP,
    ) -> None:
        if cuda and not cuda_available():
            _say_no_cuda()
            cuda = False
        if cuda:
            _load_cuda_libraries()
        self.device = "cuda" if cuda else "cpu"
        self._reader = RapidOcrEngine(
            threads=threads,
            backend="onnxruntime",
            model=model,
            alphabet=alphabet,
            angle_cls=angle_cls,
            det_max_side=det_max_side,
            cuda_options=CUDA_OPTIONS if cuda else None,
        )
        self.alphabet = alphabet
        self.name = self.configured_name(model, alphabet, angle_cls, det_max_side, det_step, rec_step)
        self._ocr = self._reader.rapidocr
        self._det = self._ocr._load_det_model()
        self._rec = self._ocr._load_rec_model()
        if cuda and CUDA not in self._rec.session.session.get_providers():  # the provider is there, no device is
            _say_no_cuda("ONNX Runtime could not start its CUDA provider (no GPU or driver visible)")
            self.device = "cpu"
        self.det_batch, self.rec_lines = max(1, det_batch), max(1, rec_lines)
        self.det_step, self.rec_step = max(32, det_step), max(0, rec_step)

    @staticmethod
    def configured_name(
        model: str = "small",
        alphabet: str = "latin",
        angle_cls: bool = False,
        det_max_side: int = DET_MAX_SIDE,
        det_step: int = DET_STEP,
        rec_step: int = REC_STEP,
    ) -> str:
        """The CPU engine's name with the padding that can change a read (never the device nor the batch sizes,
        which do not)."""
        base = RapidOcrEngine.configured_name("onnxruntime", angle_cls, det_max_side, model, alphabet)
        return f"{base}-batched-det{max(32, det_step)}-rec{max(0, rec_step)}"

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return self.recognize_pages([image])[0]

    def recognize_pages(self, images: list[np.ndarray]) -> list[list[OcrLine]]:
        """Each image's lines, as recognize() reads it alone; the model calls gathered across the images."""
        pages = [self._prepared(image) for image in images]
        self._detect([p for p in pages if p.det_input is not None])
        for page in pages:
            if page.boxes is not None:
                page.crops = self._ocr.crop_text_regions(page.image, page.boxes)
                if self._ocr.use_cls and page.crops:
                    page.crops, _ = self._ocr.cls_and_rotate(page.crops)
        reads = self._recognise([page.crops for page in pages])
        return [self._lines(page, read) for page, read in zip(pages, reads, strict=True)]

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]]:
        """The text and confidence of each box of the image (as RapidOcrEngine.read_lines), in batches."""
        if not boxes:
            return []
        from rapidocr.utils.process_img import get_rotate_crop_image

        crops = [get_rotate_crop_image(image, np.array(box, dtype=np.float32)) for box in boxes]
        return self._recognise([crops])[0]

    def _prepared(self, image: np.ndarray) -> _Page:
        """The page as the CPU engine scales it for detection (rapidocr's own steps)."""
        from rapidocr.utils.process_img import apply_vertical_padding

        page = _Page(original=self._ocr.load_img(image))
        scaled, record = self._ocr.preprocess_img(page.original)
        if self._ocr.cfg.Global.use_vertical_padding:
            scaled, record = apply_vertical_padding(scaled, record, self._ocr.width_height_ratio, self._ocr.min_height)
        else:
            record["padding_1"] = {"top": 0, "left": 0}
        page.image, page.record = scaled, record
        prepared = self._det.get_preprocess()(scaled)
        page.det_input = None if prepared is None else prepared[0]
        return page

    def _detect(self, pages: list[_Page]) -> None:
        """Detection in batches of pages of the same padded size; each page's boxes, in reading order."""
        step = self.det_step
        by_size: dict[tuple[int, int], list[_Page]] = {}
        for page in pages:
            assert page.det_input is not None
            _, h, w = page.det_input.shape
            by_size.setdefault((math.ceil(h / step) * step, math.ceil(w / step) * step), []).append(page)
        for (height, width), group in by_size.items():
            for start in range(0, len(group), self.det_batch):
                batch = group[start : start + self.det_batch]
                inputs = np.zeros((len(batch), 3, height, width), dtype=np.float32)
                for i, page in enumerate(batch):
                    assert page.det_input is not None
                    _, h, w = page.det_input.shape
                    inputs[i, :, :h, :w] = page.det_input
                maps = self._det.session(inputs)
                for i, page in enumerate(batch):
                    assert page.det_input is not None
                    _, h, w = page.det_input.shape
                    boxes, scores = self._det.postprocess_op(maps[i : i + 1, :, :h, :w], page.image.shape[:2])
                    if len(boxes):
                        page.boxes, page.scores = self._det.sorted_boxes(boxes), list(scores)

    def _recognise(self, pages: list[list[np.ndarray]]) -> list[list[tuple[str, float]]]:
        """Each page's crops read: every line padded as its page alone pads it, lines of the same width read
        together whatever their page, widest batches first."""
        lines = [self._padded(crops) for crops in pages]
        by_width: dict[int, list[_Line]] = {}
        for line in (line for page in lines for line in page):
            by_width.setdefault(line.width, []).append(line)
        for width, group in by_width.items():
            for start in range(0, len(group), self.rec_lines):
                batch = group[start : start + self.rec_lines]
                inputs = np.stack([self._normalised(line, width) for line in batch])
                preds = self._rec.session(inputs)
                results, _ = self._rec.postprocess_op(preds, False)
                for line, result in zip(batch, results, strict=True):
                    line.result = (str(result[0]), float(result[1]))
        return [[line.result for line in page] for page in lines]

    def _padded(self, crops: list[np.ndarray]) -> list[_Line]:
        """The width the CPU engine pads each crop to: the page's crops sorted by aspect, in batches of
        REC_BATCH, each padded to its widest (at least REC_MIN_WIDTH); then rounded up to `rec_step`."""
        lines = [_Line(crop) for crop in crops]
        order = np.argsort(np.array([c.shape[1] / float(c.shape[0]) for c in crops]))
        for start in range(0, len(order), REC_BATCH):
            members = [lines[i] for i in order[start : start + REC_BATCH]]
            widest = max([REC_MIN_WIDTH / REC_HEIGHT] + [m.crop.shape[1] / m.crop.shape[0] for m in members])
            own_max = width = int(REC_HEIGHT * widest)
            if self.rec_step:
                width = math.ceil(width / self.rec_step) * self.rec_step
            for member in members:
                member.width, member.own_max = width, own_max
        return lines

    @staticmethod
    def _normalised(line: _Line, width: int) -> np.ndarray:
        """The crop as the CPU engine feeds it: 48 px high and as wide as its aspect (at most the width the CPU
        engine pads it to), then padded to `width`."""
        import cv2

        h, w = line.crop.shape[:2]
        own = min(math.ceil(REC_HEIGHT * w / float(h)), line.own_max)
        resized = cv2.resize(line.crop, (own, REC_HEIGHT)).astype(np.float32).transpose((2, 0, 1)) / 255
        padded = np.zeros((3, REC_HEIGHT, width), dtype=np.float32)
        padded[:, :, :own] = (resized - 0.5) / 0.5
        return padded

    def _lines(self, page: _Page, read: list[tuple[str, float]]) -> list[OcrLine]:
        """The page's lines as the CPU engine gives them: boxes back on the original image, lines read empty or
        under the text score left out."""
        from rapidocr.ch_ppocr_cls import TextClsOutput
        from rapidocr.ch_ppocr_det import TextDetOutput
        from rapidocr.ch_ppocr_rec import TextRecOutput

        if page.boxes is None or not read:
            return []
        det = TextDetOutput(page.image, page.boxes, page.scores)
        texts, scores = tuple(t for t, _ in read), tuple(s for _, s in read)
        rec = TextRecOutput(page.crops, texts, scores, tuple(None for _ in read))
        result = self._ocr.build_final_output(page.original, det, TextClsOutput(), rec, page.crops, page.record)
        return RapidOcrEngine.lines_of(result)
