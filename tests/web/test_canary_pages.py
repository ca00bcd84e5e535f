"""Canary library and blind second review through the pages."""

import json

import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import AuditEvent, Canary, Decision, QaReview, Source
from reviewq.models.types import utcnow
from reviewq.services import policy, users
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.support.review import claim, decide

FIRST = "Rosalind Quill"  # the first reviewer: a name no page text contains by chance


def test_a_supervisor_adds_a_canary_and_sets_the_rate(app, source) -> None:
    sue = signed_in(app, "sue@example.com", "supervisor", 5)
    token = csrf(sue, "/canaries")
    sue.post(
        "/canaries",
        data={
            "csrf_token": token,
            "source": source.slug,
            "title": "Refund of $9,000",
            "content": "We refund $9,000 today.",
            "risk_tags": "refund, customer-facing",
            "category": "wrong_facts",
            "expected": "reject",
        },
    )
    bad = sue.post(
        "/canaries/rate", data={"csrf_token": token, "source": source.slug, "rate": "50"}
    )
    message = sue.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Rate (%): must be between 0 and 20 %" in message
    sue.post("/canaries/rate", data={"csrf_token": token, "source": source.slug, "rate": "2.5"})
    page = sue.get("/canaries").get_data(as_text=True)
    assert "Refund of $9,000" in page and "<td>2.5 %</td>" in page
    with app.app_context():
        canary = db.session.scalar(sa.select(Canary))
        assert canary.risk_tags == ["refund", "customer-facing"] and canary.expected == "reject"
        assert db.session.scalar(sa.select(Source.canary_rate)) == 0.025
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"canary.created", "canary.rate_set"} <= actions


def test_the_blind_second_review_hides_the_first_decision(app, source) -> None:
    """A named reviewer really decides (through the service); the QA page names nobody."""
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule(DEFAULT_TAG, qa_rate=1.0)])
        quill = users.create_user(
            db.session,
            Actor.system("test"),
            "rq@example.com",
            FIRST,
            "reviewer",
            3,
            "long-enough-pw",
        )
        db.session.commit()
        first = quill.actor
    item_id = source.submit(draft(title="Approved reply")).get_json()["id"]
    edited = "Dear customer, your refund of $24.00 is on its way."
    with app.app_context():
        item = claim(first, utcnow())
        assert item is not None and item.id == item_id
        decide(first, item, "edit", utcnow(), content=edited)
        decided = db.session.scalars(sa.select(Decision).where(Decision.item_id == item_id)).one()
        assert decided.user.name == FIRST and decided.content_after == edited
        review_id = db.session.scalar(sa.select(QaReview.id).where(QaReview.item_id == item_id))
    sue = signed_in(app, "sue@example.com", "supervisor", 5)
    page = sue.get(f"/qa/{review_id}").get_data(as_text=True)
    assert "Approved reply" in page and edited in page and "Would approve as is" in page
    for telling in (FIRST, *FIRST.split(), "rq@example.com"):  # who decided
        assert telling not in page, telling
    assert "$42.00" not in page and "Earlier decisions" not in page  # nor what they changed
    token = csrf(sue, "/qa")
    resp = sue.post(
        f"/qa/{review_id}", data={"csrf_token": token, "verdict": "change", "note": "Wrong amount"}
    )
    assert resp.status_code == 302
    with app.app_context():
        done = db.session.get(QaReview, review_id)
        assert done.agrees is False and done.note == "Wrong amount"


def test_a_canary_carries_its_own_context(app, source) -> None:
    sue = signed_in(app, "sue@example.com", "supervisor", 5)
    token = csrf(sue, "/canaries")
    fields = {
        "csrf_token": token,
        "source": source.slug,
        "title": "Refund of $9,000",
        "content": "We refund $9,000 today.",
        "category": "wrong_facts",
        "expected": "reject",
    }
    for bad, message in [
        ("{not json", "context: body is not JSON"),
        ("[1, 2]", "context: must be a JSON object"),
        ('{"conversation": [{"role": "boss", "content": "x"}]}', "context.conversation[0].role"),
    ]:
        page = sue.post("/canaries", data=fields | {"context": bad}, follow_redirects=True)
        assert message in page.get_data(as_text=True)
    turn = [{"role": "user", "content": "Where is my refund?"}]
    sue.post("/canaries", data=fields | {"context": json.dumps({"conversation": turn})})
    with app.app_context():
        assert db.session.scalars(sa.select(Canary.context)).all() == [{"conversation": turn}]
