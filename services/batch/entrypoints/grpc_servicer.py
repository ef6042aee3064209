"""gRPC edge of the batch service: BatchService, AuthService and JobFileService; errors mapped to codes here."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import grpc

from ocrbatch.v1 import (
    batch_pb2,
    batch_pb2_grpc,
    common_pb2,
    jobs_pb2,
    jobs_pb2_grpc,
    templates_pb2,
    templates_pb2_grpc,
    tenancy_pb2,
    tenancy_pb2_grpc,
)
from services.batch.adapters.store import Scope, Store
from services.batch.entrypoints.convert import (
    api_key_to_proto,
    batch_to_proto,
    organization_to_proto,
    project_to_proto,
    record_to_proto,
)
from services.batch.errors import (
    BatchServiceError,
    InsufficientCredits,
    InvalidArgument,
    NotFound,
    TooLarge,
    Unauthenticated,
)
from services.batch.service import auth, history
from services.batch.service.results import ResultApplier
from services.batch.service.templates import Templates
from services.batch.service.tenancy import Tenancy
from services.batch.service.uploads import BatchUpload, JobPublisher
from services.common.convert import batch_status_name, record_status_name, struct_to_dict

_CODES: dict[type[BatchServiceError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    TooLarge: grpc.StatusCode.RESOURCE_EXHAUSTED,
    InsufficientCredits: grpc.StatusCode.FAILED_PRECONDITION,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
}
REASON_KEY = "ocrbatch-reason"  # trailing metadata the gateway maps to 413, 402 …
MAX_PAGE_SIZE = 100


def _code(exc: BatchServiceError) -> grpc.StatusCode:
    return next((code for cls, code in _CODES.items() if isinstance(exc, cls)), grpc.StatusCode.INTERNAL)


async def _abort(context: grpc.aio.ServicerContext, exc: BatchServiceError) -> None:
    metadata = ((REASON_KEY, exc.reason),) if exc.reason else ()
    await context.abort(_code(exc), str(exc), trailing_metadata=metadata)


def mapped_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turns the service's exceptions into gRPC status codes, for unary and streaming handlers alike."""
    if inspect.isasyncgenfunction(method):

        @functools.wraps(method)
        async def stream_wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            try:
                async for item in method(self, request, context):
                    yield item
            except BatchServiceError as exc:
                await _abort(context, exc)

        return stream_wrapper

    @functools.wraps(method)
    async def unary_wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await method(self, request, context)
        except BatchServiceError as exc:
            await _abort(context, exc)

    return unary_wrapper


def _paging(page: int, limit: int, *, default_limit: int) -> tuple[int, int]:
    """0 means the default; anything else out of range is refused."""
    page, limit = page or 1, limit or default_limit
    if page < 1:
        raise InvalidArgument("page must be 1 or more")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    return page, limit


def _pagination(page: int, limit: int, total: int) -> common_pb2.Pagination:
    return common_pb2.Pagination(page=page, limit=limit, total=total, pages=math.ceil(total / limit))


def _scope(msg: common_pb2.Scope) -> Scope:
    if not msg.organization_id or not msg.project_id:
        raise InvalidArgument("projectId is required")
    return Scope(msg.organization_id, msg.project_id, msg.user_id)


