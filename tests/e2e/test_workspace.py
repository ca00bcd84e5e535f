"""A reviewer works, pauses and stops in the browser: the undo window with its countdown,
Stop reviewing, filters kept across decisions, and keys that are never swallowed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from reviewq.extensions import db
from reviewq.models import Item
from tests.e2e.helpers import assert_clean
from tests.jobs.support import Receiver
from tests.support.api import draft

ITEM_URL = re.compile(r"/items/\d+(\?.*)?$")
SHOTS = "/tmp/shots-workspace"


def press_and_wait(page, key: str) -> None:
    """Press ``key`` and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def statuses(app, titles) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(sa.select(Item.title, Item.status)).all()
        db.session.remove()
    return {title: status for title, status in rows if title in titles}


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def test_undo_counts_down_takes_back_and_the_callback_follows_the_window(
    app, monkeypatch, make_source, make_user, sign_in, page, receiver, screenshot
) -> None:
    monkeypatch.setitem(app.config, "UNDO_SECONDS", 4)
    source = make_source(callback_url=receiver.url)
    receiver.secret = source.secret
    for n in (1, 2):
        assert source.submit(draft(title=f"Reply {n}", risk_tags=[])).status_code == 201
    db.session.remove()
    sign_in(page, make_user("una@example.com", "reviewer", 3, name="Una Undo"))

    press_and_wait(page, "n")
    first = heading(page)
    press_and_wait(page, "a")  # a slip: approved, and the next item opens
    bar = page.locator("#undo-bar")
    expect(bar).to_contain_text(f"“{first}”: approved.")
    expect(bar.get_by_role("button", name=re.compile(r"Undo \([1-4] s\)"))).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/undo-bar-390x844.png")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=f"{SHOTS}/undo-bar-1366x768.png")
    screenshot(page, "undo-bar")
    press_and_wait(page, "u")  # taken back: the same item, held again
    assert heading(page) == first
    expect(page.get_by_role("status")).to_contain_text("was taken back: nothing was sent")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert statuses(app, [first])[first] == "in_review"
    assert receiver.hits == []

    press_and_wait(page, "a")  # this time it stands: the countdown runs out
    expect(bar).to_contain_text("It stands now.", timeout=8000)
    expect(bar.get_by_role("button")).to_have_count(0)
    [hit] = receiver.wait_for(1, timeout=10)
    assert hit.payload["data"]["outcome"] == "approved"
    assert statuses(app, [first])[first] == "approved"
    assert_clean(page)


def test_stop_reviewing_frees_the_item_for_a_colleague_at_once(
    browser, live_server, make_source, make_user, sign_in, page
) -> None:
    source = make_source()
    assert source.submit(draft(title="Only one", risk_tags=[])).status_code == 201
    db.session.remove()
    sign_in(page, make_user("sid@example.com", "reviewer", 3, name="Sid Stop"))
    press_and_wait(page, "n")
    assert heading(page) == "Only one"
    expect(page.get_by_text("q stop reviewing", exact=False)).to_be_visible()
    press_and_wait(page, "q")
    page.wait_for_url("**/queue")
    expect(page.get_by_role("status")).to_contain_text("back in the queue. You hold no item now")

    colleague = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768})
    try:
        other = colleague.new_page()
        sign_in(other, make_user("cat@example.com", "reviewer", 3, name="Cat Colleague"))
        with other.expect_navigation():
            other.keyboard.press("n")
        assert heading(other) == "Only one"  # claimed at once, not 15 minutes later
    finally:
        colleague.close()
    assert_clean(page)


def test_filters_are_kept_across_three_decisions(
    app, make_source, make_user, sign_in, page
) -> None:
    calm, hot = make_source("calm-bot"), make_source("hot-bot")
    for n in range(4):
        assert (
            calm.submit(draft(external_id=f"c{n}", title=f"Calm {n}", risk_tags=[])).status_code
            == 201
        )
        assert (
            hot.submit(draft(external_id=f"h{n}", title=f"Hot {n}", risk_tags=[])).status_code
            == 201
        )
    with app.app_context():  # the hot drafts would come first without the filter
        db.session.execute(sa.update(Item).where(Item.title.like("Hot%")).values(priority=1))
        db.session.commit()
        db.session.remove()
    sign_in(page, make_user("fay@example.com", "reviewer", 3, name="Fay Filter"))
    page.get_by_label("Source").select_option("calm-bot")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    press_and_wait(page, "n")
    for _ in range(3):
        assert heading(page).startswith("Calm"), heading(page)
        assert page.url.endswith("?source=calm-bot")
        press_and_wait(page, "a")
    assert heading(page).startswith("Calm") and page.url.endswith("?source=calm-bot")
    assert set(statuses(app, [f"Hot {n}" for n in range(4)]).values()) == {"queued"}
    assert_clean(page)


def test_keys_are_never_swallowed_and_escape_always_returns_to_them(
    app, make_source, make_user, sign_in, page
) -> None:
    source = make_source()
    titles = [f"Draft {n}" for n in range(4)]
    for title in titles:
        assert source.submit(draft(title=title, risk_tags=[])).status_code == 201
    db.session.remove()
    sign_in(page, make_user("kay@example.com", "reviewer", 3, name="Kay Keys"))
    press_and_wait(page, "n")

    # r, then Enter with no category: the list does not open, and `a` still approves
    first = heading(page)
    page.keyboard.press("r")
    category = page.get_by_label("Rejection category")
    expect(category).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#reason-hint")).to_contain_text("Choose a category")
    expect(category).to_have_value("")
    press_and_wait(page, "a")
    assert statuses(app, [first])[first] == "approved"

    # typing in the reason: the keys are text there; Escape gives them back
    second = heading(page)
    page.keyboard.press("x")
    reason = page.get_by_label("Reason", exact=True)
    expect(reason).to_be_focused()
    page.keyboard.type("as a test")  # contains a, s and e: nothing fires
    expect(reason).to_have_value("as a test")
    assert heading(page) == second
    page.keyboard.press("Escape")
    expect(reason).not_to_be_focused()

    # the editor: Escape leaves it, and the keys work at once
    page.keyboard.press("e")
    editor = page.get_by_label("Edited text")
    expect(editor).to_be_focused()
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()

    # the help dialog: Escape closes it, and the keys work at once
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    # the stop-after box takes the focus without taking the keys: t toggles it
    page.get_by_label(re.compile("Stop after this decision")).focus()
    page.keyboard.press("t")
    expect(page.get_by_label(re.compile("Stop after this decision"))).to_be_checked()
    page.keyboard.press("t")
    expect(page.get_by_label(re.compile("Stop after this decision"))).not_to_be_checked()
    press_and_wait(page, "s")  # Skip, straight from the checkbox
    assert heading(page) != second
    assert statuses(app, [second])[second] == "queued"
    assert_clean(page)
