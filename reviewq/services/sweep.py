"""The periodic sweep: SLA breaches, expired claims (of items and escalations), stale
escalations, canaries due from quiet sources, jobs Redis lost; stale sign-in counters and
rotated-out secrets past their grace are deleted.

Safe to run twice at once: rows are taken with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or
under the write lock (SQLite), every step re-checks status, and an item has at most one
open escalation (a unique index).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.workflow import ItemStatus
from ..jobqueue import after_commit
from ..models import Item
from . import auth, deliveries, escalations, intake, review, sources


def run(session: Session, now: datetime) -> dict[str, Any]:
    """One sweep (the caller commits).

    Returns:
        What it did: counts, and the ids of callbacks it queued again.
    """
    overdue = session.scalars(
        sa.select(Item)
        .where(
            Item.status.in_([ItemStatus.QUEUED, ItemStatus.IN_REVIEW]),
            Item.due_at < now,
        )
        .order_by(Item.due_at)
        .with_for_update(skip_locked=True)
    ).all()
    for item in overdue:
        escalations.breach(session, item, now)
    released = review.release_expired(session, now)
    abandoned = escalations.release_expired(session, now)
    moved = escalations.move_up_stale(session, now)
    planted = intake.plant_due(session, now)
    resend = deliveries.due(session, now)
    for delivery_id in resend:
        after_commit(session, "deliver", delivery_id)
    auth.forget_stale_throttles(session, now)
    sources.erase_expired_secrets(session, now)
    return {
        "sla_breached": len(overdue),
        "claims_released": released,
        "escalation_claims_released": abandoned,
        "escalations_moved_up": len(moved),
        "canaries_planted": planted,
        "callbacks_requeued": resend,
    }
