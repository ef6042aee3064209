"""Runs one ExportBatch call while sampling the export process's memory: what the export tests and bench measure."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from ocrbatch.v1 import common_pb2, export_pb2, export_pb2_grpc


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class ExportRun:
    data: bytes
    content_type: str
    file_name: str
    seconds: float
    first_byte_s: float
    idle_rss_mb: float
    peak_rss_mb: float
    first_chunk: bytes = b""

    @property
    def growth_mb(self) -> float:
        return self.peak_rss_mb - self.idle_rss_mb

    @property
    def mb_per_s(self) -> float:
        return len(self.data) / 1e6 / self.seconds


def run_export(target: str, pid: int, scope: common_pb2.Scope, batch_id: str, fmt: str) -> ExportRun:
    idle = rss_mb(pid)
    peak = [idle]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    parts: list[bytes] = []
    header = None
    first_byte = None
    first_chunk = b""
    started = time.perf_counter()
    try:
        with grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", 64 << 20)]) as channel:
            stub = export_pb2_grpc.ExportServiceStub(channel)
            for chunk in stub.ExportBatch(export_pb2.ExportBatchRequest(scope=scope, batch_id=batch_id, format=fmt)):
                if chunk.WhichOneof("part") == "file":
                    header = chunk.file
                else:
                    if first_byte is None:
                        first_byte = time.perf_counter() - started
                        first_chunk = chunk.data
                    parts.append(chunk.data)
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    assert header is not None
    return ExportRun(
        data=b"".join(parts),
        content_type=header.content_type,
        file_name=header.file_name,
        seconds=elapsed,
        first_byte_s=first_byte or elapsed,
        idle_rss_mb=idle,
        peak_rss_mb=peak[0],
        first_chunk=first_chunk,
    )