class BatchServicer(batch_pb2_grpc.BatchServiceServicer):
    def __init__(
        self,
        store: Store,
        jobs: JobPublisher,
        templates: Templates,
        applier: ResultApplier,
        *,
        max_files: int,
        max_file_bytes: int,
    ) -> None:
        self._store = store
        self._jobs = jobs
        self._templates = templates
        self._applier = applier
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes

    @mapped_errors
    async def CreateBatch(
        self, request_iterator: AsyncIterator[batch_pb2.CreateBatchRequest], context: Any
    ) -> common_pb2.Batch:
        upload = BatchUpload(
            self._store, self._jobs, self._templates, max_files=self._max_files, max_file_bytes=self._max_file_bytes
        )
        try:
            async for request in request_iterator:
                part = request.WhichOneof("part")
                if part == "header":
                    h = request.header
                    metadata = struct_to_dict(h.metadata) if h.HasField("metadata") else {}
                    await upload.start(_scope(h.scope), h.name, h.template_id, metadata, h.priority)
                elif part == "file":
                    await upload.begin_file(request.file.file_name, request.file.mime_type)
                elif part == "chunk":
                    await upload.write(request.chunk)
            batch = await upload.finish()
        except BaseException:  # an error or a cancelled client: leave nothing behind
            await upload.abort()
            raise
        return batch_to_proto(batch)

    @mapped_errors
    async def GetBatch(self, request: batch_pb2.GetBatchRequest, context: Any) -> common_pb2.Batch:
        doc = await self._store.get_batch(_scope(request.scope), request.batch_id)
        if doc is None:
            raise NotFound(f"batch {request.batch_id} not found")
        return batch_to_proto(doc)

    @mapped_errors
    async def ListBatches(self, request: batch_pb2.ListBatchesRequest, context: Any) -> batch_pb2.ListBatchesResponse:
        page, limit = _paging(request.page, request.limit, default_limit=20)
        status = batch_status_name(request.status) if request.status else None
        docs, total = await self._store.list_batches(_scope(request.scope), page, limit, status)
        return batch_pb2.ListBatchesResponse(
            data=[batch_to_proto(d) for d in docs], pagination=_pagination(page, limit, total)
        )

    @mapped_errors
    async def DeleteBatch(self, request: batch_pb2.DeleteBatchRequest, context: Any) -> common_pb2.Batch:
        doc = await self._store.soft_delete_batch(_scope(request.scope), request.batch_id, datetime.now(UTC))
        if doc is None:
            raise NotFound(f"batch {request.batch_id} not found")
        return batch_to_proto(doc)

    @mapped_errors
    async def GetRecord(self, request: batch_pb2.GetRecordRequest, context: Any) -> common_pb2.Record:
        doc = await self._store.get_record(_scope(request.scope), request.record_id)
        if doc is None:
            raise NotFound(f"processing record {request.record_id} not found")
        return record_to_proto(doc)

    @mapped_errors
    async def StreamRecords(
        self, request: batch_pb2.StreamRecordsRequest, context: Any
    ) -> AsyncIterator[common_pb2.Record]:
        scope = _scope(request.scope)
        if await self._store.get_batch(scope, request.batch_id) is None:
            raise NotFound(f"batch {request.batch_id} not found")
        status = record_status_name(request.status) if request.status else None
        async for doc in self._store.stream_records(
            scope, request.batch_id, status, request.include_text, request.include_pages, max(request.limit, 0)
        ):
            yield record_to_proto(doc)

    @mapped_errors
    async def ListRecords(self, request: batch_pb2.ListRecordsRequest, context: Any) -> batch_pb2.ListRecordsResponse:
        page, limit = _paging(request.page, request.limit, default_limit=10)
        query = history.record_query(
            record_status_name(request.status) if request.status else None,
            request.template_id,
            request.from_date,
            request.to_date,
            request.search,
            request.batch_id,
            request.needs_review if request.HasField("needs_review") else None,
        )
        docs, total = await self._store.list_records(_scope(request.scope), query, page, limit)
        return batch_pb2.ListRecordsResponse(
            data=[record_to_proto(d) for d in docs], pagination=_pagination(page, limit, total)
        )

    @mapped_errors
    async def RecordStats(self, request: batch_pb2.RecordStatsRequest, context: Any) -> batch_pb2.RecordStatsResponse:
        return batch_pb2.RecordStatsResponse(**await history.stats(self._store, _scope(request.scope)))

    @mapped_errors
    async def RetryRecord(self, request: batch_pb2.GetRecordRequest, context: Any) -> common_pb2.Record:
        doc = await history.retry(self._store, self._jobs, self._applier, _scope(request.scope), request.record_id)
        return record_to_proto(doc)


