"""Embedded mode (no REDIS_URL): callbacks go out from threads of the web process.

Nothing is driven here: the retry really waits its scheduled ~5 s (``threading.Timer``),
so no timer is left behind to fire into a later test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from reviewq.domain import callbacks
from reviewq.domain.authority import Actor
from reviewq.models.types import utcnow
from tests.jobs.support import Harness, Receiver, eventually
from tests.support.api import SourceKit, draft


@pytest.fixture
def embedded(make_rq_app) -> Flask:
    app = make_rq_app(REDIS_URL=None)
    assert app.extensions["reviewq.jobs"].redis is None
    return app


@pytest.fixture
def kit(embedded: Flask, make_source, receiver: Receiver) -> SourceKit:
    made = make_source("embedded-bot", receiver.url)
    receiver.secret = made.secret
    return SourceKit(embedded.test_client(), made.slug, made.secret, made.token)


def submit(kit: SourceKit) -> int:
    response = kit.submit(draft())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_an_approval_is_delivered_by_the_in_process_runner(
    embedded: Flask, kit: SourceKit, receiver: Receiver, reviewer
):
    harness = Harness(embedded, None)
    item_id = submit(kit)
    harness.decide_next(reviewer)

    [hit] = receiver.wait_for(1)
    delivery = eventually(
        lambda: next((d for d in harness.deliveries(item_id) if d.status == "delivered"), None),
        what="delivery recorded as delivered",
    )
    assert (delivery.attempts, delivery.last_status) == (1, 200)
    assert hit.msg_id == delivery.msg_id
    assert hit.payload["type"] == "item.approved"
    assert hit.payload["data"]["item_id"] == item_id


def test_a_failed_try_is_retried_in_process_after_its_delay(
    embedded: Flask, kit: SourceKit, receiver: Receiver, reviewer
):
    receiver.answer(500)
    harness = Harness(embedded, None)
    item_id = submit(kit)
    harness.decide_next(reviewer)

    [first] = receiver.wait_for(1)
    failed = eventually(
        lambda: next((d for d in harness.deliveries(item_id) if d.attempts == 1), None),
        what="first try recorded",
    )
    assert (failed.status, failed.last_status) == ("pending", 500)
    delay = callbacks.RETRY_SCHEDULE[0]
    assert first.at + delay * 0.9 <= failed.next_attempt_at <= utcnow() + delay * 1.1

    hits = receiver.wait_for(2, timeout=15)
    waited = hits[1].at - hits[0].at
    assert delay * 0.9 <= waited <= delay * 1.1 + timedelta(seconds=1)
    assert hits[1].at >= failed.next_attempt_at
    assert hits[0].msg_id == hits[1].msg_id == failed.msg_id
    delivered = eventually(
        lambda: next((d for d in harness.deliveries(item_id) if d.status == "delivered"), None),
        what="delivery recorded as delivered",
    )
    assert (delivered.attempts, delivered.last_status) == (2, 200)


def test_an_admin_redelivers_a_failed_callback_from_the_page(
    embedded: Flask, kit: SourceKit, receiver: Receiver, reviewer
):
    """A callback refused with 410 Gone is listed with its last error; Redeliver sends it
    again, with the same webhook-id. (410 schedules no retry, so no timer outlives the test.)"""
    import re

    from reviewq.extensions import db
    from reviewq.services import users
    from tests.support.auth import client_of

    receiver.answer(410)
    harness = Harness(embedded, None)
    item_id = submit(kit)
    harness.decide_next(reviewer)
    receiver.wait_for(1)
    first = eventually(
        lambda: next((d for d in harness.deliveries(item_id) if d.status == "disabled"), None),
        what="410 recorded",
    )
    with embedded.app_context():
        users.create_user(
            db.session, Actor.system("t"), "ada@example.com", "Ada", "admin", 1, "long-enough-pw"
        )
        db.session.commit()
    admin = client_of(embedded, "ada@example.com")
    page = admin.get("/admin/deliveries").get_data(as_text=True)
    assert "410 Gone" in page and "Redeliver" in page
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    admin.post(f"/admin/deliveries/{first.id}/redeliver", data={"csrf_token": token})
    hits = receiver.wait_for(2, timeout=10)
    assert hits[1].msg_id == hits[0].msg_id == first.msg_id
    eventually(
        lambda: next((d for d in harness.deliveries(item_id) if d.status == "delivered"), None),
        what="redelivered",
    )
