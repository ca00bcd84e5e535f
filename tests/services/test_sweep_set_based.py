"""The sweep's set-based SLA breach does, for a whole batch, exactly what the per-item path
(a status change and its consequences, ``effects.after_change``) does one item at a time:
the same item changes, escalations, audit events in the same order, notifications,
callbacks and jobs after commit."""

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import current_app

from reviewq.domain.audit import content_hash
from reviewq.domain.authority import Actor
from reviewq.domain.intake import parse_submission
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus, next_status
from reviewq.extensions import db
from reviewq.models import AuditEvent, Delivery, Escalation, Item, Notification
from reviewq.services import audit, effects, intake, pending, policy, sources, sweep, users
from tests.jobs.support import Receiver
from tests.support.audit import sealed_and_verified
from tests.support.clock import NOW
from tests.support.review import claim, decide

MIN = timedelta(minutes=1)
AT = NOW + 5 * 60 * MIN  # past every SLA below (the longest is 240 minutes)


@pytest.fixture
def people(ctx, owner):
    made = {}
    for key, role, level, active in [
        ("ben", "reviewer", 3, True),
        ("cy", "reviewer", 3, True),
        ("sue", "supervisor", 1, True),
        ("sam", "supervisor", 1, True),
        ("old", "supervisor", 1, False),  # inactive: never paged
        ("max", "manager", 5, True),
    ]:
        user = users.create_user(
            db.session, Actor.system("test"), f"{key}@example.com", key, role, level, "x" * 14
        )
        user.active = active
        made[key] = user.actor
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [Rule(DEFAULT_TAG), Rule("legal", min_level=3, approvals=2, sla_minutes=60)],
    )
    db.session.commit()
    return made


@pytest.fixture
def receiver():
    """The hooked source's callback receiver (answers 200: nothing is retried)."""
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def batch(people, make_source, receiver) -> dict[str, Item]:
    """Overdue items of every kind, from a source with a callback URL and one without."""
    make_source("quiet-bot")
    receiver.secret = make_source("hooked-bot", callback_url=receiver.url).secret
    counter = iter(range(1, 100))

    def submit(slug: str, tags=(), title: str = "Reply to ticket #8812") -> Item:
        n = next(counter)
        body: dict[str, Any] = {
            "external_id": f"d-{n}",
            "title": title,
            "content": f"Dear customer, answer {n}.",
            "content_type": "text/plain",
            "risk_tags": list(tags),
            "context": {},
            "metadata": {},
        }
        src = sources.get(db.session, slug)
        item, _ = intake.submit(db.session, src, f"m-{n}", parse_submission(body), NOW + n * MIN)
        db.session.commit()
        return item

    # decided: not waiting, never breached
    rejected = submit("hooked-bot", ["legal"], title="<b>Ünïcode</b> " + "long " * 30)
    assert claim(people["ben"], NOW + 2 * MIN).id == rejected.id
    decide(people["ben"], rejected, "reject", NOW + 3 * MIN, reason_code="tone", reason="No")
    # one approval of two: its callback counts a reviewer and the seconds spent
    half = submit("hooked-bot", ["legal"], title="<b>Ünïcode</b> " + "long " * 30)
    assert claim(people["cy"], NOW + 12 * MIN).id == half.id
    decide(people["cy"], half, "approve", NOW + 13 * MIN)
    assert half.status is ItemStatus.QUEUED
    # held by a reviewer whose lease still runs when the SLA does (cy approved ``half``)
    in_review = submit("hooked-bot")
    assert claim(people["cy"], AT - 2 * MIN).id == in_review.id
    made = {
        "rejected": rejected,
        "half": half,
        "in_review": in_review,
        "quiet": submit("quiet-bot", ["refund"]),
        "escalated_before": submit("hooked-bot"),
        "quiet_legal": submit("quiet-bot", ["legal"]),
    }
    # an open escalation already (as left by an earlier run): none is opened again
    db.session.add(
        Escalation(
            item_id=made["escalated_before"].id,
            reason="earlier",
            raised_at=NOW,
            level=1,
            level_since=NOW,
        )
    )
    not_due = submit("hooked-bot")
    db.session.execute(sa.update(Item).where(Item.id == not_due.id).values(due_at=AT + MIN))
    db.session.commit()
    # the rejection's callback is sent (and audited) before the test looks at the log
    current_app.extensions["reviewq.jobs"].wait_idle()
    assert [hit.payload["type"] for hit in receiver.hits] == ["item.rejected"]
    return made


def breach_one_at_a_time(now) -> int:
    """The per-item path: a status change, its audit event and its consequences."""
    overdue = db.session.scalars(
        sa.select(Item)
        .where(Item.status.in_([ItemStatus.QUEUED, ItemStatus.IN_REVIEW]), Item.due_at < now)
        .order_by(Item.due_at, Item.id)
    ).all()
    for item in overdue:
        item.status = next_status(item.status, Action.BREACH_SLA)
        item.claimed_by_id = item.claimed_at = item.claim_expires_at = None
        db.session.flush()
        due = item.due_at.isoformat()
        audit.record(
            db.session, "system", "item.sla_breached", f"item:{item.id}", {"due_at": due}, at=now
        )
        effects.after_change(db.session, item, now, reason="SLA breached")
    return len(overdue)


