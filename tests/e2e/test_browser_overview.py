"""A real browser opens the overview page and sees the lists with their counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.apps import app_with_one_list
from tests.e2e.browser import browser_page, chromium_available, live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed"),
]


def test_overview_in_chromium(tmp_path: Path) -> None:
    app = app_with_one_list(tmp_path, party="RU", kind="custody", name="ru_custody", rows=7, accepted=6, quarantined=1)
    with live_server(app) as base, browser_page() as page:
        page.goto(base + "/")
        row = page.locator("#lists tbody tr").first
        assert row.locator("td").nth(3).inner_text() == "ru_custody"
        assert row.locator("td.rows").inner_text() == "7"
        assert row.locator("td.accepted").inner_text() == "6"
        assert page.locator("#parties tbody tr").count() == 1
        page.screenshot(path=str(tmp_path / "overview.png"))
