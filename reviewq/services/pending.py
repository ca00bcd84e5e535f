"""Jobs a unit of work asks for, to run once it has committed (the outbox's other half).

Services stay free of Flask and of the queue: they add a typed ``Job`` to their session with
``run_after_commit`` next to the row that makes the work durable, and whoever owns the
transaction (a request, a job, a command) hands the session's jobs to the queue once it has
committed. A rollback drops them. The names below are the only ones ``reviewq.jobs`` runs;
the queue checks each against its registry when it enqueues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

DELIVER = "deliver"
NOTIFY_EXTERNAL = "notify_external"
SWEEP = "sweep"
OVERSIGHT = "oversight"
SEAL = "seal"
AUDIT_VERIFY = "audit_verify"
SETTLE = "settle"

_KEY = "reviewq.pending_jobs"


@dataclass(frozen=True)
class Job:
    """One job to run after commit.

    Attributes:
        name: the job's name in ``reviewq.jobs.REGISTRY``.
        args: its arguments: ids and other JSON values, never ORM objects.
        at: when to run it (None: now).
        key: identifies the work; a job whose key is already waiting in the queue is not
            queued again (the sweep re-offers due work every minute).
    """

    name: str
    args: tuple[int | str | list[int], ...] = ()
    at: datetime | None = None
    key: str | None = None


def deliver(delivery_id: int, attempts_made: int, at: datetime | None = None) -> Job:
    """Send callback ``delivery_id`` (its try number ``attempts_made + 1``), at ``at``."""
    return Job(DELIVER, (delivery_id,), at, key=f"deliver-{delivery_id}-{attempts_made}")


def notify_external(notification_ids: list[int]) -> Job:
    """Send these in-app notifications on the external channels (email, chat)."""
    return Job(NOTIFY_EXTERNAL, (list(notification_ids),))


def sweep() -> Job:
    """The periodic sweep (at most one waiting at a time)."""
    return Job(SWEEP, key="sweep")


def oversight() -> Job:
    """Compute and store the oversight results of every window (at most one waiting)."""
    return Job(OVERSIGHT, key="oversight")


def seal() -> Job:
    """Seal the audit log (at most one waiting at a time)."""
    return Job(SEAL, key="seal")


def audit_verify() -> Job:
    """Verify the whole audit log and record the result (at most one waiting at a time)."""
    return Job(AUDIT_VERIFY, key="audit-verify")


def settle(item_id: int, at: datetime) -> Job:
    """Run the consequences of item ``item_id``'s last decision when its undo window closes
    (``at``); the sweep settles any whose job was lost."""
    return Job(SETTLE, (item_id,), at)


def run_after_commit(session: Session, job: Job) -> None:
    """Ask for ``job`` once ``session``'s transaction commits (dropped if it rolls back)."""
    session.info.setdefault(_KEY, []).append(job)


def take(session: Session) -> list[Job]:
    """The jobs ``session`` asked for since its last commit or rollback, forgetting them."""
    jobs: list[Job] = session.info.pop(_KEY, [])
    return jobs


def discard(session: Session) -> None:
    """Forget the jobs of a transaction that rolled back."""
    session.info.pop(_KEY, None)
