"""A reviewer's own decisions, newest first, with what became of each: the item's status now,
the blind second review of an approval, and the end of an escalation they raised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, scoped_session

from ..domain.authority import Actor, can_read_item
from ..domain.workflow import Action, ItemStatus
from ..models import Decision, Escalation, Item, QaReview
from . import paging

APPROVALS = (Action.APPROVE, Action.EDIT)


@dataclass(frozen=True)
class MyDecision:
    """One decision and its later results, as the reviewer's history lists it."""

    decision_id: int
    item_id: int
    title: str
    action: Action
    reason_code: str | None
    decided_at: datetime
    item_status: ItemStatus
    readable: bool  # whether the reviewer may open the item now (its level, their part in it)
    qa_sampled_at: datetime | None  # an approval sampled for a blind second review
    qa_agrees: bool | None  # None: not answered yet
    qa_done_at: datetime | None
    escalation_outcome: str | None  # of the escalation this decision raised; None: open
    escalation_resolved_at: datetime | None


def page(
    session: Session | scoped_session[Any], actor: Actor, number: int = 1
) -> paging.Page[MyDecision]:
    """Page ``number`` of ``actor``'s decisions, newest first, in one query (the item, the
    second review and the escalation joined in SQL, never a query per row).

    Raises:
        ValueError: ``number`` is outside 1..``paging.MAX_PAGE``.
    """
    if not 1 <= number <= paging.MAX_PAGE:
        raise ValueError(f"page must be between 1 and {paging.MAX_PAGE}")
    # the page of decisions first (the user's index, sorted, one page), then the joins on
    # those rows only, so a page costs the same however long the history is
    mine = aliased(
        Decision,
        sa.select(Decision)
        .where(Decision.user_id == actor.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(paging.PER_PAGE + 1)
        .offset((number - 1) * paging.PER_PAGE)
        .subquery(),
    )
    raised = aliased(Escalation)
    # the escalation this decision raised: this person's first on the item from that moment
    first_raised = (
        sa.select(raised.id)
        .where(
            raised.item_id == mine.item_id,
            raised.raised_by_id == mine.user_id,
            raised.raised_at >= mine.decided_at,
        )
        .order_by(raised.raised_at, raised.id)
        .limit(1)
        .correlate(mine)
        .scalar_subquery()
    )
    stmt = (
        sa.select(
            mine.id,
            mine.item_id,
            Item.title,
            mine.action,
            mine.reason_code,
            mine.decided_at,
            Item.status,
            Item.min_level,
            QaReview.created_at,
            QaReview.agrees,
            QaReview.done_at,
            Escalation.outcome,
            Escalation.resolved_at,
        )
        .join(Item, Item.id == mine.item_id)
        .outerjoin(
            QaReview,
            sa.and_(QaReview.item_id == mine.item_id, mine.action.in_(APPROVALS)),
        )
        .outerjoin(
            Escalation,
            sa.and_(mine.action == Action.ESCALATE, Escalation.id == first_raised),
        )
        .order_by(mine.decided_at.desc(), mine.id.desc())
    )
    rows = [
        MyDecision(
            decision_id=row[0],
            item_id=row[1],
            title=row[2],
            action=row[3],
            reason_code=row[4],
            decided_at=row[5],
            item_status=row[6],
            # they took a decision on it: involved, whatever its level
            readable=can_read_item(actor, row[7], involved=True),
            qa_sampled_at=row[8],
            qa_agrees=row[9],
            qa_done_at=row[10],
            escalation_outcome=row[11],
            escalation_resolved_at=row[12],
        )
        for row in session.execute(stmt)
    ]
    return paging.Page(
        rows=rows[: paging.PER_PAGE], number=number, has_next=len(rows) > paging.PER_PAGE
    )
