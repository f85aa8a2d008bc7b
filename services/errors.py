"""Domain errors: what went wrong, in words a person can act on.

Domain code raises these and knows nothing of gRPC; the runtime maps each class to a
status code in one place (`services.runtime.status`).
"""

from __future__ import annotations


class StitchError(Exception):
    """Base of every error meant for the caller, not a bug."""

    def __init__(self, message: str, *, field: str | None = None, retry_after_s: float = 0):
        super().__init__(message)
        self.message = message
        #: The request field at fault, for INVALID_ARGUMENT details.
        self.field = field
        #: A hint for UNAVAILABLE: how long to wait before retrying.
        self.retry_after_s = retry_after_s


class InvalidArgument(StitchError):
    """The request is wrong (name the `field`); retrying it unchanged will not help."""


class NotFound(StitchError):
    """The thing asked for does not exist (or no longer does)."""


class AlreadyExists(StitchError):
    """Creating something that exists already."""


class FailedPrecondition(StitchError):
    """The system is not in a state that allows this (e.g. no active capture project)."""


class ResourceExhausted(StitchError):
    """Too large, too many, or the disk is full."""


class PermissionDenied(StitchError):
    """The caller is known but may not do this."""


class Unauthenticated(StitchError):
    """No valid credentials."""


class Unavailable(StitchError):
    """Temporarily unable; the caller should retry with backoff."""


class Cancelled(StitchError):
    """The work was cancelled on request."""
