"""Risk policy: turn an item's risk tags into review requirements (DESIGN section 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .checklist import Checklist, combine, statement_problems

DEFAULT_TAG = "*"
RISK_NAMES = {1: "high", 2: "medium", 3: "low"}  # by queue priority
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,62}$")


@dataclass(frozen=True)
class Rule:
    """What one risk tag demands of the review."""

    tag: str
    min_level: int = 1
    approvals: int = 1
    sla_minutes: int = 240
    always_escalate: bool = False
    qa_rate: float = 0.05
    # friction scaled to risk: statements to tick before Approve, and whether the context
    # panel must have been opened first (``domain/checklist``)
    checklist: tuple[str, ...] = ()
    context_required: bool = False

    def describe(self) -> str:
        """One human line, as shown in "why it was routed here"."""
        parts = [
            f"level {self.min_level}+",
            f"{self.approvals} approval{'s' if self.approvals > 1 else ''}",
            f"SLA {self.sla_minutes} min",
            f"QA {self.qa_rate:.0%}",
        ]
        if self.always_escalate:
            parts.append("always escalate")
        if self.checklist:
            n = len(self.checklist)
            parts.append(f"checklist of {n} statement{'s' if n > 1 else ''}")
        if self.context_required:
            parts.append("context must be opened")
        name = "default rule" if self.tag == DEFAULT_TAG else f"tag {self.tag!r}"
        return f"{name}: " + ", ".join(parts)


BUILT_IN_DEFAULT = Rule(tag=DEFAULT_TAG)


@dataclass(frozen=True)
class Requirements:
    """The strictest combination of the rules that applied to one item."""

    min_level: int
    approvals: int
    sla_minutes: int
    always_escalate: bool
    qa_rate: float
    applied: list[Rule] = field(default_factory=list)
    unknown_tags: list[str] = field(default_factory=list)

    @property
    def priority(self) -> int:
        """Queue priority by risk: 1 high (level 3+, two approvals or escalating), 2 medium
        (level 2), 3 low. Review next takes the lowest number first."""
        if self.min_level >= 3 or self.approvals >= 2 or self.always_escalate:
            return 1
        return 2 if self.min_level == 2 else 3

    def due_at(self, received_at: datetime) -> datetime:
        """When the review must be finished, counted from when the draft arrived."""
        return received_at + timedelta(minutes=self.sla_minutes)

    def routing_reason(self) -> list[str]:
        """Why the item needs what it needs, one line per rule that applied."""
        lines = [rule.describe() for rule in self.applied]
        if self.unknown_tags:
            lines.append(
                "unknown tags got the default rule: " + ", ".join(sorted(self.unknown_tags))
            )
        return lines

    @property
    def checklist(self) -> Checklist:
        """What Approve asks on this item: the applied rules' checklists in policy order
        (rules by tag, the default rule last)."""
        ordered = sorted(self.applied, key=lambda r: (r.tag == DEFAULT_TAG, r.tag))
        return combine((r.tag, r.checklist, r.context_required) for r in ordered)


def validate_rule(rule: Rule) -> list[str]:
    """Return what is wrong with a rule, empty when it is valid."""
    problems = []
    if rule.tag != DEFAULT_TAG and not TAG_PATTERN.fullmatch(rule.tag):
        problems.append("tag must be lowercase letters, digits and . _ : - (max 63)")
    if not 1 <= rule.min_level <= 9:
        problems.append("level must be between 1 and 9")
    if rule.approvals not in (1, 2):
        problems.append("approvals must be 1 or 2")
    if not 1 <= rule.sla_minutes <= 60 * 24 * 30:
        problems.append("SLA must be between 1 minute and 30 days")
    if not 0.0 <= rule.qa_rate <= 1.0:
        problems.append("QA sample rate must be between 0 and 1")
    if not isinstance(rule.checklist, tuple):
        problems.append("the checklist must be a list of statements")
    else:
        problems.extend(statement_problems(rule.checklist))
    if not isinstance(rule.context_required, bool):
        problems.append("context required must be true or false")
    return problems


def resolve(tags: list[str], rules: dict[str, Rule]) -> Requirements:
    """Combine the rules for ``tags`` into the strictest requirements.

    Args:
        tags: the item's risk tags (already validated).
        rules: the policy in force, by tag; ``"*"`` is its default rule.

    Returns:
        The requirements; tags without a rule are listed in ``unknown_tags`` and get the
        default rule (the policy's, or the built-in one when the policy has none).
    """
    default = rules.get(DEFAULT_TAG, BUILT_IN_DEFAULT)
    applied = [rules[tag] for tag in tags if tag in rules and tag != DEFAULT_TAG]
    unknown = [tag for tag in tags if tag not in rules]
    if unknown or not applied:
        applied.append(default)
    return Requirements(
        min_level=max(r.min_level for r in applied),
        approvals=max(r.approvals for r in applied),
        sla_minutes=min(r.sla_minutes for r in applied),
        always_escalate=any(r.always_escalate for r in applied),
        qa_rate=max(r.qa_rate for r in applied),
        applied=applied,
        unknown_tags=unknown,
    )
