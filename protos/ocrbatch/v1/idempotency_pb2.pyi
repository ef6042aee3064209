from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class KeyOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEY_OUTCOME_UNSPECIFIED: _ClassVar[KeyOutcome]
    KEY_OUTCOME_CLAIMED: _ClassVar[KeyOutcome]
    KEY_OUTCOME_REPLAY: _ClassVar[KeyOutcome]
    KEY_OUTCOME_IN_PROGRESS: _ClassVar[KeyOutcome]
    KEY_OUTCOME_MISMATCH: _ClassVar[KeyOutcome]
KEY_OUTCOME_UNSPECIFIED: KeyOutcome
KEY_OUTCOME_CLAIMED: KeyOutcome
KEY_OUTCOME_REPLAY: KeyOutcome
KEY_OUTCOME_IN_PROGRESS: KeyOutcome
KEY_OUTCOME_MISMATCH: KeyOutcome

class ClaimKeyRequest(_message.Message):
    __slots__ = ("organization_id", "key", "fingerprint")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    key: str
    fingerprint: str
    def __init__(self, organization_id: _Optional[str] = ..., key: _Optional[str] = ..., fingerprint: _Optional[str] = ...) -> None: ...

class ClaimKeyResponse(_message.Message):
    __slots__ = ("outcome", "claim", "response", "renew_every_s")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    RENEW_EVERY_S_FIELD_NUMBER: _ClassVar[int]
    outcome: KeyOutcome
    claim: str
    response: StoredResponse
    renew_every_s: float
    def __init__(self, outcome: _Optional[_Union[KeyOutcome, str]] = ..., claim: _Optional[str] = ..., response: _Optional[_Union[StoredResponse, _Mapping]] = ..., renew_every_s: _Optional[float] = ...) -> None: ...

class StoredResponse(_message.Message):
    __slots__ = ("status_code", "content_type", "body")
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    status_code: int
    content_type: str
    body: bytes
    def __init__(self, status_code: _Optional[int] = ..., content_type: _Optional[str] = ..., body: _Optional[bytes] = ...) -> None: ...

class FinishKeyRequest(_message.Message):
    __slots__ = ("organization_id", "key", "claim", "response")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    key: str
    claim: str
    response: StoredResponse
    def __init__(self, organization_id: _Optional[str] = ..., key: _Optional[str] = ..., claim: _Optional[str] = ..., response: _Optional[_Union[StoredResponse, _Mapping]] = ...) -> None: ...

class ReleaseKeyRequest(_message.Message):
    __slots__ = ("organization_id", "key", "claim")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    key: str
    claim: str
    def __init__(self, organization_id: _Optional[str] = ..., key: _Optional[str] = ..., claim: _Optional[str] = ...) -> None: ...

class KeyReply(_message.Message):
    __slots__ = ("applied",)
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    applied: bool
    def __init__(self, applied: _Optional[bool] = ...) -> None: ...
