"""Helpers for the job tests: a real webhook receiver, a burst RQ worker, and short
database steps that each run in their own app context (so no test holds a transaction,
which on SQLite would be the write lock, while a worker needs it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty
from sqlalchemy.orm import Session
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from reviewq import jobs
from reviewq.domain.authority import Actor
from reviewq.domain.workflow import Action
from reviewq.extensions import db
from reviewq.models import Delivery, Item
from reviewq.models.types import utcnow
from reviewq.services import review
from reviewq.services.review import QueueFilter, Verdict
from reviewq.worker import AppContextMixin

QUEUE_NAMES = ("deliveries", "maintenance")


# The receiver ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, extra headers, and how long to hold the request first."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hold: float = 0.0


@dataclass(frozen=True)
class Hit:
    """One callback that verified with the official Standard Webhooks library."""

    msg_id: str
    payload: dict[str, Any]
    at: datetime
    path: str


class Receiver:
    """A threaded HTTP server on 127.0.0.1 that verifies every POST with
    ``standardwebhooks.Webhook(secret).verify`` and answers from a script (then 200)."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.hits: list[Hit] = []
        self.refused: list[str] = []  # POSTs that did not verify, and why
        self.stray: list[str] = []  # any other request (a followed redirect would land here)
        self._replies: list[Reply] = []
        self._changed = threading.Condition()
        self.released = threading.Event()  # ends every hold early (teardown)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with receiver._changed:
                    receiver.stray.append(f"GET {self.path}")
                    receiver._changed.notify_all()
                self._answer(Reply(404))

            def do_POST(self) -> None:
                at = datetime.now(UTC)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if self.path != "/hook":
                    with receiver._changed:
                        receiver.stray.append(f"POST {self.path}")
                        receiver._changed.notify_all()
                    self._answer(Reply(404))
                    return
                try:
                    payload = Webhook(receiver.secret or "").verify(body, headers)
                except (WebhookVerificationError, ValueError, TypeError) as exc:
                    with receiver._changed:
                        receiver.refused.append(f"{type(exc).__name__}: {exc}")
                        receiver._changed.notify_all()
                    self._answer(Reply(401))
                    return
                with receiver._changed:
                    receiver.hits.append(Hit(headers["webhook-id"], payload, at, self.path))
                    reply = receiver._replies.pop(0) if receiver._replies else Reply()
                    receiver._changed.notify_all()
                if reply.hold:
                    receiver.released.wait(reply.hold)
                self._answer(reply)

            def _answer(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the caller is gone (a killed worker): nobody to answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def answer(self, *replies: Reply | int) -> None:
        """Script the next answers (ints are bare statuses); 200 once they run out."""
        with self._changed:
            self._replies.extend(Reply(r) if isinstance(r, int) else r for r in replies)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Hit]:
        """Block until ``count`` verified callbacks arrived; returns them all."""
        with self._changed:
            done = self._changed.wait_for(lambda: len(self.hits) >= count, timeout)
            assert done, f"expected {count} callbacks within {timeout} s, got {self.hits}"
            return list(self.hits)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()  # joins the request threads
        self._thread.join()


# The worker --------------------------------------------------------------------------------


class BurstWorker(AppContextMixin, SimpleWorker):
    """reviewq's worker as a SimpleWorker: each job in a fresh app context of ``app``, in
    this process (no fork)."""

    def __init__(self, app: Flask, connection: Redis) -> None:
        super().__init__(queues(connection), connection=connection, serializer=JSONSerializer)
        self.app = app
        self._built_in_pid = os.getpid()


class ThreadWorker(BurstWorker):
    """A BurstWorker that can run outside the main thread (no signal handlers, no SIGALRM)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def queues(connection: Redis) -> list[Queue]:
    return [Queue(n, connection=connection, serializer=JSONSerializer) for n in QUEUE_NAMES]


def failed_jobs(connection: Redis) -> list[str]:
    out = []
    for name in QUEUE_NAMES:
        registry = FailedJobRegistry(name, connection=connection, serializer=JSONSerializer)
        for job in registry.get_job_ids():
            out.append(f"{name}/{job}")
    return out


def scheduled(connection: Redis) -> dict[str, datetime]:
    """The delayed jobs (``enqueue_at``) waiting for the RQ scheduler: id -> when."""
    registry = ScheduledJobRegistry("deliveries", connection=connection, serializer=JSONSerializer)
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()}


def make_scheduled_due(connection: Redis) -> None:
    """Drive time for RQ: every delayed job becomes due now."""
    registry = ScheduledJobRegistry("deliveries", connection=connection, serializer=JSONSerializer)
    for job_id in registry.get_job_ids():
        connection.zadd(registry.key, {job_id: int(time.time()) - 1})


# Database steps, each in its own app context -----------------------------------------------


class Harness:
    """Runs the app's services, jobs and a burst RQ worker against one app."""

    def __init__(self, app: Flask, redis: Redis | None) -> None:
        self.app = app
        self.redis = redis

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work in its own app context: commits, then ends the session."""
        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    def decide_next(
        self,
        actor: Actor,
        action: Action = Action.APPROVE,
        *,
        spent: float = 0.0,
        **fields: Any,
    ) -> Item:
        """Claim the next item as ``actor`` and decide it ``spent`` seconds later."""
        now = utcnow()
        with self.session() as s:
            item = review.claim_next(s, actor, now - timedelta(seconds=spent), QueueFilter())
            assert item is not None, "nothing to claim"
            review.decide(s, actor, item, Verdict(action, item.version, **fields), now)
        return item

    def deliveries(self, item_id: int | None = None) -> list[Delivery]:
        with self.session() as s:
            query = sa.select(Delivery).order_by(Delivery.id)
            if item_id is not None:
                query = query.where(Delivery.item_id == item_id)
            return list(s.scalars(query))

    def delivery(self, item_id: int) -> Delivery:
        found = self.deliveries(item_id)
        assert len(found) == 1, f"expected one delivery for item {item_id}, got {found}"
        return found[0]

    def get(self, model: type, row_id: int) -> Any:
        with self.session() as s:
            return s.get(model, row_id)

    def move(self, delivery_id: int, **values: Any) -> None:
        """Drive time: rewrite a delivery's timestamps as if the wait had passed."""
        with self.session() as s:
            s.execute(sa.update(Delivery).where(Delivery.id == delivery_id).values(**values))

    def sweep(self) -> dict[str, Any]:
        with self.app.app_context():
            return jobs.sweep()

    def work(self, *, with_scheduler: bool = False) -> bool:
        """Run every queued job with a burst SimpleWorker in this process; no job may fail."""
        assert self.redis is not None
        worker = BurstWorker(self.app, self.redis)
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            worked = worker.work(burst=True, with_scheduler=with_scheduler)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        assert not failed_jobs(self.redis), f"jobs failed: {failed_jobs(self.redis)}"
        return worked

    def work_in_thread(self) -> None:
        """A burst worker for a non-main thread (its own app context)."""
        assert self.redis is not None
        ThreadWorker(self.app, self.redis).work(burst=True)


# Processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway ``redis-server`` on a fixed port that a test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not on PATH"
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
                + ["--appendonly", "no", "--dir", str(self.folder)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while True:
            try:
                with Redis.from_url(self.url, socket_connect_timeout=1) as probe:
                    probe.ping()
                return
            except RedisError:
                assert self.proc.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (an RQ worker's work horse)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def eventually(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} not reached within {timeout} s"
        time.sleep(0.05)
