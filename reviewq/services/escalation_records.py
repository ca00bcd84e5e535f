"""An item's escalation record: opened when the item goes up, closed when it is withdrawn.

Below ``effects`` (which opens and closes these as consequences of a status change) and
below ``escalations`` (the supervisors' use cases), so neither imports the other's caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from ..domain import escalation as levels
from ..domain.authority import Actor, Permission, Role, can, can_read_item
from ..models import Escalation, Item, User
from . import audit, deliveries, notifications, reading


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
    page(session, item, 1, opening_text(item.id, item.title, reason), now)
    deliveries.record(session, item, "escalated", now, reason=reason)
    return escalation


def opening_text(item_id: int, title: str, reason: str) -> str:
    """What level 1 is told when an escalation of item ``item_id`` opens."""
    return f"Escalated: #{item_id} {title[:80]} ({reason[:120]})"


def able(item: Item, candidates: Sequence[User]) -> list[User]:
    """Those of ``candidates`` who can act on the escalation of ``item``: resolve it (the
    supervise permission, and the item's level) and open its page."""
    return able_at(item.min_level, candidates)


def able_at(min_level: int, candidates: Sequence[User]) -> list[User]:
    """``able`` for an item of level ``min_level``."""
    return [
        u
        for u in candidates
        if can(u.actor, Permission.SUPERVISE)
        and can(u.actor, Permission.DECIDE, min_level)
        and can_read_item(u.actor, min_level, involved=False)
    ]


def paged(session: Session, item: Item, number: int) -> list[User]:
    """Who level ``number`` pages about the escalation of ``item`` (``paged_among`` the
    active people of the level's roles)."""
    target = levels.level(number)
    return paged_among(item.min_level, number, notifications.active_in(session, target.notify))


def paged_among(min_level: int, number: int, people: Sequence[User]) -> list[User]:
    """Who of ``people`` (active, in level ``number``'s roles) that level pages about an
    escalated item of level ``min_level``: those who can act on it; at a level with a
    ``senior_level``, those of them of that own level or above, or all of them when none
    is. Batches (the sweep) read ``people`` once for many items."""
    target = levels.level(number)
    able_people = able_at(min_level, people)
    if target.senior_level is not None:
        return [u for u in able_people if u.level >= target.senior_level] or able_people
    return able_people


def page(session: Session, item: Item, number: int, text: str, now: datetime) -> None:
    """Page level ``number`` about the escalation of ``item`` (``paged``)."""
    who = paged(session, item, number)
    notifications.notify(session, [u.id for u in who], text, f"/items/{item.id}", now)


def settled(session: Session, escalation: Escalation, by: str, now: datetime) -> None:
    """An escalation was resolved or closed: the pages about it are done (marked read for
    everyone paged), and the person who raised it is told how it ended, by whom.

    Args:
        session: the caller's session.
        escalation: the escalation, with its outcome set.
        by: who ended it, as people read it (a name, or "the source").
        now: when.
    """
    item = escalation.item
    link = f"/items/{item.id}"
    supervisors = notifications.active_in(session, {Role.SUPERVISOR})
    notifications.mark_done(session, [u.id for u in supervisors], link, now)
    raiser = escalation.raised_by
    if raiser is None or not raiser.active or raiser.id == escalation.resolved_by_id:
        return
    opens = reading.openable_link(session, raiser.actor, link) or ""
    notifications.notify(
        session,
        [raiser.id],
        f"Your escalation of #{item.id} {item.title[:80]} ended: {escalation.outcome} by {by}.",
        opens,
        now,
    )


def close_for_withdrawal(session: Session, item: Item, now: datetime) -> None:
    """A withdrawn item's open escalation closes with it (``settled``)."""
    escalation = current(session, item.id)
    if escalation is not None:
        escalation.resolved_at, escalation.outcome = now, "withdrawn"
        session.flush()
        settled(session, escalation, "the source", now)
