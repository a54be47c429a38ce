"""Stage planning: who crosses at which stage, with parity and capacity, proven optimal.

A pure engine on OR-Tools CP-SAT — no database, no web. Read an instance, solve it, write the plan::

    from unforgotten.planning import load_instance, solve

    plan = solve(load_instance(Path("instance.json")), time_limit=60)
    plan.to_json()  # {"assignments": ..., "objective": ..., "proven": ..., "unassigned": ...}

See ``docs/planning.md`` for the model (pools, lexicographic levels, reasons).
"""

from __future__ import annotations

from unforgotten.planning.model import (
    PARITY_MODES,
    Instance,
    LevelResult,
    ParityMode,
    Person,
    Plan,
    Stage,
    load_instance,
    parse_instance,
)
from unforgotten.planning.solver import DEFAULT_TIME_LIMIT, DEFAULT_WORKERS, solve

__all__ = [
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
]
