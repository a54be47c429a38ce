"""The job runner: one background thread per web process, running one job at a time.

Why a thread and not a separate worker: the embedded mode is one process on SQLite, and a list upload is the only
long job; a thread that survives as long as the app needs no other service to deploy. Several web workers on
PostgreSQL each run one, and the conditional claim (:func:`service.claim`) gives every job to exactly one.

Surviving a restart: a job is imported and marked done in one transaction, so a process that dies mid-import
leaves nothing of it but the job row in ``running``. At start, such jobs are put back in the queue and run again
from the stored file — the import starts from nothing, as the first attempt's writes were rolled back. On
PostgreSQL a running job's runner holds an advisory lock on it (released by the server when its connection dies),
so a starting worker requeues only the jobs no live worker holds; on SQLite there is one process, so every
``running`` job at start is abandoned.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text

from unforgotten.db import Database, domain_error
from unforgotten.errors import UnavailableError, UnforgottenError
from unforgotten.jobs import service
from unforgotten.jobs.models import Job, JobState

__all__ = ["JobRunner"]

log = logging.getLogger(__name__)

_LOCK_CLASS = 72_170_002  # advisory-lock namespace of running jobs (the audit chain uses 72_170_001)
_WRITE_EVERY = 1.0  # seconds between progress writes to the database (PostgreSQL; see _Progress)
_ESTIMATED = (".csv", ".tsv", ".txt")  # text files whose line count estimates their rows before reading


class _Progress:
    """A running job's progress: kept in memory for this process's pages, and on PostgreSQL written (at most once
    a second, in its own transaction) for the other workers'. SQLite cannot take that write: the import's own
    transaction holds the database's only write lock until it commits — and SQLite serves one process anyway."""

    def __init__(self, runner: JobRunner, job_id: int, total: int | None) -> None:
        self.runner, self.job_id = runner, job_id
        self.done, self.total, self.phase = 0, total, "starting"
        self._written = 0.0

    def rows(self, done: int) -> None:
        self.done = done
        if self.total is not None and done > self.total:
            self.total = done  # the line count was an estimate (quoted cells may hold line breaks)
        self._publish()

    def step(self, phase: str) -> None:
        self.phase = phase
        if phase == "linking":
            self.total = self.done  # every row is read and stored
        self._publish(force=True)

    def _publish(self, *, force: bool = False) -> None:
        with self.runner._lock:
            self.runner._live[self.job_id] = (self.done, self.total, self.phase)
        now = time.monotonic()
        postgres = self.runner.database.engine.dialect.name == "postgresql"
        if not postgres or (not force and now - self._written < _WRITE_EVERY):
            return
        self._written = now
        try:
            with self.runner.database.engine.begin() as connection:
                service.write_progress(connection, job_id=self.job_id, done=self.done, total=self.total,
                                       phase=self.phase)  # fmt: skip
        except Exception:  # progress is a courtesy: a failed write must not fail the import
            log.warning("could not write the progress of job %s", self.job_id, exc_info=True)


def _estimate_rows(path: Path) -> int | None:
    """Rows of a delimited text file, from its line breaks less the header; None for other formats."""
    if path.suffix.lower() not in _ESTIMATED:
        return None
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


