"""The job queue: RQ on Redis in production, threads of this process in embedded mode.

Services ask for jobs with ``services.pending.run_after_commit`` inside their transaction,
next to the outbox row that makes the work durable; when that transaction commits, the
session's jobs are handed here. Nothing is lost if Redis refuses, hangs or forgets a job:
the row is still pending and the sweep offers it again.

Handing a job to Redis never holds up a request for long: Redis gets a short timeout, and
after a failure a circuit breaker sends jobs straight to the outbox (the sweep) for a
while instead of waiting on Redis again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job as RQJob
from rq.serializers import JSONSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import jobs
from .services import pending

log = logging.getLogger(__name__)
SWEEP_EVERY = 60.0
OVERSIGHT_EVERY = 5  # sweeps between computations of the oversight results (embedded mode)
SEAL_EVERY = 5.0  # seconds between seals of the audit log
# A job key stays claimed this long at most: past the longest wait before a retry (a day).
KEY_TTL = 2 * 24 * 3600
ENQUEUE_TIMEOUT = 0.25  # seconds: a local Redis answers in well under a millisecond
BREAKER_COOLDOWN = 30.0  # seconds without trying Redis after it failed

# Atomically: if the job this key last went out as is still waiting, say so; otherwise
# claim the key for the new job id. KEYS[1]: the key's marker; ARGV: new id, the job hash
# prefix, the marker's time to live.
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if current then
  local status = redis.call('HGET', ARGV[2] .. current, 'status')
  if status == 'queued' or status == 'scheduled' or status == 'deferred' then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return false
"""


class Enqueued(StrEnum):
    """What became of a job handed to the queue."""

    QUEUED = "queued"  # on Redis, or running in this process (embedded mode)
    WAITING = "waiting"  # the same work (job key) is already waiting: not queued twice
    DEFERRED = "deferred"  # Redis failed or the breaker is open: the sweep will offer it
    UNWANTED = "unwanted"  # this app does not run it (no notification channel configured)


