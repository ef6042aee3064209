from ocrbatch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExportRecordsRequest(_message.Message):
    __slots__ = ("scope", "record_ids", "format")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_IDS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    record_ids: _containers.RepeatedScalarFieldContainer[str]
    format: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., record_ids: _Optional[_Iterable[str]] = ..., format: _Optional[str] = ...) -> None: ...

class ExportBatchRequest(_message.Message):
    __slots__ = ("scope", "batch_id", "format")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    batch_id: str
    format: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., batch_id: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class ExportRecordRequest(_message.Message):
    __slots__ = ("scope", "record_id", "format")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    record_id: str
    format: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., record_id: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class ExportChunk(_message.Message):
    __slots__ = ("file", "data")
    FILE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    file: ExportFile
    data: bytes
    def __init__(self, file: _Optional[_Union[ExportFile, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class ExportFile(_message.Message):
    __slots__ = ("content_type", "file_name")
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    file_name: str
    def __init__(self, content_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...
