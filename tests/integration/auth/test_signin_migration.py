"""The migration that adds passwords and one-time codes: users made before it keep their tokens and gain no
credential; it goes down and up again on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from unforgotten.db import make_engine
from unforgotten.migrations import alembic_config, upgrade

_BEFORE = "5d1e0f7a9b21"
_COLUMNS = {"password_hash", "totp_secret", "totp_last_step"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty database of each backend, not yet migrated."""
    from tests.postgres import scratch_database

    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'm.db'}"
        else:
            url = stack.enter_context(scratch_database(request.getfixturevalue("postgres_server")))
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _columns(engine: sa.Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("users")}


def _downgrade(engine: sa.Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_users_from_before_keep_their_token_and_gain_no_credential(fresh_engine: sa.Engine) -> None:
    upgrade(fresh_engine, _BEFORE)
    assert not _COLUMNS & _columns(fresh_engine)
    with fresh_engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO users (id, name, role, token_hash, active) VALUES (1, 'olena', 'admin', 'h', true)")
        )
    upgrade(fresh_engine)
    assert _COLUMNS <= _columns(fresh_engine)
    with fresh_engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT token_hash, password_hash, totp_secret, totp_last_step FROM users WHERE id = 1")
        ).one()
    assert tuple(row) == ("h", None, None, None)
    _downgrade(fresh_engine, _BEFORE)
    assert not _COLUMNS & _columns(fresh_engine)
    with fresh_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT token_hash FROM users WHERE id = 1")) == "h"
    upgrade(fresh_engine)
    assert _COLUMNS <= _columns(fresh_engine)
