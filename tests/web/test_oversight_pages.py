"""The Oversight page, a reviewer's drill-down with flag notes, and My review stats."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.intake import parse_submission
from reviewq.domain.workflow import Action
from reviewq.extensions import db
from reviewq.models import AuditEvent, FlagNote, User
from reviewq.services import intake, review, sources, users
from reviewq.services.review import actor_of
from reviewq.services.verdicts import Verdict
from tests.conftest import csrf, draft

LONG = " ".join(["word"] * 240)  # about a minute of careful reading


@pytest.fixture
def history(app, source):
    """Two reviewers: one reads (90 s an item), one stamps (2 s an item), 60 items each."""
    now = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        src = sources.get(db.session, source.slug)
        people = {}
        for email, seconds in (("careful@example.com", 90), ("stamp@example.com", 2)):
            user = users.create_user(
                db.session, "t", email, email.split("@")[0].title(), "reviewer", 3, "long-enough-pw"
            )
            people[email] = (actor_of(user), seconds)
        users.create_user(
            db.session, "t", "sue@example.com", "Sue", "supervisor", 5, "long-enough-pw"
        )
        db.session.commit()
        at = now
        for n in range(120):
            intake.submit(
                db.session,
                src,
                f"m{n}",
                parse_submission(draft(external_id=f"d{n}", content=LONG, risk_tags=[])),
                at,
            )
        db.session.commit()
        for _ in range(60):
            for actor, seconds in people.values():
                item = review.claim_next(db.session, actor, at)
                review.decide(
                    db.session,
                    actor,
                    item,
                    Verdict(Action.APPROVE, item.version, active_seconds=seconds),
                    at + timedelta(seconds=seconds),
                )
                db.session.commit()
            at += timedelta(seconds=100)
    return people


def sign_in(app, email):
    client = app.test_client()
    client.post(
        "/login",
        data={"csrf_token": csrf(client, "/login"), "email": email, "password": "long-enough-pw"},
    )
    return client


def test_the_stamper_is_flagged_with_evidence_and_a_note_is_audited(app, history) -> None:
    supervisor = sign_in(app, "sue@example.com")
    page = supervisor.get("/oversight").get_data(as_text=True)
    assert "Symbolic oversight index" in page and "<svg" in page
    rows = {
        m[0]: m[1]
        for m in re.findall(
            r">(Careful|Stamp)</a></td>\s*<td><span class=\"verdict verdict-(\w+)", page
        )
    }
    assert rows == {"Careful": "ok", "Stamp": "individual"}
    with app.app_context():
        stamp = db.session.scalar(sa.select(User).where(User.email == "stamp@example.com"))
    detail = supervisor.get(f"/oversight/{stamp.id}").get_data(as_text=True)
    assert "S1" in detail and "faster than the text can be read" in detail
    assert re.search(r'href="/items/\d+"', detail)  # example decisions link to the items
    token = csrf(supervisor, f"/oversight/{stamp.id}")
    refused = supervisor.post(
        f"/oversight/{stamp.id}",
        data={"csrf_token": token, "signal": "S1", "status": "acknowledged", "note": ""},
    )
    assert "a note is required" in supervisor.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    supervisor.post(
        f"/oversight/{stamp.id}",
        data={
            "csrf_token": token,
            "signal": "S1",
            "status": "acknowledged",
            "note": "Talked it over",
        },
    )
    with app.app_context():
        note = db.session.scalar(sa.select(FlagNote))
        assert (note.signal, note.status, note.note) == ("S1", "acknowledged", "Talked it over")
        assert db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "flag.acknowledged")
        )
        # A flag changes nobody's permissions.
        assert db.session.get(User, stamp.id).role == "reviewer"


def test_reviewers_see_their_own_stats_only(app, history) -> None:
    stamper = sign_in(app, "stamp@example.com")
    page = stamper.get("/my-stats").get_data(as_text=True)
    assert "My review stats" in page and "individual" in page
    assert "Careful" not in page
    assert stamper.get("/oversight").status_code == 403


def test_the_offline_command_gives_the_same_verdicts_on_an_exported_log(
    app, history, runner, tmp_path
) -> None:
    import json

    from reviewq.models.types import utcnow
    from reviewq.services import oversight

    log = tmp_path / "decisions.jsonl"
    result = runner.invoke(args=["oversight", "export", "--out", str(log)])
    assert result.exit_code == 0, result.output
    assert "wrote 120 decisions" in result.output
    db.session.remove()  # the command ran in this test's app context: end its read
    analyzed = runner.invoke(args=["oversight", "analyze", str(log), "--format", "json"])
    assert analyzed.exit_code == 0, analyzed.output
    offline = {r["reviewer"]: r["verdict"] for r in json.loads(analyzed.output)["reviewers"]}
    with app.app_context():
        live, _ = oversight.report(db.session, utcnow())
    assert offline == {r.reviewer: r.verdict for r in live.reviewers}
    assert offline == {"careful@example.com": "ok", "stamp@example.com": "individual"}
