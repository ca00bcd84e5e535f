"""An administrator rotates a source's secret in the browser: the new one is shown once,
the old one keeps working through the grace period and stops after it."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from reviewq.extensions import db
from reviewq.models.types import utcnow
from reviewq.services import sources
from tests.e2e.helpers import assert_clean
from tests.support.api import SourceKit, draft


def test_an_admin_rotates_a_secret_and_the_old_one_ends_after_the_grace(
    app, client, live_server, make_source, make_user, sign_in, page, screenshot
) -> None:
    old = make_source("billing-bot")
    sign_in(page, make_user("ada@example.com", "admin", name="Ada Admin"))
    page.goto("/sources")
    page.get_by_role("link", name="Billing-Bot").click()
    page.get_by_role("button", name="Rotate the secret").click()
    new_secret = page.get_by_role("textbox", name="Webhook secret").input_value()
    assert new_secret.startswith("whsec_") and new_secret != old.secret
    expect(page.get_by_text("the previous secret still verifies until")).to_be_visible()
    screenshot(page, "source-secret-rotated")
    assert_clean(page)

    new = SourceKit(client, old.slug, new_secret, old.token)
    assert new.submit(draft()).status_code == 201
    assert old.submit(draft()).status_code == 201  # within the grace
    with app.app_context():  # the grace runs out
        source = sources.get(db.session, old.slug)
        source.previous_secret_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert old.submit(draft()).status_code == 401
    assert new.submit(draft()).status_code == 201
    page.goto(f"/admin/sources/{old.slug}")
    expect(page.get_by_text("one secret in use")).to_be_visible()
    expect(page.get_by_role("textbox", name="Webhook secret")).to_have_count(0)  # shown once
