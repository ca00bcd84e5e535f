"""Retention: the sweep purges decided drafts' text after the set days, keeps everything
else, records one event per purge run, and the audit log still verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import audit_signer, db
from reviewq.models import AuditEvent, Decision, Delivery, Item
from reviewq.services import audit_verify, review, sweep, users
from reviewq.services.verdicts import Verdict
from tests.support.api import draft

SECRET_TEXT = "Patient Jane Roe, diagnosis confidential"


def decide_all(app, count: int, at: datetime) -> list[int]:
    """Approve ``count`` queued items as a reviewer, at ``at``."""
    rita = users.create_user(
        db.session, Actor.system("t"), "rita@example.com", "Rita", "reviewer", 5, "pw-long-enough"
    )
    decided = []
    for _ in range(count):
        item = review.claim_next(db.session, rita.actor, at)
        assert item is not None
        review.decide(
            db.session,
            rita.actor,
            item,
            Verdict(Action.EDIT, item.version, content=SECRET_TEXT + " (edited)"),
            at,
        )
        decided.append(item.id)
    db.session.commit()
    return decided


def test_purge_after_the_days_keeps_what_is_not_text(app, source) -> None:
    for n in range(3):
        assert source.submit(draft(content=f"{SECRET_TEXT} {n}", risk_tags=[])).status_code == 201
    now = datetime.now(UTC)
    with app.app_context():
        old = decide_all(app, 2, now - timedelta(days=40))
        young = db.session.scalar(sa.select(Item.id).where(Item.id.not_in(old)))
        words = {i.id: i.words for i in db.session.scalars(sa.select(Item))}

        summary = sweep.run(db.session, now, retention_days=30, between=db.session.commit)
        db.session.commit()

        assert summary["purged"] == 2
        for item in db.session.scalars(sa.select(Item).where(Item.id.in_(old))):
            assert (item.content, item.context, item.final_content) == ("", {}, None)
            assert item.purged_at is not None and item.status is ItemStatus.APPROVED
            assert item.words == words[item.id] and item.decided_at is not None
        kept = db.session.get(Item, young)
        assert kept.content.startswith(SECRET_TEXT) and kept.purged_at is None
        for decision in db.session.scalars(sa.select(Decision).where(Decision.item_id.in_(old))):
            assert decision.content_before is None and decision.content_after is None
            assert decision.action and decision.decided_at
        (event,) = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "retention.purged")
        ).all()
        assert event.data["items"] == 2 and event.data["days"] == 30

        again = sweep.run(db.session, now, retention_days=30, between=db.session.commit)
        assert again["purged"] == 0
        assert (
            len(
                db.session.scalars(
                    sa.select(AuditEvent).where(AuditEvent.action == "retention.purged")
                ).all()
            )
            == 1
        )  # a sweep that purged nothing records nothing

        db.session.commit()  # the sealer runs in its own session
        app.extensions["reviewq.jobs"].run("seal")
        report = audit_verify.verify(db.session, audit_signer().verifier)
        assert report.ok, report.problem
        texts = db.session.scalars(sa.select(sa.cast(AuditEvent.data, sa.Text))).all()
        assert not any(SECRET_TEXT in text for text in texts)


def test_a_callback_still_to_send_keeps_its_text_until_sent(app, make_source) -> None:
    kit = make_source("hooked", callback_url="http://127.0.0.1:9/hook")
    assert kit.submit(draft(content=SECRET_TEXT, risk_tags=[])).status_code == 201
    now = datetime.now(UTC)
    with app.app_context():
        (item_id,) = decide_all(app, 1, now - timedelta(days=40))
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.item_id == item_id))
        assert delivery is not None and delivery.payload["data"]["final_content"]
        db.session.execute(sa.update(Delivery).values(status="pending"))
        db.session.commit()
        assert sweep.run(db.session, now, retention_days=30)["purged"] == 0
        db.session.execute(sa.update(Delivery).values(status="delivered"))
        db.session.commit()
        assert sweep.run(db.session, now, retention_days=30)["purged"] == 1
        db.session.commit()
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.item_id == item_id))
        assert delivery.payload["data"]["final_content"] is None
        assert delivery.payload["data"]["outcome"] == "approved"


def test_without_the_setting_nothing_is_purged(app, source) -> None:
    assert source.submit(draft(risk_tags=[])).status_code == 201
    now = datetime.now(UTC)
    with app.app_context():
        decide_all(app, 1, now - timedelta(days=4000))
        assert "purged" not in sweep.run(db.session, now)
        assert db.session.scalar(sa.select(Item.purged_at)) is None
