"""Items in review, as a supervisor sees them: who holds each, since when and until when,
and releasing one back to the queue (a reviewer who left, a claim blocking urgent work)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, joinedload

from ..domain.authority import Actor, Permission, can
from ..domain.errors import Conflict, NotAllowed
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import Item
from . import audit, paging


def in_review(
    session: Session,
    number: int = 1,
    reviewer_id: int | None = None,
    source_id: int | None = None,
) -> paging.Page[Item]:
    """Page ``number`` of the items in review (the lease ending soonest first), with their
    holders and sources, optionally only those of one reviewer or one source.

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    where = [Item.status == ItemStatus.IN_REVIEW]
    if reviewer_id is not None:
        where.append(Item.claimed_by_id == reviewer_id)
    if source_id is not None:
        where.append(Item.source_id == source_id)
    return paging.fetch(
        session,
        sa.select(Item)
        .options(
            joinedload(Item.claimed_by),
            joinedload(Item.source),
        )
        .where(*where)
        .order_by(Item.claim_expires_at, Item.id),
        number,
    )


def release(session: Session, actor: Actor, item: Item, holder_id: int, now: datetime) -> None:
    """Give an item held by ``holder_id`` back to the queue (audited). The item's version
    moves on, so the holder's open page can no longer decide it.

    Args:
        session: the caller's session.
        actor: the supervisor or admin releasing it.
        item: the item.
        holder_id: who the releasing person saw holding it (a newer claim is left alone).
        now: when.

    Raises:
        NotAllowed: the actor is neither a supervisor nor an admin.
        Conflict: the item is no longer in review by ``holder_id``.
    """
    if not (can(actor, Permission.SUPERVISE) or can(actor, Permission.ADMINISTER)):
        raise NotAllowed("only supervisors and admins release items in review")
    if item.status is not ItemStatus.IN_REVIEW or item.claimed_by_id != holder_id:
        raise Conflict(f"#{item.id} is no longer held by that reviewer. Nothing was changed.")
    # one conditional UPDATE: a decision committed since the page loaded wins
    result = session.execute(
        sa.update(Item)
        .where(
            Item.id == item.id,
            Item.status == ItemStatus.IN_REVIEW,
            Item.claimed_by_id == holder_id,
        )
        .values(
            status=next_status(ItemStatus.IN_REVIEW, Action.RELEASE),
            claimed_by_id=None,
            claimed_at=None,
            claim_expires_at=None,
            version=Item.version + 1,
        ),
        execution_options={"synchronize_session": False},
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        raise Conflict(f"#{item.id} is no longer held by that reviewer. Nothing was changed.")
    session.refresh(item)
    audit.record(
        session,
        actor.label,
        "item.claim_released",
        f"item:{item.id}",
        {"holder": holder_id},
        at=now,
    )
