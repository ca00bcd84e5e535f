"""Bad input on the pages answers with the form's message or a 404, never a 500, and
changes nothing (the hostile-input test covers every route; these pin the answers)."""

from __future__ import annotations

import pytest

from tests.conftest import csrf, draft, signed_in


@pytest.mark.parametrize("item_id", [2**31, 2**63 - 1, 2**63, 2**64, 10**40])
def test_ids_no_column_holds_are_404(app, source, item_id: int) -> None:
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    token = csrf(reviewer, "/queue")
    assert reviewer.get(f"/items/{item_id}").status_code == 404
    assert reviewer.post(f"/items/{item_id}/skip", data={"csrf_token": token}).status_code == 404
    resp = source.get(f"/api/v1/items/{item_id}")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("slug", ["a%00b", "a%1Bb", "x" * 201])
def test_slugs_with_control_characters_are_404(app, source, slug: str) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    token = csrf(admin, "/sources")
    resp = admin.post(f"/sources/{slug}/status", data={"csrf_token": token, "change": "resume"})
    assert resp.status_code == 404
    assert source.client.post(f"/api/v1/sources/{slug}/items", json=draft()).status_code == 404
