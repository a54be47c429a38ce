"""The fallback a fresh machine relies on: with no PostgreSQL server running, the suite starts a throwaway one.

On this project's machines a server is running, so ``server_url`` never reaches the fallback; this test runs it
directly, so a broken fallback shows here rather than on a user's first ``make test``.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from tests.postgres import _binaries, _reachable, scratch_database, throwaway_cluster


@pytest.mark.skipif(_binaries() is None, reason="no initdb/pg_ctl on this machine: the fallback cannot run here")
def test_a_throwaway_cluster_starts_serves_and_is_removed() -> None:
    import tempfile

    # This cluster's own directory, not every "unforgotten-pg-*" one: the restart test, in another worker, may be
    # running a cluster of its own meanwhile (a red CI run, when the suite's slow tests overlapped).
    with throwaway_cluster() as cluster:  # what throwaway_server, the fallback, yields the URL of
        url, workdir = cluster.url, cluster.workdir
        assert os.path.dirname(workdir) == tempfile.gettempdir(), "the cluster is not in the temporary directory"
        assert os.path.basename(workdir).startswith("unforgotten-pg-") and os.path.isdir(workdir)
        assert _reachable(url)
        with scratch_database(url) as database_url:
            engine = sa.create_engine(database_url)
            with engine.connect() as connection:
                assert connection.execute(sa.text("SELECT current_setting('server_encoding')")).scalar() == "UTF8"
            engine.dispose()
        port = sa.make_url(url).port
    assert not _reachable(url), f"the throwaway server on port {port} is still running"
    assert not os.path.exists(workdir), "the cluster's directory was left behind"
