"""Administering people: find, invite, change role and level, deactivate and reactivate,
one-time links to set a password, and changing one's own password.

Rules every change keeps: only an administrator changes other people; nobody changes their
own role, level or active state here (an admin cannot lower themselves); the last active
admin can be neither demoted nor deactivated. Each change is one transaction with its audit
event, which names who, what and, for a role change, from what to what.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, Role, can
from ..domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..domain.passwords import password_problem
from ..domain.signing import token_hash
from ..domain.workflow import Action, ItemStatus, next_status
from ..models import AccountLink, Escalation, Item, User, UserSession
from . import audit, paging
from .users import create_user, person_problems, role_problems

LINK_LIFETIME = {"invite": timedelta(hours=72), "reset": timedelta(hours=24)}
NO_PASSWORD = "!"  # no hash matches it: an invited person signs in once they set one


@dataclass(frozen=True)
class Filter:
    """What the people list shows: a search in name or email, a role, active or not."""

    text: str = ""
    role: Role | None = None
    active: bool | None = None


def _admin(actor: Actor) -> None:
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator manages people")


def search(session: Session, actor: Actor, where: Filter, page: int) -> paging.Page[User]:
    """One page of people, by name (then id), matching ``where``.

    Raises:
        NotAllowed: ``actor`` may not administer.
    """
    _admin(actor)
    stmt = sa.select(User)
    if where.text:
        like = (
            "%"
            + where.text.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            + "%"
        )
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).like(like, escape="\\"),
                User.email.like(like, escape="\\"),
            )
        )
    if where.role is not None:
        stmt = stmt.where(User.role == where.role)
    if where.active is not None:
        stmt = stmt.where(User.active.is_(where.active))
    return paging.fetch(session, stmt.order_by(User.name, User.id), page)


def get(session: Session, actor: Actor, user_id: int) -> User:
    """The person with ``user_id``.

    Raises:
        NotAllowed: ``actor`` may not administer.
        NotFound: no such person.
    """
    _admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no person {user_id}")
    return user


def _new_link(session: Session, actor: Actor, user: User, purpose: str, now: datetime) -> str:
    """A fresh one-time link token for ``user`` (older unused links of the kind revoked)."""
    session.execute(
        sa.update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_by=actor.label,
            created_at=now,
            expires_at=now + LINK_LIFETIME[purpose],
        )
    )
    session.flush()
    return token


def invite(
    session: Session, actor: Actor, email: str, name: str, role: str, level: int, now: datetime
) -> tuple[User, str]:
    """Add a person without a password, and the invitation link token (valid 72 h) with
    which they set one.

    Raises:
        NotAllowed, ValidationFailed, Conflict: as ``users.create_user``.
    """
    _admin(actor)
    email = email.strip().lower()
    if errors := person_problems(email, name, role, level):
        raise ValidationFailed(errors)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"a user with email {email} already exists")
    user = User(email=email, name=name.strip(), role=Role(role), level=level)
    user.password_hash = NO_PASSWORD
    session.add(user)
    session.flush()
    token = _new_link(session, actor, user, "invite", now)
    audit.record(
        session,
        actor.label,
        "user.invited",
        f"user:{user.id}",
        {
            "email": email,
            "role": role,
            "level": level,
            "link_expires": (now + LINK_LIFETIME["invite"]).isoformat(),
        },
        at=now,
    )
    return user, token


def add(
    session: Session,
    actor: Actor,
    email: str,
    name: str,
    role: str,
    level: int,
    password: str,
) -> User:
    """Add a person with a first password (see ``users.create_user``)."""
    return create_user(session, actor, email, name, role, level, password)


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )


def _not_self(actor: Actor, user: User, what: str) -> None:
    if actor.id == user.id:
        raise NotAllowed(f"you cannot {what} yourself: ask another administrator")


def _keeps_an_admin(session: Session, user: User) -> None:
    if user.role == Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise Conflict(f"{user.email} is the last active administrator")


def change_role(
    session: Session, actor: Actor, user: User, role: str, level: int, now: datetime
) -> bool:
    """Set ``user``'s role and authority level (audited from what to what).

    Returns:
        Whether anything changed.

    Raises:
        NotAllowed: ``actor`` may not administer, or it is their own account.
        ValidationFailed: an unknown role or a level out of range.
        Conflict: it would leave no active administrator.
    """
    _admin(actor)
    _not_self(actor, user, "change the role or level of")
    if errors := role_problems(role, level):
        raise ValidationFailed(errors)
    if (user.role, user.level) == (Role(role), level):
        return False
    if Role(role) != Role.ADMIN:
        _keeps_an_admin(session, user)
    before = {"role": str(user.role), "level": user.level}
    user.role, user.level = Role(role), level
    session.flush()
    audit.record(
        session,
        actor.label,
        "user.role_changed",
        f"user:{user.id}",
        {"from": before, "to": {"role": role, "level": level}},
        at=now,
    )
    return True


def _end_sessions(session: Session, user_id: int, now: datetime, keep: str | None = None) -> int:
    stmt = sa.update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(UserSession.token_hash != token_hash(keep))
    result = session.execute(stmt.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def _release_claims(session: Session, actor: Actor, user: User, now: datetime) -> list[int]:
    """Put the items ``user`` holds back in the queue and give back their escalation claims."""
    held = session.scalars(
        sa.select(Item)
        .where(Item.status == ItemStatus.IN_REVIEW, Item.claimed_by_id == user.id)
        .with_for_update()
    ).all()
    for item in held:
        item.status = next_status(item.status, Action.RELEASE)
        item.claimed_by_id = item.claimed_at = item.claim_expires_at = None
    session.flush()
    for item in held:
        audit.record(
            session,
            actor.label,
            "item.claim_released",
            f"item:{item.id}",
            {"holder": user.id},
            at=now,
        )
    escalations = session.scalars(
        sa.select(Escalation)
        .where(Escalation.resolved_at.is_(None), Escalation.claimed_by_id == user.id)
        .with_for_update()
    ).all()
    for escalation in escalations:
        escalation.claimed_by_id = escalation.claimed_at = escalation.claim_expires_at = None
    session.flush()
    for escalation in escalations:
        audit.record(
            session,
            actor.label,
            "escalation.released",
            f"item:{escalation.item_id}",
            {"escalation": escalation.id, "holder": user.id},
            at=now,
        )
    return [item.id for item in held]


def deactivate(session: Session, actor: Actor, user: User, now: datetime) -> list[int]:
    """Stop ``user`` signing in: their sessions end, the items and escalations they hold go
    back at once, their unused links are revoked; their history stays.

    Returns:
        The ids of the items put back in the queue.

    Raises:
        NotAllowed: ``actor`` may not administer, or it is their own account.
        Conflict: already inactive, or the last active administrator.
    """
    _admin(actor)
    _not_self(actor, user, "deactivate")
    if not user.active:
        raise Conflict(f"{user.email} is already deactivated")
    _keeps_an_admin(session, user)
    user.active = False
    ended = _end_sessions(session, user.id, now)
    session.execute(
        sa.update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.used_at.is_(None),
            AccountLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    released = _release_claims(session, actor, user, now)
    audit.record(
        session,
        actor.label,
        "user.deactivated",
        f"user:{user.id}",
        {"sessions_ended": ended, "items_released": released},
        at=now,
    )
    return released


def reactivate(session: Session, actor: Actor, user: User, now: datetime) -> None:
    """Let a deactivated person sign in again (with the password they had).

    Raises:
        NotAllowed: ``actor`` may not administer.
        Conflict: the person is active.
    """
    _admin(actor)
    if user.active:
        raise Conflict(f"{user.email} is active")
    user.active = True
    session.flush()
    audit.record(session, actor.label, "user.reactivated", f"user:{user.id}", at=now)


def reset_link(session: Session, actor: Actor, user: User, now: datetime) -> str:
    """A one-time link (valid 24 h) with which ``user`` sets a new password; audited, and
    any earlier reset link stops working.

    Raises:
        NotAllowed: ``actor`` may not administer.
        Conflict: the person is deactivated.
    """
    _admin(actor)
    if not user.active:
        raise Conflict(f"{user.email} is deactivated: reactivate them first")
    token = _new_link(session, actor, user, "reset", now)
    audit.record(
        session,
        actor.label,
        "user.reset_link_made",
        f"user:{user.id}",
        {"link_expires": (now + LINK_LIFETIME["reset"]).isoformat()},
        at=now,
    )
    return token


def link_for(session: Session, token: str, now: datetime) -> AccountLink | None:
    """The usable link with ``token``: not used, revoked or expired, its person active."""
    return session.scalar(
        sa.select(AccountLink)
        .join(User, User.id == AccountLink.user_id)
        .where(
            AccountLink.token_hash == token_hash(token),
            AccountLink.used_at.is_(None),
            AccountLink.revoked_at.is_(None),
            AccountLink.expires_at > now,
            User.active.is_(True),
        )
    )


def redeem(session: Session, token: str, password: str, now: datetime) -> User:
    """Set a password with a one-time link; the link is spent and every open session of
    the person ends.

    Raises:
        NotFound: no usable link with that token (used, revoked, expired or unknown).
        ValidationFailed: the password is too short or too common.
    """
    link = session.scalar(
        sa.select(AccountLink).where(AccountLink.token_hash == token_hash(token)).with_for_update()
    )
    if link is None or link_for(session, token, now) is None:
        raise NotFound("this link is not valid: it was used, replaced or has expired")
    if problem := password_problem(password):
        raise ValidationFailed([{"field": "password", "message": problem}])
    link.used_at = now
    link.user.set_password(password)
    _end_sessions(session, link.user_id, now)
    session.flush()
    audit.record(
        session,
        f"user:{link.user.email}",
        "user.password_set",
        f"user:{link.user_id}",
        {"via": link.purpose},
        at=now,
    )
    return link.user


def change_own_password(
    session: Session, user: User, current: str, new: str, keep_session: str | None, now: datetime
) -> None:
    """Change one's own password: the current one is required; other sessions end.

    Raises:
        ValidationFailed: the current password is wrong, or the new one is not allowed.
    """
    if not user.check_password(current):
        raise ValidationFailed([{"field": "current", "message": "is not your current password"}])
    if problem := password_problem(new):
        raise ValidationFailed([{"field": "new", "message": problem}])
    if current == new:
        raise ValidationFailed([{"field": "new", "message": "is the same as the current one"}])
    user.set_password(new)
    ended = _end_sessions(session, user.id, now, keep=keep_session)
    session.flush()
    audit.record(
        session,
        user.actor.label,
        "user.password_changed",
        f"user:{user.id}",
        {"sessions_ended": ended},
        at=now,
    )
