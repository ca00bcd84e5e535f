"""The outbox of decision callbacks to AI sources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .item import Item
from .source import Source
from .types import UTCDateTime, str_enum, utcnow


class DeliveryStatus(StrEnum):
    """Where a callback is; the values are what the database stores."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # the retry schedule ran out
    DISABLED = "disabled"  # the receiver answered 410 Gone


class Delivery(Model):
    """One signed callback, written in the same transaction as the decision it reports.

    ``msg_id`` is the Standard Webhooks ``webhook-id``: the same on every try, so the receiver
    can de-duplicate. ``lease_until`` marks an attempt in flight; a worker that dies mid-call
    leaves a lease that runs out, and the sweep hands the delivery to another worker.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
        # a source's delivery log, newest first
        sa.Index("ix_deliveries_source_created", "source_id", "created_at", "id"),
        # the admins' list of callbacks not delivered, newest first (not the delivered millions)
        sa.Index(
            "ix_deliveries_undelivered",
            "created_at",
            postgresql_where=sa.text("status <> 'delivered'"),
            sqlite_where=sa.text("status <> 'delivered'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    event: Mapped[str] = mapped_column(sa.String(40))
    msg_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    source: Mapped[Source] = relationship()
