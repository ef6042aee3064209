"""The console's review queue in a real browser (Debian's chromium, driven by Playwright): two receipts uploaded,
the queue opened, the merchant set by clicking its words on the page and the total by typing, an error shown
beside its field, approved with Enter — then checked through the API. Screenshots in test-artefacts/console/."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from tests.e2e.test_console import DROP
from tests.e2e.test_login import PASSWORD, create_user
from tests.support.documents import font, png_bytes

CHROMIUM = shutil.which("chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "console"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


def receipt_image(lines: list[str]) -> bytes:
    image = Image.new("RGB", (760, 90 + 58 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((50, 50 + 58 * k), line, fill="black", font=font(34))
    return png_bytes(image)


RECEIPTS = [
    (
        "review-1.png",
        [
            "SEROJA MINI MARKET SDN BHD",
            "No 3 Jalan Seroja",
            "Date: 12/03/2019",
            "Teh   5.10",
            "Roti   20.80",
            "TOTAL   25.90",
        ],
    ),
    ("review-2.png", ["KEDAI CEMPAKA", "No 9 Jalan Cempaka", "Date: 14/03/2019", "Gula   2.90", "TOTAL   2.90"]),
]


def _files() -> list[dict[str, str]]:
    return [
        {"name": name, "type": "image/png", "data": base64.b64encode(receipt_image(lines)).decode()}
        for name, lines in RECEIPTS
    ]


def review_template(client) -> str:  # noqa: ANN001
    """The built-in receipt's fields, and every record waits for a person (review threshold 1)."""
    receipt = client.get("/v1/openapi/templates/receipt").json()
    body = {"name": "Receipts to review", "fields": receipt["fields"], "reviewThreshold": 1}
    created = client.post("/v1/openapi/templates", json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"]


@contextmanager
def signed_in(stack, email: str) -> Iterator[tuple[Any, list[str]]]:  # noqa: ANN001
    """A chromium page of the console, signed in as `email`, and the page's script errors (none expected)."""
    from playwright.sync_api import expect, sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(stack.url + "/console/")
            page.fill("#login-form [name=email]", email)
            page.fill("#login-form [name=password]", PASSWORD)
            page.click("#login-form button")
            expect(page.locator("#nav")).to_be_visible()
            yield page, errors
        finally:
            browser.close()


def test_a_reviewer_fixes_fields_by_clicking_words_and_typing_and_approves_with_enter(local_stack):
    from playwright.sync_api import expect

    user = create_user(local_stack, local_stack.organization_id, "reviewer@example.com")
    with local_stack.client() as client:
        template_id = review_template(client)
    with signed_in(local_stack, "reviewer@example.com") as (page, errors):
        page.select_option("#upload-template", template_id)
        page.evaluate(DROP, _files())
        page.click("#upload-button")
        card = page.locator(".batch").first
        expect(card.locator(".status")).to_contain_text("completed — 2 completed, 0 failed of 2", timeout=120_000)
        batch_id = (card.get_attribute("id") or "").removeprefix("batch-")
        page.screenshot(path=str(ARTEFACTS / "review-1-uploaded.png"))

        page.click("#nav a[href='#review']")
        expect(page.locator("#review-count")).not_to_have_text("")
        page.fill("#review-batch", batch_id)
        page.click("#review-filters button")
        expect(page.locator("#queue tbody tr")).to_have_count(2)
        expect(page.locator("#queue tbody tr").first).to_contain_text("review-1.png")  # oldest first
        page.screenshot(path=str(ARTEFACTS / "review-2-queue.png"))

        page.click("#queue tbody a >> text=review-1.png")
        expect(page.locator("#reviewing-title")).to_have_text("review-1.png")
        merchant, total = page.get_by_label("merchant", exact=True), page.get_by_label("total", exact=True)
        expect(merchant).to_be_visible()
        page.screenshot(path=str(ARTEFACTS / "review-3-record.png"))

        total.fill("twenty")  # a value its type cannot take: the API's error beside the field
        page.click("#review-save")
        expect(page.locator(".field[data-field=total] .field-error")).to_contain_text("fields.total: expected a number")

        merchant.click()  # select the field, then its words on the page
        page.locator(".word[data-word=SEROJA]").first.click()
        page.locator(".word[data-word=MINI]").first.click(modifiers=["Shift"])
        for word in ("MARKET", "SDN", "BHD"):
            page.locator(f".word[data-word={word}]").first.click(modifiers=["Shift"])
        expect(merchant).to_have_value("SEROJA MINI MARKET SDN BHD")  # the legal name, as the books want it
        total.fill("25,95")  # typed, in the page's own decimal comma
        page.screenshot(path=str(ARTEFACTS / "review-4-fixed.png"))
        total.press("Enter")  # approve, and on to the next of the queue
        expect(page.locator("#reviewing-title")).to_have_text("review-2.png")
        page.screenshot(path=str(ARTEFACTS / "review-5-next.png"))
        page.keyboard.press("Escape")
        expect(page.locator("#queue tbody tr")).to_have_count(1)
        assert errors == []

    with local_stack.client() as client:
        records = client.get("/v1/openapi/processing-history", params={"batchId": batch_id}).json()["data"]
        first = next(r for r in records if r["fileName"] == "review-1.png")
        assert first["processingResult"]["merchant"] == "SEROJA MINI MARKET SDN BHD"
        assert first["processingResult"]["total"] == 25.95
        assert not first["needsReview"] and first["reviewedBy"] == f"user:{user['id']}"
        log = client.get(f"/v1/openapi/processing-history/{first['id']}/corrections").json()["data"]
        changed = {c["field"]: c for c in log if c["kind"] == "correction"}
        assert set(changed) == {"merchant", "total"} and changed["total"]["new"] == 25.95
        assert all(c["by"] == f"user:{user['id']}" for c in log) and log[-1]["kind"] == "approval"
        second = next(r for r in records if r["fileName"] == "review-2.png")
        assert second["needsReview"]  # still waiting: the queue moved on to it


def test_the_console_shows_batches_sent_from_the_api_every_page_of_a_record_and_key_fields(local_stack):
    from playwright.sync_api import expect

    from tests.support.documents import text_pdf_bytes

    create_user(local_stack, local_stack.organization_id, "pages@example.com")
    two_pages = text_pdf_bytes([["Invoice No: PG-1", "Total: 10.00"], ["Page two of PG-1", "Thank you"]])
    with local_stack.client() as client:  # sent by a script, not from this browser
        reply = client.post(
            "/v1/openapi/batch/upload",
            files=[("files", ("two-pages.pdf", two_pages, "application/pdf"))],
            data={"templateId": "invoice", "name": "From the API"},
        )
        assert reply.status_code == 201, reply.text
        batch, record_id = reply.json(), reply.json()["processingHistoryIds"][0]
    with signed_in(local_stack, "pages@example.com") as (page, errors):
        card = page.locator(f"#batch-{batch['id']}")  # the project's latest batches, whoever sent them
        expect(card.locator(".status")).to_contain_text("completed — 1 completed", timeout=60_000)

        page.click("#nav a[href='#history']")
        page.fill("#history-batch", batch["id"])
        page.click("#history-filters button")
        expect(page.locator("#records tbody tr").first).to_contain_text("invoiceNumber: PG-1")
        page.screenshot(path=str(ARTEFACTS / "history-key-fields.png"))

        page.goto(f"{local_stack.url}/console/#record/{record_id}")
        expect(page.locator("#record-pages button")).to_have_count(2)
        page.click("#record-pages button >> text=Page 2")
        expect(page.locator("#page-canvas")).to_have_attribute("data-page", "2")
        expect(page.locator("#view-record .word[data-word=two]")).to_have_count(1)
        page.screenshot(path=str(ARTEFACTS / "record-page-2.png"))
        assert errors == []
