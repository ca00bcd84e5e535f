"""What follows from an item's new status, in the same transaction: the consequences path
that every status change of one item goes through (reviewers, supervisors, sources). The
sweep's SLA breaches do the same for a batch of items in a few statements
(``sweep.breach_overdue``; a test holds the two to the same effects).

Escalated: its escalation record opens and level 1 is paged. Approved, rejected or
withdrawn: the callback goes into the outbox. Approved: a blind second review may be
sampled at the item's QA rate, whoever approved it. Withdrawn: an open escalation closes.

A reviewer's decision runs this path when its undo window closes (``services.undo``), not
at once; any other change of the item in between supersedes what was waiting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..domain.authority import Actor
from ..domain.workflow import ItemStatus
from ..models import Item
from . import canaries, deliveries, escalation_records


def after_change(
    session: Session,
    item: Item,
    now: datetime,
    reason: str | None = None,
    raised_by: Actor | None = None,
) -> None:
    """Record the consequences of ``item``'s status (call after every status change).

    Args:
        session: the caller's session.
        item: the item whose status just changed.
        now: when.
        reason: why, for an escalation.
        raised_by: who escalated (None: the system, a tag or the clock).
    """
    item.settles_at = None  # these are the item's consequences now: nothing else waits
    if item.status is ItemStatus.ESCALATED:
        escalation_records.open_for(session, item, reason or "escalated", raised_by, now)
    if item.status is ItemStatus.WITHDRAWN:
        escalation_records.close_for_withdrawal(session, item, now)
    if item.status in (ItemStatus.APPROVED, ItemStatus.REJECTED, ItemStatus.WITHDRAWN):
        deliveries.record(session, item, item.status.value, now)
    if item.status is ItemStatus.APPROVED:
        canaries.maybe_sample(session, item, now)
