"""Administering a source beyond its status: its API tokens, callback URL (with a test
callback), owner and delivery log. Secrets and the first token are made by
``sources.create_source`` and ``sources.rotate_secret``; both are shown once by the caller.

Every change is one transaction with its audit event; only administrators make them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import callbacks, signing
from ..domain.authority import Actor, Permission, can
from ..domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import Delivery, Source, SourceToken
from . import audit, outbound, paging
from .sources import callback_url_problems
from .users import by_email

MAX_TOKENS_SHOWN = 100


def _admin(actor: Actor) -> None:
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator manages a source's tokens, callback and owner")


def tokens(session: Session, actor: Actor, source: Source) -> list[SourceToken]:
    """The source's API tokens (hashes only), live ones first, newest first."""
    _admin(actor)
    return list(
        session.scalars(
            sa.select(SourceToken)
            .where(SourceToken.source_id == source.id)
            .order_by(SourceToken.revoked_at.is_not(None), SourceToken.id.desc())
            .limit(MAX_TOKENS_SHOWN)
        )
    )


def revoke_token(
    session: Session, actor: Actor, source: Source, token_id: int, now: datetime
) -> SourceToken:
    """Stop a token working at once (audited).

    Raises:
        NotFound: the source has no such token.
        Conflict: it is revoked already.
    """
    _admin(actor)
    token = session.scalar(
        sa.select(SourceToken).where(SourceToken.id == token_id, SourceToken.source_id == source.id)
    )
    if token is None:
        raise NotFound(f"{source.slug} has no token {token_id}")
    if token.revoked_at is not None:
        raise Conflict(f"the token {token.name!r} is revoked already")
    token.revoked_at = now
    session.flush()
    audit.record(
        session,
        actor.label,
        "source.token_revoked",
        f"source:{source.slug}",
        {"token": token.id, "name": token.name},
        at=now,
    )
    return token


def set_callback(
    session: Session,
    actor: Actor,
    source: Source,
    url: str | None,
    allow_private: bool,
    now: datetime,
) -> None:
    """Set (or clear, with None) where decisions are sent; the SSRF rules apply. A new URL
    also ends a "disabled after 410 Gone" state.

    Raises:
        ValidationFailed: not an https URL, or one that points inside the network.
    """
    _admin(actor)
    url = (url or "").strip() or None
    errors = callback_url_problems(url, allow_private)
    if errors:
        raise ValidationFailed(errors)
    if url == source.callback_url:
        return
    before = source.callback_url
    source.callback_url = url
    source.callback_disabled_at = None
    session.flush()
    audit.record(
        session,
        actor.label,
        "source.callback_changed",
        f"source:{source.slug}",
        {"from": before, "to": url},
        at=now,
    )


def change_owner(session: Session, actor: Actor, source: Source, email: str, now: datetime) -> None:
    """Make another person the source's owner (audited from whom to whom).

    Raises:
        ValidationFailed: no active person with that email.
    """
    _admin(actor)
    owner = by_email(session, email)
    if owner is None or not owner.active:
        raise ValidationFailed([{"field": "owner", "message": f"no active person {email!r}"}])
    if owner.id == source.owner_id:
        return
    before = source.owner.email
    source.owner_id = owner.id
    session.flush()
    audit.record(
        session,
        actor.label,
        "source.owner_changed",
        f"source:{source.slug}",
        {"from": before, "to": owner.email},
        at=now,
    )


@dataclass(frozen=True)
class TestCall:
    """A signed test callback to send with no transaction open (``send_test``)."""

    url: str
    body: bytes
    headers: dict[str, str]
    msg_id: str


def test_call(session: Session, actor: Actor, source: Source, now: datetime) -> TestCall:
    """The signed ``reviewq.test`` callback for the source's callback URL.

    Raises:
        Conflict: the source has no callback URL.
    """
    _admin(actor)
    if not source.callback_url:
        raise Conflict(f"{source.slug} has no callback URL to test")
    msg_id = f"msg_test_{uuid.uuid4().hex}"
    body = json.dumps(
        {
            "type": "reviewq.test",
            "timestamp": now.isoformat(),
            "data": {"source": source.slug, "note": "a test from reviewq: no decision"},
        },
        separators=(",", ":"),
    )
    headers = {"Content-Type": "application/json", "User-Agent": "reviewq-callbacks/1"}
    headers |= signing.sign(source.secret, msg_id, body, now)
    return TestCall(source.callback_url, body.encode(), headers, msg_id)


def send_test(call: TestCall, allow_private: bool) -> outbound.Answer:
    """POST the test callback (call with no transaction open: it waits on the network)."""
    return outbound.post(
        call.url,
        call.body,
        call.headers,
        allow_private=allow_private,
        timeout=callbacks.TIMEOUT_SECONDS,
    )


def record_test(
    session: Session,
    actor: Actor,
    source: Source,
    call: TestCall,
    answer: outbound.Answer,
    now: datetime,
) -> None:
    """The test callback and the receiver's answer, in the audit trail."""
    audit.record(
        session,
        actor.label,
        "source.callback_tested",
        f"source:{source.slug}",
        {
            "url": call.url,
            "webhook_id": call.msg_id,
            "status": answer.status,
            "error": answer.error,
        },
        at=now,
    )


def delivery_log(
    session: Session, actor: Actor, source: Source, number: int
) -> paging.Page[Delivery]:
    """Page ``number`` of the source's callbacks, newest first, delivered or not.

    Raises:
        ValueError: ``number`` is not a page number.
    """
    _admin(actor)
    return paging.fetch(
        session,
        sa.select(Delivery)
        .where(Delivery.source_id == source.id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc()),
        number,
        per_page=25,
    )
