"""The reviewer's work: claim the next item, keep or release the claim, decide."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..domain.authority import Actor, Permission, can, effective_level
from ..domain.errors import NotAllowed, StaleClaim, StaleVersion
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import Decision, Item
from . import approvals, audit, bulk, effects, pending, verdicts
from .verdicts import Verdict

LEASE = timedelta(minutes=15)
# Review next returns at most this many run-out leases to the queue on its way (the sweep
# returns the rest every minute): each is an audited change, and a claim must stay quick
# however many claims were abandoned.
RELEASE_ON_CLAIM = 1


@dataclass(frozen=True)
class QueueFilter:
    """Narrows what Review next may pick (None = any)."""

    source_id: int | None = None
    priority: int | None = None
    skipped: frozenset[int] = frozenset()  # items this reviewer just skipped


def _release(item: Item) -> None:
    item.claimed_by_id = item.claimed_at = item.claim_expires_at = None


ITEMS = cast(sa.Table, Item.__table__)


def release_expired(session: Session, now: datetime, limit: int | None = None) -> int:
    """Return items whose claim lease ran out to the queue (audited), in a few statements
    however many there are.

    Args:
        session: the caller's session.
        now: the time leases are compared with.
        limit: at most this many (None: every one); the oldest leases go first.

    Returns:
        How many items were released.
    """
    session.flush()
    expired = session.execute(
        sa.select(Item.id, Item.claimed_by_id)
        .where(Item.status == ItemStatus.IN_REVIEW, Item.claim_expires_at < now)
        .order_by(Item.claim_expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not expired:
        return 0
    released = set(
        session.scalars(
            sa.update(ITEMS)
            .where(ITEMS.c.id.in_([row.id for row in expired]))
            .where(ITEMS.c.status == ItemStatus.IN_REVIEW)  # still as read
            .values(
                status=next_status(ItemStatus.IN_REVIEW, Action.EXPIRE_CLAIM),
                claimed_by_id=None,
                claimed_at=None,
                claim_expires_at=None,
                version=ITEMS.c.version + 1,  # what the ORM's version counter does
            )
            .returning(ITEMS.c.id)
        )
    )
    expired = [row for row in expired if row.id in released]
    ids = [row.id for row in expired]
    bulk.expire_loaded(session, Item, ids)
    audit.record_many(
        session,
        [
            audit.Event("system", "item.claim_expired", f"item:{row.id}", {"holder": holder}, now)
            for row in expired
            for holder in [row.claimed_by_id]
        ],
    )
    return len(expired)


def reviewable_by(actor: Actor, item: Any = Item) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on ``item`` (the model or an alias of it): a queued item ``actor`` may
    claim: within their authority, and not one whose current text they already approved
    (two-person rule, ``approvals``)."""
    return [
        item.status == ItemStatus.QUEUED,
        item.min_level <= effective_level(actor),
        ~approvals.given_by(actor.id, item.id),
    ]


