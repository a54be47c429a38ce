"""Every file of the messy corpus imports to exactly the expected result."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from unforgotten.ingest import RowStatus, read_file
from unforgotten.ingest.samples import write_messy_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return write_messy_corpus(tmp_path_factory.mktemp("corpus"))


def test_every_sample_gives_its_expected_result(corpus) -> None:  # type: ignore[no-untyped-def]
    assert len(corpus) >= 11
    for spec in corpus:
        rows = list(read_file(spec.path, today=dt.date(2025, 6, 9)).rows)
        counts = Counter(r.status for r in rows)
        assert (len(rows), counts[RowStatus.ACCEPTED], counts[RowStatus.QUARANTINED], counts[RowStatus.BLANK]) == (
            spec.rows, spec.accepted, spec.quarantined, spec.blank), spec.difficulty  # fmt: skip
        accepted = [r for r in rows if r.status == RowStatus.ACCEPTED]
        for index, expected in spec.expected_fields.items():
            for column, value in expected.items():
                assert accepted[index].fields[column] == value, (spec.difficulty, index, column)
