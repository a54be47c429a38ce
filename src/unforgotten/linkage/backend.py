"""The database Splink runs in: DuckDB in process, or Spark (``local[2]`` by default) for lists beyond one machine.

Why a wrapper: both engines must run the very same model, and every Splink failure must reach the coordinator as a
:class:`~unforgotten.errors.LinkageError` that carries the failing SQL, never as a raw traceback.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator

from unforgotten.errors import ConfigurationError, LinkageError, Text

__all__ = ["ENGINES", "Backend", "open_backend"]

ENGINES = ("duckdb", "spark")
# DuckDB's working memory for one linkage run, beyond which it spills to disk (UNFORGOTTEN_DUCKDB_MEMORY to change):
# at most this, and less when the process already holds much (MEMORY_BUDGET_MB).
DUCKDB_MEMORY_LIMIT = os.environ.get("UNFORGOTTEN_DUCKDB_MEMORY", "600MB")
# The peak the whole process aims at while it links (UNFORGOTTEN_MEMORY_BUDGET_MB): DuckDB is given what the process
# has not taken yet, but never less than DUCKDB_MEMORY_FLOOR_MB (below that it slices and repeats too much).
MEMORY_BUDGET_MB = os.environ.get("UNFORGOTTEN_MEMORY_BUDGET_MB", "1000")
DUCKDB_MEMORY_FLOOR_MB = 200
_SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMG]i?B)\s*$", re.I)
_UNIT_MB = {"kb": 1e-3, "mb": 1.0, "gb": 1e3, "kib": 1024 / 1e6, "mib": 1.048576, "gib": 1073.741824}
_SQL_IN_MESSAGE = re.compile(
    r"Error executing the following sql for table .*?:\n(?P<sql>.*)\n\nError was: (?P<err>.*)", re.S
)


class Backend:
    """One open database for Splink; register tables, build linkers, read results back as pandas."""

    def __init__(self, engine: str, db_api: Any, spark: Any = None, connection: Any = None) -> None:
        self.engine = engine
        self._connection = connection
        self.db_api = db_api
        self._spark = spark
        self._count = 0
        self.memory_limit: str | None = None  # DuckDB's, as set when opened
        self._memory_lifted = False
        logging.getLogger("splink").setLevel(logging.ERROR)

    def register(self, frames: Sequence[pd.DataFrame]) -> list[Any]:
        """Register feature tables; in Spark they become Spark DataFrames first."""
        tables = []
        for frame in frames:
            self._count += 1
            data: Any = frame
            if self._spark is not None:
                data = self._spark.createDataFrame(frame.astype(object).where(frame.notna(), None))
            tables.append(self.db_api.register(data, table_name=f"uf_input_{self._count}"))
        return tables

    def register_named(self, frame: pd.DataFrame, name: str) -> Any:
        """Register one table under a given name (a lookup, not an input of the linker)."""
        self._count += 1
        data: Any = frame
        if self._spark is not None:
            data = self._spark.createDataFrame(frame)
        return self.db_api.register(data, table_name=f"{name}_{self._count}")

    def linker(self, tables: Sequence[Any], settings: SettingsCreator | dict[str, Any]) -> Linker:
        """A Splink linker over registered tables (one table: within a list; two or more: between lists)."""
        inputs: Any = tables[0] if len(tables) == 1 else list(tables)
        return Linker(inputs, settings, log_level=logging.ERROR)

    def to_pandas(self, table: Any, *, scores_only: bool = False) -> pd.DataFrame:
        """Read a Splink result table back into pandas.

        ``scores_only`` reads the pair's ids, probability, weights and levels, not both records' values (the bulk
        of a predictions table: 800 MB of a 200,000-row list's 1.4 GB peak went to them); on DuckDB only.
        """
        if scores_only and self._connection is not None:
            names = [column.unquote().name for column in table.columns]
            keep = [n for n in names if n in ("unique_id_l", "unique_id_r") or not n.endswith(("_l", "_r"))]
            select = ", ".join(f'"{name}"' for name in keep)
            scored: pd.DataFrame = self._connection.execute(f"SELECT {select} FROM {table.physical_name}").df()  # noqa: S608
            return scored
        frame: pd.DataFrame = table.as_pandas_dataframe()
        return frame

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn anything Splink or the database raises into a LinkageError that names the step and the SQL."""
        try:
            yield
        except LinkageError:
            raise
        except Exception as error:  # the edge of the engine: every failure below is Splink's or the database's
            text = str(error)
            match = _SQL_IN_MESSAGE.search(text)
            sql = match.group("sql") if match else None
            reason = match.group("err").strip() if match else f"{type(error).__name__}: {text}"
            raise LinkageError(
                Text("{doing} failed: {reason}", doing=doing, reason=reason),
                sql=sql,
                hint=Text("check the input columns; run with --debug for details"),
            ) from error

    def lift_memory_limit(self) -> bool:
        """Let DuckDB use what it needs; ``False`` when there was no limit to lift (then the error stands).

        Why: a limit keeps memory bounded for the lists we measured, but some blocks (thousands sharing one
        surname, one hash table per rule) cannot spill; a list must then link slowly and large, never fail.
        """
        if self._connection is None or self._memory_lifted:
            return False
        logging.getLogger(__name__).warning(
            "DuckDB ran out of its %s; linking again without a limit", self.memory_limit
        )
        self._connection.execute("RESET memory_limit")
        self._memory_lifted = True
        return True

    def close(self) -> None:
        """Release the database (the Spark session is left to the process that made it)."""
        if self._connection is not None:
            self._connection.close()


def _resident_mb() -> float | None:
    """The process's resident memory now, in MB (Linux ``/proc``; ``None`` elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _budget_mb() -> float | None:
    """:data:`MEMORY_BUDGET_MB` as a number; ``None`` (with a warning in the log) when it is not a positive one."""
    try:
        budget = float(MEMORY_BUDGET_MB)
    except ValueError:
        budget = 0.0
    if budget > 0:
        return budget
    logging.getLogger(__name__).warning(
        "UNFORGOTTEN_MEMORY_BUDGET_MB=%r is not a positive number of megabytes; DuckDB keeps its fixed limit %s",
        MEMORY_BUDGET_MB,
        DUCKDB_MEMORY_LIMIT,
    )
    return None


def duckdb_limit(resident_mb: float | None = None) -> str:
    """DuckDB's memory limit for a run that starts now: :data:`DUCKDB_MEMORY_LIMIT`, or what is left of
    :data:`MEMORY_BUDGET_MB` beside what the process holds, if less — but not under :data:`DUCKDB_MEMORY_FLOOR_MB`.

    Why: a 200,000-row list linked into 200,000 entries held 765 MB in Python (its features and its candidates')
    when scoring began, and DuckDB took its 600 MB on top (1,357 MB). With 250 MB it sliced and took 24.9 s instead
    of 20.1 s, and the process stayed at 1,030 MB; a daily list, at 300 MB, keeps the full 600 MB.
    """
    found = _SIZE.match(DUCKDB_MEMORY_LIMIT)
    resident = _resident_mb() if resident_mb is None else resident_mb
    budget = _budget_mb()
    if found is None or resident is None or budget is None:
        return DUCKDB_MEMORY_LIMIT
    cap = float(found["number"]) * _UNIT_MB[found["unit"].lower()]
    left = budget - resident
    return f"{min(cap, max(DUCKDB_MEMORY_FLOOR_MB, left)):.6g}MB"


def open_backend(engine: str = "duckdb", *, spark_session: Any = None, within_budget: bool = False) -> Backend:
    """Open a backend.

    Args:
        engine: ``"duckdb"`` (default, in process) or ``"spark"``.
        spark_session: An existing SparkSession; by default one on ``local[2]`` is made (or reused).
        within_budget: Give DuckDB only what :data:`MEMORY_BUDGET_MB` leaves (:func:`duckdb_limit`): for a list
            linked with its candidates from a database, whose features the process holds besides the list's. Not
            for a list alone: it is sliced from the start, and a 200,000-row one peaked at 955 MiB with the full
            limit; the 406 MB the budget left made it repeat its slices (scoring 30.0 s instead of 12.6 s) to save
            56 MiB.

    Returns:
        A :class:`Backend`.

    Raises:
        ConfigurationError: the engine is unknown or pyspark/Java are missing.
    """
    if engine == "duckdb":
        import duckdb

        connection = duckdb.connect(":memory:")
        # Scoring runs every blocking rule in one query, a hash table each: unbounded, DuckDB took 1.4 GB for a
        # 200,000 × 200,000 link; with a limit it spills to disk and takes the same time (docs/benchmarks.md).
        limit = duckdb_limit() if within_budget else DUCKDB_MEMORY_LIMIT
        connection.execute(f"SET memory_limit = '{limit}'")
        connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/unforgotten-duckdb'")
        backend = Backend("duckdb", DuckDBAPI(connection=connection), connection=connection)
        backend.memory_limit = limit
        return backend
    if engine == "spark":
        return Backend("spark", *_spark_api(spark_session))
    raise ConfigurationError(
        Text("unknown linkage engine {engine!r}", engine=engine),
        hint=Text("use one of {engines}", engines=", ".join(ENGINES)),
    )


def _spark_api(session: Any) -> tuple[Any, Any]:
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import SparkAPI, similarity_jar_location
    except ImportError as error:
        raise ConfigurationError(
            Text("the Spark engine needs pyspark"), hint=Text("install the extra: pip install 'unforgotten[spark]'")
        ) from error
    if session is None:
        try:
            session = (
                SparkSession.builder.master("local[2]")
                .appName("unforgotten-linkage")
                .config("spark.jars", similarity_jar_location())
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "4")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.memory", "2g")
                .getOrCreate()
            )
        except Exception as error:  # Java missing or broken: say so plainly
            raise ConfigurationError(
                Text("cannot start Spark: {error}", error=error),
                hint=Text("the Spark engine needs Java 17; use --engine duckdb"),
            ) from error
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.setCheckpointDir("/tmp/unforgotten-spark-checkpoints")
    return SparkAPI(spark_session=session, break_lineage_method="persist"), session  # type: ignore[no-untyped-call]
