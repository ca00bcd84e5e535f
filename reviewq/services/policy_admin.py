"""The risk policy as administrators change it: a whole proposed rule set, previewed
before it is saved (which queued drafts it would route differently; what the last N days
of drafts would have cost under it against the version in force), versions compared, and
queued drafts re-routed on request.

Everything is computed per distinct set of risk tags, aggregated in SQL (a million queued
drafts carry a few hundred tag sets), then resolved with ``domain.policy.resolve``.
Reviewer-hours use the oversight engine's word model of careful reading:
``careful_base_seconds + words / careful_wpm`` per reading, one reading per approval
required, and one more by a supervisor when the tag set always escalates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.authority import Actor, Permission, can
from ..domain.errors import NotAllowed, NotFound, ValidationFailed
from ..domain.oversight.settings import DEFAULT_SETTINGS
from ..domain.policy import Requirements, Rule, resolve, validate_rule
from ..domain.workflow import ItemStatus
from ..models import Item, PolicyRule, PolicyVersion
from . import audit, paging
from .policy import current

FIELDS = ("min_level", "approvals", "sla_minutes", "always_escalate", "qa_rate")
MAX_RULES = 200
SAMPLE = 50  # items listed in a preview


def _admin(actor: Actor) -> None:
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator changes the risk policy")


def check(rules: list[Rule]) -> None:
    """Raise ``ValidationFailed`` naming each bad rule (or a repeated tag)."""
    errors = [{"field": r.tag or "tag", "message": p} for r in rules for p in validate_rule(r)]
    tags = [r.tag for r in rules]
    errors += [
        {"field": t, "message": "appears more than once"}
        for t in sorted({t for t in tags if tags.count(t) > 1})
    ]
    if len(rules) > MAX_RULES:
        errors.append({"field": "rules", "message": f"at most {MAX_RULES} rules"})
    if errors:
        raise ValidationFailed(errors)


def rules_in_force(session: Session) -> dict[str, Rule]:
    """The rules of the version in force, by tag ({} before any policy)."""
    version = current(session)
    return version.as_rules() if version else {}


@dataclass(frozen=True)
class TagSet:
    """Drafts sharing one set of risk tags: how many, and their words."""

    tags: list[str]
    count: int
    words: int


def _tag_sets(session: Session, *where: sa.ColumnElement[bool]) -> list[TagSet]:
    text = sa.cast(Item.risk_tags, sa.Text)
    rows = session.execute(
        sa.select(text, sa.func.count(), sa.func.coalesce(sa.func.sum(Item.words), 0))
        .where(*where)
        .group_by(text)
    )
    return [TagSet(json.loads(tags), count, int(words)) for tags, count, words in rows]


def _needs(tags: list[str], rules: dict[str, Rule]) -> tuple:
    r = resolve(tags, rules)
    return (r.min_level, r.approvals, r.sla_minutes, r.always_escalate, r.qa_rate)


@dataclass
class Cost:
    """What a set of drafts costs under one policy."""

    drafts: int = 0
    by_level: dict[int, int] = field(default_factory=dict)
    approvals: int = 0
    escalated: int = 0
    reviewer_hours: float = 0.0


def _cost(sets: list[TagSet], rules: dict[str, Rule]) -> Cost:
    s = DEFAULT_SETTINGS
    cost = Cost()
    for group in sets:
        needs: Requirements = resolve(group.tags, rules)
        reading = group.count * s.careful_base_seconds + group.words * 60.0 / s.careful_wpm
        readings = needs.approvals + (1 if needs.always_escalate else 0)
        cost.drafts += group.count
        cost.by_level[needs.min_level] = cost.by_level.get(needs.min_level, 0) + group.count
        cost.approvals += needs.approvals * group.count
        cost.escalated += group.count if needs.always_escalate else 0
        cost.reviewer_hours += readings * reading / 3600
    return cost


@dataclass
class Preview:
    """What saving ``proposed`` would change."""

    changed_tags: list[dict]  # per tag: before / after (None: absent)
    queued_rerouted: int  # queued drafts whose requirements would differ
    queued_to_escalate: int  # of those, ones that would now always escalate (never re-routed)
    sample: list[Item]  # some of them
    days: int
    now_cost: Cost
    new_cost: Cost


def diff(before: dict[str, Rule], after: dict[str, Rule]) -> list[dict]:
    """Per tag that differs: the rule before and after (None where it does not exist)."""
    out = []
    for tag in sorted(set(before) | set(after), key=lambda t: (t == "*", t)):
        a, b = before.get(tag), after.get(tag)
        if a != b:
            changed = (
                []
                if a is None or b is None
                else [
                    f
                    for f in (*FIELDS, "checklist", "context_required")
                    if getattr(a, f) != getattr(b, f)
                ]
            )
            out.append({"tag": tag, "before": a, "after": b, "fields": changed})
    return out


def preview(
    session: Session, actor: Actor, proposed: list[Rule], days: int, now: datetime
) -> Preview:
    """What saving ``proposed`` (the whole rule set) would change, nothing saved.

    Raises:
        NotAllowed: ``actor`` may not administer.
        ValidationFailed: a bad rule, or ``days`` outside 1..90.
    """
    _admin(actor)
    check(proposed)
    if not 1 <= days <= 90:
        raise ValidationFailed([{"field": "days", "message": "must be between 1 and 90"}])
    now_rules = rules_in_force(session)
    new_rules = {r.tag: r for r in proposed}
    queued = _tag_sets(session, Item.status == ItemStatus.QUEUED)
    moved = [g for g in queued if _needs(g.tags, now_rules) != _needs(g.tags, new_rules)]
    escalating = [g for g in moved if resolve(g.tags, new_rules).always_escalate]
    sample: list[Item] = []
    if moved:
        texts = [json.dumps(g.tags) for g in moved]
        sample = list(
            session.scalars(
                sa.select(Item)
                .where(
                    Item.status == ItemStatus.QUEUED, sa.cast(Item.risk_tags, sa.Text).in_(texts)
                )
                .order_by(Item.due_at, Item.id)
                .limit(SAMPLE)
            )
        )
    recent = _tag_sets(
        session, Item.created_at >= now - timedelta(days=days), Item.canary_id.is_(None)
    )
    return Preview(
        changed_tags=diff(now_rules, new_rules),
        queued_rerouted=sum(g.count for g in moved),
        queued_to_escalate=sum(g.count for g in escalating),
        sample=sample,
        days=days,
        now_cost=_cost(recent, now_rules),
        new_cost=_cost(recent, new_rules),
    )


def save(
    session: Session, actor: Actor, proposed: list[Rule], note: str, reroute: bool, now: datetime
) -> tuple[PolicyVersion, int]:
    """Save ``proposed`` as the whole rule set of a new version (audited with its diff);
    with ``reroute``, queued drafts whose requirements change take the new version (those
    it would now always escalate keep theirs). Decided drafts never change.

    Returns:
        The new version and how many queued drafts were re-routed.

    Raises:
        NotAllowed, ValidationFailed: as ``preview``; also for an empty note.
    """
    _admin(actor)
    check(proposed)
    note = note.strip()
    if not note or len(note) > 500:
        raise ValidationFailed([{"field": "note", "message": "say why, in up to 500 characters"}])
    before = rules_in_force(session)
    after = {r.tag: r for r in proposed}
    version = PolicyVersion(created_by=actor.label, note=note, created_at=now)
    version.rules = [PolicyRule(**vars(r)) for r in proposed]
    session.add(version)
    session.flush()
    changes = diff(before, after)
    audit.record(
        session,
        actor.label,
        "policy.changed",
        f"policy:{version.id}",
        {
            "note": note,
            "changes": [
                {
                    "tag": c["tag"],
                    "before": vars(c["before"]) if c["before"] else None,
                    "after": vars(c["after"]) if c["after"] else None,
                }
                for c in changes
            ],
        },
        at=now,
    )
    moved = _reroute(session, before, after, version.id) if reroute else 0
    if reroute:
        audit.record(
            session,
            actor.label,
            "policy.rerouted",
            f"policy:{version.id}",
            {"queued_items": moved},
            at=now,
        )
    return version, moved


def _reroute(
    session: Session, before: dict[str, Rule], after: dict[str, Rule], version_id: int
) -> int:
    moved = 0
    for group in _tag_sets(session, Item.status == ItemStatus.QUEUED):
        if _needs(group.tags, before) == _needs(group.tags, after):
            continue
        needs = resolve(group.tags, after)
        if needs.always_escalate:
            continue  # escalating a queued draft is the sweep's and the reviewers' business
        where = [
            Item.status == ItemStatus.QUEUED,
            sa.cast(Item.risk_tags, sa.Text) == json.dumps(group.tags),
        ]
        values = {
            "policy_version_id": version_id,
            "min_level": needs.min_level,
            "approvals_required": needs.approvals,
            "sla_minutes": needs.sla_minutes,
            "qa_rate": needs.qa_rate,
            "priority": needs.priority,
            "routing_reason": needs.routing_reason(),
        }
        items = session.scalars(sa.select(Item).where(*where).with_for_update())
        for item in items:
            for name, value in values.items():
                setattr(item, name, value)
            item.due_at = needs.due_at(item.created_at)
            moved += 1
        session.flush()
    return moved


def versions(session: Session, actor: Actor, number: int) -> paging.Page[PolicyVersion]:
    """Page ``number`` of the policy's versions, newest first."""
    _admin(actor)
    return paging.fetch(session, sa.select(PolicyVersion).order_by(PolicyVersion.id.desc()), number)


def version(session: Session, actor: Actor, version_id: int) -> PolicyVersion:
    """One version with its rules.

    Raises:
        NotFound: no such version.
    """
    _admin(actor)
    found = session.scalar(
        sa.select(PolicyVersion)
        .options(selectinload(PolicyVersion.rules))
        .where(PolicyVersion.id == version_id)
    )
    if found is None:
        raise NotFound(f"no policy version {version_id}")
    return found
