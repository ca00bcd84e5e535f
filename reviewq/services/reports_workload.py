"""The workload and staffing report: drafts arrived and decided, the backlog, SLA attainment
and time to decision, escalations, each reviewer's work, and the staffing forecast (Erlang C
over the careful-time model). Every figure is a GROUP BY in the database; Python only walks
the buckets (at most ``MAX_DAYS``) and the groups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..domain.oversight.settings import OversightSettings
from ..domain.queueing import staff_for
from ..domain.workflow import Action, ItemStatus
from ..models import Decision, Escalation, Item, User
from .paging import PER_PAGE
from .reports import (
    AnySession,
    Filters,
    Report,
    Table,
    bucket,
    hour_bucket,
    item_filters,
    percentiles,
    rounded,
    seconds_between,
    share,
    tags_of,
)

SLA_TARGET = 0.95  # the share of drafts the forecast staffs to decide within their SLA
DECIDED = (ItemStatus.APPROVED, ItemStatus.REJECTED)
OPEN = (ItemStatus.QUEUED, ItemStatus.IN_REVIEW, ItemStatus.ESCALATED)
ACTS = (
    Action.APPROVE,
    Action.APPROVE_PARTIAL,
    Action.EDIT,
    Action.REJECT,
    Action.ESCALATE,
    Action.RETURN,
)


def workload(session: AnySession, filters: Filters, now: datetime, page: int = 1) -> Report:
    """The workload and staffing report under ``filters``; ``page`` pages the reviewers.

    Args:
        session: the database session.
        filters: range, grain, source, tag, model.
        now: the current time (the oldest waiting draft's age).
        page: which page of reviewers (``PER_PAGE`` a page).

    Returns:
        The report: tables ``flow``, ``sla_by_level``, ``sla_by_tag``, ``reviewers`` and
        ``staffing``; its summary holds the backlog now, the oldest waiting draft's age and
        the biggest staffing shortfall.
    """
    report = Report("workload", "Workload and staffing", filters)
    report.add(_flow(session, filters))
    report.add(_sla(session, filters, "level"))
    report.add(_sla(session, filters, "tag"))
    reviewers, has_next = _reviewers(session, filters, page)
    report.add(reviewers)
    staffing = report.add(_staffing(session, filters))
    conditions = item_filters(session, filters)
    open_now = session.execute(
        sa.select(sa.func.count(), sa.func.min(Item.created_at)).where(
            Item.status.in_(OPEN), *conditions
        )
    ).one()
    short = max(staffing.rows, key=lambda r: r[-1], default=None)
    report.summary = {
        "backlog_now": open_now[0],
        "oldest_waiting_hours": (
            None if open_now[1] is None else rounded((now - open_now[1]).total_seconds() / 3600)
        ),
        "short_by_hours": short[-1] if short and short[-1] > 0 else 0,
        "short_at_level": short[0] if short and short[-1] > 0 else None,
        "reviewers_page": page,
        "reviewers_has_next": has_next,
    }
    return report


def _in_range(column: Any, filters: Filters) -> sa.ColumnElement[bool]:
    return sa.and_(column >= filters.since, column < filters.until)


def _flow(session: AnySession, filters: Filters) -> Table:
    """Per bucket: arrived, decided, withdrawn, the backlog at its end, escalations."""
    conditions = item_filters(session, filters)

    def per_bucket(column: Any, *where: Any) -> dict[str, int]:
        key = bucket(session, column, filters.grain)
        query = sa.select(key, sa.func.count()).where(
            _in_range(column, filters), *where, *conditions
        )
        return dict(session.execute(query.group_by(key)).all())

    arrived = per_bucket(Item.created_at)
    decided = per_bucket(Item.decided_at, Item.status.in_(DECIDED))
    closed = per_bucket(Item.decided_at)  # decided or withdrawn: what leaves the backlog
    opening = (
        session.scalar(
            sa.select(sa.func.count()).where(Item.created_at < filters.since, *conditions)
        )
        or 0
    ) - (
        session.scalar(
            sa.select(sa.func.count()).where(Item.decided_at < filters.since, *conditions)
        )
        or 0
    )
    raised_key = bucket(session, Escalation.raised_at, filters.grain)
    raised = dict(
        session.execute(
            sa.select(raised_key, sa.func.count())
            .join(Item, Item.id == Escalation.item_id)
            .where(_in_range(Escalation.raised_at, filters), *conditions)
            .group_by(raised_key)
        ).all()
    )
    resolved_key = bucket(session, Escalation.resolved_at, filters.grain)
    minutes = seconds_between(session, Escalation.raised_at, Escalation.resolved_at) / 60.0
    resolved = percentiles(
        session,
        [resolved_key],
        minutes,
        [_in_range(Escalation.resolved_at, filters), *conditions],
        froms=[Escalation],
        joins=[(Item, Item.id == Escalation.item_id)],
    )
    resolved_count = dict(
        session.execute(
            sa.select(resolved_key, sa.func.count())
            .join(Item, Item.id == Escalation.item_id)
            .where(_in_range(Escalation.resolved_at, filters), *conditions)
            .group_by(resolved_key)
        ).all()
    )
    table = Table(
        "flow",
        "Drafts arrived and decided",
        [
            "bucket",
            "arrived",
            "decided",
            "withdrawn",
            "backlog_at_end",
            "escalations_raised",
            "escalations_resolved",
            "resolve_p50_minutes",
            "resolve_p90_minutes",
        ],
        note="Backlog: drafts waiting (queued, in review or escalated) at the bucket's end.",
    )
    backlog = opening
    for label in filters.buckets():
        backlog += arrived.get(label, 0) - closed.get(label, 0)
        p50, p90 = resolved.get((label,), [None, None])
        table.rows.append(
            [
                label,
                arrived.get(label, 0),
                decided.get(label, 0),
                closed.get(label, 0) - decided.get(label, 0),
                backlog,
                raised.get(label, 0),
                resolved_count.get(label, 0),
                rounded(p50),
                rounded(p90),
            ]
        )
    return table


def _sla(session: AnySession, filters: Filters, by: str) -> Table:
    """SLA attainment and time to decision of the drafts decided in the range, per level
    (the authority a draft needed) or per risk tag."""
    conditions = [
        _in_range(Item.decided_at, filters),
        Item.status.in_(DECIDED),
        *item_filters(session, filters),
    ]
    joins: list[tuple[object, object]] = []
    if by == "level":
        key: Any = Item.min_level
    else:
        tags = tags_of(session, Item.risk_tags)
        key = tags.c.value
        joins = [(tags, sa.true())]
    minutes = seconds_between(session, Item.created_at, Item.decided_at) / 60.0
    inside = sa.case((Item.decided_at <= Item.due_at, 1), else_=0)
    # one pass: the tags are unnested once for the counts and the percentiles alike
    spread = percentiles(
        session, [key], minutes, conditions, froms=[Item], joins=joins, sums=[inside]
    )
    table = Table(
        f"sla_by_{by}",
        f"SLA attainment and time to decision by {'level' if by == 'level' else 'risk tag'}",
        [by, "decided", "within_sla", "attainment", "p50_minutes", "p90_minutes"],
        note="Drafts decided in the range; attainment is the share decided by their due time.",
    )
    for (name,), (p50, p90, count, within) in sorted(spread.items(), key=lambda kv: kv[0]):
        n = int(count or 0)
        inside_n = int(within or 0)
        table.rows.append([name, n, inside_n, share(inside_n, n), rounded(p50), rounded(p90)])
    return table


def _spent(session: AnySession) -> sa.ColumnElement[float]:
    """Seconds a decision took: the active time the browser reported, else its dwell."""
    return sa.func.coalesce(
        Decision.active_seconds, seconds_between(session, Decision.opened_at, Decision.decided_at)
    )


def _reviewers(session: AnySession, filters: Filters, page: int) -> tuple[Table, bool]:
    """One page of reviewers, most decisions first: decisions, active hours, items an hour,
    time per item (median, p90) and the decision mix."""
    mix = [
        sa.func.sum(sa.case((Decision.action.in_(actions), 1), else_=0))
        for actions in (
            (Action.APPROVE, Action.APPROVE_PARTIAL),
            (Action.EDIT,),
            (Action.REJECT,),
            (Action.ESCALATE,),
        )
    ]
    conditions = [
        _in_range(Decision.decided_at, filters),
        Decision.action.in_(ACTS),
        *item_filters(session, filters),
    ]
    count = sa.func.count()
    rows = session.execute(
        sa.select(User.id, User.name, count, sa.func.sum(_spent(session)), *mix)
        .select_from(Decision)
        .join(Item, Item.id == Decision.item_id)
        .join(User, User.id == Decision.user_id)
        .where(*conditions)
        .group_by(User.id, User.name)
        .order_by(count.desc(), User.id)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    shown = rows[:PER_PAGE]
    dwell = seconds_between(session, Decision.opened_at, Decision.decided_at)
    spread = percentiles(
        session,
        [Decision.user_id],
        dwell,
        [*conditions, Decision.user_id.in_([r[0] for r in shown])],
        froms=[Decision],
        joins=[(Item, Item.id == Decision.item_id)],
    )
    table = Table(
        "reviewers",
        "Reviewers",
        [
            "reviewer",
            "decisions",
            "active_hours",
            "items_per_hour",
            "median_seconds",
            "p90_seconds",
            "approved",
            "edited",
            "rejected",
            "escalated",
        ],
        note="Active hours: the time the review page was visible and focused (else the dwell).",
    )
    for user_id, name, decisions, seconds, *counts in shown:
        hours = (seconds or 0) / 3600
        p50, p90 = spread.get((user_id,), [None, None])
        table.rows.append(
            [
                name,
                decisions,
                rounded(hours, 2),
                rounded(decisions / hours) if hours else None,
                rounded(p50),
                rounded(p90),
                *(int(c or 0) for c in counts),
            ]
        )
    return table, len(rows) > PER_PAGE


def _staffing(session: AnySession, filters: Filters) -> Table:
    """Per level: the reviewer-hours a day needed to decide ``SLA_TARGET`` of the drafts
    within their SLA (Erlang C at the range's arrival rate and careful handling time),
    against the hours actually worked on that level's drafts."""
    conditions = [_in_range(Item.created_at, filters), *item_filters(session, filters)]
    arrivals = session.execute(
        sa.select(
            Item.min_level,
            sa.func.count(),
            sa.func.avg(Item.words),
            sa.func.avg(Item.sla_minutes),
        )
        .where(*conditions)
        .group_by(Item.min_level)
        .order_by(Item.min_level)
    ).all()
    hour = hour_bucket(session, Item.created_at)
    open_hours = session.scalar(sa.select(sa.func.count(sa.distinct(hour))).where(*conditions))
    worked = dict(
        session.execute(
            sa.select(Item.min_level, sa.func.sum(_spent(session)))
            .select_from(Decision)
            .join(Item, Item.id == Decision.item_id)
            .where(
                _in_range(Decision.decided_at, filters),
                Decision.action.in_(ACTS),
                *item_filters(session, filters),
            )
            .group_by(Item.min_level)
        ).all()
    )
    s = OversightSettings()
    table = Table(
        "staffing",
        "Staffing forecast",
        [
            "level",
            "arrivals_per_day",
            "careful_seconds",
            "sla_minutes",
            "load_erlangs",
            "reviewers_at_once",
            "hours_needed_per_day",
            "hours_worked_per_day",
            "short_by_hours",
        ],
        note=(
            f"Erlang C: reviewers needed at once so that {SLA_TARGET:.0%} of drafts are decided "
            "within their SLA, over the hours a day drafts arrive; careful time per draft "
            f"{s.careful_base_seconds:g} s + words at {s.careful_wpm:g} wpm."
        ),
    )
    days = filters.days
    hours_a_day = (open_hours or 0) / days
    for level, count, words, sla in arrivals:
        careful = s.careful_base_seconds + float(words or 0) * 60.0 / s.careful_wpm
        rate = count / (open_hours or 1)
        plan = staff_for(rate, careful, float(sla or 0) * 60, SLA_TARGET, hours_a_day)
        done = float(worked.get(level) or 0) / 3600 / days
        table.rows.append(
            [
                level,
                rounded(count / days),
                rounded(careful),
                rounded(float(sla or 0), 0),
                rounded(plan.load, 3),
                plan.agents,
                rounded(plan.hours_needed_per_day),
                rounded(done),
                rounded(max(0.0, plan.hours_needed_per_day - done)),
            ]
        )
    return table
