"""What a use case refuses, and why. The API maps each class to one HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

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


class Unavailable(ServiceError):
    """The change could not be committed (it was rolled back): try again."""

    status = 503
