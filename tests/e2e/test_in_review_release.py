"""A supervisor releases an item a reviewer holds, from the In review page, and another
reviewer then claims it; the page reflows on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import assert_clean
from tests.support.api import draft


def test_a_supervisor_releases_an_item_and_another_reviewer_claims_it(
    app, ctx, browser, live_server, make_source, make_user, sign_in, page, screenshot
) -> None:
    rob = make_user("rob@example.com", "reviewer", 2, name="Rob Review")
    kim = make_user("kim@example.com", "reviewer", 2, name="Kim Keen")
    sue = make_user("sue@example.com", "supervisor", 5, name="Sue Visor")
    item_id = make_source().submit(draft(title="Refund for order 8812")).get_json()["id"]

    sign_in(page, rob)
    page.get_by_role("button", name="Review next").click()
    page.wait_for_url(f"**/items/{item_id}")

    contexts = []
    try:
        for _ in (sue, kim):
            context = browser.new_context(
                viewport={"width": 1366, "height": 768}, base_url=live_server
            )
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
        problems: list[str] = []
        for context in contexts:
            context.on("weberror", lambda error: problems.append(str(error.error)))
            context.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None,
            )
        supervisor = contexts[0].new_page()
        sign_in(supervisor, sue)
        supervisor.get_by_role("link", name="In review").click()
        row = supervisor.get_by_role("row", name=re.compile("Refund for order 8812"))
        expect(row).to_contain_text("Rob Review")
        expect(row).to_contain_text("UTC")
        screenshot(supervisor, "in-review")
        row.get_by_role("button", name=f"Release #{item_id}").click()
        expect(supervisor.get_by_role("status")).to_contain_text(f"#{item_id} is back in the queue")
        expect(supervisor.get_by_text("Nobody holds an item.")).to_be_visible()

        reviewer = contexts[1].new_page()
        sign_in(reviewer, kim)
        reviewer.get_by_role("button", name="Review next").click()
        reviewer.wait_for_url(f"**/items/{item_id}")
        expect(reviewer.get_by_role("heading", name="Refund for order 8812")).to_be_visible()
        assert problems == []
    finally:
        for context in contexts:
            context.close()
    assert_clean(page)
