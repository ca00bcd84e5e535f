"""Who has approved an item's current text, derived from its decisions (never kept by hand).

Approve and edit are approvals, whoever gives them: a reviewer, a supervisor resolving an
escalation. An edit replaces the text, so the text in force is approved by that edit's author
and by the approvals after it; nothing else (return, release, an expired claim, an
escalation) takes an approval away. Each person counts once: an item needing two approvals
is approved only when two different people approved the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..domain.workflow import Action
from ..models import Decision

APPROVING = (Action.APPROVE, Action.EDIT)


def _of_current_text(item_id: Any) -> sa.ColumnElement[bool]:
    """SQL: ``Decision`` is an approval of the text now in force on item ``item_id`` (a value
    or a column of an enclosing query)."""
    later_edit = aliased(Decision)
    return sa.and_(
        Decision.item_id == item_id,
        Decision.action.in_(APPROVING),
        ~sa.exists().where(
            later_edit.item_id == Decision.item_id,
            later_edit.action == Action.EDIT,
            later_edit.id > Decision.id,
        ),
    )


def approvers(session: Session, item_id: int) -> set[int]:
    """The ids of the people whose approval of the item's current text stands."""
    return set(session.scalars(sa.select(Decision.user_id).where(_of_current_text(item_id))))


def counts(session: Session, item_ids: Iterable[int]) -> dict[int, int]:
    """Distinct standing approvers per item, for a page of items (absent: none)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Decision.item_id, sa.func.count(sa.distinct(Decision.user_id)))
        .where(_of_current_text(Decision.item_id), Decision.item_id.in_(ids))
        .group_by(Decision.item_id)
    ).all()
    return {item_id: count for item_id, count in rows}


def given_by(user_id: int, item_id: Any) -> sa.ColumnElement[bool]:
    """SQL: the user already approved the current text of item ``item_id`` (a column of the
    enclosing query), so they may not give another of its approvals."""
    return sa.exists().where(_of_current_text(item_id), Decision.user_id == user_id)
