"""Escalations: opened by reviewers, always-escalate tags and the SLA clock; claimed and
resolved by supervisors; moved up a level when nobody claims them in time.

Opening and closing the record is a consequence of the item's status (``effects`` and
``escalation_records``); this module holds the supervisors' use cases."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import escalation as levels
from ..domain.authority import Actor, Permission, can
from ..domain.errors import Conflict, NotAllowed, StaleClaim, StaleVersion, ValidationFailed
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import Decision, Escalation, Item
from . import audit, effects, notifications, verdicts
from .verdicts import Verdict


def open_escalations(session: Session) -> list[Escalation]:
    """Every open escalation, highest level and longest waiting first."""
    return list(
        session.scalars(
            sa.select(Escalation)
            .join(Item, Item.id == Escalation.item_id)
            .where(Escalation.resolved_at.is_(None))
            .order_by(Escalation.level.desc(), Escalation.raised_at)
        )
    )


def claim(session: Session, actor: Actor, escalation: Escalation, now: datetime) -> Escalation:
    """A supervisor takes an escalation to resolve it.

    Raises:
        NotAllowed: the actor is not a supervisor.
        Conflict: it is resolved, or another supervisor holds it.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors resolve escalations")
    if escalation.resolved_at is None and escalation.claimed_by_id is None:
        # One conditional UPDATE, so that of two supervisors claiming at once exactly one
        # wins: the other's page may have loaded the row before the first claim committed.
        taken = session.execute(
            sa.update(Escalation)
            .where(
                Escalation.id == escalation.id,
                Escalation.claimed_by_id.is_(None),
                Escalation.resolved_at.is_(None),
            )
            .values(claimed_by_id=actor.id, claimed_at=now)
            .returning(Escalation.id),
            execution_options={"synchronize_session": False},
        ).scalar()
        session.refresh(escalation)
        if taken is not None:
            audit.record(
                session,
                verdicts.actor_name(session, actor),
                "escalation.claimed",
                f"item:{escalation.item_id}",
                {"escalation": escalation.id},
                at=now,
            )
            return escalation
    if escalation.resolved_at is not None:
        raise Conflict("this escalation is already resolved")
    if escalation.claimed_by_id != actor.id:
        raise Conflict("another supervisor is resolving this escalation")
    return escalation


def resolve(
    session: Session, actor: Actor, escalation: Escalation, verdict: Verdict, now: datetime
) -> Decision:
    """Approve, edit, reject, or return the escalated item to the queue with guidance.

    Returning gives the item a fresh SLA (counted from now): the next reviewer starts
    over, and the sweep does not escalate it again at once for the deadline that was
    already missed.
    An edit that leaves the text unchanged (line endings aside) is an approval.

    Raises:
        NotAllowed: the actor is not (any more) a supervisor.
        StaleClaim: the actor does not hold this escalation.
        StaleVersion: the item changed since the page was opened.
        TwoPersonRule: the supervisor gave the item's first approval.
        ValidationFailed: a required field is missing (checked before anything changes).
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors resolve escalations")
    item = escalation.item
    if (
        escalation.resolved_at is not None
        or escalation.claimed_by_id != actor.id
        or item.status is not ItemStatus.ESCALATED
    ):
        raise StaleClaim("You do not hold this escalation (claim it first). Nothing was changed.")
    if verdict.version != item.version:
        raise StaleVersion("This item changed since you opened it. Nothing was changed.")
    if verdict.action not in (Action.APPROVE, Action.EDIT, Action.REJECT, Action.RETURN):
        raise Conflict(f"an escalation cannot be resolved by {verdict.action}")
    verdict = verdicts.settle(verdict, item.current_content)  # an unchanged edit approves
    errors = verdicts.validate(verdict)
    if errors:  # before the approvals are reset below: a refusal changes nothing
        raise ValidationFailed(errors)
    if verdict.action is Action.RETURN:  # the next reviewer starts over, with the guidance
        item.first_approver_id, item.approvals_count = None, 0
        item.due_at = now + timedelta(minutes=item.sla_minutes)
    decision = verdicts.apply(
        session, actor, item, verdict, now, opened=escalation.claimed_at or now, final_say=True
    )
    escalation.resolved_by_id, escalation.resolved_at = actor.id, now
    escalation.outcome = "returned" if verdict.action is Action.RETURN else item.status.value
    escalation.guidance = decision.reason if verdict.action is Action.RETURN else None
    session.flush()
    effects.after_change(session, item, now)
    return decision


def move_up_stale(session: Session, now: datetime) -> list[Escalation]:
    """Move every escalation unclaimed past its level's time up a level, paging that level.

    Returns:
        The escalations that moved.
    """
    waiting = session.scalars(
        sa.select(Escalation)
        .where(Escalation.resolved_at.is_(None), Escalation.claimed_by_id.is_(None))
        .with_for_update(skip_locked=True)
    ).all()
    moved = []
    for escalation in waiting:
        if not levels.should_move_up(escalation.level, escalation.level_since, False, now):
            continue
        escalation.level += 1
        escalation.level_since = now
        session.flush()
        target = levels.level(escalation.level)
        audit.record(
            session,
            "system",
            "escalation.moved_up",
            f"item:{escalation.item_id}",
            {"escalation": escalation.id, "level": escalation.level, "to": target.name},
            at=now,
        )
        notifications.notify_roles(
            session,
            target.notify,
            f"Unclaimed escalation moved to {target.name}: #{escalation.item_id} "
            f"{escalation.item.title[:80]}",
            f"/items/{escalation.item_id}",
            now,
        )
        moved.append(escalation)
    return moved


def breach(session: Session, item: Item, now: datetime) -> None:
    """Escalate an item whose SLA ran out (by the sweep; nothing is approved by the clock)."""
    item.status = next_status(item.status, Action.BREACH_SLA)
    item.claimed_by_id = item.claimed_at = item.claim_expires_at = None
    session.flush()
    audit.record(
        session,
        "system",
        "item.sla_breached",
        f"item:{item.id}",
        {"due_at": item.due_at.isoformat()},
        at=now,
    )
    effects.after_change(session, item, now, reason="SLA breached")
