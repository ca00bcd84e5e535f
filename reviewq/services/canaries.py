"""Canaries: the library of known-bad drafts and its planting rate, catch rates, and blind
second reviews of approvals.

A planted canary is an ordinary item of its source (same look, risk, timing); only
``canary_id`` marks it, and nothing a reviewer sees shows that (how: ``planting``).
Canaries are never called back and never shown to the source. Blind second reviews sample
approved items at the policy's QA rate, whoever approved them; the supervisor answering
one does not see the first decision (``blind_to_decisions``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, scoped_session

from ..domain.authority import Actor, Permission, blind_to_decisions, can
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..domain.intake import parse_submission
from ..models import Canary, Decision, Item, QaReview, Source, User
from . import audit, paging, snapshots

EXPECTED = ("reject", "escalate")
CATEGORIES = {
    "wrong_facts": "Wrong facts or figures",
    "personal_data": "Leaks personal data",
    "policy_violation": "Breaks policy",
    "unsafe_advice": "Unsafe advice",
}
MAX_RATE = 0.2
CATCHES = "catches"  # the snapshot kind (services.snapshots) of the catch rates
# decided canaries from which the page shows the sweep's count: each is a lookup of its
# decisions, so a few thousand already cost what a million index entries do
CATCHES_LARGE = 2_000
_rng = random.SystemRandom()


def create(
    session: Session,
    actor: Actor,
    source: Source,
    title: str,
    content: str,
    risk_tags: list[str],
    category: str,
    expected: str,
    context: dict[str, Any] | None = None,
) -> Canary:
    """Add a canary to the library of ``source``.

    Args:
        session: the caller's session.
        actor: the supervisor.
        source: whose drafts it joins.
        title: its title, as a draft of the source would have.
        content: the known-bad text.
        risk_tags: its tags (they route it like any draft).
        category: what is wrong with it (``CATEGORIES``).
        expected: the outcome a careful reviewer reaches (reject or escalate).
        context: what a reviewer sees beside it (prompt, conversation, documents), as the
            source sends it; keys it leaves out are laid out like the source's drafts.

    Returns:
        The new library entry.

    Raises:
        NotAllowed: the actor is not a supervisor.
        ValidationFailed: bad title, content, tags, category or expected outcome.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors manage canaries")
    errors = []
    if category not in CATEGORIES:
        errors.append({"field": "category", "message": "choose a category"})
    if expected not in EXPECTED:
        errors.append({"field": "expected", "message": "must be reject or escalate"})
    try:
        parse_submission(
            {
                "external_id": "canary",
                "title": title,
                "content": content,
                "risk_tags": risk_tags,
                "context": {} if context is None else context,
            }
        )
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    canary = Canary(
        source_id=source.id,
        title=title,
        content=content,
        risk_tags=risk_tags,
        context=context or {},
        category=category,
        expected=expected,
        created_by_id=actor.id,
    )
    session.add(canary)
    session.flush()
    audit.record(
        session,
        actor.label,
        "canary.created",
        f"source:{source.slug}",
        {"canary": canary.id, "category": category},
    )
    return canary


def set_rate(session: Session, actor: Actor, source: Source, rate: float) -> None:
    """How often canaries of ``source`` are planted (share of its incoming drafts).

    Raises:
        NotAllowed: the actor is not a supervisor.
        ValidationFailed: the rate is outside 0..0.2.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors manage canaries")
    if not 0 <= rate <= MAX_RATE:
        raise ValidationFailed(
            [{"field": "rate", "message": f"must be between 0 and {MAX_RATE:.0%}"}]
        )
    before, source.canary_rate = source.canary_rate, rate
    session.flush()
    audit.record(
        session,
        actor.label,
        "canary.rate_set",
        f"source:{source.slug}",
        {"from": before, "to": rate},
    )


def catch_rates(session: Session) -> dict[int, tuple[int, int]]:
    """Per reviewer: (canaries caught, canaries decided). Caught = rejected or escalated."""
    rows = session.execute(
        sa.select(
            Decision.user_id,
            sa.func.count().filter(Decision.action.in_(["reject", "escalate"])),
            sa.func.count(),
        )
        .join(Item, Item.id == Decision.item_id)
        # decisions taken back within their undo window, or still in it, are not scored
        .where(Item.canary_id.is_not(None), Decision.undone_at.is_(None), Item.settles_at.is_(None))
        .group_by(Decision.user_id)
    ).all()
    return {user_id: (caught, total) for user_id, caught, total in rows}


def take_catch_rates(session: Session, now: datetime) -> None:
    """Count the catch rates now and keep them for the canary page (the sweep does this
    every minute; flush only)."""
    rates = catch_rates(session)
    rows = [[user_id, caught, total] for user_id, (caught, total) in rates.items()]
    snapshots.take(session, CATCHES, now, sum(total for _, total in rates.values()), rows)


def maybe_sample(session: Session, item: Item, now: datetime) -> QaReview | None:
    """Sample a freshly approved item for a blind second review at its QA rate."""
    if item.canary_id is not None or _rng.random() >= item.qa_rate:
        return None
    review = QaReview(item_id=item.id, created_at=now)
    session.add(review)
    session.flush()
    return review


def answer(
    session: Session, actor: Actor, review: QaReview, agrees: bool, note: str, now: datetime
) -> QaReview:
    """A supervisor's blind verdict on an approved item: would they have approved it as is?

    Raises:
        NotAllowed: not a supervisor, or one of the item's own approvers.
        Conflict: already answered.
    """
    if not can(actor, Permission.SUPERVISE):
        raise NotAllowed("only supervisors do second reviews")
    if review.done_at is not None:
        raise Conflict("this second review is already done")
    deciders = set(
        session.scalars(sa.select(Decision.user_id).where(Decision.item_id == review.item_id))
    )
    if actor.id in deciders:
        raise NotAllowed("a second review must be by someone who did not decide the item")
    review.reviewer_id, review.agrees, review.note, review.done_at = actor.id, agrees, note, now
    session.flush()
    audit.record(
        session,
        actor.label,
        "qa.answered",
        f"item:{review.item_id}",
        {"agrees": agrees},
        at=now,
    )
    return review


def blind_items(
    session: Session | scoped_session[Any], actor: Actor | None, item_ids: Iterable[int]
) -> dict[int, int]:
    """Which of ``item_ids`` ``actor`` must not see the decisions of yet, and the second
    review to answer first (``domain.authority.blind_to_decisions``).

    Returns:
        Item id -> the id of its pending QA sample, for the blinded items only.
    """
    ids = set(item_ids)
    if not ids or actor is None or not can(actor, Permission.SUPERVISE):
        return {}
    pending = dict(
        session.execute(
            sa.select(QaReview.item_id, QaReview.id).where(
                QaReview.item_id.in_(ids), QaReview.done_at.is_(None)
            )
        ).all()
    )
    if not pending:
        return {}
    decided = set(
        session.scalars(
            sa.select(Decision.item_id).where(
                Decision.item_id.in_(pending), Decision.user_id == actor.id
            )
        )
    )
    return {
        item_id: review_id
        for item_id, review_id in pending.items()
        if blind_to_decisions(actor, True, item_id in decided)
    }


def without_blind_examples(
    session: Session | scoped_session[Any], actor: Actor | None, evidence: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Oversight evidence less its example decisions on items ``actor`` must second-review
    blind (an example says who decided the item, and how).

    Args:
        session: the caller's session.
        actor: who will see the evidence.
        evidence: a reviewer's evidence, each with ``examples`` naming an ``item`` id.

    Returns:
        The same evidence, without those examples.
    """
    items = {
        int(x["item"])
        for e in evidence
        for x in e.get("examples", [])
        if str(x.get("item", "")).isdigit()
    }
    hidden = {str(i) for i in blind_items(session, actor, items)}
    if not hidden:
        return evidence
    return [
        e | {"examples": [x for x in e.get("examples", []) if str(x.get("item")) not in hidden]}
        for e in evidence
    ]


