"""Source controls and notifications over HTTP."""

import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import AuditEvent, Notification, Source
from tests.support.api import draft
from tests.support.auth import csrf, signed_in


def test_a_manager_pauses_a_source_and_intake_answers_423(app, source) -> None:
    manager = signed_in(app, "max@example.com", "manager")
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


def test_a_reviewer_who_does_not_own_the_source_cannot_pause_it(app, source) -> None:
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    token = csrf(reviewer, "/queue")
    resp = reviewer.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": token, "change": "pause", "reason": "x"},
    )
    assert resp.status_code == 403
    assert source.submit(draft()).status_code == 201


def test_escalations_notify_supervisors_with_an_unread_count(app, source) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    from reviewq.domain.policy import Rule
    from reviewq.services import policy

    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("fraud", always_escalate=True)])
        db.session.commit()
    item = source.submit(draft(title="Suspicious claim", risk_tags=["fraud"])).get_json()
    page = supervisor.get("/notifications").get_data(as_text=True)
    assert f"Escalated: #{item['id']} Suspicious claim" in page
    assert 'aria-label="1 unread"' in page
    supervisor.post("/notifications/read", data={"csrf_token": csrf(supervisor, "/notifications")})
    assert 'aria-label="1 unread"' not in supervisor.get("/notifications").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at)) is not None
