"""Feature rows: cross-script keys, partial dates, full names only, and cells that are not text."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unforgotten.linkage import FEATURE_COLUMNS, features


def test_keys_meet_across_scripts_and_dates_split() -> None:
    frame = features(
        [
            {"record_id": "1", "family_name": "Шевченко", "given_name": "Олександр", "date_of_birth": "1990-03"},
            {"record_id": "2", "full_name": "SHEVCHENKO Oleksandr Ihorovych", "date_of_birth": "1990"},
        ],
        id_prefix="L|",
    )
    assert tuple(frame.columns) == FEATURE_COLUMNS
    assert list(frame["unique_id"]) == ["L|1", "L|2"]
    assert frame.loc[0, "family_key"] == frame.loc[1, "family_key"]
    assert frame.loc[0, "given_group"] == frame.loc[1, "given_group"]
    assert frame.loc[1, "patronymic_group"] is not None
    assert (frame.loc[0, "dob_year"], frame.loc[0, "dob_month"]) == (1990, 3)
    assert frame["dob_day"].isna().all()


# One row's features build a pandas frame: on the shared 2-core machine a call took 280 ms; the property is about
# correctness, not speed.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["family_name", "given_name", "patronymic", "date_of_birth", "service_number",
                                        "place_of_birth", "mother_maiden_name"]),
                       st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=12))))  # fmt: skip
def test_any_cells_give_one_row_and_never_raise(cells: dict[str, object]) -> None:
    frame = features([{"record_id": "r", **cells}])
    assert len(frame) == 1
    service = frame.loc[0, "service_number"]
    assert service is None or (isinstance(service, str) and service.isdigit() and len(service) >= 4)
    year = frame.loc[0, "dob_year"]
    assert year is None or not isinstance(year, float) or math.isnan(year) or year > 0


def test_warm_up_builds_the_lexicon_indexes_a_first_list_would_wait_for() -> None:
    """The job runner's thread calls this at start so the first upload runs warm: in a fresh process (whose caches
    nothing else has filled) it must leave the lexicons' indexes built."""
    import subprocess
    import sys

    probe = (
        "import sys; from unforgotten.linkage import warm_up; warm_up(); "
        "print(*(sys.modules[f'unforgotten.names.{m}']._indexes.cache_info().currsize "
        "for m in ('lexicon', 'patronymics')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["1", "1"]


_NAMES = st.sampled_from(["Шевченко", "Shevchenko", "Коваленко-Бойко", "Олександр", "Ivan", "Петрович", "", "  ", "x"])


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({"family_name": _NAMES, "given_name": _NAMES, "patronymic": _NAMES,
                                       "date_of_birth": st.sampled_from(["1990-03-12", "1990", "", "12.03.1990"]),
                                       "place_of_birth": st.one_of(st.none(), _NAMES)}), max_size=9))  # fmt: skip
def test_compact_features_hold_the_same_values_across_slices(rows: list[dict[str, object]]) -> None:
    """The candidates' compact features are what scoring and the surname counts read: every value must equal
    :func:`features`' (``None`` as ``<NA>``), whatever the slices' edges — here a slice every 4 rows."""
    import sys

    import pandas as pd

    module = sys.modules["unforgotten.linkage.features"]
    numbered = [{"record_id": str(i), **row} for i, row in enumerate(rows)]
    plain = features(numbered, id_prefix="E|")
    original, module._COMPACT_ROWS = module._COMPACT_ROWS, 4
    try:
        compact = module.compact_features(iter(numbered), id_prefix="E|")
    finally:
        module._COMPACT_ROWS = original
    assert tuple(compact.columns) == FEATURE_COLUMNS and len(compact) == len(plain)
    assert all(compact[c].dtype == pd.StringDtype("pyarrow") for c in ("unique_id", "family_key", "place_key"))
    as_objects = compact.astype(object).where(compact.notna(), None)
    assert as_objects.to_dict("records") == plain.astype(object).where(plain.notna(), None).to_dict("records")
