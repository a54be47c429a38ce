"""Scoring in slices (large lists, to bound DuckDB's memory) gives exactly the pairs and probabilities of one run."""

from __future__ import annotations

import pandas as pd
import pytest

from unforgotten.linkage import LinkageModel, features
from unforgotten.linkage import engine as linkage_engine
from unforgotten.linkage.backend import open_backend

Rows = list[dict[str, str]]


def _scored(
    frames: list[pd.DataFrame], model: LinkageModel, link_type: str, sizes: tuple[int, int | None]
) -> pd.DataFrame:
    backend = open_backend()
    try:
        scored = linkage_engine.score_pairs(backend, frames, model, link_type, 0.01, sizes, broad=False)
    finally:
        backend.close()
    columns = ["unique_id_l", "unique_id_r", "match_probability"]
    return scored[columns].sort_values(columns[:2]).reset_index(drop=True)


@pytest.mark.parametrize("link_type", ["dedupe_only", "link_only"])
def test_slices_score_what_one_run_scores(
    link_type: str,
    model: LinkageModel,
    small_pair: tuple[Rows, Rows, set[tuple[str, str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    left, right, _ = small_pair
    # One list holding both sides' rows has as many duplicates as the two lists have pairs.
    frames = [features(left + right)] if link_type == "dedupe_only" else [features(left), features(right)]
    for frame, tag in zip(frames, ("l", "r"), strict=False):
        frame["unique_id"] = tag + frame["record_id"].astype(str)
    sizes = (len(frames[0]), None if len(frames) == 1 else len(frames[1]))
    whole = _scored(frames, model, link_type, sizes)
    monkeypatch.setattr(linkage_engine, "PREDICT_CHUNK_ROWS", 80)  # a few hundred rows a side: several slices
    assert (linkage_engine._chunks_for(frames) or 1) >= 3
    sliced = _scored(frames, model, link_type, sizes)
    assert len(whole) > 100
    pd.testing.assert_frame_equal(sliced, whole)
