"""A run that outgrows DuckDB's memory is scored again in slices, which give exactly the pairs and probabilities of
one run."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from unforgotten.errors import LinkageError, Text
from unforgotten.linkage import LinkageModel, features
from unforgotten.linkage import engine as linkage_engine
from unforgotten.linkage.backend import open_backend

Rows = list[dict[str, str]]
_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability"]


def _frames(link_type: str, small_pair: tuple[Rows, Rows, Any]) -> list[pd.DataFrame]:
    left, right, _ = small_pair
    # One list holding both sides' rows has as many duplicates as the two lists have pairs.
    frames = [features(left + right)] if link_type == "dedupe_only" else [features(left), features(right)]
    if link_type == "link_and_dedupe":  # a new list with its candidates: the list comes first
        frames = [features(left + right[: len(right) // 2]), features(right[len(right) // 2 :])]
    for frame, tag in zip(frames, ("l", "r"), strict=False):
        frame["unique_id"] = tag + frame["record_id"].astype(str)
    return frames


def _scored(
    frames: list[pd.DataFrame], model: LinkageModel, link_type: str, chunks: int | None, pairs_with: str | None = None
) -> pd.DataFrame:
    sizes = (len(frames[0]), None if len(frames) == 1 else len(frames[1]))
    backend = open_backend()
    try:
        scored = linkage_engine._score(
            backend, frames, model, link_type, 0.01, sizes, False, None, None, pairs_with, chunks=chunks
        )
    finally:
        backend.close()
    return scored[_COLUMNS].sort_values(_COLUMNS[:2]).reset_index(drop=True)


def test_pairs_with_keeps_exactly_the_pairs_that_hold_such_a_record(
    model: LinkageModel, small_pair: tuple[Rows, Rows, Any]
) -> None:
    """A new list with its candidates: every pair holding a new record, scored as before, and none of two old."""
    frames = _frames("link_and_dedupe", small_pair)
    every = _scored(frames, model, "link_and_dedupe", None)
    kept = _scored(frames, model, "link_and_dedupe", None, pairs_with="l")
    old_only = every["unique_id_l"].str.startswith("r") & every["unique_id_r"].str.startswith("r")
    assert old_only.sum() > 0 and len(kept) > 100  # the test data has pairs of both kinds
    pd.testing.assert_frame_equal(kept, every[~old_only].reset_index(drop=True))


@pytest.mark.parametrize("link_type", ["dedupe_only", "link_only"])
def test_slices_score_what_one_run_scores(
    link_type: str, model: LinkageModel, small_pair: tuple[Rows, Rows, Any]
) -> None:
    frames = _frames(link_type, small_pair)
    whole = _scored(frames, model, link_type, None)
    assert len(whole) > 100
    pd.testing.assert_frame_equal(_scored(frames, model, link_type, 4), whole)


def test_a_run_out_of_memory_is_scored_again_in_slices(
    model: LinkageModel, small_pair: tuple[Rows, Rows, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _frames("link_only", small_pair)
    real, tried = linkage_engine._score, []

    def short_of_memory(*args: Any, chunks: int | None = None) -> pd.DataFrame:
        tried.append(chunks)
        if chunks is None:
            raise LinkageError(Text("scoring candidate pairs failed: {reason}", reason="Out of Memory Error"))
        return real(*args, chunks=chunks)

    monkeypatch.setattr(linkage_engine, "_score", short_of_memory)
    monkeypatch.setattr(linkage_engine, "PREDICT_CHUNK_ROWS", 100)  # a few hundred rows a side: several slices
    backend = open_backend()
    try:
        sizes = (len(frames[0]), len(frames[1]))
        scored = linkage_engine.score_pairs(backend, frames, model, "link_only", 0.01, sizes, broad=False)
    finally:
        backend.close()
    assert tried[0] is None and tried[1] is not None and tried[1] >= 2
    assert len(scored) > 100


def test_slices_that_outgrow_memory_are_halved_before_the_limit_is_lifted(
    model: LinkageModel, small_pair: tuple[Rows, Rows, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _frames("link_only", small_pair)
    real, tried, lifted = linkage_engine._score, [], []

    def short_of_memory(*args: Any, chunks: int | None = None) -> pd.DataFrame:
        tried.append(chunks)
        if not lifted:
            raise LinkageError(Text("scoring candidate pairs failed: {reason}", reason="Out of Memory Error"))
        return real(*args, chunks=chunks)

    monkeypatch.setattr(linkage_engine, "_score", short_of_memory)
    monkeypatch.setattr(linkage_engine, "PREDICT_CHUNK_ROWS", 100)
    backend = open_backend()
    monkeypatch.setattr(backend, "lift_memory_limit", lambda: lifted.append(True) or True)
    try:
        sizes = (len(frames[0]), len(frames[1]))
        scored = linkage_engine.score_pairs(backend, frames, model, "link_only", 0.01, sizes, broad=False)
    finally:
        backend.close()
    assert tried[0] is None and tried[2] == 2 * tried[1] and tried[3] == tried[2] and len(tried) == 4
    assert lifted == [True] and len(scored) > 100


def test_a_run_out_of_memory_in_its_smallest_slices_without_a_limit_to_lift_fails(
    model: LinkageModel, small_pair: tuple[Rows, Rows, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _frames("link_only", small_pair)

    def short_of_memory(*args: Any, chunks: int | None = None) -> pd.DataFrame:
        raise LinkageError(Text("scoring candidate pairs failed: {reason}", reason="Out of Memory Error"))

    monkeypatch.setattr(linkage_engine, "_score", short_of_memory)
    monkeypatch.setattr(linkage_engine, "PREDICT_CHUNK_ROWS", 100)
    backend = open_backend()
    monkeypatch.setattr(backend, "lift_memory_limit", lambda: False)
    try:
        with pytest.raises(LinkageError, match="Out of Memory"):
            linkage_engine.score_pairs(backend, frames, model, "link_only", 0.01, (len(frames[0]), len(frames[1])))
    finally:
        backend.close()


@pytest.mark.parametrize(
    ("link_type", "sliced_first"), [("dedupe_only", True), ("link_only", False), ("link_and_dedupe", False)]
)
def test_a_list_that_fills_a_slice_is_deduplicated_in_slices_from_the_start(
    link_type: str, sliced_first: bool, model: LinkageModel, small_pair: tuple[Rows, Rows, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    frames = _frames(link_type, small_pair)
    real, tried = linkage_engine._score, []

    def recorded(*args: Any, chunks: int | None = None) -> pd.DataFrame:
        tried.append(chunks)
        return real(*args, chunks=chunks)

    monkeypatch.setattr(linkage_engine, "_score", recorded)
    monkeypatch.setattr(linkage_engine, "PREDICT_CHUNK_ROWS", 100)
    backend = open_backend()
    try:
        sizes = (len(frames[0]), None if len(frames) == 1 else len(frames[1]))
        linkage_engine.score_pairs(backend, frames, model, link_type, 0.01, sizes, broad=False)
    finally:
        backend.close()
    assert len(tried) == 1 and (tried[0] is not None) == sliced_first
