"""A worker that is down while sweeps go on finds one job per due callback, not one per
sweep; notification jobs are queued only when a channel would send them."""

from __future__ import annotations

import sqlalchemy as sa
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.jobqueue import Enqueued
from reviewq.models import Delivery
from reviewq.models.types import utcnow
from reviewq.services import pending, policy, users
from tests.jobs.support import Harness, Receiver, Reply, make_scheduled_due, scheduled
from tests.support.api import SourceKit, draft

SWEEPS = 5


def submit(kit: SourceKit, **fields) -> int:
    response = kit.submit(draft(**fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def queued(redis: Redis, name: str = "deliveries") -> list[str]:
    return Queue(name, connection=redis, serializer=JSONSerializer).get_job_ids()


def test_sweeps_while_the_worker_is_down_queue_each_due_callback_once(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    ids = [submit(callback_source) for _ in range(3)]
    for _ in ids:
        harness.decide_next(reviewer)
    assert len(queued(rq_redis)) == 3  # one each, after the decisions' commits

    # No worker: the sweep finds the same three due callbacks every minute.
    for _ in range(SWEEPS):
        assert len(harness.sweep()["callbacks_requeued"]) == 3
    assert len(queued(rq_redis)) == 3

    assert harness.work()
    assert sorted(h.payload["data"]["item_id"] for h in receiver.wait_for(3)) == sorted(ids)
    assert [d.status for d in harness.deliveries()] == ["delivered"] * 3
    assert queued(rq_redis) == []


def test_a_callback_whose_job_redis_lost_is_queued_again_once(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    submit(callback_source)
    harness.decide_next(reviewer)
    Queue("deliveries", connection=rq_redis, serializer=JSONSerializer).empty()  # lost

    for _ in range(SWEEPS):
        harness.sweep()
    assert len(queued(rq_redis)) == 1
    assert harness.work()
    assert len(receiver.wait_for(1)) == 1


def test_a_retry_waiting_for_its_time_is_not_queued_again_by_the_sweep(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    receiver.answer(Reply(500))
    item_id = submit(callback_source)
    harness.decide_next(reviewer)
    assert harness.work()
    [retry] = scheduled(rq_redis)
    failed = harness.delivery(item_id)
    assert (failed.status, failed.attempts) == ("pending", 1)

    # Its time has come but the scheduler has not moved it yet (workers down).
    harness.move(failed.id, next_attempt_at=utcnow())
    for _ in range(SWEEPS):
        assert harness.sweep()["callbacks_requeued"] == [failed.id]
    assert queued(rq_redis) == [] and list(scheduled(rq_redis)) == [retry]

    make_scheduled_due(rq_redis)
    assert harness.work(with_scheduler=True)
    assert len(receiver.wait_for(2)) == 2
    assert harness.delivery(item_id).status == "delivered"


def test_a_job_key_is_queued_once_while_it_waits(rq_app, rq_redis: Redis):
    queue = rq_app.extensions["reviewq.jobs"]
    assert queue.enqueue(pending.sweep()) is Enqueued.QUEUED
    assert queue.enqueue(pending.sweep()) is Enqueued.WAITING
    assert len(queued(rq_redis, "maintenance")) == 1


def _escalating_source(app, make_source) -> SourceKit:
    users.create_user(
        db.session, Actor.system("t"), "sue@example.com", "Sue", "supervisor", 5, "long-enough-pw"
    )
    policy.set_rules(db.session, Actor.system("t"), [Rule("fraud", always_escalate=True)])
    db.session.commit()
    made = make_source("chat-bot")
    return SourceKit(app.test_client(), made.slug, made.secret, made.token)


def test_no_notification_job_is_queued_without_a_channel(rq_app, rq_redis: Redis, make_source, ctx):
    kit = _escalating_source(rq_app, make_source)
    submit(kit, risk_tags=["fraud"])  # escalated at intake: the supervisor is notified
    assert queued(rq_redis) == []
    assert (
        rq_app.extensions["reviewq.jobs"].enqueue(pending.notify_external([1])) is Enqueued.UNWANTED
    )


def test_a_notification_job_is_queued_when_a_channel_is_configured(
    make_rq_app, rq_redis: Redis, make_source, ctx
):
    app = make_rq_app(CHAT_WEBHOOK_URL="http://127.0.0.1:9/chat")
    kit = _escalating_source(app, make_source)
    submit(kit, risk_tags=["fraud"])
    [job_id] = queued(rq_redis)
    job = Queue("deliveries", connection=rq_redis, serializer=JSONSerializer).fetch_job(job_id)
    assert job is not None and job.func_name == "reviewq.jobs.notify_external"


def test_sweeping_many_times_leaves_one_job_per_due_delivery_in_redis(
    harness: Harness, rq_redis: Redis, callback_source: SourceKit, reviewer
):
    """The figure from the attack run, scaled down: ten callbacks, ten sweeps."""
    for _ in range(10):
        submit(callback_source)
        harness.decide_next(reviewer)
    for _ in range(10):
        harness.sweep()
    with harness.session() as s:
        due = s.scalar(sa.select(sa.func.count()).select_from(Delivery))
    assert due == 10
    assert len(queued(rq_redis)) == 10
