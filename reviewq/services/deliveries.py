"""Decision callbacks through a transactional outbox, signed per Standard Webhooks."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain import callbacks, signing
from ..domain.authority import Actor, Permission, can
from ..domain.errors import Conflict, NotAllowed
from ..domain.workflow import FINAL_STATUSES, Action, ItemStatus
from ..models import Decision, Delivery, DeliveryStatus, Item, User
from . import approvals, audit, paging, pending, tlog
from .outbound import Answer

LEASE = timedelta(seconds=callbacks.TIMEOUT_SECONDS + 15)
_rng = random.SystemRandom()


def payload(
    session: Session, item: Item, event: str, now: datetime, reason: str | None = None
) -> dict[str, Any]:
    """The callback body: the outcome, the final text and a receipt of the review."""
    return _body(session, item, event, now, reason, _decisions(session, [item.id]))


class _Decided(NamedTuple):
    user_id: int
    opened_at: datetime
    decided_at: datetime
    level: int
    action: Action
    checklist: dict[str, Any] | None


def _decisions(session: Session, item_ids: list[int]) -> dict[int, list[_Decided]]:
    """The decisions on ``item_ids`` (with each reviewer's level), by item, in one query."""
    found: dict[int, list[_Decided]] = {item_id: [] for item_id in item_ids}
    rows = session.execute(
        sa.select(
            Decision.item_id,
            Decision.user_id,
            Decision.opened_at,
            Decision.decided_at,
            User.level,
            Decision.action,
            Decision.checklist,
        )
        .join(User, User.id == Decision.user_id)
        .where(Decision.item_id.in_(item_ids), Decision.undone_at.is_(None))
        .order_by(Decision.decided_at, Decision.id)
    )
    for item_id, user_id, opened_at, decided_at, level, action, checklist in rows:
        found[item_id].append(_Decided(user_id, opened_at, decided_at, level, action, checklist))
    return found


def _body(
    session: Session,
    item: Item,
    event: str,
    now: datetime,
    reason: str | None,
    decided: dict[int, list[_Decided]],
) -> dict[str, Any]:
    decisions = decided[item.id]
    final = item.status in FINAL_STATUSES
    approved = item.status is ItemStatus.APPROVED
    body: dict[str, Any] = {
        "type": callbacks.EVENTS[event],
        "timestamp": now.isoformat(),
        "data": {
            "item_id": item.id,
            "external_id": item.external_id,
            "outcome": item.status.value,
            "final_content": item.final_content if approved else None,
            "edited": item.edited,
            "reason": item.outcome_reason if final else reason,
            "decided_at": item.decided_at.isoformat() if item.decided_at else None,
            "reviewers": len({d.user_id for d in decisions}),
            "receipt": {
                # different people who approved the text sent (0 unless approved)
                "approvals": len(approvals.approvers(session, item.id)) if approved else 0,
                "authority_level": max((d.level for d in decisions), default=None),
                "seconds_spent": round(
                    sum((d.decided_at - d.opened_at).total_seconds() for d in decisions), 1
                ),
                "routing_reason": item.routing_reason,
                "policy_version": item.policy_version_id,
            },
        },
    }
    # optional: each decision's checklist (risky tags), the ticks and their timing
    checked = [{"action": d.action.value, **d.checklist} for d in decisions if d.checklist]
    if checked:
        body["data"]["receipt"]["checklist"] = checked
    return body


def _sends(item: Item) -> bool:
    """Whether ``item``'s source hears of it: a working callback URL, and not a canary
    (planted by reviewq: the source never hears of it)."""
    source = item.source
    return (
        item.canary_id is None and bool(source.callback_url) and source.callback_disabled_at is None
    )


def record(
    session: Session, item: Item, outcome: str, now: datetime, reason: str | None = None
) -> Delivery | None:
    """Put the callback for ``outcome`` in the outbox (same transaction as the decision).

    Returns:
        The delivery, or None when the source has no (working) callback URL, or the item
        is a canary.
    """
    if not _sends(item):
        return None
    body = payload(session, item, outcome, now, reason)
    # The decision's audit event (recorded just before, in this transaction); the first
    # try adds the checkpoint that seals it (``lease``).
    body["data"]["receipt"]["audit"] = {"event": audit.latest_for(session, f"item:{item.id}")}
    delivery = Delivery(
        item_id=item.id,
        source_id=item.source.id,
        event=callbacks.EVENTS[outcome],
        msg_id=f"msg_{uuid.uuid4().hex}",
        payload=body,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    pending.run_after_commit(session, pending.deliver(delivery.id, delivery.attempts))
    return delivery


DELIVERIES = cast(sa.Table, Delivery.__table__)
_INSERT = sa.insert(DELIVERIES).returning(DELIVERIES.c.id, sort_by_parameter_order=True)


def record_many(
    session: Session,
    items: Sequence[Item],
    outcome: str,
    now: datetime,
    reason: str | None,
    events: Mapping[int, int],
) -> list[int]:
    """``record`` for each of ``items``, with one query for their decisions and one insert.

    Args:
        session: the caller's session.
        items: the items (their sources loaded or loadable).
        outcome: what happened to each.
        now: when.
        reason: why, for each.
        events: the audit event each item's callback reports, by item id.

    Returns:
        The ids of the new deliveries (none for an item whose source does not hear of it).
    """
    sent = [item for item in items if _sends(item)]
    if not sent:
        return []
    decided = _decisions(session, [item.id for item in sent])
    rows = []
    for item in sent:
        body = _body(session, item, outcome, now, reason, decided)
        body["data"]["receipt"]["audit"] = {"event": events[item.id]}
        rows.append(
            {
                "item_id": item.id,
                "source_id": item.source_id,
                "event": callbacks.EVENTS[outcome],
                "msg_id": f"msg_{uuid.uuid4().hex}",
                "payload": body,
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    ids = list(session.execute(_INSERT, rows).scalars())
    for delivery_id in ids:
        pending.run_after_commit(session, pending.deliver(delivery_id, 0))
    return ids


@dataclass(frozen=True)
class Outgoing:
    """One try of a callback, ready to send: where to, and the exact signed bytes."""

    delivery_id: int
    url: str
    body: bytes
    headers: dict[str, str]


def _take_lease(session: Session, delivery_id: int, now: datetime) -> bool:
    taken = session.execute(
        sa.update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now + timedelta(seconds=1),
            sa.or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .values(lease_until=now + LEASE)
        .returning(Delivery.id),
        execution_options={"synchronize_session": False},
    ).scalar()
    return taken is not None


def lease(session: Session, delivery_id: int, now: datetime) -> Outgoing | None:
    """Take the lease of a due callback for one try, and sign it (the caller commits, then
    sends with no transaction open, then calls ``record_answer``).

    The lease keeps two workers from sending at once; one whose worker died runs out and
    the sweep offers the callback again. A callback whose source got 410 Gone earlier is
    not sent: it is marked disabled here (an admin's redeliver turns the source back on).

    Returns:
        The request to send, or None when there is nothing to send: not due, in flight
        elsewhere, no longer pending, or its source's callbacks are disabled.
    """
    if not _take_lease(session, delivery_id, now):
        return None
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    assert delivery is not None  # the lease was just taken on this row
    source = delivery.source
    if source.callback_disabled_at is not None:
        delivery.status, delivery.lease_until = DeliveryStatus.DISABLED, None
        delivery.last_error = "not sent: the source's callbacks are disabled (410 Gone)"
        _finish(session, delivery, now)
        return None
    _witness(session, delivery)
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = {"Content-Type": "application/json", "User-Agent": "reviewq-callbacks/1"}
    headers |= signing.sign(source.secret, delivery.msg_id, body, now)
    return Outgoing(delivery.id, source.callback_url or "", body.encode(), headers)


def _witness(session: Session, delivery: Delivery) -> None:
    """On the first try, put the newest signed checkpoint and the decision event's leaf in
    the receipt (the job seals just before, so it normally includes the decision; if a slow
    transaction held the event back, ``leaf`` is null and the proof endpoint proves it
    later). Retries send the same body."""
    receipt = delivery.payload.get("data", {}).get("receipt", {})
    witness = receipt.get("audit")
    if witness is None or "checkpoint" in witness:
        return
    head = tlog.newest(session)
    event_id = witness.get("event")
    leaf = tlog.leaf_of(session, event_id) if event_id is not None else None
    witness = {
        "event": event_id,
        "leaf": leaf if head is not None and leaf is not None and leaf < head.size else None,
        "checkpoint": head.note if head is not None else None,
    }
    data = {**delivery.payload["data"], "receipt": {**receipt, "audit": witness}}
    delivery.payload = {**delivery.payload, "data": data}


def record_answer(session: Session, delivery_id: int, answer: Answer, finished: datetime) -> str:
    """Store what the receiver said about a leased try (the caller commits).

    2xx: delivered. 410: stop, and disable the source's callbacks (its other pending
    callbacks are then disabled unsent). Anything else: try again on the schedule (or at
    ``Retry-After``), then give up as failed.

    Returns:
        The delivery's status afterwards.
    """
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    assert delivery is not None  # leased by this caller: callbacks are never deleted
    delivery.attempts += 1
    delivery.last_status = answer.status or None
    delivery.lease_until = None
    if 200 <= answer.status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED,
            finished,
            None,
        )
    elif answer.status == 410:
        delivery.status, delivery.last_error = DeliveryStatus.DISABLED, "410 Gone"
        delivery.source.callback_disabled_at = finished
    else:
        delivery.last_error = answer.error or f"HTTP {answer.status}"
        retry_after = callbacks.parse_retry_after(answer.retry_after, finished)
        when = callbacks.next_attempt(delivery.attempts, finished, _rng, retry_after)
        if when is None:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = when
            pending.run_after_commit(session, pending.deliver(delivery.id, delivery.attempts, when))
    _finish(session, delivery, finished)
    return delivery.status.value


def _finish(session: Session, delivery: Delivery, at: datetime) -> None:
    """Store the delivery's new state, audited once it is final."""
    session.flush()
    if delivery.status is not DeliveryStatus.PENDING:
        audit.record(
            session,
            "system",
            f"delivery.{delivery.status.value}",
            f"item:{delivery.item_id}",
            {
                "delivery": delivery.id,
                "event": delivery.event,
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
            },
            at=at,
        )


def due(session: Session, now: datetime) -> list[int]:
    """Pending deliveries whose time has come and that no worker is sending."""
    return [delivery_id for delivery_id, _ in _due(session, now)]


def _due(session: Session, now: datetime) -> list[tuple[int, int]]:
    rows = session.execute(
        sa.select(Delivery.id, Delivery.attempts).where(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now,
            sa.or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
    )
    return [(delivery_id, attempts) for delivery_id, attempts in rows]


def offer_due(session: Session, now: datetime) -> list[int]:
    """Ask (after commit) for a try of every due delivery; one whose try is still waiting
    in the queue is not queued again (each try has its own job key).

    Returns:
        The ids of the due deliveries.
    """
    found = _due(session, now)
    for delivery_id, attempts in found:
        pending.run_after_commit(session, pending.deliver(delivery_id, attempts))
    return [delivery_id for delivery_id, _ in found]


def redeliver(session: Session, actor: Actor, delivery: Delivery, now: datetime) -> Delivery:
    """An admin sends a failed (or disabled) callback again, now.

    Raises:
        NotAllowed: ``actor`` may not administer.
        Conflict: it was delivered already, or is still pending.
    """
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator resends callbacks")
    if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.DISABLED):
        raise Conflict(f"this callback is {delivery.status.value}; only failed ones are resent")
    delivery.status, delivery.next_attempt_at, delivery.lease_until = (
        DeliveryStatus.PENDING,
        now,
        None,
    )
    delivery.source.callback_disabled_at = None
    session.flush()
    audit.record(
        session,
        actor.label,
        "delivery.redeliver",
        f"item:{delivery.item_id}",
        {"delivery": delivery.id},
        at=now,
    )
    pending.run_after_commit(session, pending.deliver(delivery.id, delivery.attempts))
    return delivery


def undelivered(session: Session, number: int = 1) -> paging.Page[Delivery]:
    """Page ``number`` of the callbacks not (yet) delivered, newest first: failed, refused
    (410) and pending (on a partial index: the delivered millions are never read).

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    return paging.fetch(
        session,
        sa.select(Delivery)
        .options(joinedload(Delivery.source))
        .where(Delivery.status != DeliveryStatus.DELIVERED)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc()),
        number,
    )
