"""The same model through Splink's Spark backend on local[2] finds the same pairs as DuckDB."""

from __future__ import annotations

import shutil

import pytest
from tests.unit.linkage.conftest import Rows

from unforgotten.linkage import LinkageModel, LinkResult, link_lists

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_spark_and_duckdb_agree(
    small_pair: tuple[Rows, Rows, object], small_link: LinkResult, model: LinkageModel
) -> None:
    pytest.importorskip("pyspark", reason="SPARK TEST SKIPPED: pyspark is not installed (uv sync --extra spark)")
    if shutil.which("java") is None:
        pytest.skip("SPARK TEST SKIPPED: Java is not installed; the Spark engine needs Java 17")
    spark = link_lists(small_pair[0], small_pair[1], model=model, engine="spark")
    assert [(p.left_id, p.right_id) for p in spark.pairs] == [(p.left_id, p.right_id) for p in small_link.pairs]
    assert [p.score for p in spark.pairs] == pytest.approx([p.score for p in small_link.pairs], abs=1e-6)
