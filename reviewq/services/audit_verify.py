"""Checking the audit log: recompute every leaf from its event, the tree from the leaves,
and hold every signed checkpoint (stored, or kept elsewhere) against it.

Correct under live traffic: it checks the log up to the newest checkpoint it first sees.
What is sealed never changes legitimately, so the later reads need no common snapshot;
events written or sealed meanwhile lie beyond that size and are left alone (unsealed ones
are counted, not called tampering).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import note, tlog
from ..domain.audit import GENESIS, EventRecord, content_hash, event_hash, leaf_data
from ..models import AuditCheckpoint
from .tlog import CHECKPOINTS, EVENTS, stored_nodes


class Tampered(Exception):
    """The log does not hold what was committed to (the message says where)."""


@dataclass
class Report:
    """What ``verify`` found."""

    size: int = 0  # leaves verified: the newest stored checkpoint's size
    checkpoints: int = 0  # stored checkpoints whose signature and root hold
    chained: int = 0  # leaves that are events of the old hash chain (checked as a chain too)
    unsealed: int = 0  # events not in a checkpoint yet (normal under traffic)
    outside: list[note.Checkpoint] = field(default_factory=list)  # witnesses that held
    problem: str | None = None  # the first thing found wrong

    @property
    def ok(self) -> bool:
        return self.problem is None


def _checkpoints(session: Session, up_to: int) -> Iterator[tuple[int, bytes, str]]:
    """Stored checkpoints up to ``up_to`` leaves, by size, a page at a time."""
    last = -1
    while True:
        page = session.execute(
            sa.select(CHECKPOINTS.c.size, CHECKPOINTS.c.root, CHECKPOINTS.c.note)
            .where(CHECKPOINTS.c.size > last, CHECKPOINTS.c.size <= up_to)
            .order_by(CHECKPOINTS.c.size)
            .limit(1000)
        ).all()
        if not page:
            return
        for size, root, text in page:
            yield size, bytes(root), text
        last = page[-1][0]


def _opened(text: str, verifier: note.Verifier, where: str) -> note.Checkpoint:
    try:
        return note.open_checkpoint(text, verifier)
    except note.NoteError as exc:
        raise Tampered(f"{where} is not a checkpoint signed by {verifier.name}: {exc}") from None


def verify(session: Session, verifier: note.Verifier, outside: Sequence[str] = ()) -> Report:
    """Check the whole log, and that it still holds what each ``outside`` checkpoint (a
    receipt's, an exported file's) committed to.

    Args:
        session: any session; nothing is written.
        verifier: the log's public key.
        outside: signed checkpoints kept outside the database.

    Returns:
        The report; ``problem`` names the first thing found wrong.
    """
    report = Report()
    try:
        _verify(session, verifier, outside, report)
    except Tampered as exc:
        report.problem = str(exc)
    report.unsealed = (
        session.scalar(
            sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.leaf.is_(None))
        )
        or 0
    )
    return report


def _verify(
    session: Session, verifier: note.Verifier, outside: Sequence[str], report: Report
) -> None:
    witnesses = [
        _opened(text, verifier, f"outside checkpoint {n + 1}") for n, text in enumerate(outside)
    ]
    size = session.scalar(sa.select(sa.func.max(CHECKPOINTS.c.size))) or 0
    for witness in witnesses:
        if witness.size > size:
            raise Tampered(
                f"a checkpoint this log signed holds {witness.size} events, the log only "
                f"{size}: events were removed (a cut tail or a wiped log)"
            )
    wanted = {w.size: w for w in witnesses}
    checkpoints = _checkpoints(session, size)
    due = next(checkpoints, None)
    tree = tlog.Frontier()
    chain = (0, GENESIS)  # the old hash chain: last seq and hash seen
    with session.execute(
        sa.select(EVENTS).where(EVENTS.c.leaf < size).order_by(EVENTS.c.leaf),
        execution_options={"yield_per": 2000},
    ) as rows:  # closes the server-side cursor on an early stop
        for row in rows:
            if row.leaf != tree.size:
                raise Tampered(f"leaf {tree.size} is missing: its event was deleted")
            if row.seq is not None:
                if (
                    tree.size != report.chained
                    or row.seq != chain[0] + 1
                    or row.prev_hash != chain[1]
                ):
                    raise Tampered(
                        f"event {row.id} breaks the old hash chain (deleted or reordered)"
                    )
                record = EventRecord(
                    row.seq, row.at, row.actor, row.action, row.subject, row.data, row.prev_hash
                )
                computed = event_hash(record)
                chain = (row.seq, computed)
                report.chained += 1
            else:
                computed = content_hash(row.at, row.actor, row.action, row.subject, row.data)
            if computed != row.hash:
                raise Tampered(
                    f"event {row.id} (leaf {row.leaf}) was edited: "
                    "its content no longer gives its hash"
                )
            tree.append(tlog.leaf_hash(leaf_data(row.id, computed)))
            while due is not None and due[0] == tree.size:
                _check_stored(due, tree, verifier)
                report.checkpoints += 1
                due = next(checkpoints, None)
            held = wanted.get(tree.size)
            if held is not None:
                if held.root != tree.root():
                    raise Tampered(
                        f"the log's first {held.size} events no longer give the root of a "
                        "checkpoint it signed: events were edited, reordered or rewritten"
                    )
                report.outside.append(held)
    if tree.size != size or due is not None:
        raise Tampered(f"the log ends at leaf {tree.size} but its newest checkpoint says {size}")
    _check_the_rest(session, size, report, witnesses)


def _check_stored(
    due: tuple[int, bytes, str], tree: tlog.Frontier, verifier: note.Verifier
) -> None:
    size, root, text = due
    checkpoint = _opened(text, verifier, f"the checkpoint at size {size}")
    if checkpoint.size != size or checkpoint.root != root:
        raise Tampered(f"the checkpoint row at size {size} does not match its signed note")
    if checkpoint.root != tree.root():
        raise Tampered(
            f"the first {size} events no longer give the root of the checkpoint signed at "
            "that size: events were edited, reordered or rewritten"
        )


def _check_the_rest(
    session: Session, size: int, report: Report, witnesses: list[note.Checkpoint]
) -> None:
    for witness in witnesses:
        if witness.size == 0 and witness.root != tlog.EMPTY_ROOT:
            raise Tampered("an outside checkpoint of the empty log has the wrong root")
    # One statement, one snapshot: sealed leaves must all lie under a checkpoint.
    newest = sa.select(sa.func.coalesce(sa.func.max(CHECKPOINTS.c.size), 0)).scalar_subquery()
    stray = session.scalar(
        sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.leaf >= newest)
    )
    if stray:
        raise Tampered(
            f"{stray} sealed events lie past the newest checkpoint: checkpoints were deleted"
        )
    report.size = size
    if size:
        head = cast(AuditCheckpoint, session.get(AuditCheckpoint, size))
        pieces = tlog.perfect_nodes(0, size)
        stored = stored_nodes(session, pieces)
        if len(stored) != len(pieces) or tlog.fold([stored[p] for p in pieces]) != head.root:
            raise Tampered("the stored tree nodes do not give the newest root: proofs would fail")
