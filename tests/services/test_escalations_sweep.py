"""Escalations and the sweep: the SLA clock, expired claims, levels moving up, and how a
supervisor claims and resolves an escalation. Nothing here is ever approved by a timer."""

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from reviewq.domain import escalation as levels
from reviewq.domain.authority import Actor, Role
from reviewq.domain.errors import Conflict, NotAllowed, StaleClaim, StaleVersion, ValidationFailed
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision, Delivery, Escalation, Item, Notification, User
from reviewq.services import (
    approvals,
    escalation_records,
    escalations,
    intake,
    policy,
    review,
    sources,
    sweep,
    users,
)
from reviewq.services.review import Verdict
from tests.support.audit import sealed_and_verified
from tests.support.clock import NOW
from tests.support.review import claim, decide, verdict

MIN = timedelta(minutes=1)
LEGAL_SLA = 60  # minutes; the default rule's is 240


@pytest.fixture
def people(ctx, owner):
    """Reviewers, two supervisors, a manager, an admin, and an inactive manager.

    ``owner`` (conftest) is an active admin as well.
    """
    made = {}
    for key, role, level, active in [
        ("ana", "reviewer", 1, True),
        ("ben", "reviewer", 3, True),
        ("cy", "reviewer", 3, True),
        ("sue", "supervisor", 1, True),
        ("sam", "supervisor", 1, True),
        ("max", "manager", 5, True),
        ("ada", "admin", 5, True),
        ("gone", "manager", 5, False),
    ]:
        user = users.create_user(
            db.session,
            Actor.system("test"),
            f"{key}@example.com",
            key,
            role,
            level,
            "long-enough-pw",
        )
        user.active = active
        made[key] = user.actor
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [
            Rule(DEFAULT_TAG),
            Rule("legal", min_level=3, approvals=2, sla_minutes=LEGAL_SLA),
            Rule("threat", always_escalate=True),
        ],
    )
    db.session.commit()
    return made


def run_sweep(at):
    summary = sweep.run(db.session, at)
    db.session.commit()
    return summary


def escalation_of(item) -> Escalation | None:
    return escalation_records.current(db.session, item.id)


def approvers(item) -> set[int]:
    return approvals.approvers(db.session, item.id)


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def notified(item) -> dict[str, int]:
    """How many notifications linking to ``item`` each person got, by email name."""
    rows = db.session.execute(
        sa.select(User.email, sa.func.count(Notification.id))
        .join(User, User.id == Notification.user_id)
        .where(Notification.link == f"/items/{item.id}")
        .group_by(User.email)
    ).all()
    return {email.split("@")[0]: n for email, n in rows}


def escalate(people, submit, at=NOW + MIN, tags=("legal",)) -> Item:
    """ben gives the first of two approvals, cy escalates at ``at``."""
    item = submit(tags)
    claim(people["ben"])
    decide(people["ben"], item, "approve", NOW + timedelta(seconds=30))
    assert item.status is ItemStatus.QUEUED and approvers(item) == {people["ben"].id}
    claim(people["cy"], at - timedelta(seconds=20))
    decide(people["cy"], item, "escalate", at, reason="Customer threatens to sue")
    return item


