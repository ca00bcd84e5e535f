"""The AI quality report: how reviewers treated each source's (and each model's) drafts over
time, with the weeks that are significantly worse than the source's own baseline marked;
reject reasons, edit sizes, canary catches and second-review agreement. Planted canaries are
left out of the rates (they are known-bad by design) and counted on their own."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..domain.significance import ALPHA, MIN_COUNT, worse_than_baseline
from ..domain.workflow import Action
from ..models import Decision, Item, QaReview, Source
from .reports import (
    AnySession,
    Filters,
    Report,
    Table,
    bucket,
    item_filters,
    model_of,
    percentiles,
    rounded,
    share,
)

FIRST_LOOK = (Action.APPROVE, Action.APPROVE_PARTIAL, Action.EDIT, Action.REJECT, Action.ESCALATE)
BAD = (Action.REJECT, Action.ESCALATE)


def quality(session: AnySession, filters: Filters) -> Report:
    """The AI quality report under ``filters``.

    Returns:
        The report: tables ``by_source`` and ``by_model`` (rates per bucket, with the
        significance mark), ``reject_reasons``, ``edits``, ``canaries``, ``second_review``;
        its summary names the groups with a marked bucket.
    """
    report = Report("quality", "AI quality", filters)
    by_source = report.add(_rates(session, filters, "source"))
    by_model = report.add(_rates(session, filters, "model"))
    report.add(_reject_reasons(session, filters))
    report.add(_edits(session, filters))
    report.add(_canaries(session, filters))
    report.add(_second_review(session, filters))
    report.summary = {
        "worse_sources": sorted({r[0] for r in by_source.rows if r[-1]}),
        "worse_models": sorted({r[0] for r in by_model.rows if r[-1]}),
        "alpha": ALPHA,
        "min_count": MIN_COUNT,
    }
    return report


def _decided(filters: Filters) -> list[Any]:
    return [Decision.decided_at >= filters.since, Decision.decided_at < filters.until]


def _rates(session: AnySession, filters: Filters, by: str) -> Table:
    """Per source (or model) and bucket: the decisions and the share of each kind; a bucket
    whose rejected-or-escalated share is significantly above the group's preceding buckets
    (pooled) is marked."""
    group: Any = Source.slug if by == "source" else sa.func.coalesce(model_of(), "(none)")
    when = bucket(session, Decision.decided_at, filters.grain)

    def count(*actions: Action) -> Any:
        return sa.func.sum(sa.case((Decision.action.in_(actions), 1), else_=0))

    rows = session.execute(
        sa.select(
            group,
            when,
            sa.func.count(),
            count(Action.APPROVE, Action.APPROVE_PARTIAL),
            count(Action.EDIT),
            count(Action.REJECT),
            count(Action.ESCALATE),
        )
        .select_from(Decision)
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .where(
            *_decided(filters),
            Decision.action.in_(FIRST_LOOK),
            Item.canary_id.is_(None),
            *item_filters(session, filters),
        )
        .group_by(group, when)
        .order_by(group, when)
    ).all()
    table = Table(
        f"by_{by}",
        f"Decisions on each {by}'s drafts",
        [
            by,
            "bucket",
            "decisions",
            "approved",
            "edited",
            "rejected",
            "escalated",
            "approve_rate",
            "edit_rate",
            "reject_rate",
            "escalate_rate",
            "z",
            "p_value",
            "worse",
        ],
        note=(
            "Worse: the share rejected or escalated is above the group's earlier buckets in "
            f"the range (pooled), one-sided two-proportion z-test p < {ALPHA}, with at least "
            f"{MIN_COUNT} decisions in the bucket and in the baseline."
        ),
    )
    base: dict[str, list[int]] = {}
    for name, label, total, approved, edited, rejected, escalated in rows:
        approved, edited = int(approved or 0), int(edited or 0)
        rejected, escalated = int(rejected or 0), int(escalated or 0)
        bad_so_far, total_so_far = base.setdefault(name, [0, 0])
        test = worse_than_baseline(rejected + escalated, total, bad_so_far, total_so_far)
        base[name] = [bad_so_far + rejected + escalated, total_so_far + total]
        table.rows.append(
            [
                name,
                label,
                total,
                approved,
                edited,
                rejected,
                escalated,
                share(approved, total),
                share(edited, total),
                share(rejected, total),
                share(escalated, total),
                rounded(test.z, 2),
                None if test.p_value is None else round(test.p_value, 5),
                test.marked,
            ]
        )
    return table


def _reject_reasons(session: AnySession, filters: Filters) -> Table:
    """Per source: how often each reject reason was chosen."""
    code = sa.func.coalesce(Decision.reason_code, "(none)")
    rows = session.execute(
        sa.select(Source.slug, code, sa.func.count())
        .select_from(Decision)
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .where(
            *_decided(filters),
            Decision.action == Action.REJECT,
            Item.canary_id.is_(None),
            *item_filters(session, filters),
        )
        .group_by(Source.slug, code)
        .order_by(Source.slug, sa.func.count().desc(), code)
    ).all()
    totals: dict[str, int] = {}
    for slug, _code, n in rows:
        totals[slug] = totals.get(slug, 0) + n
    table = Table("reject_reasons", "Reject reasons", ["source", "reason", "rejects", "share"])
    table.rows = [[slug, c, n, share(n, totals[slug])] for slug, c, n in rows]
    return table


def _edits(session: AnySession, filters: Filters) -> Table:
    """Per source: approvals with edits and how many characters the edits changed."""
    where = [
        *_decided(filters),
        Decision.action == Action.EDIT,
        Item.canary_id.is_(None),
        *item_filters(session, filters),
    ]
    joins = [(Item, Item.id == Decision.item_id), (Source, Source.id == Item.source_id)]
    query = sa.select(Source.slug, sa.func.count(), sa.func.avg(Decision.edit_chars))
    query = query.select_from(Decision)
    for target, on in joins:
        query = query.join(target, on)
    rows = session.execute(query.where(*where).group_by(Source.slug).order_by(Source.slug)).all()
    spread = percentiles(
        session, [Source.slug], Decision.edit_chars, where, froms=[Decision], joins=joins
    )
    table = Table(
        "edits",
        "Edit size",
        ["source", "edits", "mean_chars", "median_chars", "p90_chars"],
        note="Characters changed by reviewers' edits, whitespace aside.",
    )
    for slug, n, mean in rows:
        p50, p90 = spread.get((slug,), [None, None])
        table.rows.append([slug, n, rounded(mean), p50, p90])
    return table


def _canaries(session: AnySession, filters: Filters) -> Table:
    """Per source: first decisions on planted canaries, and how many caught them (rejected
    or escalated)."""
    caught = sa.func.sum(sa.case((Decision.action.in_(BAD), 1), else_=0))
    rows = session.execute(
        sa.select(Source.slug, sa.func.count(), caught)
        .select_from(Decision)
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .where(
            *_decided(filters),
            Decision.action.in_(FIRST_LOOK),
            Item.canary_id.is_not(None),
            *item_filters(session, filters),
        )
        .group_by(Source.slug)
        .order_by(Source.slug)
    ).all()
    table = Table(
        "canaries",
        "Canary catch",
        ["source", "canary_decisions", "caught", "catch_rate"],
        note="Decisions on planted known-bad drafts; caught = rejected or escalated.",
    )
    table.rows = [[s, n, int(c or 0), share(c, n)] for s, n, c in rows]
    return table


def _second_review(session: AnySession, filters: Filters) -> Table:
    """Per source: blind second reviews done in the range, and how many agreed."""
    agreed = sa.func.sum(sa.case((QaReview.agrees.is_(True), 1), else_=0))
    rows = session.execute(
        sa.select(Source.slug, sa.func.count(), agreed)
        .select_from(QaReview)
        .join(Item, Item.id == QaReview.item_id)
        .join(Source, Source.id == Item.source_id)
        .where(
            QaReview.done_at >= filters.since,
            QaReview.done_at < filters.until,
            QaReview.agrees.is_not(None),
            *item_filters(session, filters),
        )
        .group_by(Source.slug)
        .order_by(Source.slug)
    ).all()
    table = Table(
        "second_review",
        "Second-review agreement",
        ["source", "second_reviews", "agreed", "agreement"],
    )
    table.rows = [[s, n, int(a or 0), share(a, n)] for s, n, a in rows]
    return table
