"""The periodic sweep: decisions whose undo window closed (when their job was lost), SLA
breaches, expired claims (of items and escalations), stale
escalations, canaries due from quiet sources, jobs Redis lost; stale sign-in counters and
rotated-out secrets past their grace are deleted; the queue's counts and the canary catch
rates are taken for the pages that show them for a long queue (services.snapshots).

The row-by-row steps work in batches of ``BATCH`` rows, and the caller's ``between`` runs
after each (the job passes its commit), so a sweep of 100k overdue items holds a few
hundred row locks at a time, never every one until the end, and what it did so far stays
done if it stops. Safe to run twice at once: rows are taken with ``FOR UPDATE SKIP
LOCKED ... LIMIT n`` (PostgreSQL; plain batches under the write lock on SQLite), every step
re-checks status, and an item has at most one open escalation (a unique index).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.workflow import ItemStatus
from ..models import Item
from . import (
    auth,
    canaries,
    deliveries,
    escalations,
    intake,
    queue,
    retention,
    review,
    sources,
    undo,
)

BATCH = 200
Step = Callable[[Session, datetime, int], int]


def breach_overdue(session: Session, now: datetime, limit: int) -> int:
    """Escalate up to ``limit`` items whose SLA ran out, earliest due first.

    Returns:
        How many were escalated.
    """
    overdue = session.scalars(
        sa.select(Item)
        .where(Item.status.in_([ItemStatus.QUEUED, ItemStatus.IN_REVIEW]), Item.due_at < now)
        .order_by(Item.due_at, Item.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for item in overdue:
        escalations.breach(session, item, now)
    return len(overdue)


def _moved_up(session: Session, now: datetime, limit: int) -> int:
    return len(escalations.move_up_stale(session, now, limit))


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
        "escalations_moved_up": _in_batches(_moved_up, session, now, batch, between),
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
