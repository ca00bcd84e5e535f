"""The append-only audit trail and the head of its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.audit import EventRecord
from ..extensions import Model
from .types import UTCDateTime


class AuditEvent(Model):
    """One recorded action. ``hash`` chains it to the event before (``seq - 1``)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(80))
    subject: Mapped[str] = mapped_column(sa.String(200), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    def record(self) -> EventRecord:
        """The hashed content of this event."""
        return EventRecord(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            subject=self.subject,
            data=self.data,
            prev_hash=self.prev_hash,
        )


class AuditHead(Model):
    """A single row holding the chain's last sequence number and hash.

    Updating it first serializes writers across processes (a row lock on PostgreSQL, the
    write lock on SQLite), and it lets ``audit verify`` notice events cut off the end.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
