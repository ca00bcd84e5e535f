"""Keeping the canary library: edit a canary, take it out of planting and back, and see
who caught each planted copy and who missed it (supervisors only: a reviewer must never
learn which of their items were canaries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, can
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.intake import parse_submission
from ..models import Canary, Decision, Item, User
from . import audit, paging
from .canaries import EXPECTED

CAUGHT = ("reject", "escalate")  # a planted copy rejected or escalated was caught


def update(
    session: Session, actor: Actor, canary: Canary, title: str, content: str, expected: str
) -> Canary:
    """Change a canary's title, text and expected outcome (copies already planted keep
    theirs).

    Raises:
        NotAllowed: the actor is not a supervisor.
        ValidationFailed: a bad title or text (the rules a draft follows), or an expected
            outcome other than reject or escalate.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors manage canaries")
    errors = []
    if expected not in EXPECTED:
        errors.append({"field": "expected", "message": "must be reject or escalate"})
    try:
        parse_submission({"external_id": "canary", "title": title, "content": content})
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(
        name
        for name, old, new in (
            ("title", canary.title, title),
            ("content", canary.content, content),
            ("expected", canary.expected, expected),
        )
        if old != new
    )
    canary.title, canary.content, canary.expected = title, content, expected
    session.flush()
    audit.record(
        session, actor.label, "canary.updated", f"canary:{canary.id}", {"changed": changed}
    )
    return canary


def set_active(session: Session, actor: Actor, canary: Canary, active: bool) -> Canary:
    """Take a canary out of planting (``active`` False) or put it back (audited).

    Raises:
        NotAllowed: the actor is not a supervisor.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors manage canaries")
    if canary.active != active:
        canary.active = active
        session.flush()
        audit.record(
            session,
            actor.label,
            "canary.reactivated" if active else "canary.deactivated",
            f"canary:{canary.id}",
            {},
        )
    return canary


@dataclass(frozen=True)
class Result:
    """One decision on a planted copy of a canary."""

    item_id: int
    reviewer: str
    action: str
    caught: bool
    decided_at: datetime


@dataclass(frozen=True)
class Results:
    """A page of a canary's results, and its totals (counted in SQL)."""

    page: paging.Page[Result]
    caught: int
    missed: int


def results(session: Session, canary_id: int, number: int = 1) -> Results:
    """Who caught the planted copies of a canary and who missed them, newest first, a page
    at a time.

    Raises:
        ValueError: ``number`` is not a page number.
    """
    if not 1 <= number <= paging.MAX_PAGE:
        raise ValueError(f"page must be between 1 and {paging.MAX_PAGE}")
    planted = sa.and_(Item.id == Decision.item_id, Item.canary_id == canary_id)
    caught_now = Decision.action.in_(CAUGHT)
    rows = session.execute(
        sa.select(Decision.item_id, User.name, Decision.action, Decision.decided_at)
        .join(Item, planted)
        .join(User, User.id == Decision.user_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(paging.PER_PAGE + 1)
        .offset((number - 1) * paging.PER_PAGE)
    ).all()
    shown = [
        Result(item_id, name, str(action), str(action) in CAUGHT, at)
        for item_id, name, action, at in rows[: paging.PER_PAGE]
    ]
    caught, total = session.execute(
        sa.select(sa.func.count().filter(caught_now), sa.func.count()).select_from(
            sa.join(Decision, Item, planted)
        )
    ).one()
    return Results(
        paging.Page(shown, number, len(rows) > paging.PER_PAGE), caught or 0, total - caught
    )