@dataclass(frozen=True)
class Library:
    """What the canary page shows: the library, the sources, catch rates and plantings."""

    canaries: paging.Page[Canary]
    sources: Sequence[Source]
    rates: paging.Page[Source]  # a page of the sources, with their planting rates
    catches: list[tuple[str | int, int, int]]  # reviewer (name), caught, seen; worst first
    planted: dict[int | None, int]  # canary id -> times planted
    counted_at: datetime | None = None  # set when the catch rates are the sweep's count


def library(
    session: Session,
    number: int = 1,
    now: datetime | None = None,
    large: int | None = None,
    sources_number: int = 1,
) -> Library:
    """The canary library page's data: page ``number`` of the library (newest canary first),
    the sources by slug, catch rates, and how often each canary shown was planted.

    Catch rates over ``large`` (default ``CATCHES_LARGE``) decided canaries or more, that
    the sweep counted in the last minutes (given ``now``), are that count
    (``Library.counted_at`` set); fewer, or without a recent count, are counted now.
    The sources' planting rates are page ``sources_number`` of the sources.

    Raises:
        ValueError: ``number`` or ``sources_number`` is not a page number (``paging.fetch``).
    """
    shown = paging.fetch(
        session,
        sa.select(Canary).options(joinedload(Canary.source)).order_by(Canary.id.desc()),
        number,
    )
    large = CATCHES_LARGE if large is None else large
    snapshot = None if now is None else snapshots.usable(session, CATCHES, now, large)
    if snapshot is not None:
        rates = {user_id: (caught, total) for user_id, caught, total in snapshot.rows}
    else:
        rates = catch_rates(session)
    names = dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(rates))).all())
    planted = dict(
        session.execute(
            sa.select(Item.canary_id, sa.func.count())
            .where(Item.canary_id.in_([c.id for c in shown.rows]))
            .group_by(Item.canary_id)
        ).all()
    )
    return Library(
        canaries=shown,
        sources=session.scalars(sa.select(Source).order_by(Source.slug)).all(),
        rates=paging.fetch(
            session, sa.select(Source).order_by(Source.slug, Source.id), sources_number
        ),
        catches=sorted(
            ((names.get(uid, uid), c, t) for uid, (c, t) in rates.items()),
            key=lambda row: row[1] / row[2],
        ),
        planted=planted,
        counted_at=snapshot.counted_at if snapshot is not None else None,
    )


def qa_queue(
    session: Session, number: int = 1, done_shown: int = 20
) -> tuple[paging.Page[QaReview], int, Sequence[QaReview]]:
    """Page ``number`` of the blind second reviews waiting (oldest first), how many wait, and
    the latest ``done_shown`` answered.

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    waiting = sa.select(QaReview).where(QaReview.done_at.is_(None))
    pending = paging.fetch(
        session,
        waiting.options(joinedload(QaReview.item).load_only(Item.id, Item.title)).order_by(
            QaReview.created_at, QaReview.id
        ),
        number,
    )
    count = session.scalar(sa.select(sa.func.count()).select_from(waiting.subquery())) or 0
    done = session.scalars(
        sa.select(QaReview)
        .where(QaReview.done_at.is_not(None))
        .order_by(QaReview.done_at.desc())
        .limit(done_shown)
    ).all()
    return pending, count, done
