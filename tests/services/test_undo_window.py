"""The undo window: a decision's consequences wait for it, and within it the decider may take
the decision back, leaving the item as it was and nothing sent."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import Conflict, NotAllowed
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision, Delivery, Escalation, Item, QaReview, Source
from reviewq.services import (
    approvals,
    canaries,
    export,
    intake,
    pending,
    policy,
    review,
    sweep,
    undo,
    users,
)
from tests.support.clock import NOW
from tests.support.review import claim, verdict

WINDOW = timedelta(seconds=10)
DECIDED = NOW + timedelta(seconds=30)
INSIDE = DECIDED + timedelta(seconds=5)
AFTER = DECIDED + WINDOW + timedelta(seconds=1)


@pytest.fixture
def people(ctx, owner, source):
    made = {}
    for key in ("ana", "ben"):
        user = users.create_user(
            db.session,
            Actor.system("test"),
            f"{key}@example.com",
            key,
            "reviewer",
            3,
            "long-enough-pw",
        )
        made[key] = user.actor
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [Rule(DEFAULT_TAG, qa_rate=1.0), Rule("legal", approvals=2)],
    )
    db.session.execute(sa.update(Source).values(callback_url="http://127.0.0.1:9/callback"))
    db.session.commit()
    return made


def decide(actor, item, action="approve", at=DECIDED, **fields):
    decision = review.decide(db.session, actor, item, verdict(item, action, **fields), at, WINDOW)
    jobs = pending.take(db.session)
    db.session.commit()
    return decision, jobs


def settle(item, at=AFTER) -> bool:
    done = undo.settle(db.session, item.id, at)
    pending.take(db.session)  # the delivery's send: not under test here
    db.session.commit()
    return done


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_nothing_goes_out_until_the_window_closes_then_once(people, submit) -> None:
    item = submit()
    claim(people["ana"])
    _, jobs = decide(people["ana"], item)
    assert [(j.name, j.args, j.at) for j in jobs] == [("settle", (item.id,), DECIDED + WINDOW)]
    assert item.status is ItemStatus.APPROVED and item.settles_at == DECIDED + WINDOW
    assert count(Delivery) == 0 and count(QaReview) == 0  # no callback, no QA sample yet

    assert not settle(item, at=INSIDE)  # early: nothing runs
    assert count(Delivery) == 0
    assert settle(item)
    assert count(Delivery, Delivery.item_id == item.id) == 1
    assert count(QaReview, QaReview.item_id == item.id) == 1  # sampled once the window closed
    assert item.settles_at is None
    assert not settle(item)  # a second run (the sweep, a duplicate job) does nothing more
    assert sweep.run(db.session, AFTER + timedelta(minutes=1))["decisions_settled"] == 0
    assert count(Delivery) == 1


def test_undo_in_the_window_returns_the_item_to_its_reviewer_and_nothing_is_sent(
    people, submit
) -> None:
    item = submit()
    ana = people["ana"]
    claimed_at = claim(ana).claimed_at
    decision, _ = decide(ana, item, "edit", content="A better reply.")
    assert item.final_content == "A better reply." and item.edited

    taken = undo.undo(db.session, ana, item, INSIDE)
    db.session.commit()
    assert taken.id == decision.id and decision.undone_at == INSIDE
    assert item.status is ItemStatus.IN_REVIEW and review.holds_claim(item, ana, INSIDE)
    assert item.claimed_at == claimed_at and item.settles_at is None
    assert item.final_content is None and not item.edited and item.decided_at is None
    assert approvals.approvers(db.session, item.id) == set()  # the undone edit counts for nothing
    events = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject == f"item:{item.id}")
    ).all()
    assert events[-2:] == ["item.edit", "item.undo"]  # the decision's event stays
    assert count(Decision, Decision.item_id == item.id) == 1  # its row too, marked undone

    # the window's job and the sweep find nothing to send; the export leaves it out
    assert not settle(item)
    assert sweep.run(db.session, AFTER)["decisions_settled"] == 0
    assert count(Delivery) == 0 and count(QaReview) == 0
    assert list(export.lines(db.session, NOW - timedelta(days=1))) == []
    db.session.commit()  # the export's streaming connection ends with its transaction

    # the reviewer decides again, and that decision goes out after its own window
    decide(ana, item, "reject", at=INSIDE, reason_code="tone", reason="Too curt.")
    assert settle(item, at=INSIDE + WINDOW)
    [delivery] = db.session.scalars(sa.select(Delivery)).all()
    assert delivery.payload["data"]["outcome"] == "rejected"
    assert delivery.payload["data"]["receipt"]["approvals"] == 0


def test_undo_after_the_window_or_by_someone_else_is_refused(people, submit) -> None:
    item = submit()
    claim(people["ana"])
    decide(people["ana"], item)
    with pytest.raises(NotAllowed, match="Only the reviewer who took the decision"):
        undo.undo(db.session, people["ben"], item, INSIDE)
    db.session.rollback()
    with pytest.raises(Conflict, match="Too late to undo"):
        undo.undo(db.session, people["ana"], item, DECIDED + WINDOW)
    db.session.rollback()
    assert settle(item)
    with pytest.raises(Conflict, match="Too late to undo"):
        undo.undo(db.session, people["ana"], item, INSIDE)  # settled: even "in time" is late


def test_a_first_approval_waits_with_its_approver_until_the_window_closes(people, submit) -> None:
    legal = submit(["legal"])
    claim(people["ana"])
    decide(people["ana"], legal)
    assert legal.status is ItemStatus.QUEUED
    assert claim(people["ben"], at=INSIDE) is None  # not claimable while ana may take it back
    taken = claim(people["ben"], at=AFTER)
    assert taken is not None and taken.id == legal.id and taken.settles_at is None
    decide(people["ben"], taken, at=AFTER)
    assert taken.status is ItemStatus.APPROVED
    assert approvals.approvers(db.session, legal.id) == {people["ana"].id, people["ben"].id}


def test_an_escalation_opens_and_pages_only_when_the_window_closes(people, submit) -> None:
    item = submit()
    claim(people["ana"])
    decide(people["ana"], item, "escalate", reason="Not sure about the figures.")
    assert item.status is ItemStatus.ESCALATED and count(Escalation) == 0
    assert sweep.run(db.session, INSIDE)["decisions_settled"] == 0
    # the job was lost: the sweep settles it after the window
    assert sweep.run(db.session, AFTER)["decisions_settled"] == 1
    db.session.commit()
    [escalation] = db.session.scalars(sa.select(Escalation)).all()
    assert escalation.reason == "Not sure about the figures."
    assert escalation.raised_by_id == people["ana"].id


def test_a_canary_catch_is_scored_once_its_window_closed_and_never_when_undone(
    people, submit
) -> None:
    sue = users.create_user(
        db.session,
        Actor.system("test"),
        "sue@example.com",
        "Sue",
        "supervisor",
        5,
        "long-enough-pw",
    ).actor
    src = db.session.scalar(sa.select(Source))
    planted = canaries.create(
        db.session,
        sue,
        src,
        "Leaks an address",
        "Send to 42 Elm Court.",
        [],
        "personal_data",
        "reject",
    )
    submit()
    db.session.execute(sa.update(Item).values(canary_id=planted.id))  # as if planted
    db.session.commit()
    ana = people["ana"]
    catch = {"reason_code": "personal_data", "reason": "Leaks an address."}
    item = claim(ana)
    assert item.canary_id == planted.id
    decide(ana, item, "reject", **catch)
    assert canaries.catch_rates(db.session) == {}  # in its window: not scored yet
    undo.undo(db.session, ana, item, INSIDE)
    db.session.commit()
    assert item.status is ItemStatus.IN_REVIEW and item.outcome_reason is None
    assert canaries.catch_rates(db.session) == {}  # undone: never scored
    decide(ana, item, "reject", at=INSIDE, **catch)
    assert settle(item, at=INSIDE + WINDOW)
    assert canaries.catch_rates(db.session) == {ana.id: (1, 1)}


def test_a_withdrawal_in_the_window_supersedes_what_waited(people, submit) -> None:
    legal = submit(["legal"])
    claim(people["ana"])
    decide(people["ana"], legal)
    intake.withdraw(db.session, legal.source, legal, INSIDE)
    db.session.commit()
    assert legal.status is ItemStatus.WITHDRAWN and legal.settles_at is None
    with pytest.raises(Conflict):
        undo.undo(db.session, people["ana"], legal, INSIDE)


def test_without_a_window_the_consequences_run_at_once(people, submit) -> None:
    item = submit()
    claim(people["ana"])
    review.decide(db.session, people["ana"], item, verdict(item, Action.APPROVE), DECIDED)
    assert [job.name for job in pending.take(db.session)] == ["deliver"]  # sent at once
    db.session.commit()
    assert item.settles_at is None
    assert count(Delivery) == 1 and count(QaReview) == 1
