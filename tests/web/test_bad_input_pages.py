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


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[2J", "x" * 5000])
def test_a_source_filter_no_slug_could_be_is_ignored(app, source, value: str) -> None:
    item_id = source.submit(draft()).get_json()["id"]
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    assert reviewer.get("/queue", query_string={"source": value}).status_code == 200
    token = csrf(reviewer, "/queue")
    resp = reviewer.post("/queue/next", data={"csrf_token": token, "source": value})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/items/{item_id}"


def test_a_canary_rate_for_a_source_no_slug_could_be_is_404(app, source) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    token = csrf(supervisor, "/canaries")
    resp = supervisor.post(
        "/canaries/rate", data={"csrf_token": token, "source": "a\x00b", "rate": "2"}
    )
    assert resp.status_code == 404


@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1" * 7])
def test_page_numbers_past_the_digit_limit_are_400(app, source, number: str) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    assert supervisor.get("/oversight", query_string={"page": number}).status_code == 400


@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1e2"])
def test_api_limits_past_the_digit_limit_are_422(source, number: str) -> None:
    resp = source.get(f"/api/v1/sources/{source.slug}/items?limit={number}")
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [
        {"field": "limit", "message": "must be a whole number 1-100"}
    ]
