"""The sweep in small committed batches: people keep working while a long sweep runs, and
the sweep's outcome is what one big transaction would have done."""

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Escalation, Item
from reviewq.models.types import utcnow
from reviewq.services import sweep
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

OVERDUE = 13
BATCH = 4


@pytest.mark.postgres_only
def test_intake_claims_and_decisions_answer_while_a_long_sweep_runs(app, make_source) -> None:
    late, other = make_source("late-bot"), make_source("other-bot")
    reviewer = signed_in(app, "rita@example.com", "reviewer")
    overdue = [late.submit(draft()).get_json()["id"] for _ in range(OVERDUE)]
    with app.app_context():
        db.session.execute(
            sa.update(Item)
            .where(Item.id.in_(overdue))
            .values(due_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert other.submit(draft()).status_code == 201

    paused, resume = threading.Event(), threading.Event()
    outcome: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def sweeper() -> None:
        def between() -> None:
            db.session.commit()
            breached = db.session.scalar(
                sa.select(sa.func.count()).where(Item.id.in_(overdue), Item.status == "escalated")
            )
            db.session.commit()
            if breached and not paused.is_set():  # after the first batch of breaches
                paused.set()
                resume.wait(30)

        try:
            with app.app_context():
                outcome.append(sweep.run(db.session, utcnow(), batch=BATCH, between=between))
                db.session.remove()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=sweeper)
    thread.start()
    try:
        assert paused.wait(30), "the sweep never finished a batch"
        # intake, a claim and a decision, with most overdue items not yet swept
        assert other.submit(draft()).status_code == 201
        token = csrf(reviewer, "/queue")
        claimed = reviewer.post("/queue/next", data={"csrf_token": token, "source": "other-bot"})
        assert claimed.status_code == 302 and "/items/" in claimed.headers["Location"]
        item_id = int(claimed.headers["Location"].split("?")[0].rsplit("/", 1)[1])
        page = reviewer.get(f"/items/{item_id}")
        assert page.status_code == 200
        version = page.get_data(as_text=True).split('name="version" type="hidden" value="')[1]
        decided = reviewer.post(
            f"/items/{item_id}/decision",
            data={"csrf_token": token, "action": "approve", "version": version.split('"')[0]},
        )
        assert decided.status_code == 302
        with app.app_context():
            assert db.session.get(Item, item_id).status == "approved"
            swept = db.session.scalar(
                sa.select(sa.func.count()).where(Item.id.in_(overdue), Item.status == "escalated")
            )
            assert swept == BATCH  # the first batch is committed, the rest still waits
    finally:
        resume.set()
        thread.join(60)
    assert errors == []
    assert outcome[0]["sla_breached"] == OVERDUE

    with app.app_context():
        statuses = db.session.scalars(sa.select(Item.status).where(Item.id.in_(overdue))).all()
        assert set(statuses) == {"escalated"}
        opened = Counter(
            db.session.scalars(sa.select(Escalation.item_id).where(Escalation.item_id.in_(overdue)))
        )
        breached = Counter(
            db.session.scalars(
                sa.select(AuditEvent.subject).where(AuditEvent.action == "item.sla_breached")
            )
        )
        assert opened == dict.fromkeys(overdue, 1)
        assert breached == {f"item:{i}": 1 for i in overdue}
