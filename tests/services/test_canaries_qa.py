"""Canaries planted in live queues, and blind second reviews of approvals."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import Conflict, NotAllowed, ValidationFailed
from reviewq.domain.intake import parse_submission
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import Delivery, DeliveryStatus, Item, QaReview
from reviewq.services import (
    canaries,
    escalation_records,
    escalations,
    intake,
    policy,
    review,
    sources,
    sweep,
    users,
)
from reviewq.services.planting import MIN_HISTORY
from reviewq.services.review import QueueFilter
from reviewq.services.verdicts import Verdict
from tests.jobs.support import Receiver
from tests.support.api import draft
from tests.support.clock import NOW


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def setup(ctx, make_source, receiver):
    kit = make_source("bot", callback_url=receiver.url)
    receiver.secret = kit.secret
    src = sources.get(db.session, "bot")
    sup = (
        users.create_user(
            db.session,
            Actor.system("t"),
            "sue@example.com",
            "Sue",
            "supervisor",
            5,
            "long-enough-pw",
        )
    ).actor
    rev = (
        users.create_user(
            db.session, Actor.system("t"), "rob@example.com", "Rob", "reviewer", 3, "long-enough-pw"
        )
    ).actor
    db.session.commit()
    yield kit, src, sup, rev
    callbacks_settle()


def callbacks_settle(timeout: float = 10.0) -> None:
    """Wait until every callback was delivered: no job (nor a retry timer) outlives the test."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.commit()  # a fresh snapshot
        waiting = db.session.scalar(
            sa.select(sa.func.count()).where(Delivery.status != DeliveryStatus.DELIVERED)
        )
        db.session.commit()  # no lock held (SQLite) while the jobs finish
        if not waiting:
            return
        assert time.monotonic() < deadline, f"{waiting} callbacks still undelivered"
        time.sleep(0.05)


def arrive(src, n, at=NOW):
    item, _ = intake.submit(
        db.session, src, f"m-{n}", parse_submission(draft(external_id=f"tk-{n}")), at
    )
    db.session.commit()
    return item


def arrive_with_history(src):
    """MIN_HISTORY drafts, the last of which (only) schedules a canary at rate 1."""
    rate, src.canary_rate = src.canary_rate, 0.0
    earlier = [arrive(src, n, NOW - timedelta(minutes=n)) for n in range(2, MIN_HISTORY + 1)]
    src.canary_rate = rate
    return [*earlier, arrive(src, 1)]


def sweep_later(hours=1):
    """The sweep, late enough that every scheduled canary is due."""
    summary = sweep.run(db.session, NOW + timedelta(hours=hours))
    db.session.commit()
    return summary


def test_canaries_are_planted_at_the_rate_and_look_like_real_items(setup, client) -> None:
    kit, src, sup, rev = setup
    canaries.create(
        db.session,
        sup,
        src,
        "Refund of $4,000 approved",
        "We refund $4,000 today.",
        ["refund"],
        "wrong_facts",
        "reject",
    )
    canaries.set_rate(db.session, sup, src, 0.2)
    db.session.commit()
    src.canary_rate = 1.0  # plant after every draft (bypassing the 20% cap) to test the mechanism
    db.session.commit()
    *_, real = reals = arrive_with_history(src)
    assert db.session.scalar(sa.select(Item).where(Item.canary_id.is_not(None))) is None
    assert sweep_later()["canaries_planted"] == 1  # later, not beside its trigger
    planted = db.session.scalar(sa.select(Item).where(Item.canary_id.is_not(None)))
    assert planted is not None and planted.source_id == real.source_id
    assert real.created_at < planted.created_at < NOW + timedelta(hours=1)
    assert planted.meta.keys() == real.meta.keys()
    assert planted.external_id.startswith("tk-") and planted.external_id != real.external_id
    db.session.commit()  # end this read (SQLite: free the lock) before the HTTP requests
    # The source never sees it.
    assert kit.get(f"/api/v1/items/{planted.id}").status_code == 404
    listed = kit.get("/api/v1/sources/bot/items").get_json()["items"]
    assert sorted(i["id"] for i in listed) == sorted(i.id for i in reals)


