"""Escalations: items a reviewer, a tag or the clock sent up to supervisors."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .item import Item
from .types import UTCDateTime
from .user import User


class Escalation(Model):
    """One escalation of one item; an item has at most one open escalation at a time."""

    __tablename__ = "escalations"
    __table_args__ = (
        sa.Index(
            "uq_escalations_open_item",
            "item_id",
            unique=True,
            postgresql_where=sa.text("resolved_at IS NULL"),
            sqlite_where=sa.text("resolved_at IS NULL"),
        ),
        # Recent resolutions, newest first, without reading the open ones.
        sa.Index(
            "ix_escalations_resolved_at",
            "resolved_at",
            postgresql_where=sa.text("resolved_at IS NOT NULL"),
            sqlite_where=sa.text("resolved_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: system
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[int] = mapped_column(default=1)
    level_since: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A claim is a lease, renewed while the supervisor's page is open; the sweep gives back
    # an abandoned one.
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.String(20))
    guidance: Mapped[str | None] = mapped_column(sa.Text)

    item: Mapped[Item] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
