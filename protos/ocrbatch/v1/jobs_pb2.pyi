import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ocrbatch.v1 import common_pb2 as _common_pb2
from ocrbatch.v1 import templates_pb2 as _templates_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResultKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_KIND_UNSPECIFIED: _ClassVar[ResultKind]
    RESULT_KIND_STARTED: _ClassVar[ResultKind]
    RESULT_KIND_COMPLETED: _ClassVar[ResultKind]
    RESULT_KIND_FAILED: _ClassVar[ResultKind]
    RESULT_KIND_PROGRESS: _ClassVar[ResultKind]
RESULT_KIND_UNSPECIFIED: ResultKind
RESULT_KIND_STARTED: ResultKind
RESULT_KIND_COMPLETED: ResultKind
RESULT_KIND_FAILED: ResultKind
RESULT_KIND_PROGRESS: ResultKind

class OcrJob(_message.Message):
    __slots__ = ("record_id", "batch_id", "upload_id", "file_name", "mime_type", "file_size", "template_id", "priority", "generation", "template", "locale", "locale_source", "examples", "organization_id", "project_id", "quality", "page_range", "candidates", "one_document")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    LOCALE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    PAGE_RANGE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    ONE_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    batch_id: str
    upload_id: str
    file_name: str
    mime_type: str
    file_size: int
    template_id: str
    priority: str
    generation: int
    template: _templates_pb2.Template
    locale: str
    locale_source: str
    examples: _containers.RepeatedCompositeFieldContainer[Example]
    organization_id: str
    project_id: str
    quality: str
    page_range: str
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    one_document: bool
    def __init__(self, record_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., upload_id: _Optional[str] = ..., file_name: _Optional[str] = ..., mime_type: _Optional[str] = ..., file_size: _Optional[int] = ..., template_id: _Optional[str] = ..., priority: _Optional[str] = ..., generation: _Optional[int] = ..., template: _Optional[_Union[_templates_pb2.Template, _Mapping]] = ..., locale: _Optional[str] = ..., locale_source: _Optional[str] = ..., examples: _Optional[_Iterable[_Union[Example, _Mapping]]] = ..., organization_id: _Optional[str] = ..., project_id: _Optional[str] = ..., quality: _Optional[str] = ..., page_range: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ..., one_document: _Optional[bool] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("type", "template")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    type: str
    template: _templates_pb2.Template
    def __init__(self, type: _Optional[str] = ..., template: _Optional[_Union[_templates_pb2.Template, _Mapping]] = ...) -> None: ...

class Example(_message.Message):
    __slots__ = ("field", "value", "issuer_keys", "printed", "label", "how", "x", "y", "format", "rejected", "rejected_label", "rejected_how", "rejected_x", "rejected_y", "rejected_format", "template_id", "text")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ISSUER_KEYS_FIELD_NUMBER: _ClassVar[int]
    PRINTED_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    HOW_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_LABEL_FIELD_NUMBER: _ClassVar[int]
    REJECTED_HOW_FIELD_NUMBER: _ClassVar[int]
    REJECTED_X_FIELD_NUMBER: _ClassVar[int]
    REJECTED_Y_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FORMAT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: _struct_pb2.Value
    issuer_keys: _containers.RepeatedScalarFieldContainer[str]
    printed: bool
    label: str
    how: str
    x: float
    y: float
    format: str
    rejected: bool
    rejected_label: str
    rejected_how: str
    rejected_x: float
    rejected_y: float
    rejected_format: str
    template_id: str
    text: str
    def __init__(self, field: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., issuer_keys: _Optional[_Iterable[str]] = ..., printed: _Optional[bool] = ..., label: _Optional[str] = ..., how: _Optional[str] = ..., x: _Optional[float] = ..., y: _Optional[float] = ..., format: _Optional[str] = ..., rejected: _Optional[bool] = ..., rejected_label: _Optional[str] = ..., rejected_how: _Optional[str] = ..., rejected_x: _Optional[float] = ..., rejected_y: _Optional[float] = ..., rejected_format: _Optional[str] = ..., template_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class OcrResult(_message.Message):
    __slots__ = ("record_id", "batch_id", "generation", "kind", "delivery", "text", "pages", "processing_result", "error", "worker_id", "at", "field_details", "needs_review", "issuer_keys", "field_names", "quality", "pages_done", "pages_total", "parts")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    FIELD_DETAILS_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    ISSUER_KEYS_FIELD_NUMBER: _ClassVar[int]
    FIELD_NAMES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    PAGES_DONE_FIELD_NUMBER: _ClassVar[int]
    PAGES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    batch_id: str
    generation: int
    kind: ResultKind
    delivery: int
    text: str
    pages: _containers.RepeatedCompositeFieldContainer[_common_pb2.Page]
    processing_result: _struct_pb2.Struct
    error: str
    worker_id: str
    at: _timestamp_pb2.Timestamp
    field_details: _struct_pb2.Struct
    needs_review: bool
    issuer_keys: _containers.RepeatedScalarFieldContainer[str]
    field_names: _containers.RepeatedScalarFieldContainer[str]
    quality: str
    pages_done: int
    pages_total: int
    parts: _containers.RepeatedCompositeFieldContainer[_common_pb2.DocumentPart]
    def __init__(self, record_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., generation: _Optional[int] = ..., kind: _Optional[_Union[ResultKind, str]] = ..., delivery: _Optional[int] = ..., text: _Optional[str] = ..., pages: _Optional[_Iterable[_Union[_common_pb2.Page, _Mapping]]] = ..., processing_result: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., error: _Optional[str] = ..., worker_id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., field_details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., needs_review: _Optional[bool] = ..., issuer_keys: _Optional[_Iterable[str]] = ..., field_names: _Optional[_Iterable[str]] = ..., quality: _Optional[str] = ..., pages_done: _Optional[int] = ..., pages_total: _Optional[int] = ..., parts: _Optional[_Iterable[_Union[_common_pb2.DocumentPart, _Mapping]]] = ...) -> None: ...

class ReadJobFileRequest(_message.Message):
    __slots__ = ("record_id", "start")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    start: JobStart
    def __init__(self, record_id: _Optional[str] = ..., start: _Optional[_Union[JobStart, _Mapping]] = ...) -> None: ...

class JobStart(_message.Message):
    __slots__ = ("generation", "delivery", "at")
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    generation: int
    delivery: int
    at: _timestamp_pb2.Timestamp
    def __init__(self, generation: _Optional[int] = ..., delivery: _Optional[int] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FileChunk(_message.Message):
    __slots__ = ("data", "file_name", "mime_type")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    file_name: str
    mime_type: str
    def __init__(self, data: _Optional[bytes] = ..., file_name: _Optional[str] = ..., mime_type: _Optional[str] = ...) -> None: ...
