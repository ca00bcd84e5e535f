"""The audit log: append-only events, the Merkle tree the sealer builds over them, and its
signed checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.audit import EventRecord, content_hash, event_hash
from ..extensions import Model
from .types import UTCDateTime


class AuditEvent(Model):
    """One recorded action, inserted in the transaction of the change it records.

    ``hash`` covers the content; ``leaf`` is its position in the log, set once by the
    sealer. On PostgreSQL ``xid`` is the inserting transaction (a server default the
    migration sets, ``pg_current_xact_id()``): the sealer takes an event only once every
    transaction that could still commit an earlier one has ended. ``seq`` and ``prev_hash``
    belong to events of the old hash chain (before revision 0010), null for later ones.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        # The audit trail page, newest first, filtered by action or actor (ids in order).
        sa.Index("ix_audit_events_action_id", "action", "id"),
        sa.Index("ix_audit_events_actor_id", "actor", "id"),
        # What the sealer looks for: a small index of the few events not sealed yet.
        sa.Index(
            "ix_audit_events_unsealed",
            "id",
            postgresql_where=sa.text("leaf IS NULL"),
            sqlite_where=sa.text("leaf IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(80))
    subject: Mapped[str] = mapped_column(sa.String(200), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    hash: Mapped[str] = mapped_column(sa.String(64))
    xid: Mapped[int | None] = mapped_column(sa.BigInteger)
    leaf: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))

    def computed_hash(self) -> str:
        """The hash its content gives now (an edited event no longer matches ``hash``)."""
        if self.seq is not None and self.prev_hash is not None:
            return event_hash(self.chained())
        return content_hash(self.at, self.actor, self.action, self.subject, self.data)

    def chained(self) -> EventRecord:
        """The hashed content of an event of the old chain."""
        assert self.seq is not None and self.prev_hash is not None
        return EventRecord(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            subject=self.subject,
            data=self.data,
            prev_hash=self.prev_hash,
        )


class AuditNode(Model):
    """The hash of one perfect subtree of the log's Merkle tree (2**level leaves from
    index * 2**level); level 0 holds the leaf hashes. Proofs and roots read O(log n) of
    these; they are a cache of the events, and a wrong one makes a proof fail, never pass."""

    __tablename__ = "audit_nodes"

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))


class AuditCheckpoint(Model):
    """A signed checkpoint of the log: its size, root and time, and the signed note."""

    __tablename__ = "audit_checkpoints"

    size: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.Text)
