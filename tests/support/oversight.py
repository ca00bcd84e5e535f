"""Oversight test helpers: people who review at a chosen pace, and the oversight job run the
way the worker runs it (the pages show only stored results)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from flask import Flask

from reviewq.domain.authority import Actor
from reviewq.domain.intake import parse_submission
from reviewq.domain.workflow import Action
from reviewq.extensions import db
from reviewq.models import User
from reviewq.services import canaries, intake, pending, review, sources, users
from reviewq.services.verdicts import Verdict
from tests.support.api import draft

LONG = " ".join(["word"] * 240)  # about a minute of careful reading
_numbers = count()


def compute(app: Flask) -> dict[int, int]:
    """Compute and store the oversight results of every window, now.

    Returns:
        Decisions analysed per window, by its days.
    """
    result: dict[int, int] = app.extensions["reviewq.jobs"].run(pending.OVERSIGHT)
    return result


def add_person(email: str, name: str, role: str = "reviewer", level: int = 3) -> User:
    user = users.create_user(
        db.session, Actor.system("t"), email, name, role, level, "long-enough-pw"
    )
    db.session.commit()
    return user


def work(
    slug: str,
    email: str,
    decisions: int,
    seconds: float,
    start: datetime,
    gap: float = 100.0,
    canary_first: int = 0,
) -> list[int]:
    """``email`` claims and approves ``decisions`` fresh drafts of ``slug``, ``seconds`` on
    each, one every ``gap`` seconds from ``start``; the first ``canary_first`` are planted
    canaries (approving one misses it). Returns the item ids in the order decided."""
    src = sources.get(db.session, slug)
    actor = (users.by_email(db.session, email)).actor
    canary = None
    if canary_first:
        sue = (users.by_email(db.session, "sue@example.com")).actor
        canary = canaries.create(
            db.session, sue, src, "Refund of $9,000", "We refund $9,000 today.", [],
            "wrong_facts", "reject",
        )  # fmt: skip
    for n in range(decisions):
        k = next(_numbers)
        item, _ = intake.submit(
            db.session,
            src,
            f"work-m{k}",
            parse_submission(draft(external_id=f"work-d{k}", content=LONG, risk_tags=[])),
            start - timedelta(minutes=1),
        )
        if canary and n < canary_first:  # planted: what only the canary id tells apart
            item.canary_id = canary.id
    db.session.commit()
    decided, at = [], start
    for _ in range(decisions):
        decided.append(approve_next(actor, at, seconds))
        at += timedelta(seconds=gap)
    return decided


def approve_next(actor: Actor, at: datetime, seconds: float) -> int:
    """``actor`` claims the next item at ``at`` and approves it ``seconds`` later (committed).

    Returns:
        The item's id.
    """
    item = review.claim_next(db.session, actor, at)
    review.decide(
        db.session,
        actor,
        item,
        Verdict(Action.APPROVE, item.version, active_seconds=seconds),
        at + timedelta(seconds=seconds),
    )
    db.session.commit()
    return item.id
