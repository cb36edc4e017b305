"""What a use case refuses, and why. The API maps each class to one HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    #: seconds before a retry may succeed (the answer's Retry-After), when known
    retry_after_s: float | None = None

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(f"{field}: {reason}" if field else reason)


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """The request is valid but the current state does not allow it."""

    status = 409


class Invalid(ServiceError):
    status = 422


class RateLimited(ServiceError):
    status = 429

    def __init__(self, reason: str, *, retry_after_s: float) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class Busy(ServiceError):
    """Too much of this work is under way already: refused at once rather than queued."""

    status = 503

    def __init__(self, reason: str, *, retry_after_s: float) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class Unavailable(ServiceError):
    """The change could not be committed (it was rolled back): try again."""

    status = 503
