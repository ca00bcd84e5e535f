"""Who may read an item: the facts the need-to-know rule asks for, from the database."""

from __future__ import annotations

from collections.abc import Iterable

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


def item_of(link: str) -> int | None:
    """The item an app path links to (``/items/<id>``), if any."""
    prefix, _, rest = link.partition("/items/")
    return int(rest) if not prefix and rest.isdigit() and len(rest) < 12 else None


def openable_links(
    session: Session, actor: Actor | None, links: Iterable[str]
) -> dict[str, str | None]:
    """``openable_link`` for a page's worth of links in at most two queries, not one a link.

    Returns:
        Each link -> itself if ``actor`` may open it, else None.
    """
    targets = {link: item_of(link) for link in set(links)}
    ids = {i for i in targets.values() if i is not None}
    rows = session.execute(
        sa.select(Item.id, Item.min_level, Item.claimed_by_id).where(Item.id.in_(ids))
    ).all()
    # an item above the reader's level opens when they decided on it or hold its claim
    readable = {
        i for i, level, holder in rows if actor and can_read_item(actor, level, holder == actor.id)
    }
    levels = {i: level for i, level, _ in rows}
    unsure = set(levels) - readable
    if actor is not None and unsure:
        decided = session.scalars(
            sa.select(Decision.item_id).where(
                Decision.item_id.in_(unsure), Decision.user_id == actor.id
            )
        )
        readable |= {i for i in decided if can_read_item(actor, levels[i], involved=True)}
    return {
        link: (link or None) if target is None else (link if target in readable else None)
        for link, target in targets.items()
    }
