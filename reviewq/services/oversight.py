"""Live oversight: the detector of domain/oversight.py over the decisions in the database."""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, can
from ..domain.checklist import export_fields
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.oversight import (
    DEFAULT_SETTINGS,
    DecisionRecord,
    RecordError,
    Report,
    analyze,
)
from ..models import Canary, Decision, FlagNote, Item, QaReview, Source, User
from . import audit

log = logging.getLogger(__name__)
ACTIONS = {"approve": "approve", "edit": "approve", "reject": "reject", "escalate": "escalate"}
WINDOWS = (7, 14, 28, 90)
"""The windows, in days, a person may choose on the oversight pages."""
DEFAULT_WINDOW = 14


def records(session: Session, since: datetime) -> Iterator[DecisionRecord]:
    """Every reviewer decision since ``since``, in the decision-log shape (DESIGN section 6),
    in the order they were decided.

    Supervisors' returns are not review decisions and are left out; blind second reviews
    supply ``qa_agreed`` for the approvals they sampled; canaries carry their expected outcome;
    ``edit_chars`` is the decision's stored edit size (0 for a plain approval).
    """
    rows = session.execute(
        sa.select(Decision, Item, Source.slug, User.email, Canary.expected, QaReview.agrees)
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .join(User, User.id == Decision.user_id)
        .outerjoin(Canary, Canary.id == Item.canary_id)
        .outerjoin(QaReview, sa.and_(QaReview.item_id == Item.id, QaReview.done_at.is_not(None)))
        .where(
            Decision.decided_at >= since,
            Decision.action.in_(list(ACTIONS)),
            Decision.undone_at.is_(None),
        )
        .order_by(Decision.decided_at)
        .execution_options(yield_per=2000)
    )
    for decision, item, slug, email, expected, agrees in rows:
        action = ACTIONS[decision.action]
        try:
            record = DecisionRecord(
                reviewer=email,
                item=str(item.id),
                source=slug,
                risk_tags=tuple(item.risk_tags),
                words=len((decision.content_before or item.content).split()),
                action=action,
                edited=decision.action == "edit",
                opened_at=decision.opened_at,
                decided_at=decision.decided_at,
                active_seconds=decision.active_seconds,
                canary=item.canary_id is not None,
                canary_expected=expected,
                qa_agreed=agrees if action == "approve" else None,
                reason=decision.reason,
                id=str(decision.id),
                link=f"/items/{item.id}",
                edit_chars=decision.edit_chars,
                checklist=export_fields(decision.checklist) if decision.checklist else None,
            )
        except RecordError as exc:  # e.g. a clock that ran backwards: skip it, keep the rest
            log.warning("decision %s left out of oversight: %s", decision.id, exc)
            continue
        yield record


def report(
    session: Session, now: datetime, window_days: int = 14
) -> tuple[Report, dict[str, list[float]]]:
    """The oversight report for the last ``window_days`` days, and each reviewer's sparkline."""
    rows = list(records(session, now - timedelta(days=window_days)))
    return analyze(rows, window_days=window_days, now=now), sparklines(rows)


@dataclass(frozen=True)
class Window:
    """What the oversight pages show for one window of days."""

    days: int
    report: Report
    lines: dict[str, list[float]]
    """Each reviewer's sparkline (dwell / reading floor, last decisions)."""
    trend: list[dict[str, Any]]
    """One entry a whole week, oldest first (see ``weekly``)."""


def window(session: Session, now: datetime, days: int = DEFAULT_WINDOW) -> Window:
    """The report, sparklines and weekly trend of the last ``days`` days, from one read of
    that window's decisions.

    Args:
        session: the database session.
        now: the end of the window.
        days: its length; one of ``WINDOWS``.

    Returns:
        The window; its trend covers the whole weeks in it (``days // 7``, at least one).

    Raises:
        ValueError: ``days`` is not one of ``WINDOWS``.
    """
    if days not in WINDOWS:
        raise ValueError(f"days must be one of {', '.join(map(str, WINDOWS))}")
    rows = list(records(session, now - timedelta(days=days)))
    return Window(
        days,
        analyze(rows, window_days=days, now=now),
        sparklines(rows),
        weekly(rows, now, max(1, days // 7)),
    )


def trend(session: Session, now: datetime, weeks: int) -> list[dict[str, Any]]:
    """The detector run on each of the last ``weeks`` whole weeks ending at ``now``.

    Returns:
        See ``weekly``.
    """
    return weekly(records(session, now - timedelta(weeks=weeks)), now, weeks)


def weekly(rows: Iterable[DecisionRecord], now: datetime, weeks: int) -> list[dict[str, Any]]:
    """Run the detector on each 7-day window ending at ``now``, oldest first.

    Each week is judged on its own decisions against that week's team, so a verdict can
    change from week to week; the symbolic oversight index is None for a week without
    decisions.

    Args:
        rows: decision records; those before the first week are left out.
        now: the end of the last week.
        weeks: how many weeks.

    Returns:
        ``[{"week_start", "week_end", "decisions", "index", "verdicts": {reviewer: verdict}}]``.
    """
    ordered = sorted(rows, key=attrgetter("decided_at"))
    decided = [r.decided_at for r in ordered]
    out = []
    for back in range(weeks, 0, -1):
        start, end = now - timedelta(weeks=back), now - timedelta(weeks=back - 1)
        first = bisect_left(decided, start)
        last = len(ordered) if back == 1 else bisect_left(decided, end)
        week = analyze(ordered[first:last], window_days=7, now=end)
        index = week.team["symbolic_oversight_index"]
        out.append(
            {
                "week_start": start,
                "week_end": end,
                "decisions": last - first,
                "index": index["value"] if last > first else None,
                "verdicts": {r.reviewer: r.verdict for r in week.reviewers},
            }
        )
    return out


def evidence_for(evidence: list[dict[str, Any]], own: bool) -> list[dict[str, Any]]:
    """The evidence a page shows. On a person's own stats no example is a canary (they see
    their catch rate, never which items were planted); supervisors and managers see all.

    Args:
        evidence: a ``ReviewerResult.evidence`` list.
        own: the viewer is the reviewer.

    Returns:
        The evidence, with canary examples (and any example of S8) left out when ``own``.
    """
    if not own:
        return evidence
    return [
        {
            **e,
            "examples": []
            if e.get("signal") == "S8"
            else [x for x in e.get("examples") or [] if not x.get("canary")],
        }
        for e in evidence
    ]


def people(session: Session, emails: Iterable[str]) -> dict[str, User]:
    """The users with these emails (the detector names reviewers by email), by email."""
    wanted = list(set(emails))
    if not wanted:
        return {}
    return {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_(wanted)))}


