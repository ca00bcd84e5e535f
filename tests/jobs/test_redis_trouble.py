"""Redis that hangs or restarts: decisions do not wait on it, the worker outlives it, and
the outbox keeps every callback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker as RQWorker

from reviewq.jobqueue import Enqueued
from reviewq.services import pending
from tests.jobs.support import Harness, Receiver, RedisServer, Reply, eventually
from tests.support.api import SourceKit, draft
from tests.support.auth import signed_in
from tests.web.test_review_pages import decide, review_next

ROOT = Path(__file__).resolve().parents[2]


class HangingRedis:
    """A TCP server that accepts every connection and never answers (a hung Redis)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.accepted = 0
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            self.held.append(conn)  # read nothing, answer nothing

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.held:
            conn.close()
        self.listener.close()


@pytest.fixture
def hanging() -> Iterator[HangingRedis]:
    server = HangingRedis()
    yield server
    server.close()


def test_a_hanging_redis_does_not_hold_up_decisions(
    make_rq_app, make_source, receiver: Receiver, hanging: HangingRedis
):
    app = make_rq_app(REDIS_URL=hanging.url)
    queue = app.extensions["reviewq.jobs"]
    made = make_source("hang-bot", receiver.url)
    kit = SourceKit(app.test_client(), made.slug, made.secret, made.token)
    for _ in range(2):
        assert kit.submit(draft()).status_code == 201
    rita = signed_in(app, "rita@example.com", "reviewer")

    timings = []
    for _ in range(2):
        item_id, page = review_next(rita)
        started = time.monotonic()
        response = decide(rita, item_id, page, action="approve")
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
        assert queue.breaker.is_open  # Redis failed once: jobs go to the outbox for now
    # The first decision waited once for the short timeout, the second not at all: it never
    # even opened a connection to Redis.
    assert timings[0] < 0.25 + 0.5, timings
    assert timings[1] < 0.5, timings
    assert hanging.accepted == 1
    assert queue.enqueue(pending.sweep()) is Enqueued.DEFERRED

    # Nothing is lost: both callbacks wait in the outbox for the sweep.
    harness = Harness(app, None)
    assert [(d.status, d.attempts) for d in harness.deliveries()] == [("pending", 0)] * 2


def test_the_breaker_lets_one_try_through_after_its_cooldown():
    from reviewq.jobqueue import Breaker

    now = [0.0]
    breaker = Breaker(30.0, clock=lambda: now[0])
    assert breaker.allow()
    breaker.failed()
    assert breaker.is_open and not breaker.allow()
    now[0] = 31.0
    assert breaker.allow()  # one try
    assert not breaker.allow()  # the others wait for it
    breaker.succeeded()
    assert not breaker.is_open and breaker.allow()


def _worker_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REVIEWQ_INSTANCE_PATH": os.environ["REVIEWQ_INSTANCE_PATH"],
        "SECRET_KEY": "test-secret-key-for-the-worker-process",
        "REDIS_URL": redis_url,
        "REVIEWQ_ALLOW_PRIVATE_CALLBACKS": "1",
    }


def test_the_worker_survives_a_redis_restart_in_the_middle_of_a_job(
    make_rq_app, make_source, receiver: Receiver, reviewer, database_url: str, tmp_path: Path
):
    server = RedisServer(tmp_path)
    server.start()
    probe = Redis.from_url(server.url)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "reviewq.worker"],
            env=_worker_env(database_url, server.url),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        app = make_rq_app(REDIS_URL=server.url, REDIS_BREAKER_COOLDOWN=0.0)
        harness = Harness(app, probe)
        made = make_source("restart-bot", receiver.url)
        receiver.secret = made.secret
        kit = SourceKit(app.test_client(), made.slug, made.secret, made.token)
        eventually(  # a worker process starts slowly on a loaded machine
            lambda: RQWorker.all(connection=probe), timeout=60, what="worker registered"
        )

        # Redis goes away while the worker is in the middle of a callback.
        receiver.answer(Reply(200, hold=2))
        assert kit.submit(draft()).status_code == 201
        harness.decide_next(reviewer)
        receiver.wait_for(1, timeout=30)
        server.stop()
        time.sleep(3)  # the callback's answer arrives while Redis is down
        server.start()

        assert kit.submit(draft()).status_code == 201
        second = harness.decide_next(reviewer)
        try:
            hits = receiver.wait_for(2, timeout=60)
        except AssertionError:
            raise AssertionError(log_path.read_text()) from None
        assert hits[1].payload["data"]["item_id"] == second.id
        assert worker.poll() is None, log_path.read_text()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        probe.close()
        server.stop()
    assert worker.returncode == 0, log_path.read_text()