class TemplateServicer(templates_pb2_grpc.TemplateServiceServicer):
    def __init__(self, templates: Templates) -> None:
        self._templates = templates

    @mapped_errors
    async def CreateTemplate(self, request: templates_pb2.SaveTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._templates.create(_scope(request.scope), request.template)

    @mapped_errors
    async def GetTemplate(self, request: templates_pb2.GetTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._templates.get(_scope(request.scope), request.template_id)

    @mapped_errors
    async def ListTemplates(
        self, request: templates_pb2.ListTemplatesRequest, context: Any
    ) -> templates_pb2.ListTemplatesResponse:
        return templates_pb2.ListTemplatesResponse(data=await self._templates.list(_scope(request.scope)))

    @mapped_errors
    async def UpdateTemplate(self, request: templates_pb2.SaveTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._templates.update(_scope(request.scope), request.template)

    @mapped_errors
    async def DeleteTemplate(self, request: templates_pb2.GetTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._templates.delete(_scope(request.scope), request.template_id)


class AuthServicer(batch_pb2_grpc.AuthServiceServicer):
    def __init__(self, store: Store) -> None:
        self._store = store

    @mapped_errors
    async def CheckProject(
        self, request: batch_pb2.CheckProjectRequest, context: Any
    ) -> batch_pb2.CheckProjectResponse:
        exists = await self._store.project_exists(request.organization_id, request.project_id)
        return batch_pb2.CheckProjectResponse(exists=exists)

    @mapped_errors
    async def Authenticate(self, request: batch_pb2.AuthenticateRequest, context: Any) -> batch_pb2.Principal:
        key = await auth.authenticate(self._store, request.api_key)
        return batch_pb2.Principal(
            organization_id=key["organizationId"],
            project_id=key.get("projectId") or "",
            key_id=key["id"],
            user_id=key.get("userId") or "",
        )


class AdminServicer(tenancy_pb2_grpc.AdminServiceServicer):
    """Organizations, projects, keys and credits: the operator's CLI (`ocrbatch admin`) is its client."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._tenancy = Tenancy(store)

    @mapped_errors
    async def CreateOrganization(self, request: tenancy_pb2.CreateOrganizationRequest, context: Any) -> Any:
        return organization_to_proto(await self._tenancy.create_organization(request.name, request.credits))

    @mapped_errors
    async def ListOrganizations(self, request: tenancy_pb2.ListOrganizationsRequest, context: Any) -> Any:
        docs = await self._store.list_organizations()
        return tenancy_pb2.ListOrganizationsResponse(data=[organization_to_proto(d) for d in docs])

    @mapped_errors
    async def AddCredits(self, request: tenancy_pb2.AddCreditsRequest, context: Any) -> Any:
        return organization_to_proto(await self._tenancy.add_credits(request.organization_id, request.credits))

    @mapped_errors
    async def CreateProject(self, request: tenancy_pb2.CreateProjectRequest, context: Any) -> Any:
        return project_to_proto(await self._tenancy.create_project(request.organization_id, request.name))

    @mapped_errors
    async def ListProjects(self, request: tenancy_pb2.ListProjectsRequest, context: Any) -> Any:
        docs = await self._store.list_projects(request.organization_id)
        return tenancy_pb2.ListProjectsResponse(data=[project_to_proto(d) for d in docs])

    @mapped_errors
    async def CreateApiKey(self, request: tenancy_pb2.CreateApiKeyRequest, context: Any) -> Any:
        doc, secret = await self._tenancy.create_api_key(request.organization_id, request.project_id, request.name)
        return tenancy_pb2.CreatedApiKey(key=api_key_to_proto(doc), secret=secret)

    @mapped_errors
    async def ListApiKeys(self, request: tenancy_pb2.ListApiKeysRequest, context: Any) -> Any:
        docs = await self._store.list_api_keys(request.organization_id)
        return tenancy_pb2.ListApiKeysResponse(data=[api_key_to_proto(d) for d in docs])

    @mapped_errors
    async def RevokeApiKey(self, request: tenancy_pb2.RevokeApiKeyRequest, context: Any) -> Any:
        return api_key_to_proto(await self._tenancy.revoke_api_key(request.key_id))


class JobFileServicer(jobs_pb2_grpc.JobFileServiceServicer):
    """Internal: workers read a job's file here; they never open the database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @mapped_errors
    async def ReadJobFile(
        self, request: jobs_pb2.ReadJobFileRequest, context: Any
    ) -> AsyncIterator[jobs_pb2.FileChunk]:
        record = await self._store.get_record_unscoped(request.record_id)
        if record is None:
            raise NotFound(f"processing record {request.record_id} not found")
        async for chunk in self._store.read_blob(record["blobId"]):
            yield jobs_pb2.FileChunk(data=chunk)