def test_a_canary_decision_feeds_the_catch_rate_and_is_never_called_back(setup) -> None:
    kit, src, sup, rev = setup
    canaries.create(
        db.session,
        sup,
        src,
        "Leaks an address",
        "Send to 42 Elm Court.",
        [],
        "personal_data",
        "reject",
    )
    src.canary_rate = 1.0
    db.session.commit()
    *history, _ = arrive_with_history(src)
    sweep_later()
    others = QueueFilter(skipped=frozenset(i.id for i in history))  # the trigger, the canary
    for _ in range(2):
        item = review.claim_next(db.session, rev, NOW, others)
        action = "reject" if item.canary_id else "approve"
        fields = {"reason_code": "personal_data", "reason": "leak"} if action == "reject" else {}
        review.decide(db.session, rev, item, Verdict(Action(action), item.version, **fields), NOW)
        db.session.commit()
    assert canaries.catch_rates(db.session) == {rev.id: (1, 1)}
    # counted by the sweep: the page shows that count while it is recent, when it is large
    canaries.take_catch_rates(db.session, NOW)
    counted = canaries.library(db.session, 1, NOW + timedelta(minutes=1), large=1)
    assert counted.counted_at == NOW and [c[1:] for c in counted.catches] == [(1, 1)]
    assert canaries.library(db.session, 1, NOW, large=2).counted_at is None  # too few
    assert canaries.library(db.session, 1, NOW + timedelta(minutes=6), large=1).counted_at is None
    events = db.session.scalars(sa.select(Delivery.item_id)).all()
    canary_ids = db.session.scalars(sa.select(Item.id).where(Item.canary_id.is_not(None))).all()
    assert events and not set(events) & set(canary_ids)


def test_canary_validation_and_rate_bounds(setup) -> None:
    kit, src, sup, rev = setup
    with pytest.raises(ValidationFailed):
        canaries.create(db.session, sup, src, "", "", [], "nonsense", "approve")
    with pytest.raises(NotAllowed):
        canaries.create(db.session, rev, src, "t", "c", [], "wrong_facts", "reject")
    with pytest.raises(ValidationFailed):
        canaries.set_rate(db.session, sup, src, 0.5)


def test_blind_second_review(setup) -> None:
    kit, src, sup, rev = setup
    item = arrive(src, 1)
    item.qa_rate = 1.0  # always sampled
    db.session.commit()
    claimed = review.claim_next(db.session, rev, NOW)
    review.decide(db.session, rev, claimed, Verdict(Action.APPROVE, claimed.version), NOW)
    db.session.commit()
    sample = db.session.scalar(sa.select(QaReview))
    assert sample.item_id == item.id and sample.done_at is None
    with pytest.raises(NotAllowed):  # the approver cannot second-review their own approval
        canaries.answer(db.session, rev, sample, True, "", NOW)
    assert canaries.blind_items(db.session, sup, [item.id]) == {item.id: sample.id}
    assert canaries.blind_items(db.session, rev, [item.id]) == {}  # decided it; cannot answer
    evidence = [{"signal": "S1", "examples": [{"item": str(item.id)}, {"item": "999"}]}]
    assert canaries.without_blind_examples(db.session, sup, evidence) == [
        {"signal": "S1", "examples": [{"item": "999"}]}
    ]
    assert canaries.without_blind_examples(db.session, rev, evidence) == evidence
    canaries.answer(db.session, sup, sample, False, "Amount is wrong", NOW + timedelta(minutes=5))
    assert canaries.blind_items(db.session, sup, [item.id]) == {}  # answered: nobody is blind
    db.session.commit()
    assert sample.agrees is False and sample.reviewer_id == sup.id
    with pytest.raises(Conflict):
        canaries.answer(db.session, sup, sample, True, "", NOW)


@pytest.mark.parametrize(("rate", "sampled"), [(1.0, 1), (0.0, 0)])
def test_a_supervisors_approval_of_an_escalated_item_is_sampled_like_any_other(
    setup, rate, sampled
) -> None:
    """Resolving an escalation goes through the one consequences path: QA sample, callback."""
    kit, src, sup, rev = setup
    policy.set_rules(
        db.session, Actor.system("test"), [Rule(DEFAULT_TAG), Rule("threat", qa_rate=rate)]
    )
    db.session.commit()
    item, _ = intake.submit(
        db.session,
        src,
        "m-1",
        parse_submission(draft(external_id="tk-1", risk_tags=["threat"])),
        NOW,
    )
    db.session.commit()
    claimed = review.claim_next(db.session, rev, NOW)
    review.decide(
        db.session, rev, claimed, Verdict(Action.ESCALATE, claimed.version, reason="unsure"), NOW
    )
    db.session.commit()
    escalation = escalation_records.current(db.session, item.id)
    escalations.claim(db.session, sup, escalation, NOW + timedelta(minutes=1))
    escalations.resolve(
        db.session,
        sup,
        escalation,
        Verdict(Action.APPROVE, item.version),
        NOW + timedelta(minutes=2),
    )
    db.session.commit()

    assert item.status is ItemStatus.APPROVED
    samples = db.session.scalars(sa.select(QaReview.item_id)).all()
    assert samples == [item.id] * sampled
    events = db.session.scalars(
        sa.select(Delivery.event).where(Delivery.item_id == item.id).order_by(Delivery.id)
    ).all()
    assert events == ["item.escalated", "item.approved"]  # the final callback exactly once
