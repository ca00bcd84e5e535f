"""A supervisor works escalations in the browser: one returned with guidance that the next
reviewer sees, one resolved by rejecting."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Decision, Escalation, Item
from reviewq.services import policy
from tests.e2e.helpers import assert_clean
from tests.support.api import draft

GUIDANCE = "Check the refund amount against the order total before approving."


def test_supervisor_returns_one_escalation_and_rejects_another(
    app, ctx, make_source, make_user, sign_in, page, screenshot
) -> None:
    supervisor = make_user("sue@example.com", "supervisor", 5, name="Sue Visor")
    reviewer = make_user("rob@example.com", "reviewer", 2, name="Rob Review")
    policy.set_rules(
        db.session, Actor.system("test"), [Rule("fraud", min_level=1, always_escalate=True)]
    )
    db.session.commit()
    source = make_source()
    returned_id = source.submit(draft(title="Refund over limit", risk_tags=["fraud"])).get_json()[
        "id"
    ]
    rejected_id = source.submit(
        draft(title="Claim with fake invoice", risk_tags=["fraud"])
    ).get_json()["id"]
    db.session.remove()

    sign_in(page, supervisor)
    expect(page.get_by_role("link", name=re.compile("Notifications"))).to_contain_text("2")
    page.get_by_role("link", name="Escalations").click()
    row = page.get_by_role("row", name=re.compile("Refund over limit"))
    expect(row).to_contain_text("always-escalate tag: fraud")
    screenshot(page, "escalations")
    row.get_by_role("button", name="Claim").click()
    page.wait_for_url(f"**/items/{returned_id}")
    expect(page.get_by_role("heading", name="Resolve the escalation")).to_be_visible()
    screenshot(page, "escalation-item")
    page.get_by_label("Reason", exact=True).fill(GUIDANCE)
    page.get_by_role("button", name="Return to queue").click()
    page.wait_for_url("**/escalations")
    expect(page.get_by_role("status")).to_contain_text("returned to the queue with your guidance")

    page.get_by_role("row", name=re.compile("Claim with fake invoice")).get_by_role(
        "button", name="Claim"
    ).click()
    page.wait_for_url(f"**/items/{rejected_id}")
    page.keyboard.press("r")
    page.get_by_label("Rejection category").select_option("factual_error")
    page.get_by_label("Reason", exact=True).fill("Invoice number does not exist.")
    page.keyboard.press("Enter")
    page.wait_for_url("**/escalations")
    assert_clean(page)

    # The next reviewer gets the returned item and sees the guidance.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, reviewer)
    page.get_by_role("button", name="Review next").click()
    page.wait_for_url(f"**/items/{returned_id}")
    expect(page.get_by_role("region", name="Guidance from a supervisor")).to_contain_text(GUIDANCE)
    assert_clean(page)

    returned = db.session.get(Item, returned_id)
    rejected = db.session.get(Item, rejected_id)
    assert returned.status == "in_review" and returned.guidance == GUIDANCE
    assert rejected.status == "rejected" and rejected.outcome_reason.startswith("factual_error")
    resolved = {e.item_id: e for e in db.session.scalars(sa.select(Escalation)).all()}
    assert (
        resolved[returned_id].outcome == "returned" and resolved[returned_id].guidance == GUIDANCE
    )
    assert resolved[rejected_id].outcome == "rejected"
    assert all(e.resolved_at >= e.raised_at for e in resolved.values())
    actions = db.session.scalars(sa.select(Decision.action).order_by(Decision.id)).all()
    assert actions == ["return", "reject"]
