"""The exchange pages (issue 13, item 6): plans with per-stage counts and the reason for each person left out, the
approvals and the approve button, the act of a closed stage with its signatures checked, and the remains batches
with running totals — each as the mediator and as each side, within the access model: a side sees counts, never
the mediator's persons nor the other side's unshared data or remains references; a plan or stage outside the
reader's space is the same 404 page as a missing one. In real Chromium for the screenshots."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import Submission, World, build_world, sign_in, signed_in

from unforgotten.agreements import service as agreements
from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.exchanges import flows, handover, keys, remains
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import HandoverLine, Plan, PlanApproval, Stage
from unforgotten.persons import cases
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Person
from unforgotten.settings import Settings

COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth,health_status"
RU_HOLDS = ["RU-1,Коваленко,Олександр,Петрович,1990-03-12,seriously wounded",
            "RU-2,Шевчук,Андрій,Іванович,1999-07-05,seriously wounded",
            "RU-3,Мельник,Богдан,Степанович,2001-11-21,seriously wounded"]  # fmt: skip
UA_HOLDS = ["UA-1,Смирнов,Алексей,Игоревич,1988-01-02,seriously wounded",
            "UA-2,Кузнецов,Дмитрий,Сергеевич,1995-05-06,seriously wounded"]  # fmt: skip
USERS = {
    "ua_coord": ("party_coordinator", "UA"), "ru_coord": ("party_coordinator", "RU"),
    "ua_officer": ("officer", "UA"), "ru_officer": ("officer", "RU"),
    "ua_viewer": ("party_viewer", "UA"), "ru_viewer": ("party_viewer", "RU"),
    "mediator": ("mediator", "ICRC"), "auditor": ("auditor", None),
}  # fmt: skip
V1 = "stages:\n  - {id: S1, date: 2025-06-09, place: Crossing A, capacity: {UA: 1, RU: 1}}\n"
V2 = """stages:
  - {id: S1, date: 2025-06-09, place: Crossing A, capacity: {UA: 1, RU: 1}}
  - {id: S2, date: 2025-06-10, place: Crossing B, capacity: {UA: 2, RU: 2}}