class Breaker:
    """A circuit breaker: after a failure, calls are refused for ``cooldown`` seconds, then
    one call at a time is let through to try again."""

    def __init__(self, cooldown: float, clock: Any = time.monotonic) -> None:
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self.failures = 0  # calls that failed since it last closed

    @property
    def is_open(self) -> bool:
        """Whether calls are being refused right now."""
        with self._lock:
            return self._open_until is not None and self._clock() < self._open_until

    def allow(self) -> bool:
        """Whether to make the call; after the cooldown, one caller gets to try."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._clock() < self._open_until:
                return False
            self._open_until = self._clock() + self.cooldown  # the others keep waiting
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._open_until, self.failures = None, 0

    def failed(self) -> None:
        with self._lock:
            self._open_until = self._clock() + self.cooldown
            self.failures += 1


def _on_commit(session: Session) -> None:
    taken = pending.take(session)
    if taken and has_app_context():
        queue: JobQueue = current_app.extensions["reviewq.jobs"]
        for job in taken:
            queue.enqueue(job)


def _on_rollback(session: Session) -> None:
    pending.discard(session)


class JobQueue:
    """Hands jobs to RQ (JSON serializer) or, without Redis, to threads in this process."""

    def __init__(self, app: Flask):
        self.app = app
        url = app.config.get("REDIS_URL")
        timeout = float(app.config.get("REDIS_ENQUEUE_TIMEOUT", ENQUEUE_TIMEOUT))
        self.redis: Redis | None = (
            Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                health_check_interval=30,
            )
            if url
            else None
        )
        self.breaker = Breaker(float(app.config.get("REDIS_BREAKER_COOLDOWN", BREAKER_COOLDOWN)))
        self._claim = self.redis.register_script(_CLAIM) if self.redis is not None else None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._waiting: set[str] = set()  # embedded mode: job keys not yet started
        self._sweeping = False
        self._stop = threading.Event()

    def enqueue(self, job: pending.Job) -> Enqueued:
        """Queue ``job`` (at ``job.at``, or now).

        Raises:
            UnknownJob: ``reviewq.jobs`` has no job of that name.
        """
        spec = jobs.spec(job.name)
        if not spec.wanted(self.app.config):
            return Enqueued.UNWANTED
        if self.redis is None:
            return self._run_locally(job)
        if not self.breaker.allow():
            log.info("Redis breaker open: %s%r left to the sweep", job.name, job.args)
            return Enqueued.DEFERRED
        try:
            outcome = self._enqueue_rq(spec, job)
        except RedisError as exc:
            self.breaker.failed()
            log.warning(
                "Redis refused job %s%r (%s); the sweep will offer it again",
                job.name,
                job.args,
                exc,
            )
            return Enqueued.DEFERRED
        self.breaker.succeeded()
        return outcome

    def _enqueue_rq(self, spec: jobs.JobSpec, job: pending.Job) -> Enqueued:
        assert self.redis is not None and self._claim is not None
        job_id = uuid.uuid4().hex
        if job.key is not None:
            marker = f"reviewq:job-key:{job.key}"
            if self._claim(keys=[marker], args=[job_id, RQJob.key_for(""), KEY_TTL]):
                return Enqueued.WAITING
        queue = Queue(spec.queue, connection=self.redis, serializer=JSONSerializer)
        options: dict[str, Any] = {"job_id": job_id}
        if spec.timeout is not None:
            options["job_timeout"] = spec.timeout
        if job.at is not None and job.at > datetime.now(UTC):
            queue.enqueue_at(job.at, spec.run, *job.args, **options)
        else:
            queue.enqueue(spec.run, *job.args, **options)
        return Enqueued.QUEUED

    # Embedded mode -------------------------------------------------------------------

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reviewq-job")
            return self._pool

    def _run_locally(self, job: pending.Job) -> Enqueued:
        if job.key is not None:
            with self._lock:
                if job.key in self._waiting:
                    return Enqueued.WAITING
                self._waiting.add(job.key)
        self._schedule(job)
        return Enqueued.QUEUED

    def _schedule(self, job: pending.Job) -> None:
        delay = (job.at - datetime.now(UTC)).total_seconds() if job.at else 0.0
        if delay > 0:
            timer = threading.Timer(delay, self._schedule, (dataclasses.replace(job, at=None),))
            timer.daemon = True
            timer.start()
            return
        self._executor().submit(self._start, job)

    def _start(self, job: pending.Job) -> Any:
        if job.key is not None:
            with self._lock:
                self._waiting.discard(job.key)
        return self.run(job.name, *job.args)

    def wait_idle(self) -> None:
        """Embedded mode: stop the sweep thread and let running jobs finish (for a graceful
        stop, and tests)."""
        self._stop.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def run(self, name: str, *args: Any) -> Any:
        """Run a job in this process, in its own app context (embedded mode and tests).

        Raises:
            UnknownJob: ``reviewq.jobs`` has no job of that name.
        """
        spec = jobs.spec(name)
        with self.app.app_context():
            try:
                return spec.run(*args)
            except Exception:
                log.exception("job %s%r failed", name, args)
                raise

    def start_embedded_sweep(self) -> None:
        """Without Redis, seal the audit log every few seconds, sweep every minute and
        compute the oversight results every five sweeps, from a daemon thread of this
        process (started when the app serves its first request; the test suite drives them
        itself)."""
        with self._lock:
            if self._sweeping or self.app.config.get("TESTING"):
                return
            self._sweeping = True

        def loop() -> None:
            last_sweep, sweeps = time.monotonic(), 0
            while not self._stop.wait(SEAL_EVERY):
                with contextlib.suppress(Exception):  # logged by run(); keep going
                    self.run(pending.SEAL)
                if time.monotonic() - last_sweep < SWEEP_EVERY:
                    continue
                last_sweep = time.monotonic()
                if sweeps % OVERSIGHT_EVERY == 0:  # in a job thread: it takes a while
                    self.enqueue(pending.oversight())
                sweeps += 1
                with contextlib.suppress(Exception):
                    self.run(pending.SWEEP)

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
