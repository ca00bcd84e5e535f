"""The workspace over HTTP: the pipeline from form to stored decision, and its messages."""

import random
import re

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import Decision, Item
from reviewq.services import users
from reviewq.web import render
from tests.support.api import draft
from tests.support.auth import client_of, csrf


@pytest.fixture
def reviewer(app, source):
    with app.app_context():
        users.create_user(
            db.session,
            Actor.system("test"),
            "rita@example.com",
            "Rita",
            "reviewer",
            3,
            "correct-horse-1",
        )
        db.session.commit()
    return client_of(app, "rita@example.com", "correct-horse-1")


def review_next(client) -> tuple[int, str]:
    resp = client.post("/queue/next", data={"csrf_token": csrf(client, "/queue")})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    return int(location.rsplit("/", 1)[1]), page


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def decide(client, item_id: int, page: str, **fields):
    data = {
        "csrf_token": csrf(client, "/queue"),
        "version": version_of(page),
        "active_seconds": "3.5",
        **fields,
    }
    return client.post(f"/items/{item_id}/decision", data=data)


def test_untrusted_content_is_shown_inert(reviewer, source) -> None:
    source.submit(
        draft(
            title="<script>alert('t')</script>",
            content="Hi <img src=x onerror=alert(1)> [click](javascript:alert(2))",
            context={
                "prompt": "<b>bold</b>",
                "conversation": [{"role": "user", "content": "<i>x</i>"}],
            },
            metadata={"note": "<svg onload=alert(3)>"},
        )
    )
    _, page = review_next(reviewer)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "onerror=alert(1)" in page  # shown as text
    assert 'href="javascript' not in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<svg onload" not in page


def test_approve_through_the_form_then_the_next_item_opens(reviewer, source, app) -> None:
    source.submit(draft(title="First")), source.submit(draft(title="Second"))
    item_id, page = review_next(reviewer)
    resp = decide(reviewer, item_id, page, action="approve")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/items/")
    assert resp.headers["Location"] != f"/items/{item_id}"
    with app.app_context():
        decision = db.session.scalar(sa.select(Decision))
        dwell = (decision.decided_at - decision.opened_at).total_seconds()
        assert decision.action == "approve"
        assert decision.active_seconds == min(3.5, dwell)  # never more than the page was open
        assert db.session.get(Item, item_id).status == "approved"


def test_missing_reason_is_a_form_message_and_changes_nothing(reviewer, source, app) -> None:
    source.submit(draft())
    item_id, page = review_next(reviewer)
    resp = decide(reviewer, item_id, page, action="reject", reason="")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "A reason is required to reject." in body and "Choose why the draft is rejected." in body
    with app.app_context():
        assert db.session.get(Item, item_id).status == "in_review"
        assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


def test_a_stale_page_is_told_and_changes_nothing(reviewer, source, app) -> None:
    source.submit(draft())
    item_id, page = review_next(reviewer)
    stale = page.replace(f'value="{version_of(page)}"', f'value="{int(version_of(page)) - 1}"')
    resp = decide(reviewer, item_id, stale, action="approve")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/items/{item_id}"
    assert "changed since you opened it" in reviewer.get(resp.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Item, item_id).status == "in_review"


def test_the_edit_diff_is_shown_on_the_item(reviewer, source, app) -> None:
    source.submit(draft(content="Refund: $42.00"))
    item_id, page = review_next(reviewer)
    decide(reviewer, item_id, page, action="edit", content="Refund: $24.00")
    page = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert '<div class="diff-del">- Refund: $42.00</div>' in page
    assert '<div class="diff-ins">+ Refund: $24.00</div>' in page


def test_the_diff_is_by_lines_and_stays_quick_on_a_long_rewrite() -> None:
    assert str(render.diff_html("a\nb <i>\nc", "a\nB\nc\nd")) == (
        '<div class="diff"><div class="diff-same">  a</div>'
        '<div class="diff-del">- b &lt;i&gt;</div><div class="diff-ins">+ B</div>'
        '<div class="diff-same">  c</div>'
        '<div class="diff-ins">+ d</div></div>'
    )
    rng, words = random.Random(1), [f"w{i}" for i in range(200)]
    before, after = (
        "\n".join(" ".join(rng.choices(words, k=12)) for _ in range(200)) for _ in range(2)
    )
    html = str(render.diff_html(before, after))  # 10 KB rewritten: ndiff's hints took 17 s
    assert html.count('class="diff-del"') == html.count('class="diff-ins"') == 200


def test_saving_the_draft_unchanged_is_an_approve(reviewer, source, app) -> None:
    created = source.submit(draft(content="Refund: $42.00\nThanks.")).get_json()
    item_id, page = review_next(reviewer)
    # Browsers send a textarea back with CRLF line endings.
    resp = decide(reviewer, item_id, page, action="edit", content="Refund: $42.00\r\nThanks.")
    assert resp.status_code == 302
    message = reviewer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "approved." in message and "with your edits" not in message
    page = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert "(edited)" not in page and "Changes from the AI draft" not in page
    outcome = source.get(f"/api/v1/items/{created['id']}").get_json()["outcome"]
    assert outcome["edited"] is False and outcome["final_content"] == "Refund: $42.00\nThanks."
    with app.app_context():
        decision = db.session.scalar(sa.select(Decision))
        assert (decision.action, decision.edit_chars) == ("approve", 0)


def test_a_real_edit_shows_as_edited_with_its_size(reviewer, source) -> None:
    created = source.submit(draft(content="Refund: $42.00\nThanks.")).get_json()
    item_id, page = review_next(reviewer)
    decide(reviewer, item_id, page, action="edit", content="Refund: $24.00\r\nThanks.")
    page = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert "(edited)" in page and "Changes from the AI draft" in page
    assert "2 characters changed" in page
    outcome = source.get(f"/api/v1/items/{created['id']}").get_json()["outcome"]
    assert outcome["edited"] is True and outcome["final_content"] == "Refund: $24.00\nThanks."


def test_a_plain_approval_is_not_shown_as_edited(reviewer, source) -> None:
    source.submit(draft())
    item_id, page = review_next(reviewer)
    decide(reviewer, item_id, page, action="approve")
    page = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert "(edited)" not in page and "Changes from the AI draft" not in page


def test_renew_keeps_the_claim(reviewer, source) -> None:
    source.submit(draft())
    item_id, _ = review_next(reviewer)
    token = csrf(reviewer, "/queue")
    resp = reviewer.post(f"/items/{item_id}/renew", headers={"X-CSRFToken": token})
    assert resp.status_code == 200 and "claim_expires_at" in resp.get_json()
    assert reviewer.post(f"/items/{item_id}/renew").status_code == 400  # no CSRF token


def test_queue_counts_and_empty_state(reviewer, source) -> None:
    page = reviewer.get("/queue").get_data(as_text=True)
    assert "The queue is empty." in page
    source.submit(draft(risk_tags=[]))
    page = reviewer.get("/queue").get_data(as_text=True)
    assert "1 item you can review" in page
    resp = reviewer.post(
        "/queue/next", data={"csrf_token": csrf(reviewer, "/queue"), "risk": "high"}
    )
    assert resp.headers["Location"] == "/queue?risk=high"  # nothing high-risk: filter kept
