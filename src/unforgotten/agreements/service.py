"""Use cases for agreements and their categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from unforgotten.agreements.models import Acceptance, Agreement, Category, ExchangeFormat
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import ConflictError, FileReadError, InputError, NotFoundError, RuleError, Text
from unforgotten.rules import validate_rule

__all__ = ["accept", "create", "get_all", "get_in_force", "get_or_raise", "in_force", "load", "load_file"]


def get_all(*, session: Session) -> Sequence[Agreement]:
    """Return every agreement with its categories, newest first."""
    query = select(Agreement).options(selectinload(Agreement.categories)).order_by(Agreement.signed_on.desc())
    return session.scalars(query).all()


def get_or_raise(*, session: Session, agreement_id: int) -> Agreement:
    """Return the agreement with its categories, or raise NotFoundError."""
    agreement = session.get(Agreement, agreement_id, options=[selectinload(Agreement.categories)])
    if agreement is None:
        raise NotFoundError(
            Text("no agreement with id {agreement_id}", agreement_id=agreement_id),
            hint=Text("`unforgotten agreement load FILE` prints ids"),
        )
    return agreement


def create(
    *,
    session: Session,
    title: str,
    signed_on: dt.date,
    reference_date: dt.date,
    categories: Sequence[dict[str, Any]],
    negotiation_id: int | None = None,
    source: str | None = None,
    transmit: Sequence[str] | None = None,
    loaded_by: str = "",
) -> Agreement:
    """Create an agreement with its categories (each: name, format, quota, rule)."""
    unknown = [c for c in transmit or () if c not in CANONICAL_COLUMNS]
    if unknown:
        raise RuleError(
            Text("transmit names columns that do not exist"), column="transmit", value=", ".join(map(str, unknown)),
            hint=Text("use canonical columns: {columns}", columns=', '.join(CANONICAL_COLUMNS)),
        )  # fmt: skip
    agreement = Agreement(
        title=title,
        signed_on=signed_on,
        reference_date=reference_date,
        negotiation_id=negotiation_id,
        source=source,
        transmit=list(transmit or []),
        loaded_by=loaded_by,
    )
    session.add(agreement)
    formats = {f.value for f in ExchangeFormat}
    for index, spec in enumerate(categories):
        if not spec.get("rule"):
            raise RuleError(
                Text("category {name!r} has no eligibility rule", name=spec.get("name")),
                column=f"categories[{index}].rule",
            )
        validate_rule(spec["rule"], f"categories[{index}].rule")
        if spec.get("format") not in formats:
            raise InputError(
                Text("category {name!r} has an unknown exchange format", name=spec.get("name")),
                value=spec.get("format"),
                hint=Text("use one of: {formats}", formats=", ".join(sorted(formats))),
            )
        agreement.categories.append(
            Category(name=spec["name"], format=spec["format"], quota=spec.get("quota"), rule=spec.get("rule") or {})
        )
    session.flush()
    return agreement


def _date(value: Any, *, field: str, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise RuleError(Text("not an ISO date (YYYY-MM-DD)"), file=path.name, column=field, value=value) from error


def load(*, session: Session, actor: Actor, path: Path, negotiation_id: int | None = None) -> Agreement:
    """Load an agreement as the mediator (or an admin, or the local operator); each side then accepts it."""
    require_role(actor, frozenset({Role.MEDIATOR, Role.ADMIN}), Text("load agreements"))
    return load_file(session=session, path=path, negotiation_id=negotiation_id, loaded_by=actor.name)


def accept(*, session: Session, actor: Actor, agreement_id: int, party_code: str | None = None) -> Acceptance:
    """Accept an agreement for the actor's side (the local operator names the side); idempotent."""
    agreement = get_or_raise(session=session, agreement_id=agreement_id)
    if actor.operator:
        if not party_code:
            raise InputError(
                Text("the local operator must name the side that accepts"), hint=Text("act --as its coordinator")
            )
        party = session.scalars(select(Party).where(Party.code == party_code.upper())).first()
        if party is None:
            raise NotFoundError(Text("no party with code {party_code!r}", party_code=party_code))
    else:
        require_role(actor, frozenset({Role.PARTY_COORDINATOR}), Text("accept agreements for a side"))
        party = session.get(Party, actor.party_id)
    if party is None or party.kind != PartyKind.SIDE:
        raise ConflictError(Text("only a side accepts an agreement"))
    existing = session.scalars(
        select(Acceptance).where(Acceptance.agreement_id == agreement.id, Acceptance.party_id == party.id)
    ).first()
    if existing is not None:
        return existing
    acceptance = Acceptance(agreement_id=agreement.id, party_id=party.id, accepted_by=actor.name)
    session.add(acceptance)
    session.flush()
    return acceptance


