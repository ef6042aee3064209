import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BatchStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BATCH_STATUS_UNSPECIFIED: _ClassVar[BatchStatus]
    BATCH_STATUS_UPLOADING: _ClassVar[BatchStatus]
    BATCH_STATUS_PROCESSING: _ClassVar[BatchStatus]
    BATCH_STATUS_COMPLETED: _ClassVar[BatchStatus]
    BATCH_STATUS_PARTIALLY_FAILED: _ClassVar[BatchStatus]
    BATCH_STATUS_FAILED: _ClassVar[BatchStatus]

class RecordStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECORD_STATUS_UNSPECIFIED: _ClassVar[RecordStatus]
    RECORD_STATUS_PENDING: _ClassVar[RecordStatus]
    RECORD_STATUS_QUEUED: _ClassVar[RecordStatus]
    RECORD_STATUS_IN_PROGRESS: _ClassVar[RecordStatus]
    RECORD_STATUS_COMPLETED: _ClassVar[RecordStatus]
    RECORD_STATUS_FAILED: _ClassVar[RecordStatus]
    RECORD_STATUS_WAITING: _ClassVar[RecordStatus]
BATCH_STATUS_UNSPECIFIED: BatchStatus
BATCH_STATUS_UPLOADING: BatchStatus
BATCH_STATUS_PROCESSING: BatchStatus
BATCH_STATUS_COMPLETED: BatchStatus
BATCH_STATUS_PARTIALLY_FAILED: BatchStatus
BATCH_STATUS_FAILED: BatchStatus
RECORD_STATUS_UNSPECIFIED: RecordStatus
RECORD_STATUS_PENDING: RecordStatus
RECORD_STATUS_QUEUED: RecordStatus
RECORD_STATUS_IN_PROGRESS: RecordStatus
RECORD_STATUS_COMPLETED: RecordStatus
RECORD_STATUS_FAILED: RecordStatus
RECORD_STATUS_WAITING: RecordStatus

class Scope(_message.Message):
    __slots__ = ("organization_id", "project_id", "user_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    project_id: str
    user_id: str
    def __init__(self, organization_id: _Optional[str] = ..., project_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class Point(_message.Message):
    __slots__ = ("x", "y")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ...) -> None: ...

class Line(_message.Message):
    __slots__ = ("text", "confidence", "box", "inverted")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    INVERTED_FIELD_NUMBER: _ClassVar[int]
    text: str
    confidence: float
    box: _containers.RepeatedCompositeFieldContainer[Point]
    inverted: bool
    def __init__(self, text: _Optional[str] = ..., confidence: _Optional[float] = ..., box: _Optional[_Iterable[_Union[Point, _Mapping]]] = ..., inverted: _Optional[bool] = ...) -> None: ...

class Page(_message.Message):
    __slots__ = ("number", "width", "height", "source", "lines", "alphabet", "rotation")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    ALPHABET_FIELD_NUMBER: _ClassVar[int]
    ROTATION_FIELD_NUMBER: _ClassVar[int]
    number: int
    width: int
    height: int
    source: str
    lines: _containers.RepeatedCompositeFieldContainer[Line]
    alphabet: str
    rotation: int
    def __init__(self, number: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., source: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[Line, _Mapping]]] = ..., alphabet: _Optional[str] = ..., rotation: _Optional[int] = ...) -> None: ...

class Batch(_message.Message):
    __slots__ = ("id", "name", "organization_id", "project_id", "user_id", "template_id", "template_name", "metadata", "total_files", "completed_files", "failed_files", "status", "progress", "upload_ids", "processing_history_ids", "created_at", "updated_at", "result_fields", "description", "waiting_files", "locale", "webhook_secret", "portfolio_doc_types")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FILES_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FILES_FIELD_NUMBER: _ClassVar[int]
    FAILED_FILES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_IDS_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_HISTORY_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    WAITING_FILES_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_SECRET_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_DOC_TYPES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    organization_id: str
    project_id: str
    user_id: str
    template_id: str
    template_name: str
    metadata: _struct_pb2.Struct
    total_files: int
    completed_files: int
    failed_files: int
    status: BatchStatus
    progress: float
    upload_ids: _containers.RepeatedScalarFieldContainer[str]
    processing_history_ids: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    result_fields: _containers.RepeatedScalarFieldContainer[str]
    description: str
    waiting_files: int
    locale: str
    webhook_secret: str
    portfolio_doc_types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., organization_id: _Optional[str] = ..., project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., template_id: _Optional[str] = ..., template_name: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., total_files: _Optional[int] = ..., completed_files: _Optional[int] = ..., failed_files: _Optional[int] = ..., status: _Optional[_Union[BatchStatus, str]] = ..., progress: _Optional[float] = ..., upload_ids: _Optional[_Iterable[str]] = ..., processing_history_ids: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., result_fields: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., waiting_files: _Optional[int] = ..., locale: _Optional[str] = ..., webhook_secret: _Optional[str] = ..., portfolio_doc_types: _Optional[_Iterable[str]] = ...) -> None: ...

