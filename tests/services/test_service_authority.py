"""Services that change users, sources, policy or callbacks check authority themselves."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor, Role
from reviewq.domain.errors import NotAllowed
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import AuditEvent, Delivery, SourceStatus
from reviewq.services import deliveries, policy, sources, users

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SUPERVISOR = Actor(id=999, role=Role.SUPERVISOR, level=5, label="user:sue@example.com")
REVIEWER = Actor(id=998, role=Role.REVIEWER, level=5, label="user:rita@example.com")


def test_only_an_administrator_adds_people_and_changes_the_policy(ctx) -> None:
    with pytest.raises(NotAllowed):
        users.create_user(db.session, SUPERVISOR, "x@example.com", "X", "reviewer", 1, "pw-long-ok")
    with pytest.raises(NotAllowed):
        policy.set_rules(db.session, SUPERVISOR, [Rule("fraud", min_level=3)])


def test_only_an_administrator_manages_secrets_and_resends_callbacks(source) -> None:
    src = sources.get(db.session, source.slug)
    with pytest.raises(NotAllowed):
        sources.rotate_secret(db.session, SUPERVISOR, src, NOW, timedelta(hours=1))
    with pytest.raises(NotAllowed):
        sources.issue_token(db.session, SUPERVISOR, src)
    with pytest.raises(NotAllowed):
        deliveries.redeliver(db.session, SUPERVISOR, Delivery(), NOW)


def test_a_source_is_paused_by_its_owner_or_a_supervisor_not_a_reviewer(source) -> None:
    src = sources.get(db.session, source.slug)
    with pytest.raises(NotAllowed):
        sources.set_status(db.session, REVIEWER, src, SourceStatus.PAUSED, "drift")
    sources.set_status(db.session, SUPERVISOR, src, SourceStatus.PAUSED, "drift")
    assert src.status is SourceStatus.PAUSED


def test_the_audit_trail_names_the_actor_by_its_label(ctx) -> None:
    user = users.create_user(
        db.session, Actor.system("cli:ops"), "ada@example.com", "Ada", "admin", 1, "pw-long-ok"
    )
    assert user.actor.label == "user:ada@example.com"
    version = policy.set_rules(db.session, user.actor, [Rule("fraud", min_level=3)])
    assert version.created_by == "user:ada@example.com"


def test_a_command_acts_as_the_operator_named_as_before(app, runner, monkeypatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    out = runner.invoke(
        args=[
            *("users", "create", "--email", "ana@example.com", "--name", "Ana"),
            *("--role", "reviewer", "--password", "correct-horse-battery"),
        ]
    )
    assert out.exit_code == 0, out.output
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.created"))
        assert event is not None and event.actor == "cli:ops"
