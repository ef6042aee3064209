"""The batch service's entities. They own the status machine, counting and progress; use cases change them
only through their methods, and the database adapter is the only place that knows how they are stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ocrbatch.v1 import common_pb2, templates_pb2
from services.batch.domain.rules import (
    FINAL_RECORD_STATUSES,
    OPEN_RECORD_STATUSES,
    BatchStatus,
    RecordStatus,
    batch_status,
    progress,
)
from services.common.convert import struct_to_dict
from services.common.flatten import flatten

if TYPE_CHECKING:
    from services.batch.domain.corrections import FieldCorrection

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Who asks: every read and write of a batch, record or template is confined to one project."""

    organization_id: str
    project_id: str
    user_id: str = ""


@dataclass(frozen=True)
class StoredBlob:
    blob_id: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LocaleChoice:
    """The locale a file's values are read by when its page does not tell (the worker looks at the page
    first), and who gave it."""

    tag: str = ""  # canonical BCP 47 ("en-US"); "" when none was given
    source: str = ""  # upload | template | project; "" when none was given

    @classmethod
    def of(cls, upload: str, template: str, project: str) -> LocaleChoice:
        """The most specific one given wins: the upload's, else the template's, else the project's."""
        for tag, source in ((upload, "upload"), (template, "template"), (project, "project")):
            if tag:
                return cls(tag, source)
        return cls()


@dataclass(frozen=True)
class CandidateType:
    """A type a classified file may be (templateIds, portfolioDocTypes): the client's name for it and the
    template, as it was when the batch was made."""

    type: str
    template: templates_pb2.Template


@dataclass
class Upload:
    """One received file: its bytes live in the blob store under blob_id."""

    id: str
    batch_id: str
    organization_id: str
    project_id: str
    file_name: str
    file_size: int
    mime_type: str
    blob_id: str
    sha256: str
    created_at: datetime


@dataclass
class Outcome:
    """What a worker reported for one run of a record: completed with its reading, or failed with a reason."""

    completed: bool
    at: datetime
    attempts: int
    text: str = ""
    pages: list[common_pb2.Page] = field(default_factory=list)
    processing_result: JsonObject = field(default_factory=dict)
    field_details: JsonObject = field(default_factory=dict)
    needs_review: bool = False
    error: str = ""
    issuer_keys: list[str] = field(default_factory=list)
    quality: str = ""  # the reading quality that read it
    parts: list[common_pb2.DocumentPart] = field(default_factory=list)  # a classified file's documents

    @property
    def status(self) -> RecordStatus:
        return RecordStatus.COMPLETED if self.completed else RecordStatus.FAILED


@dataclass
class Record:
    """One file's processing: pending → queued → in_progress → completed | failed; a failed record can be
    retried, which starts a new generation (results of an older generation are ignored)."""

    id: str
    upload_id: str
    batch_id: str
    seq: int
    organization_id: str
    project_id: str
    file_name: str
    file_size: int
    mime_type: str
    blob_id: str
    created_at: datetime
    updated_at: datetime
    user_id: str = ""
    file_path: str = ""
    file_url: str | None = None
    status: RecordStatus = RecordStatus.PENDING
    template_id: str | None = None
    template_name: str | None = None
    template_snapshot: templates_pb2.Template | None = None
    # fixed when the record is made, from the batch's, its template's and its project's locale: a retry, or a
    # declared document uploaded later, is read the same way
    locale: LocaleChoice = LocaleChoice()
    # the reading quality asked for, fixed like the locale: the upload's, else the template's; "" for the workers'
    # default. `quality` is the one that read it, from the worker.
    quality_asked: str = ""
    quality: str = ""
    page_range: str = ""  # the pages to read ("1-3,5", canonical); "" for every page
    doc_type: str = ""  # the document type as a Sensible-style declaration named it (its template's id or name)
    pages_done: int = 0  # pages read of pages_total, while a document of several pages is read; then all of them
    pages_total: int = 0
    result_format: str = "json"
    priority: str = "medium"
    attempts: int = 0
    generation: int = 1
    error: str | None = None
    text: str | None = None
    pages: list[common_pb2.Page] = field(default_factory=list)
    processing_result: JsonObject | None = None
    field_details: JsonObject | None = None
    needs_review: bool = False
    started_at: datetime | None = None
    completed_at: datetime | None = None
    retried_at: datetime | None = None
    # people's values over the extraction's, kept over every new reading until a retry discards them
    corrections: dict[str, FieldCorrection] = field(default_factory=dict)
    reviewed_at: datetime | None = None
    reviewed_by: str = ""
    issuer_keys: list[str] = field(default_factory=list)  # the document's issuer fingerprint, from its reading
    # a classified file: the types it may be, then the documents found in it (one part: the record's template,
    # fields and confidence are that part's)
    candidates: list[CandidateType] = field(default_factory=list)
    parts: list[common_pb2.DocumentPart] = field(default_factory=list)
    one_document: bool = False  # a classification: the whole file is one document (no split)

    @property
    def fields_template(self) -> templates_pb2.Template | None:
        """The template its fields were read with: its own, or the candidate its one part was classified as."""
        if self.template_snapshot is not None:
            return self.template_snapshot
        return next((c.template for c in self.candidates if c.template.id and c.template.id == self.template_id), None)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECORD_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_RECORD_STATUSES

    def result_fields(self) -> list[str]:
        """The flattened field names of a completed record's result: the export's columns."""
        if self.status != RecordStatus.COMPLETED:
            return []
        if len(self.parts) > 1:  # each part is a row of its own: the columns of all of them
            names: dict[str, None] = {}
            for part in self.parts:
                names.update(dict.fromkeys(flatten(struct_to_dict(part.processing_result))))
            return list(names)
        return list(flatten(self.processing_result or {}))