def snapshot() -> dict[str, object]:
    """Everything the sweep could change, to compare two runs."""

    def count(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return {
        "items": db.session.execute(
            sa.select(
                Item.id,
                Item.status,
                Item.version,
                Item.claimed_by_id,
                Item.decided_at,
            ).order_by(Item.id)
        ).all(),
        "escalations": db.session.execute(
            sa.select(
                Escalation.id,
                Escalation.level,
                Escalation.level_since,
                Escalation.resolved_at,
                Escalation.claimed_by_id,
            ).order_by(Escalation.id)
        ).all(),
        "audit": count(AuditEvent),
        "notifications": count(Notification),
        "decisions": count(Decision),
    }


# -- the SLA clock -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["queued", "in_review"])
def test_an_overdue_item_is_escalated_with_the_reason_sla_breached(people, submit, state):
    overdue = submit(["legal"])  # due at NOW + 60 min
    not_due = submit()  # due at NOW + 240 min
    if state == "in_review":
        assert claim(people["ben"], NOW + 50 * MIN).id == overdue.id  # lease runs to +65
    version = not_due.version
    at = NOW + (LEGAL_SLA + 1) * MIN

    summary = run_sweep(at)

    assert summary["sla_breached"] == 1 and summary["claims_released"] == 0
    assert overdue.status is ItemStatus.ESCALATED
    assert overdue.claimed_by_id is None and overdue.claim_expires_at is None
    esc = escalation_of(overdue)
    assert esc is not None and esc.reason == "SLA breached"
    assert (esc.level, esc.raised_by_id, esc.raised_at, esc.level_since) == (1, None, at, at)
    breached = events("item.sla_breached")
    assert [(e.actor, e.subject) for e in breached] == [("system", f"item:{overdue.id}")]
    assert breached[0].data["due_at"] == overdue.due_at.isoformat()
    assert events("escalation.opened")[0].data["reason"] == "SLA breached"
    assert notified(overdue) == {"sue": 1, "sam": 1}  # level 1: supervisors only
    # the item that is not due yet is untouched
    assert not_due.status is ItemStatus.QUEUED and not_due.version == version
    assert escalation_of(not_due) is None and notified(not_due) == {}
    assert sealed_and_verified().ok


@pytest.mark.parametrize(
    ("after_due", "breached"),
    [(-MIN, False), (timedelta(0), False), (timedelta(seconds=1), True), (timedelta(days=3), True)],
)
def test_the_sla_runs_out_strictly_after_the_due_time(people, submit, after_due, breached):
    item = submit(["legal"])
    summary = run_sweep(item.due_at + after_due)
    assert summary["sla_breached"] == int(breached)
    assert (item.status is ItemStatus.ESCALATED) is breached
    assert (escalation_of(item) is not None) is breached


def test_running_the_sweep_twice_changes_nothing_the_second_time(people, submit):
    submit(["legal"]), submit(["legal"]), submit()
    claim(people["ben"], NOW + 55 * MIN)
    at = NOW + (LEGAL_SLA + 5) * MIN
    first = run_sweep(at)
    assert first["sla_breached"] == 2
    before = snapshot()
    for again in (at, at + MIN):  # the same instant, and the next minute's run
        second = run_sweep(again)
        assert second == {
            "decisions_settled": 0,
            "sla_breached": 0,
            "claims_released": 0,
            "escalation_claims_released": 0,
            "escalations_moved_up": 0,
            "canaries_planted": 0,
            "callbacks_requeued": [],
        }
        assert snapshot() == before


def test_the_sweep_never_approves_or_rejects_anything(people, submit):
    half_approved = submit(["legal"])  # needs two approvals; gets one, then goes overdue
    claim(people["ben"])
    decide(people["ben"], half_approved, "approve", NOW + MIN)
    other_legal = submit(["legal"])
    assert claim(people["cy"], NOW + 2 * MIN) is not None  # one legal item is in review
    escalated = submit(["threat"])
    plain = submit()
    decisions = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    seq = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    for minutes in (16, 31, 61, 62, 121, 241, 60 * 24, 60 * 24 * 30):
        run_sweep(NOW + minutes * MIN)
    for item in (half_approved, other_legal, escalated, plain):
        db.session.refresh(item)
        assert item.status is ItemStatus.ESCALATED, item.id
        assert item.decided_at is None and item.final_content is None
    assert len(approvers(half_approved)) == 1  # the clock never adds an approval
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == decisions
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.id > seq)))
    assert "item.sla_breached" in actions
    assert not actions & {"item.approve", "item.edit", "item.reject", "item.return"}


# -- expired claims ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after_claim", "released"),
    [
        (review.LEASE - timedelta(seconds=1), False),
        (review.LEASE + timedelta(seconds=1), True),
        (review.LEASE + 10 * MIN, True),
    ],
)
def test_the_sweep_returns_expired_claims_to_the_queue(people, submit, after_claim, released):
    item = submit()
    claim(people["ben"])
    summary = run_sweep(NOW + after_claim)
    assert summary["claims_released"] == int(released)
    assert summary["sla_breached"] == 0
    if released:
        assert item.status is ItemStatus.QUEUED and item.claimed_by_id is None
        assert item.claim_expires_at is None
        [event] = events("item.claim_expired")
        assert event.data == {"holder": people["ben"].id}
    else:
        assert item.status is ItemStatus.IN_REVIEW and item.claimed_by_id == people["ben"].id
        assert events("item.claim_expired") == []


