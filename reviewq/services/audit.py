"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.audit import GENESIS, BrokenLink, EventRecord, event_hash, verify_chain
from ..models import AuditEvent, AuditHead
from ..models.types import utcnow

HEAD_ID = 1
# The head row is changed by Core statements on its table, which cost less than ORM ones.
HEAD = cast(sa.Table, AuditHead.__table__)


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the next sequence number; the UPDATE holds the chain's lock until commit."""
    stmt = (
        sa.update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(seq=HEAD.c.seq + 1)
        .returning(HEAD.c.seq, HEAD.c.hash)
    )
    row = session.execute(stmt).one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                session.add(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS))
        except IntegrityError:
            pass  # another transaction created it first
        row = session.execute(stmt).one()
    return row.seq, row.hash


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append an event to the chain, inside the caller's transaction.

    Args:
        session: the caller's session; the event commits or rolls back with its change.
        actor: who did it, e.g. ``user:ana@example.com``, ``source:support-bot``, ``cli``.
        action: what happened, e.g. ``item.submitted``.
        subject: what it happened to, e.g. ``item:42``.
        data: details worth keeping (never secrets).
        at: when; defaults to now.

    Returns:
        The new event (flushed).
    """
    session.flush()  # the caller's pending changes are written before the chain is locked
    seq, prev_hash = _advance_head(session)
    content = EventRecord(
        seq=seq,
        at=at or utcnow(),
        actor=actor,
        action=action,
        subject=subject,
        data=data or {},
        prev_hash=prev_hash,
    )
    event = AuditEvent(**vars(content), hash=event_hash(content))
    session.add(event)
    session.flush()
    session.execute(sa.update(HEAD).where(HEAD.c.id == HEAD_ID).values(hash=event.hash))
    return event


def verify(session: Session) -> tuple[int, BrokenLink | None]:
    """Walk the whole chain, then check that its end matches the head row.

    Returns:
        How many events verified, and the first broken link (None when intact).
    """
    query = sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    end = (0, GENESIS)

    def pairs(events: Iterable[AuditEvent]) -> Iterator[tuple[EventRecord, str]]:
        nonlocal end
        for event in events:
            end = (event.seq, event.hash)
            yield event.record(), event.hash

    with session.scalars(query) as events:  # closes the server-side cursor on an early stop
        count, broken = verify_chain(pairs(events))
    if broken:
        return count, broken
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq, head.hash) != end:
        return count, BrokenLink(
            end[0] + 1, f"events after {end[0]} are missing (head at {head.seq})"
        )
    return count, None
