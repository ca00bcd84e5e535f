"""Stored oversight results: the oversight job runs the detector over each window from
streamed rows and stores what the pages show; the pages read only those stored rows.

Computing the whole team's analysis on a request took minutes and a gigabyte at a million
decisions. Here each analysis reads only the columns the detector needs, as plain rows from
a server-side cursor (the word count stored at intake, never the draft's text), and keeps
only the detector's compact columns; the page then loads one window's summary and the rows
it shows (one reviewer's row, for a person's stats).
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, can
from ..domain.checklist import export_fields
from ..domain.errors import NotAllowed
from ..domain.oversight import (
    DEFAULT_SETTINGS,
    DecisionRecord,
    OversightAnalyzer,
    RecordError,
    Report,
)
from ..domain.oversight.report import ReviewerResult
from ..models import Canary, Decision, Item, OversightResult, OversightRun, QaReview, Source, User
from . import pending
from .oversight import ACTIONS, WINDOWS

log = logging.getLogger(__name__)
VERDICT_RANK = {"individual": 0, "conditions": 1, "insufficient": 2, "ok": 3}
SPARKLINE = 40  # decisions in each reviewer's sparkline
BATCH = 5000  # rows a fetch from the server-side cursor


Values = tuple[Any, ...]
"""One decision as ``OversightAnalyzer.add_values`` takes it (times as POSIX seconds)."""


def rows(session: Session, since: datetime, until: datetime | None = None) -> Iterator[Values]:
    """The reviewer decisions made from ``since`` (and before ``until``), in the order they
    were decided, read in batches from a server-side cursor, as plain values.

    The same decisions as ``services.oversight.records`` except that ``words`` is the word
    count stored at intake and the link is left out (``store`` adds it to the examples it
    keeps): only the columns the detector reads leave the database.
    """
    emails = dict(session.execute(sa.select(User.id, User.email)).all())
    slugs = dict(session.execute(sa.select(Source.id, Source.slug)).all())
    query = (
        sa.select(
            Decision.id,
            Decision.item_id,
            Decision.user_id,
            Decision.action,
            Decision.opened_at,
            Decision.decided_at,
            Decision.active_seconds,
            Decision.reason,
            Decision.edit_chars,
            Decision.checklist,
            Item.source_id,
            sa.cast(Item.risk_tags, sa.Text),  # decoded once per distinct set, not per row
            Item.words,
            Item.canary_id,
            QaReview.agrees,
        )
        .join(Item, Item.id == Decision.item_id)
        .outerjoin(QaReview, sa.and_(QaReview.item_id == Item.id, QaReview.done_at.is_not(None)))
        .where(
            Decision.decided_at >= since,
            Decision.action.in_(list(ACTIONS)),
            Decision.undone_at.is_(None),  # taken back within the undo window
        )
        .order_by(Decision.decided_at, Decision.id)
    )
    if until is not None:
        query = query.where(Decision.decided_at < until)
    tagsets: dict[str | None, tuple[str, ...]] = {}
    result = session.execute(query.execution_options(yield_per=BATCH))
    for (did, item_id, user_id, act, opened, decided, active, reason, chars, checklist,
         source_id, tags, words, canary_id, agrees) in result:  # fmt: skip
        tagset = tagsets.get(tags)
        if tagset is None:
            tagset = tagsets[tags] = tuple(json.loads(tags) if tags else ())
        action = ACTIONS[act]
        yield (emails[user_id], str(item_id), slugs[source_id], tagset, words, action,
               act == "edit", opened.timestamp(), decided.timestamp(), active,
               canary_id is not None, agrees if action == "approve" else None, reason,
               str(did), None, chars, export_fields(checklist) if checklist else None,
               )  # fmt: skip


def stream(
    session: Session, since: datetime, until: datetime | None = None
) -> Iterator[DecisionRecord]:
    """``rows`` as decision records (for a decision log, and to compare with the list
    the detector gets from ``services.oversight.records``)."""
    expected = dict(session.execute(sa.select(Item.id, Canary.expected).join(Canary)).all())
    for v in rows(session, since, until):
        try:
            yield DecisionRecord(
                reviewer=v[0],
                item=v[1],
                source=v[2],
                risk_tags=v[3],
                words=v[4],
                action=v[5],
                edited=v[6],
                opened_at=datetime.fromtimestamp(v[7], UTC),
                decided_at=datetime.fromtimestamp(v[8], UTC),
                active_seconds=v[9],
                canary=v[10],
                canary_expected=expected.get(int(v[1])) if v[10] else None,
                qa_agreed=v[11],
                reason=v[12],
                id=v[13],
                edit_chars=v[15],
                checklist=v[16],
            )
        except RecordError as exc:
            log.warning("decision %s left out of oversight: %s", v[13], exc)


@dataclass
class Analysis:
    """One pass of the detector: the report and each reviewer's sparkline."""

    report: Report
    lines: dict[str, list[float]]


