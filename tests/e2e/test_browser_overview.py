"""A real browser opens the overview page and sees the lists with their counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.browser import browser_page, chromium_available, live_server

from unforgotten.app import create_app
from unforgotten.auth import service as parties
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed"),
]


def test_overview_in_chromium(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'browser.db'}")
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        ru = parties.create(session=uow.session, code="RU", name="Russia")
        uow.session.add(
            List(
                party_id=ru.id,
                kind="custody",
                name="ru_custody",
                file_name="ru_custody.xlsx",
                file_hash="1" * 64,
                file_format="xlsx",
                submitted_by="test",
                row_count=7,
                accepted_count=6,
                quarantined_count=1,
            )
        )
        uow.commit()
    with live_server(create_app(settings, database=database)) as base, browser_page() as page:
        page.goto(base + "/")
        row = page.locator("#lists tbody tr").first
        assert row.locator("td").nth(3).inner_text() == "ru_custody"
        assert row.locator("td.rows").inner_text() == "7"
        assert row.locator("td.accepted").inner_text() == "6"
        assert page.locator("#parties").inner_text().count("RU") == 1
        page.screenshot(path=str(tmp_path / "overview.png"))
