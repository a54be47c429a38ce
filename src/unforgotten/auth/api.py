"""``/api/v1/parties``, ``/api/v1/users`` and ``/api/v1/me`` — who is who; managing them is for admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from unforgotten.auth import service
from unforgotten.auth.models import PartyKind
from unforgotten.auth.permissions import AdminPermission
from unforgotten.deps import CurrentActor, DbSession, ReadSession

__all__ = ["router"]

router = APIRouter(tags=["parties and users"])


class PartyCreate(BaseModel):
    code: str
    name: str
    mediator: bool = False


class PartyRead(BaseModel):
    code: str
    name: str
    kind: str


class UserCreate(BaseModel):
    name: str
    role: str
    party: str | None = None


class UserToken(BaseModel):
    name: str
    role: str
    party: str | None
    token: str


class Me(BaseModel):
    name: str
    role: str
    party: str | None


@router.get("/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    """Who the token belongs to."""
    return Me(name=actor.name, role=actor.role.value, party=actor.party_code)


@router.get("/parties", response_model=list[PartyRead])
def list_parties(session: ReadSession) -> list[PartyRead]:
    """The parties: the two sides and the mediator."""
    return [PartyRead(code=p.code, name=p.name, kind=p.kind) for p in service.get_all(session=session)]


@router.post("/parties", response_model=PartyRead, status_code=201, dependencies=[Depends(AdminPermission())])
def add_party(body: PartyCreate, session: DbSession) -> PartyRead:
    """Add a party (admin only)."""
    kind = PartyKind.MEDIATOR if body.mediator else PartyKind.SIDE
    party = service.create(session=session, code=body.code, name=body.name, kind=kind)
    return PartyRead(code=party.code, name=party.name, kind=party.kind)


@router.post("/users", response_model=UserToken, status_code=201, dependencies=[Depends(AdminPermission())])
def add_user(body: UserCreate, session: DbSession) -> UserToken:
    """Add a user and return its token, shown once (admin only)."""
    from unforgotten.settings import get_settings

    user, token = service.create_user(
        session=session, name=body.name, role=body.role, party_code=body.party, ttl_days=get_settings().token_ttl_days
    )
    return UserToken(name=user.name, role=user.role, party=body.party.upper() if body.party else None, token=token)


@router.post("/users/{name}/deactivate", status_code=204, dependencies=[Depends(AdminPermission())])
def deactivate(name: str, session: DbSession) -> None:
    """Deactivate a user: token and sessions stop working at once (admin only)."""
    service.deactivate_user(session=session, name=name)
