"""Data retention: after ``REVIEWQ_RETENTION_DAYS`` the sweep purges a decided draft's text:
its content, context, edited text (the decisions' before and after), and the final text in
its sent callbacks. What stays: metadata, timings, decisions and their outcome, word counts
and edit sizes, and every audit event and hash (the trail never held draft text), so
``audit verify`` holds after a purge. Each sweep that purged records one event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.workflow import FINAL_STATUSES
from ..models import Decision, Delivery, Item
from ..models.delivery import DeliveryStatus
from . import audit


def purge(session: Session, now: datetime, days: int, limit: int) -> int:
    """Purge up to ``limit`` items decided more than ``days`` ago (oldest first); an item
    whose callback still waits to be sent keeps its text until it is sent.

    Returns:
        How many items were purged.
    """
    cutoff = now - timedelta(days=days)
    waiting = sa.select(Delivery.id).where(
        Delivery.item_id == Item.id, Delivery.status == DeliveryStatus.PENDING
    )
    ids = list(
        session.scalars(
            sa.select(Item.id)
            .where(
                Item.purged_at.is_(None),
                Item.decided_at.is_not(None),
                Item.decided_at < cutoff,
                Item.status.in_(list(FINAL_STATUSES)),
                ~sa.exists(waiting),
            )
            .order_by(Item.decided_at, Item.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return 0
    session.execute(
        sa.update(Item)
        .where(Item.id.in_(ids))
        .values(content="", context={}, final_content=None, purged_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(Decision)
        .where(Decision.item_id.in_(ids))
        .values(content_before=None, content_after=None)
        .execution_options(synchronize_session=False)
    )
    for delivery in session.scalars(sa.select(Delivery).where(Delivery.item_id.in_(ids))):
        data = dict(delivery.payload.get("data", {}))
        if data.get("final_content") is not None:
            data["final_content"] = None
            delivery.payload = {**delivery.payload, "data": data}
    session.flush()
    return len(ids)


def record(session: Session, now: datetime, days: int, purged: int) -> None:
    """The one audit event of a sweep that purged ``purged`` items."""
    audit.record(
        session,
        "system",
        "retention.purged",
        "retention",
        {"items": purged, "days": days, "decided_before": (now - timedelta(days=days)).isoformat()},
        at=now,
    )
