"""Registering AI sources, their secrets and tokens, and pausing them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import signing
from ..domain.authority import Actor, Permission, can, can_control_source
from ..domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..domain.intake import text_problem
from ..domain.sealing import Keyring
from ..models import Source, SourceStatus, SourceToken
from . import audit, outbound, paging
from .users import by_email

STATUS_EVENTS = {
    SourceStatus.ACTIVE: "source.resumed",
    SourceStatus.PAUSED: "source.paused",
    SourceStatus.RETIRED: "source.retired",
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_REASON = 500  # sources.status_reason


@dataclass(frozen=True)
class NewSource:
    """A created source with the credentials that are shown this once only."""

    source: Source
    secret: str
    token: str


def callback_target_problem(url: str, allow_private: bool) -> str | None:
    """Why callbacks may not go to ``url`` (SSRF guard), or None when they may.

    Args:
        url: the callback URL.
        allow_private: development and tests may call loopback and private addresses.
    """
    return outbound.target_problem(url, allow_private)


def callback_url_problems(url: str | None, allow_private: bool) -> list[dict[str, str]]:
    problem = callback_target_problem(url, allow_private) if url is not None else None
    return [{"field": "callback_url", "message": problem}] if problem else []


def find(session: Session, slug: str) -> Source | None:
    """The source with this slug, or None; a string no slug could be (NUL, spaces, too long)
    is None without a query."""
    if not SLUG.fullmatch(slug):
        return None
    return session.scalar(sa.select(Source).where(Source.slug == slug))


def get(session: Session, slug: str) -> Source:
    """The source with this slug.

    Raises:
        NotFound: no such source.
    """
    source = find(session, slug)
    if source is None:
        raise NotFound(f"no source {slug!r}")
    return source


def create_source(
    session: Session,
    actor: Actor,
    slug: str,
    name: str,
    owner_email: str,
    callback_url: str | None = None,
    allow_private: bool = False,
) -> NewSource:
    """Register a source with a fresh webhook secret and one API token.

    Raises:
        NotAllowed: ``actor`` may not administer.
        ValidationFailed: bad slug, name, owner or callback URL.
        Conflict: the slug is taken.
    """
    _administering(actor)
    errors = []
    if not SLUG.fullmatch(slug):
        errors.append({"field": "slug", "message": "lowercase letters, digits and -, 2-63 long"})
    if not name.strip():
        errors.append({"field": "name", "message": "is required"})
    owner = by_email(session, owner_email)
    if owner is None:
        errors.append({"field": "owner", "message": f"no user with email {owner_email}"})
    errors += callback_url_problems(callback_url, allow_private)
    if errors:
        raise ValidationFailed(errors)
    if session.scalar(sa.select(Source.id).where(Source.slug == slug)):
        raise Conflict(f"a source with slug {slug!r} already exists")
    secret = signing.new_secret()
    source = Source(
        slug=slug, name=name.strip(), owner=owner, secret=secret, callback_url=callback_url
    )
    session.add(source)
    session.flush()
    token = issue_token(session, actor, source)
    audit.record(
        session,
        actor.label,
        "source.created",
        f"source:{slug}",
        {"name": source.name, "owner": owner_email, "callback_url": callback_url},
    )
    return NewSource(source, secret, token)


def _administering(actor: Actor) -> None:
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator manages sources' secrets and tokens")


def issue_token(session: Session, actor: Actor, source: Source, name: str = "default") -> str:
    """Make a new named pull-API token for ``source``; only its hash is stored.

    Raises:
        NotAllowed: ``actor`` may not administer.
        ValidationFailed: a blank or over-long name.
    """
    _administering(actor)
    name = name.strip()
    if not name or len(name) > 80 or text_problem(name):
        raise ValidationFailed([{"field": "name", "message": "1-80 characters, plain text"}])
    token = signing.new_token()
    session.add(SourceToken(source_id=source.id, token_hash=signing.token_hash(token), name=name))
    session.flush()
    audit.record(
        session, actor.label, "source.token_issued", f"source:{source.slug}", {"name": name}
    )
    return token


def rotate_secret(
    session: Session, actor: Actor, source: Source, now: datetime, grace: timedelta
) -> str:
    """Give ``source`` a new secret; the old one keeps verifying for ``grace``.

    Returns:
        The new secret (shown once).

    Raises:
        NotAllowed: ``actor`` may not administer.
    """
    _administering(actor)
    new = signing.new_secret()
    source.previous_secret, source.previous_secret_until = source.secret, now + grace
    source.secret = new
    session.flush()
    audit.record(
        session,
        actor.label,
        "source.secret_rotated",
        f"source:{source.slug}",
        {"previous_valid_until": source.previous_secret_until.isoformat()},
    )
    return new


def erase_expired_secrets(session: Session, now: datetime) -> int:
    """Erase rotated-out secrets whose grace period has ended (by the sweep).

    Returns:
        How many were erased.
    """
    result = session.execute(
        sa.update(Source)
        .where(Source.previous_secret_until <= now)
        .values(previous_secret=None, previous_secret_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def reseal_secrets(session: Session, ring: Keyring) -> int:
    """Encrypt every stored webhook secret again with the first key of ``ring`` (after a new
    key was put first; the old key may be dropped once this is committed).

    Returns:
        How many sources were re-encrypted.
    """
    # The stored tokens themselves, past the column type that would open and seal them.
    rows = session.execute(
        sa.text("SELECT id, secret_sealed, previous_secret_sealed FROM sources")
    ).all()
    for id_, sealed, previous in rows:
        session.execute(
            sa.text(
                "UPDATE sources SET secret_sealed = :sealed, previous_secret_sealed = :previous"
                " WHERE id = :id"
            ),
            {
                "id": id_,
                "sealed": ring.reseal(sealed),
                "previous": ring.reseal(previous) if previous else None,
            },
        )
    session.expire_all()  # loaded sources hold the values as they were
    return len(rows)


def set_status(
    session: Session, actor: Actor, source: Source, status: SourceStatus, reason: str | None
) -> Source:
    """Pause, resume or retire a source.

    Raises:
        NotAllowed: ``actor`` neither owns the source nor may control sources.
        ValidationFailed: pausing or retiring without a reason, or with one that cannot be
            stored (over ``MAX_REASON`` characters, NUL).
        Conflict: the source is retired (final), or already in that status.
    """
    if not can_control_source(actor, source.owner_id):
        raise NotAllowed(f"you may not change source {source.slug!r}")
    if status is not SourceStatus.ACTIVE and not (reason and reason.strip()):
        raise ValidationFailed([{"field": "reason", "message": f"is required to {status}"}])
    if reason and len(reason.strip()) > MAX_REASON:
        raise ValidationFailed(
            [{"field": "reason", "message": f"must be at most {MAX_REASON} characters"}]
        )
    if reason and (problem := text_problem(reason)):
        raise ValidationFailed([{"field": "reason", "message": problem}])
    if source.status is SourceStatus.RETIRED:
        raise Conflict(f"source {source.slug!r} is retired")
    if source.status is status:
        raise Conflict(f"source {source.slug!r} is already {status}")
    previous = source.status
    source.status = status
    source.status_reason = reason.strip() if reason else None
    session.flush()
    audit.record(
        session,
        actor.label,
        STATUS_EVENTS[status],
        f"source:{source.slug}",
        {"from": previous, "reason": source.status_reason},
    )
    return source


TOKEN_USE_PRECISION = timedelta(minutes=1)  # "last used" is written at most this often


def by_token(session: Session, token: str, now: datetime | None = None) -> Source | None:
    """The source a bearer token belongs to, if the token is known and not revoked; with
    ``now``, the token's "last used" moves to ``now`` (one write a minute at most)."""
    found = session.execute(
        sa.select(Source, SourceToken.id, SourceToken.last_used_at)
        .join(SourceToken, SourceToken.source_id == Source.id)
        .where(
            SourceToken.token_hash == signing.token_hash(token), SourceToken.revoked_at.is_(None)
        )
    ).first()
    if found is None:
        return None
    source, token_id, last_used = found
    if now is not None and (last_used is None or last_used < now - TOKEN_USE_PRECISION):
        session.execute(
            sa.update(SourceToken)
            .where(
                SourceToken.id == token_id,
                sa.or_(
                    SourceToken.last_used_at.is_(None),
                    SourceToken.last_used_at < now - TOKEN_USE_PRECISION,
                ),
            )
            .values(last_used_at=now)
        )
    return source


def controllable_by(session: Session, actor: Actor | None, number: int = 1) -> paging.Page[Source]:
    """Page ``number`` of the sources ``actor`` may pause, resume or retire (their own, or
    all), by slug.

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    if actor is None or not actor.active:
        return paging.Page(rows=[], number=number, has_next=False)
    query = sa.select(Source).order_by(Source.slug, Source.id)
    if not can(actor, Permission.CONTROL_SOURCES):  # the owner only (can_control_source)
        query = query.where(Source.owner_id == actor.id)
    return paging.fetch(session, query, number)
