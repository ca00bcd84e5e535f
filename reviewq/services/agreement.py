"""Second-review agreement per reviewer and per risk tag (Cohen's kappa), from counts the
database makes: one GROUP BY per view, never a row per pair."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.agreement import Table
from ..domain.workflow import Action
from ..models import Decision, Item, QaReview, User

# the first decisions a second review is compared with; a supervisor's return is guidance
JUDGED = (Action.APPROVE, Action.EDIT, Action.REJECT, Action.ESCALATE)
APPROVING = (Action.APPROVE, Action.EDIT)


def _pairs(*columns: Any) -> sa.Select[Any]:
    """Counts of (first approved, second would approve) pairs grouped by ``columns``."""
    first = Decision.action.in_(APPROVING)
    return (
        sa.select(*columns, first, QaReview.agrees, sa.func.count())
        .select_from(QaReview)
        .join(Decision, Decision.item_id == QaReview.item_id)
        .where(
            QaReview.done_at.is_not(None),
            QaReview.agrees.is_not(None),
            Decision.action.in_(JUDGED),
        )
        .group_by(*columns, first, QaReview.agrees)
    )


def by_reviewer(session: Session) -> list[tuple[str, Table]]:
    """Each reviewer's table of pairs with the second reviews of items they decided, most
    pairs first."""
    rows = session.execute(_pairs(User.name, User.id).join(User, User.id == Decision.user_id)).all()
    tables: dict[tuple[str, int], Table] = {}
    for name, uid, first, agrees, count in rows:
        tables[name, uid] = tables.get((name, uid), Table()) + Table.of(
            bool(first), bool(agrees), count
        )
    ordered = sorted(tables.items(), key=lambda kv: (-kv[1].pairs, kv[0][0]))
    return [(name, table) for (name, _), table in ordered]


def by_tag(session: Session) -> list[tuple[str, Table]]:
    """Each risk tag's table of pairs (an item with several tags counts under each), most
    pairs first; items without tags under "(no tag)"."""
    tags = sa.cast(Item.risk_tags, sa.Text)
    rows = session.execute(_pairs(tags).join(Item, Item.id == QaReview.item_id)).all()
    tables: dict[str, Table] = {}
    for raw, first, agrees, count in rows:
        cell = Table.of(bool(first), bool(agrees), count)
        for tag in json.loads(raw) or ["(no tag)"]:
            tables[tag] = tables.get(tag, Table()) + cell
    return sorted(tables.items(), key=lambda kv: (-kv[1].pairs, kv[0]))
