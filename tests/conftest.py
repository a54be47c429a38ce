"""Shared fixtures: databases on SQLite and PostgreSQL, each test in a rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from tests.postgres import scratch_database, server_url

from unforgotten.audit.recorder import install_recorder
from unforgotten.bootstrap import bootstrap
from unforgotten.db import Database, make_engine
from unforgotten.migrations import upgrade
from unforgotten.settings import Settings

# Tests read the command line in English whatever the machine's locale (LANGUAGE is gettext's first choice
# after UNFORGOTTEN_LANG, which some tests clear); a test of another language sets UNFORGOTTEN_LANG or --lang.
os.environ["LANGUAGE"] = "en"

_POSTGRES_SKIPS: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A reachable PostgreSQL server URL, or a loud skip when none can be had."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(server_url())
        except Exception as error:  # any failure to find or start one is a reason to skip, said loudly
            _POSTGRES_SKIPS.append(str(error))
            pytest.skip(f"PostgreSQL unavailable: {error}")
        yield url


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[Database]:
    """A new, migrated database of its own on the PostgreSQL server, for tests whose sessions really commit."""
    with scratch_database(postgres_server) as url:
        database = bootstrap(Settings(database_url=url))
        yield database
        database.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A migrated database engine, once per backend for the whole session."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        else:
            url = stack.enter_context(scratch_database(request.getfixturevalue("postgres_server")))
        eng = make_engine(url)
        upgrade(eng)
        yield eng
        eng.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    install_recorder(factory)
    db_session = factory()
    db_session.info["actor"] = "test"
    try:
        yield db_session
    finally:
        db_session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database URL for end-to-end tests that run whole commands."""
    return f"sqlite:///{tmp_path / 'e2e.db'}"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Clear cached settings and UNFORGOTTEN_* variables so a test sets exactly what it needs."""
    from unforgotten.settings import get_settings

    for key in list(os.environ):
        if key.startswith("UNFORGOTTEN_") and not key.startswith("UNFORGOTTEN_TEST_"):
            monkeypatch.delenv(key)
    get_settings.cache_clear()
    return monkeypatch


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "PostgreSQL unavailable" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} PostgreSQL tests SKIPPED", red=True, bold=True)
        # Under pytest-xdist the skips happen in the workers, so the reasons are read back from the reports (a
        # skip's longrepr is (path, line, message)), not from this process's list alone.
        reasons = set(_POSTGRES_SKIPS)
        reasons |= {str(r.longrepr[-1]) for r in skipped if isinstance(r.longrepr, tuple)}
        for reason in sorted(reasons):
            terminalreporter.write_line(f"reason: {reason}", red=True)
        terminalreporter.write_line("set UNFORGOTTEN_TEST_POSTGRES_URL or install PostgreSQL to run them", red=True)
