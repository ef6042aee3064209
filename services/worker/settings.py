"""Worker settings, read once from the environment in main()."""

from __future__ import annotations

import os
import socket
from typing import Literal

from pydantic import Field

from services.common.settings import CommonSettings


class WorkerSettings(CommonSettings):
    batch_target: str = "127.0.0.1:50051"
    # OCR runtime threads per worker process; one thread per process scaled best on 2 cores.
    ocr_threads: int = 1
    # openvino or onnxruntime (alias: rapidocr): the same bundled PP-OCRv6 ONNX models on either runtime.
    # OpenVINO by measurement (bench/ocr_speed.py, real receipts, one thread): 0.78 s a page against 1.29 s
    # at the same word F1 (0.903 / 0.905), for 1.1 GB resident against 0.7 GB, on a CPU with bfloat16 (which
    # OpenVINO then uses by itself); without bfloat16 both runtimes read about as fast.
    # onnxruntime-gpu: ONNX Runtime's CUDA provider (the `gpu` extra), the same models read in batches across the pages
    # of concurrent jobs (engine/batched.py); on the CPU provider, said once in the log, where no GPU is visible.
    ocr_engine: Literal["openvino", "onnxruntime", "rapidocr", "onnxruntime-gpu"] = "openvino"
    # small or tiny PP-OCRv6 models. tiny reads 2.7x the pages per core (0.29 s a real receipt against 0.78 s)
    # at a lower word F1 (0.78 against 0.90; Tesseract 0.72): bench/ocr_speed.py, README.
    ocr_model: Literal["small", "tiny"] = "small"
    # accurate or fast: how a job is read when neither its upload nor its template names a quality. accurate:
    # the configured models (OCRBATCH_OCR_MODEL). fast: the tiny pair, and the small recogniser again on each
    # page's header: 0.52 s a real receipt against 0.83 s, a few points of field accuracy lower (README,
    # "Reading quality"; engine/fast.py).
    ocr_quality: Literal["accurate", "fast"] = "accurate"
    # latin or full: the characters recognition chooses from. latin (Latin letters with accents, Greek,
    # digits, punctuation and symbols) leaves out the models' Chinese and Japanese characters, which a
    # recognition model scores at every step of every line: a real receipt in 0.78 s against 0.86 s at the
    # same word F1. full reads Chinese and Japanese too (engine/alphabet.py, README).
    ocr_alphabet: Literal["latin", "full"] = "latin"
    # Jobs a worker process reads at once. 1 on CPU workers (one process a core scales best); a GPU worker takes
    # several so that their pages fill its batches (README, "GPU workers").
    worker_concurrency: int = Field(default=1, ge=1)
    # onnxruntime-gpu: pages a detection batch holds, lines a recognition batch holds, and the padding steps that
    # let pages and lines of similar sizes share a batch (px; 32 and 0 pad as the CPU engine does: engine/batched.py).
    ocr_batch_pages: int = Field(default=8, ge=1)
    ocr_batch_lines: int = Field(default=64, ge=1)
    ocr_det_pad: int = Field(default=256, ge=32)
    ocr_rec_pad: int = Field(default=64, ge=0)
    # The angle classifier turns upside-down lines; off, it is faster and reads upright pages better.
    ocr_angle_cls: bool = False
    # Each scanned page's orientation (0 / 90 / 180 / 270) is decided before it is read, and it is read upright:
    # 15 ms a page (engine/orientation.py). Off, a page turned 90° or 180° reads as noise.
    ocr_orientation: bool = True
    # The engine is made again between jobs after this many jobs, or when the process holds more memory.
    engine_max_jobs: int = 2000
    engine_max_rss_mb: float = 1500.0
    max_pages: int = 500  # pages read per document (the pages asked for, or every page)
    max_megapixels: float = 40.0
    pdf_render_dpi: int = 150
    # The smallest number of visible characters for a PDF page's text layer to be used instead of OCR.
    pdf_text_layer_min_chars: int = 16
    max_file_mb: float = 25.0
    worker_id: str = Field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    # gRPC health port for probes; 0 disables it. Loopback unless opened (0.0.0.0) for Kubernetes probes.
    worker_health_port: int = 0
    worker_health_host: str = "127.0.0.1"
