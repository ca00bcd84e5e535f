"""Reading and changing the versioned risk policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.authority import Actor, Permission, can
from ..domain.checklist import Checklist
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.policy import DEFAULT_TAG, Rule, resolve, validate_rule
from ..models import Item, PolicyRule, PolicyVersion
from . import audit


@dataclass(frozen=True)
class InForce:
    """The policy that routes a draft: a version's id and rules (None and {} before any)."""

    version_id: int | None
    rules: dict[str, Rule] = field(default_factory=dict)


# Versions never change once written (a change makes a new one), so each process keeps the
# rules of the last version it read. The key includes created_at because ids can be reused
# when the tables are emptied (tests, a restored backup) while the process lives on.
_last_read: tuple[tuple[int, datetime], dict[str, Rule]] | None = None


def newest_version() -> sa.Subquery:
    """A subquery with the ``id`` and ``created_at`` of the version in force (no row before
    any policy is set), to read it in the same query as something else."""
    return (
        sa.select(PolicyVersion.id, PolicyVersion.created_at)
        .order_by(PolicyVersion.id.desc())
        .limit(1)
        .subquery("newest_policy")
    )


def in_force(session: Session) -> InForce:
    """The policy in force now (the newest version), its rules cached per process."""
    newest = newest_version()
    row = session.execute(sa.select(newest.c.id, newest.c.created_at)).first()
    return in_force_for(session, *row) if row else InForce(None)


def in_force_for(session: Session, version_id: int | None, created_at: datetime | None) -> InForce:
    """The policy of a version read by the caller (e.g. through ``newest_version``).

    Args:
        session: the caller's session (queried only the first time a version is seen).
        version_id: the version's id; None means no policy is set.
        created_at: the version's creation time, which tells reused ids apart.

    Returns:
        The version with a copy of its rules, by tag.
    """
    global _last_read
    if version_id is None or created_at is None:
        return InForce(None)
    key = (version_id, created_at)
    cached = _last_read
    if cached is None or cached[0] != key:
        query = sa.select(PolicyRule).where(PolicyRule.version_id == version_id)
        rows = session.scalars(query.order_by(PolicyRule.tag))
        cached = _last_read = (key, {r.tag: r.to_rule() for r in rows})
    return InForce(version_id, dict(cached[1]))


def checklist_for(session: Session, item: Item) -> Checklist:
    """What Approve asks on ``item``: the checklist of the policy version that routed it
    (versions never change, so the page and the decision read the same statements).

    One query for the rules of the item's tags and the default rule; an item routed before
    any policy (or by the built-in default) has no checklist.
    """
    if item.policy_version_id is None:
        return Checklist()
    rows = session.scalars(
        sa.select(PolicyRule).where(
            PolicyRule.version_id == item.policy_version_id,
            PolicyRule.tag.in_([*item.risk_tags, DEFAULT_TAG]),
        )
    )
    rules = {r.tag: r.to_rule() for r in rows}
    return resolve(list(item.risk_tags), rules).checklist


def current(session: Session) -> PolicyVersion | None:
    """The policy version in force (the newest), or None before any rule is set."""
    return session.scalar(
        sa.select(PolicyVersion)
        .options(selectinload(PolicyVersion.rules))
        .order_by(PolicyVersion.id.desc())
        .limit(1)
    )


def set_rules(session: Session, actor: Actor, changes: list[Rule], note: str = "") -> PolicyVersion:
    """Make a new policy version: the current rules with ``changes`` added or replaced.

    Args:
        session: the caller's session.
        actor: who changes the policy.
        changes: the rules to set, by tag (``"*"`` is the default rule).
        note: why, kept with the version.

    Returns:
        The new version.

    Raises:
        NotAllowed: ``actor`` may not administer.
        ValidationFailed: a rule's values are out of range (nothing is changed).
    """
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator changes the policy")
    errors = [{"field": r.tag, "message": p} for r in changes for p in validate_rule(r)]
    if errors:
        raise ValidationFailed(errors)
    in_force = current(session)
    rules = in_force.as_rules() if in_force else {}
    before = {r.tag: rules.get(r.tag) for r in changes}
    rules.update({r.tag: r for r in changes})
    version = PolicyVersion(created_by=actor.label, note=note)
    version.rules = [PolicyRule(**vars(r)) for r in rules.values()]
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor.label,
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