def claims_of(actor: Actor, now: datetime) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on ``Item``: the items ``actor`` holds right now (lease not run out)."""
    return [
        Item.status == ItemStatus.IN_REVIEW,
        Item.claimed_by_id == actor.id,
        Item.claim_expires_at > now,
    ]


def held_claim(session: Session, actor: Actor, now: datetime) -> Item | None:
    """The item ``actor`` is reviewing right now, if any."""
    return session.scalar(
        sa.select(Item).where(*claims_of(actor, now)).order_by(Item.claimed_at).limit(1)
    )


_QUEUED = aliased(Item, name="queued")


def _build_claim(
    by_source: bool, by_priority: bool, skipping: bool, values: dict[str, Any] | None = None
) -> sa.Update:
    """The claim statement for one shape of filter; its values are bind parameters, left to
    be given at execution (``values`` None) or bound now."""

    def param(name: str, type_: Any = None, expanding: bool = False) -> sa.BindParameter[Any]:
        if values is None:
            return sa.bindparam(name, type_=type_, expanding=expanding)
        return sa.bindparam(name, values[name], type_=type_, expanding=expanding)

    queued = _QUEUED
    actor = param("claimer", sa.Integer)
    pick = sa.select(queued.id).where(
        queued.status == ItemStatus.QUEUED,
        queued.min_level <= param("claimer_level", sa.Integer),
        ~approvals.given_by(actor, queued.id),
    )
    if by_source:
        pick = pick.where(queued.source_id == param("only_source", sa.Integer))
    if by_priority:
        pick = pick.where(queued.priority == param("only_priority", sa.Integer))
    if skipping:
        pick = pick.where(queued.id.not_in(param("skipped", expanding=True)))
    now = param("claim_now", Item.__table__.c.claimed_at.type)
    # a first approval in its undo window stays with its approver until the window closes
    pick = pick.where(sa.or_(queued.settles_at.is_(None), queued.settles_at <= now))
    first = (
        pick.order_by(queued.priority, queued.due_at, queued.created_at, queued.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    until = param("claim_until", Item.__table__.c.claim_expires_at.type)
    return (
        sa.update(Item)
        .where(Item.id == first, Item.status == ItemStatus.QUEUED)
        .values(
            status=ItemStatus.IN_REVIEW,
            claimed_by_id=actor,
            claimed_at=now,
            claim_expires_at=until,
            settles_at=None,  # a held first approval's window has closed: nothing waits
            version=Item.version + 1,
            updated_at=now,
        )
        .returning(Item)
    )


# built and compiled once per process and shape of filter, not once per claim
_claim_template = functools.cache(_build_claim)


def _shape(where: QueueFilter) -> tuple[bool, bool, bool]:
    return where.source_id is not None, where.priority is not None, bool(where.skipped)


def _claim_values(actor: Actor, now: datetime, where: QueueFilter) -> dict[str, Any]:
    """The values the claim statement runs with for ``actor`` and ``where``."""
    values: dict[str, Any] = {
        "claimer": actor.id,
        "claimer_level": effective_level(actor),
        "claim_now": now,
        "claim_until": now + LEASE,
    }
    if where.source_id is not None:
        values["only_source"] = where.source_id
    if where.priority is not None:
        values["only_priority"] = where.priority
    if where.skipped:
        values["skipped"] = sorted(where.skipped)
    return values


def claim_statement(actor: Actor, now: datetime, where: QueueFilter) -> sa.Update:
    """The one statement that claims the most urgent item ``actor`` may review (``claim_next``),
    with its values bound (``claim_next`` runs the same template with the values apart).

    Returns:
        ``UPDATE items ... WHERE id = (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING``
        the claimed row.
    """
    values = _claim_values(actor, now, where)
    return _build_claim(*_shape(where), values)


def claim_next(
    session: Session, actor: Actor, now: datetime, where: QueueFilter = QueueFilter()
) -> Item | None:
    """Claim the most urgent item ``actor`` may review: risk, then due time, then age.

    Skips items above the actor's authority and items whose current text the actor already
    approved (two-person rule, ``approvals``). A few run-out leases go back to the queue
    first (``RELEASE_ON_CLAIM``; the sweep returns the rest). On PostgreSQL the pick is one
    ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)`` over the partial queue
    index, so reviewers never block or collide; on SQLite the transaction holds the write
    lock, which gives the same guarantee.

    Returns:
        The claimed item (the one already held, if any), or None when nothing is eligible.

    Raises:
        NotAllowed: the actor may not work the queue.
    """
    if not can(actor, Permission.WORK_QUEUE):
        raise NotAllowed("your role does not review items")
    mine = held_claim(session, actor, now)
    if mine is not None:
        mine.claim_expires_at = now + LEASE
        session.flush()
        return mine
    release_expired(session, now, limit=RELEASE_ON_CLAIM)
    item = session.scalar(
        _claim_template(*_shape(where)),
        _claim_values(actor, now, where),
        execution_options={"synchronize_session": False, "populate_existing": True},
    )
    if item is None:
        return None
    audit.record(session, actor.label, "item.claimed", f"item:{item.id}", at=now)
    return item


def holds_claim(item: Item, actor: Actor, now: datetime) -> bool:
    """Whether ``actor`` holds the item's claim right now (its lease has not run out)."""
    return (
        item.status is ItemStatus.IN_REVIEW
        and item.claimed_by_id == actor.id
        and item.claim_expires_at is not None
        and item.claim_expires_at > now
    )


