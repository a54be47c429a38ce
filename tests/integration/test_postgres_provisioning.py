"""The fallback a fresh machine relies on: with no PostgreSQL server running, the suite starts a throwaway one.

On this project's machines a server is running, so ``server_url`` never reaches the fallback; this test runs it
directly, so a broken fallback shows here rather than on a user's first ``make test``.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from tests.postgres import _binaries, _reachable, scratch_database, throwaway_server


@pytest.mark.skipif(_binaries() is None, reason="no initdb/pg_ctl on this machine: the fallback cannot run here")
def test_a_throwaway_cluster_starts_serves_and_is_removed() -> None:
    import tempfile

    def clusters() -> set[str]:
        return {d for d in os.listdir(tempfile.gettempdir()) if d.startswith("unforgotten-pg-")}

    before = clusters()
    with throwaway_server() as url:
        assert clusters() - before, "the cluster's directory was not made in the temporary directory"
        assert _reachable(url)
        with scratch_database(url) as database_url:
            engine = sa.create_engine(database_url)
            with engine.connect() as connection:
                assert connection.execute(sa.text("SELECT current_setting('server_encoding')")).scalar() == "UTF8"
            engine.dispose()
        port = sa.make_url(url).port
    assert not _reachable(url), f"the throwaway server on port {port} is still running"
    assert clusters() == before, "the cluster's directory was left behind"
