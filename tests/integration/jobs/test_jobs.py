"""Background import jobs (issue 12, item 5) on SQLite and PostgreSQL, against databases that really commit: a job
runs to done with its list imported, shared and linked; two runners claiming one job run it once; a job left
``running`` by a dead process is requeued at start and completes; an unreadable file ends ``failed`` with the
reader's own message."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from unforgotten.app import create_app
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.bootstrap import bootstrap
from unforgotten.db import Database
from unforgotten.errors import NotFoundError, PermissionDeniedError
from unforgotten.jobs import service
from unforgotten.jobs.models import Job, JobState
from unforgotten.jobs.runner import JobRunner
from unforgotten.lists.models import List, ListShare
from unforgotten.persons.models import Match
from unforgotten.settings import Settings

CSV = (
    "record_id,family_name,given_name,date_of_birth\n"
    "UA-1,Коваленко,Олександр,1990-03-12\n"
    "UA-2,Шевчук,Андрій,1999-07-05\n"
    "UA-3,Мельник,Богдан,2001-11-21\n"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database of its own whose units of work really commit (the runner uses its own)."""
    if request.param == "postgresql":
        db: Database = request.getfixturevalue("postgres_database")
        yield db
        return
    db = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'jobs.db'}"))
    yield db
    db.engine.dispose()


@pytest.fixture
def tokens(database: Database) -> dict[str, str]:
    with database.unit_of_work(actor="cli:setup") as uow:
        auth.create(session=uow.session, code="UA", name="Ukraine")
        auth.create(session=uow.session, code="RU", name="Russia")
        auth.create(session=uow.session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        made = {
            name: auth.create_user(session=uow.session, name=name, role=role, party_code=party)[1]
            for name, role, party in (("ua_coord", "party_coordinator", "UA"), ("ua_viewer", "party_viewer", "UA"),
                                      ("ru_coord", "party_coordinator", "RU"), ("mediator", "mediator", "ICRC"))
        }  # fmt: skip
        uow.commit()
    return made


def _actor(database: Database, name: str) -> Actor:
    with database.read() as session:
        return auth.actor_for(session=session, user=auth.get_user_by_name_or_raise(session=session, name=name))


def _queue(database: Database, tmp_path: Path, content: str = CSV, *, file_name: str = "ua_custody.csv",
           share: bool = True, user: str = "ua_coord") -> int:  # fmt: skip
    path = tmp_path / "upload.bin"
    path.write_text(content, encoding="utf-8")
    with database.unit_of_work(actor=f"web:{user}") as uow:
        job = service.create_import(session=uow.session, actor=_actor(database, user), path=path, file_name=file_name,
                                    party_code="UA", kind="custody", share_with_mediator=share)  # fmt: skip
        uow.commit()
        return job.id


def _job(database: Database, job_id: int) -> Job:
    with database.read() as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_a_job_runs_to_done_with_the_list_imported_shared_and_linked(
    database: Database, tokens: dict[str, str], tmp_path: Path
) -> None:
    job_id = _queue(database, tmp_path)
    assert _job(database, job_id).state == JobState.QUEUED
    assert JobRunner(database).run_next() is True
    job = _job(database, job_id)
    assert (job.state, job.phase, job.done, job.total, job.error) == ("done", "done", 3, 3, None)
    assert job.started_at is not None and job.finished_at is not None
    with database.read() as session:
        made = session.get(List, job.list_id)
        assert made is not None
        assert (made.row_count, made.accepted_count, made.file_name, made.name) == (3, 3, "ua_custody.csv",
                                                                                   "ua_custody")  # fmt: skip
        assert made.submitted_by == "ua_coord"
        mediator = auth.get_by_code_or_raise(session=session, code="ICRC")
        assert session.scalar(
            select(func.count())
            .select_from(ListShare)
            .where(ListShare.list_id == made.id, ListShare.party_id == mediator.id)
        )
        linked = session.scalars(select(Match.space_id).distinct()).all()
        assert sorted(linked) == sorted([made.party_id, mediator.id])  # its own space and the mediator's
        actions = set(session.scalars(select(Event.action).where(Event.subject_type == "jobs")))
        assert {"job.started", "jobs.insert", "jobs.update"} <= actions, actions
    assert JobRunner(database).run_next() is False  # nothing left


def test_a_job_claimed_twice_runs_once(database: Database, tokens: dict[str, str], tmp_path: Path) -> None:
    job_id = _queue(database, tmp_path)
    runners = [JobRunner(database), JobRunner(database)]
    start = threading.Barrier(len(runners))
    results: list[bool] = []

    def race(runner: JobRunner) -> None:
        start.wait()
        results.append(runner.run(job_id))

    threads = [threading.Thread(target=race, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(results) == [False, True]
    assert _job(database, job_id).state == JobState.DONE
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(List)) == 1
        started = session.scalar(select(func.count()).select_from(Event).where(Event.action == "job.started"))
        assert started == 1
    with database.unit_of_work(actor="test") as uow:  # a job that ended cannot be claimed again
        assert service.claim(session=uow.session, job_id=job_id) is False


def test_a_job_left_running_is_requeued_at_start_and_completes(
    database: Database, tokens: dict[str, str], tmp_path: Path
) -> None:
    job_id = _queue(database, tmp_path)
    with database.unit_of_work(actor="jobs:runner") as uow:  # a process claimed it, then died
        assert service.claim(session=uow.session, job_id=job_id)
        uow.commit()
    assert _job(database, job_id).state == JobState.RUNNING
    app = create_app(Settings(database_url="sqlite://", run_jobs=True), database=database)
    with TestClient(app):  # the lifespan starts the runner: it requeues the job, then runs it
        deadline = time.monotonic() + 60
        while _job(database, job_id).state not in (JobState.DONE, JobState.FAILED) and time.monotonic() < deadline:
            time.sleep(0.1)
    job = _job(database, job_id)
    assert (job.state, job.error) == (JobState.DONE, None)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(List)) == 1
        requeued = session.scalars(select(Event.reason).where(Event.action == "job.requeued")).all()
        assert requeued == ["its process ended before the job did; it runs again"]


def test_the_runner_is_off_unless_asked(database: Database, tokens: dict[str, str], tmp_path: Path) -> None:
    job_id = _queue(database, tmp_path)
    with TestClient(create_app(Settings(database_url="sqlite://"), database=database)) as client:
        assert client.app.state.job_runner is None  # type: ignore[attr-defined]
    assert _job(database, job_id).state == JobState.QUEUED


@pytest.mark.parametrize(("content", "message"), [
    ("", "the file is empty (file ua_custody.csv)"),
    ("foo;bar\n1;2\n", "no header row with recognisable column names in the first rows (file ua_custody.csv)"),
])  # fmt: skip
def test_an_unreadable_file_ends_failed_with_the_readers_message(
    database: Database, tokens: dict[str, str], tmp_path: Path, content: str, message: str
) -> None:
    job_id = _queue(database, tmp_path, content)
    assert JobRunner(database).run(job_id) is True
    job = _job(database, job_id)
    assert (job.state, job.phase, job.list_id) == (JobState.FAILED, "failed", None)
    assert job.error is not None and job.error.startswith(message), job.error
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(List)) == 0  # the import was rolled back


