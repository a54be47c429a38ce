"""The state machine: allowed moves, role guards, evidence, and the two-person rule for deceased."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.errors import PermissionDeniedError, TransitionError
from unforgotten.persons.states import TRANSITIONS, Status, allowed_transitions, check_transition, initial_status


def test_initial_statuses() -> None:
    assert [initial_status(k) for k in ("request", "custody", "tracing", "remains")] == [
        Status.REQUESTED, Status.HELD, Status.SOUGHT, Status.REMAINS_HELD]  # fmt: skip


def test_consent_is_the_mediators_alone() -> None:
    with pytest.raises(PermissionDeniedError, match="mediator"):
        check_transition("eligible", "consent_confirmed", role="party_coordinator", evidence=None, confirmed_by=None,
                         actor="olena")  # fmt: skip
    assert check_transition("eligible", "declined", role="mediator", evidence=None, confirmed_by=None, actor="m")


def test_deceased_needs_evidence_and_a_different_confirmer() -> None:
    with pytest.raises(TransitionError, match="evidence"):
        check_transition("held", "deceased", role="party_coordinator", evidence=None, confirmed_by=None, actor="a")
    rule = check_transition("held", "deceased", role="party_coordinator", evidence="death certificate 17",
                            confirmed_by=None, actor="a")  # fmt: skip
    assert rule.second_confirmation
    with pytest.raises(PermissionDeniedError, match="different"):
        check_transition("held", "deceased", role="mediator", evidence="x", confirmed_by="a", actor="a")


def test_forbidden_moves_say_what_is_allowed() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("requested", "exchanged", role="admin", evidence=None, confirmed_by=None, actor="a")
    assert "acknowledged" in str(caught.value)


@given(st.sampled_from(list(Status)), st.sampled_from(list(Status)))
def test_only_table_transitions_pass(src: Status, dst: Status) -> None:
    in_table = any(t.from_status == src and t.to_status == dst for t in TRANSITIONS)
    try:
        check_transition(src, dst, role="admin", evidence="doc", confirmed_by=None, actor="a")
        assert in_table
    except TransitionError:
        assert not in_table


def test_terminal_statuses_have_no_way_out() -> None:
    for status in (Status.EXCHANGED, Status.DECLINED, Status.DECEASED, Status.REUNITED, Status.REMAINS_TRANSFERRED):
        assert allowed_transitions(status) == []
