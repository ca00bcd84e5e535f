"""Who has approved an item's current text, derived from its decisions (never kept by hand).

Approve and edit are approvals, whoever gives them: a reviewer, a supervisor resolving an
escalation. An edit replaces the text, so the text in force is approved by that edit's author
and by the approvals after it; nothing else (return, release, an expired claim, an
escalation) takes an approval away. Each person counts once: an item needing two approvals
is approved only when two different people approved the same text. A decision taken back
within its undo window (``undone_at``) counts for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..domain.workflow import Action
from ..models import Decision

APPROVING = (Action.APPROVE, Action.EDIT)


# Built once: a fresh alias per call made SQLAlchemy adapt its columns again on every request
# (about a tenth of a decision's CPU in bench/claim.py's profile).
_LATER_EDIT = aliased(Decision, name="later_edit")


def _of_current_text(item_id: Any) -> sa.ColumnElement[bool]:
    """SQL: ``Decision`` is an approval of the text now in force on item ``item_id`` (a value
    or a column of an enclosing query)."""
    return sa.and_(
        Decision.item_id == item_id,
        Decision.action.in_(APPROVING),
        Decision.undone_at.is_(None),
        ~sa.exists().where(
            _LATER_EDIT.item_id == Decision.item_id,
            _LATER_EDIT.action == Action.EDIT,
            _LATER_EDIT.undone_at.is_(None),
            _LATER_EDIT.id > Decision.id,
        ),
    )


_APPROVERS = sa.select(Decision.user_id).where(_of_current_text(sa.bindparam("approved_item")))


def approvers(session: Session, item_id: int) -> set[int]:
    """The ids of the people whose approval of the item's current text stands."""
    return set(session.scalars(_APPROVERS, {"approved_item": item_id}))


def standing(decisions: Iterable[Decision]) -> set[int]:
    """``approvers`` from an item's decisions already loaded (any order): the same rule
    without a query."""
    ordered = sorted((d for d in decisions if d.undone_at is None), key=lambda d: d.id)
    last_edit = max((n for n, d in enumerate(ordered) if d.action is Action.EDIT), default=0)
    return {d.user_id for d in ordered[last_edit:] if d.action in APPROVING}


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


def given_by(user_id: Any, item_id: Any) -> sa.ColumnElement[bool]:
    """SQL: the user (an id or a bind parameter) already approved the current text of item
    ``item_id`` (a column of the enclosing query), so they may not give another of its
    approvals."""
    return sa.exists().where(_of_current_text(item_id), Decision.user_id == user_id)
