"""The undo window: a reviewer may take a decision back for a few seconds after taking it.

Until the window closes nothing goes out: the item's ``settles_at`` holds the time its
consequences (``effects.after_change``: the callback, blind second-review sampling, the
escalation and its paging) are due, nobody else may claim it, the pull API shows it as in
review, and readers of decisions (approvals, oversight, canary catch rates, receipts) leave
undone decisions out. When the window closes, ``settle`` runs the consequences (a job at that
time; the sweep settles any whose job was lost). ``undo`` within the window gives the item
back to the decider, in the state it was in, and marks the decision undone: its row and its
audit event stay, and the undo is an audit event of its own.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain import edits
from ..domain.authority import Actor
from ..domain.errors import Conflict, NotAllowed
from ..domain.workflow import Action, next_status
from ..models import Decision, Item
from . import audit, effects, pending
from .review import LEASE

TOO_LATE = (
    "Too late to undo: the decision stands (its undo window has closed, or the item changed "
    "since). Nothing was changed."
)


def _last_decision(session: Session, item_id: int) -> Decision | None:
    return session.scalar(
        sa.select(Decision)
        .options(joinedload(Decision.user))
        .where(Decision.item_id == item_id)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def undo(session: Session, actor: Actor, item: Item, now: datetime) -> Decision:
    """Take back ``actor``'s decision on ``item`` within its undo window.

    The item returns to ``actor``'s claim (a fresh lease) with the text, outcome and status
    it had before the decision; the decision is marked undone (its row and audit event stay).

    Args:
        session: the caller's session.
        actor: who asks (must be who decided).
        item: the item, as loaded for this request.
        now: when.

    Returns:
        The decision taken back.

    Raises:
        NotAllowed: the item's last decision is not ``actor``'s.
        Conflict: the window has closed, or the item changed since the decision.
    """
    decision = _last_decision(session, item.id)
    if decision is None or decision.user_id != actor.id:
        raise NotAllowed("Only the reviewer who took the decision can undo it.")
    if decision.undone_at is not None or item.settles_at is None or item.settles_at <= now:
        raise Conflict(TOO_LATE)
    previous = item.status
    item.status = next_status(item.status, Action.UNDO)
    text = item.final_content
    if decision.action is Action.EDIT:
        text = decision.content_before  # what the reviewer was shown
    if text is not None and not edits.is_change(item.content, text):
        text = None  # the AI's draft, unedited
    item.final_content, item.edited = text, text is not None
    if decision.action is Action.REJECT:
        item.outcome_reason = None
    item.decided_at = item.settles_at = None
    item.claimed_by_id = actor.id
    item.claimed_at = decision.opened_at  # the same look at the item, resumed
    item.claim_expires_at = now + LEASE
    decision.undone_at = now
    session.flush()  # the version check: a settle at the same moment wins, this one fails
    audit.record(
        session,
        actor.label,
        "item.undo",
        f"item:{item.id}",
        {"decision": decision.id, "action": decision.action, "from": previous, "to": item.status},
        at=now,
    )
    return decision


def settle(session: Session, item_id: int, now: datetime) -> bool:
    """Run the consequences of the item's last decision if its undo window has closed.

    Args:
        session: the caller's session.
        item_id: the item.
        now: when.

    Returns:
        Whether they ran (False: nothing waits: undone, superseded or settled already; or
        not due yet, when the job asks for itself again at the due time).
    """
    item = session.scalar(
        sa.select(Item).where(Item.id == item_id).with_for_update(skip_locked=True),
        execution_options={"populate_existing": True},
    )
    if item is None or item.settles_at is None:
        return False
    if item.settles_at > now:  # early (clocks): ask again at its time
        pending.run_after_commit(session, pending.settle(item.id, item.settles_at))
        return False
    decision = _last_decision(session, item.id)
    raised_by = decision.user.actor if decision is not None else None
    reason = decision.reason if decision is not None else None
    effects.after_change(session, item, now, reason=reason, raised_by=raised_by)
    session.flush()
    return True


def settle_due(session: Session, now: datetime, limit: int) -> int:
    """Settle up to ``limit`` items whose undo window closed and whose job did not run
    (lost with Redis, or the process stopped); for the sweep.

    Returns:
        How many were settled.
    """
    due = session.scalars(
        sa.select(Item.id)
        .where(Item.settles_at.is_not(None), Item.settles_at <= now)
        .order_by(Item.settles_at)
        .limit(limit)
    ).all()
    return sum(settle(session, item_id, now) for item_id in due)


def window_of(item: Item, now: datetime) -> float:
    """Seconds left to undo ``item``'s last decision (0 when none)."""
    if item.settles_at is None:
        return 0.0
    return max(0.0, (item.settles_at - now).total_seconds())