def in_force(*, session: Session, agreement: Agreement) -> bool:
    """True when every side has accepted the agreement."""
    sides = set(session.scalars(select(Party.id).where(Party.kind == PartyKind.SIDE)))
    accepted = set(session.scalars(select(Acceptance.party_id).where(Acceptance.agreement_id == agreement.id)))
    return bool(sides) and sides <= accepted


def get_in_force(*, session: Session) -> Agreement | None:
    """The newest agreement in force, if any."""
    return next((a for a in get_all(session=session) if in_force(session=session, agreement=a)), None)


def load_file(*, session: Session, path: Path, negotiation_id: int | None = None, loaded_by: str = "") -> Agreement:
    """Load an agreement file (YAML); the same file loaded twice gives the agreement already stored.

    Refused: a file over 1 MB, YAML anchors and aliases (a 548-byte file of nested aliases once became a 15 MB
    rule), nesting deeper than 32 and more than 20,000 values.
    """
    max_bytes, max_depth, max_nodes = 1_000_000, 32, 20_000
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RuleError(
                Text("agreement file is {size:,} bytes, the limit is {max_bytes:,}", size=size, max_bytes=max_bytes),
                file=path.name,
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileReadError(Text("agreement file cannot be read"), file=str(path), hint=str(error)) from error
    existing = session.scalars(select(Agreement).where(Agreement.source == text)).first()
    if existing is not None:
        return existing

    class Loader(yaml.SafeLoader):
        """SafeLoader that refuses anchors and aliases, and caps nesting and size, while composing (before any
        alias is expanded, and before deep nesting exhausts Python's recursion limit)."""

        depth = nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise RuleError(
                    Text("agreement file uses YAML anchors/aliases, which are not allowed"),
                    file=path.name,
                    hint=Text("write each value out in full"),
                )
            self.nodes += 1
            if self.nodes > max_nodes or self.depth >= max_depth:
                limit = f"more than {max_nodes:,} values" if self.nodes > max_nodes else f"deeper than {max_depth}"
                raise RuleError(Text("agreement file nests {limit}, the limit", limit=limit), file=path.name)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    try:
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        raise RuleError(Text("agreement file is not valid YAML"), file=path.name, hint=str(error)) from error
    if not isinstance(data, dict):
        raise RuleError(
            Text("agreement file must be a mapping with title, signed_on, reference_date, categories"), file=path.name
        )
    for required in ("title", "signed_on", "reference_date", "categories"):
        if required not in data:
            raise RuleError(
                Text("agreement file lacks {required!r}", required=required), file=path.name, column=required
            )
    categories = data["categories"]
    if not isinstance(categories, list) or not all(isinstance(c, dict) and "name" in c for c in categories):
        raise RuleError(
            Text("categories must be a list of mappings, each with a name"), file=path.name, column="categories"
        )
    transmit = data.get("transmit")
    if transmit is not None and not (isinstance(transmit, list) and all(isinstance(c, str) for c in transmit)):
        raise RuleError(Text("transmit must be a list of column names"), file=path.name, column="transmit")
    return create(
        session=session,
        title=str(data["title"]),
        signed_on=_date(data["signed_on"], field="signed_on", path=path),
        reference_date=_date(data["reference_date"], field="reference_date", path=path),
        categories=categories,
        negotiation_id=negotiation_id,
        source=text,
        transmit=transmit,
        loaded_by=loaded_by,
    )
