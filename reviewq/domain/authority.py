"""Who may do what: roles and authority levels (DESIGN section 1), in one place.

Views, templates and services all ask ``can(actor, permission, item)``; nothing else
derives a permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A user's role; the values are what the database stores."""

    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    """Things a person may be allowed to do."""

    WORK_QUEUE = "work_queue"  # see the queue, press Review next
    VIEW_ITEM = "view_item"  # read an item page
    DECIDE = "decide"  # approve, edit, reject, escalate this item
    SUPERVISE = "supervise"  # escalations, overdue items, canaries (later issues)
    SEE_REPORTS = "see_reports"
    READ_REPORTS = "read_reports"  # the Reports pages and their JSON (managers' home)
    CONTROL_SOURCES = "control_sources"  # pause, resume, retire (also a source's owner)
    ADMINISTER = "administer"  # users, sources, secrets, policy, failed callbacks


MAX_LEVEL = 9

_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: frozenset({Permission.WORK_QUEUE, Permission.VIEW_ITEM, Permission.DECIDE}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.WORK_QUEUE,
            Permission.VIEW_ITEM,
            Permission.DECIDE,
            Permission.SUPERVISE,
            Permission.CONTROL_SOURCES,
            Permission.READ_REPORTS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.VIEW_ITEM,
            Permission.SEE_REPORTS,
            Permission.READ_REPORTS,
            Permission.CONTROL_SOURCES,
        }
    ),
    Role.ADMIN: frozenset(
        {Permission.ADMINISTER, Permission.CONTROL_SOURCES, Permission.READ_REPORTS}
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the facts authority depends on, and how the audit trail names them.

    A person's actor comes from ``User.actor`` (labelled ``user:<email>``); the service
    itself and operators at the command line act as :meth:`Actor.system`.
    """

    id: int
    role: Role
    level: int
    active: bool = True
    label: str = ""  # the audit trail's name for the actor; ``user:<id>`` when not given

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", f"user:{self.id}")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The service itself (sweeps, jobs) or an operator's command, named ``label``.

        It holds an administrator's authority (users, sources, policy, callbacks) and no
        person's id, so it never holds a claim, a decision or a source of its own.
        """
        return cls(id=0, role=Role.ADMIN, level=MAX_LEVEL, label=label)


def effective_level(actor: Actor) -> int:
    """The authority an actor brings to an item: supervisors cover every item's need."""
    return MAX_LEVEL if actor.role is Role.SUPERVISOR else actor.level


def can(actor: Actor | None, permission: Permission, min_level: int | None = None) -> bool:
    """Whether ``actor`` may do ``permission`` (on an item needing ``min_level``).

    Args:
        actor: the person, or None for an anonymous visitor.
        permission: what they want to do.
        min_level: the item's required authority, for item-level permissions.

    Returns:
        True when the role grants it and, for decisions, the level is high enough.
    """
    if actor is None or not actor.active:
        return False
    if permission not in _GRANTS[actor.role]:
        return False
    if permission is Permission.DECIDE and min_level is not None:
        return effective_level(actor) >= min_level
    return True


def can_read_item(actor: Actor | None, min_level: int, involved: bool) -> bool:
    """Whether ``actor`` may open an item needing ``min_level`` (its draft, context, history).

    Authority levels gate reading as well as deciding (need-to-know for medical, legal and
    personal data): below the item's level, only someone already involved with it (who took
    a decision on it, or holds its claim) opens it. Managers read everything.

    Args:
        actor: the person, or None for an anonymous visitor.
        min_level: the item's required authority.
        involved: ``actor`` took a decision on the item or holds its claim.

    Returns:
        True when the item may be shown to ``actor``.
    """
    if actor is None or not can(actor, Permission.VIEW_ITEM):
        return False
    return actor.role is Role.MANAGER or effective_level(actor) >= min_level or involved


def can_control_source(actor: Actor | None, owner_id: int) -> bool:
    """Pause, resume or retire a source: its owner, or a supervisor, manager or admin."""
    if actor is None or not actor.active:
        return False
    return actor.id == owner_id or can(actor, Permission.CONTROL_SOURCES)


def blind_to_decisions(actor: Actor | None, sample_pending: bool, decided_item: bool) -> bool:
    """Whether an item's decisions stay hidden from ``actor`` (blind second review).

    While an approved item's QA sample is unanswered, everyone who could answer it (anyone
    who may supervise and took no decision on the item) sees the item without its
    decisions: who decided, how, why, what they edited, and any escalation on the way.
    The item's own deciders (who may not answer it), managers and admins are not blinded;
    once the sample is answered, nobody is.

    Args:
        actor: the person looking.
        sample_pending: the item has a QA sample that is not answered yet.
        decided_item: ``actor`` took a decision on the item.

    Returns:
        True when the decisions must be hidden from ``actor``.
    """
    return sample_pending and not decided_item and can(actor, Permission.SUPERVISE)
