"""The public API is what we mean (CONVENTIONS #12), and only this package imports splink."""

from __future__ import annotations

import subprocess
from pathlib import Path

import unforgotten.linkage as linkage


def test_exports_are_the_intended_api() -> None:
    assert set(linkage.__all__) == {
        "DEFAULT_REVIEW_FLOOR",
        "DEFAULT_THRESHOLD",
        "ENGINES",
        "FEATURE_COLUMNS",
        "Assignment",
        "ChildCandidate",
        "ChildMatchResult",
        "DedupeResult",
        "FieldExplanation",
        "LinkResult",
        "LinkageModel",
        "MIN_ESTIMATE_ROWS",
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
    }
    for name in linkage.__all__:
        assert getattr(linkage, name) is not None


def test_only_linkage_imports_splink_and_never_its_internals() -> None:
    source = Path(linkage.__file__).parents[1]
    found = subprocess.run(
        ["grep", "-rlE", r"^\s*(import|from) splink", str(source)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert found, "the linkage package imports splink"
    assert all("/linkage/" in path for path in found), found
    internals = subprocess.run(
        ["grep", "-rn", "splink.internals", str(source / "linkage")], capture_output=True, text=True, check=False
    ).stdout
    assert internals == ""
