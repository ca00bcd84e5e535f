"""The RQ worker process: ``python -m reviewq.worker [--burst] [QUEUE ...]`` (the Procfile's
worker; ``--burst`` works off what is queued, then exits).

The app is built once, when the worker starts; each job then runs in an app context of its
own (its own database session) in a work horse forked from this process, so no job pays
for imports or app set-up. The worker runs RQ's scheduler (callback retries are scheduled
jobs) and outlives a Redis restart: it waits for Redis to come back and carries on.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import Any

import rq
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue
from rq.serializers import JSONSerializer

from . import create_app, jobs
from .extensions import db

log = logging.getLogger(__name__)
MAX_WAIT = 30.0  # seconds between tries while Redis is away


class AppContextMixin:
    """Runs each job of an RQ worker in a fresh app context of ``self.app``."""

    app: Flask
    _built_in_pid: int

    def perform_job(self, job: Job, queue: Queue, execution: Execution) -> bool:
        with self.app.app_context():
            if os.getpid() != self._built_in_pid:
                # A forked work horse: never reuse the parent's pooled connections.
                db.engine.dispose(close=False)
            return super().perform_job(job, queue, execution)  # type: ignore[misc]


class Worker(AppContextMixin, rq.Worker):
    """reviewq's RQ worker: JSON jobs, the app built once, maintenance every minute (so a
    scheduler that died with Redis is started again within a minute)."""

    def __init__(self, queues: Any, *args: Any, app: Flask, **kwargs: Any) -> None:
        kwargs.setdefault("serializer", JSONSerializer)
        kwargs.setdefault("maintenance_interval", 60)
        super().__init__(queues, *args, **kwargs)
        self.app = app
        self._built_in_pid = os.getpid()
        self.stop_requested = False

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_requested = True
        super().request_stop(signum, frame)


def connect(url: str) -> Redis:
    """A connection for a worker: no read timeout (it blocks waiting for jobs), keepalive,
    and a health check so a connection that Redis dropped is noticed."""
    return Redis.from_url(
        url, socket_connect_timeout=5, socket_keepalive=True, health_check_interval=30
    )


def run(app: Flask, queue_names: list[str], burst: bool = False) -> int:
    """Work ``queue_names`` until asked to stop (or, with ``burst``, until they are empty),
    starting over whenever Redis goes away.

    Returns:
        The exit status (0: stopped on request, or the burst is done).
    """
    connection = connect(app.config["REDIS_URL"])
    wait = 1.0
    while True:
        began = time.monotonic()
        worker: Worker | None = None
        try:
            worker = Worker(queue_names, connection=connection, app=app)
            worker.work(burst=burst, with_scheduler=True)
        except RedisError as exc:
            log.error("Redis unavailable (%s)", exc)
        else:
            if burst:
                return 0
        if worker is not None and worker.stop_requested:
            return 0
        if time.monotonic() - began > 60:
            wait = 1.0
        log.warning("worker stopped without being asked; starting again in %.0f s", wait)
        time.sleep(wait)
        wait = min(wait * 2, MAX_WAIT)


def main(argv: list[str] | None = None) -> int:
    """``python -m reviewq.worker [--burst] [QUEUE ...]``: every queue unless some are named."""
    parser = argparse.ArgumentParser(
        prog="python -m reviewq.worker", description="Run reviewq's jobs from Redis."
    )
    parser.add_argument("--burst", action="store_true", help="exit once the queues are empty")
    parser.add_argument("queues", nargs="*", metavar="QUEUE", help=", ".join(jobs.QUEUES))
    args = parser.parse_args(argv)
    unknown = [name for name in args.queues if name not in jobs.QUEUES]
    if unknown:
        parser.error(f"unknown queue {unknown[0]!r} (queues: {', '.join(jobs.QUEUES)})")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    if not app.config.get("REDIS_URL"):
        raise SystemExit("reviewq worker: REDIS_URL is not set (without it, the web runs jobs)")
    return run(app, args.queues or list(jobs.QUEUES), burst=args.burst)


if __name__ == "__main__":
    sys.exit(main())
