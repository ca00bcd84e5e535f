"""The two-person rule as a property: whatever people do to an item that needs N approvals,
in whatever order (review, skip, edit, escalate, return, release, an expired claim), it is
approved only when N different people approved the text it is approved with, and the
callback's receipt says so.

Random walks over many seeds, with every action anyone may take at each step, rather than
the sequences the attack run happened to use.
"""

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import Conflict, TwoPersonRule
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision
from reviewq.services import (
    approvals,
    deliveries,
    escalation_records,
    escalations,
    policy,
    review,
    users,
)
from reviewq.services.verdicts import Verdict
from tests.support.clock import NOW

STEP = timedelta(minutes=2)
EDITS = ["Dear customer, corrected.", "Dear customer, corrected again.", "A third wording."]


@pytest.fixture
def people(ctx, owner):
    made = {}
    for key, role in [("rex", "reviewer"), ("ria", "reviewer"), ("sue", "supervisor"),
                      ("sam", "supervisor")]:  # fmt: skip
        user = users.create_user(
            db.session, Actor.system("test"), f"{key}@example.com", key, role, 3, "long-enough-pw"
        )
        made[key] = user.actor
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [
            Rule(DEFAULT_TAG),
            Rule("two", approvals=2),
            Rule("two-escalated", approvals=2, always_escalate=True),
        ],
    )
    db.session.commit()
    return made


def approval_decisions_of_current_text(item_id: int) -> list[int]:
    """The people behind every approval of the current text (with repeats, if any)."""
    rows = db.session.execute(
        sa.select(Decision.id, Decision.user_id, Decision.action)
        .where(Decision.item_id == item_id)
        .order_by(Decision.id)
    ).all()
    people: list[int] = []
    for _, user_id, action in rows:
        if action is Action.EDIT:
            people = [user_id]
        elif action is Action.APPROVE:
            people.append(user_id)
    return people


def step(rng: random.Random, people: dict, item, now) -> None:
    """One random thing someone may do to the item right now."""
    if item.status is ItemStatus.ESCALATED:
        who = people[rng.choice(["sue", "sam"])]
        escalation = escalation_records.current(db.session, item.id)
        try:
            escalations.claim(db.session, who, escalation, now)
        except Conflict:
            return
        choice = rng.choice(["approve", "approve", "edit", "reject", "return", "release", "walk"])
        if choice == "release":
            escalations.release(db.session, who, escalation, now)
            return
        if choice == "walk":  # walks away: the lease runs out later
            return
        fields = {
            "edit": {"content": rng.choice(EDITS)},
            "reject": {"reason_code": "other", "reason": "no"},
            "return": {"reason": "look again"},
        }.get(choice, {})
        verdict = Verdict(Action(choice), item.version, **fields)
        escalations.resolve(db.session, who, escalation, verdict, now)
        return
    standing = approvals.approvers(db.session, item.id)
    if standing and rng.random() < 0.2:  # an approver gets the item into their hands anyway
        who = next(actor for actor in people.values() if actor.id in standing)
        item.status, item.claimed_by_id = ItemStatus.IN_REVIEW, who.id
        item.claimed_at, item.claim_expires_at = now, now + review.LEASE
        db.session.flush()
        review.decide(db.session, who, item, Verdict(Action.APPROVE, item.version), now)
        raise AssertionError("a second approval by the same person was accepted")
    who = people[rng.choice(list(people))]
    claimed = review.claim_next(db.session, who, now)
    if claimed is None or claimed.id != item.id:
        return
    choice = rng.choice(["approve", "approve", "edit", "escalate", "skip", "walk"])
    if choice == "skip":
        review.skip(db.session, who, item, now)
        return
    if choice == "walk":  # the claim expires; the sweep returns it
        return
    fields = {
        "edit": {"content": rng.choice(EDITS)},
        "escalate": {"reason": "unsure"},
    }.get(choice, {})
    review.decide(db.session, who, item, Verdict(Action(choice), item.version, **fields), now)


def walk(rng: random.Random, people: dict, item) -> dict[str, int]:
    """Random steps until the item is decided (or 60 steps), checking the rule after each."""
    now, seen = NOW, {"refused": 0, "approved": 0, "by_supervisor": 0}
    for _ in range(60):
        if item.status in (ItemStatus.APPROVED, ItemStatus.REJECTED):
            break
        now += STEP * rng.choice([1, 1, 1, 10])  # sometimes long enough for leases to lapse
        review.release_expired(db.session, now)
        escalations.release_expired(db.session, now)
        try:
            step(rng, people, item, now)
            db.session.commit()
        except TwoPersonRule:
            db.session.rollback()
            seen["refused"] += 1
        db.session.refresh(item)
        current = approval_decisions_of_current_text(item.id)
        assert len(current) == len(set(current)), "a person approved the same text twice"
        assert approvals.approvers(db.session, item.id) == set(current)
        # the item page counts them from the history it shows: the same rule, no query
        history = db.session.scalars(sa.select(Decision).where(Decision.item_id == item.id))
        assert approvals.standing(history) == set(current)
        if item.status is ItemStatus.APPROVED:
            assert len(set(current)) >= item.approvals_required == 2
            body = deliveries.payload(db.session, item, "approved", now)
            assert body["data"]["receipt"]["approvals"] == len(set(current))
            assert body["data"]["final_content"] == item.final_content
            seen["approved"] += 1
            supervisors = {people["sue"].id, people["sam"].id}
            seen["by_supervisor"] += bool(set(current) & supervisors)
        elif item.status is not ItemStatus.REJECTED:
            assert len(set(current)) < 2
    return seen


@pytest.mark.parametrize("tag", ["two", "two-escalated"])
def test_an_item_is_approved_only_by_as_many_different_people_as_it_needs(people, submit, tag):
    totals = {"refused": 0, "approved": 0, "by_supervisor": 0}
    for seed in range(30):
        seen = walk(random.Random(seed), people, submit([tag]))
        totals = {key: totals[key] + seen[key] for key in totals}
    # the walks did reach what the rule is about, many times over
    assert totals["approved"] >= 10 and totals["by_supervisor"] >= 5 and totals["refused"] >= 5


def test_releasing_an_escalation_needs_the_claim_and_is_audited(people, submit):
    item = submit(["two-escalated"])
    escalation = escalation_records.current(db.session, item.id)
    with pytest.raises(Conflict):
        escalations.release(db.session, people["sue"], escalation, NOW)
    escalations.claim(db.session, people["sue"], escalation, NOW)
    escalations.release(db.session, people["sue"], escalation, NOW + STEP)
    db.session.commit()
    assert escalation.claimed_by_id is None
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "escalation.released")
    ).one()
    assert (event.actor, event.data) == ("user:sue@example.com", {"escalation": escalation.id})
    escalations.claim(db.session, people["sam"], escalation, NOW + 2 * STEP)
    assert escalation.claimed_by_id == people["sam"].id
