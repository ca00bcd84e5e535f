"""Personal access tokens for the reports API: a person who may read reports makes one on
the API tokens page for their BI tool; it is shown once, stored only as its SHA-256, used as
``Authorization: Bearer rvqp_...``, revocable, and every issue and revocation is audited."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import Actor, Permission, can
from ..domain.errors import NotAllowed, NotFound, ValidationFailed
from ..domain.signing import token_hash
from ..models import PersonalToken, User
from . import audit

AnySession = Session  # views pass the scoped session, which acts as one
PREFIX = "rvqp_"
MAX_TOKENS = 20  # live tokens a person may hold


def issue(session: AnySession, actor: Actor, name: str, now: datetime) -> tuple[PersonalToken, str]:
    """Make a token for ``actor`` named ``name``.

    Returns:
        The stored row and the token itself (shown once, never stored).

    Raises:
        NotAllowed: ``actor`` may not read reports.
        ValidationFailed: the name is empty or longer than 80 characters, or they hold
            ``MAX_TOKENS`` live tokens already.
    """
    if not can(actor, Permission.READ_REPORTS):
        raise NotAllowed("only people who read reports make report API tokens")
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed([{"field": "name", "message": "1 to 80 characters"}])
    if len(live(session, actor.id)) >= MAX_TOKENS:
        raise ValidationFailed(
            [{"field": "name", "message": f"{MAX_TOKENS} tokens at most: revoke one first"}]
        )
    token = PREFIX + secrets.token_urlsafe(32)
    row = PersonalToken(user_id=actor.id, name=name, token_hash=token_hash(token), created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor.label, "token.issued", f"token:{row.id}", {"name": name}, now)
    return row, token


def revoke(session: AnySession, actor: Actor, token_id: int, now: datetime) -> None:
    """Revoke one of ``actor``'s own tokens (revoking a revoked one changes nothing).

    Raises:
        NotFound: no such token of theirs.
    """
    row = session.get(PersonalToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("no such token")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, actor.label, "token.revoked", f"token:{row.id}", None, now)


def live(session: AnySession, user_id: int) -> list[PersonalToken]:
    """A person's tokens that still work, newest first."""
    return list(
        session.scalars(
            sa.select(PersonalToken)
            .where(PersonalToken.user_id == user_id, PersonalToken.revoked_at.is_(None))
            .order_by(PersonalToken.id.desc())
        )
    )


def reader(session: AnySession, token: str, now: datetime) -> User | None:
    """The active person whose live token this is and who may read reports, else None.
    Notes when the token was last used (at most once a minute)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(
        sa.select(PersonalToken).where(
            PersonalToken.token_hash == token_hash(token), PersonalToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not can(user.actor, Permission.READ_REPORTS):
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now
    return user
