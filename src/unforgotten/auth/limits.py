"""Failed sign-ins: each one is an audit event, and a client that fails too often is refused for a while.

Kept in the process's memory (a sliding window per client address): with several web workers each counts its
own, so the effective limit is per worker — still enough to turn guessing a 256-bit token from slow into absurd.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from unforgotten.db import Database
from unforgotten.errors import RateLimitedError, Text

__all__ = ["SignInLimiter"]


class SignInLimiter:
    """Refuse a client after ``limit`` failures within ``window`` seconds, until the oldest falls out."""

    def __init__(self, *, limit: int = 10, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures[client]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def check(self, client: str) -> None:
        """Raise RateLimitedError while the client is over the limit."""
        with self._lock:
            failures = self._recent(client, time.monotonic())
            if len(failures) >= self.limit:
                wait = int(self.window - (time.monotonic() - failures[0])) + 1
                raise RateLimitedError(
                    Text("too many failed sign-ins from this address"),
                    hint=Text("try again in {wait} seconds", wait=wait),
                )

    def failed(self, client: str, database: Database, *, where: str) -> None:
        """Count a failure and chain an ``auth.failed`` event (the client address, never the credential)."""
        from unforgotten.audit.service import record_access

        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())
        record_access(
            database, actor=f"anonymous@{client}", action="auth.failed", subject_type="auth", subject_id=None,
            details={"where": where, "client": client},
        )  # fmt: skip