@dataclass
class Batch:
    """Files uploaded together. Its counters count each final record once; its status and progress are
    always those its counters give."""

    id: str
    name: str
    organization_id: str
    project_id: str
    total_files: int
    created_at: datetime
    updated_at: datetime
    user_id: str = ""
    template_id: str | None = None
    template_name: str | None = None
    metadata: JsonObject = field(default_factory=dict)
    priority: str = "medium"
    locale: str = ""  # the BCP 47 locale given at upload (canonical); "" when none was
    completed_files: int = 0
    failed_files: int = 0
    status: BatchStatus = BatchStatus.UPLOADING
    upload_ids: list[str] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    result_fields: list[str] = field(default_factory=list)
    counted_seqs: set[int] = field(default_factory=set)  # its records counted into it, each once, by their seq
    description: str = ""
    waiting_files: int = 0  # declared documents whose bytes have not come yet
    # a declared batch's template, given to each record when its document comes (not copied 5000 times)
    template_snapshot: templates_pb2.Template | None = None
    candidates: list[CandidateType] = field(default_factory=list)  # a declared portfolio batch's types
    deleted_at: datetime | None = None
    # a streamed upload is still sending files: the batch is hidden, and uploading whatever its counters say
    # (its files are queued as they are stored, so results may be counted before the upload ends)
    receiving: bool = False
    version: int = 0  # bumped by every stored change; a change is stored only over the version it was made on
    # a single-document extraction's own webhook: url, payload, secret and extractionId (called once it is final)
    document_webhook: JsonObject | None = None

    def start_processing(self, at: datetime) -> None:
        """Every file is stored: the batch moves on from uploading, to whatever its counters say."""
        self._settle(at)

    def close_upload(self, upload_ids: list[str], record_ids: list[str], at: datetime) -> bool:
        """A streamed upload ended with these files: the batch shows, with its totals and the status its
        counters give (final already if every file was read while the upload went on)."""
        self.receiving = False
        self.upload_ids, self.record_ids = list(upload_ids), list(record_ids)
        self.total_files = len(record_ids)
        self._settle(at)
        return True

    def count(self, record: Record, at: datetime) -> bool:
        """Counts a final record into the batch, at most once; False when there was nothing to change."""
        if not record.is_final or record.seq in self.counted_seqs:
            return False
        self.counted_seqs.add(record.seq)
        if record.status == RecordStatus.COMPLETED:
            self.completed_files += 1
            self.result_fields += [name for name in record.result_fields() if name not in self.result_fields]
        else:
            self.failed_files += 1
        self._settle(at)
        return True

    def uncount(self, record: Record, was: RecordStatus, at: datetime) -> bool:
        """Takes a record that was final (`was`: failed or completed) back out of the counters (it is being read
        again); False if it was not counted."""
        if record.seq not in self.counted_seqs:
            return False
        self.counted_seqs.discard(record.seq)
        if was == RecordStatus.COMPLETED:
            self.completed_files -= 1
        else:
            self.failed_files -= 1
        self._settle(at)
        return True

    def document_uploaded(self, upload_id: str, at: datetime) -> bool:
        """One declared document's bytes came (as this upload): it waits no more."""
        if self.waiting_files <= 0:
            return False
        self.waiting_files -= 1
        self.upload_ids.append(upload_id)
        self._settle(at)
        return True

    @property
    def progress(self) -> float:
        return progress(self.total_files, self.completed_files, self.failed_files)

    def counted_status(self) -> BatchStatus:
        """The status its counters give (uploading while a streamed upload still sends files)."""
        if self.receiving:
            return BatchStatus.UPLOADING
        return batch_status(self.total_files, self.completed_files, self.failed_files, self.waiting_files)

    def _settle(self, at: datetime) -> None:
        self.status = self.counted_status()
        self.updated_at = at

    def progress_event(self) -> JsonObject:
        """What WebSocket subscribers are told when the batch moves."""
        return {
            "event": "batch_progress_updated",
            "batchId": self.id,
            "totalFiles": self.total_files,
            "completedFiles": self.completed_files,
            "failedFiles": self.failed_files,
            "progress": self.progress,
            "status": self.status.value,
        }


@dataclass(frozen=True)
class RecordQuery:
    """Processing-history filters; None means no filter."""

    status: str | None = None
    template_id: str | None = None
    created_from: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    search: str | None = None  # file or template name, case-insensitive substring
    batch_id: str | None = None
    needs_review: bool | None = None  # completed records flagged (True) or not (False) for review
    oldest_first: bool = False  # createdAt ascending (a review queue) instead of newest first


@dataclass
class Organization:
    id: str
    name: str
    credits: int
    created_at: datetime


@dataclass
class Project:
    id: str
    organization_id: str
    name: str
    created_at: datetime
    locale: str = ""  # BCP 47 (canonical): how its documents are read when nothing more specific tells


@dataclass(frozen=True)
class ProjectChanges:
    """What an operator changes on a project; None keeps the current value."""

    name: str | None = None
    locale: str | None = None  # "" removes it


@dataclass
class User:
    """A person of an organization who signs in with email and password (stored as a scrypt hash)."""

    id: str
    organization_id: str
    email: str
    name: str
    password_hash: str
    created_at: datetime
    disabled_at: datetime | None = None


@dataclass
class ApiKey:
    """A key's stored form: only the SHA-256 of the secret is kept (the secret is shown once, at creation)."""

    id: str
    organization_id: str
    project_id: str | None
    name: str
    key_hash: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None