# -- levels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "waited", "claimed", "moves"),
    [
        (1, timedelta(0), False, False),
        (1, 29 * MIN, False, False),
        (1, 30 * MIN - timedelta(microseconds=1), False, False),
        (1, 30 * MIN, False, True),  # the 30 minutes to claim are over
        (1, 31 * MIN, False, True),
        (1, timedelta(days=7), False, True),
        (1, 31 * MIN, True, False),  # a claimed escalation never moves
        (1, timedelta(days=7), True, False),
        (2, 31 * MIN, False, False),  # level 2 is the last level
        (2, timedelta(days=365), False, False),
        (2, timedelta(days=365), True, False),
        (3, timedelta(days=365), False, False),  # beyond the last: treated as the last
    ],
)
def test_should_move_up(number, waited, claimed, moves):
    assert levels.should_move_up(number, NOW, claimed, NOW + waited) is moves


def test_the_levels_page_supervisors_then_senior_supervisors():
    assert [lv.number for lv in levels.LEVELS] == [1, 2]
    assert {str(r) for r in levels.level(1).notify} == {"supervisor"}
    assert levels.level(1).claim_within == timedelta(minutes=30)
    # managers and admins cannot resolve an escalation: they are never paged
    assert {str(r) for r in levels.level(2).notify} == {"supervisor"}
    assert levels.level(2).senior_level == 2
    assert levels.level(2).claim_within is None
    assert levels.level(5) is levels.LEVELS[-1]


@pytest.mark.parametrize(
    ("waited", "claimed", "level"),
    [
        (29 * MIN, False, 1),
        (31 * MIN, False, 2),
        (31 * MIN, True, 1),
        (timedelta(days=7), True, 1),
    ],
)
def test_an_unclaimed_escalation_moves_up_after_30_minutes(people, submit, waited, claimed, level):
    raised = NOW + MIN
    item = escalate(people, submit, raised)
    esc = escalation_of(item)
    if claimed:  # and held: the supervisor's open page renews the lease
        escalations.claim(db.session, people["sue"], esc, raised + 5 * MIN)
        renewed = raised + 5 * MIN
        while renewed + escalations.LEASE <= raised + waited:
            renewed += escalations.LEASE - MIN
            escalations.renew(db.session, people["sue"], esc, renewed)
        db.session.commit()
    summary = run_sweep(raised + waited)
    assert summary["escalations_moved_up"] == int(level == 2)
    assert esc.level == level
    assert esc.level_since == (raised + waited if level == 2 else raised)
    assert len(events("escalation.moved_up")) == int(level == 2)
    assert item.status is ItemStatus.ESCALATED  # moving up pages people, decides nothing


@pytest.mark.parametrize(
    ("held_for", "released"),
    [
        (escalations.LEASE - timedelta(seconds=1), False),
        (escalations.LEASE + timedelta(seconds=1), True),
        (timedelta(days=3), True),
    ],
)
def test_an_abandoned_escalation_claim_is_given_back_and_moves_up(
    people, submit, held_for, released
):
    raised = NOW + MIN
    item = escalate(people, submit, raised)
    esc = escalation_of(item)
    claimed_at = raised + 20 * MIN
    escalations.claim(db.session, people["sue"], esc, claimed_at)
    db.session.commit()
    summary = run_sweep(claimed_at + held_for)
    assert summary["escalation_claims_released"] == int(released)
    assert (esc.claimed_by_id is None) is released
    # unclaimed again, it has waited at level 1 for over 30 minutes: it moves up at once
    assert esc.level == (2 if released else 1)
    if released:
        [event] = events("escalation.claim_expired")
        assert event.data == {"escalation": esc.id, "holder": people["sue"].id}
        # sue can no longer resolve it, and anyone at the level may claim it
        with pytest.raises(StaleClaim):
            escalations.resolve(
                db.session, people["sue"], esc, verdict(item, "approve"), claimed_at + held_for
            )
        db.session.rollback()
        escalations.claim(db.session, people["sam"], esc, claimed_at + held_for + MIN)
        assert esc.claimed_by_id == people["sam"].id
    assert item.status is ItemStatus.ESCALATED  # nothing is decided by the clock


