"""Decision callbacks through a transactional outbox, signed per Standard Webhooks."""

from __future__ import annotations

import http.client
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..domain import callbacks, signing
from ..domain.errors import Conflict
from ..jobqueue import after_commit
from ..models import Decision, Delivery, DeliveryStatus, Item, User
from . import approvals, audit
from .sources import callback_target_problem

LEASE = timedelta(seconds=callbacks.TIMEOUT_SECONDS + 15)
_rng = random.SystemRandom()


def payload(
    session: Session, item: Item, event: str, now: datetime, reason: str | None = None
) -> dict[str, Any]:
    """The callback body: the outcome, the final text and a receipt of the review."""
    decisions = session.execute(
        sa.select(Decision, User.level)
        .join(User, User.id == Decision.user_id)
        .where(Decision.item_id == item.id)
    ).all()
    final = item.status.value in ("approved", "rejected", "withdrawn")
    return {
        "type": callbacks.EVENTS[event],
        "timestamp": now.isoformat(),
        "data": {
            "item_id": item.id,
            "external_id": item.external_id,
            "outcome": item.status.value,
            "final_content": item.final_content if item.status.value == "approved" else None,
            "edited": item.edited,
            "reason": item.outcome_reason if final else reason,
            "decided_at": item.decided_at.isoformat() if item.decided_at else None,
            "reviewers": len({d.user_id for d, _ in decisions}),
            "receipt": {
                # different people who approved the text sent (0 unless approved)
                "approvals": (
                    len(approvals.approvers(session, item.id))
                    if item.status.value == "approved"
                    else 0
                ),
                "authority_level": max((level for _, level in decisions), default=None),
                "seconds_spent": round(
                    sum((d.decided_at - d.opened_at).total_seconds() for d, _ in decisions), 1
                ),
                "routing_reason": item.routing_reason,
                "policy_version": item.policy_version_id,
            },
        },
    }


def record(
    session: Session, item: Item, outcome: str, now: datetime, reason: str | None = None
) -> Delivery | None:
    """Put the callback for ``outcome`` in the outbox (same transaction as the decision).

    Returns:
        The delivery, or None when the source has no (working) callback URL, or the item
        is a canary.
    """
    source = item.source
    if item.canary_id is not None:  # planted by reviewq: the source never hears of it
        return None
    if not source.callback_url or source.callback_disabled_at is not None:
        return None
    delivery = Delivery(
        item_id=item.id,
        source_id=source.id,
        event=callbacks.EVENTS[outcome],
        msg_id=f"msg_{uuid.uuid4().hex}",
        payload=payload(session, item, outcome, now, reason),
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    after_commit(session, "deliver", delivery.id)
    return delivery


@dataclass(frozen=True)
class Answer:
    """What the receiver said (status 0: no HTTP answer at all)."""

    status: int
    retry_after: str | None = None
    error: str | None = None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer, not an instruction to follow


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST once: 15 s timeout, no redirects followed, never raises."""
    problem = callback_target_problem(url, current_app.config["ALLOW_PRIVATE_CALLBACKS"])
    if problem:
        return Answer(0, error=problem)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=callbacks.TIMEOUT_SECONDS) as response:
            return Answer(response.status)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.headers.get("Retry-After"), f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # HTTPException: an answer that is not HTTP (BadStatusLine, IncompleteRead, ...).
        return Answer(0, error=f"{type(exc).__name__}: {exc}")


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
    session.commit()
    return taken is not None


def attempt(session: Session, delivery_id: int, now: datetime) -> str:
    """Try to deliver one callback and record the answer (commits its own transactions).

    A lease keeps two workers from sending at once; no transaction is held during the
    HTTP call. 2xx: delivered. 410: stop, and disable the source's callbacks (its other
    pending callbacks are then disabled unsent). Anything else: try again on the schedule
    (or at ``Retry-After``), then give up as failed.

    Returns:
        The delivery's status afterwards, or "skipped" when it was not due or is in flight.
    """
    started = time.monotonic()
    if not _take_lease(session, delivery_id, now):
        return "skipped"
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    assert delivery is not None  # the lease was just taken on this row
    source = delivery.source
    if source.callback_disabled_at is not None:
        # An earlier callback got 410 Gone: nothing more goes to this endpoint (an admin's
        # redeliver turns the source's callbacks back on).
        delivery.status, delivery.lease_until = DeliveryStatus.DISABLED, None
        delivery.last_error = "not sent: the source's callbacks are disabled (410 Gone)"
        return _finish(session, delivery, now)
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = {"Content-Type": "application/json", "User-Agent": "reviewq-callbacks/1"}
    headers |= signing.sign(source.secret, delivery.msg_id, body, now)
    url = source.callback_url or ""
    # End the read transaction before calling out: on SQLite every transaction holds the
    # write lock (BEGIN IMMEDIATE), so a slow receiver would stall every decision.
    session.commit()
    answer = post(url, body.encode(), headers)
    # Retry-After and the schedule count from the answer, not from when the call began.
    finished = now + timedelta(seconds=time.monotonic() - started)
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
        source.callback_disabled_at = finished
    else:
        delivery.last_error = answer.error or f"HTTP {answer.status}"
        retry_after = callbacks.parse_retry_after(answer.retry_after, finished)
        when = callbacks.next_attempt(delivery.attempts, finished, _rng, retry_after)
        if when is None:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = when
            after_commit(session, "deliver", delivery.id, at=when)
    return _finish(session, delivery, finished)


def _finish(session: Session, delivery: Delivery, at: datetime) -> str:
    """Store the delivery's new state (audited once it is final) and commit."""
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
    session.commit()
    return delivery.status.value


def due(session: Session, now: datetime) -> list[int]:
    """Pending deliveries whose time has come and that no worker is sending."""
    return list(
        session.scalars(
            sa.select(Delivery.id).where(
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= now,
                sa.or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
            )
        )
    )


def redeliver(session: Session, actor_name: str, delivery: Delivery, now: datetime) -> Delivery:
    """An admin sends a failed (or disabled) callback again, now.

    Raises:
        Conflict: it was delivered already, or is still pending.
    """
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
        actor_name,
        "delivery.redeliver",
        f"item:{delivery.item_id}",
        {"delivery": delivery.id},
        at=now,
    )
    after_commit(session, "deliver", delivery.id)
    return delivery
