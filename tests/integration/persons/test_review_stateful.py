"""Stateful property test: no sequence of review decisions leaves an accepted entry without exactly one person."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from unforgotten.audit import service as audit
from unforgotten.audit.recorder import install_recorder
from unforgotten.auth import service as auth
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.db import make_engine
from unforgotten.errors import ConflictError
from unforgotten.lists.models import Entry, List
from unforgotten.migrations import upgrade
from unforgotten.persons import review
from unforgotten.persons.models import Match, MatchState, Person


class ReviewMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = make_engine("sqlite://", poolclass=StaticPool)  # a fresh in-memory database per example
        upgrade(self.engine)
        factory = sessionmaker(bind=self.engine)
        install_recorder(factory)
        self.session: Session = factory()
        party = auth.create(session=self.session, code="UA", name="Ukraine")
        self.space = party.id
        self.actor = Actor(name="c", role=Role.PARTY_COORDINATOR, party_id=party.id, party_code="UA")
        lst = List(party_id=party.id, kind="request", name="r", file_name="r", file_hash="0" * 64, file_format="csv",
                   submitted_by="t")  # fmt: skip
        self.session.add(lst)
        self.session.flush()
        self.entries: list[int] = []
        for row in range(1, 7):
            entry = Entry(list_id=lst.id, row_number=row, status="accepted", raw={}, findings=[])
            self.session.add(entry)
            self.session.flush()
            review.new_person(
                session=self.session,
                space_id=self.space,
                entry_id=entry.id,
                status="requested",
                display_name="",
                decided_by="t",
            )
            self.entries.append(entry.id)
        self.session.flush()

    def persons(self) -> list[int]:
        return list(self.session.scalars(sa.select(Person.id).where(Person.merged_into_id.is_(None))))

    @rule(data=st.data())
    def propose(self, data: st.DataObject) -> None:
        entry = data.draw(st.sampled_from(self.entries))
        person = data.draw(st.sampled_from(self.persons()))
        review.propose(
            session=self.session, space_id=self.space, entry_id=entry, person_id=person, probability=0.7, explanation={}
        )
        self.session.flush()

    @precondition(lambda self: bool(review.get_pending(session=self.session, actor=self.actor)))
    @rule(data=st.data(), accept=st.booleans())
    def decide(self, data: st.DataObject, accept: bool) -> None:
        match = data.draw(st.sampled_from(list(review.get_pending(session=self.session, actor=self.actor))))
        target = self.session.get(Person, match.person_id)
        if accept and target is not None and target.merged_into_id is None:
            review.accept(session=self.session, actor=self.actor, match_id=match.id, reason="same")
        else:
            review.reject(session=self.session, actor=self.actor, match_id=match.id, reason="different")

    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        keep, gone = (
            data.draw(st.lists(st.sampled_from(self.persons()), min_size=2, max_size=2, unique=True))
            if len(self.persons()) > 1
            else (0, 0)
        )
        if keep:
            review.merge(session=self.session, actor=self.actor, keep_id=keep, merge_id=gone, reason="one person")

    @rule(data=st.data())
    def split(self, data: st.DataObject) -> None:
        entry = data.draw(st.sampled_from(self.entries))
        try:
            review.split(session=self.session, actor=self.actor, entry_id=entry, space_id=self.space,
                         status="requested", display_name="", reason="two persons")  # fmt: skip
        except ConflictError:
            pass  # the entry was alone on its person: refusing is the right answer

    @invariant()
    def every_entry_has_exactly_one_person(self) -> None:
        for entry in self.entries:
            accepted = self.session.scalars(
                sa.select(Match.person_id).where(Match.entry_id == entry, Match.state == MatchState.ACCEPTED)
            ).all()
            assert len(accepted) == 1
            person = self.session.get(Person, accepted[0])
            assert person is not None and person.merged_into_id is None

    @invariant()
    def the_chain_verifies(self) -> None:
        assert audit.verify(session=self.session) > 0

    def teardown(self) -> None:
        self.session.close()
        self.engine.dispose()


ReviewMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
TestReviewMachine = ReviewMachine.TestCase