def analyse(
    session: Session, now: datetime, days: int, since: datetime, until: datetime | None = None
) -> Analysis:
    """Run the detector over the decisions from ``since`` (before ``until``) as a window of
    ``days`` days ending at ``now``, streaming them; memory holds only the detector's
    columns and the last ``SPARKLINE`` dwell ratios of each reviewer."""
    lines: dict[str, deque[float]] = {}
    floor = DEFAULT_SETTINGS.floor_seconds
    analyzer = OversightAnalyzer(window_days=days, now=now)
    add = analyzer.add_values
    for values in rows(session, since, until):
        try:
            add(*values)
        except RecordError as exc:  # e.g. a clock that ran backwards: skip it, keep the rest
            log.warning("decision %s left out of oversight: %s", values[13], exc)
            continue
        line = lines.get(values[0])
        if line is None:
            line = lines[values[0]] = deque(maxlen=SPARKLINE)
        line.append(max(0.0, values[8] - values[7]) / floor(values[4]))
    report = analyzer.report()
    return Analysis(report, {name: list(values) for name, values in lines.items()})


def weeks(session: Session, now: datetime, count: int = max(WINDOWS) // 7) -> list[Analysis]:
    """The detector on each of the ``count`` whole weeks ending at ``now``, oldest first
    (as ``services.oversight.weekly``: each week against that week's team)."""
    out = []
    for back in range(count, 0, -1):
        start, end = now - timedelta(weeks=back), now - timedelta(weeks=back - 1)
        out.append(analyse(session, end, 7, start, None if back == 1 else end))
    return out


def week_summary(week: Analysis, now: datetime, back: int) -> dict[str, Any]:
    """What the trend keeps of one week (``back`` weeks from ``now``, 1 the latest)."""
    team = week.report.team
    decisions = team.get("decisions") or 0
    return {
        "week_start": (now - timedelta(weeks=back)).isoformat(),
        "week_end": (now - timedelta(weeks=back - 1)).isoformat(),
        "decisions": decisions,
        "index": team["symbolic_oversight_index"]["value"] if decisions else None,
        "verdicts": {r.reviewer: r.verdict for r in week.report.reviewers},
    }


def store(
    session: Session,
    now: datetime,
    days: int,
    analysis: Analysis,
    trend: list[dict[str, Any]],
    seconds: float,
) -> OversightRun:
    """Store one window's results, replacing the window's earlier ones (flush only: the
    caller commits, so the page sees the old results or the new, never a mix).

    Args:
        session: the caller's session.
        now: the end of the window.
        days: its length.
        analysis: the detector's report and sparklines for the window.
        trend: its whole weeks, oldest first, as ``week_summary`` gives them.
        seconds: how long the computation took.

    Returns:
        The new run.
    """
    old = sa.select(OversightRun.id).where(OversightRun.window_days == days)
    session.execute(sa.delete(OversightResult).where(OversightResult.run_id.in_(old)))
    session.execute(sa.delete(OversightRun).where(OversightRun.window_days == days))
    report = analysis.report
    run = OversightRun(
        window_days=days,
        computed_at=now,
        seconds=round(seconds, 3),
        decisions=report.team.get("decisions") or 0,
        team=report.team,
        trend=[{k: v for k, v in w.items() if k != "verdicts"} for w in trend],
    )
    session.add(run)
    session.flush()
    ids = {
        email: uid
        for email, uid in session.execute(
            sa.select(User.email, User.id).where(
                User.email.in_([r.reviewer for r in report.reviewers] or [""])
            )
        )
    }
    rows = [
        {
            "run_id": run.id,
            "reviewer": r.reviewer,
            "user_id": ids.get(r.reviewer),
            "verdict": r.verdict,
            "verdict_rank": VERDICT_RANK.get(r.verdict, 9),
            "decisions": r.metrics.get("decisions") or 0,
            "items_per_hour": r.metrics.get("items_per_hour"),
            "median_dwell_seconds": r.metrics.get("median_dwell_seconds"),
            "under_floor_share": r.metrics.get("under_floor_share_all"),
            "result": _linked(r).to_dict(),
            "line": analysis.lines.get(r.reviewer, []),
            "weeks": [w["verdicts"].get(r.reviewer) for w in trend],
        }
        for r in report.reviewers
    ]
    if rows:
        session.execute(sa.insert(OversightResult), rows)
    return run


def _linked(result: ReviewerResult) -> ReviewerResult:
    """The result with each example decision linked to its item page."""
    for evidence in result.evidence:
        for example in evidence.get("examples") or []:
            if "link" not in example and str(example.get("item", "")).isdigit():
                example["link"] = f"/items/{example['item']}"
    return result


def compute_window(
    session: Session, now: datetime, days: int, trend_weeks: list[Analysis]
) -> OversightRun:
    """Analyse and store the window of ``days`` days ending at ``now``.

    Args:
        session: the caller's session (the caller commits).
        now: the end of the window.
        days: one of ``WINDOWS``.
        trend_weeks: ``weeks(session, now)``: the trend's weeks, whose last one is the
            7-day window itself.

    Raises:
        ValueError: ``days`` is not one of ``WINDOWS``.
    """
    if days not in WINDOWS:
        raise ValueError(f"days must be one of {', '.join(map(str, WINDOWS))}")
    started = time.perf_counter()
    shown = max(1, days // 7)
    summaries = [
        week_summary(week, now, back)
        for back, week in zip(range(shown, 0, -1), trend_weeks[-shown:], strict=True)
    ]
    analysis = (
        trend_weeks[-1] if days == 7 else analyse(session, now, days, now - timedelta(days=days))
    )
    return store(session, now, days, analysis, summaries, time.perf_counter() - started)


def request_recompute(session: Session, actor: Actor) -> None:
    """Ask for the oversight results to be computed again, once the caller commits (a
    computation already waiting is not queued twice).

    Raises:
        NotAllowed: the actor neither supervises nor sees reports.
    """
    if not (can(actor, Permission.SUPERVISE) or can(actor, Permission.SEE_REPORTS)):
        raise NotAllowed("only supervisors and managers ask for the oversight results")
    pending.run_after_commit(session, pending.oversight())


# -- what the pages read ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A window's latest stored run, as the pages show it."""

    id: int
    days: int
    computed_at: datetime
    seconds: float
    decisions: int
    trend: list[dict[str, Any]]
    """One entry a whole week, oldest first: week_start and week_end (datetimes),
    decisions, index."""
    team: dict[str, Any]
    """The team report (empty when not asked for)."""


def latest(session: Session, days: int, *, team: bool = True) -> Stored | None:
    """The window's latest stored results (None before the first computation); ``team``
    False leaves the team report in the database (a person's stats do not show it)."""
    query = sa.select(
        OversightRun.id,
        OversightRun.window_days,
        OversightRun.computed_at,
        OversightRun.seconds,
        OversightRun.decisions,
        OversightRun.trend,
        OversightRun.team if team else sa.null(),
    )
    row = session.execute(
        query.where(OversightRun.window_days == days)
        .order_by(OversightRun.computed_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    run_id, window, at, seconds, decisions, trend, team_report = tuple(row)
    weeks = [
        {
            **w,
            "week_start": datetime.fromisoformat(w["week_start"]),
            "week_end": datetime.fromisoformat(w["week_end"]),
        }
        for w in trend
    ]
    return Stored(run_id, window, at, seconds, decisions, weeks, team_report or {})


@dataclass(frozen=True)
class Row:
    """One reviewer's stored result."""

    result: ReviewerResult
    user_id: int | None
    line: list[float]
    weeks: list[str | None]
    """The verdict in each of the run's trend weeks (None: no decisions that week)."""


_R = OversightResult
SORTS: dict[str, tuple[Any, ...]] = {
    "verdict": (_R.verdict_rank, _R.reviewer),
    "decisions": (_R.decisions.desc(), _R.reviewer),
    "speed": (sa.func.coalesce(_R.items_per_hour, 0).desc(), _R.reviewer),
    "dwell": (sa.func.coalesce(_R.median_dwell_seconds, 0), _R.reviewer),
    "floor": (sa.func.coalesce(_R.under_floor_share, 0).desc(), _R.reviewer),
    "name": (_R.reviewer,),
}
"""The list's orders, as the Oversight page offers them."""


def _row(result: OversightResult) -> Row:
    return Row(ReviewerResult(**result.result), result.user_id, result.line, result.weeks)


def reviewer_count(session: Session, run_id: int) -> int:
    """How many reviewers the run judged."""
    return session.scalar(sa.select(sa.func.count()).where(_R.run_id == run_id)) or 0


def page(session: Session, run_id: int, sort: str, offset: int, limit: int) -> list[Row]:
    """One page of the run's reviewers in the order ``sort`` (a key of ``SORTS``)."""
    query = sa.select(_R).where(_R.run_id == run_id).order_by(*SORTS[sort])
    return [_row(r) for r in session.scalars(query.offset(offset).limit(limit))]


def of_reviewer(session: Session, run_id: int, user_id: int) -> Row | None:
    """One person's stored result in the run (None: no decisions in its window)."""
    found = session.scalars(
        sa.select(_R).where(_R.run_id == run_id, _R.user_id == user_id).limit(1)
    ).first()
    return None if found is None else _row(found)
