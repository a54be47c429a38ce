"""The migrations give the same schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from unforgotten.models import Base


def _schema(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        schema[table] = {
            "columns": {
                c["name"]: (type(c["type"]).__name__.upper(), c["nullable"]) for c in inspector.get_columns(table)
            },
            "pk": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"]) for f in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
                if not i.get("duplicates_constraint")
            ),
            "uniques": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        }
    return schema


# Type names each dialect reflects for the same declared type.
_SAME = {
    "VARCHAR": "STRING",
    "TEXT": "TEXT",
    "INTEGER": "INTEGER",
    "DATE": "DATE",
    "FLOAT": "FLOAT",
    "DOUBLE_PRECISION": "FLOAT",
    "REAL": "FLOAT",
    "DATETIME": "DATETIME",
    "TIMESTAMP": "DATETIME",
    "JSON": "JSON",
    "JSONB": "JSON",
    "BOOLEAN": "BOOLEAN",
    "BLOB": "BINARY",
    "BYTEA": "BINARY",
}


def _normalised(schema: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for table, spec in schema.items():
        columns = {name: (_SAME.get(kind, kind), nullable) for name, (kind, nullable) in spec["columns"].items()}
        out[table] = {**spec, "columns": columns}
    return out


@pytest.mark.postgres
def test_same_schema_on_sqlite_and_postgresql(tmp_path: Any, postgres_server: str) -> None:
    from tests.postgres import scratch_database

    from unforgotten.db import make_engine
    from unforgotten.migrations import upgrade

    sqlite = make_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    upgrade(sqlite)
    with scratch_database(postgres_server) as url:
        pg = make_engine(url)
        upgrade(pg)
        try:
            assert _normalised(_schema(sqlite)) == _normalised(_schema(pg))
        finally:
            pg.dispose()
    sqlite.dispose()


def test_migrations_match_the_models(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
