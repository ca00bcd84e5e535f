"""An item's escalation record: opened when the item goes up, closed when it is withdrawn.

Below ``effects`` (which opens and closes these as consequences of a status change) and
below ``escalations`` (the supervisors' use cases), so neither imports the other's caller.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from ..domain import escalation as levels
from ..domain.authority import Actor
from ..models import Escalation, Item
from . import audit, deliveries, notifications


def current(session: Session | scoped_session[Any], item_id: int) -> Escalation | None:
    """The item's open escalation, if any."""
    return session.scalar(
        sa.select(Escalation).where(Escalation.item_id == item_id, Escalation.resolved_at.is_(None))
    )


def open_for(
    session: Session, item: Item, reason: str, raised_by: Actor | None, now: datetime
) -> Escalation:
    """Open the escalation of an item that just became ``escalated`` and page level 1.

    Args:
        session: the caller's session.
        item: the item that went up.
        reason: why (shown to supervisors and sent in the informational callback).
        raised_by: who escalated (None: the system, a tag or the clock).
        now: when.

    Returns:
        The escalation (the item's open one, if it already had one).
    """
    existing = current(session, item.id)
    if existing is not None:
        return existing
    escalation = Escalation(
        item_id=item.id,
        reason=reason,
        raised_by_id=raised_by.id if raised_by else None,
        raised_at=now,
        level=1,
        level_since=now,
    )
    session.add(escalation)
    session.flush()
    audit.record(
        session,
        raised_by.label if raised_by else "system",
        "escalation.opened",
        f"item:{item.id}",
        {"escalation": escalation.id, "reason": reason},
        at=now,
    )
    notifications.notify_roles(session, *paging_level_1(item.id, item.title, reason), now)
    deliveries.record(session, item, "escalated", now, reason=reason)
    return escalation


def paging_level_1(item_id: int, title: str, reason: str) -> notifications.Page:
    """Who an escalation of item ``item_id`` pages when it opens, and what they are told."""
    text = f"Escalated: #{item_id} {title[:80]} ({reason[:120]})"
    return notifications.Page(levels.level(1).notify, text, f"/items/{item_id}")


def close_for_withdrawal(session: Session, item: Item, now: datetime) -> None:
    """A withdrawn item's open escalation closes with it."""
    escalation = current(session, item.id)
    if escalation is not None:
        escalation.resolved_at, escalation.outcome = now, "withdrawn"
        session.flush()
