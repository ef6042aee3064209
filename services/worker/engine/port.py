"""The OCR engine port: an image in, recognised lines out. Adapters: rapidocr (ONNX Runtime, OpenVINO)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

Box = tuple[tuple[float, float], ...]  # four corners, clockwise from top-left, in image pixels


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float
    box: Box
    inverted: bool = False  # read as light text on a dark fill (a logo box): a strong hint of who issued it


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        """Lines of an RGB uint8 image (H×W×3), in reading order."""
        ...


@runtime_checkable
class TwoAlphabetEngine(Protocol):
    """An engine that reads with the Latin alphabet and can hand out one with the model's full alphabet (Chinese,
    Japanese), made on first need: services/worker/engine/scripts.py LatinFirstEngine."""

    name: str

    def recognize(self, image: np.ndarray) -> list[OcrLine]: ...

    def full_alphabet(self) -> OcrEngine: ...
