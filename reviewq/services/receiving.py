"""Receiving a signed draft: the source and the policy read once per process, and checked by
the INSERT itself.

Intake is the service's hottest write, so it does only what it must (verify, validate,
route, store the item and its audit event) in as few statements as the database allows.
Each process keeps a snapshot of every source that sent to it (``Sender``: status, the
stored secrets with their HMACs keyed, the policy version it routes by). A draft is then
stored by one ``INSERT ... SELECT ... WHERE`` whose condition is that snapshot: the source
row still holds the same stored secrets and is active and without canaries, and the policy
version is still the newest. So a pause, a retirement, a rotated secret or a new policy
version, made by any process, takes effect on the very next draft:

- the INSERT stores nothing when the snapshot is out of date (or the draft repeats one):
  the snapshot is dropped and the draft takes the general path (``intake.submit``), which
  reads the source afresh, verifies the signature again and finds a repeat;
- every refusal (401, 400, 423, 422) is given only on a fresh read, so a resumed source or
  a new secret is never refused on the strength of an old snapshot.

On PostgreSQL the INSERT and the draft's audit event are one statement, its own
transaction, sent without SQLAlchemy on a pooled connection (``receiving_pg``): one round
trip, and no ORM session is made for such a request. On SQLite they are two Core statements
in the caller's transaction. Drafts that need more than an INSERT (a source that receives
canaries, an always-escalate tag) take the general path.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ..domain import policy as policy_rules
from ..domain import signing
from ..domain.errors import SignatureInvalid, SourceUnavailable, ValidationFailed
from ..domain.intake import BadJSON, Submission, parse_json, parse_submission
from ..domain.sealing import Keyring
from ..models import Item, PolicyVersion, Source, SourceStatus
from . import intake, receiving_pg
from . import policy as policy_service
from .policy import InForce

ITEMS = cast(sa.Table, Item.__table__)
SOURCES = cast(sa.Table, Source.__table__)
VERSIONS = cast(sa.Table, PolicyVersion.__table__)
COLUMNS = sa.inspect(Item).columns  # by attribute key
# Refusals: each is answered only after a fresh read of the source (see the module's doc).
REFUSALS = (SignatureInvalid, SourceUnavailable, ValidationFailed, BadJSON)


@dataclass(frozen=True)
class Sender:
    """A source as one process last read it, with the policy version in force then."""

    id: int
    slug: str
    status: SourceStatus
    status_reason: str | None
    canary_rate: float
    keys: tuple[hmac.HMAC, ...]  # current secret, then the previous one while in its grace
    previous_until: datetime | None
    sealed: str  # the stored (encrypted) secrets, as the INSERT compares them
    previous_sealed: str | None
    policy: InForce
    policy_created_at: datetime | None

    def keys_at(self, now: datetime) -> list[hmac.HMAC]:
        """The keys that verify a draft received at ``now``."""
        if len(self.keys) > 1 and self.previous_until and now < self.previous_until:
            return list(self.keys)
        return list(self.keys[:1])

    def guard(self) -> dict[str, Any]:
        """The parameters of the INSERT's condition: this snapshot is still true."""
        return {
            "g_source": self.id,
            "g_sealed": self.sealed,
            "g_previous_sealed": self.previous_sealed,
            "g_previous_until": self.previous_until,
            "g_policy": self.policy.version_id,
            "g_policy_at": self.policy_created_at,
        }


class Senders:
    """The process's snapshots, by slug (one per app: ``extensions.senders``)."""

    def __init__(self) -> None:
        self._by_slug: dict[str, Sender] = {}
        self._lock = Lock()  # gunicorn's threaded workers share one app

    def get(self, slug: str) -> Sender | None:
        return self._by_slug.get(slug)

    def keep(self, sender: Sender) -> None:
        with self._lock:
            self._by_slug[sender.slug] = sender

    def forget(self, slug: str) -> None:
        with self._lock:
            self._by_slug.pop(slug, None)


@dataclass(frozen=True)
class Received:
    """A draft's outcome: the item (an ORM ``Item`` or the stored columns with its id), and
    whether it was created (False: it repeated one already stored)."""

    item: Any
    created: bool
    slug: str


