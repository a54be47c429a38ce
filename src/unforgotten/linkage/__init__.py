"""Cross-script record linkage: the only package that imports splink (Splink 5, public modules only).

Rows in the canonical columns go in; same-person pairs, persons (clusters) and per-field explanations come out.
No database: callers store the results. Names meet on the keys of :mod:`unforgotten.names` (Шевченко =
Shevchenko), dates on clerk-error-tolerant levels, and hard negatives (namesakes, brothers, twins) are vetoed by
fixed priors. See docs/linkage.md.
"""

from __future__ import annotations

from unforgotten.linkage.backend import ENGINES
from unforgotten.linkage.children import ChildCandidate, ChildMatchResult, estimate_child_model, match_children
from unforgotten.linkage.engine import DedupeResult, LinkResult, PairLink, dedupe_list, default_model, link_lists
from unforgotten.linkage.explain import FieldExplanation
from unforgotten.linkage.features import FEATURE_COLUMNS, compact_features, features
from unforgotten.linkage.incremental import Assignment, link_incremental, link_into_persons
from unforgotten.linkage.training import (
    DEFAULT_REVIEW_FLOOR,
    DEFAULT_THRESHOLD,
    MIN_ESTIMATE_ROWS,
    LinkageModel,
    estimate_from_features,
    estimate_model,
    train_model,
)

__all__ = [
    "DEFAULT_REVIEW_FLOOR",
    "DEFAULT_THRESHOLD",
    "ENGINES",
    "FEATURE_COLUMNS",
    "MIN_ESTIMATE_ROWS",
    "Assignment",
    "ChildCandidate",
    "ChildMatchResult",
    "DedupeResult",
    "FieldExplanation",
    "LinkResult",
    "LinkageModel",
    "PairLink",
    "compact_features",
    "dedupe_list",
    "default_model",
    "estimate_child_model",
    "estimate_from_features",
    "estimate_model",
    "features",
    "link_incremental",
    "link_into_persons",
    "link_lists",
    "match_children",
    "train_model",
    "warm_up",
]


def warm_up() -> None:
    """Do once, before any list arrives, what every process pays on its first list: pandas, Splink and DuckDB
    imported (this module imports them), a DuckDB connection opened, and the name lexicons' indexes built by
    making the features of one synthetic row.

    Why: a long-running process (the web server's job thread) would otherwise make the first upload after each
    restart wait ~1 s longer than the next (docs/benchmarks.md, "warm process")."""
    from unforgotten.linkage.backend import open_backend

    open_backend().close()
    features([{"record_id": "warm-up", "family_name": "Шевченко", "given_name": "Олександр",
               "patronymic": "Петрович", "date_of_birth": "1990-01-01", "place_of_birth": "Київ",
               "mother_maiden_name": "Коваленко Марія"}])  # fmt: skip
