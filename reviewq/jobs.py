"""Job entry points and their registry. Each job takes ids, calls its services and owns the
commits; it runs inside an app context that its runner pushes (``reviewq.worker`` for RQ,
the job queue's threads in embedded mode), so nothing here builds an app.

RQ records a job by its function's import path (``reviewq.jobs.deliver``); the queue only
enqueues names found in ``REGISTRY``, so an unknown name fails when it is enqueued, not when
a worker picks it up.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import current_app
from rq import get_current_job

from . import logs
from .domain import callbacks
from .extensions import audit_signer, db_session
from .models.types import utcnow
from .services import (
    audit_trail,
    channels,
    deliveries,
    outbound,
    oversight_store,
    pending,
    tlog,
    undo,
)
from .services import sweep as sweep_service

MAX_SEAL_BATCHES = 100  # one run seals at most this many checkpoints; the next goes on


Job = TypeVar("Job", bound=Callable[..., Any])


class UnknownJob(LookupError):
    """A job name that ``REGISTRY`` does not know."""


def logged(job: Job) -> Job:
    """Write one JSON line per run of ``job`` (``reviewq.logs``): its name, the RQ job id
    under a worker, its arguments (ids only), ok or error, and how long it took."""

    @functools.wraps(job)
    def run(*args: Any) -> Any:
        started, outcome = time.perf_counter(), "ok"
        try:
            return job(*args)
        except BaseException:
            outcome = "error"
            raise
        finally:
            if current_app.config.get("LOG_REQUESTS", True):
                rq_job = get_current_job()
                logs.emit(
                    logs.JOBS,
                    event="job",
                    job=job.__name__,
                    job_id=rq_job.id if rq_job is not None else None,
                    args=list(args),
                    outcome=outcome,
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
                )

    return run  # type: ignore[return-value]


@logged
def deliver(delivery_id: int) -> str:
    """Try one callback: take its lease (commit), POST it with no transaction open, then
    record the answer (commit); a retryable failure queues the next try at its time.

    Returns:
        The delivery's status afterwards, or "not sent" when it was not due, was in flight
        elsewhere, or its source's callbacks are disabled.
    """
    _seal()  # so the receipt's checkpoint includes the decision (see deliveries.lease)
    started = time.monotonic()
    now = utcnow()
    outgoing = deliveries.lease(db_session, delivery_id, now)
    db_session.commit()
    if outgoing is None:
        return "not sent"
    answer = outbound.post(
        outgoing.url,
        outgoing.body,
        outgoing.headers,
        allow_private=current_app.config["ALLOW_PRIVATE_CALLBACKS"],
        timeout=callbacks.TIMEOUT_SECONDS,
    )
    # Retry-After and the schedule count from the answer, not from when the call began.
    finished = now + timedelta(seconds=time.monotonic() - started)
    status = deliveries.record_answer(db_session, delivery_id, answer, finished)
    db_session.commit()
    return status


@logged
def sweep() -> dict[str, Any]:
    """The periodic sweep: SLA breaches, expired claims, stale escalations, lost jobs; each
    batch of rows is its own transaction, so nobody waits for the whole sweep."""
    return sweep_service.run(
        db_session,
        utcnow(),
        between=db_session.commit,
        retention_days=current_app.config.get("RETENTION_DAYS"),
    )


@logged
def oversight() -> dict[int, int]:
    """Compute the oversight results of every window the pages offer and store them, one
    window a transaction (each replaces that window's previous results).

    The trend's weeks are analysed once for all windows (the last one is the 7-day
    window); rows are streamed, so memory holds the detector's columns, not the decisions.

    Returns:
        Decisions analysed per window, by its days.
    """
    now = utcnow()
    weeks = oversight_store.weeks(db_session, now)
    db_session.commit()  # end the reading transaction
    done = {}
    for days in oversight_store.WINDOWS:
        run = oversight_store.compute_window(db_session, now, days, weeks)
        done[days] = run.decisions
        db_session.commit()
    return done


@logged
def seal() -> int:
    """Seal the audit log: every committed event not in it yet, a checkpoint per batch.

    Returns:
        How many batches (checkpoints) were sealed.
    """
    return _seal()


def _seal() -> int:
    batches = 0
    while batches < MAX_SEAL_BATCHES and tlog.seal(db_session, audit_signer(), utcnow()):
        db_session.commit()
        batches += 1
    db_session.commit()  # ends the transaction (and the lock) when nothing was left
    return batches


@logged
def audit_verify() -> bool:
    """Verify the whole audit log (as ``flask audit verify``) and record the result as an
    ``audit.verified`` event, which the audit trail page shows.

    Returns:
        Whether the log verified.
    """
    ok = audit_trail.verify_and_record(db_session, audit_signer().verifier, utcnow())
    db_session.commit()
    return ok


def settle(item_id: int) -> bool:
    """Run the consequences of the item's last decision once its undo window closed.

    Returns:
        Whether they ran now (False: undone, superseded, already settled, or not due yet).
    """
    done = undo.settle(db_session, item_id, utcnow())
    db_session.commit()
    return done


@logged
def notify_external(notification_ids: list[int]) -> int:
    """Send notifications by email or chat webhook (queued only when one is configured)."""
    return channels.send(db_session, channels.Settings.of(current_app.config), notification_ids)


@dataclass(frozen=True)
class JobSpec:
    """How the queue runs a job: its function, its RQ queue, and whether this app wants it
    at all (a notification job without a configured channel would only do nothing)."""

    run: Callable[..., Any]
    queue: str
    wanted: Callable[[Mapping[str, Any]], bool] = lambda config: True
    timeout: int | None = None
    """Seconds RQ lets it run (None: RQ's default, 3 minutes)."""


REGISTRY: dict[str, JobSpec] = {
    pending.DELIVER: JobSpec(deliver, "deliveries"),
    pending.NOTIFY_EXTERNAL: JobSpec(
        notify_external, "deliveries", wanted=lambda config: channels.Settings.of(config).any
    ),
    pending.SWEEP: JobSpec(sweep, "maintenance"),
    # a million decisions take minutes: the trend's weeks and four windows
    pending.OVERSIGHT: JobSpec(oversight, "maintenance", timeout=3600),
    pending.SEAL: JobSpec(seal, "maintenance"),
    # a million events are read and hashed again: minutes
    pending.AUDIT_VERIFY: JobSpec(audit_verify, "maintenance", timeout=3600),
    pending.SETTLE: JobSpec(settle, "deliveries"),
}
QUEUES = tuple(dict.fromkeys(spec.queue for spec in REGISTRY.values()))


def spec(name: str) -> JobSpec:
    """The registry entry for ``name``.

    Raises:
        UnknownJob: no job has that name.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownJob(f"no job named {name!r}; known: {', '.join(REGISTRY)}") from None
