"""Friction scaled to risk in the browser: a refund draft cannot be approved reflexively
(every box ticked, the context on screen, a confirmation on the key), while a low-risk
draft still goes with one key."""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Decision, Item
from reviewq.services import policy
from tests.e2e.helpers import assert_clean
from tests.support.api import draft

CHECKS = (
    "The refund is allowed by the policy excerpt in the context.",
    "The amount and the order number match the conversation.",
)
# a long draft, so the context starts below the fold even at 1366x768
LONG = "\n\n".join(f"Paragraph {n}: we have looked at your order again." for n in range(40))
SHOTS = Path(os.environ.get("REVIEWQ_SHOTS", "test-results"))


def status_of(title: str) -> str:
    """The item's status, read without holding a transaction (SQLite: no lock) after."""
    try:
        return db.session.scalar(sa.select(Item.status).where(Item.title == title))
    finally:
        db.session.remove()


def test_checklist_gates_a_refund_draft_and_the_low_risk_path_stays_one_key(
    app, make_source, make_user, sign_in, page, screenshot
) -> None:
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [
            Rule(DEFAULT_TAG),
            Rule("refund", min_level=2, checklist=CHECKS, context_required=True),
        ],
    )
    db.session.commit()
    source = make_source()
    refund = draft(external_id="r-1", title="Refund for order 1001", content=LONG)
    refund["risk_tags"] = ["refund"]
    refund["context"] = {"documents": [{"title": "Refund policy", "excerpt": "Up to $50."}]}
    assert source.submit(refund).status_code == 201
    low = draft(external_id="l-1", title="Opening hours", risk_tags=[])
    assert source.submit(low).status_code == 201
    db.session.remove()

    sign_in(page, make_user("kim@example.com", "reviewer", 3, name="Kim Keys"))
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Refund for order 1001")
    approve = page.get_by_role("button", name="Approve", exact=True)
    status = page.locator("#checklist-status")

    # Nothing ticked: Approve is disabled and the key is told why, not swallowed silently.
    expect(approve).to_be_disabled()
    page.keyboard.press("a")
    expect(status).to_contain_text("Not yet: 0 of 2 boxes ticked")
    assert status_of("Refund for order 1001") == "in_review"

    # Every box ticked, but the context was never on screen: still disabled.
    for statement in CHECKS:
        page.get_by_label(statement).check()
    expect(approve).to_be_disabled()
    expect(status).to_contain_text("the context has not been on screen yet")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "checklist-1366x768.png"))

    # The context scrolled into view: Approve is enabled.
    page.get_by_role("link", name="context").click()
    expect(approve).to_be_enabled()
    expect(status).to_have_text("Checklist complete: Approve is enabled.")

    # The key asks first, naming the risk; Escape cancels and nothing is decided.
    page.keyboard.press("a")
    confirm = page.locator("#approve-confirm")
    expect(confirm).to_have_text("Approve a refund draft? Enter to confirm, Escape to cancel.")
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    assert status_of("Refund for order 1001") == "in_review"
    assert page.url.endswith(f"/items/{page.url.rsplit('/', 1)[1]}")

    # Other keys still work after a cancelled confirmation: `r` starts a rejection.
    page.keyboard.press("r")
    expect(page.locator("#reason_code")).to_be_focused()
    page.keyboard.press("Escape")

    # `a` then Enter approves, with the ticks and their timing kept.
    page.keyboard.press("a")
    expect(confirm).to_be_visible()
    before = page.url
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != before)
    assert status_of("Refund for order 1001") == "approved"
    decision = db.session.scalar(sa.select(Decision).order_by(Decision.id))
    ticks = decision.checklist
    db.session.remove()
    assert [b["statement"] for b in ticks["items"]] == list(CHECKS)
    assert all(b["ticked"] and b["ticked_ms"] > 0 for b in ticks["items"])
    assert ticks["context_opened_ms"] > max(b["ticked_ms"] for b in ticks["items"])

    # The low-risk draft: no checklist, one key approves.
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening hours")
    expect(page.locator("#checklist")).to_have_count(0)
    before = page.url
    page.keyboard.press("a")
    page.wait_for_url(lambda url: url != before)
    assert status_of("Opening hours") == "approved"
    assert_clean(page)


def test_checklist_on_a_phone(app, make_source, make_user, sign_in, page) -> None:
    """At 390x844 the checklist fits the screen (a screenshot for the eye)."""
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [Rule(DEFAULT_TAG), Rule("refund", checklist=CHECKS, context_required=True)],
    )
    db.session.commit()
    source = make_source()
    assert source.submit(draft(title="Refund for order 1001", risk_tags=["refund"])).status_code
    db.session.remove()
    sign_in(page, make_user("kim@example.com", "reviewer", 3, name="Kim Keys"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    box = page.locator("#checklist")
    box.scroll_into_view_if_needed()
    page.get_by_label(CHECKS[0]).check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "checklist-390x844.png"))
    page.screenshot(path=str(SHOTS / "checklist-390x844-full.png"), full_page=True)
    width = box.bounding_box()["width"]
    assert 0 < width <= 390
    assert_clean(page)
