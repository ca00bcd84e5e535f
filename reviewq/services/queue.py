"""What the queue looks like to one person: counts, their claims, the next items in line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain.authority import Actor
from ..domain.workflow import ItemStatus
from ..models import Item, Source
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
    result.by_priority = dict(
        session.execute(
            sa.select(Item.priority, sa.func.count()).where(*queued).group_by(Item.priority)
        ).all()
    )
    result.by_source = [
        (slug, name, count)
        for slug, name, count in session.execute(
            sa.select(Source.slug, Source.name, sa.func.count(Item.id))
            .join(Item, Item.source_id == Source.id)
            .where(*queued)
            .group_by(Source.slug, Source.name)
            .order_by(Source.slug)
        ).all()
    ]
    # ages counted in SQL (a million queued rows never come into Python)
    bounds = [now - limit_ for _, limit_ in AGE_BUCKETS]
    younger = [Item.created_at > bound for bound in bounds]
    counts = session.execute(
        sa.select(
            *(
                sa.func.count().filter(cond, *(~c for c in younger[:i]))
                for i, cond in enumerate(younger)
            ),
            sa.func.count().filter(Item.created_at <= bounds[-1]),
            sa.func.count().filter(Item.due_at < now),
        ).where(*queued)
    ).one()
    labels = [label for label, _ in AGE_BUCKETS] + ["over 4 h"]
    result.by_age = {label: counts[i] or 0 for i, label in enumerate(labels)}
    result.overdue = counts[-1] or 0
    eligible = [*queued, *review.reviewable_by(actor)]
    result.eligible = session.scalar(sa.select(sa.func.count()).where(*eligible)) or 0
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
    result.sources = list(session.scalars(sa.select(Source).order_by(Source.slug)))
    return result
