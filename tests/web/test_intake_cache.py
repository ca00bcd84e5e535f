"""Intake keeps each source and the policy per process (services/receiving.py): whatever
changes them takes effect on the very next draft, in this process and in any other.

Two app instances on one database stand for two gunicorn processes: each has its own
snapshots, both are warmed up before the change, and the change is made by neither of
them (a service call on the test's session, committed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Item, Source, SourceStatus, SourceToken
from reviewq.services import policy, sources
from tests.conftest import IsolatedClient
from tests.support.api import SourceKit, draft

ADMIN = Actor.system("test")


@pytest.fixture
def other_app(app: Flask, make_app) -> Flask:
    """A second app on the same database: another process, with its own snapshots."""
    other = make_app(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    other.test_client_class = IsolatedClient
    return other


@pytest.fixture
def kits(source: SourceKit, other_app: Flask) -> list[SourceKit]:
    """The source as seen through both apps, each with a snapshot of it (a draft stored)."""
    both = [source, SourceKit(other_app.test_client(), source.slug, source.secret, source.token)]
    for kit in both:
        assert kit.submit(draft()).status_code == 201
    return both


def _source() -> Source:
    found = db.session.scalar(sa.select(Source))
    assert found is not None
    return found


def test_a_pause_refuses_the_next_draft_everywhere_and_a_resume_accepts_it(kits, ctx) -> None:
    sources.set_status(db.session, ADMIN, _source(), SourceStatus.PAUSED, "model upgrade")
    db.session.commit()
    for kit in kits:
        refused = kit.submit(draft())
        assert refused.status_code == 423
        assert "model upgrade" in refused.get_json()["detail"]
    sources.set_status(db.session, ADMIN, _source(), SourceStatus.ACTIVE, None)
    db.session.commit()
    assert [kit.submit(draft()).status_code for kit in kits] == [201, 201]


def test_a_retired_source_is_refused_at_once(kits, ctx) -> None:
    sources.set_status(db.session, ADMIN, _source(), SourceStatus.RETIRED, "replaced")
    db.session.commit()
    assert [kit.submit(draft()).status_code for kit in kits] == [423, 423]
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 2  # the warm-up drafts


def test_a_rotated_secret_verifies_at_once_and_the_one_before_last_stops(kits, ctx) -> None:
    now = datetime.now(UTC)
    first = kits[0].secret
    second = sources.rotate_secret(db.session, ADMIN, _source(), now, timedelta(hours=1))
    db.session.commit()
    for kit in kits:
        assert kit.submit(draft(), secret=second).status_code == 201
        assert kit.submit(draft(), secret=first).status_code == 201  # in its grace period
    third = sources.rotate_secret(db.session, ADMIN, _source(), now, timedelta(hours=1))
    db.session.commit()
    for kit in kits:
        assert kit.submit(draft(), secret=first).status_code == 401
        assert kit.submit(draft(), secret=second).status_code == 201
        assert kit.submit(draft(), secret=third).status_code == 201


def test_a_secret_whose_grace_ended_early_stops_at_once(kits, ctx) -> None:
    now = datetime.now(UTC)
    old = kits[0].secret
    sources.rotate_secret(db.session, ADMIN, _source(), now, timedelta(hours=1))
    db.session.commit()
    assert [kit.submit(draft(), secret=old).status_code for kit in kits] == [201, 201]
    # An operator cuts the grace short: the sweep then erases the old secret.
    sources.erase_expired_secrets(db.session, now + timedelta(hours=2))
    db.session.commit()
    assert [kit.submit(draft(), secret=old).status_code for kit in kits] == [401, 401]


def test_a_revoked_token_is_refused_at_once(kits, ctx) -> None:
    for kit in kits:
        assert kit.get(f"/api/v1/sources/{kit.slug}/items").status_code == 200
    db.session.execute(sa.update(SourceToken).values(revoked_at=datetime.now(UTC)))
    db.session.commit()
    for kit in kits:
        assert kit.get(f"/api/v1/sources/{kit.slug}/items").status_code == 401


def test_a_new_policy_routes_the_next_draft_everywhere(kits, ctx) -> None:
    strict = Rule(tag="medical", min_level=3, approvals=2, sla_minutes=30)
    version = policy.set_rules(db.session, ADMIN, [strict])
    db.session.commit()
    for kit in kits:
        body = kit.submit(draft(risk_tags=["medical"])).get_json()
        needs = body["requirements"]
        assert (needs["min_level"], needs["approvals"], needs["policy_version"]) == (
            3,
            2,
            version.id,
        )
    policy.set_rules(db.session, ADMIN, [Rule(tag="legal", always_escalate=True)])
    db.session.commit()
    for kit in kits:
        assert kit.submit(draft(risk_tags=["legal"])).get_json()["status"] == "escalated"


def test_a_repeat_answers_the_stored_item_from_either_process(kits, ctx) -> None:
    body = draft(external_id="once")
    first = kits[0].submit(body, msg_id="msg-once")
    again = [kit.submit(body, msg_id="msg-once") for kit in kits]
    assert first.status_code == 201
    assert [r.status_code for r in again] == [200, 200]
    assert {r.get_json()["id"] for r in again} == {first.get_json()["id"]}
    # The repeat made the snapshot be read again; the next new draft is stored as usual.
    assert [kit.submit(draft()).status_code for kit in kits] == [201, 201]
