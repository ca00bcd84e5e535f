"""Escalations: opened by reviewers, always-escalate tags and the SLA clock; claimed and
resolved by supervisors; moved up a level when nobody claims them in time.

Opening and closing the record is a consequence of the item's status (``effects`` and
``escalation_records``); this module holds the supervisors' use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from ..domain import escalation as levels
from ..domain.authority import Actor, Permission, Role, can
from ..domain.errors import Conflict, NotAllowed, StaleClaim, StaleVersion
from ..domain.workflow import Action, ItemStatus
from ..models import Decision, Escalation, Item, User
from . import (
    audit,
    bulk,
    canaries,
    effects,
    escalation_records,
    notifications,
    paging,
    verdicts,
)
from .verdicts import Verdict

LEASE = timedelta(minutes=15)  # how long a claimed escalation stays with its supervisor


def open_escalations(session: Session, number: int = 1) -> paging.Page[Escalation]:
    """Page ``number`` of the open escalations, highest level and longest waiting first,
    with their items and people loaded in the same query.

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    return paging.fetch(
        session,
        sa.select(Escalation)
        .options(  # in their own queries, for the page's rows only
            selectinload(Escalation.item).load_only(Item.id, Item.title),
            selectinload(Escalation.raised_by),
            selectinload(Escalation.claimed_by),
        )
        .where(Escalation.resolved_at.is_(None))
        .order_by(Escalation.level.desc(), Escalation.raised_at, Escalation.id),
        number,
    )


def open_count(session: Session) -> int:
    """How many escalations are open (counted on the open-escalation index)."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Escalation)
            .where(Escalation.resolved_at.is_(None))
        )
        or 0
    )


def holds(escalation: Escalation, actor: Actor, now: datetime) -> bool:
    """Whether ``actor`` holds the escalation's claim right now (its lease has not run out)."""
    return (
        escalation.resolved_at is None
        and escalation.claimed_by_id == actor.id
        and escalation.claim_expires_at is not None
        and escalation.claim_expires_at > now
    )


def claim(session: Session, actor: Actor, escalation: Escalation, now: datetime) -> Escalation:
    """A supervisor takes an escalation to resolve it, for a lease of ``LEASE`` that their
    open page renews (``renew``); an escalation whose lease ran out may be claimed again.

    Raises:
        NotAllowed: the actor is not a supervisor.
        Conflict: it is resolved, or another supervisor holds it.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors resolve escalations")
    if holds(escalation, actor, now):
        return renew(session, actor, escalation, now)
    # One conditional UPDATE, so that of two supervisors claiming at once exactly one wins:
    # the other's page may have loaded the row before the first claim committed.
    taken = session.execute(
        sa.update(Escalation)
        .where(
            Escalation.id == escalation.id,
            Escalation.resolved_at.is_(None),
            sa.or_(Escalation.claimed_by_id.is_(None), Escalation.claim_expires_at <= now),
        )
        .values(claimed_by_id=actor.id, claimed_at=now, claim_expires_at=now + LEASE)
        .returning(Escalation.id),
        execution_options={"synchronize_session": False},
    ).scalar()
    session.refresh(escalation)
    if taken is None:
        if escalation.resolved_at is not None:
            raise Conflict("this escalation is already resolved")
        raise Conflict("another supervisor is resolving this escalation")
    audit.record(
        session,
        actor.label,
        "escalation.claimed",
        f"item:{escalation.item_id}",
        {"escalation": escalation.id},
        at=now,
    )
    return escalation


def renew(session: Session, actor: Actor, escalation: Escalation, now: datetime) -> Escalation:
    """Extend the supervisor's lease while their page is open.

    Raises:
        StaleClaim: the actor no longer holds the escalation.
    """
    if not holds(escalation, actor, now):
        raise StaleClaim(
            "You no longer hold this escalation (its claim ran out or it was resolved)."
        )
    escalation.claim_expires_at = now + LEASE
    session.flush()
    return escalation


def release(session: Session, actor: Actor, escalation: Escalation, now: datetime) -> None:
    """Give a held escalation back unresolved, for another supervisor (audited).

    Raises:
        StaleClaim: the actor does not hold the escalation.
    """
    if not holds(escalation, actor, now):
        raise StaleClaim("You do not hold this escalation. Nothing was changed.")
    escalation.claimed_by_id = escalation.claimed_at = escalation.claim_expires_at = None
    session.flush()
    audit.record(
        session,
        actor.label,
        "escalation.released",
        f"item:{escalation.item_id}",
        {"escalation": escalation.id},
        at=now,
    )


ESCALATIONS = cast(sa.Table, Escalation.__table__)


def assignees(session: Session) -> list[User]:
    """Who escalations may be reassigned to: the active people who may resolve them
    (supervisors cover every item's level; ``reassign`` checks the item's own)."""
    return [
        u
        for u in notifications.active_in(session, {Role.SUPERVISOR})
        if can(u.actor, Permission.SUPERVISE)
    ]


def reassign(
    session: Session, actor: Actor, escalation: Escalation, to: User, now: datetime
) -> Escalation:
    """A supervisor hands an open escalation to another person who can act on it: it is
    claimed for them (a fresh lease), audited, and both they and the previous holder (if
    any) are told.

    Raises:
        NotAllowed: the actor is not a supervisor, or ``to`` cannot act on the escalation.
        Conflict: the escalation is resolved, or ``to`` holds it already.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors reassign escalations")
    if escalation.resolved_at is not None:
        raise Conflict("this escalation is already resolved")
    if not to.active or not escalation_records.able(escalation.item, [to]):
        raise NotAllowed(f"{to.name} cannot resolve this escalation")
    if holds(escalation, to.actor, now):
        raise Conflict(f"{to.name} holds this escalation already")
    before = (
        escalation.claimed_by_id
        if escalation.claim_expires_at and (escalation.claim_expires_at > now)
        else None
    )
    escalation.claimed_by_id, escalation.claimed_at = to.id, now
    escalation.claim_expires_at = now + LEASE
    session.flush()
    audit.record(
        session,
        actor.label,
        "escalation.reassigned",
        f"item:{escalation.item_id}",
        {"escalation": escalation.id, "from": before, "to": to.id},
        at=now,
    )
    by = session.get(User, actor.id)
    who = by.name if by else actor.label
    title = f"#{escalation.item_id} {escalation.item.title[:80]}"
    link = f"/items/{escalation.item_id}"
    notifications.notify(
        session, [to.id], f"Escalation {title} assigned to you by {who}.", link, now
    )
    if before is not None and before != to.id:
        notifications.notify(
            session, [before], f"Escalation {title} reassigned to {to.name} by {who}.", link, now
        )
    return escalation


