"""Stage-planning benchmark: realistic instances, the proven optimum per level, and an urgent-first greedy plan."""

from __future__ import annotations

from bench.planning.generate import generate_instance
from bench.planning.greedy import greedy_plan

__all__ = ["generate_instance", "greedy_plan"]
