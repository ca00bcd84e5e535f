"""The undo window with real jobs: the callback goes out once, after the window, from RQ's
scheduler or from the web process's own timer (embedded mode); an undone decision's never."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from redis import Redis

from reviewq.domain.workflow import Action
from reviewq.models import Item
from reviewq.models.types import utcnow
from reviewq.services import review, undo
from reviewq.services.review import QueueFilter, Verdict
from tests.jobs.support import Harness, Receiver, make_scheduled_due, scheduled
from tests.support.api import SourceKit, draft

WINDOW = timedelta(seconds=10)


def decide(harness: Harness, actor, window: timedelta = WINDOW) -> int:
    """Claim the next item as ``actor`` and approve it with an undo window."""
    with harness.session() as s:
        item = review.claim_next(s, actor, utcnow(), QueueFilter())
        assert item is not None
        review.decide(s, actor, item, Verdict(Action.APPROVE, item.version), utcnow(), window)
        return item.id


def take_back(harness: Harness, actor, item_id: int) -> None:
    with harness.session() as s:
        undo.undo(s, actor, s.get(Item, item_id), utcnow())


def close_window(harness: Harness, rq_redis: Redis, item_id: int) -> None:
    """Drive time: the window has passed, for the database and for RQ's scheduler."""
    with harness.session() as s:
        past = utcnow() - timedelta(seconds=1)
        s.execute(
            sa.update(Item)
            .where(Item.id == item_id, Item.settles_at.is_not(None))
            .values(settles_at=past)
        )
    make_scheduled_due(rq_redis)


def test_rq_delivers_once_after_the_window(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    assert callback_source.submit(draft()).status_code == 201
    item_id = decide(harness, reviewer)
    [when] = scheduled(rq_redis).values()  # the settle job waits for the window
    assert abs((when - (utcnow() + WINDOW)).total_seconds()) < 2
    harness.work(with_scheduler=True)  # not due: nothing goes out
    assert harness.deliveries() == [] and receiver.hits == []

    close_window(harness, rq_redis, item_id)
    harness.work(with_scheduler=True)  # settle, then the delivery it asked for
    harness.work(with_scheduler=True)
    [hit] = receiver.wait_for(1)
    assert hit.payload["data"]["item_id"] == item_id
    assert harness.delivery(item_id).status == "delivered"
    harness.sweep()  # the sweep finds nothing left to settle or send
    harness.work(with_scheduler=True)
    assert len(receiver.hits) == 1


def test_rq_never_sends_an_undone_decision(
    harness: Harness, rq_redis: Redis, receiver: Receiver, callback_source: SourceKit, reviewer
):
    assert callback_source.submit(draft()).status_code == 201
    item_id = decide(harness, reviewer)
    take_back(harness, reviewer, item_id)
    close_window(harness, rq_redis, item_id)
    harness.work(with_scheduler=True)
    assert harness.sweep()["decisions_settled"] == 0
    harness.work(with_scheduler=True)
    assert harness.deliveries() == [] and receiver.hits == []
    with harness.session() as s:
        assert review.holds_claim(s.get(Item, item_id), reviewer, utcnow())


def test_embedded_mode_sends_after_the_window_and_never_when_undone(
    make_rq_app, make_source, receiver: Receiver, reviewer
):
    embedded: Flask = make_rq_app(REDIS_URL=None)
    made = make_source("embedded-bot", receiver.url)
    receiver.secret = made.secret
    kit = SourceKit(embedded.test_client(), made.slug, made.secret, made.token)
    harness = Harness(embedded, None)
    for n in (1, 2):
        assert kit.submit(draft(external_id=f"e-{n}")).status_code == 201
    window = timedelta(seconds=1)

    undone = decide(harness, reviewer, window)
    take_back(harness, reviewer, undone)
    with harness.session() as s:  # give it back, so the next claim takes the other draft
        review.skip(s, reviewer, s.get(Item, undone), utcnow())

    decided_at = utcnow()
    kept = decide(harness, reviewer, window)
    [hit] = receiver.wait_for(1)
    assert hit.payload["data"]["item_id"] == kept
    assert hit.at >= decided_at + window
    time.sleep(1.5)  # the undone decision's timer has fired too, and sent nothing
    assert len(receiver.hits) == 1
    assert [d.item_id for d in harness.deliveries()] == [kept]