def test_a_lapsed_escalation_claim_can_be_taken_before_the_sweep_runs(people, submit):
    item = escalate(people, submit)
    esc = escalation_of(item)
    escalations.claim(db.session, people["sue"], esc, NOW + 2 * MIN)
    db.session.commit()
    with pytest.raises(Conflict):  # held: nobody else may take it
        escalations.claim(db.session, people["sam"], esc, NOW + 3 * MIN)
    db.session.rollback()
    later = NOW + 2 * MIN + escalations.LEASE + MIN
    escalations.claim(db.session, people["sam"], esc, later)
    assert (esc.claimed_by_id, esc.claim_expires_at) == (
        people["sam"].id,
        later + escalations.LEASE,
    )
    with pytest.raises(StaleClaim):
        escalations.renew(db.session, people["sue"], esc, later)


def test_moving_up_pages_only_supervisors_who_can_act_never_managers_or_admins(people, submit):
    raised = NOW + MIN
    item = escalate(people, submit, raised)
    esc = escalation_of(item)
    assert notified(item) == {"sue": 1, "sam": 1}  # level 1 at escalation time
    moved_at = raised + 31 * MIN
    run_sweep(moved_at)
    [event] = events("escalation.moved_up")
    assert (event.actor, event.subject) == ("system", f"item:{item.id}")
    assert event.data == {"escalation": esc.id, "level": 2, "to": "senior supervisors"}
    # level 2: the senior supervisors; with none (sue and sam are level 1), every supervisor
    # again; never managers or admins (who cannot resolve it), never reviewers
    assert notified(item) == {"sue": 2, "sam": 2}
    pages = db.session.scalars(
        sa.select(Notification).where(Notification.created_at == moved_at)
    ).all()
    assert len(pages) == 2
    assert all(n.link == f"/items/{item.id}" and f"#{item.id}" in n.text for n in pages)
    assert all("senior supervisors" in n.text and n.read_at is None for n in pages)

    # level 2 is the last: however long it waits, it stays and nobody is paged again
    for later in (moved_at + 31 * MIN, moved_at + timedelta(days=2), moved_at + timedelta(days=60)):
        assert run_sweep(later)["escalations_moved_up"] == 0
    assert esc.level == 2 and esc.level_since == moved_at
    assert len(events("escalation.moved_up")) == 1
    assert notified(item) == {"sue": 2, "sam": 2}
    assert item.status is ItemStatus.ESCALATED


def test_a_level_2_escalation_can_still_be_claimed_and_resolved(people, submit):
    item = escalate(people, submit)
    run_sweep(NOW + 40 * MIN)
    esc = escalation_of(item)
    assert esc.level == 2
    escalations.claim(db.session, people["sam"], esc, NOW + 41 * MIN)
    escalations.resolve(db.session, people["sam"], esc, verdict(item, "approve"), NOW + 42 * MIN)
    db.session.commit()
    assert item.status is ItemStatus.APPROVED and esc.outcome == "approved"


# -- escalating, claiming, resolving -----------------------------------------------------


def test_a_reviewer_escalates_and_supervisors_are_paged(people, submit):
    at = NOW + 2 * MIN
    item = escalate(people, submit, at)
    assert item.status is ItemStatus.ESCALATED and item.claimed_by_id is None
    esc = escalation_of(item)
    assert esc.reason == "Customer threatens to sue"
    assert (esc.raised_by_id, esc.raised_at, esc.level, esc.level_since) == (
        people["cy"].id,
        at,
        1,
        at,
    )
    assert esc.claimed_by_id is None and esc.resolved_at is None and esc.outcome is None
    [opened] = events("escalation.opened")
    assert opened.actor == "user:cy@example.com" and opened.subject == f"item:{item.id}"
    assert notified(item) == {"sue": 1, "sam": 1}
    page = db.session.scalars(sa.select(Notification)).first()
    assert f"#{item.id}" in page.text and "Customer threatens to sue" in page.text


def test_escalating_twice_keeps_one_open_escalation(people, submit):
    item = escalate(people, submit)
    again = escalation_records.open_for(db.session, item, "again", people["ben"], NOW + 3 * MIN)
    db.session.commit()
    assert again.id == escalation_of(item).id and again.reason == "Customer threatens to sue"
    assert db.session.scalar(sa.select(sa.func.count(Escalation.id))) == 1