"""
# Each side's unshared list: a name the other side (and the mediator) must never meet on these pages.
SECRET = {"UA": "Cnryuasecretqz", "RU": "Cnryrusecretqz"}
# Remains references: each side's own, shown to it and the mediator only.
REFS = {"RU": ["RU-R-0001", "RU-R-0002", "RU-R-0003"], "UA": ["UA-R-0001", "UA-R-0002"]}


@dataclass
class Exchange:
    world: World
    agreement_id: int
    plan_v1: int
    plan_v2: int
    persons: dict[int, str]  # the mediator's persons → display name


def _actor(session: object, name: str) -> auth.Actor:
    return auth.actor_for(session=session, user=auth.get_user_by_name_or_raise(session=session, name=name))  # type: ignore[arg-type]


def build(tmp: Path) -> Exchange:
    """Both sides' custody lists shared with the mediator, an all-for-all and remains agreement, the mediator's
    persons eligible with consent confirmed, and two plan versions (the second a draft); each side also holds an
    unshared list naming a secret person."""
    world = build_world(tmp, users=USERS, submissions=[Submission("RU", "custody", COLUMNS, RU_HOLDS),
                                                       Submission("UA", "custody", COLUMNS, UA_HOLDS)])  # fmt: skip
    operator = auth.operator("cli:setup")
    with world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        for side, secret in SECRET.items():
            path = tmp / f"{side}_secret.csv"
            path.write_text(f"{COLUMNS}\n{side}-S1,{secret},Секрет,Секретович,1980-01-01,seriously wounded\n",
                            encoding="utf-8")  # fmt: skip
            submit_list(session=s, actor=operator, path=path, party_code=side, kind="custody", share_with=())
        agreement = agreements.create(
            session=s, title="Exchange of the seriously wounded (synthetic)", signed_on=dt.date(2025, 6, 2),
            reference_date=dt.date(2025, 6, 9),
            categories=[{"name": "seriously wounded", "format": "all_for_all",
                         "rule": {"all": [{"list_kind": ["custody"]}, {"health_status": ["seriously_wounded"]}]}},
                        {"name": "remains", "format": "n_for_n", "quota": 10, "rule": {"remains": True}}],
        )  # fmt: skip
        mediator = _actor(s, "mediator")
        icrc = auth.get_by_code_or_raise(session=s, code="ICRC").id
        persons = {int(p.id): p.display_name for p in s.scalars(select(Person).where(Person.space_id == icrc))}
        assert len(persons) == 5
        for status in ("identity_confirmed", "eligible", "consent_confirmed"):
            for pid in persons:
                cases.transition(session=s, actor=mediator, person_id=pid, to_status=status, reason="interview")
        v1 = flows.create_plan(session=s, actor=mediator, agreement_id=agreement.id, stages_text=V1, time_limit=10)
        v2 = flows.create_plan(session=s, actor=mediator, agreement_id=agreement.id, stages_text=V2, time_limit=10)
        uow.commit()
        return Exchange(world, agreement.id, v1.id, v2.id, persons)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Exchange, Path]]:
    """The exchange, built once: linking the lists takes Splink tens of seconds on a busy machine."""
    tmp = tmp_path_factory.mktemp("exchange")
    built = build(tmp)
    built.world.database.engine.dispose()
    yield built, tmp / "world.db"


@pytest.fixture
def exchange(template: tuple[Exchange, Path], tmp_path: Path) -> Iterator[Exchange]:
    """A fresh copy of the built exchange for each test (SQLite's backup API, so the copy is consistent)."""
    built, source = template
    copy = tmp_path / "world.db"
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    settings = Settings(database_url=f"sqlite:///{copy}", environment="production", secret_key="w" * 40)
    database = bootstrap(settings)
    app = create_app(settings, database=database)
    app.state.database = database
    world = World(app=app, database=database, tokens=dict(built.world.tokens))
    yield Exchange(world, built.agreement_id, built.plan_v1, built.plan_v2, built.persons)
    database.engine.dispose()


def _approve_all(x: Exchange) -> None:
    for user in ("ua_coord", "ru_coord", "mediator"):
        with signed_in(x.world, user) as client:
            assert client.post(f"/plans/{x.plan_v2}/approve", follow_redirects=False).status_code == 303


def _close_and_sign(x: Exchange, code: str = "S1") -> int:
    """Both halves and the observation of every line of the stage, closed by the mediator, signed by an officer
    of each side and the mediator; returns the stage id."""
    officer = {"UA": "ua_officer", "RU": "ru_officer"}
    with x.world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        stage = s.scalars(select(Stage).where(Stage.plan_id == x.plan_v2, Stage.code == code)).one()
        codes = plans.party_codes(s)
        for line in s.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).all():
            handover.record_line(session=s, actor=_actor(s, officer[codes[line.from_party_id]]), line_id=line.id,
                                 action="handed_over")  # fmt: skip
            handover.record_line(session=s, actor=_actor(s, officer[codes[line.to_party_id]]), line_id=line.id,
                                 action="received")  # fmt: skip
            handover.record_line(session=s, actor=_actor(s, "mediator"), line_id=line.id, action="observed")
        handover.close(session=s, actor=_actor(s, "mediator"), stage_id=stage.id)
        for signer in ("ua_officer", "ru_officer", "mediator"):
            keys.create(session=s, user_name=signer, passphrase="pw", store=True)
            private, key = keys.private_key_for(session=s, user_name=signer, pem=None, passphrase="pw")
            handover.sign(session=s, actor=_actor(s, signer), stage_id=stage.id, private_key=private, key=key)
        uow.commit()
        return stage.id


def _add_batches(x: Exchange) -> None:
    with x.world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        remains.create_batch(session=s, actor=_actor(s, "ru_officer"), agreement_id=x.agreement_id, party_code="RU",
                             date=dt.date(2025, 6, 9), refs=REFS["RU"][:2])  # fmt: skip
        remains.create_batch(session=s, actor=_actor(s, "mediator"), agreement_id=x.agreement_id, party_code="UA",
                             date=dt.date(2025, 6, 9), refs=REFS["UA"][:1])  # fmt: skip
        remains.create_batch(session=s, actor=_actor(s, "ru_officer"), agreement_id=x.agreement_id, party_code="RU",
                             date=dt.date(2025, 6, 12), refs=REFS["RU"][2:])  # fmt: skip
        uow.commit()


