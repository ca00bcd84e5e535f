"""The audit log's sealer and its proofs.

Writers only insert events (``services/audit.py``). The sealer is the one serialised step:
under a lock of its own (an advisory lock on PostgreSQL, the write lock on SQLite) it takes
committed events that have no place yet, appends them as leaves of the RFC 9162 tree, stores
the hashes of the perfect subtrees they complete, and signs a checkpoint. It never touches a
row a writer needs, so it blocks no one.

Order: on PostgreSQL an event is taken only once its transaction id is below every
transaction of this database still running (the snapshot's xmin, ``SAFE_BOUND``), so a
transaction that may still commit an earlier id holds the later ones back and leaves follow
ids as they commit; on SQLite writes are serial already. Leaves are marked on the event
(``leaf``, unique), so an event that commits late is still found later, never skipped, and
never sealed twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import note, tlog
from ..domain.audit import leaf_data
from ..domain.errors import NotFound
from ..models import AuditCheckpoint, AuditEvent, AuditNode

BATCH = 5000
LOCK_KEY = 0x72657671_746C6F67 & 0x7FFFFFFFFFFFFFFF  # "revqtlog": the sealer's advisory lock
# The oldest transaction of this database that may still commit an event, from the
# statement's own snapshot: its xmin, except that transactions still running in *other*
# databases of the cluster are passed over (they write no events here, and one long bulk
# load elsewhere must not hold the log back). One that cannot be placed (its session not
# visible in pg_stat_activity, or it ended since the snapshot) still holds it back.
SAFE_BOUND = """
WITH snap AS (SELECT pg_current_snapshot() AS s)
SELECT coalesce(min(x::text::bigint), (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap))
FROM snap, pg_snapshot_xip(snap.s) AS x
WHERE NOT (pg_xact_status(x) = 'in progress' AND EXISTS (
  SELECT 1 FROM pg_stat_activity a
  WHERE a.backend_xid::text = (x::text::bigint & 4294967295)::text
    AND a.datname <> current_database()))
"""
EVENTS = cast(sa.Table, AuditEvent.__table__)
NODES = cast(sa.Table, AuditNode.__table__)
CHECKPOINTS = cast(sa.Table, AuditCheckpoint.__table__)


class OutOfRange(NotFound):
    """A proof of sizes or leaves the log does not have (a 404, like an unknown event)."""


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def newest(session: Session) -> AuditCheckpoint | None:
    """The newest checkpoint, or None before the first seal."""
    return session.scalar(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1))


def stored_nodes(session: Session, wanted: Iterable[tlog.Node]) -> dict[tlog.Node, bytes]:
    """The stored hashes of these perfect subtrees, in one query."""
    keys = sorted(set(wanted))
    if not keys:
        return {}
    rows = session.execute(
        sa.select(NODES.c.level, NODES.c.idx, NODES.c.hash).where(
            sa.tuple_(NODES.c.level, NODES.c.idx).in_(keys)
        )
    )
    return {(level, idx): bytes(h) for level, idx, h in rows}


def seal(session: Session, signer: note.Signer, now: datetime, limit: int = BATCH) -> bool:
    """Append up to ``limit`` committed, unsealed events to the log and sign a checkpoint
    (the caller commits; call again while it returns True).

    Args:
        session: a session with no other work in its transaction.
        signer: the log's key (``REVIEWQ_AUDIT_KEY``).
        now: the checkpoint's time.
        limit: the most events in one checkpoint.

    Returns:
        Whether anything was sealed.
    """
    if _postgres(session):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
    head = newest(session)
    size = head.size if head else 0
    query = sa.select(EVENTS.c.id, EVENTS.c.hash).where(EVENTS.c.leaf.is_(None))
    if _postgres(session):
        # Read in the same statement (the same snapshot) as the bound it is held to.
        query = query.where(EVENTS.c.xid < sa.text(f"({SAFE_BOUND})"))
    rows = session.execute(query.order_by(EVENTS.c.id).limit(limit)).all()
    if not rows:
        return False
    pieces = tlog.perfect_nodes(0, size)
    found = stored_nodes(session, pieces)
    tree = tlog.Frontier(size, [found[node] for node in pieces])
    made: list[dict[str, object]] = []
    for event_id, hash_hex in rows:
        tree.append(
            tlog.leaf_hash(leaf_data(event_id, hash_hex)),
            lambda node, h: made.append({"level": node[0], "idx": node[1], "hash": h}),
        )
    session.execute(sa.insert(NODES), made)
    session.execute(
        sa.update(EVENTS)
        .where(EVENTS.c.id == sa.bindparam("event_id"))
        .values(leaf=sa.bindparam("n")),
        [{"event_id": event_id, "n": size + n} for n, (event_id, _) in enumerate(rows)],
    )
    checkpoint = note.Checkpoint(signer.name, tree.size, tree.root(), now)
    session.execute(
        sa.insert(CHECKPOINTS).values(
            size=tree.size, root=checkpoint.root, at=now, note=checkpoint.sign(signer)
        )
    )
    return True


def leaf_of(session: Session, event_id: int) -> int | None:
    """The event's leaf index, or None when it is not sealed (or does not exist)."""
    return session.scalar(sa.select(EVENTS.c.leaf).where(EVENTS.c.id == event_id))