def test_only_one_supervisor_holds_an_escalation(people, submit):
    item = escalate(people, submit)
    esc = escalation_of(item)
    at = NOW + 5 * MIN
    escalations.claim(db.session, people["sue"], esc, at)
    db.session.commit()
    assert (esc.claimed_by_id, esc.claimed_at) == (people["sue"].id, at)
    with pytest.raises(Conflict, match="another supervisor"):
        escalations.claim(db.session, people["sam"], esc, at + MIN)
    for who in ("ana", "ben", "cy"):
        with pytest.raises(NotAllowed):
            escalations.claim(db.session, people[who], esc, at + MIN)
    db.session.rollback()
    # claiming again is harmless: same holder, same time, one audit event
    escalations.claim(db.session, people["sue"], esc, at + 2 * MIN)
    db.session.commit()
    assert (esc.claimed_by_id, esc.claimed_at) == (people["sue"].id, at)
    assert [e.actor for e in events("escalation.claimed")] == ["user:sue@example.com"]


@pytest.mark.postgres_only
def test_two_supervisors_claiming_at_once_do_not_both_win(people, submit):
    """sam's page loaded the escalation before sue's claim committed (READ COMMITTED)."""
    item = escalate(people, submit)
    esc_id = escalation_of(item).id
    db.session.commit()
    with Session(db.engine) as other:
        stale = other.get(Escalation, esc_id)
        assert stale.claimed_by_id is None
        escalations.claim(db.session, people["sue"], escalation_of(item), NOW + 5 * MIN)
        db.session.commit()
        with pytest.raises(Conflict):
            escalations.claim(other, people["sam"], stale, NOW + 5 * MIN)
        other.rollback()
    db.session.expire_all()
    esc = db.session.get(Escalation, esc_id)
    assert esc.claimed_by_id == people["sue"].id
    assert [e.actor for e in events("escalation.claimed")] == ["user:sue@example.com"]


def resolve(people, item, action, at, who="sue", **fields):
    esc = escalation_of(item)
    decision = escalations.resolve(
        db.session, people[who], esc, verdict(item, action, **fields), at
    )
    db.session.commit()
    return esc, decision


@pytest.mark.parametrize(
    ("action", "fields", "status", "outcome"),
    [
        ("approve", {}, ItemStatus.APPROVED, "approved"),
        # the edit replaces the text ben approved: it is the first approval of the new text
        ("edit", {"content": "Dear customer, corrected."}, ItemStatus.QUEUED, "first approval"),
        (
            "reject",
            {"reason_code": "policy_violation", "reason": "Promises a refund"},
            ItemStatus.REJECTED,
            "rejected",
        ),
        ("return", {"reason": "Check the contract date first"}, ItemStatus.QUEUED, "returned"),
    ],
)
def test_a_supervisor_resolves_an_escalation(people, submit, action, fields, status, outcome):
    raised = NOW + MIN
    item = escalate(people, submit, raised)  # a two-approval item with one approval
    original = item.content
    esc = escalation_of(item)
    claimed_at, resolved_at = raised + 12 * MIN, raised + 25 * MIN
    escalations.claim(db.session, people["sue"], esc, claimed_at)
    db.session.commit()

    esc, decision = resolve(people, item, action, resolved_at, **fields)

    assert item.status is status
    assert (esc.resolved_by_id, esc.resolved_at, esc.outcome) == (
        people["sue"].id,
        resolved_at,
        outcome,
    )
    assert esc.resolved_at - esc.raised_at == timedelta(minutes=25)  # resolution time
    assert escalation_of(item) is None
    assert (decision.user_id, decision.action) == (people["sue"].id, Action(action))
    assert (decision.opened_at, decision.decided_at) == (claimed_at, resolved_at)
    event = events(f"item.{action}")[-1]
    assert event.actor == "user:sue@example.com"
    assert (event.data["from"], event.data["to"]) == ("escalated", status.value)
    assert item.claimed_by_id is None
    if status is ItemStatus.APPROVED:  # ben's approval and sue's: two different people
        assert approvers(item) == {people["ben"].id, people["sue"].id}
        assert item.decided_at == resolved_at
    if action == "approve":
        assert item.final_content == original and not item.edited
    if action == "edit":
        assert approvers(item) == {people["sue"].id} and item.decided_at is None
        assert item.edited and item.final_content == "Dear customer, corrected."
        assert (decision.content_before, decision.content_after) == (
            original,
            "Dear customer, corrected.",
        )
    if action == "reject":
        assert item.outcome_reason == "policy_violation: Promises a refund"
        assert item.decided_at == resolved_at
    if action == "return":
        assert item.guidance == esc.guidance == "Check the contract date first"
        assert approvers(item) == {people["ben"].id}  # a return takes no approval away
        assert item.decided_at is None
        # ben approved this text already, so the second approval is someone else's
        assert claim(people["ben"], resolved_at + MIN) is None
        again = claim(people["cy"], resolved_at + MIN)
        assert again.id == item.id and again.guidance == "Check the contract date first"
    else:
        assert esc.guidance is None
    assert sealed_and_verified().ok


