"""The one exception hierarchy of Unforgotten.

Every error a coordinator can meet is one of these. They are raised deep inside engines and services and are
translated only at the edge: the CLI prints ``str(error)`` on one line with exit code ``error.exit_code``; the API
returns ``application/problem+json`` with ``error.http_status``. A message says what happened, where (file, row,
column, value) and what to do about it.

::

    UnforgottenError
    ├── InputError                  the user's input cannot be used as given            (exit 2, HTTP 422)
    │   ├── FileReadError           a file cannot be read at all                        (exit 3)
    │   ├── MappingError            columns cannot be mapped to the canonical ones
    │   └── RuleError               an agreement or category rule is malformed
    ├── NotFoundError               a named object does not exist                       (exit 4, HTTP 404)
    ├── PermissionDeniedError       the actor's role or party does not allow this       (exit 5, HTTP 403)
    │   ├── AuthenticationError     no credential, or a bad, expired or revoked one     (exit 5, HTTP 401)
    │   │   └── SecondFactorMissingError  right password, but the role needs a code and none is enrolled
    │   └── RateLimitedError        too many failed sign-ins from one place; wait       (exit 5, HTTP 429)
    ├── ConflictError               the action contradicts the current state            (exit 6, HTTP 409)
    │   └── TransitionError         a case-status transition that the state machine forbids
    ├── IntegrityError              stored data fails a check (audit chain, accounting) (exit 7, HTTP 500)
    │   └── AuditChainError         the event hash chain is broken at a named event
    ├── LinkageError                the linkage engine failed; carries the failing SQL  (exit 8, HTTP 500)
    ├── ConfigurationError          settings are unusable (e.g. default secret in prod) (exit 9, HTTP 500)
    └── UnavailableError            the database is busy or away; try again            (exit 10, HTTP 503)
"""

from __future__ import annotations

__all__ = [
    "AuditChainError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "FileReadError",
    "InputError",
    "IntegrityError",
    "LinkageError",
    "MappingError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RuleError",
    "SecondFactorMissingError",
    "TransitionError",
    "UnavailableError",
    "UnforgottenError",
]


class UnforgottenError(Exception):
    """Base of every error Unforgotten raises on purpose."""

    exit_code: int = 1
    http_status: int = 500
    title: str = "Unforgotten error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} — {hint}")


class InputError(UnforgottenError):
    """The user's input cannot be used as given."""

    exit_code = 2
    http_status = 422
    title = "Invalid input"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.value = file, row, column, value
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
                f"value {value!r}" if value is not None else "",
            )
            if part
        )
        super().__init__(f"{message} ({where})" if where else message, hint=hint)


class FileReadError(InputError):
    """A file cannot be read at all (missing, unknown format, undecodable)."""

    exit_code = 3
    title = "File cannot be read"


class MappingError(InputError):
    """The file's columns cannot be mapped to the canonical list columns."""

    title = "Columns cannot be mapped"


class RuleError(InputError):
    """An agreement or category rule is malformed."""

    title = "Invalid rule"


class NotFoundError(UnforgottenError):
    """A named object does not exist."""

    exit_code = 4
    http_status = 404
    title = "Not found"


class PermissionDeniedError(UnforgottenError):
    """The actor's role or party does not allow this action."""

    exit_code = 5
    http_status = 403
    title = "Permission denied"


class AuthenticationError(PermissionDeniedError):
    """No credential was given, or it is wrong, expired or revoked: who is asking is unknown."""

    http_status = 401
    title = "Authentication required"


class SecondFactorMissingError(AuthenticationError):
    """The password was right, but the role needs a one-time code and the user has no authenticator enrolled.

    Only someone who knows the password meets it, so it may say what to do where a wrong password may not.
    """

    title = "Second factor not enrolled"


class RateLimitedError(PermissionDeniedError):
    """Too many failed sign-ins from one client in a short time."""

    http_status = 429
    title = "Too many attempts"


class ConflictError(UnforgottenError):
    """The action contradicts the current state."""

    exit_code = 6
    http_status = 409
    title = "Conflict"


class TransitionError(ConflictError):
    """A case-status transition that the state machine forbids."""

    title = "Transition not allowed"


class IntegrityError(UnforgottenError):
    """Stored data fails a check that must always hold."""

    exit_code = 7
    http_status = 500
    title = "Integrity check failed"


class AuditChainError(IntegrityError):
    """The audit event hash chain is broken; ``event_id`` names the first bad event."""

    title = "Audit chain broken"

    def __init__(self, message: str, *, event_id: int | None, hint: str | None = None) -> None:
        self.event_id = event_id
        super().__init__(message, hint=hint)


class LinkageError(UnforgottenError):
    """The linkage engine failed; ``sql`` holds the failing statement when there is one."""

    exit_code = 8
    http_status = 500
    title = "Linkage failed"

    def __init__(self, message: str, *, sql: str | None = None, hint: str | None = None) -> None:
        self.sql = sql
        super().__init__(message if sql is None else f"{message}\nFailing SQL:\n{sql}", hint=hint)


class ConfigurationError(UnforgottenError):
    """Settings are unusable."""

    exit_code = 9
    http_status = 500
    title = "Configuration error"


class UnavailableError(UnforgottenError):
    """The database is busy (other writers for longer than the wait) or unreachable: nothing was changed."""

    exit_code = 10
    http_status = 503
    title = "Temporarily unavailable"
