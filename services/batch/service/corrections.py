"""Use cases of people's corrections: correct and approve a record, list its changes, and give every job the
examples its project's corrections taught (the worker uses those of the document's issuer)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import jobs_pb2, templates_pb2
from services.batch.domain.corrections import (
    Anchor,
    Change,
    Example,
    FieldCorrection,
    anchor_of,
    rejected_anchor,
    with_corrections,
)
from services.batch.domain.model import Record, Scope
from services.batch.domain.rules import RecordStatus
from services.batch.errors import Conflict, InvalidArgument
from services.batch.ports import Batches, Corrections, JobPublisher
from services.batch.service.access import record_in_scope
from services.common.convert import to_value
from services.common.examples import EXAMPLES_PER_ISSUER_FIELD, EXAMPLES_PER_JOB
from services.common.field_values import FieldValueError, field_value
from services.common.issuers import issuer_agreement
from services.common.templates import needs_review

# Fields whose value is the same on all of an issuer's documents — its name (the issuer and legal-name roles) and
# its currency — and whose corrected value is learned as the issuer's where the page does not print it (a logo).
# Any other field's value changes from document to document: an example of it says where it is printed.
ISSUER_ROLES = ("issuer", "legal_name")
ISSUER_TYPES = ("currency",)
EXAMPLES_CACHED_S = 2.0  # a project's examples are read once per this many seconds while its jobs are published
ISSUERS_COMPARED = 1000  # a new example's issuer is looked for among the project's latest this many examples


class RecordReview:
    def __init__(self, batches: Batches, corrections: Corrections, learned: LearnedExamples | None = None) -> None:
        self._batches = batches
        self._corrections = corrections
        self._learned = learned

    async def correct(self, scope: Scope, record_id: str, fields: dict[str, Any], approve: bool, actor: str) -> Record:
        """Sets people's values of a completed record's fields (each read by its type) and/or approves it; logs
        each change and learns an example from each corrected field."""
        record = await record_in_scope(self._batches, scope, record_id)
        if record.status != RecordStatus.COMPLETED:
            raise InvalidArgument(f"only completed records can be corrected; this one is {record.status.value}")
        if not fields and not approve:
            raise InvalidArgument("nothing to do: give fields to correct, or approve: true")
        if fields and len(record.parts) > 1:
            raise InvalidArgument(
                f"this file holds {len(record.parts)} documents (parts): their fields cannot be corrected yet"
            )
        template = record.fields_template or templates_pb2.Template()
        if fields and template.key_values:
            raise InvalidArgument("a generic (key-values) template has no fields to correct: approve it as it is")
        values = _read_values(template, fields)
        at = datetime.now(UTC)
        result, details = record.processing_result or {}, record.field_details or {}
        changes: list[Change] = []
        corrected: dict[str, FieldCorrection] = {}
        examples: list[Example] = []
        untaught: list[str] = []  # fields whose new value teaches nothing: what an earlier value taught goes
        for f in (f for f in template.fields if f.name in values):
            value, extracted = values[f.name], details.get(f.name)
            placed = value is not None and f.rule.WhichOneof("kind") != "table"  # a table teaches no place
            anchor = anchor_of(f.type, value, extracted, record.pages) if placed else None
            corrected[f.name] = FieldCorrection(
                value, actor, at, anchor.page if anchor else None, anchor.box if anchor else None
            )
            changes.append(_change(record, "correction", actor, at, f.name, result.get(f.name), value))
            example = None
            if placed:
                rejected = rejected_anchor(f.type, value, extracted, record.pages, anchor)
                example = taught_example(record, f, value, anchor, at, rejected)
            if example is not None:
                examples.append(example)
            else:
                untaught.append(f.name)
        record.corrections |= corrected
        record.processing_result, record.field_details = with_corrections(result, details, corrected)
        if approve:
            record.needs_review, record.reviewed_at, record.reviewed_by = False, at, actor
            changes.append(_change(record, "approval", actor, at))
        elif template.fields:  # a corrected field is sure; a cleared required one is missing
            record.needs_review = needs_review(template, record.field_details)
        if not await self._batches.save_review(record, at):
            raise Conflict("the record changed meanwhile (another correction, or it is being read again): reload it")
        await self._corrections.log(changes)
        for example in examples:
            await self._keep(example)
        if untaught:
            await self._corrections.forget_record(record.id, untaught)
        if (examples or untaught) and self._learned is not None:
            self._learned.forget(record.organization_id, record.project_id)
        return record

    async def forget_batch(self, scope: Scope, batch_id: str) -> None:
        """A deleted batch's records teach nothing any more: their examples go, and jobs published from now on
        carry them no longer."""
        await self._corrections.forget_batch(batch_id)
        if self._learned is not None:
            self._learned.forget(scope.organization_id, scope.project_id)

    async def changes(self, scope: Scope, record_id: str) -> list[Change]:
        await record_in_scope(self._batches, scope, record_id)
        return await self._corrections.changes(record_id)

    async def _keep(self, example: Example) -> None:
        """Stores an example under its issuer: the one whose examples' fingerprints agree most with it, else a
        new one; only the latest few of an issuer and field are kept."""
        known = await self._corrections.examples(example.organization_id, example.project_id, ISSUERS_COMPARED)
        agreeing = [(issuer_agreement(e.issuer_keys, example.issuer_keys), e.issuer_id) for e in known]
        best = max(agreeing, key=lambda pair: pair[0], default=(0.0, ""))  # the latest among equals
        example.issuer_id = best[1] if best[0] > 0 else uuid.uuid4().hex
        await self._corrections.keep_example(example, EXAMPLES_PER_ISSUER_FIELD)


def _read_values(template: templates_pb2.Template, fields: dict[str, Any]) -> dict[str, Any]:
    by_name = {f.name: f for f in template.fields}
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        f = by_name.get(name)
        if f is None:
            known = ", ".join(by_name) or "none"
            raise InvalidArgument(f"fields.{name}: not a field of the record's template (its fields: {known})")
        try:
            values[name] = field_value(f, raw)
        except FieldValueError as exc:
            raise InvalidArgument(f"fields.{name}: {exc}") from None
    return values


def _change(
    record: Record, kind: str, by: str, at: datetime, name: str = "", old: Any = None, new: Any = None
) -> Change:
    return Change(record.id, record.organization_id, record.project_id, record.batch_id, kind, by, at, name, old, new)


def taught_example(
    record: Record,
    f: templates_pb2.TemplateField,
    value: Any,
    anchor: Anchor | None,
    at: datetime,
    rejected: Anchor | None = None,
) -> Example | None:
    """What a corrected field teaches: where the page prints the value, or — for a value an issuer prints the
    same every time, which this page does not (a logo) — the value itself, as the issuer's."""
    of_the_issuer = f.rule.label.role in ISSUER_ROLES or f.type in ISSUER_TYPES
    if not record.issuer_keys or (anchor is None and not of_the_issuer):
        return None
    example = Example(
        record.organization_id, record.project_id, record.id, record.batch_id, f.name, value, record.issuer_keys, at
    )
    example.template_id = record.template_id or ""
    if anchor is not None:
        example.printed, example.label, example.how = True, anchor.label, anchor.how
        example.x, example.y, example.format, example.text = anchor.x, anchor.y, anchor.format, anchor.text
        example.rejected = rejected
    return example


