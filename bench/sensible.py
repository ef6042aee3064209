"""A 5000-document Sensible-style batch must be cheap: times creating it, listing its 5000 upload URLs in
ranges of 500 and in one range, its GET, and the upload of a document through its URL (each of the
first 100, one after another), through the REST API of a local stack (no OCR involved: no workers).

Usage: python -m bench.sensible [--documents 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from services.local.stack import LocalStack, StackConfig, free_port
from tests.support.documents import Invoice, invoice_image, png_bytes

UPLOADS = 100
PNG = png_bytes(invoice_image(Invoice(number="INV-1", total="10,00"), width=300, height=200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [f"document-{i:05d}.pdf" for i in range(args.documents)]
    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(StackConfig(home=Path(home), http_port=free_port(), workers=0, log_dir=Path(home) / "logs"))
        info = stack.start()
        try:
            client = httpx.Client(
                base_url=str(info["url"]), headers={"Authorization": f"Bearer {info['apiKey']}"}, timeout=600
            )
            rows: dict[str, list[float]] = {
                "create": [],
                "urls, 10 ranges of 500": [],
                "urls, one range": [],
                "GET": [],
                "PUT of a document (each)": [],
            }
            for _ in range(args.repeat):
                started = time.perf_counter()
                reply = client.post("/v0/extract/batch", json={"documentNames": names, "docType": "invoice"})
                reply.raise_for_status()
                batch_id = reply.json()
                rows["create"].append(time.perf_counter() - started)

                started = time.perf_counter()
                for first in range(0, args.documents, 500):
                    last = min(first + 499, args.documents - 1)
                    urls = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/{first}/{last}").json()
                    assert len(urls) == last - first + 1
                rows["urls, 10 ranges of 500"].append(time.perf_counter() - started)

                started = time.perf_counter()
                urls = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/0/{args.documents - 1}").json()
                assert len(urls) == args.documents
                rows["urls, one range"].append(time.perf_counter() - started)

                started = time.perf_counter()
                assert client.get(f"/v0/extract/batch/{batch_id}").json()["waiting"] == args.documents
                rows["GET"].append(time.perf_counter() - started)

                with httpx.Client(timeout=60) as anonymous:  # an upload URL needs no key
                    started = time.perf_counter()
                    for url in urls[:UPLOADS]:
                        anonymous.put(url, content=PNG, headers={"Content-Type": "image/png"}).raise_for_status()
                    rows["PUT of a document (each)"].append((time.perf_counter() - started) / UPLOADS)
            print(f"\n{args.documents}-document batch, median of {args.repeat} (seconds):")
            for name, seconds in rows.items():
                print(f"  {name:<26}{statistics.median(seconds):8.3f}")
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