class Record(_message.Message):
    __slots__ = ("id", "upload_id", "batch_id", "project_id", "user_id", "file_name", "file_url", "file_path", "file_size", "mime_type", "status", "template_id", "template_name", "result_format", "priority", "processing_result", "text", "pages", "attempts", "error", "started_at", "completed_at", "created_at", "updated_at", "organization_id", "field_details", "retried_at", "needs_review", "reviewed_at", "reviewed_by", "field_names", "quality", "page_range", "pages_done", "pages_total", "doc_type", "candidate_types", "parts", "one_document")
    ID_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_URL_FIELD_NUMBER: _ClassVar[int]
    FILE_PATH_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    RESULT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_RESULT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_DETAILS_FIELD_NUMBER: _ClassVar[int]
    RETRIED_AT_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    FIELD_NAMES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    PAGE_RANGE_FIELD_NUMBER: _ClassVar[int]
    PAGES_DONE_FIELD_NUMBER: _ClassVar[int]
    PAGES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    DOC_TYPE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_TYPES_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    ONE_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    id: str
    upload_id: str
    batch_id: str
    project_id: str
    user_id: str
    file_name: str
    file_url: str
    file_path: str
    file_size: int
    mime_type: str
    status: RecordStatus
    template_id: str
    template_name: str
    result_format: str
    priority: str
    processing_result: _struct_pb2.Struct
    text: str
    pages: _containers.RepeatedCompositeFieldContainer[Page]
    attempts: int
    error: str
    started_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    organization_id: str
    field_details: _struct_pb2.Struct
    retried_at: _timestamp_pb2.Timestamp
    needs_review: bool
    reviewed_at: _timestamp_pb2.Timestamp
    reviewed_by: str
    field_names: _containers.RepeatedScalarFieldContainer[str]
    quality: str
    page_range: str
    pages_done: int
    pages_total: int
    doc_type: str
    candidate_types: _containers.RepeatedScalarFieldContainer[str]
    parts: _containers.RepeatedCompositeFieldContainer[DocumentPart]
    one_document: bool
    def __init__(self, id: _Optional[str] = ..., upload_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., file_name: _Optional[str] = ..., file_url: _Optional[str] = ..., file_path: _Optional[str] = ..., file_size: _Optional[int] = ..., mime_type: _Optional[str] = ..., status: _Optional[_Union[RecordStatus, str]] = ..., template_id: _Optional[str] = ..., template_name: _Optional[str] = ..., result_format: _Optional[str] = ..., priority: _Optional[str] = ..., processing_result: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., text: _Optional[str] = ..., pages: _Optional[_Iterable[_Union[Page, _Mapping]]] = ..., attempts: _Optional[int] = ..., error: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., organization_id: _Optional[str] = ..., field_details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., retried_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., needs_review: _Optional[bool] = ..., reviewed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reviewed_by: _Optional[str] = ..., field_names: _Optional[_Iterable[str]] = ..., quality: _Optional[str] = ..., page_range: _Optional[str] = ..., pages_done: _Optional[int] = ..., pages_total: _Optional[int] = ..., doc_type: _Optional[str] = ..., candidate_types: _Optional[_Iterable[str]] = ..., parts: _Optional[_Iterable[_Union[DocumentPart, _Mapping]]] = ..., one_document: _Optional[bool] = ...) -> None: ...

class DocumentPart(_message.Message):
    __slots__ = ("id", "type", "template_id", "template_name", "start_page", "end_page", "confidence", "scores", "processing_result", "field_details", "field_names", "needs_review")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    START_PAGE_FIELD_NUMBER: _ClassVar[int]
    END_PAGE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_RESULT_FIELD_NUMBER: _ClassVar[int]
    FIELD_DETAILS_FIELD_NUMBER: _ClassVar[int]
    FIELD_NAMES_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    template_id: str
    template_name: str
    start_page: int
    end_page: int
    confidence: float
    scores: _struct_pb2.Struct
    processing_result: _struct_pb2.Struct
    field_details: _struct_pb2.Struct
    field_names: _containers.RepeatedScalarFieldContainer[str]
    needs_review: bool
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., template_id: _Optional[str] = ..., template_name: _Optional[str] = ..., start_page: _Optional[int] = ..., end_page: _Optional[int] = ..., confidence: _Optional[float] = ..., scores: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., processing_result: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., field_details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., field_names: _Optional[_Iterable[str]] = ..., needs_review: _Optional[bool] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ("page", "limit", "total", "pages")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    total: int
    pages: int
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., total: _Optional[int] = ..., pages: _Optional[int] = ...) -> None: ...
