"""Use cases of Sensible-style batches: declare up to 5000 document names at once, then receive each
document's bytes on its own (through a signed upload URL the gateway checks) and queue its extraction.

A single-document extraction is a declared batch of one: its document comes by its upload URL, or the service
fetches it from the client's URL (the webhook address rules apply) and uploads it as that URL would; a fetch
that fails makes the extraction FAILED with the reason. It may have a webhook of its own, called once when the
document is final."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from services.batch.domain.model import Batch, Record, Scope, Upload
from services.batch.domain.rules import RecordStatus, clean_file_name
from services.batch.domain.webhooks import EventType, new_secret
from services.batch.errors import AlreadyUploaded, InsufficientCredits, InvalidArgument, NotFound, TooLarge
from services.batch.ports import Batches, Blobs, DocumentFetcher, FetchFailed, JobPublisher, Tenancy
from services.batch.service.access import batch_in_scope, refused
from services.batch.service.jobs import publish_records
from services.batch.service.locales import checked_locale, locale_choice
from services.batch.service.results import ResultApplier
from services.batch.service.templates import TemplateCatalog
from services.batch.service.webhooks import WebhookEvents
from services.common.page_ranges import PageRangeError, canonical, page_count, parse_pages, past_the_end
from services.common.priorities import DEFAULT_PRIORITY

log = logging.getLogger(__name__)
MAX_DOCUMENTS = 5000
MAX_DESCRIPTION_CHARS = 1000
MAX_URL_CHARS = 2000  # as webhook URLs: longer is no address a browser or server keeps either
MAX_WEBHOOK_PAYLOAD_CHARS = 10_000  # the client's own note echoed back to it, not a document


def shown_url(url: str) -> str:
    """A URL as a failure reason shows it: without its query, which often holds a signature or a token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"


@dataclass(frozen=True)
class SingleDocument:
    """What a single-document extraction adds to a declared batch of one."""

    document_url: str = ""  # fetched by the service; empty: the document comes by its upload URL
    webhook_url: str = ""
    webhook_payload: str = ""  # JSON text, echoed back in the webhook's body


