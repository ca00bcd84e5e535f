"""Accepting drafts from AI sources, and the source-side actions on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..domain import policy as policy_rules
from ..domain.errors import NotFound, SourceUnavailable
from ..domain.intake import Submission
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import Item, Source, SourceStatus
from . import audit, effects, planting
from . import policy as policy_service
from .policy import InForce


def ensure_accepting(source: Source) -> None:
    """Refuse drafts from a paused or retired source.

    Raises:
        SourceUnavailable: with the status and the reason given for it.
    """
    if source.status is not SourceStatus.ACTIVE:
        raise SourceUnavailable(source.slug, source.status, source.status_reason)


def item_values(
    source_id: int, webhook_id: str, draft: Submission, now: datetime, policy: InForce
) -> dict[str, Any]:
    """The new item's columns: the draft, and what the policy demands for its risk tags.

    Every path that stores a draft takes its columns from here (the ORM path below and the
    cached one in ``receiving``), so a new column set at intake is added once.
    """
    needs = policy_rules.resolve(draft.risk_tags, policy.rules)
    reasons = needs.routing_reason()
    if policy.version_id is None:
        reasons.insert(0, "no risk policy is set yet: the built-in default rule applied")
    return dict(
        source_id=source_id,
        external_id=draft.external_id,
        webhook_id=webhook_id,
        title=draft.title,
        content=draft.content,
        words=len(draft.content.split()),  # the oversight job reads this, not the content
        content_type=draft.content_type,
        context=draft.context,
        meta=draft.metadata,
        risk_tags=draft.risk_tags,
        unknown_tags=needs.unknown_tags,
        policy_version_id=policy.version_id,
        min_level=needs.min_level,
        approvals_required=needs.approvals,
        sla_minutes=needs.sla_minutes,
        always_escalate=needs.always_escalate,
        qa_rate=needs.qa_rate,
        priority=needs.priority,
        routing_reason=reasons,
        due_at=needs.due_at(now),
        status=ItemStatus.ESCALATED if needs.always_escalate else ItemStatus.QUEUED,
        created_at=now,
        updated_at=now,
    )


def _insert_unless_seen(session: Session, values: dict[str, Any]) -> Item | None:
    """INSERT the item unless its source already sent this webhook-id or external_id.

    One statement checks and inserts: a concurrent identical request waits on the unique
    index until the first one commits, then inserts nothing, so exactly one creates the item.

    Returns:
        The stored item, or None when one of the source's unique keys was already taken.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Item).values(values).on_conflict_do_nothing().returning(Item)
    return session.scalars(stmt).one_or_none()


def _existing(session: Session, source: Source, webhook_id: str, external_id: str) -> Item:
    """The real item a repeated draft matches; a webhook-id replay wins over an external_id
    match. Canaries never match: their ids are not the source's.

    Raises:
        NoResultFound: neither matches (the caller only asks after a unique conflict).
    """
    return session.scalars(
        sa.select(Item)
        .where(
            Item.source_id == source.id,
            Item.canary_id.is_(None),
            sa.or_(Item.webhook_id == webhook_id, Item.external_id == external_id),
        )
        .order_by(Item.webhook_id != webhook_id)
        .limit(1)
    ).one()


def submit(
    session: Session,
    source: Source,
    webhook_id: str,
    draft: Submission,
    now: datetime,
    policy: InForce | None = None,
) -> tuple[Item, bool]:
    """Store a verified draft, or find the one it repeats. Canaries due by now are stored
    first; a real new draft may schedule one (``planting``).

    Args:
        session: the caller's session.
        source: the verified sender.
        webhook_id: the message id from the signature headers (replays reuse it).
        draft: the validated submission.
        now: when it was received.
        policy: the policy in force, when the caller has read it; None reads it here.

    Returns:
        The item and whether it was created (False: the same webhook-id or external_id
        was seen before, and nothing new was stored).

    Raises:
        SourceUnavailable: the source is paused or retired.
    """
    ensure_accepting(source)
    if policy is None:
        policy = policy_service.in_force(session)
    if source.canary_rate > 0:  # canaries due now arrive just before this draft
        _plant_due(session, source, now, policy)
    item, created = _store(session, source, webhook_id, draft, now, policy)
    if created:
        planting.schedule(session, item, now)
    return item, created