@pytest.mark.parametrize("action", ["approve", "edit"])
def test_a_supervisor_approval_is_one_of_two_not_both(people, submit, action):
    item = submit(["legal"])  # two approvals needed, none given yet
    run_sweep(NOW + (LEGAL_SLA + 1) * MIN)
    esc = escalation_of(item)
    escalations.claim(db.session, people["sue"], esc, NOW + 70 * MIN)
    fields = {"content": "Dear customer, checked."} if action == "edit" else {}
    resolve(people, item, action, NOW + 71 * MIN, **fields)
    assert item.status is ItemStatus.QUEUED and approvers(item) == {people["sue"].id}
    assert esc.outcome == "first approval" and esc.resolved_at - esc.raised_at == 10 * MIN
    assert item.due_at == NOW + 71 * MIN + LEGAL_SLA * MIN  # a fresh SLA, not re-escalated
    assert not db.session.scalar(sa.select(sa.func.count(Delivery.id)))  # no callback yet
    # sue may not give the second approval; ben may
    assert claim(people["sue"], NOW + 72 * MIN) is None
    assert claim(people["ben"], NOW + 72 * MIN).id == item.id
    decide(people["ben"], item, "approve", NOW + 73 * MIN)
    assert item.status is ItemStatus.APPROVED
    assert approvers(item) == {people["sue"].id, people["ben"].id}


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_resolving_with_an_unchanged_edit_is_an_approve(people, submit, line_ending):
    item = submit(content="Dear customer,\nyour refund is on its way.")  # one approval
    run_sweep(NOW + 241 * MIN)
    escalations.claim(db.session, people["sue"], escalation_of(item), NOW + 250 * MIN)
    unchanged = item.content.replace("\n", line_ending)
    esc, decision = resolve(people, item, "edit", NOW + 251 * MIN, content=unchanged)
    assert decision.action is Action.APPROVE and decision.edit_chars == 0
    assert decision.content_after is None and not item.edited
    assert item.status is ItemStatus.APPROVED and esc.outcome == "approved"
    assert events("item.approve") and not events("item.edit")


def test_resolving_with_a_real_edit_stores_its_size(people, submit):
    item = submit(["legal"], content="Dear customer,\nyour refund is on its way.")
    run_sweep(NOW + (LEGAL_SLA + 1) * MIN)
    escalations.claim(db.session, people["sue"], escalation_of(item), NOW + 70 * MIN)
    edited = "Dear customer,\r\nyour refund is not on its way."
    _, decision = resolve(people, item, "edit", NOW + 71 * MIN, content=edited)
    assert decision.action is Action.EDIT and decision.edit_chars == 4  # "not "
    assert item.edited and item.final_content == edited.replace("\r\n", "\n")


