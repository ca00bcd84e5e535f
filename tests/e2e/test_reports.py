"""On the demo data, a manager starts on the reports summary, opens each report, changes the
range, and downloads a table as CSV; every report page is photographed at a laptop's size and
a phone's (``/tmp/shots-reports/``) for a human to look at."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from reviewq import demo
from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models.types import utcnow
from tests.e2e.helpers import Person, assert_clean

MANAGER = Person("manager@example.com", "demo-manager", "Max Manager")
SHOTS = Path("/tmp/shots-reports")
SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES["1366"])


def test_manager_reads_reports_changes_the_range_and_downloads_csv(ctx, sign_in, page) -> None:
    demo.load(db.session, Actor.system("test"), utcnow())
    db.session.commit()
    db.session.remove()

    sign_in(page, MANAGER)
    page.wait_for_url("**/reports")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    expect(page.get_by_text("Short by")).to_be_visible()
    expect(page.get_by_text("Worse: claims-assistant")).to_be_visible()
    shoot(page, "summary")

    nav = page.get_by_role("navigation", name="Reports")
    for link, heading, name in (
        ("Workload and staffing", "Workload and staffing", "workload"),
        ("AI quality", "AI quality", "quality"),
        ("Oversight report", "Oversight", "oversight"),
    ):
        nav.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.locator("figure.chart svg[role=img]").first).to_be_visible()
        shoot(page, name)

    nav.get_by_role("link", name="Workload and staffing", exact=True).click()
    end = utcnow().date()
    start = end - timedelta(days=13)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("By", exact=True).select_option("day")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"start={start.isoformat()}.*grain=day"))
    flow = page.locator("#t-flow")
    expect(flow.locator("tbody tr")).to_have_count(14)

    with page.expect_download() as info:
        flow.get_by_role("link", name=re.compile("^Download CSV")).click()
    download = info.value
    assert download.suggested_filename.startswith(f"reviewq-workload-flow-{start.isoformat()}")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert rows[0][:3] == ["bucket", "arrived", "decided"]
    assert [r[0] for r in rows[1:]][0] == start.isoformat() and len(rows) == 15
    assert sum(int(r[1]) for r in rows[1:]) > 0  # the demo's drafts of the last days
    assert_clean(page)