def test_who_may_queue_and_who_may_see_a_job(database: Database, tokens: dict[str, str], tmp_path: Path) -> None:
    shared = _queue(database, tmp_path)
    unshared = _queue(database, tmp_path, CSV.replace("UA-3", "UA-4"), share=False)
    with database.read() as session:
        for user, visible in (("ua_coord", {shared, unshared}), ("ua_viewer", {shared, unshared}),
                              ("mediator", {shared}), ("ru_coord", set())):  # fmt: skip
            actor = _actor(database, user)
            for job_id in (shared, unshared, unshared + 1):
                if job_id in visible:
                    assert service.get_visible_or_raise(session=session, actor=actor, job_id=job_id).id == job_id
                else:
                    with pytest.raises(NotFoundError, match=f"^no job with id {job_id} "):
                        service.get_visible_or_raise(session=session, actor=actor, job_id=job_id)
        assert service.uploadable_parties(session=session, actor=_actor(database, "ua_viewer")) == []
        assert [p.code for p in service.uploadable_parties(session=session, actor=_actor(database, "ua_coord"))] == [
            "UA"
        ]
    with pytest.raises(PermissionDeniedError):
        _queue(database, tmp_path, user="ru_coord")  # RU's coordinator may not submit for UA


def test_a_database_away_is_a_warning_not_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """The runner's thread polls while PostgreSQL restarts: one line says so, no traceback (which an operator would
    take for a crash, and the restart test counts as an error), and the thread keeps polling."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool
    from tests.postgres import _free_port

    away = Database(create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/none?connect_timeout=2",
                                  poolclass=NullPool))  # fmt: skip
    runner = JobRunner(away, poll_seconds=0.05)
    with caplog.at_level("WARNING", logger="unforgotten.jobs.runner"):
        runner._thread = threading.Thread(target=runner._loop, daemon=True)
        runner._thread.start()
        deadline = time.monotonic() + 10
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = runner._thread.is_alive()
        runner.stop()
    assert alive, "the runner's thread ended when the database was away"
    assert len(caplog.records) >= 2, "the runner did not keep polling"
    for record in caplog.records:
        assert record.levelname == "WARNING" and record.exc_info is None, record
        assert "could not reach the database" in record.getMessage()
    away.engine.dispose()


def test_the_runner_warms_linkage_in_its_own_thread_and_survives_a_failed_warm_up(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """The first upload after a start must not pay the linkage imports: the runner's thread prepares them before
    its first poll. A warm-up that fails is a warning, and the thread goes on to run jobs."""
    import unforgotten.linkage

    threads: list[str] = []

    def failing() -> None:
        threads.append(threading.current_thread().name)
        raise RuntimeError("lexicon unreadable")

    monkeypatch.setattr(unforgotten.linkage, "warm_up", failing)
    database = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'warm.db'}"))
    runner = JobRunner(database, poll_seconds=0.05)
    with caplog.at_level("WARNING", logger="unforgotten.jobs.runner"):
        runner.start()
        deadline = time.monotonic() + 10
        while not threads and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # a few polls after the failed warm-up
        alive = runner._thread is not None and runner._thread.is_alive()
        runner.stop()
    database.engine.dispose()
    assert threads == ["unforgotten-jobs"]
    assert alive, "a failed warm-up ended the runner's thread"
    assert any("could not prepare linkage" in r.getMessage() for r in caplog.records)