@dataclass(frozen=True)
class Inclusion:
    """Proof that an event is a leaf of the tree of ``size`` leaves."""

    event_id: int
    event_hash: str
    leaf_index: int
    size: int
    root: bytes
    proof: list[bytes]


def _tree_size(session: Session, size: int | None) -> int:
    head = newest(session)
    logged = head.size if head else 0
    if size is None:
        if not logged:
            raise NotFound("the log has no checkpoint yet")
        return logged
    if size > logged:
        raise NotFound(f"the log holds {logged} sealed events, not {size}")
    return size


def inclusion(session: Session, event_id: int, size: int | None = None) -> Inclusion:
    """The inclusion proof of event ``event_id`` in the tree of ``size`` leaves (the
    newest checkpoint's size when None).

    Raises:
        NotFound: no such event, not sealed yet, or the log is not that big.
        OutOfRange: the event was sealed after that size.
    """
    row = session.execute(
        sa.select(EVENTS.c.leaf, EVENTS.c.hash).where(EVENTS.c.id == event_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no audit event {event_id}")
    if row.leaf is None:
        raise NotFound(f"audit event {event_id} is not sealed yet; ask again in a few seconds")
    size = _tree_size(session, size)
    if row.leaf >= size:
        raise OutOfRange(f"event {event_id} is leaf {row.leaf}, not in a tree of {size}")
    ranges = tlog.inclusion_ranges(row.leaf, size)
    stored = stored_nodes(
        session,
        [n for a, b in [*ranges, (0, size)] for n in tlog.perfect_nodes(a, b)],
    )
    return Inclusion(
        event_id,
        row.hash,
        row.leaf,
        size,
        tlog.range_hash(0, size, stored),
        [tlog.range_hash(a, b, stored) for a, b in ranges],
    )


@dataclass(frozen=True)
class Consistency:
    """Proof that the tree of ``old`` leaves is a prefix of the tree of ``new``."""

    old: int
    new: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]


def consistency(session: Session, old: int, new: int | None = None) -> Consistency:
    """The consistency proof between two sizes of the log (``new``: the newest).

    Raises:
        NotFound: the log is not that big.
        OutOfRange: ``old`` is larger than ``new``.
    """
    new = _tree_size(session, new)
    if old > new:
        raise OutOfRange(f"a tree of {old} events is no prefix of one of {new}")
    ranges = tlog.consistency_ranges(old, new)
    stored = stored_nodes(
        session,
        [n for a, b in [*ranges, (0, old), (0, new)] for n in tlog.perfect_nodes(a, b)],
    )
    return Consistency(
        old,
        new,
        tlog.range_hash(0, old, stored),  # the empty root for 0
        tlog.range_hash(0, new, stored),
        [tlog.range_hash(a, b, stored) for a, b in ranges],
    )
