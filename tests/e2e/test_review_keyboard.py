"""A reviewer works the queue by keyboard alone: approve, edit, reject, each loading the next."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from reviewq.domain.workflow import REJECT_REASONS
from reviewq.extensions import db
from reviewq.models import Decision, Item
from tests.e2e.helpers import assert_clean
from tests.support.api import draft

TITLES = ["Refund for order 1001", "Delivery delay apology 1002", "Warranty answer 1003"]
NEW_TEXT = "Dear customer, we have refunded the full amount today. Sorry for the wait."
REASON = "Promises a warranty the policy does not give."
ITEM_URL = re.compile(r"/items/\d+$")


def decide_and_wait(page, key: str) -> str:
    """Press ``key`` on the current item page and wait for the next page to load."""
    before = page.url
    page.keyboard.press(key)
    page.wait_for_url(lambda url: url != before)
    return page.url


def test_reviewer_approves_edits_and_rejects_by_keyboard(
    app, make_source, make_user, sign_in, page, screenshot
) -> None:
    source = make_source()
    for title in TITLES:
        resp = source.submit(draft(title=title, risk_tags=[]))
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["requirements"]["approvals"] == 1
    db.session.remove()  # hold no transaction (SQLite: no write lock) while the server works

    sign_in(page, make_user("kim@example.com", "reviewer", 3, name="Kim Keys"))
    for title in TITLES:
        expect(page.get_by_role("cell", name=title, exact=True)).to_be_visible()
    screenshot(page, "queue")

    # Review next by keyboard.
    page.keyboard.press("n")
    page.wait_for_url(ITEM_URL)
    seen: dict[str, str] = {}

    # 1: approve with `a`.
    first = page.get_by_role("heading", level=1).inner_text()
    assert first in TITLES
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    screenshot(page, "item")
    seen["approved"] = first
    decide_and_wait(page, "a")
    assert ITEM_URL.search(page.url)
    expect(page.get_by_role("status")).to_contain_text(f"“{first}”: approved.")

    # 2: edit with `e`, replace the text, save with Ctrl+Enter.
    second = page.get_by_role("heading", level=1).inner_text()
    assert second in TITLES and second != first
    seen["edited"] = second
    edited_url = page.url
    page.keyboard.press("e")
    editor = page.get_by_label("Edited text")
    expect(editor).to_be_visible()
    expect(editor).to_be_focused()
    expect(editor).to_have_value(draft()["content"])  # the `e` was not typed into it
    page.keyboard.press("Control+a")
    page.keyboard.type(NEW_TEXT)
    expect(editor).to_have_value(NEW_TEXT)
    decide_and_wait(page, "Control+Enter")
    assert ITEM_URL.search(page.url)
    expect(page.get_by_role("status")).to_contain_text(f"“{second}”: approved with your edits.")

    # 3: reject with `r`: the category gets focus, a choice moves focus to the reason, Enter.
    third = page.get_by_role("heading", level=1).inner_text()
    assert third in TITLES and third not in (first, second)
    seen["rejected"] = third
    page.keyboard.press("r")
    category = page.get_by_label("Rejection category")
    expect(category).to_be_focused()
    expect(page.locator("#reason-hint")).to_contain_text("Rejecting")
    page.keyboard.press("ArrowDown")  # the first real category
    expect(category).to_have_value(next(iter(REJECT_REASONS)))
    reason = page.get_by_label("Reason", exact=True)
    expect(reason).to_be_focused()
    page.keyboard.type(REASON)
    decide_and_wait(page, "Enter")

    # Nothing left: back on the queue, which says so.
    page.wait_for_url("**/queue")
    expect(page.get_by_role("status").first).to_contain_text(f"“{third}”: rejected.")
    expect(page.get_by_text("Nothing left that you can review.")).to_be_visible()
    assert_clean(page)

    with app.app_context():
        items = {i.title: i for i in db.session.scalars(sa.select(Item))}
        decisions = {d.item_id: d for d in db.session.scalars(sa.select(Decision))}
        assert len(items) == 3 and len(decisions) == 3

        approved = items[seen["approved"]]
        assert approved.status == "approved" and approved.edited is False
        assert decisions[approved.id].action == "approve"

        edited = items[seen["edited"]]
        assert edited.status == "approved" and edited.edited is True
        assert edited.final_content == NEW_TEXT
        edit = decisions[edited.id]
        assert edit.action == "edit"
        assert edit.content_before == draft()["content"] and edit.content_after == NEW_TEXT

        rejected = items[seen["rejected"]]
        assert rejected.status == "rejected"
        reject = decisions[rejected.id]
        assert reject.action == "reject"
        assert reject.reason_code == next(iter(REJECT_REASONS)) and reject.reason == REASON

        for decision in decisions.values():
            assert decision.opened_at <= decision.decided_at
            assert decision.active_seconds is not None and decision.active_seconds >= 0
        db.session.remove()

    # The edited item's page shows the new text as an insertion in the diff.
    page.goto(edited_url)
    expect(page.get_by_role("heading", name="Changes from the AI draft")).to_be_visible()
    expect(page.locator(".diff-ins").filter(has_text=NEW_TEXT).first).to_be_visible()
    expect(page.locator(".diff-del").filter(has_text=draft()["content"]).first).to_be_visible()
    screenshot(page, "item-edited")
    assert_clean(page)


def test_skip_by_keyboard_moves_on_to_another_item(make_source, make_user, sign_in, page) -> None:
    source = make_source()
    for title in TITLES[:2]:
        assert source.submit(draft(title=title, risk_tags=[])).status_code == 201
    db.session.remove()

    sign_in(page, make_user("kim@example.com", "reviewer", 3, name="Kim Keys"))
    page.keyboard.press("n")
    page.wait_for_url(ITEM_URL)
    skipped = page.get_by_role("heading", level=1).inner_text()
    with page.expect_navigation():
        page.keyboard.press("s")
    expect(page.get_by_role("status")).to_contain_text("skipped: back in the queue")
    assert_clean(page)
    assert page.get_by_role("heading", level=1).inner_text() != skipped