def _cells(html: str, table: str, attribute: str) -> dict[str, str]:
    """``data-…`` → count in a table's rows (``<td … data-side="UA" data-count="1">``)."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(rf'{attribute}="([^"]+)" data-count="(\d+)"', body))


def _forbidden(user: str) -> list[str]:
    """What a user must never see: the other side's secret (both sides' for the mediator and the auditor)."""
    own = USERS[user][1]
    return [secret for side, secret in SECRET.items() if side != own]


def test_the_plans_list_shows_each_reader_the_plans_it_is_party_to(exchange: Exchange) -> None:
    x = exchange
    for user in ("mediator", "ua_coord", "ru_viewer"):
        with signed_in(x.world, user) as client:
            page = client.get("/plans")
        assert page.status_code == 200
        rows = re.findall(r'<tr data-plan-id="(\d+)" class="(\w+)">', page.text)
        assert rows == [(str(x.plan_v2), "draft"), (str(x.plan_v1), "superseded")], user
        assert "Exchange of the seriously wounded (synthetic)" in page.text
        assert f'href="/remains/{x.agreement_id}"' in page.text
        assert 'data-party="UA">UA: not yet' in page.text
    with signed_in(x.world, "auditor") as client:
        page = client.get("/plans")
    assert page.status_code == 200 and 'id="no-plans"' in page.text and "data-plan-id" not in page.text
    with signed_in(x.world, "mediator") as client:
        assert 'id="plans-link" href="/plans"' in client.get("/").text


def test_the_plan_page_counts_for_everyone_and_names_the_left_out_for_the_mediator(exchange: Exchange) -> None:
    x = exchange
    with x.world.database.read() as session:
        plan = session.get(Plan, x.plan_v2)
        assert plan is not None
        unassigned = plan.result["unassigned"]
        stages = {s.code: s.id for s in session.scalars(select(Stage).where(Stage.plan_id == plan.id))}
    assert len(unassigned) == 1  # RU holds three, UA two: parity per stage leaves one RU person out
    ((left_out, reason),) = unassigned.items()
    with signed_in(x.world, "mediator") as client:
        page = client.get(f"/plans/{x.plan_v2}").text
    assert _cells(page, "stages", "data-side") == {"UA": "1", "RU": "1"}  # the last row read: S2 has 1 and 1
    s1 = page.split(f'data-stage-id="{stages["S1"]}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-side="UA" data-count="1"' in s1 and 'data-side="RU" data-count="1"' in s1 and "/ 1" in s1
    assert 'data-side="RU" data-count="1"' in page.split('id="left-out-counts"', 1)[1].split("</p>", 1)[0]
    row = html.unescape(page.split(f'<tr data-person-id="{left_out}">', 1)[1].split("</tr>", 1)[0])
    assert x.persons[int(left_out)] in row and reason in row and "RU" in row and "seriously wounded" in row
    assert "<svg" in page and page.count("<rect x=") == 4  # one segment per side on each of the two stages
    assert 'id="diff"' in page and 'id="moved"' in page  # version 2 against version 1, persons for the mediator
    assert 'id="approve-plan"' in page and "Approve for ICRC" in page
    for user in ("ua_coord", "ru_viewer"):
        with signed_in(x.world, user) as client:
            side_page = client.get(f"/plans/{x.plan_v2}").text
        assert _cells(side_page, "stages", "data-side") == {"UA": "1", "RU": "1"}
        assert 'id="left-out-note"' in side_page and 'id="left-out"' not in side_page
        assert 'id="diff"' in side_page and 'id="moved"' not in side_page
        for name in x.persons.values():  # the mediator's persons are not the side's to see
            assert name not in side_page, (user, name)
        for secret in _forbidden(user):
            assert secret not in side_page
        assert ('id="approve-plan"' in side_page) == (user == "ua_coord")


def test_the_approve_button_moves_the_plan_to_approved_and_schedules(exchange: Exchange) -> None:
    x = exchange
    with signed_in(x.world, "ua_viewer") as viewer:
        refused = viewer.post(f"/plans/{x.plan_v2}/approve", follow_redirects=False)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert "approve stage plans" in refused.text
    with signed_in(x.world, "ru_coord") as coordinator:
        cross_site = coordinator.post(f"/plans/{x.plan_v2}/approve", headers={"Origin": "https://elsewhere.example"})
        assert cross_site.status_code == 403 and "another site" in cross_site.text
        done = coordinator.post(f"/plans/{x.plan_v2}/approve")
        assert done.status_code == 200 and done.url.path == f"/plans/{x.plan_v2}" and "waits for the other" in done.text
        assert 'id="approve-plan"' not in done.text  # approved once: no button for RU any more
        assert 'data-party="RU" class="approved"><th scope="row">RU' in done.text and "ru_coord" in done.text
        old = coordinator.post(f"/plans/{x.plan_v1}/approve")
        assert old.status_code == 409 and "superseded, not a draft" in old.text
    with signed_in(x.world, "ua_coord") as coordinator:
        coordinator.post(f"/plans/{x.plan_v2}/approve")
    with signed_in(x.world, "mediator") as mediator:
        last = mediator.post(f"/plans/{x.plan_v2}/approve")
    assert 'id="plan-state" class="state approved"' in last.text and "its persons are scheduled" in last.text
    with x.world.database.read() as session:
        plan = session.get(Plan, x.plan_v2)
        assert plan is not None and plan.state == "approved"
        approvers = set(session.scalars(select(PlanApproval.approved_by).where(PlanApproval.plan_id == plan.id)))
        assert approvers == {"ua_coord", "ru_coord", "mediator"}
        assigned = [int(p) for p in plan.result["assignments"]]
        assert set(session.scalars(select(Person.status).where(Person.id.in_(assigned)))) == {"scheduled"}
        from unforgotten.audit.models import Event

        events = session.scalars(select(Event.action).where(Event.subject_type == "exchange_plan_approvals")).all()
        assert len(events) == 3 and "plan.approved" in session.scalars(select(Event.action)).all()


def test_the_act_page_shows_the_act_its_hash_and_each_signature_checked(exchange: Exchange) -> None:
    x = exchange
    _approve_all(x)
    with x.world.database.read() as session:
        open_stage = session.scalars(select(Stage.id).where(Stage.plan_id == x.plan_v2, Stage.code == "S2")).one()
    stage = _close_and_sign(x)
    with x.world.database.read() as session:
        document = handover.export(session=session, actor=auth.operator("cli:test"), stage_id=stage)
    for user in ("mediator", "ua_viewer", "ru_coord"):
        with signed_in(x.world, user) as client:
            page = client.get(f"/stages/{stage}/act")
            download = client.get(f"/stages/{stage}/act.json")
            plan_page = client.get(f"/plans/{x.plan_v2}").text
            still_open = client.get(f"/stages/{open_stage}/act")
        assert page.status_code == 200, (user, page.text[:300])
        assert f'<code id="act-sha256">{document["sha256"]}</code>' in page.text
        assert "the hash and every required signature verify" in page.text
        signers = re.findall(r'<tr data-signer="([^"]+)" class="verified">', page.text)
        assert sorted(signers) == ["mediator", "ru_officer", "ua_officer"]
        assert page.text.count("sha256:") == 3  # each signer's key fingerprint
        for person in document["payload"]["persons"]:
            row = page.text.split(f'<tr data-line="{person["line"]}" class="exchanged">', 1)[1].split("</tr>", 1)[0]
            assert person["name"] in row and person["handed_over"]["by"] in row and person["received"]["by"] in row
        assert re.search(r'<tr data-side="UA">.*?data-outcome="exchanged">1</td>', page.text, re.S)
        assert download.status_code == 200 and download.json() == document
        assert "attachment" in download.headers["content-disposition"]
        assert f'href="/stages/{stage}/act"' in plan_page
        assert still_open.status_code == 409 and "has no act until it is closed" in still_open.text
        for secret in _forbidden(user):
            assert secret not in page.text and secret not in download.text


def test_a_tampered_act_shows_which_signatures_fail(exchange: Exchange) -> None:
    x = exchange
    _approve_all(x)
    stage = _close_and_sign(x)
    with x.world.database.unit_of_work(actor="cli:test") as uow:
        from unforgotten.exchanges.models import ActSignature

        first = uow.session.scalars(select(ActSignature).order_by(ActSignature.id)).first()
        assert first is not None
        first.signature = first.signature[:-4] + ("AAA=" if not first.signature.endswith("AAA=") else "BBB=")
        uow.commit()
    with signed_in(x.world, "mediator") as client:
        page = client.get(f"/stages/{stage}/act").text
    assert "does not verify" in page and len(re.findall(r'class="failed"><td>', page)) == 1
    assert len(re.findall(r'class="verified"><td>', page)) == 2


def test_the_remains_page_totals_imbalance_chart_and_references_per_reader(exchange: Exchange) -> None:
    x = exchange
    _add_batches(x)
    for user in ("mediator", "ru_officer", "ua_viewer"):
        with signed_in(x.world, user) as client:
            page = client.get(f"/remains/{x.agreement_id}").text
        totals = dict(re.findall(r'<tr data-side="(\w+)"><th scope="row">\w+</th><td class="num total">(\d+)', page))
        assert totals == {"UA": "1", "RU": "3"}
        assert 'data-imbalance="-2"' in page and "RU has handed over 2 more" in page
        points = re.findall(r'<circle [^>]*data-day="([\d-]+)" data-total="(\d+)"', page)
        assert points == [("2025-06-09", "2"), ("2025-06-12", "3"), ("2025-06-09", "1")] or sorted(points) == sorted(
            [("2025-06-09", "2"), ("2025-06-12", "3"), ("2025-06-09", "1")]
        )
        assert "quota 10" in page and 'class="running-chart"' in page
        own = USERS[user][1]
        for side, refs in REFS.items():
            shown = side == own or user == "mediator"
            assert all((ref in page) == shown for ref in refs[: 2 if side == "RU" else 1]), (user, side)
        assert ('id="add-batch"' in page) == (user in ("mediator", "ru_officer"))
    with signed_in(x.world, "auditor") as client:
        refused = client.get(f"/remains/{x.agreement_id}")
    assert refused.status_code == 403 and "reads no exchange" in refused.text


def test_the_batch_form_records_only_the_own_side_and_shows_refusals(exchange: Exchange) -> None:
    x = exchange
    with signed_in(x.world, "ru_coord") as client:
        done = client.post(f"/remains/{x.agreement_id}", data={"party": "RU", "date": "2025-06-09",
                                                               "refs": "RU-R-1\nRU-R-2, RU-R-3"})  # fmt: skip
        assert done.status_code == 200 and "Recorded" in done.text and str(done.url).endswith("?done=added")
        other = client.post(f"/remains/{x.agreement_id}", data={"party": "UA", "date": "2025-06-09", "refs": "X"})
        again = client.post(f"/remains/{x.agreement_id}", data={"party": "RU", "date": "2025-06-10", "refs": "RU-R-1"})
        bad_date = client.post(f"/remains/{x.agreement_id}", data={"party": "RU", "date": "9 June", "refs": "Y"})
        missing = client.post(f"/remains/{x.agreement_id + 5}", data={"party": "RU", "date": "2025-06-09",
                                                                      "refs": "Z"})  # fmt: skip
    assert other.status_code == 403 and "records only its own side" in other.text
    assert again.status_code == 409 and "already in another batch" in again.text
    assert bad_date.status_code == 422 and "not a date" in bad_date.text and ">Y</textarea>" in bad_date.text
    assert missing.status_code == 404 and f"No agreement {x.agreement_id + 5}" in missing.text
    with signed_in(x.world, "ru_viewer") as viewer:
        refused = viewer.post(f"/remains/{x.agreement_id}", data={"party": "RU", "date": "2025-06-09", "refs": "V"})
    assert refused.status_code == 403 and "may not record remains batches" in refused.text
    with x.world.database.read() as session:
        totals = remains.totals(session=session, actor=auth.operator("cli:test"), agreement_id=x.agreement_id)
    assert totals["sides"]["RU"]["total"] == 3 and totals["sides"]["UA"]["total"] == 0


def _without(text: str, number: int) -> str:
    return re.sub(rf"(?<!\d){number}(?!\d)", "N", text)


def _same_404(client: TestClient, path: str, hidden: int, missing: int, word: str) -> None:
    a, b = client.get(path.format(hidden)), client.get(path.format(missing))
    assert a.status_code == b.status_code == 404, (path, a.status_code, b.status_code)
    assert f"No {word} {hidden}." in a.text
    assert _without(a.text, hidden) == _without(b.text, missing)


def test_an_id_outside_the_readers_space_is_the_same_404_as_a_missing_one(exchange: Exchange) -> None:
    x = exchange
    _approve_all(x)
    stage = _close_and_sign(x)
    with x.world.database.unit_of_work(actor="cli:setup") as uow:  # a side and a mediator no plan here is about
        s = uow.session
        auth.create(session=s, code="MD", name="Third side")
        auth.create(session=s, code="OSCE", name="Another mediator", kind=PartyKind.MEDIATOR)
        tokens = {
            name: auth.create_user(session=s, name=name, role=role, party_code=party)[1]
            for name, role, party in (("md_coord", "party_coordinator", "MD"), ("osce", "mediator", "OSCE"))
        }
        uow.commit()
    x.world.tokens.update(tokens)
    for user in ("md_coord", "osce", "auditor"):
        with signed_in(x.world, user) as client:
            _same_404(client, "/plans/{}", x.plan_v2, x.plan_v2 + 50, "plan")
            _same_404(client, "/stages/{}/act", stage, stage + 50, "stage")
            a = client.post(f"/plans/{x.plan_v2}/approve")
            b = client.post(f"/plans/{x.plan_v2 + 50}/approve")
            assert a.status_code == b.status_code == 404
            assert _without(a.text, x.plan_v2) == _without(b.text, x.plan_v2 + 50)
            download = client.get(f"/stages/{stage}/act.json")
            assert download.status_code == 404 and "sha256" not in download.text
            listing = client.get("/plans").text
            assert "data-plan-id" not in listing


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed")
def test_plan_and_remains_pages_in_chromium(exchange: Exchange, tmp_path: Path) -> None:
    x = exchange
    _add_batches(x)
    shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    with live_server(x.world.app) as base, browser_page() as page:
        page.set_viewport_size({"width": 1200, "height": 900})
        sign_in(page, base, x.world.tokens["ua_coord"])
        page.click("#plans-link")
        page.click(f"tr[data-plan-id='{x.plan_v2}'] a")
        page.wait_for_url(re.compile(rf"/plans/{x.plan_v2}$"))
        page.click("#approve-plan button")  # a real browser sends its Origin: same_origin lets it through
        page.wait_for_url(re.compile(r"done=approved"))
        assert "ua_coord" in page.locator("#approvals tr[data-party='UA']").inner_text()
        sign_in(page, base, x.world.tokens["mediator"])
        page.goto(f"{base}/plans/{x.plan_v2}")
        assert page.locator("#left-out tbody tr").count() == 1
        assert page.locator("#stage-chart rect[data-side]").count() == 4
        page.screenshot(path=str(shots / "plan.png"), full_page=True)
        page.goto(f"{base}/remains/{x.agreement_id}")
        page.fill("#add-batch textarea[name=refs]", "UA-R-0002")
        page.select_option("#add-batch select[name=party]", "UA")
        page.fill("#add-batch input[name=date]", "2025-06-12")
        page.click("#add-batch button")
        page.wait_for_url(re.compile(r"done=added"))
        assert page.locator("#remains-totals tr[data-side='UA'] .total").inner_text() == "2"
        assert page.locator("#remains-chart circle").count() == 4
        page.screenshot(path=str(shots / "remains.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed")
def test_the_exchange_pages_pass_axe(exchange: Exchange) -> None:
    """WCAG 2.1 A and AA on every exchange page, as the mediator (forms, persons) and as a side (counts only)."""
    from tests.e2e.test_accessibility import _violations

    x = exchange
    _add_batches(x)
    found: dict[str, list[str]] = {}
    with live_server(x.world.app) as base, browser_page() as page:

        def check(user: str, paths: list[str]) -> None:
            sign_in(page, base, x.world.tokens[user])
            for path in paths:
                response = page.goto(base + path)
                assert response is not None and response.status == 200, (user, path)
                found[f"{user} {path}"] = _violations(page)

        for user in ("mediator", "ru_coord"):  # the draft, with its approve form
            check(user, ["/plans", f"/plans/{x.plan_v2}", f"/plans/{x.plan_v1}", f"/remains/{x.agreement_id}"])
        _approve_all(x)
        stage = _close_and_sign(x)
        for user in ("mediator", "ru_coord"):
            check(user, [f"/plans/{x.plan_v2}", f"/stages/{stage}/act"])
    assert {path: v for path, v in found.items() if v} == {}


def _identify_one(x: Exchange) -> tuple[int, str]:
    """RU's second body identified by the mediator as one of its persons; returns that person's id and name."""
    person_id, name = sorted(x.persons.items())[0]
    with x.world.database.unit_of_work(actor="cli:setup") as uow:
        remains.identify(session=uow.session, actor=_actor(uow.session, "mediator"), agreement_id=x.agreement_id,
                         ref=REFS["RU"][1], person_id=person_id, reason="DNA match (synthetic)")  # fmt: skip
        uow.commit()
    return person_id, name


def test_the_remains_page_names_an_identified_body_to_the_mediator_only(exchange: Exchange, tmp_path: Path) -> None:
    x = exchange
    _add_batches(x)
    person_id, name = _identify_one(x)
    with signed_in(x.world, "mediator") as client:
        page = client.get(f"/remains/{x.agreement_id}").text
    link = r'\(<a class="identified" href="/persons/(\d+)"[^>]*>([^<]*)</a>\)'
    shown = re.search(rf'data-ref="{REFS["RU"][1]}">[^<]*' + link, page)
    assert shown is not None and shown.groups() == (str(person_id), html.escape(name))
    assert page.count('class="identified"') == 1
    for user in ("ru_officer", "ru_coord", "ua_viewer"):
        with signed_in(x.world, user) as client:
            side_page = client.get(f"/remains/{x.agreement_id}").text
        assert 'class="identified"' not in side_page and name not in side_page
        assert f"/persons/{person_id}" not in side_page
    if chromium_available():
        shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
        shots.mkdir(parents=True, exist_ok=True)
        with live_server(x.world.app) as base, browser_page() as browser:
            browser.set_viewport_size({"width": 1200, "height": 900})
            sign_in(browser, base, x.world.tokens["mediator"])
            browser.goto(f"{base}/remains/{x.agreement_id}")
            assert browser.locator(".refs a.identified").inner_text() == name
            other_id, other_name = sorted(x.persons.items())[1]
            browser.fill("#identify-body input[name=ref]", REFS["RU"][2])
            browser.fill("#identify-body input[name=person_id]", str(other_id))
            browser.fill("#identify-body textarea[name=reason]", "documents found with the body (synthetic)")
            browser.click("#identify-body button")
            browser.wait_for_url(re.compile(r"done=identified"))
            assert browser.locator(".refs a.identified").all_inner_texts() == [name, other_name]
            browser.screenshot(path=str(shots / "remains-identified.png"), full_page=True)


def test_the_identify_form_is_the_mediators_and_shows_refusals(exchange: Exchange) -> None:
    x = exchange
    _add_batches(x)
    person_id, name = _identify_one(x)
    other_id = sorted(x.persons)[1]
    with signed_in(x.world, "mediator") as client:
        assert 'id="identify-body"' in client.get(f"/remains/{x.agreement_id}").text
        clash = client.post(f"/remains/{x.agreement_id}/identify",
                            data={"ref": REFS["RU"][1], "person_id": str(other_id), "reason": "r"})  # fmt: skip
        unknown = client.post(f"/remains/{x.agreement_id}/identify",
                              data={"ref": "NO-SUCH-REF", "person_id": str(other_id), "reason": "r"})  # fmt: skip
        done = client.post(f"/remains/{x.agreement_id}/identify",
                           data={"ref": REFS["UA"][0], "person_id": str(other_id), "reason": "r"})  # fmt: skip
    assert clash.status_code == 409 and f"already identified as person {person_id}" in clash.text
    assert html.escape(name) in clash.text.split("Not done:", 1)[1].split("</p>", 1)[0]
    assert unknown.status_code == 422 and "NO-SUCH-REF" in unknown.text and 'value="NO-SUCH-REF"' in unknown.text
    assert done.status_code == 200 and "linked to its person" in done.text and str(done.url).endswith("done=identified")
    with signed_in(x.world, "ru_coord") as client:
        assert 'id="identify-body"' not in client.get(f"/remains/{x.agreement_id}").text
        refused = client.post(f"/remains/{x.agreement_id}/identify",
                              data={"ref": REFS["RU"][0], "person_id": str(other_id), "reason": "r"})  # fmt: skip
    assert refused.status_code == 403 and "may not identify remains" in refused.text
    assert name not in refused.text
