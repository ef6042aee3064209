"""The batch service's exception tree; mapped to gRPC status codes once, in entrypoints/grpc/errors.py."""


class BatchServiceError(Exception):
    """Base class: the message is safe to show to the API caller; `reason` travels as gRPC trailing metadata."""

    reason = ""


class InvalidArgument(BatchServiceError):
    pass


class NotFound(BatchServiceError):
    pass


class TooLarge(BatchServiceError):
    reason = "too_large"


class InsufficientCredits(BatchServiceError):
    reason = "insufficient_credits"


class Unauthenticated(BatchServiceError):
    pass


class AlreadyUploaded(BatchServiceError):
    """A declared document's upload URL was used already: a link is good for one upload (403 at the gateway)."""

    reason = "already_uploaded"


class Conflict(BatchServiceError):
    """The thing changed while the request was made (another correction, a new reading): 409 at the gateway."""


class NotYours(BatchServiceError):
    """The thing exists, but in another organization or project than the caller's: 401 at the gateway."""
