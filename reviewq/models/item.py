"""Items: one AI output each, with the requirements its risk tags earned it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.workflow import ItemStatus
from ..extensions import Model
from .policy import PolicyVersion
from .source import Source
from .types import UTCDateTime, str_enum, utcnow
from .user import User


def _count_words(context: Any) -> int:
    """The stored draft's word count, for an insert that did not give one."""
    return len((context.get_current_parameters().get("content") or "").split())


class Item(Model):
    """A draft under review. ``version`` guards every change (optimistic locking)."""

    __tablename__ = "items"
    __table_args__ = (
        # A source's ids are unique among its real drafts only: a planted canary's ids
        # take nothing from the source, which may send the same id as a new draft.
        sa.Index(
            "uq_items_real_external_id",
            "source_id",
            "external_id",
            unique=True,
            postgresql_where=sa.text("canary_id IS NULL"),
            sqlite_where=sa.text("canary_id IS NULL"),
        ),
        sa.Index(
            "uq_items_real_webhook_id",
            "source_id",
            "webhook_id",
            unique=True,
            postgresql_where=sa.text("canary_id IS NULL"),
            sqlite_where=sa.text("canary_id IS NULL"),
        ),
        # Review next reads the queue in this order; only queued rows are indexed.
        sa.Index(
            "ix_items_queue",
            "priority",
            "due_at",
            "created_at",
            "id",
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        ),
        # Every claim asks whether the reviewer holds an item already and which leases ran
        # out: only the rows in review are indexed, so neither reads the whole table.
        sa.Index(
            "ix_items_claims",
            "claimed_by_id",
            "claim_expires_at",
            postgresql_where=sa.text("status = 'in_review'"),
            sqlite_where=sa.text("status = 'in_review'"),
        ),
        sa.Index(
            "ix_items_claim_expiry",
            "claim_expires_at",
            postgresql_where=sa.text("status = 'in_review'"),
            sqlite_where=sa.text("status = 'in_review'"),
        ),
        # The queue page's counts (by source, risk, age, overdue, level) in one index-only
        # pass: every column they group or filter on is in the index.
        sa.Index(
            "ix_items_queue_counts",
            "source_id",
            "priority",
            "min_level",
            "created_at",
            "due_at",
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        ),
        # The sweep finds the overdue among the waiting items by due time, a batch at a time.
        sa.Index(
            "ix_items_due",
            "due_at",
            postgresql_where=sa.text("status IN ('queued', 'in_review')"),
            sqlite_where=sa.text("status IN ('queued', 'in_review')"),
        ),
        # Supervisors search items by the id their source gave them, whatever the source.
        sa.Index("ix_items_external_id", "external_id"),
        # what the retention sweep looks for: decided items whose text is still kept
        sa.Index(
            "ix_items_unpurged",
            "decided_at",
            postgresql_where=sa.text("purged_at IS NULL AND decided_at IS NOT NULL"),
            sqlite_where=sa.text("purged_at IS NULL AND decided_at IS NOT NULL"),
        ),
        # The sweep settles decisions whose undo window closed (a job normally does it first).
        sa.Index(
            "ix_items_settles_at",
            "settles_at",
            postgresql_where=sa.text("settles_at IS NOT NULL"),
            sqlite_where=sa.text("settles_at IS NOT NULL"),
        ),
        # The reports read arrivals and decisions by time from these alone (index-only
        # scans): buckets, backlog, SLA by level, staffing; and join decisions to their
        # item's source, level and canary mark without reading the drafts.
        sa.Index("ix_items_report_arrivals", "created_at", "min_level", "words", "sla_minutes"),
        sa.Index(
            "ix_items_report_decided",
            "decided_at",
            "status",
            "min_level",
            "due_at",
            "created_at",
            postgresql_where=sa.text("decided_at IS NOT NULL"),
            sqlite_where=sa.text("decided_at IS NOT NULL"),
        ),
        sa.Index("ix_items_report_join", "id", "source_id", "canary_id", "min_level"),
        # The canary page counts plantings; one item in a hundred is a canary.
        sa.Index(
            "ix_items_canary",
            "canary_id",
            postgresql_where=sa.text("canary_id IS NOT NULL"),
            sqlite_where=sa.text("canary_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(sa.String(200))
    webhook_id: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[str] = mapped_column(sa.Text)
    # Words in the draft, counted once when it is stored: the oversight job reads this
    # instead of every draft's whole text. Intake sets it; the default covers other inserts.
    words: Mapped[int] = mapped_column(default=_count_words)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", sa.JSON)
    risk_tags: Mapped[list[str]] = mapped_column(sa.JSON)
    unknown_tags: Mapped[list[str]] = mapped_column(sa.JSON)

    # Requirements, fixed when the draft arrives (the policy may change later).
    policy_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("policy_versions.id"))
    min_level: Mapped[int]
    approvals_required: Mapped[int]
    sla_minutes: Mapped[int]
    always_escalate: Mapped[bool]
    qa_rate: Mapped[float]
    priority: Mapped[int] = mapped_column(default=3)  # 1 high risk, 2 medium, 3 low
    routing_reason: Mapped[list[str]] = mapped_column(sa.JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    status: Mapped[ItemStatus] = mapped_column(
        str_enum(ItemStatus), default=ItemStatus.QUEUED, index=True
    )
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who approved the current text is read from the decisions (services/approvals.py).
    version: Mapped[int] = mapped_column(default=1)

    # The reviewed text: the draft as edited by reviewers (None while nobody has edited it).
    final_content: Mapped[str | None] = mapped_column(sa.Text)
    edited: Mapped[bool] = mapped_column(default=False)
    outcome_reason: Mapped[str | None] = mapped_column(sa.Text)
    # A planted known-bad draft (never called back, never shown to the source).
    canary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canaries.id"))
    # A supervisor's note when returning an escalation; shown to the next reviewer.
    guidance: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when the retention sweep emptied its content, context and edited text (services.retention)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the consequences of the last decision are due (the end of its undo window:
    # callback, second-review sampling, the escalation); None once they ran or none wait.
    # Until then the decider may take it back and nobody else may claim the item.
    settles_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship()
    policy_version: Mapped[PolicyVersion | None] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])

    @property
    def current_content(self) -> str:
        """What a reviewer is looking at: the latest edit, or the AI's draft."""
        return self.final_content if self.final_content is not None else self.content

    __mapper_args__ = {"version_id_col": version}
