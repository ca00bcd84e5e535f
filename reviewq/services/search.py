"""Finding items by id, external id, title or status (supervisors and managers)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain.workflow import ItemStatus
from ..models import Item
from . import paging

MAX_QUERY = 200


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def items(
    session: Session, query: str, status: ItemStatus | None, number: int = 1
) -> paging.Page[Item]:
    """Page ``number`` of the items whose id (``123`` or ``#123``) or external id is
    ``query``, or whose title contains it (any case), in ``status`` if given; newest first.
    An empty query lists the items in ``status`` (or all), newest first.

    Raises:
        ValueError: ``number`` is not a page number, or the query is too long.
    """
    if len(query) > MAX_QUERY:
        raise ValueError(f"a search is at most {MAX_QUERY} characters")
    text = query.strip()
    where: list[sa.ColumnElement[bool]] = []
    if status is not None:
        where.append(Item.status == status)
    if text:
        matches = [
            Item.external_id == text,
            sa.func.lower(Item.title).like(_like(text.lower()), escape="\\"),
        ]
        digits = text.removeprefix("#")
        if digits.isascii() and digits.isdigit() and len(digits) < 12:
            matches.append(Item.id == int(digits))
        where.append(sa.or_(*matches))
    return paging.fetch(
        session,
        sa.select(Item)
        .options(joinedload(Item.source), joinedload(Item.claimed_by))
        .where(*where)
        .order_by(Item.id.desc()),
        number,
    )