def test_a_returned_item_is_not_escalated_again_by_the_next_sweep(people, submit):
    item = submit(["legal"])
    breached_at = NOW + (LEGAL_SLA + 1) * MIN
    run_sweep(breached_at)
    assert item.status is ItemStatus.ESCALATED
    escalations.claim(db.session, people["sue"], escalation_of(item), breached_at + MIN)
    returned_at = breached_at + 2 * MIN
    resolve(people, item, "return", returned_at, reason="Ask legal, then approve")
    assert item.status is ItemStatus.QUEUED

    summary = run_sweep(returned_at + MIN)  # the very next sweep
    assert summary["sla_breached"] == 0
    assert item.status is ItemStatus.QUEUED and escalation_of(item) is None
    # the next reviewer has a fresh SLA; when that runs out, the clock escalates it again
    run_sweep(returned_at + (LEGAL_SLA + 1) * MIN)
    assert item.status is ItemStatus.ESCALATED
    assert escalation_of(item).reason == "SLA breached"
    assert len(events("item.sla_breached")) == 2


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({}, {"reason_code", "reason"}),
        ({"reason": "Wrong"}, {"reason_code"}),
        ({"reason_code": "no_such_code", "reason": "Wrong"}, {"reason_code"}),
        ({"reason_code": "tone", "reason": "   "}, {"reason"}),
    ],
)
def test_rejecting_an_escalation_needs_a_category_and_a_reason(people, submit, fields, bad):
    item = escalate(people, submit)
    escalations.claim(db.session, people["sue"], escalation_of(item), NOW + 5 * MIN)
    db.session.commit()
    with pytest.raises(ValidationFailed) as err:
        escalations.resolve(
            db.session,
            people["sue"],
            escalation_of(item),
            verdict(item, "reject", **fields),
            NOW + 6 * MIN,
        )
    assert {e["field"] for e in err.value.errors} == bad
    db.session.rollback()
    assert item.status is ItemStatus.ESCALATED and escalation_of(item).resolved_at is None


def test_returning_without_guidance_is_refused_and_changes_nothing(people, submit):
    item = escalate(people, submit)
    escalations.claim(db.session, people["sue"], escalation_of(item), NOW + 5 * MIN)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="reason"):
        escalations.resolve(
            db.session, people["sue"], escalation_of(item), verdict(item, "return"), NOW + 6 * MIN
        )
    # refused before anything was touched, even without a rollback
    assert approvers(item) == {people["ben"].id}
    assert item.status is ItemStatus.ESCALATED and item.guidance is None
    assert not db.session.dirty and not db.session.new


def nothing_changed(item, esc, decisions):
    db.session.rollback()
    assert item.status is ItemStatus.ESCALATED and len(approvers(item)) == 1
    assert esc.resolved_at is None and esc.outcome is None
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == decisions


@pytest.mark.parametrize("action", ["approve", "edit", "reject", "return"])
@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("unclaimed", StaleClaim),
        ("claimed_by_another", StaleClaim),
        ("stale_version", StaleVersion),
        ("already_resolved", StaleClaim),
    ],
)
def test_resolving_without_holding_a_current_escalation_changes_nothing(
    people, submit, action, case, error
):
    item = escalate(people, submit)
    esc = escalation_of(item)
    if case == "claimed_by_another":
        escalations.claim(db.session, people["sam"], esc, NOW + 5 * MIN)
    elif case in ("stale_version", "already_resolved"):
        escalations.claim(db.session, people["sue"], esc, NOW + 5 * MIN)
    db.session.commit()
    if case == "already_resolved":
        escalations.resolve(db.session, people["sue"], esc, verdict(item, "approve"), NOW + 6 * MIN)
        db.session.commit()
    decisions = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    fields = {"content": "new text", "reason": "r", "reason_code": "other"}
    version = item.version - 1 if case == "stale_version" else item.version
    stale = Verdict(action=Action(action), version=version, **fields)
    with pytest.raises(error):
        escalations.resolve(db.session, people["sue"], esc, stale, NOW + 7 * MIN)
    if case == "already_resolved":
        db.session.rollback()
        assert item.status is ItemStatus.APPROVED and esc.outcome == "approved"
        assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == decisions
    else:
        assert item.status is ItemStatus.ESCALATED  # untouched, before any rollback
        nothing_changed(item, esc, decisions)


@pytest.mark.parametrize(
    "change", [{"role": Role.REVIEWER}, {"role": Role.MANAGER}, {"active": False}]
)
def test_a_holder_who_is_no_longer_a_supervisor_cannot_resolve(people, submit, change):
    item = escalate(people, submit)
    esc = escalation_of(item)
    escalations.claim(db.session, people["sue"], esc, NOW + 5 * MIN)
    db.session.commit()
    decisions = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    demoted = dataclasses.replace(people["sue"], **change)
    with pytest.raises(NotAllowed):
        escalations.resolve(db.session, demoted, esc, verdict(item, "approve"), NOW + 6 * MIN)
    nothing_changed(item, esc, decisions)