def plant_due(session: Session, now: datetime) -> int:
    """Plant every canary that is due, for sources that sent nothing since (the sweep).

    Returns:
        How many canaries were planted.
    """
    sources = planting.sources_due(session, now)
    policy = policy_service.in_force(session) if sources else InForce(None)
    return sum(_plant_due(session, source, now, policy) for source in sources)


def _plant_due(session: Session, source: Source, now: datetime, policy: InForce) -> int:
    """Store the source's due canaries as drafts of the source; how many were stored."""
    plants = planting.take_due(session, source, now)
    for plant in plants:
        item, _ = _store(
            session, source, plant.webhook_id, plant.draft, plant.at, policy, plant.canary.id
        )
        planting.planted(session, plant, item)
    return len(plants)


def _store(
    session: Session,
    source: Source,
    webhook_id: str,
    draft: Submission,
    now: datetime,
    policy: InForce,
    canary_id: int | None = None,
) -> tuple[Item, bool]:
    """Insert the draft (a real one, or a canary's) with its audit event and consequences.

    Returns:
        The item and whether it was created.
    """
    values = item_values(source.id, webhook_id, draft, now, policy) | {"canary_id": canary_id}
    item = _insert_unless_seen(session, values)
    if item is None:
        return _existing(session, source, webhook_id, draft.external_id), False
    record_submitted(session, source.slug, item.id, values)
    if item.status is ItemStatus.ESCALATED:
        tags = [t for t in item.risk_tags if t in policy.rules and policy.rules[t].always_escalate]
        reason = "always-escalate tag: " + ", ".join(tags or ["default rule"])
        effects.after_change(session, item, now, reason=reason)
    return item, True


def record_submitted(session: Session, slug: str, item_id: int, values: dict[str, Any]) -> None:
    """The audit event of a stored draft (one per draft, whichever path stored it)."""
    actor, action, data = submitted_event(slug, values)
    audit.record(session, actor, action, f"item:{item_id}", data, at=values["created_at"])


def submitted_event(slug: str, values: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The actor, action and data of a stored draft's event (it is about the item, at the
    item's ``created_at``): ``record_submitted`` records it, and so does the one-statement
    path on PostgreSQL (``receiving_pg``)."""
    return (
        f"source:{slug}",
        "item.submitted",
        {
            "external_id": values["external_id"],
            "webhook_id": values["webhook_id"],
            "risk_tags": values["risk_tags"],
            "status": values["status"],
            "policy_version": values["policy_version_id"],
        },
    )


def item_for_source(session: Session, source: Source, item_id: int) -> Item:
    """One of the source's own items.

    Raises:
        NotFound: no such item, or it belongs to another source (indistinguishable).
    """
    item = session.get(Item, item_id)
    if item is None or item.source_id != source.id or item.canary_id is not None:
        raise NotFound(f"no item {item_id}")
    return item


def items_of(
    session: Session, source: Source, limit: int, external_id: str | None = None
) -> Sequence[Item]:
    """``source``'s own items (never a planted canary), newest first, optionally only the
    ones with ``external_id``."""
    query = sa.select(Item).where(Item.source_id == source.id, Item.canary_id.is_(None))
    if external_id is not None:
        query = query.where(Item.external_id == external_id)
    return session.scalars(query.order_by(Item.id.desc()).limit(limit)).all()


def withdraw(session: Session, source: Source, item: Item, now: datetime) -> Item:
    """The source takes back an undecided draft; withdrawing twice is harmless.

    Raises:
        IllegalTransition: the item is already approved or rejected.
    """
    if item.status is ItemStatus.WITHDRAWN:
        return item
    previous = item.status
    item.status = next_status(item.status, Action.WITHDRAW)
    item.claimed_by_id = item.claim_expires_at = None
    item.decided_at = now
    session.flush()
    audit.record(
        session,
        f"source:{source.slug}",
        "item.withdrawn",
        f"item:{item.id}",
        {"from": previous},
        at=now,
    )
    effects.after_change(session, item, now)
    return item
