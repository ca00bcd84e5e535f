"""The two-person rule holds through every path a person can take in the browser: an item
that needs two approvals is approved only by two different people, whatever mix of review,
escalation, return and re-claim they use (the attacks found it bypassed through escalations).
"""

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Delivery, Item
from reviewq.services import approvals, policy
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import claim_and_resolve, decide, open_escalation, review_next


@pytest.fixture
def two_approvals(app, make_source):
    """A source with a callback URL, and a policy where "legal" needs two approvals."""
    with app.app_context():
        policy.set_rules(
            db.session,
            Actor.system("test"),
            [Rule(DEFAULT_TAG), Rule("legal", min_level=2, approvals=2)],
        )
        db.session.commit()
    return make_source(callback_url="http://127.0.0.1:9/callback")


def submit_legal(source) -> int:
    response = source.submit(draft(risk_tags=["legal"]))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def state(app, item_id: int) -> tuple[str, set[str], list[dict]]:
    """The item's status, who approved its current text, and its callbacks' bodies."""
    with app.app_context():
        item = db.session.get(Item, item_id)
        people = approvals.approvers(db.session, item_id)
        bodies = db.session.scalars(
            sa.select(Delivery.payload).where(Delivery.item_id == item_id)
        ).all()
        return item.status.value, people, list(bodies)


def approved_callbacks(bodies: list[dict]) -> list[dict]:
    return [body["data"] for body in bodies if body["type"] == "item.approved"]


def test_a_supervisor_alone_cannot_complete_it_by_escalating_to_themselves(app, two_approvals):
    sue = signed_in(app, "sue@example.com", "supervisor", 3)
    item_id = submit_legal(two_approvals)
    assert review_next(sue) == item_id
    decide(app, sue, item_id, "escalate", reason="Let me look at it as supervisor")
    page = claim_and_resolve(app, sue, item_id, "approve")
    assert "back in the queue for a second approval" in page
    status, people, bodies = state(app, item_id)
    assert status == "queued" and len(people) == 1 and not approved_callbacks(bodies)
    assert review_next(sue) is None  # sue already approved this text
    # another person completes it, and the receipt names two approvers
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    assert review_next(rex) == item_id
    decide(app, rex, item_id, "approve")
    status, people, bodies = state(app, item_id)
    [callback] = approved_callbacks(bodies)
    assert status == "approved" and len(people) == 2
    assert callback["receipt"]["approvals"] == 2 and callback["reviewers"] == 2


def test_a_return_does_not_clear_the_first_approval(app, two_approvals):
    sue = signed_in(app, "sue@example.com", "supervisor", 3)
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    item_id = submit_legal(two_approvals)
    assert review_next(sue) == item_id
    decide(app, sue, item_id, "approve")  # the first of two
    assert review_next(rex) == item_id
    decide(app, rex, item_id, "escalate", reason="Unsure about the contract date")
    claim_and_resolve(app, sue, item_id, "return", reason="Check the date")
    status, people, _ = state(app, item_id)
    assert status == "queued" and len(people) == 1  # sue's approval stands
    assert review_next(sue) is None  # so sue cannot pick it up again
    # rex escalates once more; sue cannot approve it a second time from the escalation
    assert review_next(rex) == item_id
    decide(app, rex, item_id, "escalate", reason="Still unsure")
    page = claim_and_resolve(app, sue, item_id, "approve")
    assert "already approved" in page
    status, people, bodies = state(app, item_id)
    assert status == "escalated" and len(people) == 1 and not approved_callbacks(bodies)
    escalation_id = open_escalation(app, item_id)  # sue hands it on
    sue.post(f"/escalations/{escalation_id}/release", data={"csrf_token": csrf(sue, "/queue")})
    # a second supervisor's approval completes it
    sam = signed_in(app, "sam@example.com", "supervisor", 3)
    claim_and_resolve(app, sam, item_id, "approve")
    status, people, bodies = state(app, item_id)
    [callback] = approved_callbacks(bodies)
    assert status == "approved" and len(people) == 2
    assert callback["receipt"]["approvals"] == 2 and callback["reviewers"] == 3


def test_the_item_page_counts_the_approvals_from_the_decisions(app, two_approvals):
    sue = signed_in(app, "sue@example.com", "supervisor", 3)
    item_id = submit_legal(two_approvals)
    assert review_next(sue) == item_id
    decide(app, sue, item_id, "approve")
    page = sue.get(f"/items/{item_id}").get_data(as_text=True)
    assert "2 approvals (1 given)" in page
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    assert '<td class="num">1/2</td>' in rex.get("/queue").get_data(as_text=True)
