"""Signing in and out: throttled password checks and server-side sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import TooManyAttempts
from ..domain.signing import token_hash
from ..models import LoginAttempt, LoginThrottle, User, UserSession
from . import audit
from .users import by_email


@dataclass(frozen=True)
class Limit:
    """How many failures a throttle key allows in its window, and what follows."""

    prefix: str
    failures: int
    window: timedelta
    # Lock: wait out the window after the last allowed failure. Backoff: wait 2, 4, 8...
    # seconds after each further failure, never more than ``max_wait``.
    max_wait: timedelta | None = None


# Per account and address: someone guessing from one address cannot lock the account's
# owner out from anywhere else.
PAIR = Limit("pair", failures=5, window=timedelta(minutes=15))
ADDRESS = Limit("address", failures=30, window=timedelta(minutes=15))
# Per account, from addresses it never signed in from: guesses spread over many addresses
# are slowed down, but a colleague elsewhere waits a minute at most, and the owner's usual
# addresses not at all.
ACCOUNT = Limit("account", failures=10, window=timedelta(hours=1), max_wait=timedelta(minutes=1))
KNOWN_ADDRESS = timedelta(days=30)


@cache
def _dummy_hash(method: str) -> str:
    """A hash of nothing anyone knows, checked for unknown emails so that they take as long
    as known ones."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _keys(session: Session, email: str, ip: str, now: datetime) -> list[tuple[Limit, str]]:
    """The throttle keys of an attempt, in the one order every attempt locks them in."""
    known = session.scalar(
        sa.select(LoginAttempt.id)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.ip == ip,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.at >= now - KNOWN_ADDRESS,
        )
        .limit(1)
    )
    keys = [] if known else [(ACCOUNT, f"{ACCOUNT.prefix}:{email}")]
    return keys + [(PAIR, f"{PAIR.prefix}:{email}|{ip}"), (ADDRESS, f"{ADDRESS.prefix}:{ip}")]


def _refuse_if_blocked(session: Session, keys: list[str], now: datetime) -> None:
    until = session.scalar(
        sa.select(sa.func.max(LoginThrottle.blocked_until)).where(
            LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > now
        )
    )
    if until is not None:
        raise TooManyAttempts(int((until - now).total_seconds()) + 1)


def _count(session: Session, limit: Limit, key: str, now: datetime) -> tuple[int, datetime]:
    """Count this attempt against ``key`` in one statement, unless the key is blocked.

    On PostgreSQL the upsert locks the row until commit: a parallel attempt waits for it,
    then sees the count and the block this one leaves.

    Returns:
        The attempts in the key's window, this one included, and when the window started.

    Raises:
        TooManyAttempts: the key is blocked (the caller rolls back what was counted).
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = LoginThrottle.__table__
    expired = table.c.window_start <= now - limit.window
    row = session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": sa.case((expired, 1), else_=table.c.failures + 1),
                "window_start": sa.case((expired, now), else_=table.c.window_start),
            },
            where=sa.or_(table.c.blocked_until.is_(None), table.c.blocked_until <= now),
        )
        .returning(table.c.failures, table.c.window_start)
    ).one_or_none()
    if row is None:  # not counted: blocked
        _refuse_if_blocked(session, [key], now)
    if row is None or (limit.max_wait is None and row.failures > limit.failures):
        raise TooManyAttempts(int(limit.window.total_seconds()))
    return row.failures, row.window_start


def _after_failure(
    session: Session, limit: Limit, key: str, count: int, window_start: datetime, now: datetime
) -> None:
    """Block the key when this failure used up what its limit allows."""
    if limit.max_wait is None:
        if count < limit.failures:
            return
        until = window_start + limit.window
    else:
        if count <= limit.failures:
            return
        until = now + min(timedelta(seconds=2 ** min(count - limit.failures, 20)), limit.max_wait)
    session.execute(
        sa.update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=until)
    )


def _after_success(session: Session, limit: Limit, key: str) -> None:
    """A right password clears the failures of its address on the account; for the
    address or the account alone it just does not count as a failure."""
    if limit is PAIR:
        session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == key))
        return
    session.execute(
        sa.update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
    )


def sign_in(
    session: Session, email: str, password: str, ip: str, now: datetime, lifetime: timedelta
) -> str | None:
    """Check a password and open a session.

    The password is checked (against a dummy hash for unknown emails, so that the time of
    the answer tells nothing), then the attempt is counted against the account and address
    together, the address alone and, from an address the account never signed in from, the
    account alone; an attempt over a limit is refused whether the password was right or not.

    Args:
        session: the caller's session (the attempt is recorded in it; commit it unless
            ``TooManyAttempts`` is raised, then roll it back).
        email: as typed.
        password: as typed.
        ip: the client address, for throttling.
        now: the current time.
        lifetime: how long the session lasts (a working day by default).

    Returns:
        The session token for the cookie, or None when the email or password is wrong
        (the caller cannot tell which, and neither can the visitor).

    Raises:
        TooManyAttempts: too many recent failures for this account from this address, from
            this address, or for this account from addresses new to it.
    """
    email = email.strip().lower()[:254]
    keys = _keys(session, email, ip, now)
    _refuse_if_blocked(session, [key for _, key in keys], now)  # spares the hash when refused
    user = by_email(session, email)
    stored = user.password_hash if user is not None else _dummy_hash(User.password_method)
    matches = check_password_hash(stored, password)
    ok = user is not None and user.active and matches
    counts = [_count(session, limit, key, now) for limit, key in keys]
    for (limit, key), (count, window_start) in zip(keys, counts, strict=True):
        if ok:
            _after_success(session, limit, key)
        else:
            _after_failure(session, limit, key, count, window_start, now)
    session.add(LoginAttempt(email=email, ip=ip, at=now, succeeded=ok))
    if not ok or user is None:
        session.flush()
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(user_id=user.id, token_hash=token_hash(token), expires_at=now + lifetime, ip=ip)
    )
    session.flush()
    audit.record(session, user.actor.label, "user.signed_in", f"user:{user.id}", {"ip": ip})
    return token


def forget_stale_throttles(session: Session, now: datetime) -> int:
    """Delete throttle counters nobody has touched for a day (by the sweep).

    Returns:
        How many were deleted.
    """
    stale = now - timedelta(days=1)
    result = session.execute(
        sa.delete(LoginThrottle).where(
            LoginThrottle.window_start < stale,
            sa.or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


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
    audit.record(session, row.user.actor.label, "user.signed_out", f"user:{row.user_id}")
