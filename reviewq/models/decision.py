"""Decisions: one person's act on an item, with the time it took."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.workflow import Action
from ..extensions import Model
from .item import Item
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Decision(Model):
    """Approve, edit, reject, escalate or return, by one user on one item."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[Action] = mapped_column(str_enum(Action))
    item_version: Mapped[int]
    content_before: Mapped[str | None] = mapped_column(sa.Text)
    content_after: Mapped[str | None] = mapped_column(sa.Text)
    # Characters changed, whitespace aside (domain/edits.edit_size): 0 for a plain approval,
    # the size for an edit (0 when only whitespace changed); None for reject, escalate and
    # return, where no text is approved.
    edit_chars: Mapped[int | None]
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # indexed: exports, reports and windows read decisions by time
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    active_seconds: Mapped[float | None]
    # the item's checklist with each box's tick and its time, and when the context was
    # opened (domain/checklist.record); None when the item had no checklist
    checklist: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    # Taken back by its author within the undo window: the row stays (with its audit event),
    # but it counts for nothing (no approval, no oversight record, no receipt).
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[Item] = relationship()
    user: Mapped[User] = relationship()
