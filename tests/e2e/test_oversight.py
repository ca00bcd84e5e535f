"""On the demo data, a supervisor reads the Oversight page in another window, opens the
stamper, acknowledges the flag, and sees it in the list; a manager sees the same reviewer
under their name."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reviewq import demo
from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models.types import utcnow
from tests.e2e.helpers import Person, assert_clean
from tests.support.oversight import compute

SUPERVISOR = Person("supervisor@example.com", "demo-supervisor", "Sofia Supervisor")
MANAGER = Person("manager@example.com", "demo-manager", "Max Manager")


def test_oversight_window_drill_down_and_flag_note(app, ctx, sign_in, page, screenshot) -> None:
    demo.load(db.session, Actor.system("test"), utcnow())
    db.session.commit()
    db.session.remove()
    compute(app)  # the page shows stored results, as the scheduler's job keeps them

    sign_in(page, SUPERVISOR)
    page.get_by_role("link", name="Oversight", exact=True).click()
    expect(page.get_by_role("heading", name="Oversight", exact=True)).to_be_visible()
    stamp = page.get_by_role("row", name=re.compile("^Max Stamp individual"))
    expect(stamp).to_be_visible()
    expect(page.get_by_role("heading", name="Weekly trend")).to_be_visible()
    screenshot(page, "oversight")

    page.get_by_role("navigation", name="Window").get_by_role("link", name="28 days").click()
    page.wait_for_url("**/oversight?days=28*")
    expect(page.get_by_text("Last 28 days")).to_be_visible()
    page.get_by_role("link", name="Max Stamp").click()
    page.wait_for_url(re.compile(r"/oversight/\d+\?days=28$"))
    expect(page.get_by_role("heading", name="Review stats: Max Stamp")).to_be_visible()
    screenshot(page, "oversight-reviewer")

    page.locator("#note-S1").fill("Talked it over")
    page.locator("form:has(#note-S1)").get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(r"/oversight/\d+\?days=28$"))
    expect(page.get_by_role("status")).to_contain_text("Your note on the flag is recorded.")
    page.get_by_role("link", name="Oversight", exact=True).click()
    expect(stamp).to_contain_text("S1 acknowledged")
    assert_clean(page)  # no CSP violation, no script error, no 5xx

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, MANAGER)
    page.get_by_role("link", name="Oversight", exact=True).click()
    page.get_by_role("link", name="Max Stamp").click()
    expect(page.get_by_role("heading", name="Review stats: Max Stamp")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    assert_clean(page)
