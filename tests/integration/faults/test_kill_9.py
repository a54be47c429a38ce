"""SIGKILL in the middle of the work, on SQLite and PostgreSQL: an import (entries written, no import event yet),
linking a shared list into the mediator's space (persons written, matches being written), and a bulk case
transition (hundreds of persons changed). After each kill the database is exactly as before the command — every
table's row count and the audit chain's head — ``account`` and ``audit verify`` exit 0, and running the same
command again does the whole work, with the counts it should have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.integration.faults.harness import Cli, PostgresWatch, SqliteWatch, Watch, kill_when, snapshot
from tests.postgres import scratch_database

from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.scenario import generate, write_scenario
from unforgotten.settings import Settings

pytestmark = pytest.mark.slow

SCENARIO_SIZE = 4_000  # persons: UA's request list then has 1,744 rows — seconds of work for each command here
TRANSITIONS = 600  # persons moved at once, as a whole category would be
# A long reason, as a pasted justification is: each change carries it four times (the change, two audit events),
# so SQLite's page cache (2 MB) spills into the write-ahead log half way through — where the kill is seen.
REASON = " ".join(f"Lists {i} of the tracing office checked against the custody register, line by line." for i in
                  range(20))  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_scenario(generate(SCENARIO_SIZE, seed=11), tmp_path_factory.mktemp("scenario"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path / 'faults.db'}"
        else:
            yield stack.enter_context(scratch_database(request.getfixturevalue("postgres_server")))


def _watch(url: str, *, table: str, min_bytes: int) -> Watch:
    if url.startswith("sqlite"):
        return SqliteWatch(Path(sa.make_url(url).database or ""), min_bytes=min_bytes)
    return PostgresWatch(url, table=table, min_bytes=min_bytes)


def _killed(cli: Cli, url: str, args: tuple[str, ...], *, table: str, min_bytes: int, what: str) -> None:
    """Run the command, SIGKILL it mid-way, and prove it left nothing behind."""
    before = snapshot(url)
    watch = _watch(url, table=table, min_bytes=min_bytes)
    try:
        kill_when(cli.start(*args), watch, what=what)
    finally:
        if isinstance(watch, PostgresWatch):
            watch.close()
    after = snapshot(url)
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, f"{what}: the killed command left something behind (before, after): {changed}"
    account, verify = cli.run_together(("account",), ("audit", "verify"))
    assert "every invariant holds" in account
    assert "audit chain intact" in verify


def _scalar(url: str, query: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(sa.text(query)) or 0)
    finally:
        engine.dispose()


def _space_count(url: str, code: str, what: str) -> int:
    if what == "matches":
        query = "SELECT count(*) FROM matches m JOIN parties p ON p.id = m.space_id WHERE m.state = 'accepted'"
    else:
        query = "SELECT count(*) FROM persons m JOIN parties p ON p.id = m.space_id WHERE m.merged_into_id IS NULL"
    return _scalar(url, f"{query} AND p.code = '{code}'")


def _parties(url: str) -> None:
    """A side and the mediator, made in this process: a command's start-up costs seconds, and these are not tested."""
    database = bootstrap(Settings(database_url=url))
    with database.unit_of_work(actor="test:setup") as uow:
        parties.create(session=uow.session, code="UA", name="Ukraine")
        parties.create(session=uow.session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        uow.commit()
    database.engine.dispose()


def test_a_killed_command_leaves_nothing_half_written_and_can_be_run_again(
    database_url: str, files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cli = database_url, Cli(database_url, tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # the checkpoint key of a PostgreSQL database goes there
    _parties(url)
    rows = len(files["ua_request"].read_text(encoding="utf-8").splitlines()) - 1

    # 1. The import, killed once entries are being written: no list, no entries, no import event, no persons.
    submit = ("import", str(files["ua_request"]), "--party", "UA", "--kind", "request", "--json")
    _killed(cli, url, submit, table="entries", min_bytes=256 << 10, what="import")
    imported = json.loads(cli.run(*submit))
    assert imported["unchanged"] is False, "the killed import must not count as done"
    assert (imported["rows"], imported["accepted"] + imported["quarantined"] + imported["blank"]) == (rows, rows)
    assert imported["linked"] == imported["accepted"] == _space_count(url, "UA", "matches")
    assert _scalar(url, "SELECT count(*) FROM entries") == rows
    assert _scalar(url, "SELECT count(*) FROM events WHERE action = 'list.imported'") == 1

    # 2. Sharing with the mediator links the list into its space: killed once matches are being written (its
    # persons already are), the list is not shared and the mediator's space holds no person.
    share = ("list", "share", str(imported["list_id"]), "--with", "ICRC")
    _killed(cli, url, share, table="matches", min_bytes=64 << 10, what="linking into the mediator's space")
    assert _space_count(url, "ICRC", "persons") == 0
    shared = cli.run(*share)
    assert re.search(rf"shared with ICRC; {imported['accepted']:,} entries linked there", shared), shared
    assert _space_count(url, "ICRC", "matches") == imported["accepted"]
    assert _space_count(url, "ICRC", "persons") == _space_count(url, "UA", "persons")

    # 3. A bulk transition of a thousand persons, killed once hundreds are changed: none is.
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        ids = connection.scalars(sa.text(
            "SELECT persons.id FROM persons JOIN parties ON parties.id = persons.space_id WHERE parties.code = 'UA' "
            "AND persons.status = 'requested' AND persons.merged_into_id IS NULL ORDER BY persons.id"
        )).all()[:TRANSITIONS]  # fmt: skip
    engine.dispose()
    assert len(ids) == TRANSITIONS
    transition = ("case", "transition", *map(str, ids), "--to", "acknowledged", "--reason", REASON)
    _killed(cli, url, transition, table="status_changes", min_bytes=256 << 10, what="bulk transition")
    moved = cli.run(*transition)
    assert f"changed {TRANSITIONS}, awaiting a second confirmation 0" in moved, moved
    assert _scalar(url, "SELECT count(*) FROM status_changes WHERE to_status = 'acknowledged'") == TRANSITIONS
    assert _scalar(url, "SELECT count(*) FROM persons WHERE status = 'acknowledged'") == TRANSITIONS
    account, verify = cli.run_together(("account",), ("audit", "verify"))
    assert "every invariant holds" in account and "audit chain intact" in verify
