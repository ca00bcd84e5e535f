"""Background jobs: RQ on Redis in production, an in-process runner in embedded mode.

Services never enqueue directly: they note a job with ``after_commit(session, ...)`` inside
their transaction (next to the outbox row that makes it durable), and the job is handed to
the queue only once that transaction has committed. If Redis is down at that moment the job
is not lost: its row is still pending, and the sweep enqueues it again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import redis_client

log = logging.getLogger(__name__)
PENDING = "reviewq.after_commit"
QUEUES = {"deliver": "deliveries", "notify_external": "deliveries", "sweep": "maintenance"}
SWEEP_EVERY = 60.0


def after_commit(session: Session, job: str, *args: Any, at: datetime | None = None) -> None:
    """Run ``reviewq.jobs.<job>(*args)`` (at ``at``, or now) once ``session`` commits."""
    session.info.setdefault(PENDING, []).append((job, args, at))


def _on_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if pending and has_app_context():
        queue: JobQueue = current_app.extensions["reviewq.jobs"]
        for job, args, at in pending:
            queue.enqueue(job, *args, at=at)


def _on_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


class JobQueue:
    """Hands jobs to RQ (JSON serializer) or, without Redis, to threads in this process."""

    def __init__(self, app: Flask):
        self.app = app
        self.redis = redis_client(app)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._sweeping = False
        self._stop = threading.Event()

    def enqueue(self, job: str, *args: Any, at: datetime | None = None) -> bool:
        """Queue a job; returns False when Redis refused it (the sweep will retry)."""
        if self.redis is None:
            self._run_locally(job, args, at)
            return True
        from rq import Queue
        from rq.serializers import JSONSerializer

        queue = Queue(QUEUES[job], connection=self.redis, serializer=JSONSerializer)
        try:
            if at is not None and at > datetime.now(UTC):
                queue.enqueue_at(at, f"reviewq.jobs.{job}", *args)
            else:
                queue.enqueue(f"reviewq.jobs.{job}", *args)
        except RedisError as exc:
            log.warning(
                "Redis refused job %s%r (%s); the sweep will enqueue it again", job, args, exc
            )
            return False
        return True

    # Embedded mode -------------------------------------------------------------------

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reviewq-job")
            return self._pool

    def _run_locally(self, job: str, args: tuple[Any, ...], at: datetime | None) -> None:
        delay = (at - datetime.now(UTC)).total_seconds() if at else 0.0
        if delay > 0:
            timer = threading.Timer(delay, self._run_locally, (job, args, None))
            timer.daemon = True
            timer.start()
            return
        self._executor().submit(self.run, job, *args)

    def wait_idle(self) -> None:
        """Embedded mode: stop the sweep thread and let running jobs finish (for a graceful
        stop, and tests)."""
        self._stop.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def run(self, job: str, *args: Any) -> Any:
        """Run a job in this process, in its own app context (embedded mode and tests)."""
        from . import jobs

        with self.app.app_context():
            try:
                return getattr(jobs, job)(*args)
            except Exception:
                log.exception("job %s%r failed", job, args)
                raise

    def start_embedded_sweep(self) -> None:
        """Without Redis, sweep every minute from a daemon thread of this process (started
        when the app serves its first request; the test suite drives the sweep itself)."""
        with self._lock:
            if self._sweeping or self.app.config.get("TESTING"):
                return
            self._sweeping = True

        def loop() -> None:
            while not self._stop.wait(SWEEP_EVERY):
                with contextlib.suppress(Exception):  # logged by run(); keep sweeping
                    self.run("sweep")

        threading.Thread(target=loop, name="reviewq-sweep", daemon=True).start()


def init_app(app: Flask) -> JobQueue:
    """Attach the job queue to ``app`` and the after-commit hooks to every session."""
    queue = JobQueue(app)
    app.extensions["reviewq.jobs"] = queue
    if queue.redis is None:
        app.before_request(queue.start_embedded_sweep)
    if not event.contains(Session, "after_commit", _on_commit):
        event.listen(Session, "after_commit", _on_commit)
        event.listen(Session, "after_rollback", _on_rollback)
    return queue
