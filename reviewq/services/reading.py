"""Who may read an item: the facts the need-to-know rule asks for, from the database."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, can_read_item
from ..models import Decision, Item


def may_read(session: Session, actor: Actor | None, item: Item) -> bool:
    """Whether ``actor`` may open ``item``: the level it needs, or a decision on it or its
    claim (``domain.authority.can_read_item``)."""
    if actor is None:
        return False
    if can_read_item(actor, item.min_level, involved=False):
        return True  # no need to ask the database
    involved = item.claimed_by_id == actor.id or (
        session.scalar(
            sa.select(Decision.id)
            .where(Decision.item_id == item.id, Decision.user_id == actor.id)
            .limit(1)
        )
        is not None
    )
    return can_read_item(actor, item.min_level, involved)


def openable_link(session: Session, actor: Actor | None, link: str) -> str | None:
    """``link`` (a path in the app) if ``actor`` may open it, else None.

    Only item pages (``/items/<id>``) depend on the reader; any other path is returned as
    it is.
    """
    prefix, _, rest = link.partition("/items/")
    if prefix or not rest.isdigit():
        return link or None
    item = session.get(Item, int(rest))
    return link if item is not None and may_read(session, actor, item) else None
