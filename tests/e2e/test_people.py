"""An administrator adds a reviewer in the browser with an invitation link; the reviewer
opens the link in their own browser, sets a password and signs in."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import Person, assert_clean


def test_an_admin_invites_a_reviewer_who_then_signs_in(
    browser, live_server, make_user, sign_in, page, screenshot
) -> None:
    sign_in(page, make_user("ada@example.com", "admin", name="Ada Admin"))
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Role").select_option("reviewer")
    page.get_by_label("Authority level").fill("2")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", name="Invitation link, shown only now")).to_be_visible()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/account/link/" in link
    screenshot(page, "people-invitation")
    page.get_by_role("link", name="People", exact=True).first.click()
    expect(page.get_by_role("cell", name="nia@example.com")).to_be_visible()
    screenshot(page, "people-list")
    assert_clean(page)

    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    try:
        invited = context.new_page()
        invited.goto(link)
        invited.get_by_label("New password").fill("nia-chose-this-one")
        invited.get_by_role("button", name="Set password").click()
        expect(invited.get_by_text("Your password is set")).to_be_visible()
        sign_in(invited, Person("nia@example.com", "nia-chose-this-one", "Nia New"))
        expect(invited.get_by_role("heading", name="Queue")).to_be_visible()
        invited.goto(link)
        expect(invited.get_by_role("heading", name="This link does not work")).to_be_visible()
    finally:
        context.close()
