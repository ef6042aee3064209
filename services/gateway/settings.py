"""Gateway settings, read once from the environment in main()."""

from __future__ import annotations

from services.common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # The base of links the gateway hands out (fileUrl); empty: the address the request came to.
    public_url: str = ""
    # Secret behind signed links (and login tokens); `make up` keeps one in its home. Empty: one per process.
    signing_key: str = ""
    file_url_ttl_s: int = 3600
    upload_url_ttl_s: int = 3600  # Sensible-style batches' signed upload URLs
    # POST /auth/login: how long its token lasts, and failed tries allowed per account and per address
    login_ttl_s: int = 3600
    login_failures_per_15_min: int = 5
    batch_target: str = "127.0.0.1:50051"
    export_target: str = "127.0.0.1:50052"
    max_files_per_batch: int = 50
    max_file_mb: float = 25.0
    # Bytes per upload request, all files together (checked while the body streams in).
    max_upload_mb: float = 200.0
    # Requests per minute per API key (0: no limit); counted in each gateway replica.
    rate_limit_per_minute: int = 600
    max_metadata_kb: int = 64
    # Bytes read from an uploaded file per gRPC message.
    upload_chunk_bytes: int = 256 * 1024