def source_names(session: Session, slugs: Iterable[str]) -> dict[str, str]:
    """Each source's name by its slug (slugs without a source are left out)."""
    wanted = list(set(slugs))
    if not wanted:
        return {}
    return dict(
        session.execute(sa.select(Source.slug, Source.name).where(Source.slug.in_(wanted))).all()
    )


def sparklines(rows: list[DecisionRecord], last: int = 40) -> dict[str, list[float]]:
    """Per reviewer, dwell divided by the reading floor for their last ``last`` decisions
    (below 1: faster than the text can be read)."""
    lines: dict[str, list[float]] = {}
    for record in rows:
        dwell = (record.decided_at - record.opened_at).total_seconds()
        lines.setdefault(record.reviewer, []).append(
            dwell / DEFAULT_SETTINGS.floor_seconds(record.words)
        )
    return {reviewer: values[-last:] for reviewer, values in lines.items()}


def set_flag(
    session: Session,
    actor: Actor,
    reviewer: User,
    signal: str,
    status: str,
    note: str,
    now: datetime,
) -> FlagNote:
    """A supervisor acknowledges or dismisses a flag, with a note (audited). Permissions
    never change because of a flag.

    Raises:
        NotAllowed: the actor is not a supervisor, or is the reviewer.
        ValidationFailed: unknown status, or no note.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors act on oversight flags")
    if actor.id == reviewer.id:
        raise NotAllowed("nobody notes the flags on their own work")
    errors = []
    if status not in ("acknowledged", "dismissed"):
        errors.append({"field": "status", "message": "must be acknowledged or dismissed"})
    if not note.strip():
        errors.append({"field": "note", "message": "a note is required"})
    if errors:
        raise ValidationFailed(errors)
    flag = FlagNote(
        reviewer_id=reviewer.id,
        signal=signal[:16],
        status=status,
        note=note.strip(),
        by_id=actor.id,
        at=now,
    )
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor.label,
        f"flag.{status}",
        f"user:{reviewer.id}",
        {"signal": signal, "note": note.strip()},
        at=now,
    )
    return flag


def flag_notes(session: Session, reviewer_id: int) -> dict[str, FlagNote]:
    """The latest supervisor note per signal for one reviewer."""
    return latest_flag_notes(session, [reviewer_id]).get(reviewer_id, {})


def latest_flag_notes(
    session: Session, reviewer_ids: Iterable[int]
) -> dict[int, dict[str, FlagNote]]:
    """The latest supervisor note per signal for each of these reviewers, in one query.

    Returns:
        ``{reviewer_id: {signal: note}}``; reviewers without notes are left out.
    """
    wanted = list(set(reviewer_ids))
    if not wanted:
        return {}
    ranked = (
        sa.select(
            FlagNote.id,
            sa.func.row_number()
            .over(
                partition_by=(FlagNote.reviewer_id, FlagNote.signal),
                order_by=(FlagNote.at.desc(), FlagNote.id.desc()),
            )
            .label("rank"),
        )
        .where(FlagNote.reviewer_id.in_(wanted))
        .subquery()
    )
    latest = session.scalars(
        sa.select(FlagNote).join(ranked, ranked.c.id == FlagNote.id).where(ranked.c.rank == 1)
    ).all()
    notes: dict[int, dict[str, FlagNote]] = {}
    for note in sorted(latest, key=lambda n: (n.reviewer_id, signal_order(n.signal))):
        notes.setdefault(note.reviewer_id, {})[note.signal] = note
    return notes


def signal_order(signal: str) -> tuple[int, str]:
    """Sort key for signal ids: S2 before S10, S6 before S6b."""
    digits = "".join(ch for ch in signal[1:] if ch.isdigit())
    return (int(digits) if digits else 999, signal)


def log_line(record: DecisionRecord) -> dict[str, object]:
    """One decision in the DESIGN section 6 log format (what ``oversight analyze`` reads),
    with the optional ``edit_chars`` (null when unknown), and ``checklist`` when the
    decision had one (absent otherwise)."""
    line: dict[str, object] = {
        "reviewer": record.reviewer,
        "item": record.item,
        "source": record.source,
        "risk_tags": list(record.risk_tags),
        "words": record.words,
        "action": record.action,
        "edited": record.edited,
        "edit_chars": record.edit_chars,
        "opened_at": record.opened_at.isoformat(),
        "decided_at": record.decided_at.isoformat(),
        "active_seconds": record.active_seconds,
        "canary": record.canary,
        "canary_expected": record.canary_expected,
        "qa_agreed": record.qa_agreed,
        "reason": record.reason,
        "id": record.id,
        "link": record.link,
    }
    if record.checklist is not None:
        line["checklist"] = record.checklist
    return line
