"""The one exception hierarchy of Unforgotten.

Every error a coordinator can meet is one of these. They are raised deep inside engines and services and are
translated only at the edge: the CLI prints ``str(error)`` on one line with exit code ``error.exit_code``; the API
returns ``application/problem+json`` with ``error.http_status``. A message says what happened, where (file, row,
column, value) and what to do about it.

A message or hint a person reads is a :class:`Text`: a plain ``str`` holding the English words (what logs, tests
and ``str(error)`` see) that also keeps its template and values, so that an edge (a page, the API, the CLI) can say
it in the reader's language with ``error.say(gettext)``. Only templates are translated; values are data (a file
name, a record id, a row) shown as they are — unless a value is itself a :class:`Text`, a phrase, which is said in
the same language. ``pybabel extract -k Text`` finds the templates.

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

from collections.abc import Callable, Iterable
from typing import Any, Self

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
    "Text",
    "TransitionError",
    "UnavailableError",
    "UnforgottenError",
    "say",
]


Gettext = Callable[[str], str]


class Text(str):
    """A translatable message: its value is the English text, ``template.format(**values)``.

    ``pybabel extract -k Text`` finds the templates. Translators see the named placeholders (``{list_id}``) and may
    move them; conversions and format specs (``{value!r}``, ``{seconds:g}``) work as in :meth:`str.format`.

    Examples:
        >>> message = Text("list {list_id} is {owner}'s", list_id=7, owner="UA")
        >>> message == "list 7 is UA's", message.template, message.values
        (True, "list {list_id} is {owner}'s", {'list_id': 7, 'owner': 'UA'})
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Self:
        self = super().__new__(cls, template.format(**values))
        self.template = template
        self.values = values
        return self

    @classmethod
    def joined(cls, separator: str, parts: Iterable[str]) -> Text:
        """``separator.join(parts)`` that keeps each part's template (a list of reasons, each said in the language)."""
        listed = list(parts)
        return cls(
            separator.join(f"{{p{i}}}" for i in range(len(listed))), **{f"p{i}": p for i, p in enumerate(listed)}
        )

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (a job's error crossing a process) with its template
        return _text, (self.template, self.values)

    def say(self, gettext: Gettext) -> str:
        """The text in the language of ``gettext``: the template translated, then filled with the values."""
        values = {name: say(value, gettext) if isinstance(value, str) else value for name, value in self.values.items()}
        try:
            return gettext(self.template).format(**values)
        except (IndexError, KeyError, ValueError):  # a catalogue's template that does not fit: English, not a crash
            return self.template.format(**values)


def _text(template: str, values: dict[str, Any]) -> Text:
    return Text(template, **values)


def say(text: str, gettext: Gettext) -> str:
    """``text`` in the language of ``gettext`` when it is a :class:`Text`; any other string as it is."""
    return text.say(gettext) if isinstance(text, Text) else text


_compose = Text  # a Text whose template holds only placeholders and punctuation: nothing for extraction to find


class UnforgottenError(Exception):
    """Base of every error Unforgotten raises on purpose."""

    exit_code: int = 1
    http_status: int = 500
    title: str = "Unforgotten error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} — {hint}")

    def say(self, gettext: Gettext) -> tuple[str, str | None]:
        """The message and the hint in the language of ``gettext`` (``translations(language).gettext``)."""
        return say(self.message, gettext), None if self.hint is None else say(self.hint, gettext)


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
        parts = [
            part
            for part in (
                Text("file {file}", file=file) if file else None,
                Text("row {row}", row=row) if row is not None else None,
                Text("column {column!r}", column=column) if column else None,
                Text("value {value!r}", value=value) if value is not None else None,
            )
            if part is not None
        ]
        if parts:  # the words of the suffix are translated, its values are not; not marked: it holds no words
            message = _compose("{message} ({where})", message=message, where=Text.joined(", ", parts))
        super().__init__(message, hint=hint)


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
        super().__init__(
            message if sql is None else Text("{message}\nFailing SQL:\n{sql}", message=message, sql=sql), hint=hint
        )


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
