"""What the queue looks like to one person: counts, their claims, the next items in line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain.authority import Actor, Permission, can, effective_level
from ..domain.workflow import ItemStatus
from ..models import Decision, Item, Source
from . import approvals, review, snapshots
from .review import QueueFilter

SNAPSHOT = "queue"
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
    counted_at: datetime | None = None  # set when the counts are the sweep's (estimates)


def counts(session: Session, now: datetime) -> list[list[int]]:
    """The queued items counted in one pass over the queue-count index (index-only: the
    rows are neither read from the table nor brought into Python): per source, priority and
    level, [source_id, priority, min_level, queued, under 1 h old, 1-4 h, older, overdue]."""
    bounds = [now - limit_ for _, limit_ in AGE_BUCKETS]
    younger = [Item.created_at > bound for bound in bounds]
    ages = [
        sa.func.count().filter(cond, *(~c for c in younger[:i])) for i, cond in enumerate(younger)
    ]
    rows = session.execute(
        sa.select(
            Item.source_id,
            Item.priority,
            Item.min_level,
            sa.func.count(),
            *ages,
            sa.func.count().filter(Item.created_at <= bounds[-1]),
            sa.func.count().filter(Item.due_at < now),
        )
        .where(Item.status == ItemStatus.QUEUED)
        .group_by(Item.source_id, Item.priority, Item.min_level)
    )
    return [list(row) for row in rows]


def take_counts(session: Session, now: datetime) -> None:
    """Count the queue now and keep the count for the queue page (the sweep does this every
    minute; flush only)."""
    rows = counts(session, now)
    snapshots.take(session, SNAPSHOT, now, sum(row[3] for row in rows), rows)


def _queued(where: QueueFilter) -> list[sa.ColumnElement[bool]]:
    """The conditions for the queued items ``where`` selects (its source and risk)."""
    queued = [Item.status == ItemStatus.QUEUED]
    if where.source_id is not None:
        queued.append(Item.source_id == where.source_id)
    if where.priority is not None:
        queued.append(Item.priority == where.priority)
    return queued


def tally(
    session: Session,
    actor: Actor,
    now: datetime,
    where: QueueFilter,
    large: int | None = None,
) -> Overview:
    """Count the queued items (filtered by ``where``) for ``actor``: by risk, source and age,
    overdue, and how many they may review; no item is read (the queue page's counts, and
    the small JSON the page refreshes them from).

    A queue of ``large`` items or more, that the sweep counted in the last minutes, shows
    that count (``Overview.counted_at`` set: the page says "about"); a shorter one, or when
    no recent count exists, is counted now.
    """
    queued = _queued(where)
    result = Overview()
    result.sources = list(session.scalars(sa.select(Source).order_by(Source.slug)))
    snapshot = snapshots.usable(session, SNAPSHOT, now, large)
    if snapshot is not None:  # a long queue: the sweep's count, shown as "about"
        rows, result.counted_at = snapshot.rows, snapshot.counted_at
    else:
        rows = counts(session, now)
    level = effective_level(actor)
    labels = [label for label, _ in AGE_BUCKETS] + ["over 4 h"]
    per_source: dict[int, int] = {}
    result.by_age = dict.fromkeys(labels, 0)
    within_level = 0
    for source_id, priority, min_level, count, *ages, overdue in rows:
        if where.source_id not in (None, source_id) or where.priority not in (None, priority):
            continue
        result.by_priority[priority] = result.by_priority.get(priority, 0) + count
        per_source[source_id] = per_source.get(source_id, 0) + count
        for label, n in zip(labels, ages, strict=True):
            result.by_age[label] += n
        result.overdue += overdue
        within_level += count if min_level <= level else 0
    result.by_source = [
        (s.slug, s.name, per_source[s.id]) for s in result.sources if s.id in per_source
    ]
    # within their level, less what they already approved (from their own decisions); in a
    # long queue's estimate those few are left in (reading every decision of a busy
    # reviewer costs more than the count it corrects)
    mine: int | None = 0
    if result.counted_at is None:
        mine = session.scalar(
            sa.select(sa.func.count()).where(
                *queued,
                Item.min_level <= level,
                Item.id.in_(sa.select(Decision.item_id).where(Decision.user_id == actor.id)),
                approvals.given_by(actor.id, Item.id),
            )
        )
    result.eligible = within_level - (mine or 0)
    return result


def overview(
    session: Session,
    actor: Actor,
    now: datetime,
    where: QueueFilter,
    limit: int = 25,
    large: int | None = None,
) -> Overview:
    """Summarise the queued items (filtered by ``where``) for ``actor``: the counts of
    :func:`tally`, their open claims and the first ``limit`` items in line (always read now).
    """
    result = tally(session, actor, now, where, large)
    queued = _queued(where)
    # a reviewer sees what they may claim; someone who reviews nothing (a manager) sees the
    # queue's head at every level, high-risk items included
    reviews = can(actor, Permission.WORK_QUEUE)
    eligible = [*queued, *review.reviewable_by(actor)] if reviews else queued
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
