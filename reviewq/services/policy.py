"""Reading and changing the versioned risk policy."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import ValidationFailed
from ..domain.policy import Rule, validate_rule
from ..models import PolicyRule, PolicyVersion
from . import audit


def current(session: Session) -> PolicyVersion | None:
    """The policy version in force (the newest), or None before any rule is set."""
    return session.scalar(
        sa.select(PolicyVersion)
        .options(selectinload(PolicyVersion.rules))
        .order_by(PolicyVersion.id.desc())
        .limit(1)
    )


def set_rules(session: Session, actor: str, changes: list[Rule], note: str = "") -> PolicyVersion:
    """Make a new policy version: the current rules with ``changes`` added or replaced.

    Args:
        session: the caller's session.
        actor: who changes the policy.
        changes: the rules to set, by tag (``"*"`` is the default rule).
        note: why, kept with the version.

    Returns:
        The new version.

    Raises:
        ValidationFailed: a rule's values are out of range (nothing is changed).
    """
    errors = [{"field": r.tag, "message": p} for r in changes for p in validate_rule(r)]
    if errors:
        raise ValidationFailed(errors)
    in_force = current(session)
    rules = in_force.as_rules() if in_force else {}
    before = {r.tag: rules.get(r.tag) for r in changes}
    rules.update({r.tag: r for r in changes})
    version = PolicyVersion(created_by=actor, note=note)
    version.rules = [PolicyRule(**vars(r)) for r in rules.values()]
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor,
        "policy.changed",
        f"policy:{version.id}",
        {
            "note": note,
            "changes": [
                {
                    "tag": r.tag,
                    "before": vars(before[r.tag]) if before[r.tag] else None,
                    "after": vars(r),
                }
                for r in changes
            ],
        },
    )
    return version
