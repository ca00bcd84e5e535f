"""The audit trail as administrators read it: filtered, newest first, a page at a time by
keyset (``id < before``: as fast on page 10,000 as on page 1), exported as CSV, and
verified on request by a job that records its result as an event of the trail itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain import note
from ..domain.authority import Actor, Permission, can
from ..domain.errors import NotAllowed
from ..models import AuditEvent
from . import audit, audit_verify, pending

PER_PAGE = 50
VERIFIED = "audit.verified"
CSV_COLUMNS = ["id", "at", "actor", "action", "subject", "data", "hash", "leaf"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filter:
    """What the trail shows: an exact actor and subject; an action exactly, or every action
    under a prefix ending in ``.`` (``user.``); a time range [since, until)."""

    actor: str = ""
    action: str = ""
    subject: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _admin(actor: Actor) -> None:
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator reads the audit trail")


def _where(where: Filter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if where.actor:
        conditions.append(AuditEvent.actor == where.actor)
    if where.action.endswith("."):
        # a prefix: the index on (action, id) serves a range, with no LIKE escaping to get wrong
        conditions.append(AuditEvent.action >= where.action)
        conditions.append(AuditEvent.action < where.action[:-1] + "/")  # "/" follows "."
    elif where.action:
        conditions.append(AuditEvent.action == where.action)
    if where.subject:
        conditions.append(AuditEvent.subject == where.subject)
    if where.since is not None:
        conditions.append(AuditEvent.at >= where.since)
    if where.until is not None:
        conditions.append(AuditEvent.at < where.until)
    return conditions


@dataclass(frozen=True)
class Page:
    """Events newest first, and the id to pass as ``before`` for the next (older) page."""

    rows: list[AuditEvent]
    next_before: int | None


def events(session: Session, actor: Actor, where: Filter, before: int | None = None) -> Page:
    """One page of the trail matching ``where``, older than event ``before``.

    Raises:
        NotAllowed: ``actor`` may not administer.
    """
    _admin(actor)
    stmt = sa.select(AuditEvent).where(*_where(where))
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    rows = list(session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(PER_PAGE + 1)))
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return Page(rows, rows[-1].id if more and rows else None)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (RFC 4180 quoting aside)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(engine: sa.Engine, actor: Actor, where: Filter) -> Iterator[str]:
    """The matching events as CSV text, oldest first, streamed a chunk of rows at a time on
    a connection of its own (the response outlives the request's session).

    Raises:
        NotAllowed: ``actor`` may not administer (checked at once, before the first line).
    """
    _admin(actor)

    def lines() -> Iterator[str]:
        with Session(engine) as session:
            yield from _csv(session, where)

    return lines()


def _csv(session: Session, where: Filter) -> Iterator[str]:
    """The CSV lines of ``where``'s events, a chunk of 500 rows per string."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows = session.execute(
        sa.select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.subject,
            AuditEvent.data,
            AuditEvent.hash,
            AuditEvent.leaf,
        )
        .where(*_where(where))
        .order_by(AuditEvent.id)
        .execution_options(yield_per=2000)
    )
    for count, row in enumerate(rows, 1):
        writer.writerow(
            [
                row.id,
                row.at.isoformat(),
                _cell(row.actor),
                _cell(row.action),
                _cell(row.subject),
                _cell(json.dumps(row.data, ensure_ascii=False, sort_keys=True)),
                row.hash,
                "" if row.leaf is None else row.leaf,
            ]
        )
        if count % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    session.rollback()  # the read ends with the last row, not when the client hangs up
    yield out.getvalue()


def request_verification(session: Session, actor: Actor) -> None:
    """Ask for the whole log to be verified once the caller commits (audited).

    Raises:
        NotAllowed: ``actor`` may not administer.
    """
    _admin(actor)
    audit.record(session, actor.label, "audit.verify_requested", "audit:log")
    pending.run_after_commit(session, pending.audit_verify())


def verify_and_record(session: Session, verifier: note.Verifier, now: datetime) -> bool:
    """What ``flask audit verify`` checks, with its result recorded as an event; the
    caller commits.

    Returns:
        Whether the log verified.
    """
    report = audit_verify.verify(session, verifier)
    session.rollback()  # the verification's long read ends before the write
    audit.record(
        session,
        "system",
        VERIFIED,
        "audit:log",
        {
            "ok": report.ok,
            "size": report.size,
            "checkpoints": report.checkpoints,
            "chained": report.chained,
            "unsealed": report.unsealed,
            "problem": report.problem,
        },
        at=now,
    )
    return report.ok


def latest_verification(session: Session) -> AuditEvent | None:
    """The newest recorded verification, if any (on the (action, id) index)."""
    return session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == VERIFIED)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
