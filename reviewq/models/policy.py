"""The risk policy, versioned: every change makes a new version with all of its rules."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.policy import Rule
from ..extensions import Model
from .types import UTCDateTime, utcnow


class PolicyVersion(Model):
    """One complete, immutable version of the policy."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    rules: Mapped[list[PolicyRule]] = relationship(
        back_populates="version", order_by="PolicyRule.tag", cascade="all, delete-orphan"
    )

    def as_rules(self) -> dict[str, Rule]:
        """The version's rules as plain domain values, by tag."""
        return {r.tag: r.to_rule() for r in self.rules}


class PolicyRule(Model):
    """What one tag demands, within one policy version (tag ``*`` is the default rule)."""

    __tablename__ = "policy_rules"
    __table_args__ = (sa.UniqueConstraint("version_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_versions.id"))
    tag: Mapped[str] = mapped_column(sa.String(64))
    min_level: Mapped[int]
    approvals: Mapped[int]
    sla_minutes: Mapped[int]
    always_escalate: Mapped[bool]
    qa_rate: Mapped[float]
    # statements to tick before Approve (domain/checklist); [] for none
    checklist: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    context_required: Mapped[bool] = mapped_column(default=False)

    version: Mapped[PolicyVersion] = relationship(back_populates="rules")

    def to_rule(self) -> Rule:
        """This row as a domain ``Rule``."""
        return Rule(
            tag=self.tag,
            min_level=self.min_level,
            approvals=self.approvals,
            sla_minutes=self.sla_minutes,
            always_escalate=self.always_escalate,
            qa_rate=self.qa_rate,
            checklist=tuple(self.checklist or ()),
            context_required=self.context_required,
        )