def release_expired(session: Session, now: datetime, limit: int | None = None) -> int:
    """Give back every escalation claim whose lease ran out (audited), or the first
    ``limit`` of them, in a few statements; an abandoned one then waits at its level, and
    moves up when its level's time has passed (``move_up_stale``).

    Returns:
        How many claims were released.
    """
    session.flush()
    expired = session.execute(
        sa.select(Escalation.id, Escalation.item_id, Escalation.claimed_by_id)
        .where(Escalation.resolved_at.is_(None), Escalation.claim_expires_at < now)
        .order_by(Escalation.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not expired:
        return 0
    released = set(
        session.scalars(
            sa.update(ESCALATIONS)
            .where(ESCALATIONS.c.id.in_([row.id for row in expired]))
            .where(  # still as read
                ESCALATIONS.c.resolved_at.is_(None), ESCALATIONS.c.claim_expires_at < now
            )
            .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None)
            .returning(ESCALATIONS.c.id)
        )
    )
    expired = [row for row in expired if row.id in released]
    ids = [row.id for row in expired]
    bulk.expire_loaded(session, Escalation, ids)
    audit.record_many(
        session,
        [
            audit.Event(
                "system",
                "escalation.claim_expired",
                f"item:{row.item_id}",
                {"escalation": row.id, "holder": row.claimed_by_id},
                now,
            )
            for row in expired
        ],
    )
    return len(expired)


def resolve(
    session: Session, actor: Actor, escalation: Escalation, verdict: Verdict, now: datetime
) -> Decision:
    """Approve, edit, reject, or return the escalated item to the queue with guidance.

    A supervisor's approval is one of the item's approvals, like anyone's: an item that
    needs two different approvers goes back to the queue for the second when the
    supervisor's is the first (``verdicts.apply``). Whenever the item goes back to the
    queue it gets a fresh SLA (counted from now), so the sweep does not escalate it again at
    once for the deadline that was already missed; the approvals already given stand.
    An edit that leaves the text unchanged (line endings aside) is an approval.

    Raises:
        NotAllowed: the actor is not (any more) a supervisor.
        StaleClaim: the actor does not hold this escalation (or their claim ran out).
        StaleVersion: the item changed since the page was opened.
        TwoPersonRule: the supervisor already approved the item's current text.
        ValidationFailed: a required field is missing.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors resolve escalations")
    item = escalation.item
    if not holds(escalation, actor, now) or item.status is not ItemStatus.ESCALATED:
        raise StaleClaim("You do not hold this escalation (claim it first). Nothing was changed.")
    if verdict.version != item.version:
        raise StaleVersion("This item changed since you opened it. Nothing was changed.")
    if verdict.action not in (Action.APPROVE, Action.EDIT, Action.REJECT, Action.RETURN):
        raise Conflict(f"an escalation cannot be resolved by {verdict.action}")
    decision = verdicts.apply(
        session, actor, item, verdict, now, opened=escalation.claimed_at or now
    )
    if item.status is ItemStatus.QUEUED:
        item.due_at = now + timedelta(minutes=item.sla_minutes)
    escalation.resolved_by_id, escalation.resolved_at = actor.id, now
    escalation.claim_expires_at = None
    escalation.outcome = _outcome(decision.action, item)
    escalation.guidance = decision.reason if decision.action is Action.RETURN else None
    session.flush()
    effects.after_change(session, item, now)
    resolver = session.get(User, actor.id)
    escalation_records.settled(session, escalation, resolver.name if resolver else actor.label, now)
    return decision


def _outcome(action: Action, item: Item) -> str:
    if action is Action.RETURN:
        return "returned"
    if item.status is ItemStatus.QUEUED:  # a first approval of two
        return "first approval"
    return item.status.value


def move_up_stale(session: Session, now: datetime, limit: int | None = None) -> int:
    """Move every escalation unclaimed past its level's time up a level (or the first
    ``limit`` of them), paging that level, in a few statements. Only those past their time
    are read and locked: the others stay free for supervisors to claim.

    Returns:
        How many escalations moved.
    """
    stale = [
        sa.and_(Escalation.level == lvl.number, Escalation.level_since <= now - lvl.claim_within)
        for lvl in levels.LEVELS[:-1]
        if lvl.claim_within is not None
    ]
    session.flush()
    waiting = session.execute(
        sa.select(
            Escalation.id,
            Escalation.item_id,
            Escalation.level,
            Escalation.level_since,
            Item.title,
            Item.min_level,
        )
        .join(Item, Item.id == Escalation.item_id)
        .where(
            Escalation.resolved_at.is_(None),
            Escalation.claimed_by_id.is_(None),
            sa.or_(sa.false(), *stale),
        )
        .order_by(Escalation.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Escalation)
    ).all()
    moved = [
        row for row in waiting if levels.should_move_up(row.level, row.level_since, False, now)
    ]
    done: set[int] = set()
    for number in {row.level for row in moved}:
        ids = [row.id for row in moved if row.level == number]
        done.update(
            session.scalars(
                sa.update(ESCALATIONS)
                .where(ESCALATIONS.c.id.in_(ids), ESCALATIONS.c.level == number)
                .where(  # still as read
                    ESCALATIONS.c.resolved_at.is_(None), ESCALATIONS.c.claimed_by_id.is_(None)
                )
                .values(level=number + 1, level_since=now)
                .returning(ESCALATIONS.c.id)
            )
        )
        bulk.expire_loaded(session, Escalation, ids)
    moved = [row for row in moved if row.id in done]
    events, pages = [], []
    people: dict[int, Sequence[User]] = {}  # the active people of each level's roles
    for row in moved:
        target = levels.level(row.level + 1)
        data = {"escalation": row.id, "level": row.level + 1, "to": target.name}
        events.append(
            audit.Event("system", "escalation.moved_up", f"item:{row.item_id}", data, now)
        )
        text = f"Unclaimed escalation moved to {target.name}: #{row.item_id} {row.title[:80]}"
        if target.number not in people:
            people[target.number] = notifications.active_in(session, target.notify)
        who = escalation_records.paged_among(row.min_level, target.number, people[target.number])
        pages.append(notifications.Page([u.id for u in who], text, f"/items/{row.item_id}"))
    audit.record_many(session, events)
    notifications.notify_many(session, pages, now)
    return len(moved)


def recent_resolutions(
    session: Session, actor: Actor | None, limit: int = 20
) -> tuple[list[Escalation], int]:
    """The latest ``limit`` resolved escalations ``actor`` may see, newest first.

    Returns:
        The resolutions shown, and how many were held back because ``actor`` must
        second-review their items blind.
    """
    resolved = session.scalars(
        sa.select(Escalation)
        .options(
            joinedload(Escalation.item).load_only(Item.id, Item.title),
            joinedload(Escalation.resolved_by),
        )
        .where(Escalation.resolved_at.is_not(None))
        .order_by(Escalation.resolved_at.desc())
        .limit(limit)
    ).all()
    blind = canaries.blind_items(session, actor, {e.item_id for e in resolved})
    shown = [e for e in resolved if e.item_id not in blind]
    return shown, len(resolved) - len(shown)
