"""The hash chain detects any single alteration, deletion or reordering, and names the event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from unforgotten.audit.chain import GENESIS_HASH, canonical_json, event_hash, event_hash_serialised, first_break

T0 = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)


def build_chain(n: int) -> list[dict[str, Any]]:
    events, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        row: dict[str, Any] = {
            "id": i,
            "occurred_at": T0 + dt.timedelta(seconds=i),
            "actor": f"user{i % 3}",
            "action": "persons.update",
            "subject_type": "persons",
            "subject_id": str(i),
            "before": {"status": "requested"},
            "after": {"status": "acknowledged"},
            "reason": None,
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(row, prev)
        events.append(row)
    return events


def head_of(events: list[dict[str, Any]]) -> tuple[int, str] | None:
    return (events[-1]["id"], events[-1]["hash"]) if events else None


def test_intact_chain_verifies() -> None:
    events = build_chain(20)
    assert first_break(events, head=head_of(events)) == (20, None)


def test_empty_log_without_head_verifies() -> None:
    assert first_break([], head=None) == (0, None)


def test_naive_time_is_read_as_utc() -> None:
    events = build_chain(3)
    naive = [dict(e, occurred_at=e["occurred_at"].replace(tzinfo=None)) for e in events]
    assert first_break(naive, head=head_of(events)) == (3, None)


@given(n=st.integers(2, 30), data=st.data())
def test_any_altered_field_is_named(n: int, data: st.DataObject) -> None:
    events = build_chain(n)
    head = head_of(events)
    victim = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["actor", "action", "subject_id", "after", "reason", "occurred_at"]))
    altered = dict(events[victim])
    altered[field] = T0 if field == "occurred_at" else {"status": "exchanged"} if field == "after" else "tampered"
    events[victim] = altered
    count, problem = first_break(events, head=head)
    assert problem is not None and problem.event_id == victim + 1 and count == victim


@given(n=st.integers(2, 30), data=st.data())
def test_any_deletion_is_detected(n: int, data: st.DataObject) -> None:
    events = build_chain(n)
    head = head_of(events)
    victim = data.draw(st.integers(0, n - 1))
    del events[victim]
    _, problem = first_break(events, head=head)
    assert problem is not None
    # A deleted middle event shows at its successor; a deleted last event shows against the head.
    assert problem.event_id == (victim + 2 if victim < n - 1 else n)


@given(n=st.integers(2, 30), data=st.data())
def test_any_swap_is_detected(n: int, data: st.DataObject) -> None:
    events = build_chain(n)
    i = data.draw(st.integers(0, n - 2))
    events[i], events[i + 1] = events[i + 1], events[i]
    _, problem = first_break(events, head=head_of(build_chain(n)))
    assert problem is not None and problem.event_id == i + 2


def test_missing_head_with_events_is_a_break() -> None:
    events = build_chain(2)
    _, problem = first_break(events, head=None)
    assert problem is not None


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(
    action=st.text(max_size=20),
    actor=st.text(max_size=20),
    subject_id=st.none() | st.text(max_size=10),
    reason=st.none() | st.text(max_size=20),
    before=st.none() | st.dictionaries(st.text(max_size=8), _json, max_size=4),
    after=st.none() | st.dictionaries(st.text(max_size=8), _json, max_size=4),
    event_id=st.integers(min_value=1, max_value=2**31),
)
def test_serialised_hash_is_the_event_hash(
    action: str, actor: str, subject_id: str | None, reason: str | None, before: Any, after: Any, event_id: int
) -> None:
    # The recorder hashes pre-serialised values (both databases): it must be the very hash verification recomputes.
    fields = {
        "id": event_id, "occurred_at": dt.datetime(2026, 11, 30, 12, 0, 1, 5, tzinfo=dt.UTC), "actor": actor,
        "action": action, "subject_type": "persons", "subject_id": subject_id, "before": before, "after": after,
        "reason": reason,
    }  # fmt: skip
    assert event_hash_serialised(fields, canonical_json(before), canonical_json(after), "a" * 64) == event_hash(
        fields, "a" * 64
    )


def test_events_waiting_for_the_commit_are_held_packed_and_given_back_whole() -> None:
    """On PostgreSQL a transaction's events wait, serialised, for its commit (hundreds of thousands for a large
    list): they are held compressed, and a batch must give back exactly its rows — every time it is read, since a
    rolled-back savepoint puts chained batches back to wait again."""
    import datetime as dt

    from unforgotten.audit.chain import canonical_json
    from unforgotten.audit.recorder import _Packed

    now = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)
    rows = [
        (now, "cli:import", None, "matches.insert", "matches", str(i),
         None, canonical_json({"id": i, "entry_id": i, "probability": 0.999, "explanation": {"dob": {"level": "exact",
                                                                                               "weight": 6.2}}}))
        for i in range(5_000)
    ]  # fmt: skip
    packed = _Packed(rows)
    assert list(packed) == rows
    assert list(packed) == rows  # read again after a savepoint's rollback
    assert len(packed._blob) < sum(len(r[7]) for r in rows) / 4  # the point of packing: a fraction of the text
