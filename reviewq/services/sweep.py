"""The periodic sweep: decisions whose undo window closed (when their job was lost), SLA
breaches, expired claims (of items and escalations), stale
escalations, canaries due from quiet sources, jobs Redis lost; stale sign-in counters and
rotated-out secrets past their grace are deleted; the queue's counts and the canary catch
rates are taken for the pages that show them for a long queue (services.snapshots).

The row steps work in batches of ``BATCH`` rows, each batch in a few set-based statements
(not a few per row), and the caller's ``between`` runs after each (the job passes its
commit), so a sweep of 100k overdue items holds a few hundred row locks at a time, never
every one until the end, and what it did so far stays done if it stops. Safe to run twice
at once: rows are taken with ``FOR UPDATE SKIP LOCKED ... LIMIT n`` (PostgreSQL; plain
batches under the write lock on SQLite), every step re-checks status, and an item has at
most one open escalation (a unique index).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from ..domain import escalation as levels
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import Escalation, Item, Source
from . import (
    audit,
    auth,
    bulk,
    canaries,
    deliveries,
    escalation_records,
    escalations,
    intake,
    notifications,
    queue,
    retention,
    review,
    sources,
    undo,
)

BATCH = 200
Step = Callable[[Session, datetime, int], int]


ITEMS = cast(sa.Table, Item.__table__)
ESCALATIONS = cast(sa.Table, Escalation.__table__)
_OPEN = sa.insert(ESCALATIONS).returning(ESCALATIONS.c.id, sort_by_parameter_order=True)
SLA_BREACHED = "SLA breached"  # the reason of the escalations the clock opens


def breach_overdue(session: Session, now: datetime, limit: int) -> int:
    """Escalate up to ``limit`` items whose SLA ran out, earliest due first (nothing is
    approved by the clock).

    Set-based: a few statements for the whole batch, with the effects a status change to
    ``escalated`` has one item at a time (``effects.after_change``): the item's claim
    ends; ``item.sla_breached`` is audited; unless the item has an open escalation already,
    one opens (``escalation.opened`` audited), level 1 is paged and the source's callback
    goes into the outbox. Each item's events follow each other in the log as they would
    one item at a time.

    Returns:
        How many were escalated.
    """
    session.flush()  # the ORM's pending changes go first, as in a flush per item
    overdue = session.execute(
        sa.select(Item.id, Item.status, Item.due_at, Item.title, Item.min_level)
        .where(Item.status.in_([ItemStatus.QUEUED, ItemStatus.IN_REVIEW]), Item.due_at < now)
        .order_by(Item.due_at, Item.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not overdue:
        return 0
    moves: dict[tuple[ItemStatus, ItemStatus], list[int]] = {}
    for row in overdue:  # the workflow's table says where each goes (escalated)
        to = next_status(row.status, Action.BREACH_SLA)
        moves.setdefault((row.status, to), []).append(row.id)
    changed: set[int] = set()
    for (status, to), moved in moves.items():
        changed.update(
            session.scalars(
                sa.update(ITEMS)
                .where(ITEMS.c.id.in_(moved), ITEMS.c.status == status)  # still as read
                .values(
                    status=to,
                    claimed_by_id=None,
                    claimed_at=None,
                    claim_expires_at=None,
                    settles_at=None,  # a held first approval's wait is superseded
                    version=ITEMS.c.version + 1,  # what the ORM's version counter does
                )
                .returning(ITEMS.c.id)
            )
        )
    overdue = [row for row in overdue if row.id in changed]
    ids = [row.id for row in overdue]
    bulk.expire_loaded(session, Item, ids)
    already = set(
        session.scalars(
            sa.select(Escalation.item_id).where(
                Escalation.item_id.in_(ids), Escalation.resolved_at.is_(None)
            )
        )
    )
    opening = [row for row in overdue if row.id not in already]
    opened = dict(
        zip(
            [row.id for row in opening],
            session.execute(
                _OPEN,
                [
                    {
                        "item_id": row.id,
                        "reason": SLA_BREACHED,
                        "raised_by_id": None,
                        "raised_at": now,
                        "level": 1,
                        "level_since": now,
                    }
                    for row in opening
                ],
            ).scalars()
            if opening
            else [],
            strict=True,
        )
    )
    events = []
    for row in overdue:
        subject = f"item:{row.id}"
        events.append(
            audit.Event(
                "system", "item.sla_breached", subject, {"due_at": row.due_at.isoformat()}, now
            )
        )
        if row.id in opened:
            data = {"escalation": opened[row.id], "reason": SLA_BREACHED}
            events.append(audit.Event("system", "escalation.opened", subject, data, now))
    event_ids = audit.record_many(session, events)
    reported = {  # the event each callback reports: the item's last, the opening
        event.subject: event_id for event, event_id in zip(events, event_ids, strict=True)
    }
    people = notifications.active_in(session, levels.level(1).notify) if opening else []
    notifications.notify_many(
        session,
        [
            notifications.Page(
                [u.id for u in escalation_records.paged_among(row.min_level, 1, people)],
                escalation_records.opening_text(row.id, row.title, SLA_BREACHED),
                f"/items/{row.id}",
            )
            for row in opening
        ],
        now,
    )
    _callbacks(session, [row.id for row in opening], now, reported)
    return len(overdue)


def _callbacks(session: Session, ids: list[int], now: datetime, reported: dict[str, int]) -> None:
    """The outbox's ``escalated`` callbacks of the items ``ids``, for the sources that hear
    of them (the others' items are not loaded)."""
    if not ids:
        return
    heard = session.scalars(
        sa.select(Item)
        .join(Item.source)
        .options(contains_eager(Item.source))
        .where(
            Item.id.in_(ids),
            Item.canary_id.is_(None),
            Source.callback_url.is_not(None),
            Source.callback_url != "",
            Source.callback_disabled_at.is_(None),
        )
        .order_by(Item.id)
        .execution_options(populate_existing=True)
    ).all()
    order = {item_id: n for n, item_id in enumerate(ids)}
    heard = sorted(heard, key=lambda item: order[item.id])
    events = {item.id: reported[f"item:{item.id}"] for item in heard}
    deliveries.record_many(session, heard, "escalated", now, SLA_BREACHED, events)


def _in_batches(
    step: Step, session: Session, now: datetime, batch: int, between: Callable[[], None]
) -> int:
    """Run ``step`` until a batch comes back short (rows another sweep holds are skipped)."""
    total = 0
    while True:
        done = step(session, now, batch)
        total += done
        between()
        if done < batch:
            return total


def run(
    session: Session,
    now: datetime,
    batch: int = BATCH,
    between: Callable[[], None] = lambda: None,
    retention_days: int | None = None,
) -> dict[str, Any]:
    """One sweep, in batches of ``batch`` rows; ``between`` runs after each batch.

    Args:
        session: the caller's session.
        now: the sweep's time.
        batch: rows a batch takes (and locks) at most.
        between: what the caller does after each batch: the job commits there; without it
            the whole sweep stays in the caller's one transaction.
        retention_days: purge the text of items decided longer ago (None: keep it).

    Returns:
        What it did: counts, and the ids of the due callbacks it offered to the queue
        again (a try already waiting there is not queued twice).
    """
    summary: dict[str, Any] = {
        # decisions whose undo window closed and whose own job was lost
        "decisions_settled": _in_batches(undo.settle_due, session, now, batch, between),
        "sla_breached": _in_batches(breach_overdue, session, now, batch, between),
        "claims_released": _in_batches(review.release_expired, session, now, batch, between),
        "escalation_claims_released": _in_batches(
            escalations.release_expired, session, now, batch, between
        ),
        "escalations_moved_up": _in_batches(
            escalations.move_up_stale, session, now, batch, between
        ),
    }
    if retention_days is not None:

        def purged(session: Session, now: datetime, limit: int) -> int:
            return retention.purge(session, now, retention_days, limit)

        summary["purged"] = _in_batches(purged, session, now, batch, between)
        if summary["purged"]:
            retention.record(session, now, retention_days, summary["purged"])
    summary["canaries_planted"] = intake.plant_due(session, now)
    summary["callbacks_requeued"] = deliveries.offer_due(session, now)
    auth.forget_stale_throttles(session, now)
    sources.erase_expired_secrets(session, now)
    between()
    # the counts the queue and canary pages show for a long queue (a pass over an index each)
    queue.take_counts(session, now)
    canaries.take_catch_rates(session, now)
    between()
    return summary
