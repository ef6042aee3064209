"""Worker settings, read once from the environment in main()."""

from __future__ import annotations

import os
import socket

from pydantic import Field

from services.common.settings import CommonSettings


class WorkerSettings(CommonSettings):
    batch_target: str = "127.0.0.1:50051"
    # ONNX Runtime intra-op threads per worker process; one thread per process scaled best on 2 cores.
    ocr_threads: int = 1
    # onnxruntime (alias: rapidocr) or openvino: the same bundled PP-OCRv6 ONNX models on either runtime
    ocr_engine: str = "onnxruntime"
    # The engine is made again between jobs after this many jobs, or when the process holds more memory.
    # The angle classifier turns upside-down lines; off, it is faster and reads upright pages better.
    ocr_angle_cls: bool = False
    engine_max_jobs: int = 2000
    engine_max_rss_mb: float = 1500.0
    max_pages: int = 100
    max_megapixels: float = 40.0
    pdf_render_dpi: int = 150
    # The smallest number of visible characters for a PDF page's text layer to be used instead of OCR.
    pdf_text_layer_min_chars: int = 16
    max_file_mb: float = 25.0
    worker_id: str = Field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    # gRPC health port for probes; 0 disables it. Loopback unless opened (0.0.0.0) for Kubernetes probes.
    worker_health_port: int = 0
    worker_health_host: str = "127.0.0.1"
