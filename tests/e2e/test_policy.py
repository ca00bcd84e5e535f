"""An administrator edits the risk policy in the browser: preview, then save with a note."""

from __future__ import annotations

from playwright.sync_api import expect

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import policy
from tests.e2e.helpers import assert_clean
from tests.support.api import draft


def test_an_admin_previews_and_saves_a_stricter_rule(
    app, live_server, make_source, make_user, sign_in, page, screenshot
) -> None:
    with app.app_context():
        policy.set_rules(
            db.session, Actor.system("t"), [Rule("*"), Rule("refund", min_level=2)], note="start"
        )
        db.session.commit()
    source = make_source()
    for _ in range(2):
        assert source.submit(draft(risk_tags=["refund"])).status_code == 201
    sign_in(page, make_user("ada@example.com", "admin", name="Ada Admin"))
    page.get_by_role("link", name="Policy", exact=True).click()
    page.get_by_role("link", name="Edit the rules").click()
    page.get_by_label("Level, refund").fill("3")
    page.get_by_label("Checklist, refund").fill("The refund is allowed by the policy excerpt")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("queued drafts would be routed differently")).to_contain_text("2")
    screenshot(page, "policy-preview")
    page.get_by_label("Why (kept with the version)").fill("Refund fraud wave")
    page.get_by_label("Re-route queued drafts whose requirements change (audited)").check()
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("2 queued drafts re-routed")).to_be_visible()
    expect(page.get_by_role("cell", name="Refund fraud wave")).to_be_visible()
    screenshot(page, "policy")
    assert_clean(page)
