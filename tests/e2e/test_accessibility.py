"""Every page passes axe-core (issue 12 item 12: labels, keyboard, contrast), in English and Ukrainian, in real
Chromium. axe-core comes vendored in the `axe-playwright-python` package: nothing is fetched at run time."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.test_person_page import World, _person_of, build

from unforgotten.agreements import service as agreements
from unforgotten.lists import service as lists

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "agreements" / "2025-06-02.yaml"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed"),
]

# WCAG 2.1 A and AA: what the issue asks for (labels, keyboard navigation, contrast) and the rest of the level.
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("a11y"))


def _pages(world: World) -> list[str]:
    with world.database.read() as session:
        from unforgotten.auth.service import operator

        summaries = lists.get_summaries(session=session, actor=operator("test"))
    request = next(s.id for s in summaries if s.kind == "request")
    custody = next(s.id for s in summaries if s.kind == "custody")
    person = _person_of(world, "UA", "Коваленко")
    with world.database.unit_of_work(actor="cli:test") as uow:  # the same file twice is the same agreement
        agreement = agreements.load_file(session=uow.session, path=EXAMPLE).id
        uow.commit()
    return ["/", "/search?q=Kovalenko", f"/persons/{person}", "/review", f"/lists/{request}",
            f"/reconciliation/{request}/{custody}", "/agreements", f"/agreements/{agreement}", "/account",
            "/no/such/page"]  # fmt: skip


def _violations(page: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_every_page_passes_axe(world: World, language: str) -> None:
    found: dict[str, list[str]] = {}
    with live_server(world.app) as base, browser_page() as page:
        page.goto(f"{base}/login?lang={language}")
        found["/login"] = _violations(page)
        page.fill("input[name=token]", world.tokens["ua_coord"])
        page.click("#token-sign-in button[type=submit]")
        for path in _pages(world):
            response = page.goto(base + path)
            assert response is not None and response.status in (200, 404), (path, response and response.status)
            found[path] = _violations(page)
    assert {path: v for path, v in found.items() if v} == {}