def _holding(item: Item, actor: Actor, now: datetime) -> None:
    if not holds_claim(item, actor, now):
        raise StaleClaim(
            "You no longer hold this item (the claim expired, was released, or the item was "
            "decided). Nothing was changed."
        )


def renew(session: Session, actor: Actor, item: Item, now: datetime) -> datetime:
    """Extend the actor's lease while their page is open.

    Raises:
        StaleClaim: the actor no longer holds the item.
    """
    _holding(item, actor, now)
    item.claim_expires_at = now + LEASE
    session.flush()
    return item.claim_expires_at


def skip(session: Session, actor: Actor, item: Item, now: datetime) -> None:
    """Give the item back to the queue without deciding.

    Raises:
        StaleClaim: the actor no longer holds the item.
    """
    _give_back(session, actor, item, now, "item.skipped")


def release(session: Session, actor: Actor, item: Item, now: datetime) -> None:
    """Stop reviewing: give the item back to the queue at once (not after the lease runs
    out), for anyone to claim.

    Raises:
        StaleClaim: the actor no longer holds the item.
    """
    _give_back(session, actor, item, now, "item.released")


def _give_back(session: Session, actor: Actor, item: Item, now: datetime, event: str) -> None:
    _holding(item, actor, now)
    item.status = next_status(item.status, Action.RELEASE)
    _release(item)
    session.flush()
    audit.record(session, actor.label, event, f"item:{item.id}", at=now)


def decide(
    session: Session,
    actor: Actor,
    item: Item,
    verdict: Verdict,
    now: datetime,
    undo_window: timedelta = timedelta(0),
) -> Decision:
    """Apply a reviewer's decision to the item they hold.

    Approve and edit count as approvals. An item needing two approvals goes back to the
    queue after the first; the same person can never give the second; an edit voids a
    standing first approval (the edited text needs a fresh second look).
    An edit that leaves the text unchanged (line endings aside) is an approval.

    Args:
        session: the caller's session.
        actor: who decides.
        item: the item, as loaded for this request.
        verdict: the action and its fields; ``version`` is the item version the page showed.
        now: when the decision is made.
        undo_window: how long the reviewer may take it back (``services.undo``): its
            consequences (callback, QA sampling, escalation) wait that long, and nobody else
            may claim the item meanwhile; zero runs them at once.

    Returns:
        The stored decision (its audit event is written in the same transaction).

    Raises:
        StaleClaim: the actor no longer holds the item.
        StaleVersion: the item changed since the page was opened.
        NotAllowed: the actor's authority is below the item's requirement.
        TwoPersonRule: the actor already gave this item's first approval.
        ValidationFailed: a required field is missing (reason, reason code, edited text).
    """
    _holding(item, actor, now)
    if verdict.version != item.version:
        raise StaleVersion("This item changed since you opened it. Nothing was changed.")
    if not can(actor, Permission.DECIDE, item.min_level):
        raise NotAllowed(f"this item needs authority level {item.min_level}")
    if undo_window > timedelta(0):
        # set before the decision's flush, so its one UPDATE of the item carries it
        item.settles_at = now + undo_window
        decision = verdicts.apply(session, actor, item, verdict, now, opened=item.claimed_at or now)
        pending.run_after_commit(session, pending.settle(item.id, item.settles_at))
        return decision
    decision = verdicts.apply(session, actor, item, verdict, now, opened=item.claimed_at or now)
    effects.after_change(session, item, now, reason=decision.reason, raised_by=actor)
    return decision
