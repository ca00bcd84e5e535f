"""Signing in and out: throttled password checks and server-side sessions."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.errors import TooManyAttempts
from ..domain.signing import token_hash
from ..models import LoginAttempt, User, UserSession
from . import audit
from .users import by_email

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30


def _check_throttle(session: Session, email: str, ip: str, now: datetime) -> None:
    since = now - WINDOW
    for column, value, limit in (
        (LoginAttempt.email, email, MAX_FAILURES_PER_EMAIL),
        (LoginAttempt.ip, ip, MAX_FAILURES_PER_IP),
    ):
        failures = session.scalars(
            sa.select(LoginAttempt.at)
            .where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        ).all()
        if len(failures) >= limit:
            retry = failures[-1] + WINDOW - now
            raise TooManyAttempts(int(retry.total_seconds()) + 1)


def sign_in(
    session: Session, email: str, password: str, ip: str, now: datetime, lifetime: timedelta
) -> str | None:
    """Check a password and open a session.

    Args:
        session: the caller's session (the attempt is recorded in it; commit it either way).
        email: as typed.
        password: as typed.
        ip: the client address, for throttling.
        now: the current time.
        lifetime: how long the session lasts (a working day by default).

    Returns:
        The session token for the cookie, or None when the email or password is wrong
        (the caller cannot tell which, and neither can the visitor).

    Raises:
        TooManyAttempts: too many recent failures for this email or address.
    """
    email = email.strip().lower()[:254]
    _check_throttle(session, email, ip, now)
    user = by_email(session, email)
    ok = user is not None and user.active and user.check_password(password)
    session.add(LoginAttempt(email=email, ip=ip, at=now, succeeded=ok))
    if not ok or user is None:
        session.flush()
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(user_id=user.id, token_hash=token_hash(token), expires_at=now + lifetime, ip=ip)
    )
    session.flush()
    audit.record(session, f"user:{user.email}", "user.signed_in", f"user:{user.id}", {"ip": ip})
    return token


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """The user a session token belongs to, if the session is open and unexpired."""
    return session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            User.active.is_(True),
        )
    )


def sign_out(session: Session, token: str, now: datetime) -> None:
    """Revoke the session, so the cookie (or any copy of it) stops working."""
    row = session.scalar(sa.select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now
    session.flush()
    audit.record(session, f"user:{row.user.email}", "user.signed_out", f"user:{row.user_id}")
