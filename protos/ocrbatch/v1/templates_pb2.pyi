import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ocrbatch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegexRule(_message.Message):
    __slots__ = ("pattern",)
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    pattern: str
    def __init__(self, pattern: _Optional[str] = ...) -> None: ...

class LabelRule(_message.Message):
    __slots__ = ("labels", "exclude_labels", "role")
    LABELS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_LABELS_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.RepeatedScalarFieldContainer[str]
    exclude_labels: _containers.RepeatedScalarFieldContainer[str]
    role: str
    def __init__(self, labels: _Optional[_Iterable[str]] = ..., exclude_labels: _Optional[_Iterable[str]] = ..., role: _Optional[str] = ...) -> None: ...

class TableColumn(_message.Message):
    __slots__ = ("name", "headers", "type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    headers: _containers.RepeatedScalarFieldContainer[str]
    type: str
    def __init__(self, name: _Optional[str] = ..., headers: _Optional[_Iterable[str]] = ..., type: _Optional[str] = ...) -> None: ...

class TableRule(_message.Message):
    __slots__ = ("columns", "stop_labels")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    STOP_LABELS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[TableColumn]
    stop_labels: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, columns: _Optional[_Iterable[_Union[TableColumn, _Mapping]]] = ..., stop_labels: _Optional[_Iterable[str]] = ...) -> None: ...

class FieldRule(_message.Message):
    __slots__ = ("regex", "label", "table")
    REGEX_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    regex: RegexRule
    label: LabelRule
    table: TableRule
    def __init__(self, regex: _Optional[_Union[RegexRule, _Mapping]] = ..., label: _Optional[_Union[LabelRule, _Mapping]] = ..., table: _Optional[_Union[TableRule, _Mapping]] = ...) -> None: ...

class TemplateField(_message.Message):
    __slots__ = ("name", "type", "rule", "optional")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    rule: FieldRule
    optional: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., rule: _Optional[_Union[FieldRule, _Mapping]] = ..., optional: _Optional[bool] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("id", "project_id", "name", "result_format", "fields", "builtin", "key_values", "created_at", "updated_at", "description", "review_threshold", "locale", "quality", "type_words")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESULT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    KEY_VALUES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    TYPE_WORDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    name: str
    result_format: str
    fields: _containers.RepeatedCompositeFieldContainer[TemplateField]
    builtin: bool
    key_values: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    description: str
    review_threshold: float
    locale: str
    quality: str
    type_words: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., name: _Optional[str] = ..., result_format: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[TemplateField, _Mapping]]] = ..., builtin: _Optional[bool] = ..., key_values: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., description: _Optional[str] = ..., review_threshold: _Optional[float] = ..., locale: _Optional[str] = ..., quality: _Optional[str] = ..., type_words: _Optional[_Iterable[str]] = ...) -> None: ...

class SaveTemplateRequest(_message.Message):
    __slots__ = ("scope", "template")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    template: Template
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("scope", "template_id")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    template_id: str
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ..., template_id: _Optional[str] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("scope",)
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    scope: _common_pb2.Scope
    def __init__(self, scope: _Optional[_Union[_common_pb2.Scope, _Mapping]] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[Template]
    def __init__(self, data: _Optional[_Iterable[_Union[Template, _Mapping]]] = ...) -> None: ...
