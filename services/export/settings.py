"""Export service settings, read once from the environment in main()."""

from __future__ import annotations

from services.common.settings import CommonSettings


class ExportSettings(CommonSettings):
    batch_target: str = "127.0.0.1:50051"
    export_host: str = "127.0.0.1"
    export_port: int = 50052
    # Rendered bytes are sent in gRPC messages of about this size.
    export_chunk_bytes: int = 64 * 1024
    # TrueType font embedded in PDF exports; empty: the first of DejaVu Sans, Noto Sans, Liberation Sans found.
    pdf_font: str = ""
