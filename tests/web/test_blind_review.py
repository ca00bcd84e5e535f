"""Blind second review: a supervisor who is to answer an item's QA sample cannot see its
decisions anywhere (item page, escalations, notifications) until they have answered."""

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action
from reviewq.extensions import db
from reviewq.models import QaReview, User
from reviewq.models.types import utcnow
from reviewq.services import escalation_records, escalations, policy, review
from reviewq.services.verdicts import Verdict
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

REASON = "Customer threatens to sue"
EDITED = "Dear customer, we have corrected the amount."
DECIDERS = ("</strong> by rob", "</strong> by sam")  # "escalate by rob", "edit by sam"
SECRETS = (*DECIDERS, REASON, "Changes from the AI draft", "(edited)")


@pytest.fixture
def sampled(app, source):
    """Rob escalates, Sam approves with an edit, and the approval is sampled for QA."""
    clients = {
        name: signed_in(app, f"{name}@example.com", role, 3)
        for name, role in [
            ("rob", "reviewer"),
            ("sam", "supervisor"),
            ("sue", "supervisor"),
            ("max", "manager"),
        ]
    }
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule(DEFAULT_TAG, qa_rate=1.0)])
        db.session.commit()
    item_id = source.submit(draft(title="Refund reply")).get_json()["id"]
    with app.app_context():
        rob, sam = (
            db.session.scalar(sa.select(User).where(User.email == f"{n}@example.com")).actor
            for n in ("rob", "sam")
        )
        item = review.claim_next(db.session, rob, utcnow())
        review.decide(
            db.session, rob, item, Verdict(Action.ESCALATE, item.version, reason=REASON), utcnow()
        )
        escalation = escalation_records.current(db.session, item_id)
        escalations.claim(db.session, sam, escalation, utcnow())
        escalations.resolve(
            db.session,
            sam,
            escalation,
            Verdict(Action.EDIT, item.version, content=EDITED),
            utcnow(),
        )
        db.session.commit()
        review_id = db.session.scalar(sa.select(QaReview.id).where(QaReview.item_id == item_id))
        assert review_id is not None
    return clients, item_id, review_id


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_item_page_hides_the_decisions_from_the_blind_second_reviewer(sampled) -> None:
    clients, item_id, review_id = sampled
    html = page(clients["sue"], f"/items/{item_id}")
    assert "Refund reply" in html and EDITED in html  # the approved text, as on the QA page
    assert not [s for s in SECRETS if s in html]
    assert "Hidden until you answer" in html and f'href="/qa/{review_id}"' in html


@pytest.mark.parametrize("who", ["sam", "rob", "max"])
def test_deciders_and_those_who_cannot_answer_see_the_decisions(sampled, who) -> None:
    clients, item_id, _ = sampled
    html = page(clients[who], f"/items/{item_id}")
    assert REASON in html and "Changes from the AI draft" in html
    assert all(d in html for d in DECIDERS) and "Hidden until you answer" not in html


def test_escalations_and_notifications_hold_back_what_would_tell(sampled) -> None:
    clients, item_id, review_id = sampled
    resolved = page(clients["sue"], "/escalations")
    assert "Refund reply" not in resolved and "1 more held back" in resolved
    notes = page(clients["sue"], "/notifications")
    assert REASON not in notes and f'href="/qa/{review_id}"' in notes
    assert REASON in page(clients["sam"], "/notifications")
    assert "Refund reply" in page(clients["sam"], "/escalations")


def test_after_answering_the_decisions_are_visible(sampled) -> None:
    clients, item_id, review_id = sampled
    sue = clients["sue"]
    qa = page(sue, f"/qa/{review_id}")
    assert not [s for s in SECRETS if s in qa]  # the QA page itself stays blind
    answered = sue.post(
        f"/qa/{review_id}", data={"csrf_token": csrf(sue, "/qa"), "verdict": "agree"}
    )
    assert answered.status_code == 302
    html = page(sue, f"/items/{item_id}")
    assert REASON in html and "Changes from the AI draft" in html
    assert all(d in html for d in DECIDERS) and "Hidden until you answer" not in html
    assert REASON in page(sue, "/notifications")
    assert "Refund reply" in page(sue, "/escalations")
