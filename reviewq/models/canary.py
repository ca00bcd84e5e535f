"""Canaries (known-bad drafts planted in live queues) and blind second reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .item import Item
from .source import Source
from .types import UTCDateTime, utcnow


class Canary(Model):
    """A known-bad draft in a source's voice, with the outcome a careful reviewer reaches.

    Planted copies look like any other item of the source; the expected outcome is never
    shown to reviewers.
    """

    __tablename__ = "canaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[str] = mapped_column(sa.Text)
    risk_tags: Mapped[list[str]] = mapped_column(sa.JSON)
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    category: Mapped[str] = mapped_column(sa.String(40))  # wrong facts, personal data, policy
    expected: Mapped[str] = mapped_column(sa.String(20))  # reject | escalate
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[Source] = relationship()


class CanaryPlant(Model):
    """A canary due to be planted among a source's drafts some time after the draft that
    triggered it (so it is never next to its trigger, nor arrives at the same moment).

    The next draft from the source after ``due_at``, or the sweep, plants it; ``done_at``
    is then set, and ``item_id`` names the planted item (None: the library was empty).
    """

    __tablename__ = "canary_plants"
    __table_args__ = (
        sa.Index(
            "ix_canary_plants_pending",
            "source_id",
            "due_at",
            postgresql_where=sa.text("done_at IS NULL"),
            sqlite_where=sa.text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    trigger_item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canaries.id"))
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"))


class QaReview(Model):
    """A blind second look at an approved item: the supervisor does not see the decision."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    agrees: Mapped[bool | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    item: Mapped[Item] = relationship()


class FlagNote(Model):
    """A supervisor's acknowledgement or dismissal of an oversight flag, with a note.

    Flags themselves are computed from the decisions each time; this records what a
    supervisor concluded about one (reviewer, signal) and when. It changes no permissions.
    """

    __tablename__ = "flag_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    signal: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))  # acknowledged | dismissed
    note: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