def example_message(example: Example) -> jobs_pb2.Example:
    return jobs_pb2.Example(
        template_id=example.template_id,
        field=example.field,
        value=to_value(example.value),
        issuer_keys=example.issuer_keys,
        printed=example.printed,
        label=example.label,
        how=example.how,
        x=example.x,
        y=example.y,
        format=example.format,
        text=example.text,
        **(
            {
                "rejected": True,
                "rejected_label": example.rejected.label,
                "rejected_how": example.rejected.how,
                "rejected_x": example.rejected.x,
                "rejected_y": example.rejected.y,
                "rejected_format": example.rejected.format,
            }
            if example.rejected is not None
            else {}
        ),
    )


class LearnedExamples:
    """A project's examples as jobs carry them, read at most once per EXAMPLES_CACHED_S while jobs are
    published (a 5,000-file upload reads them a few times, not 5,000)."""

    def __init__(self, corrections: Corrections) -> None:
        self._corrections = corrections
        self._cache: dict[tuple[str, str], tuple[float, list[jobs_pb2.Example]]] = {}

    async def of(self, organization_id: str, project_id: str) -> list[jobs_pb2.Example]:
        key = (organization_id, project_id)
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < EXAMPLES_CACHED_S:
            return cached[1]
        found = await self._corrections.examples(organization_id, project_id, EXAMPLES_PER_JOB)
        messages = [example_message(e) for e in found]
        self._cache[key] = (time.monotonic(), messages)
        return messages

    def forget(self, organization_id: str, project_id: str) -> None:
        """A correction in this process taught something: the next job reads the project's examples again."""
        self._cache.pop((organization_id, project_id), None)


class JobsWithExamples:
    """A JobPublisher that gives each job the examples its project's corrections taught."""

    def __init__(self, jobs: JobPublisher, learned: LearnedExamples) -> None:
        self._jobs = jobs
        self._learned = learned

    async def publish_job(self, job: jobs_pb2.OcrJob) -> None:
        if job.organization_id and job.project_id and not job.examples:
            job.examples.extend(await self._learned.of(job.organization_id, job.project_id))
        await self._jobs.publish_job(job)
