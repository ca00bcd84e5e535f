from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import IllegalTransition, SourceUnavailable
from reviewq.domain.intake import parse_submission
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Item, SourceStatus
from reviewq.services import intake, policy, sources
from tests.support.api import draft
from tests.support.audit import event_count
from tests.support.clock import NOW


@pytest.fixture
def src(source):
    return sources.get(db.session, source.slug)


def submit(src, msg_id="m-1", **fields):
    return intake.submit(db.session, src, msg_id, parse_submission(draft(**fields)), NOW)


def test_new_item_records_requirements_policy_version_and_audit(src) -> None:
    version = policy.set_rules(
        db.session,
        Actor.system("test"),
        [Rule(DEFAULT_TAG), Rule("refund", min_level=2, approvals=2, sla_minutes=90)],
    )
    item, created = submit(src, risk_tags=["refund", "mystery"])
    db.session.commit()
    assert created
    assert (item.min_level, item.approvals_required, item.sla_minutes) == (2, 2, 90)
    assert item.due_at == NOW + timedelta(minutes=90)
    assert item.policy_version_id == version.id
    assert item.unknown_tags == ["mystery"]
    assert any("refund" in line for line in item.routing_reason)
    assert item.status is ItemStatus.QUEUED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.subject == f"item:{item.id}"))
    assert event.action == "item.submitted" and event.actor == f"source:{src.slug}"


def test_without_a_policy_the_reason_says_so(src) -> None:
    item, _ = submit(src)
    assert item.policy_version_id is None
    assert "built-in default" in item.routing_reason[0]


def test_always_escalate_skips_the_reviewer_queue(src) -> None:
    policy.set_rules(
        db.session, Actor.system("test"), [Rule("fraud", min_level=3, always_escalate=True)]
    )
    item, _ = submit(src, risk_tags=["fraud"])
    assert item.status is ItemStatus.ESCALATED and item.always_escalate


@pytest.mark.parametrize("same", ["webhook_id", "external_id"])
def test_repeats_return_the_existing_item_and_store_nothing(src, same: str) -> None:
    first, _ = submit(src, msg_id="m-1", external_id="d-1")
    db.session.commit()
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    again, created = submit(
        src,
        msg_id="m-1" if same == "webhook_id" else "m-2",
        external_id="d-1" if same == "external_id" else "d-2",
    )
    assert not created and again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events


def test_paused_source_is_refused_with_its_reason(src) -> None:
    sources.set_status(db.session, Actor.system("test"), src, SourceStatus.PAUSED, "model drift")
    with pytest.raises(SourceUnavailable, match="model drift"):
        submit(src)
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 0


def test_item_and_audit_event_share_one_transaction(src) -> None:
    before = event_count()
    submit(src)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 0
    assert event_count() == before


def test_withdraw_is_idempotent_and_refused_after_a_decision(src) -> None:
    item, _ = submit(src)
    intake.withdraw(db.session, src, item, NOW)
    intake.withdraw(db.session, src, item, NOW)
    assert item.status is ItemStatus.WITHDRAWN
    decided, _ = submit(src, msg_id="m-9")
    decided.status = ItemStatus.APPROVED
    with pytest.raises(IllegalTransition):
        intake.withdraw(db.session, src, decided, NOW)


def test_a_reused_policy_version_id_is_not_served_from_the_cache(src) -> None:
    policy.set_rules(db.session, Actor.system("test"), [Rule("refund", min_level=2)])
    assert submit(src, msg_id="m-1", risk_tags=["refund"])[0].min_level == 2
    db.session.rollback()  # the version id is free again (on SQLite at once)
    policy.set_rules(db.session, Actor.system("test"), [Rule("refund", min_level=4)])
    item, _ = submit(src, msg_id="m-2", risk_tags=["refund"])
    assert item.min_level == 4
