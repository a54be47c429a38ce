"""The planning engine's public names, and that it stays pure: no database, no web."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import unforgotten.planning

EXPECTED = {
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "PARITY_MODES",
    "Instance",
    "LevelResult",
    "ParityMode",
    "Person",
    "Plan",
    "Stage",
    "load_instance",
    "parse_instance",
    "solve",
}


def test_the_exports_are_what_we_mean() -> None:
    assert set(unforgotten.planning.__all__) == EXPECTED


def test_no_database_or_web_import_anywhere_in_the_engine() -> None:
    for module in pkgutil.iter_modules(unforgotten.planning.__path__, "unforgotten.planning."):
        source = Path(importlib.import_module(module.name).__file__ or "").read_text(encoding="utf-8")
        for forbidden in ("sqlalchemy", "fastapi", "unforgotten.db", "starlette"):
            assert forbidden not in source, (module.name, forbidden)
