"""What happens when the machinery around a callback fails: Redis down while decisions are
made, a worker killed in the middle of an HTTP call, two sweeps at once.

Time is driven through the database: a lost job is found again by the sweep (run as the
``flask sweep`` command or ``reviewq.jobs.sweep()``), and an expired lease is made to
expire by moving ``lease_until`` into the past.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from reviewq import jobs
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.models import AuditEvent, Escalation, Item
from reviewq.models.types import utcnow
from reviewq.services.deliveries import LEASE
from tests.jobs.support import (
    Harness,
    Receiver,
    RedisServer,
    Reply,
    children_of,
    eventually,
    gone,
)
from tests.support.api import SourceKit, draft

ROOT = Path(__file__).resolve().parents[2]
SECOND = timedelta(seconds=1)


def submit(kit: SourceKit) -> int:
    response = kit.submit(draft())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


# 4. Redis down: nothing is lost ----------------------------------------------------------


def test_decisions_made_while_redis_is_down_are_delivered_once_it_is_back(
    make_rq_app, make_source, receiver: Receiver, reviewer, tmp_path: Path
):
    server = RedisServer(tmp_path)
    server.start()
    worker_redis = Redis.from_url(server.url)
    try:
        # No breaker pause: the `flask sweep` below shares this app's queue, where in
        # production it is a process of its own that tries Redis at once.
        app = make_rq_app(REDIS_URL=server.url, REDIS_BREAKER_COOLDOWN=0.0)
        harness = Harness(app, worker_redis)
        assert app.extensions["reviewq.jobs"].redis.ping()  # the app really uses this Redis
        kit = make_source("outage-bot", receiver.url)
        receiver.secret = kit.secret
        kit = SourceKit(app.test_client(), kit.slug, kit.secret, kit.token)

        server.stop()
        started = time.monotonic()
        ids = [submit(kit) for _ in range(3)]
        approved = harness.decide_next(reviewer)
        rejected = harness.decide_next(
            reviewer, Action.REJECT, reason_code="tone", reason="Too curt"
        )
        withdrawn = kit.post(f"/api/v1/items/{ids[2]}/withdraw")
        assert withdrawn.status_code == 200, withdrawn.get_json()
        assert time.monotonic() - started < 10, "requests hung on the dead Redis"
        assert [approved.id, rejected.id] == ids[:2]

        pending = harness.deliveries()
        assert [(d.item_id, d.status, d.attempts) for d in pending] == [
            (ids[0], "pending", 0),
            (ids[1], "pending", 0),
            (ids[2], "pending", 0),
        ]
        assert receiver.hits == []

        server.start()  # same port, empty: every job that was queued is gone
        assert Queue("deliveries", connection=worker_redis, serializer=JSONSerializer).count == 0
        # `flask sweep` runs in the app's context (FlaskGroup pushes it; the test runner's
        # AppGroup does not for this plain click command, so push it as `flask` would).
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["sweep"])
        assert result.exit_code == 0, result.output
        assert "requeued 3 callbacks" in result.output
        assert harness.work()

        hits = receiver.wait_for(3)
        assert sorted(h.msg_id for h in hits) == sorted(d.msg_id for d in pending)
        assert [
            h.payload["type"] for h in sorted(hits, key=lambda h: h.payload["data"]["item_id"])
        ] == [
            "item.approved",
            "item.rejected",
            "item.withdrawn",
        ]
        assert [d.status for d in harness.deliveries()] == ["delivered"] * 3
    finally:
        worker_redis.close()
        server.stop()


# 5. A worker killed mid-delivery ------------------------------------------------------------


def test_a_delivery_whose_worker_was_killed_is_sent_again_after_its_lease(
    harness: Harness,
    receiver: Receiver,
    callback_source: SourceKit,
    reviewer,
    database_url: str,
    jobs_redis_url: str,
    tmp_path: Path,
):
    receiver.answer(Reply(200, hold=30))  # the first try never gets its answer
    item_id = submit(callback_source)
    harness.decide_next(reviewer)  # queues the deliver job on Redis

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REVIEWQ_INSTANCE_PATH": os.environ["REVIEWQ_INSTANCE_PATH"],
        "SECRET_KEY": "test-secret-key-for-the-worker-process",
        "REDIS_URL": jobs_redis_url,
        "REVIEWQ_ALLOW_PRIVATE_CALLBACKS": "1",
    }
    command = [sys.executable, "-m", "reviewq.worker", "deliveries"]
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            [first] = receiver.wait_for(1, timeout=30)
        except AssertionError:
            raise AssertionError(log_path.read_text()) from None
        in_flight = harness.delivery(item_id)
        assert (in_flight.status, in_flight.attempts) == ("pending", 0)
        assert in_flight.lease_until is not None and in_flight.lease_until > utcnow()
        # kill -9 the worker and its work horse (the process making the HTTP call)
        horses = children_of(worker.pid)
        assert horses, "no work horse found"
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        worker.kill()
        worker.wait()
        eventually(lambda: all(gone(pid) for pid in horses), what="work horse gone")
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    after_kill = harness.delivery(item_id)
    assert (after_kill.status, after_kill.attempts) == ("pending", 0)
    assert after_kill.lease_until == in_flight.lease_until
    assert in_flight.lease_until - first.at <= LEASE + SECOND
    # While the lease runs, the sweep leaves the delivery alone.
    assert harness.sweep()["callbacks_requeued"] == []
    # Drive time: the lease has run out.
    harness.move(after_kill.id, lease_until=utcnow() - SECOND)
    assert harness.sweep()["callbacks_requeued"] == [after_kill.id]
    assert harness.work()

    hits = receiver.wait_for(2)
    assert len(hits) == 2
    assert hits[0].msg_id == hits[1].msg_id == after_kill.msg_id
    assert hits[0].payload == hits[1].payload
    delivered = harness.delivery(item_id)
    assert (delivered.status, delivered.attempts, delivered.last_status) == ("delivered", 1, 200)
    assert delivered.lease_until is None


# 8. Two sweeps at once -------------------------------------------------------------------


def test_two_sweeps_at_once_escalate_once_and_deliver_once(
    harness: Harness,
    rq_app,
    rq_redis: Redis,
    receiver: Receiver,
    callback_source: SourceKit,
    reviewer,
):
    ids = [submit(callback_source) for _ in range(6)]
    decided = [harness.decide_next(reviewer).id for _ in range(2)]
    # Their deliver jobs are lost (as if Redis had dropped them): only the rows remain.
    Queue("deliveries", connection=rq_redis, serializer=JSONSerializer).empty()
    overdue = [i for i in ids if i not in decided]
    with harness.session() as s:
        s.execute(
            sa.update(Item).where(Item.id.in_(overdue)).values(due_at=utcnow() - timedelta(hours=1))
        )

    barrier = threading.Barrier(2)
    summaries: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            with rq_app.app_context():
                barrier.wait(5)
                summaries.append(jobs.sweep())
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(s["sla_breached"] for s in summaries) == len(overdue)

    with harness.session() as s:
        escalations = s.scalars(sa.select(Escalation).where(Escalation.item_id.in_(overdue))).all()
        assert sorted(e.item_id for e in escalations) == sorted(overdue)
        assert all(e.resolved_at is None for e in escalations)
        breaches = s.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "item.sla_breached")
        )
        assert breaches == len(overdue)
        statuses = s.scalars(sa.select(Item.status).where(Item.id.in_(overdue))).all()
        assert set(statuses) == {ItemStatus.ESCALATED}

    # Two workers drain the queue at once (both sweeps queued the lost jobs again).
    workers = [threading.Thread(target=harness.work_in_thread) for _ in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(30)

    deliveries = harness.deliveries()
    assert len(deliveries) == len(ids)
    assert sorted(d.item_id for d in deliveries) == sorted(ids)
    hits = receiver.wait_for(len(ids))
    time.sleep(0.2)  # a duplicate would arrive now
    assert sorted(h.msg_id for h in receiver.hits) == sorted(d.msg_id for d in deliveries)
    assert {(d.status, d.attempts) for d in deliveries} == {("delivered", 1)}
    events = sorted(h.payload["type"] for h in hits)
    assert events == ["item.approved"] * 2 + ["item.escalated"] * len(overdue)
