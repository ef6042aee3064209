import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ocrbatch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeclareBatchRequest(_message.Message):
    __slots__ = ("scope", "document_names", "doc_type", "description", "configuration", "locale", "page_range", "document_url", "webhook", "portfolio_doc_types", "classify")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    DOC_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONFIGURATION_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    PAGE_RANGE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_URL_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_DOC_TYPES_FIELD_NUMBER: _ClassVar[int]
    CLASSIFY_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    document_names: _containers.RepeatedScalarFieldContainer[str]
    doc_type: str
    description: str
    configuration: str
    locale: str
    page_range: str
    document_url: str
    webhook: DocumentWebhook
    portfolio_doc_types: _containers.RepeatedScalarFieldContainer[str]
    classify: bool
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., document_names: _Optional[_Iterable[str]] = ..., doc_type: _Optional[str] = ..., description: _Optional[str] = ..., configuration: _Optional[str] = ..., locale: _Optional[str] = ..., page_range: _Optional[str] = ..., document_url: _Optional[str] = ..., webhook: _Optional[_Union[DocumentWebhook, _Mapping]] = ..., portfolio_doc_types: _Optional[_Iterable[str]] = ..., classify: _Optional[bool] = ...) -> None: ...

class DocumentWebhook(_message.Message):
    __slots__ = ("url", "payload")
    URL_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    url: str
    payload: str
    def __init__(self, url: _Optional[str] = ..., payload: _Optional[str] = ...) -> None: ...

class UpdateBatchRequest(_message.Message):
    __slots__ = ("scope", "batch_id", "description")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    batch_id: str
    description: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., batch_id: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DocumentHeader(_message.Message):
    __slots__ = ("batch_id", "index", "mime_type")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    index: int
    mime_type: str
    def __init__(self, batch_id: _Optional[str] = ..., index: _Optional[int] = ..., mime_type: _Optional[str] = ...) -> None: ...

class UploadDocumentRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: DocumentHeader
    chunk: bytes
    def __init__(self, header: _Optional[_Union[DocumentHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class CheckProjectRequest(_message.Message):
    __slots__ = ("organization_id", "project_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    project_id: str
    def __init__(self, organization_id: _Optional[str] = ..., project_id: _Optional[str] = ...) -> None: ...

class CheckProjectResponse(_message.Message):
    __slots__ = ("exists",)
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    exists: bool
    def __init__(self, exists: _Optional[bool] = ...) -> None: ...

class BatchHeader(_message.Message):
    __slots__ = ("scope", "name", "template_id", "metadata", "priority", "file_count", "locale", "quality", "page_range", "template_ids")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    FILE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    PAGE_RANGE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_IDS_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    name: str
    template_id: str
    metadata: _struct_pb2.Struct
    priority: str
    file_count: int
    locale: str
    quality: str
    page_range: str
    template_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., name: _Optional[str] = ..., template_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., priority: _Optional[str] = ..., file_count: _Optional[int] = ..., locale: _Optional[str] = ..., quality: _Optional[str] = ..., page_range: _Optional[str] = ..., template_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class FileHeader(_message.Message):
    __slots__ = ("file_name", "mime_type")
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    mime_type: str
    def __init__(self, file_name: _Optional[str] = ..., mime_type: _Optional[str] = ...) -> None: ...

class CreateBatchRequest(_message.Message):
    __slots__ = ("header", "file", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: BatchHeader
    file: FileHeader
    chunk: bytes
    def __init__(self, header: _Optional[_Union[BatchHeader, _Mapping]] = ..., file: _Optional[_Union[FileHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class GetBatchRequest(_message.Message):
    __slots__ = ("scope", "batch_id")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    batch_id: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., batch_id: _Optional[str] = ...) -> None: ...

class ListBatchesRequest(_message.Message):
    __slots__ = ("scope", "page", "limit", "status")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    page: int
    limit: int
    status: _common_pb2.BatchStatus
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., page: _Optional[int] = ..., limit: _Optional[int] = ..., status: _Optional[_Union[_common_pb2.BatchStatus, str]] = ...) -> None: ...

class ListBatchesResponse(_message.Message):
    __slots__ = ("data", "pagination")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[_common_pb2.Batch]
    pagination: _common_pb2.Pagination
    def __init__(self, data: _Optional[_Iterable[_Union[_common_pb2.Batch, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ...) -> None: ...

class DeleteBatchRequest(_message.Message):
    __slots__ = ("scope", "batch_id")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    batch_id: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., batch_id: _Optional[str] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("scope", "record_id")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    record_id: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., record_id: _Optional[str] = ...) -> None: ...

class StreamRecordsRequest(_message.Message):
    __slots__ = ("scope", "batch_id", "status", "include_text", "include_pages", "limit")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TEXT_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PAGES_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    batch_id: str
    status: _common_pb2.RecordStatus
    include_text: bool
    include_pages: bool
    limit: int
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., batch_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.RecordStatus, str]] = ..., include_text: _Optional[bool] = ..., include_pages: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class RetryRecordRequest(_message.Message):
    __slots__ = ("scope", "record_id", "discard_corrections", "actor")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    DISCARD_CORRECTIONS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    record_id: str
    discard_corrections: bool
    actor: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., record_id: _Optional[str] = ..., discard_corrections: _Optional[bool] = ..., actor: _Optional[str] = ...) -> None: ...

class CorrectRecordRequest(_message.Message):
    __slots__ = ("scope", "record_id", "fields", "approve", "actor")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    record_id: str
    fields: _struct_pb2.Struct
    approve: bool
    actor: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., record_id: _Optional[str] = ..., fields: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., approve: _Optional[bool] = ..., actor: _Optional[str] = ...) -> None: ...

class Correction(_message.Message):
    __slots__ = ("record_id", "field", "old_value", "new_value", "by", "at", "kind")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    field: str
    old_value: _struct_pb2.Value
    new_value: _struct_pb2.Value
    by: str
    at: _timestamp_pb2.Timestamp
    kind: str
    def __init__(self, record_id: _Optional[str] = ..., field: _Optional[str] = ..., old_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., new_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., by: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., kind: _Optional[str] = ...) -> None: ...

class ListCorrectionsResponse(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[Correction]
    def __init__(self, data: _Optional[_Iterable[_Union[Correction, _Mapping]]] = ...) -> None: ...

class AuthenticateRequest(_message.Message):
    __slots__ = ("api_key", "user_id")
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    api_key: str
    user_id: str
    def __init__(self, api_key: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("email", "password")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class Principal(_message.Message):
    __slots__ = ("organization_id", "project_id", "key_id", "user_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    project_id: str
    key_id: str
    user_id: str
    def __init__(self, organization_id: _Optional[str] = ..., project_id: _Optional[str] = ..., key_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListRecordsRequest(_message.Message):
    __slots__ = ("scope", "page", "limit", "status", "template_id", "from_date", "to_date", "search", "batch_id", "needs_review", "oldest_first")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    OLDEST_FIRST_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    page: int
    limit: int
    status: _common_pb2.RecordStatus
    template_id: str
    from_date: str
    to_date: str
    search: str
    batch_id: str
    needs_review: bool
    oldest_first: bool
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., page: _Optional[int] = ..., limit: _Optional[int] = ..., status: _Optional[_Union[_common_pb2.RecordStatus, str]] = ..., template_id: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., search: _Optional[str] = ..., batch_id: _Optional[str] = ..., needs_review: _Optional[bool] = ..., oldest_first: _Optional[bool] = ...) -> None: ...

class ListRecordsResponse(_message.Message):
    __slots__ = ("data", "pagination")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[_common_pb2.Record]
    pagination: _common_pb2.Pagination
    def __init__(self, data: _Optional[_Iterable[_Union[_common_pb2.Record, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ...) -> None: ...

class RecordStatsRequest(_message.Message):
    __slots__ = ("scope",)
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ...) -> None: ...

class RecordStatsResponse(_message.Message):
    __slots__ = ("total", "pending", "processing", "completed", "failed", "needs_review")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    total: int
    pending: int
    processing: int
    completed: int
    failed: int
    needs_review: int
    def __init__(self, total: _Optional[int] = ..., pending: _Optional[int] = ..., processing: _Optional[int] = ..., completed: _Optional[int] = ..., failed: _Optional[int] = ..., needs_review: _Optional[int] = ...) -> None: ...
