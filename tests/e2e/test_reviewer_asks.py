"""What reviewers asked for, in the browser: an editor with a live preview and diff, queue
counts that refresh themselves, and a skip link on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reviewq.extensions import db
from tests.e2e.helpers import assert_clean
from tests.support.api import draft

SET_VISIBILITY = """state => {
  Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
ORIGINAL = "Dear customer,\n\nYour refund of $42.00 is on its way.\n\nKind regards"


def test_the_editor_previews_and_diffs_as_one_types(
    make_source, make_user, sign_in, page, screenshot
) -> None:
    source = make_source()
    resp = source.submit(draft(title="Refund reply", content=ORIGINAL, risk_tags=[]))
    assert resp.status_code == 201
    db.session.remove()
    sign_in(page, make_user("eve@example.com", "reviewer", 3, name="Eve Editor"))
    page.get_by_role("button", name="Review next").click()
    page.wait_for_url(re.compile(r"/items/\d+$"))

    page.keyboard.press("e")
    editor = page.get_by_role("region", name="Edit the draft")
    text = editor.get_by_label("Edited text")
    expect(text).to_be_focused()
    preview = editor.get_by_role("region", name="Preview")
    diff = editor.get_by_role("table")
    expect(diff).to_contain_text("No changes yet.")

    text.press("Control+End")
    text.press_sequentially("\n\nP.S. **Sorry** <script>alert(1)</script>")
    # the preview: rendered by the server as on the item page, HTML in the text kept inert
    expect(preview.locator("strong")).to_have_text("Sorry")
    expect(preview).to_contain_text("<script>alert(1)</script>")
    # the diff: the new lines on the After side only, the untouched ones on both
    added = diff.locator("ins")
    expect(added.last).to_have_text("P.S. **Sorry** <script>alert(1)</script>")
    expect(diff.get_by_role("row", name=re.compile(r"Kind regards\s+Kind regards"))).to_be_visible()

    text.press("Control+a")
    text.press_sequentially("Dear customer,\n\nYour refund is on its way.\n\nKind regards")
    expect(diff.locator("del")).to_have_text(["Your refund of $42.00 is on its way."])
    expect(diff.locator("ins")).to_have_text(["Your refund is on its way."])
    expect(preview).to_contain_text("Your refund is on its way.")
    expect(preview).not_to_contain_text("$42.00")
    screenshot(page, "editor")

    text.press("Control+Enter")
    expect(page.get_by_role("status").first).to_contain_text("approved with your edits")
    assert_clean(page)


def test_the_queue_counts_refresh_by_themselves(make_source, make_user, sign_in, page) -> None:
    source = make_source()
    assert source.submit(draft(title="First", risk_tags=[])).status_code == 201
    db.session.remove()
    page.clock.install()
    sign_in(page, make_user("ray@example.com", "reviewer", 3, name="Ray Refresh"))
    eligible = page.locator('[data-count="eligible"]')
    expect(eligible).to_have_text("1 item you can review")
    page.evaluate("window.stillThisPage = true")

    assert source.submit(draft(title="Second", risk_tags=[])).status_code == 201
    assert source.submit(draft(title="Third", risk_tags=[])).status_code == 201
    page.clock.run_for(10_000)
    expect(eligible).to_have_text("1 item you can review")  # not yet: every 20 s
    page.clock.run_for(11_000)
    expect(eligible).to_have_text("3 items you can review")
    by_source = page.get_by_role("heading", name="By source").locator("..")
    expect(by_source.get_by_role("listitem")).to_have_text([re.compile(r"Support-Bot\s*3")])
    assert page.evaluate("window.stillThisPage") is True  # no reload

    # a hidden tab asks nothing; shown again, it catches up at once
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.evaluate(SET_VISIBILITY, "hidden")
    assert source.submit(draft(title="Fourth", risk_tags=[])).status_code == 201
    page.clock.run_for(61_000)
    assert not [url for url in asked if "/queue/counts" in url]
    expect(eligible).to_have_text("3 items you can review")
    page.evaluate(SET_VISIBILITY, "visible")
    expect(eligible).to_have_text("4 items you can review")
    assert_clean(page)


def test_the_skip_link_comes_first_and_shows_on_a_phone(make_user, sign_in, page) -> None:
    sign_in(page, make_user("sam@example.com", "reviewer", 1, name="Sam Skip"))
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/my-decisions")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the nav
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert_clean(page)