class JobRunner:
    """Runs queued jobs in a daemon thread; :meth:`run_next` runs one in the caller's thread (tests, tools)."""

    def __init__(self, database: Database, *, poll_seconds: float = 2.0) -> None:
        self.database = database
        self.poll_seconds = poll_seconds  # how soon a job queued by another worker is noticed
        self._lock = threading.Lock()
        self._live: dict[int, tuple[int, int | None, str]] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Requeue what a dead process left running, then run queued jobs in the background until :meth:`stop`."""
        self.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="unforgotten-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after its current job; wait for it a while."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """A job was queued here: look now instead of at the next poll."""
        self._wake.set()

    def live(self, job_id: int) -> tuple[int, int | None, str] | None:
        """This process's newest progress of a running job (done, total, phase), if it runs here."""
        with self._lock:
            return self._live.get(job_id)

    def _loop(self) -> None:
        self._warm_up()
        while not self._stop.is_set():
            try:
                ran = self.run_next()
            except Exception as error:  # keep the thread whatever happened, and try again at the next poll
                if isinstance(domain_error(error), UnavailableError):
                    # The database away a moment (a restart, a failover) is expected, not a bug: one line that
                    # says so, no traceback an operator would take for a crash.
                    log.warning("the job runner could not reach the database (%s); it tries again in %.0f s",
                                str(error).splitlines()[0], self.poll_seconds)  # fmt: skip
                else:
                    log.exception("the job runner failed to take a job")
                ran = False
            if not ran:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    @staticmethod
    def _warm_up() -> None:
        """Import the linkage libraries and build the name lexicons in this thread, before the first job, so that
        the first upload after a start runs as fast as the next. Imported here, not at the top: `serve` and the
        pages must not wait for pandas. A failure is logged; the job that needs linking will raise it itself."""
        try:
            from unforgotten.linkage import warm_up

            warm_up()
        except Exception:
            log.warning("the job runner could not prepare linkage ahead of the first job", exc_info=True)

    # -- recovery -----------------------------------------------------------------------------------------------
    def recover(self) -> list[int]:
        """Put back in the queue the jobs left ``running`` by a process that is gone; return their ids."""
        with self.database.read() as session:
            running = [job.id for job in service.get_by_state(session=session, state=JobState.RUNNING)]
        abandoned = [job_id for job_id in running if not self._held_elsewhere(job_id)]
        if not abandoned:
            return []
        with self.database.unit_of_work(actor="jobs:runner", reason="restart") as uow:
            requeued = service.requeue(session=uow.session, job_ids=abandoned,
                                       reason="its process ended before the job did; it runs again")  # fmt: skip
            uow.commit()
        log.info("requeued jobs left running: %s", requeued)
        return requeued

    def _held_elsewhere(self, job_id: int) -> bool:
        if self.database.engine.dialect.name != "postgresql":
            return False  # one process per SQLite database: nothing else can be running it
        with self.database.engine.connect() as connection:
            got = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:c, :j)"), {"c": _LOCK_CLASS, "j": job_id}))
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:c, :j)"), {"c": _LOCK_CLASS, "j": job_id})
            connection.commit()
        return not got

    @contextmanager
    def _holding(self, job_id: int) -> Iterator[None]:
        """Hold the job's advisory lock (PostgreSQL) while it runs, on a connection of its own."""
        if self.database.engine.dialect.name != "postgresql":
            yield
            return
        connection: Connection
        with self.database.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:c, :j)"), {"c": _LOCK_CLASS, "j": job_id})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:c, :j)"), {"c": _LOCK_CLASS, "j": job_id})
                connection.commit()

    # -- running ------------------------------------------------------------------------------------------------
    def run_next(self) -> bool:
        """Claim the oldest queued job and run it; False when there was none (or another runner took it)."""
        with self.database.read() as session:
            job_id = service.next_queued(session=session)
        return job_id is not None and self.run(job_id)

    def run(self, job_id: int) -> bool:
        """Run one job if this runner can claim it; False when it was not queued (taken by another, or ended)."""
        with self.database.unit_of_work(actor="jobs:runner", reason=f"job {job_id}") as uow:
            claimed = service.claim(session=uow.session, job_id=job_id)
            uow.commit()
        if not claimed:
            return False
        with self._holding(job_id):
            try:
                self._import(job_id)
            except UnforgottenError as error:
                self._fail(job_id, f"{error.message}" + (f" ({error.hint})" if error.hint else ""))
            except Exception as error:  # not a known failure: kept in the job, and in the log with its traceback
                log.exception("job %s failed", job_id)
                self._fail(job_id, f"unexpected error: {type(error).__name__}: {error}")
            finally:
                with self._lock:
                    self._live.pop(job_id, None)
        return True

    def _fail(self, job_id: int, message: str) -> None:
        with self.database.unit_of_work(actor="jobs:runner", reason=f"job {job_id} failed") as uow:
            service.fail(session=uow.session, job_id=job_id, message=message)
            uow.commit()

    def _import(self, job_id: int) -> None:
        """Submit the job's list as its submitter, in one unit of work that also marks the job done."""
        from unforgotten.persons.flows import submit_list

        with self.database.read() as session:
            claimed = session.get(Job, job_id)
            assert claimed is not None  # just claimed
            label = claimed.submitted_by if claimed.operator else f"web:{claimed.submitted_by}"
            reason = f"job {job_id}: import {claimed.file_name}"
        with tempfile.TemporaryDirectory() as tmp, self.database.unit_of_work(actor=label, reason=reason) as uow:
            job = uow.session.get(Job, job_id)
            assert job is not None
            actor = service.actor_of(session=uow.session, job=job)
            path = service.file_of(session=uow.session, job=job, directory=Path(tmp))
            progress = _Progress(self, job_id, _estimate_rows(path))
            options = job.options
            submission = submit_list(
                session=uow.session,
                actor=actor,
                path=path,
                party_code=str(options["party"]),
                kind=str(options["kind"]),
                name=options.get("name") or None,
                share_with=tuple(options.get("share_with") or ()),
                progress=progress.rows,
                phase=progress.step,
            )
            service.finish(session=uow.session, job=job, list_id=submission.outcome.list_id,
                           rows=submission.outcome.rows)  # fmt: skip
            uow.commit()
