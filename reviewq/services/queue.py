"""What the queue looks like to one person: counts, their claims, the next items in line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain.authority import Actor, effective_level
from ..domain.workflow import ItemStatus
from ..models import Decision, Item, Source
from . import approvals, review
from .review import QueueFilter

AGE_BUCKETS = [("under 1 h", timedelta(hours=1)), ("1-4 h", timedelta(hours=4))]


@dataclass
class Overview:
    """Counts of waiting work and the first items in line."""

    by_priority: dict[int, int] = field(default_factory=dict)
    by_source: list[tuple[str, str, int]] = field(default_factory=list)  # slug, name, count
    by_age: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    eligible: int = 0
    my_claims: list[Item] = field(default_factory=list)
    next_up: list[Item] = field(default_factory=list)
    approvals: dict[int, int] = field(default_factory=dict)  # standing approvers per item shown
    sources: list[Source] = field(default_factory=list)


def overview(
    session: Session, actor: Actor, now: datetime, where: QueueFilter, limit: int = 25
) -> Overview:
    """Summarise the queued items (filtered by ``where``) for ``actor``."""
    queued = [Item.status == ItemStatus.QUEUED]
    if where.source_id is not None:
        queued.append(Item.source_id == where.source_id)
    if where.priority is not None:
        queued.append(Item.priority == where.priority)
    result = Overview()
    result.sources = list(session.scalars(sa.select(Source).order_by(Source.slug)))
    # Every count in one pass over the queue-count index (index-only: the million queued
    # rows are neither read from the table nor brought into Python).
    bounds = [now - limit_ for _, limit_ in AGE_BUCKETS]
    younger = [Item.created_at > bound for bound in bounds]
    ages = [
        sa.func.count().filter(cond, *(~c for c in younger[:i])) for i, cond in enumerate(younger)
    ]
    level = effective_level(actor)
    rows = session.execute(
        sa.select(
            Item.source_id,
            Item.priority,
            sa.func.count(),
            *ages,
            sa.func.count().filter(Item.created_at <= bounds[-1]),
            sa.func.count().filter(Item.due_at < now),
            sa.func.count().filter(Item.min_level <= level),
        )
        .where(*queued)
        .group_by(Item.source_id, Item.priority)
    ).all()
    labels = [label for label, _ in AGE_BUCKETS] + ["over 4 h"]
    per_source: dict[int, int] = {}
    result.by_age = dict.fromkeys(labels, 0)
    within_level = 0
    for source_id, priority, count, *rest in rows:
        result.by_priority[priority] = result.by_priority.get(priority, 0) + count
        per_source[source_id] = per_source.get(source_id, 0) + count
        for label, n in zip(labels, rest, strict=False):
            result.by_age[label] += n
        result.overdue += rest[len(labels)]
        within_level += rest[len(labels) + 1]
    result.by_source = [
        (s.slug, s.name, per_source[s.id]) for s in result.sources if s.id in per_source
    ]
    # within their level, less what they already approved (from their own decisions)
    mine = session.scalar(
        sa.select(sa.func.count()).where(
            *queued,
            Item.min_level <= level,
            Item.id.in_(sa.select(Decision.item_id).where(Decision.user_id == actor.id)),
            approvals.given_by(actor.id, Item.id),
        )
    )
    result.eligible = within_level - (mine or 0)
    eligible = [*queued, *review.reviewable_by(actor)]
    result.next_up = list(
        session.scalars(
            sa.select(Item)
            .options(joinedload(Item.source))
            .where(*eligible)
            .order_by(Item.priority, Item.due_at, Item.created_at, Item.id)
            .limit(limit)
        )
    )
    result.approvals = approvals.counts(session, [item.id for item in result.next_up])
    result.my_claims = list(
        session.scalars(
            sa.select(Item)
            .options(joinedload(Item.source))
            .where(*review.claims_of(actor, now))
            .order_by(Item.claimed_at)
        )
    )
    return result