@dataclass
class DeclaredBatches:
    batches: Batches
    blobs: Blobs
    tenancy: Tenancy
    catalog: TemplateCatalog
    jobs: JobPublisher
    applier: ResultApplier
    max_file_bytes: int
    webhooks: WebhookEvents | None = None
    fetcher: DocumentFetcher | None = None
    fetch_timeout_s: float = 60.0
    _fetches: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    async def _single(self, single: SingleDocument, names: list[str]) -> dict[str, Any] | None:
        """Checks what a single-document extraction adds; its webhook (with a new secret) when it has one."""
        if (single.document_url or single.webhook_url) and len(names) != 1:
            raise InvalidArgument("document_url and webhook are for a single document")
        if single.document_url:
            if len(single.document_url) > MAX_URL_CHARS:
                raise InvalidArgument(f"document_url is at most {MAX_URL_CHARS} characters")
            if self.fetcher is None:
                raise InvalidArgument("this service does not fetch documents by URL")
            if why := await self.fetcher.refused(single.document_url):
                raise InvalidArgument(f"document_url: {why}")
        if not single.webhook_url:
            return None
        if len(single.webhook_url) > MAX_URL_CHARS:
            raise InvalidArgument(f"webhook.url is at most {MAX_URL_CHARS} characters")
        if len(single.webhook_payload) > MAX_WEBHOOK_PAYLOAD_CHARS:
            raise InvalidArgument(f"webhook.payload is at most {MAX_WEBHOOK_PAYLOAD_CHARS} characters as JSON")
        try:
            payload = json.loads(single.webhook_payload) if single.webhook_payload else None
        except ValueError:
            raise InvalidArgument("webhook.payload must be JSON text") from None
        if self.webhooks is None or self.fetcher is None:
            raise InvalidArgument("this service sends no webhooks")
        if why := await self.fetcher.refused(single.webhook_url):  # the same address rules as every webhook
            raise InvalidArgument(f"webhook.url: {why}")
        return {"url": single.webhook_url, "payload": payload, "secret": new_secret()}

    async def declare(
        self,
        scope: Scope,
        names: list[str],
        doc_type: str,
        description: str,
        configuration: str,
        locale: str = "",
        page_range: str = "",
        portfolio_doc_types: list[str] | None = None,
        single: SingleDocument | None = None,
        *,
        classify: bool = False,
    ) -> Batch:
        single = single or SingleDocument()
        portfolio_doc_types = portfolio_doc_types or []
        if not 1 <= len(names) <= MAX_DOCUMENTS:
            raise InvalidArgument(f"documentNames must hold 1 to {MAX_DOCUMENTS} names")
        if classify and (doc_type.strip() or portfolio_doc_types or len(names) != 1):
            raise InvalidArgument("a classification is of one document, among every template of the project")
        if doc_type.strip() and portfolio_doc_types:
            raise InvalidArgument("give docType or portfolioDocTypes, not both")
        if not doc_type.strip() and not portfolio_doc_types and not classify:
            raise InvalidArgument("docType is required (a template's id or name), or portfolioDocTypes")
        if len(description) > MAX_DESCRIPTION_CHARS:
            raise InvalidArgument(f"description is at most {MAX_DESCRIPTION_CHARS} characters")
        locale = checked_locale(locale)
        try:
            page_range = canonical(parse_pages(page_range))
        except PageRangeError as exc:
            raise InvalidArgument(f"pages: {exc}") from None
        webhook = await self._single(single, names)
        candidates = []
        if classify:
            candidates = await self.catalog.all_types(scope)
            template = None
        elif portfolio_doc_types:
            candidates = await self.catalog.candidates(scope, portfolio_doc_types, "portfolioDocTypes")
            template = None
        else:
            template = await self.catalog.find(scope, doc_type.strip())
            if template is None:
                raise InvalidArgument(f"docType {doc_type[:80]!r} names no template of this project")
        choice = await locale_choice(self.tenancy, scope, locale, template)  # documents uploaded later read alike
        at = datetime.now(UTC)
        batch_id = self.batches.new_id()
        folder = f"{scope.organization_id}/projects/{scope.project_id}/batches/{batch_id}"
        records = []
        for seq, raw in enumerate(names):
            name = clean_file_name(raw)
            records.append(
                Record(
                    id=self.batches.new_id(),
                    upload_id="",
                    batch_id=batch_id,
                    seq=seq,
                    organization_id=scope.organization_id,
                    project_id=scope.project_id,
                    user_id=scope.user_id,
                    file_name=name,
                    file_path=f"{folder}/{name}",
                    file_size=0,
                    mime_type="",
                    blob_id="",
                    status=RecordStatus.WAITING,
                    template_id=template.id if template else None,
                    template_name=template.name if template else None,
                    locale=choice,
                    quality_asked=template.quality if template else "",
                    page_range=page_range,
                    doc_type=doc_type.strip(),
                    one_document=classify,
                    result_format=(template.result_format if template else "") or "json",
                    priority=DEFAULT_PRIORITY,
                    created_at=at,
                    updated_at=at,
                )  # fmt: skip
            )
        metadata: dict[str, Any] = {"configuration": configuration} if configuration else {}
        batch = Batch(
            id=batch_id, name=description.strip()[:120] or f"Batch of {len(names)} documents",
            organization_id=scope.organization_id, project_id=scope.project_id, user_id=scope.user_id,
            template_id=template.id if template else None, template_name=template.name if template else None,
            metadata=metadata, locale=locale, candidates=candidates,
            total_files=len(records), record_ids=[r.id for r in records], description=description,
            waiting_files=len(records), template_snapshot=template, created_at=at, updated_at=at,
            document_webhook=webhook | {"extractionId": records[0].id} if webhook else None,
        )  # fmt: skip
        batch.start_processing(at)  # every document waits: uploading
        await self.batches.add(batch, [], records)
        if single.document_url:
            task = asyncio.create_task(self.fetch(batch_id, records[0].id, single.document_url))
            self._fetches.add(task)  # held until done: the loop keeps only weak references to tasks
            task.add_done_callback(self._fetches.discard)
        return batch

    async def fetch(self, batch_id: str, record_id: str, url: str) -> None:
        """Fetches the batch's one document from its URL and uploads it, or fails its extraction with the reason."""
        assert self.fetcher is not None
        try:
            async with asyncio.timeout(self.fetch_timeout_s):
                async with self.fetcher.fetch(url, self.max_file_bytes) as fetched:
                    await self.upload(batch_id, 0, fetched.mime_type, fetched.chunks)
            return
        except AlreadyUploaded:
            return
        except TimeoutError:
            why = f"no complete answer within {self.fetch_timeout_s:g} s"
        except (FetchFailed, TooLarge, InsufficientCredits, InvalidArgument) as exc:
            why = str(exc)
        except Exception:
            log.exception("fetching the document of batch %s failed", batch_id)
            why = "internal error"
        error = f"could not fetch {shown_url(url)}: {why}"
        record = await self.batches.fail_waiting(record_id, error, datetime.now(UTC))
        if record is not None:
            await self.applier.count(record)  # the batch of one is final: FAILED, and its webhooks go

    async def close(self) -> None:
        """Stops the fetches under way (their extractions stay WAITING)."""
        for task in list(self._fetches):
            task.cancel()
        await asyncio.gather(*self._fetches, return_exceptions=True)

    async def describe(self, scope: Scope, batch_id: str, description: str) -> Batch:
        if len(description) > MAX_DESCRIPTION_CHARS:
            raise InvalidArgument(f"description is at most {MAX_DESCRIPTION_CHARS} characters")
        await batch_in_scope(self.batches, scope, batch_id)

        def change(batch: Batch) -> bool:
            batch.description = description
            batch.updated_at = datetime.now(UTC)
            return True

        changed = await self.batches.change(batch_id, change)
        if changed is None:
            raise await refused(self.batches, scope, batch_id)
        return changed

    async def upload(self, batch_id: str, index: int, mime_type: str, chunks: AsyncIterator[bytes]) -> Record:
        """Stores one declared document and queues it: one credit, charged before its bytes are stored."""
        owner = await self.batches.owner(batch_id)
        batch = await self.batches.get(owner, batch_id, with_ids=False) if owner is not None else None
        if owner is None or batch is None:
            raise NotFound(f"batch {batch_id} not found")
        record = await self.batches.declared_record(batch_id, index)
        if record is None:
            raise InvalidArgument(f"index {index} is outside the batch")
        if record.status != RecordStatus.WAITING:
            raise AlreadyUploaded("this document was uploaded already: an upload URL is good for one upload")
        if not await self.tenancy.charge_credits(owner.organization_id, 1):
            raise InsufficientCredits("the organization's credit balance does not cover this document")
        writer = await self.blobs.open_writer(record.file_name, mime_type or "application/octet-stream")
        stored = None
        # with a page range, the document (at most max_file_bytes) is kept to count its pages once it is whole
        whole = bytearray() if record.page_range else None
        try:
            size = 0
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_file_bytes:
                    raise TooLarge(f"the document is larger than {self.max_file_bytes // (1024 * 1024)} MB")
                await writer.write(chunk)
                if whole is not None:
                    whole += chunk
            stored = await writer.finish()
            if whole is not None:
                count = await asyncio.to_thread(page_count, bytes(whole))
                why = past_the_end(parse_pages(record.page_range), count)
                if why:  # nothing kept, the credit given back: the URL takes another file
                    raise InvalidArgument(f"pages: {why} ({record.file_name})")
            at = datetime.now(UTC)
            upload = Upload(
                self.batches.new_id(), batch_id, owner.organization_id, owner.project_id, record.file_name,
                stored.size, mime_type or "application/octet-stream", stored.blob_id, stored.sha256, at,
            )  # fmt: skip
            attached = await self.batches.attach_upload(
                record.id, upload, batch.template_snapshot, at, batch.candidates
            )
            if attached is None:  # another upload of the same URL won the race
                raise AlreadyUploaded("this document was uploaded already: an upload URL is good for one upload")
        except BaseException:
            if stored is None:
                await writer.abort()
            else:
                await self.blobs.delete(stored.blob_id)
            await self.tenancy.add_credits(owner.organization_id, 1)
            raise
        changed = await self.batches.document_uploaded(batch_id, upload.id, at)
        await self.applier.announce(changed)
        if await publish_records(self.batches, self.jobs, [attached]):
            attached.status = RecordStatus.QUEUED
        if changed is not None and changed.waiting_files == 0 and self.webhooks is not None:
            whole = await self.batches.get(owner, batch_id)  # with its ids, for the event
            if whole is not None:
                await self.webhooks.emit(whole, EventType.BATCH_UPLOADED)  # every document received and queued
        return attached
