"""What the job routes answer (the same shape for the API and for the progress page's polling)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["JobProgress", "JobRead"]


class JobProgress(BaseModel):
    done: int  # rows read and stored so far
    total: int | None  # rows expected: estimated from a text file's lines while reading, exact once read; else null


class JobRead(BaseModel):
    id: int
    state: str  # queued | running | done | failed
    phase: str  # queued, starting, reading, linking, done, failed
    progress: JobProgress
    list_id: int | None  # the list made, once done
    error: str | None  # why it failed, as the reader or the import said it
