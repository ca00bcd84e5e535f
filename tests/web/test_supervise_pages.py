"""Source controls and notifications over HTTP."""

import re

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Notification, Source
from reviewq.services import users
from tests.conftest import draft


def csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def signed_in(app):
    def sign(email: str, role: str):
        with app.app_context():
            users.create_user(db.session, "test", email, email, role, 3, "long-enough-pw")
            db.session.commit()
        client = app.test_client()
        client.post(
            "/login",
            data={
                "csrf_token": csrf(client, "/login"),
                "email": email,
                "password": "long-enough-pw",
            },
        )
        return client

    return sign


def test_a_manager_pauses_a_source_and_intake_answers_423(app, source, signed_in) -> None:
    manager = signed_in("max@example.com", "manager")
    token = csrf(manager, "/sources")
    refused = manager.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": token, "change": "pause", "reason": ""},
    )
    assert "reason" in manager.get(refused.headers["Location"]).get_data(as_text=True)
    manager.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": token, "change": "pause", "reason": "Model drift found"},
    )
    resp = source.submit(draft())
    assert resp.status_code == 423 and resp.get_json()["reason"] == "Model drift found"
    manager.post(f"/sources/{source.slug}/status", data={"csrf_token": token, "change": "resume"})
    assert source.submit(draft()).status_code == 201
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert "source.paused" in actions and "source.resumed" in actions
        assert db.session.scalar(sa.select(Source.status)) == "active"


def test_a_reviewer_who_does_not_own_the_source_cannot_pause_it(source, signed_in) -> None:
    reviewer = signed_in("rex@example.com", "reviewer")
    token = csrf(reviewer, "/queue")
    resp = reviewer.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": token, "change": "pause", "reason": "x"},
    )
    assert resp.status_code == 403
    assert source.submit(draft()).status_code == 201


def test_escalations_notify_supervisors_with_an_unread_count(app, source, signed_in) -> None:
    supervisor = signed_in("sue@example.com", "supervisor")
    from reviewq.domain.policy import Rule
    from reviewq.services import policy

    with app.app_context():
        policy.set_rules(db.session, "test", [Rule("fraud", always_escalate=True)])
        db.session.commit()
    item = source.submit(draft(title="Suspicious claim", risk_tags=["fraud"])).get_json()
    page = supervisor.get("/notifications").get_data(as_text=True)
    assert f"Escalated: #{item['id']} Suspicious claim" in page
    assert 'aria-label="1 unread"' in page
    supervisor.post("/notifications/read", data={"csrf_token": csrf(supervisor, "/notifications")})
    assert 'aria-label="1 unread"' not in supervisor.get("/notifications").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at)) is not None
