"""Decision callbacks end to end on a real Redis and RQ worker, checked by a real receiver
that verifies every request with the official Standard Webhooks library.

Time is driven, not waited for: a delayed retry is made due by moving the delivery's
``next_attempt_at`` into the past in the database and the RQ scheduler's entry for it to
now, then a burst worker runs ``with_scheduler=True`` (the production path: ``enqueue_at``
picked up by the scheduler).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from redis import Redis

from reviewq.domain import callbacks, note, tlog
from reviewq.domain.audit import leaf_data
from reviewq.domain.workflow import Action
from reviewq.extensions import audit_signer
from reviewq.models import AuditEvent, Source
from reviewq.models.types import utcnow
from reviewq.services import tlog as log
from tests.jobs.support import (
    Harness,
    Receiver,
    Reply,
    make_scheduled_due,
    scheduled,
)
from tests.support.api import SourceKit, draft

SECOND = timedelta(seconds=1)


def submit(kit: SourceKit, **fields: Any) -> dict[str, Any]:
    response = kit.submit(draft(**fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def jitter_window(
    attempts_made: int, before: datetime, after: datetime
) -> tuple[datetime, datetime]:
    """Where ``next_attempt_at`` may fall after a failed try made between before and after."""
    delay = callbacks.RETRY_SCHEDULE[attempts_made - 1]
    return before + delay * 0.9, after + delay * 1.1


def only_scheduled_job(redis: Redis) -> datetime:
    jobs = scheduled(redis)
    assert len(jobs) == 1, f"expected one delayed deliver job, got {jobs}"
    return next(iter(jobs.values()))


# 1. Each outcome sends exactly one signed callback with the receipt --------------------------


# Non-ASCII on purpose: the signature covers the UTF-8 body exactly as sent.
EDITED = "Dear customer — your refund is sent ✓ (Grüße, 返金)"
CONTENT = draft()["content"]
# action (None: the source withdraws), verdict fields, event, then the expected outcome,
# final_content, edited and reason of the callback body.
OUTCOMES = {
    "approve": (Action.APPROVE, {}, "item.approved", "approved", CONTENT, False, None),
    "edit": (Action.EDIT, {"content": EDITED}, "item.approved", "approved", EDITED, True, None),
    # Saved without a change: an approval, and the source is told it was not edited.
    "unchanged edit": (
        Action.EDIT,
        {"content": CONTENT},
        "item.approved",
        "approved",
        CONTENT,
        False,
        None,
    ),
    "reject": (
        Action.REJECT,
        {"reason_code": "tone", "reason": "Too curt"},
        "item.rejected",
        "rejected",
        None,
        False,
        "tone: Too curt",
    ),
    "escalate": (
        Action.ESCALATE,
        {"reason": "Needs legal"},
        "item.escalated",
        "escalated",
        None,
        False,
        "Needs legal",  # the escalation's reason, for the source's information
    ),
    "withdraw": (None, {}, "item.withdrawn", "withdrawn", None, False, None),
}


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_decision_sends_one_signed_callback_with_the_receipt(
    outcome, harness: Harness, receiver: Receiver, callback_source: SourceKit, reviewer
):
    action, fields, event, status, final_content, edited, reason = OUTCOMES[outcome]
    submitted = submit(callback_source)
    if action is None:
        response = callback_source.post(f"/api/v1/items/{submitted['id']}/withdraw")
        assert response.status_code == 200, response.get_json()
        decided_at = response.get_json()["outcome"]["decided_at"]
        spent, reviewers, level = 0.0, 0, None
    else:
        item = harness.decide_next(reviewer, action, spent=90, **fields)
        assert item.id == submitted["id"]
        decided_at = item.decided_at.isoformat() if item.decided_at else None
        spent, reviewers, level = 90.0, 1, 2
    assert (decided_at is None) == (outcome == "escalate")

    assert harness.work()
    [hit] = receiver.wait_for(1)
    delivery = harness.delivery(submitted["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert hit.msg_id == delivery.msg_id
    assert hit.payload["type"] == event == delivery.event
    # The receipt is a witness: the log's signed checkpoint includes the decision's event.
    witness = hit.payload["data"]["receipt"].pop("audit")
    with harness.session() as session:
        checkpoint = note.open_checkpoint(witness["checkpoint"], audit_signer().verifier)
        proof = log.inclusion(session, witness["event"], checkpoint.size)
        recorded = session.get(AuditEvent, witness["event"])
        about = (recorded.subject, recorded.action)
    leaf = tlog.leaf_hash(leaf_data(witness["event"], proof.event_hash))
    tlog.verify_inclusion(leaf, witness["leaf"], checkpoint.size, proof.proof, checkpoint.root)
    assert about[0] == f"item:{submitted['id']}" and about[1] != "item.claimed"
    assert hit.payload["data"] == {
        "item_id": submitted["id"],
        "external_id": submitted["external_id"],
        "outcome": status,
        "final_content": final_content,
        "edited": edited,
        "reason": reason,
        "decided_at": decided_at,
        "reviewers": reviewers,
        "receipt": {
            "approvals": int(status == "approved"),
            "authority_level": level,
            "seconds_spent": spent,
            "routing_reason": submitted["requirements"]["routing_reason"],
            "policy_version": None,
        },
    }

    # Nothing sends it twice: another sweep and worker find nothing to do.
    assert harness.sweep()["callbacks_requeued"] == []
    assert not harness.work()
    assert len(receiver.hits) == 1
    assert receiver.refused == [] and receiver.stray == []


# 2. Retries: same webhook-id, on the schedule ---------------------------------------------


def test_two_failures_then_success_follow_the_retry_schedule(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    receiver.answer(500, 500, 200)
    item = submit(callback_source)
    harness.decide_next(reviewer)

    for attempts_made in (1, 2):
        before = utcnow()
        harness.work(with_scheduler=True)
        after = utcnow()
        delivery = harness.delivery(item["id"])
        assert (delivery.status, delivery.attempts, delivery.last_status) == (
            "pending",
            attempts_made,
            500,
        )
        assert delivery.last_error == "HTTP 500"
        low, high = jitter_window(attempts_made, before, after)
        assert low <= delivery.next_attempt_at <= high
        # The retry waits in RQ's scheduler for that time (RQ keeps whole seconds).
        assert abs(only_scheduled_job(rq_redis) - delivery.next_attempt_at) < SECOND
        # Not due yet: a worker with the scheduler sends nothing.
        harness.work(with_scheduler=True)
        assert len(receiver.hits) == attempts_made
        # Drive time: the wait has passed.
        harness.move(delivery.id, next_attempt_at=utcnow())
        make_scheduled_due(rq_redis)

    harness.work(with_scheduler=True)
    hits = receiver.wait_for(3)
    delivery = harness.delivery(item["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert delivery.last_error is None and delivery.delivered_at is not None
    assert [h.msg_id for h in hits] == [delivery.msg_id] * 3
    assert hits[0].payload == hits[1].payload == hits[2].payload
    assert scheduled(rq_redis) == {}


# 3. 410, Retry-After, redirects ------------------------------------------------------------


def test_410_disables_the_callbacks_of_the_source(
    harness: Harness, receiver: Receiver, callback_source: SourceKit, reviewer
):
    receiver.answer(410)
    first, queued, later = (submit(callback_source) for _ in range(3))
    assert harness.decide_next(reviewer).id == first["id"]
    assert harness.decide_next(reviewer).id == queued["id"]  # its job waits behind the first
    before = utcnow()
    harness.work()
    after = utcnow()

    delivery = harness.delivery(first["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("disabled", 1, 410)
    source = harness.get(Source, delivery.source_id)
    assert source.callback_disabled_at is not None
    assert before <= source.callback_disabled_at <= after
    # The callback already in the outbox is not sent to an endpoint that said Gone.
    waiting = harness.delivery(queued["id"])
    assert (waiting.status, waiting.attempts) == ("disabled", 0)
    assert len(receiver.hits) == 1

    # The next decision records no callback at all.
    assert harness.decide_next(reviewer).id == later["id"]
    assert harness.deliveries(later["id"]) == []
    assert harness.sweep()["callbacks_requeued"] == []
    harness.work()
    assert len(receiver.hits) == 1


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_sets_the_next_attempt(
    form, harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source, reviewer
):
    at = (datetime.now(UTC) + timedelta(minutes=10)).replace(microsecond=0)
    header = "120" if form == "seconds" else format_datetime(at, usegmt=True)
    # The receiver takes a second to answer: the wait counts from its answer.
    receiver.answer(Reply(503, {"Retry-After": header}, hold=1.0 if form == "seconds" else 0))
    item = submit(callback_source)
    harness.decide_next(reviewer)
    harness.work()
    after = utcnow()

    delivery = harness.delivery(item["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 503)
    if form == "seconds":
        [hit] = receiver.hits
        answered = hit.at + timedelta(seconds=1) - timedelta(milliseconds=50)
        assert answered + timedelta(seconds=120) <= delivery.next_attempt_at
        assert delivery.next_attempt_at <= after + timedelta(seconds=120)
    else:
        assert delivery.next_attempt_at == at
    assert abs(only_scheduled_job(rq_redis) - delivery.next_attempt_at) < SECOND


def test_a_redirect_is_a_failed_try_and_is_not_followed(
    harness: Harness, receiver: Receiver, callback_source: SourceKit, reviewer
):
    moved = receiver.url.replace("/hook", "/moved")
    receiver.answer(Reply(302, {"Location": moved}))
    item = submit(callback_source)
    harness.decide_next(reviewer)
    before = utcnow()
    harness.work()
    after = utcnow()

    delivery = harness.delivery(item["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 302)
    assert delivery.last_error == "HTTP 302"
    low, high = jitter_window(1, before, after)
    assert low <= delivery.next_attempt_at <= high
    assert len(receiver.hits) == 1
    assert receiver.stray == []


# 7. SSRF guard -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_callback_targets_are_refused(
    host, make_rq_app, make_source, rq_redis: Redis, receiver: Receiver, reviewer
):
    app = make_rq_app(ALLOW_PRIVATE_CALLBACKS=False)
    harness = Harness(app, rq_redis)
    kit = make_source("private-bot", receiver.url.replace("127.0.0.1", host))
    receiver.secret = kit.secret
    item = submit(SourceKit(app.test_client(), kit.slug, kit.secret, kit.token))
    harness.decide_next(reviewer)
    harness.work()

    delivery = harness.delivery(item["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert "non-public" in delivery.last_error
    assert receiver.hits == [] and receiver.refused == [] and receiver.stray == []


# A callback in flight holds no database lock ---------------------------------------------


def test_a_slow_receiver_does_not_hold_up_decisions(
    harness: Harness, receiver: Receiver, callback_source: SourceKit, reviewer
):
    receiver.answer(Reply(200, hold=10))
    first, second = submit(callback_source), submit(callback_source)
    harness.decide_next(reviewer)
    worker = threading.Thread(target=harness.work_in_thread)
    worker.start()
    decided = threading.Event()
    try:
        receiver.wait_for(1)  # the callback is in flight; the receiver holds it

        def decide() -> None:
            harness.decide_next(reviewer)
            decided.set()

        decider = threading.Thread(target=decide)
        decider.start()
        in_time = decided.wait(3)
    finally:
        receiver.released.set()
        worker.join(20)
    decider.join(20)
    assert in_time, "a decision waited for another callback's HTTP call"
    harness.work()
    assert {h.payload["data"]["item_id"] for h in receiver.wait_for(2)} == {
        first["id"],
        second["id"],
    }
    assert [d.status for d in harness.deliveries()] == ["delivered", "delivered"]


# An answer that is not HTTP is a failed try, not a crashed job ----------------------------


@pytest.fixture
def garbage_server() -> Iterator[str]:
    """Answers every connection with a line that is not an HTTP status line."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                conn.recv(65536)
                conn.sendall(b"HELLO THERE\r\n\r\n")

    thread = threading.Thread(target=serve)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    stop.set()
    thread.join()
    listener.close()


def test_a_garbled_answer_is_a_failed_try(
    harness: Harness, rq_app, make_source, garbage_server: str, reviewer
):
    made = make_source("garbled-bot", garbage_server)
    item = submit(SourceKit(rq_app.test_client(), made.slug, made.secret, made.token))
    harness.decide_next(reviewer)
    before = utcnow()
    harness.work()  # no job may fail
    after = utcnow()

    delivery = harness.delivery(item["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert "BadStatusLine" in delivery.last_error
    assert delivery.lease_until is None
    low, high = jitter_window(1, before, after)
    assert low <= delivery.next_attempt_at <= high
