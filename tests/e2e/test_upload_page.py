"""Uploading a list from the browser (issue 12, item 5): the upload form on ``/lists`` queues a background job, the
job's page shows its progress — moved by ``static/job.js`` without a reload, or by the page refreshing itself with
JavaScript off — and links to the list when done; the other side's coordinator gets 404 for the job, every way.

The runner is off in this app (as in every test): the test runs the job itself, so it can look at the page while
the job waits and then watch the page notice the end."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import World, build_world, signed_in

from unforgotten.jobs.models import Job
from unforgotten.jobs.runner import JobRunner

CSV = (
    "record_id,family_name,given_name,patronymic,date_of_birth\n"
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12\n"
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05\n"
    "UA-3,Мельник,Богдан,Степанович,2001-11-21\n"
)
USERS = {"ua_coord": ("party_coordinator", "UA"), "ua_viewer": ("party_viewer", "UA"),
         "ru_coord": ("party_coordinator", "RU"), "mediator": ("mediator", "ICRC")}  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> World:
    """Two sides and the mediator, no list yet; production mode, so sign-in and sessions are real."""
    return build_world(tmp_path, users=USERS, secret="u")


def _client(world: World, user: str) -> TestClient:
    return signed_in(world, user)


def _jobs(world: World) -> int:
    with world.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Job)) or 0)


def _upload(client: TestClient, **headers: str) -> object:
    return client.post(
        "/lists",
        data={"party": "UA", "kind": "custody", "share": "1"},
        headers=headers,
        files={"file": ("ua_custody.csv", CSV.encode(), "text/csv")},
        follow_redirects=False,
    )


def test_a_job_is_visible_to_its_side_and_the_mediator_it_is_shared_with_only(world: World) -> None:
    with _client(world, "ua_coord") as ua:
        queued = ua.post("/lists", data={"party": "UA", "kind": "custody", "share": "1"}, follow_redirects=False,
                         files={"file": ("ua_custody.csv", CSV.encode(), "text/csv")})  # fmt: skip
        assert queued.status_code == 303
        job_path = queued.headers["location"]
        job_id = int(job_path.rsplit("/", 1)[1])
        assert ua.get(job_path).status_code == 200
    assert JobRunner(world.database).run_next()
    for user, status in (("ua_coord", 200), ("ua_viewer", 200), ("mediator", 200), ("ru_coord", 404)):
        with _client(world, user) as client:
            page = client.get(f"/jobs/{job_id}")
            polled = client.get(f"/jobs/{job_id}/status")
            api = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {world.tokens[user]}"})
            missing = client.get(
                f"/api/v1/jobs/{job_id + 1}", headers={"Authorization": f"Bearer {world.tokens[user]}"}
            )
        assert (page.status_code, polled.status_code, api.status_code, missing.status_code) == (
            status,
            status,
            status,
            404,
        )
        if status == 200:
            assert api.json() == polled.json()
            assert api.json()["state"] == "done" and api.json()["progress"] == {"done": 3, "total": 3}
            assert api.json()["list_id"] is not None and api.json()["error"] is None
        else:
            assert page.headers["content-type"].startswith("text/html")
            assert "ua_custody" not in page.text and "ua_custody" not in api.text
            assert api.json()["detail"].replace(str(job_id), "N") == missing.json()["detail"].replace(
                str(job_id + 1), "N"
            )


def test_only_a_sides_coordinator_gets_the_form_and_a_cross_site_form_is_refused(world: World) -> None:
    with _client(world, "ua_viewer") as viewer:
        page = viewer.get("/lists")
        assert page.status_code == 200 and 'id="upload-file"' not in page.text
        assert _upload(viewer).status_code == 403  # type: ignore[attr-defined]
    with _client(world, "ua_coord") as coordinator:
        page = coordinator.get("/lists")
        assert 'id="upload-file"' in page.text and '<option value="UA">' in page.text and 'value="RU"' not in page.text
        assert 'name="share" value="1" checked' in page.text
        refused = _upload(coordinator, origin="https://evil.example")
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert "a form from another site cannot act here" in refused.text  # type: ignore[attr-defined]
        other_side = coordinator.post("/lists", data={"party": "RU", "kind": "custody"},
                                      files={"file": ("x.csv", CSV.encode(), "text/csv")})  # fmt: skip
        assert other_side.status_code == 403
    assert _jobs(world) == 0


@pytest.mark.skipif(not chromium_available(), reason="Chromium is not installed")
def test_upload_a_list_and_watch_it_reach_done_in_chromium(world: World, tmp_path: Path) -> None:
    upload = tmp_path / "ua_custody.csv"
    upload.write_text(CSV, encoding="utf-8")
    runner = JobRunner(world.database)
    with live_server(world.app) as base, browser_page() as page:
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["ua_coord"])
        page.click("#token-sign-in button[type=submit]")
        page.goto(base + "/lists")
        assert page.locator("#upload-share").is_checked()
        page.set_input_files("#upload-file", str(upload))
        page.select_option("#upload-kind", "custody")
        page.click("#upload button[type=submit]")
        page.wait_for_url("**/jobs/*")
        job_url = page.url
        assert page.locator("#job-state").inner_text() == "queued"
        page.evaluate("window.notReloaded = true")  # gone if the page reloads: the script must do the work
        assert runner.run_next()
        page.wait_for_selector("#job-list", timeout=20_000)
        assert page.evaluate("window.notReloaded === true"), "the page reloaded instead of polling"
        assert page.locator("#job-state").inner_text() == "done"
        assert page.locator("#job-done").inner_text() == "3"
        assert page.evaluate("document.getElementById('job-progress').value") == 1
        page.click("#job-list")
        page.wait_for_url("**/lists/*")
        assert page.locator("h1").inner_text().startswith("ua_custody")
        assert "3" in page.locator("#counts tr.total").inner_text()
        # The other side's coordinator: the job does not exist for it.
        page.context.clear_cookies()
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["ru_coord"])
        page.click("#token-sign-in button[type=submit]")
        response = page.goto(job_url)
        assert response is not None and response.status == 404
        assert "ua_custody" not in page.content()


def _large_csv(rows: int) -> str:
    """A synthetic list big enough to be seen running: names from small pools, dates spread over years."""
    family = ["Коваленко", "Шевчук", "Мельник", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Лисенко"]
    given = ["Олександр", "Андрій", "Богдан", "Іван", "Петро", "Сергій", "Микола", "Дмитро", "Василь"]
    lines = [CSV.splitlines()[0]]
    for i in range(rows):
        lines.append(
            f"UA-{i},{family[i % 8]},{given[i % 9]},{given[i % 7]}ович,{1970 + i % 35}-{1 + i % 12:02}-{1 + i % 28:02}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(not chromium_available(), reason="Chromium is not installed")
def test_the_bar_moves_while_a_large_list_runs(world: World, tmp_path: Path) -> None:
    upload = tmp_path / "ua_custody_large.csv"
    upload.write_text(_large_csv(12_000), encoding="utf-8")
    runner = JobRunner(world.database)
    world.app.state.job_runner = runner  # as the lifespan would: the page reads its live progress
    with live_server(world.app) as base, browser_page() as page:
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["ua_coord"])
        page.click("#token-sign-in button[type=submit]")
        page.goto(base + "/lists")
        page.set_input_files("#upload-file", str(upload))
        page.uncheck("#upload-share")  # linked into one space only: the test's time is the page's, not linking's
        page.click("#upload button[type=submit]")
        page.wait_for_url("**/jobs/*")
        worker = threading.Thread(target=runner.run_next)
        worker.start()
        try:
            # The reader reports every 5,000 rows, against the file's 12,000 lines; the script shows each report.
            page.wait_for_function(
                "document.getElementById('job-state').textContent === 'running'"
                " && Number(document.getElementById('job-done').textContent.replace(/\\D/g, '')) >= 5000",
                timeout=120_000,
            )
            if page.locator("#job-phase").inner_text() == "reading and storing rows":  # else linking already
                assert page.evaluate("document.getElementById('job-progress').value") >= 5000
                assert page.locator("#job-total").inner_text().replace("\u00a0", "").replace(",", "") == "12000"
            # UNFORGOTTEN_SCREENSHOTS=docs/screenshots keeps the picture for the docs; by default it stays in tmp.
            shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "upload.png"), full_page=True)
        finally:
            worker.join(300)
        page.wait_for_selector("#job-list", timeout=20_000)
        assert page.locator("#job-done").inner_text().replace("\u00a0", "").replace(",", "") == "12000"


@pytest.mark.skipif(not chromium_available(), reason="Chromium is not installed")
def test_without_javascript_the_page_refreshes_itself_to_done(world: World, tmp_path: Path) -> None:
    upload = tmp_path / "ua_request.csv"
    upload.write_text(CSV, encoding="utf-8")
    with live_server(world.app) as base, browser_page() as first:
        context = first.context.browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["ua_coord"])
        page.click("#token-sign-in button[type=submit]")
        page.goto(base + "/lists")
        page.set_input_files("#upload-file", str(upload))
        page.select_option("#upload-kind", "request")
        page.click("#upload button[type=submit]")
        page.wait_for_url("**/jobs/*")
        assert page.locator("#job-state").inner_text() == "queued"
        assert JobRunner(world.database).run_next()
        page.wait_for_selector("#job-list", timeout=20_000)  # only a reload can bring it: no script runs
        assert page.locator("#job-state").inner_text() == "done"
        context.close()
