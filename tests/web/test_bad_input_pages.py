"""Bad input on the pages answers with the form's message or a 404, never a 500, and
changes nothing (the hostile-input test covers every route; these pin the answers)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Decision, FlagNote, Item, QaReview, Source, User
from reviewq.services import escalation_records, escalations, policy
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

NUL = "a\x00b"
ESCAPE = "ok \x1b[2J"
NUL_MESSAGE = "must not contain NUL characters"
CONTROL_MESSAGE = "must not contain control characters"


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def flashed(client) -> str:
    """The messages the next page shows (after a redirect)."""
    return " ".join(
        re.findall(
            r'class="flash[^"]*"[^>]*>([^<]*)<', text(client.get("/", follow_redirects=True))
        )
    )


@pytest.mark.parametrize("item_id", [2**31, 2**63 - 1, 2**63, 2**64, 10**40])
def test_ids_no_column_holds_are_404(app, source, item_id: int) -> None:
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    token = csrf(reviewer, "/queue")
    assert reviewer.get(f"/items/{item_id}").status_code == 404
    assert reviewer.post(f"/items/{item_id}/skip", data={"csrf_token": token}).status_code == 404
    resp = source.get(f"/api/v1/items/{item_id}")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("slug", ["a%00b", "a%1Bb", "x" * 201])
def test_slugs_with_control_characters_are_404(app, source, slug: str) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    token = csrf(admin, "/sources")
    resp = admin.post(f"/sources/{slug}/status", data={"csrf_token": token, "change": "resume"})
    assert resp.status_code == 404
    assert source.client.post(f"/api/v1/sources/{slug}/items", json=draft()).status_code == 404


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[2J", "x" * 5000])
def test_a_source_filter_no_slug_could_be_is_ignored(app, source, value: str) -> None:
    item_id = source.submit(draft()).get_json()["id"]
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    assert reviewer.get("/queue", query_string={"source": value}).status_code == 200
    token = csrf(reviewer, "/queue")
    resp = reviewer.post("/queue/next", data={"csrf_token": token, "source": value})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/items/{item_id}"


@pytest.mark.parametrize(("slug", "status"), [("a\x00b", 302), ("x" * 64, 404), ("no such", 404)])
def test_a_canary_rate_for_a_source_no_slug_could_be_is_refused(
    app, source, slug: str, status: int
) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    token = csrf(supervisor, "/canaries")
    resp = supervisor.post(
        "/canaries/rate", data={"csrf_token": token, "source": slug, "rate": "2"}
    )
    assert resp.status_code == status
    if status == 302:
        assert f"Source: {NUL_MESSAGE}" in flashed(supervisor)


@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1" * 7])
def test_page_numbers_past_the_digit_limit_are_400(app, source, number: str) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    assert supervisor.get("/oversight", query_string={"page": number}).status_code == 400


@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1e2"])
def test_api_limits_past_the_digit_limit_are_422(source, number: str) -> None:
    resp = source.get(f"/api/v1/sources/{source.slug}/items?limit={number}")
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [
        {"field": "limit", "message": "must be a whole number 1-100"}
    ]


@pytest.mark.parametrize(("email", "message"), [(NUL, NUL_MESSAGE), (ESCAPE, CONTROL_MESSAGE)])
def test_sign_in_email_with_nul_or_control_characters_gets_the_forms_message(
    client, email: str, message: str
) -> None:
    resp = client.post(
        "/login",
        data={"csrf_token": csrf(client), "email": email, "password": "long-enough-pw"},
    )
    assert resp.status_code == 400 and message in text(resp)


@pytest.fixture
def held(app, source):
    """A reviewer holding a fresh item: (client, item id, version)."""
    source.submit(draft())
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    resp = reviewer.post("/queue/next", data={"csrf_token": csrf(reviewer, "/queue")})
    item_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        version = db.session.get(Item, item_id).version
    return reviewer, item_id, version


@pytest.mark.parametrize("action", ["reject", "escalate"])
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (NUL, NUL_MESSAGE),
        (ESCAPE, CONTROL_MESSAGE),
        ("x" * 2001, "cannot be longer than 2000 characters"),
    ],
)
def test_a_bad_reason_gets_the_forms_message_and_changes_nothing(
    app, held, action: str, reason: str, message: str
) -> None:
    reviewer, item_id, version = held
    resp = reviewer.post(
        f"/items/{item_id}/decision",
        data={
            "csrf_token": csrf(reviewer, "/queue"),
            "version": str(version),
            "action": action,
            "reason_code": "factual_error",
            "reason": reason,
        },
    )
    assert resp.status_code == 400 and message in text(resp)
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.status, item.version) == ("in_review", version)
        assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


def test_a_nul_in_the_guidance_of_a_return_gets_the_forms_message(app, source) -> None:
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("fraud", always_escalate=True)])
        db.session.commit()
    item_id = source.submit(draft(risk_tags=["fraud"])).get_json()["id"]
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    with app.app_context():
        escalation = escalation_records.current(db.session, item_id)
        sue = (db.session.scalar(sa.select(User).where(User.email == "sue@example.com"))).actor
        escalations.claim(db.session, sue, escalation, datetime.now(UTC))
        db.session.commit()
        escalation_id, version = escalation.id, db.session.get(Item, item_id).version
    resp = supervisor.post(
        f"/escalations/{escalation_id}/resolve",
        data={
            "csrf_token": csrf(supervisor, "/escalations"),
            "version": str(version),
            "action": "return",
            "reason": NUL,
        },
    )
    assert resp.status_code == 400 and NUL_MESSAGE in text(resp)
    with app.app_context():
        assert db.session.get(Item, item_id).status == "escalated"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (NUL, f"Reason: {NUL_MESSAGE}"),
        (ESCAPE, f"Reason: {CONTROL_MESSAGE}"),
        ("x" * 501, "Reason: Field cannot be longer than 500 characters."),
    ],
)
def test_a_bad_pause_reason_gets_the_forms_message_and_the_source_runs_on(
    app, source, reason: str, message: str
) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    resp = admin.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": csrf(admin, "/sources"), "change": "pause", "reason": reason},
    )
    assert resp.status_code == 302 and message in flashed(admin)
    with app.app_context():
        assert db.session.scalar(sa.select(Source.status)) == "active"


def test_a_pause_reason_of_500_characters_is_kept(app, source) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    admin.post(
        f"/sources/{source.slug}/status",
        data={"csrf_token": csrf(admin, "/sources"), "change": "pause", "reason": "x" * 500},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(Source.status_reason)) == "x" * 500


def test_a_nul_in_a_flag_note_gets_the_forms_message(app, source) -> None:
    reviewer = signed_in(app, "rex@example.com", "reviewer")
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    with app.app_context():
        rex = db.session.scalar(sa.select(User.id).where(User.email == "rex@example.com"))
    resp = supervisor.post(
        f"/oversight/{rex}",
        data={
            "csrf_token": csrf(supervisor, "/oversight"),
            "signal": "S1",
            "status": "acknowledged",
            "note": NUL,
        },
    )
    assert resp.status_code == 302 and f"Note: {NUL_MESSAGE}" in flashed(supervisor)
    assert reviewer.get("/my-stats").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FlagNote.id))) == 0


def test_a_nul_in_a_second_review_note_gets_the_forms_message(app, source) -> None:
    item_id = source.submit(draft()).get_json()["id"]
    with app.app_context():
        qa = QaReview(item_id=item_id, created_at=datetime.now(UTC))
        db.session.add(qa)
        db.session.commit()
        qa_id = qa.id
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    resp = supervisor.post(
        f"/qa/{qa_id}",
        data={"csrf_token": csrf(supervisor, "/qa"), "verdict": "agree", "note": NUL},
    )
    assert resp.status_code == 200 and f"Note: {NUL_MESSAGE}" in text(resp)
    with app.app_context():
        assert db.session.get(QaReview, qa_id).done_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", NUL, f"Title: {NUL_MESSAGE}"),
        ("content", ESCAPE, f"Draft text: {CONTROL_MESSAGE}"),
        ("context", '{"a": 1e400}', "context.a: must be a finite number"),
        ("context", '{"a": ' + "1" * 5000 + "}", "context.a: must have at most 4300 digits"),
    ],
)
def test_a_bad_canary_field_gets_a_message(
    app, source, field: str, value: str, message: str
) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    fields = {
        "source": source.slug,
        "title": "Refund of $4,200",
        "content": "We refund ten times the amount.",
        "category": "wrong_facts",
        "expected": "reject",
        field: value,
    }
    resp = supervisor.post(
        "/canaries", data={"csrf_token": csrf(supervisor, "/canaries"), **fields}
    )
    assert resp.status_code == 302 and message in flashed(supervisor)