@pytest.mark.parametrize("action", ["escalate", "approve_partial", "claim"])
def test_an_escalation_is_not_resolved_by_other_actions(people, submit, action):
    item = escalate(people, submit)
    esc = escalation_of(item)
    escalations.claim(db.session, people["sue"], esc, NOW + 5 * MIN)
    db.session.commit()
    decisions = db.session.scalar(sa.select(sa.func.count(Decision.id)))
    with pytest.raises(Conflict, match="cannot be resolved"):
        escalations.resolve(
            db.session, people["sue"], esc, verdict(item, action, reason="r"), NOW + 6 * MIN
        )
    nothing_changed(item, esc, decisions)


# -- always-escalate tags and withdrawal -------------------------------------------------


def test_an_always_escalate_tag_escalates_at_intake(people, submit):
    item = submit(["threat", "refund"])
    assert item.status is ItemStatus.ESCALATED
    esc = escalation_of(item)
    assert "threat" in esc.reason and "refund" not in esc.reason
    assert (esc.raised_by_id, esc.raised_at, esc.level) == (None, NOW, 1)
    [opened] = events("escalation.opened")
    assert opened.actor == "system" and opened.data["reason"] == esc.reason
    assert notified(item) == {"sue": 1, "sam": 1}
    assert claim(people["ben"]) is None  # an escalated item is not in the reviewers' queue


@pytest.mark.parametrize("how", ["tag", "reviewer", "sla", "claimed"])
def test_withdrawing_an_escalated_item_closes_its_escalation(people, submit, source, how):
    if how == "tag":
        item = submit(["threat"])
    elif how == "sla":
        item = submit(["legal"])
        run_sweep(NOW + (LEGAL_SLA + 1) * MIN)
    else:
        item = escalate(people, submit)
    esc = escalation_of(item)
    if how == "claimed":
        escalations.claim(db.session, people["sue"], esc, NOW + 5 * MIN)
        db.session.commit()
    at = NOW + 2 * LEGAL_SLA * MIN
    intake.withdraw(db.session, sources.get(db.session, source.slug), item, at)
    db.session.commit()

    assert item.status is ItemStatus.WITHDRAWN
    assert (esc.resolved_at, esc.outcome) == (at, "withdrawn")
    assert escalation_of(item) is None
    # a closed escalation never moves up, and nobody can take it any more
    assert run_sweep(at + timedelta(days=1))["escalations_moved_up"] == 0
    assert esc.level == 1
    with pytest.raises(Conflict, match="already resolved"):
        escalations.claim(db.session, people["sam"], esc, at + MIN)
    holder = people["sue"] if how == "claimed" else people["sam"]
    with pytest.raises(StaleClaim):
        escalations.resolve(db.session, holder, esc, verdict(item, "approve"), at + MIN)
    db.session.rollback()
    assert item.status is ItemStatus.WITHDRAWN


@pytest.mark.postgres_only
def test_an_escalation_claim_racing_a_withdrawal_never_deadlocks(people, submit, source):
    """The race that deadlocked on the audit chain's head row: a supervisor claims an
    escalation while its source withdraws the item, each on its own connection."""
    import threading

    from flask import current_app
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    from reviewq.domain.errors import ReviewqError
    from reviewq.services import intake, sources

    unexpected: list[BaseException] = []
    app = current_app._get_current_object()

    def run(barrier, work) -> None:
        with app.app_context():  # its own session and connection
            session = db.session
            try:
                barrier.wait()
                work(session)
                session.commit()
            except (ReviewqError, StaleDataError):  # lost the race: a named, 4xx outcome
                session.rollback()
            except (DBAPIError, BaseException) as exc:  # a deadlock or anything else: a 500
                unexpected.append(exc)
            finally:
                db.session.remove()

    for round_ in range(10):
        item = escalate(people, submit, NOW + MIN)
        esc_id, item_id = escalation_of(item).id, item.id
        db.session.commit()
        barrier = threading.Barrier(2)
        at = NOW + 5 * MIN

        def claim(session, esc_id=esc_id, at=at) -> None:
            escalations.claim(session, people["sue"], session.get(Escalation, esc_id), at)

        def withdraw(session, item_id=item_id, at=at) -> None:
            src = sources.get(session, source.slug)
            intake.withdraw(session, src, session.get(Item, item_id), at)

        threads = [threading.Thread(target=run, args=(barrier, w)) for w in (claim, withdraw)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert unexpected == [], f"round {round_}: {unexpected!r}"
    assert sealed_and_verified().ok
