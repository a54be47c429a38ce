"""Users: roles must fit parties, tokens authenticate and are stored only as hashes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, Role, User
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError


@pytest.fixture
def parties(session: Session) -> None:
    auth.create(session=session, code="UA", name="Ukraine")
    auth.create(session=session, code="RU", name="Russia")
    auth.create(session=session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)


@pytest.mark.usefixtures("parties")
def test_token_authenticates_and_is_not_stored(session: Session) -> None:
    user, token = auth.create_user(session=session, name="olena", role="party_coordinator", party_code="ua")
    assert token not in session.scalar(sa.select(User.token_hash).where(User.id == user.id))
    actor = auth.authenticate(session=session, token=token)
    assert (actor.name, actor.role, actor.party_code) == ("olena", Role.PARTY_COORDINATOR, "UA")
    with pytest.raises(PermissionDeniedError):
        auth.authenticate(session=session, token=token + "x")


@pytest.mark.usefixtures("parties")
@pytest.mark.parametrize(
    ("role", "party", "error"),
    [
        ("party_coordinator", None, InputError),
        ("mediator", "UA", InputError),
        ("party_viewer", "ICRC", InputError),
        ("general", "UA", InputError),
        ("party_viewer", "XX", NotFoundError),
    ],
)
def test_roles_must_fit_parties(session: Session, role: str, party: str | None, error: type[Exception]) -> None:
    with pytest.raises(error):
        auth.create_user(session=session, name="x", role=role, party_code=party)


@pytest.mark.usefixtures("parties")
def test_names_are_unique_and_creation_is_audited(session: Session) -> None:
    auth.create_user(session=session, name="admin", role="admin", party_code=None)
    with pytest.raises(ConflictError):
        auth.create_user(session=session, name="admin", role="auditor", party_code=None)
    last = session.execute(sa.text("SELECT action, after FROM events ORDER BY id DESC")).first()
    assert last is not None and last[0] == "users.insert"
    assert "<redacted>" in str(last[1])
