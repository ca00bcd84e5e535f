"""Who an escalation pages, what happens to the pages when it ends, and reassigning one."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Escalation, Item, Notification, User
from reviewq.models.types import utcnow
from reviewq.services import escalations, intake
from tests.support.auth import csrf, signed_in
from tests.web.flows import claim_and_resolve, decide, open_escalation, review_next


@pytest.fixture
def team(app):
    """A reviewer, a supervisor, a senior supervisor (own level 2), a manager, an admin."""
    return {
        "rex": signed_in(app, "rex@example.com", "reviewer", 1),
        "sue": signed_in(app, "sue@example.com", "supervisor", 1),
        "sid": signed_in(app, "sid@example.com", "supervisor", 2),
        "max": signed_in(app, "max@example.com", "manager", 1),
        "ada": signed_in(app, "ada@example.com", "admin", 1),
    }


def escalated_by_rex(app, source, team) -> int:
    item_id = source.submit({"title": "Refund of $9,000"} | _body()).get_json()["id"]
    assert review_next(team["rex"]) == item_id
    decide(app, team["rex"], item_id, "escalate", reason="Amount looks wrong")
    return item_id


def _body() -> dict:
    from tests.support.api import draft

    return {k: v for k, v in draft().items() if k != "title"}


def notes(app) -> list[tuple[str, str, str, bool]]:
    """Every notification: (recipient, text, link, read)."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.email, Notification.text, Notification.link, Notification.read_at)
            .join(User, User.id == Notification.user_id)
            .order_by(Notification.id)
        ).all()
    return [(e.split("@")[0], t, link, r is not None) for e, t, link, r in rows]


def test_stale_escalations_page_only_supervisors_and_pages_end_when_resolved(app, source, team):
    item_id = escalated_by_rex(app, source, team)
    with app.app_context():
        moved = escalations.move_up_stale(db.session, utcnow() + timedelta(hours=1))
        db.session.commit()
        assert moved == 1  # how many moved
    paged = [who for who, text, link, _ in notes(app)]
    # level 1: every supervisor; level 2: the senior one only; managers and admins never
    assert sorted(paged) == ["sid", "sid", "sue"]
    assert all(read is False for *_, read in notes(app))

    message = claim_and_resolve(app, team["sid"], item_id, "approve")
    assert "approved" in message
    after = notes(app)
    # the pages are done for everyone paged, whoever resolved it
    assert all(read for who, _, _, read in after if who in ("sue", "sid"))
    [told] = [n for n in after if n[0] == "rex"]
    assert told[1] == f"Your escalation of #{item_id} Refund of $9,000 ended: approved by sid."
    assert told[2] == f"/items/{item_id}" and told[3] is False
    unread = team["sue"].get("/notifications").get_data(as_text=True)
    assert "unread" not in unread.split("<main", 1)[1]


def test_every_notification_link_opens_for_its_recipient(app, source, team):
    first = escalated_by_rex(app, source, team)
    second = escalated_by_rex(app, source, team)
    with app.app_context():
        escalations.move_up_stale(db.session, utcnow() + timedelta(hours=1))
        db.session.commit()
    claim_and_resolve(app, team["sue"], first, "approve")
    token = csrf(team["sue"], "/escalations")
    sid_id = _user_id(app, "sid")
    team["sue"].post(
        f"/escalations/{open_escalation(app, second)}/reassign",
        data={"csrf_token": token, "to": sid_id},
    )
    sent = notes(app)
    assert {who for who, *_ in sent} == {"rex", "sue", "sid"}
    assert all(link for _, _, link, _ in sent)
    for who, text, link, _ in sent:
        resp = team[who].get(link)
        assert resp.status_code == 200, f"{who}: {text} -> {link}"


def test_a_withdrawn_escalation_tells_its_raiser(app, source, team):
    item_id = escalated_by_rex(app, source, team)
    with app.app_context():
        item = db.session.get(Item, item_id)
        intake.withdraw(db.session, item.source, item, utcnow())
        db.session.commit()
    [told] = [n for n in notes(app) if n[0] == "rex"]
    assert "ended: withdrawn by the source" in told[1]
    assert all(read for who, _, _, read in notes(app) if who == "sue")


def _user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == f"{name}@example.com"))


def test_a_supervisor_reassigns_an_escalation_and_both_are_told(app, source, team):
    item_id = escalated_by_rex(app, source, team)
    esc = open_escalation(app, item_id)
    sue, token = team["sue"], csrf(team["sue"], "/escalations")
    sue.post(f"/escalations/{esc}/claim", data={"csrf_token": token})
    resp = sue.post(
        f"/escalations/{esc}/reassign", data={"csrf_token": token, "to": _user_id(app, "sid")}
    )
    assert resp.status_code == 302
    assert "is now with sid" in sue.get("/escalations").get_data(as_text=True)
    sid, sue_id = _user_id(app, "sid"), _user_id(app, "sue")
    with app.app_context():
        row = db.session.get(Escalation, esc)
        assert row.claimed_by_id == sid and row.claim_expires_at is not None
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "escalation.reassigned")
        ).all()
        assert event.actor == "user:sue@example.com"
        assert event.data["to"] == sid and event.data["from"] == sue_id
    told = [(who, text) for who, text, _, _ in notes(app) if "assigned" in text]
    assert told == [
        ("sid", f"Escalation #{item_id} Refund of $9,000 assigned to you by sue."),
        ("sue", f"Escalation #{item_id} Refund of $9,000 reassigned to sid by sue."),
    ]
    # sid can now resolve it without claiming
    page = team["sid"].get(f"/items/{item_id}").get_data(as_text=True)
    assert "Return to queue" in page


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("rex", "rex cannot resolve this escalation"),
        ("max", "max cannot resolve this escalation"),
        ("999999", "choose a supervisor from the list"),
        ("x", "Reassign to:"),
        ("", "Reassign to:"),
    ],
)
def test_reassigning_to_someone_who_cannot_act_is_refused(app, source, team, to, message):
    item_id = escalated_by_rex(app, source, team)
    esc = open_escalation(app, item_id)
    target = str(_user_id(app, to)) if to in team else to
    sue = team["sue"]
    resp = sue.post(
        f"/escalations/{esc}/reassign",
        data={"csrf_token": csrf(sue, "/escalations"), "to": target},
    )
    assert resp.status_code == 302
    assert message in sue.get("/escalations").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Escalation, esc).claimed_by_id is None


def test_reassign_needs_a_supervisor_and_a_csrf_token(app, source, team):
    item_id = escalated_by_rex(app, source, team)
    esc = open_escalation(app, item_id)
    sid = str(_user_id(app, "sid"))
    resp = team["sue"].post(f"/escalations/{esc}/reassign", data={"to": sid})
    assert resp.status_code == 400
    for who in ("rex", "max", "ada"):
        client = team[who]
        resp = client.post(
            f"/escalations/{esc}/reassign", data={"csrf_token": csrf(client, "/"), "to": sid}
        )
        assert resp.status_code == 403
    assert (
        team["sue"]
        .post(
            "/escalations/999999/reassign", data={"csrf_token": csrf(team["sue"], "/"), "to": sid}
        )
        .status_code
        == 404
    )
