"""The web console in a real browser (Debian's chromium, driven by Playwright): sign in, drop three files,
watch them reach completed, filter the history by the batch, download the CSV, open a record and see its
boxes. Screenshots are kept in test-artefacts/console/."""

from __future__ import annotations

import base64
import csv
import io
import shutil
from pathlib import Path

import pytest

from tests.e2e.test_login import PASSWORD, create_user
from tests.support.documents import Invoice, invoice_image, png_bytes, text_pdf_bytes

CHROMIUM = shutil.which("chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "console"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


def _files() -> list[dict[str, str]]:
    documents = [
        ("console-1.pdf", "application/pdf", text_pdf_bytes([["Invoice No: CON-101", "Total: 10.00"]])),
        ("console-2.pdf", "application/pdf", text_pdf_bytes([["Invoice No: CON-102", "Total: 20.00"]])),
        ("console-3.png", "image/png", png_bytes(invoice_image(Invoice("CON-103", "30.00"), width=700, height=500))),
    ]
    return [{"name": n, "type": t, "data": base64.b64encode(d).decode()} for n, t, d in documents]


DROP = """(files) => {
  const transfer = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, { type: f.type }));
  }
  const zone = document.querySelector('#drop');
  for (const type of ['dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true }));
  }
}"""


def test_a_user_uploads_follows_filters_downloads_and_inspects_in_the_browser(local_stack, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    create_user(local_stack, local_stack.organization_id, "console@example.com")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(local_stack.url + "/")  # leads to the console
            page.fill("#login-form [name=email]", "console@example.com")
            page.fill("#login-form [name=password]", PASSWORD)
            page.click("#login-form button")
            expect(page.locator("#nav")).to_be_visible()
            expect(page.locator("#upload-template")).to_have_value("invoice")
            page.screenshot(path=str(ARTEFACTS / "1-signed-in.png"))

            page.evaluate(DROP, _files())
            expect(page.locator("#chosen li")).to_have_count(3)
            page.fill("#upload-form [name=name]", "Console batch")
            expect(page.locator("#upload-form [name=locale]")).to_have_attribute("placeholder", "auto (e.g. en-US)")
            page.fill("#upload-form [name=locale]", "en_us")
            page.click("#upload-button")
            card = page.locator(".batch").first
            expect(card.locator(".status")).to_contain_text("completed — 3 completed, 0 failed of 3", timeout=90_000)
            batch_id = (card.get_attribute("id") or "").removeprefix("batch-")
            with local_stack.client() as client:  # the locale went with the upload, in its canonical form
                assert client.get(f"/v1/openapi/batch/{batch_id}").json()["locale"] == "en-US"
            page.screenshot(path=str(ARTEFACTS / "2-batch-completed.png"))

            with page.expect_download() as download:
                card.locator("select.export").select_option("csv")
            rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
            assert sorted(r["invoiceNumber"] for r in rows) == ["CON-101", "CON-102", "CON-103"]

            card.locator("a.open").click()  # the history, filtered by this batch
            page.click("#history-filters button")
            expect(page.locator("#records tbody tr")).to_have_count(3)
            expect(page.locator("#records-pages")).to_have_text("3 records")
            page.screenshot(path=str(ARTEFACTS / "3-history.png"))

            page.click("#records tbody a >> text=console-3.png")
            expect(page.locator("#record-title")).to_have_text("console-3.png")
            expect(page.locator("#fields tbody")).to_contain_text("CON-103")
            page.wait_for_function("Number(document.querySelector('#page-canvas').dataset.boxes) > 3")
            page.screenshot(path=str(ARTEFACTS / "4-record-boxes.png"))
            assert errors == []
        finally:
            browser.close()