def receive(
    session: Session,
    engine: sa.Engine,
    senders: Senders,
    ring: Keyring,
    slug: str,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    check_request: Callable[[], None] = lambda: None,
) -> Received:
    """Verify, validate, route and store one signed draft, or find the one it repeats.

    Args:
        session: the caller's session (the caller commits what it holds; a draft stored by
            its snapshot on PostgreSQL leaves it unused, so there is nothing to commit).
        engine: the session's engine (the snapshot's statement on PostgreSQL runs on it).
        senders: the process's snapshots of sources.
        ring: the keys that open stored secrets (for a fresh read).
        slug: the source the draft is addressed to.
        body: the raw request body.
        headers: the request headers (the Standard Webhooks ones are read).
        now: when it was received.
        check_request: the caller's own check of the request, run once the signature
            verified (the API refuses unknown query parameters there).

    Returns:
        The item and whether it was created.

    Raises:
        SignatureInvalid: unknown source, bad signature or timestamp.
        SourceUnavailable: the source is paused or retired.
        BadJSON: the body is not JSON.
        ValidationFailed: a field is invalid (or ``check_request`` refused).
    """
    cached = senders.get(slug)
    if cached is not None:
        try:
            draft = _checked(cached, body, headers, now, check_request)
        except REFUSALS:
            pass  # perhaps only the snapshot is out of date: judged on a fresh read below
        else:
            return _store(session, engine, senders, cached, headers, body, draft, now, read=False)
    fresh = _read(session, ring, slug)
    if fresh is None:
        senders.forget(slug)
    else:
        senders.keep(fresh)
    draft = _checked(fresh, body, headers, now, check_request)
    assert fresh is not None  # _checked() refuses an unknown source
    return _store(session, engine, senders, fresh, headers, body, draft, now, read=True)


def _checked(
    sender: Sender | None,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    check_request: Callable[[], None],
) -> Submission:
    """The checks of the API contract, in its order: 401 (an unknown source too, after the
    same work as a known one), 400 (query), 423, 400/422."""
    signing.verify_keyed(body, headers, sender.keys_at(now) if sender else [], now)
    assert sender is not None  # verify_keyed() refuses when there is no key
    check_request()
    if sender.status is not SourceStatus.ACTIVE:
        raise SourceUnavailable(sender.slug, sender.status, sender.status_reason)
    return parse_submission(parse_json(body))


def _store(
    session: Session,
    engine: sa.Engine,
    senders: Senders,
    sender: Sender,
    headers: Mapping[str, str],
    body: bytes,
    draft: Submission,
    now: datetime,
    read: bool,
) -> Received:
    """Store by the snapshot when it still holds, else by the general path; ``read``: the
    session has read the snapshot afresh (its transaction has begun)."""
    webhook_id = headers["webhook-id"]
    needs = policy_rules.resolve(draft.risk_tags, sender.policy.rules)
    if sender.canary_rate <= 0 and not needs.always_escalate:
        values = intake.item_values(sender.id, webhook_id, draft, now, sender.policy)
        item_id = _insert_with_event(session, engine, sender, values, read)
        if item_id is not None:
            return Received(_stored(item_id, values), True, sender.slug)
        senders.forget(sender.slug)  # out of date, or a repeat: the next draft reads afresh
    return _general(session, senders, sender, headers, body, draft, now)


def _insert_with_event(
    session: Session, engine: sa.Engine, sender: Sender, values: dict[str, Any], read: bool
) -> int | None:
    """Store the item and its audit event when the snapshot holds; the item's id, or None.

    On PostgreSQL one statement (``receiving_pg``): its own transaction on a connection of
    the engine's pool, or in the session's transaction when ``read`` (the session read the
    snapshot: one transaction and one connection per request all the same). Elsewhere
    (SQLite) two Core statements in the session's transaction."""
    if engine.dialect.name == "postgresql":
        event = intake.submitted_event(sender.slug, values)
        on = session if read else engine
        return receiving_pg.store(on, values, sender.guard(), event)
    connection = session.connection()  # Core statements: no ORM work around them
    insert = _insert(tuple(values))
    item_id = connection.execute(insert, values | sender.guard()).scalar()
    if item_id is not None:
        intake.record_submitted(session, sender.slug, item_id, values)
    return item_id


