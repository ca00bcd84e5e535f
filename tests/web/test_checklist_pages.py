"""The checklist over HTTP: shown above the buttons, enforced by the server whatever the
page did, kept in the item's history; bad input is a 4xx with the page."""

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Decision, Item
from reviewq.services import policy, users
from tests.support.api import draft
from tests.support.auth import client_of
from tests.web.test_review_pages import decide, review_next

REFUND = ("The refund is allowed by the policy excerpt.", "The <b>amount</b> matches the order.")


@pytest.fixture
def reviewer(app, source):
    with app.app_context():
        system = Actor.system("test")
        users.create_user(
            db.session, system, "rita@example.com", "Rita", "reviewer", 3, "correct-horse-1"
        )
        policy.set_rules(
            db.session,
            system,
            [Rule(DEFAULT_TAG), Rule("refund", checklist=REFUND, context_required=True)],
        )
        db.session.commit()
    return client_of(app, "rita@example.com", "correct-horse-1")


def stored(app) -> tuple[str, int]:
    with app.app_context():
        item = db.session.scalar(sa.select(Item))
        return item.status, db.session.scalar(sa.select(sa.func.count(Decision.id)))


def test_the_checklist_is_shown_escaped_above_the_buttons(reviewer, source) -> None:
    source.submit(draft(risk_tags=["refund"]))
    _, page = review_next(reviewer)
    assert "Before you approve this refund draft" in page
    assert page.index('name="checks" value="0"') < page.index('value="approve"')
    assert "The &lt;b&gt;amount&lt;/b&gt; matches the order." in page
    assert "checklist.js" in page


def test_a_low_risk_item_has_no_checklist(reviewer, source) -> None:
    source.submit(draft(risk_tags=[]))
    _, page = review_next(reviewer)
    assert 'name="checks"' not in page and "checklist.js" not in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"checks": ["0"], "context_ms": "900"}, "(1 of 2 ticked)"),
        ({"checks": ["0", "1"]}, "Open the context before approving a refund draft."),
    ],
)
def test_an_approval_the_checklist_does_not_allow_is_a_form_message(
    reviewer, source, app, fields, message
) -> None:
    """Whatever the page's script did, the server refuses and stores nothing."""
    source.submit(draft(risk_tags=["refund"]))
    item_id, page = review_next(reviewer)
    resp = decide(reviewer, item_id, page, action="approve", **fields)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert stored(app) == ("in_review", 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"checks": ["zero"]},
        {"checks": ["0", "1"], "check_ms": "0:12;1:x"},
        {"checks": ["0", "1"], "check_ms": "9:100"},
        {"checks": ["0", "1"], "context_ms": "-4"},
        {"checks": ["0", "1"], "context_ms": "1e99"},
    ],
)
def test_malformed_ticks_are_a_4xx_with_the_page(reviewer, source, app, fields) -> None:
    source.submit(draft(risk_tags=["refund"]))
    item_id, page = review_next(reviewer)
    resp = decide(reviewer, item_id, page, action="approve", **fields)
    assert resp.status_code == 400
    assert "Before you approve this refund draft" in resp.get_data(as_text=True)
    assert stored(app) == ("in_review", 0)


def test_a_complete_checklist_approves_and_shows_in_the_history(reviewer, source, app) -> None:
    source.submit(draft(risk_tags=["refund"]))
    item_id, page = review_next(reviewer)
    resp = decide(
        reviewer, item_id, page, action="approve",
        checks=["0", "1"], check_ms="0:2100,1:3350", context_ms="800",
    )  # fmt: skip
    assert resp.status_code == 302
    assert stored(app) == ("approved", 1)
    history = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert '☑ The refund is allowed by the policy excerpt. <span class="muted">· 2.1 s' in history
    assert "Context on screen at 0.8 s" in history