def outcome(marks: dict[str, int]) -> dict[str, Any]:
    """What the run changed, with the ids it generated replaced by what they stand for."""
    session = db.session
    items = session.execute(
        sa.select(
            Item.id,
            Item.status,
            Item.claimed_by_id,
            Item.claimed_at,
            Item.claim_expires_at,
            Item.version,
        ).order_by(Item.id)
    ).all()
    escalations = session.scalars(
        sa.select(Escalation).where(Escalation.id > marks["escalations"]).order_by(Escalation.id)
    ).all()
    item_of = {e.id: e.item_id for e in session.scalars(sa.select(Escalation))}
    events = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.id > marks["events"]).order_by(AuditEvent.id)
    ).all()
    for event in events:  # each event's hash is the one ``record`` computes
        assert event.hash == content_hash(
            event.at, event.actor, event.action, event.subject, event.data
        )
    event_of = {e.id: (e.action, e.subject) for e in events}

    def data(values: dict[str, Any]) -> dict[str, Any]:
        if "escalation" in values:
            return {**values, "escalation": ("escalation of item", item_of[values["escalation"]])}
        return values

    notes = session.scalars(
        sa.select(Notification)
        .where(Notification.id > marks["notifications"])
        .order_by(Notification.id)
    ).all()
    note_of = {n.id: (n.user_id, n.link) for n in notes}
    deliveries = session.scalars(
        sa.select(Delivery).where(Delivery.id > marks["deliveries"]).order_by(Delivery.id)
    ).all()
    delivery_of = {d.id: d.item_id for d in deliveries}

    def payload(body: dict[str, Any]) -> dict[str, Any]:
        receipt = body["data"]["receipt"]
        audited = {"event": event_of[receipt["audit"]["event"]]}
        return {**body, "data": {**body["data"], "receipt": {**receipt, "audit": audited}}}

    jobs = []
    for job in pending.take(session):
        if job.name == pending.DELIVER:
            jobs.append(("deliver", delivery_of[job.args[0]], job.at))
        else:
            assert job.name == pending.NOTIFY_EXTERNAL
            jobs.append(("notify", [note_of[n] for n in job.args[0]]))  # type: ignore[union-attr]
    return {
        "items": items,
        "escalations": [
            (e.item_id, e.reason, e.raised_by_id, e.raised_at, e.level, e.level_since)
            + (e.claimed_by_id, e.resolved_at, e.outcome)
            for e in escalations
        ],
        "events": [(e.at, e.actor, e.action, e.subject, data(e.data)) for e in events],
        "notifications": [(n.user_id, n.text, n.link, n.created_at, n.read_at) for n in notes],
        "deliveries": [
            (d.item_id, d.source_id, d.event, d.status, d.attempts, d.next_attempt_at)
            + (d.created_at, d.lease_until, payload(d.payload), d.msg_id.startswith("msg_"))
            for d in deliveries
        ],
        "jobs": sorted(jobs, key=repr),  # all handed to the queue at commit, in any order
    }


def marks() -> dict[str, int]:
    models = {
        "escalations": Escalation,
        "events": AuditEvent,
        "notifications": Notification,
        "deliveries": Delivery,
    }
    return {
        name: db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0)))
        for name, model in models.items()
    }


def test_a_batch_breach_has_exactly_the_effects_of_the_per_item_path(batch) -> None:
    pending.take(db.session)
    before = marks()
    assert breach_one_at_a_time(AT) == 5
    expected = outcome(before)
    db.session.rollback()

    before = marks()
    assert sweep.breach_overdue(db.session, AT, 50) == 5
    got = outcome(before)
    db.session.commit()

    assert got == expected
    # what it is, not only that it agrees: the mixed batch had its effects
    assert {i.id for i in batch.values() if i.status is ItemStatus.ESCALATED} == {
        batch[k].id for k in ("half", "in_review", "quiet", "escalated_before", "quiet_legal")
    }
    assert batch["rejected"].status is ItemStatus.REJECTED
    assert batch["in_review"].claimed_by_id is None
    actions = [e[2] for e in got["events"]]
    assert actions.count("item.sla_breached") == 5 and actions.count("escalation.opened") == 4
    assert len(got["escalations"]) == 4  # not for the item escalated before
    assert len(got["notifications"]) == 4 * 2  # sue and sam, each time
    assert sorted(d[0] for d in got["deliveries"]) == sorted(
        batch[k].id for k in ("half", "in_review")
    )  # the hooked source's items that were escalated now
    half = next(d[-2] for d in got["deliveries"] if d[0] == batch["half"].id)
    assert half["data"]["reviewers"] == 1 and half["data"]["receipt"]["seconds_spent"] == 60.0
    assert half["data"]["receipt"]["audit"] == {
        "event": ("escalation.opened", f"item:{batch['half'].id}")
    }
    assert sealed_and_verified().ok


def test_a_batch_breach_takes_at_most_its_limit_earliest_due_first(batch) -> None:
    assert sweep.breach_overdue(db.session, AT, 2) == 2
    pending.take(db.session)  # the callbacks are the other test's
    db.session.commit()
    escalated = set(
        db.session.scalars(sa.select(Item.id).where(Item.status == ItemStatus.ESCALATED))
    )
    assert escalated == {batch["half"].id, batch["quiet_legal"].id}  # the 60-minute SLAs
    assert sweep.breach_overdue(db.session, AT, 50) == 3
    assert sweep.breach_overdue(db.session, AT, 50) == 0
