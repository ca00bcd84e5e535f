"""Live oversight: the detector of domain/oversight.py over the decisions in the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, can
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.oversight import (
    DEFAULT_SETTINGS,
    DecisionRecord,
    OversightSettings,
    RecordError,
    Report,
    analyze,
)
from ..models import Canary, Decision, FlagNote, Item, QaReview, Source, User
from . import audit

log = logging.getLogger(__name__)
ACTIONS = {"approve": "approve", "edit": "approve", "reject": "reject", "escalate": "escalate"}


def records(session: Session, since: datetime) -> Iterator[DecisionRecord]:
    """Every reviewer decision since ``since``, in the decision-log shape (DESIGN section 6).

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
        .where(Decision.decided_at >= since, Decision.action.in_(list(ACTIONS)))
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


def floor_seconds(words: int, settings: OversightSettings = DEFAULT_SETTINGS) -> float:
    """The reading floor of a text (S1): faster than this, it cannot have been read."""
    return settings.floor_base_seconds + words / settings.floor_wpm * 60


def sparklines(rows: list[DecisionRecord], last: int = 40) -> dict[str, list[float]]:
    """Per reviewer, dwell divided by the reading floor for their last ``last`` decisions
    (below 1: faster than the text can be read)."""
    lines: dict[str, list[float]] = {}
    for record in rows:
        dwell = (record.decided_at - record.opened_at).total_seconds()
        lines.setdefault(record.reviewer, []).append(dwell / floor_seconds(record.words))
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
        NotAllowed: the actor is not a supervisor.
        ValidationFailed: unknown status, or no note.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors act on oversight flags")
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
        f"user:{session.get(User, actor.id).email}",
        f"flag.{status}",
        f"user:{reviewer.id}",
        {"signal": signal, "note": note.strip()},
        at=now,
    )
    return flag


def flag_notes(session: Session, reviewer_id: int) -> dict[str, FlagNote]:
    """The latest supervisor note per signal for one reviewer."""
    notes: dict[str, FlagNote] = {}
    for note in session.scalars(
        sa.select(FlagNote).where(FlagNote.reviewer_id == reviewer_id).order_by(FlagNote.at)
    ):
        notes[note.signal] = note
    return notes


def log_line(record: DecisionRecord) -> dict[str, object]:
    """One decision in the DESIGN section 6 log format (what ``oversight analyze`` reads),
    with the optional ``edit_chars`` (null when unknown)."""
    return {
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