def _general(
    session: Session,
    senders: Senders,
    sender: Sender,
    headers: Mapping[str, str],
    body: bytes,
    draft: Submission,
    now: datetime,
) -> Received:
    """The general path: the source and policy read afresh, the signature checked against
    them, canaries planted, repeats found, escalations opened (``intake.submit``)."""
    source = session.get(Source, sender.id)
    signing.verify(body, headers, source.verification_secrets(now) if source else [], now)
    assert source is not None  # verify() refuses an unknown (here: deleted) source
    if source.canary_rate != sender.canary_rate:
        senders.forget(sender.slug)  # canaries turned off: the next draft may take the INSERT
    policy = policy_service.in_force(session)
    item, created = intake.submit(session, source, headers["webhook-id"], draft, now, policy)
    return Received(item, created, source.slug)


def _stored(item_id: int, values: dict[str, Any]) -> SimpleNamespace:
    """A stored draft as the API shows it, without reading it back."""
    return SimpleNamespace(
        **values,
        id=item_id,
        final_content=None,
        edited=False,
        outcome_reason=None,
        decided_at=None,
        settles_at=None,
    )


def _read(session: Session, ring: Keyring, slug: str) -> Sender | None:
    """A fresh snapshot of the source, and of the policy in force, in one query."""
    newest = policy_service.newest_version()
    c = SOURCES.c
    row = session.execute(
        sa.select(
            c.id,
            c.status,
            c.status_reason,
            c.canary_rate,
            sa.type_coerce(c.secret_sealed, sa.String),
            sa.type_coerce(c.previous_secret_sealed, sa.String),
            c.previous_secret_until,
            newest.c.id,
            newest.c.created_at,
        )
        .outerjoin(newest, sa.true())
        .where(c.slug == slug)
    ).first()
    if row is None:
        return None
    id_, status, reason, rate, sealed, previous_sealed, until, version_id, created_at = row
    secrets = [ring.open(sealed)] + ([ring.open(previous_sealed)] if previous_sealed else [])
    return Sender(
        id=id_,
        slug=slug,
        status=status,
        status_reason=reason,
        canary_rate=rate,
        keys=tuple(signing.keyed(secret) for secret in secrets),
        previous_until=until,
        sealed=sealed,
        previous_sealed=previous_sealed,
        policy=policy_service.in_force_for(session, version_id, created_at),
        policy_created_at=created_at,
    )


_statements: dict[tuple[str, ...], sa.Executable] = {}


def _insert(columns: tuple[str, ...]) -> sa.Executable:
    """SQLite's ``INSERT INTO items (columns) SELECT :values WHERE <the snapshot holds> ON
    CONFLICT DO NOTHING RETURNING id``, built once per set of columns (PostgreSQL's is the
    statement in ``receiving_pg``)."""
    if columns not in _statements:
        _statements[columns] = _build_insert(columns)
    return _statements[columns]


def _build_insert(columns: tuple[str, ...]) -> sa.Executable:
    c, v = SOURCES.c, VERSIONS.c
    targets = [COLUMNS[key] for key in columns]  # attribute keys: ``meta`` is "metadata"
    values = [
        sa.bindparam(key, type_=column.type) for key, column in zip(columns, targets, strict=True)
    ]
    source_holds = sa.exists().where(
        c.id == sa.bindparam("g_source"),
        c.status == SourceStatus.ACTIVE,
        c.canary_rate <= 0,
        sa.type_coerce(c.secret_sealed, sa.String) == sa.bindparam("g_sealed", type_=sa.String),
        sa.type_coerce(c.previous_secret_sealed, sa.String).is_not_distinct_from(
            sa.bindparam("g_previous_sealed", type_=sa.String)
        ),
        c.previous_secret_until.is_not_distinct_from(
            sa.bindparam("g_previous_until", type_=c.previous_secret_until.type)
        ),
    )
    newest = sa.select(sa.func.max(v.id)).scalar_subquery()
    policy_holds = sa.and_(
        newest.is_not_distinct_from(sa.bindparam("g_policy", type_=sa.Integer)),
        ~sa.exists().where(
            v.id == sa.bindparam("g_policy", type_=sa.Integer),
            v.created_at != sa.bindparam("g_policy_at", type_=v.created_at.type),
        ),
    )
    return (
        sqlite.insert(ITEMS)
        .from_select(targets, sa.select(*values).where(source_holds, policy_holds))
        .on_conflict_do_nothing()
        .returning(ITEMS.c.id)
    )
