"""The audit trail page: filters, keyset paging, escaped data, CSV, and Verify."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent
from reviewq.services import audit
from tests.support.auth import csrf, signed_in

DAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def record(app, *events: tuple[str, str, str, dict, datetime]) -> None:
    with app.app_context():
        for actor, action, subject, data, at in events:
            audit.record(db.session, actor, action, subject, data, at=at)
        db.session.commit()


@pytest.fixture
def admin(app):
    return signed_in(app, "ada@example.com", "admin")


def ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', page)]


def test_filters_by_actor_action_prefix_subject_and_days(app, admin) -> None:
    record(
        app,
        ("user:ana@example.com", "acct.role_changed", "user:7", {}, DAY),
        ("user:ana@example.com", "item.claimed", "item:1", {}, DAY + timedelta(days=1)),
        ("user:bo@example.com", "acct.deactivated", "user:8", {}, DAY + timedelta(days=2)),
        ("user:bo@example.com", "accts.other", "user:9", {}, DAY + timedelta(days=2)),
    )

    def actions(**query: str) -> list[str]:
        page = admin.get("/admin/audit", query_string=query)
        assert page.status_code == 200
        return re.findall(r"action=[^\"]+\">([a-z_.]+)</a>", page.get_data(as_text=True))

    assert actions(actor="user:ana@example.com") == ["item.claimed", "acct.role_changed"]
    assert actions(action="acct.") == ["acct.deactivated", "acct.role_changed"]  # not accts.
    assert actions(action="item.claimed") == ["item.claimed"]
    assert actions(subject="user:8") == ["acct.deactivated"]
    assert actions(since="2026-11-21", until="2026-11-21", actor="user:ana@example.com") == [
        "item.claimed"
    ]


def test_pages_go_back_by_event_id_without_gaps_or_repeats(app, admin) -> None:
    record(app, *[("cli:t", "test.event", f"thing:{n}", {}, DAY) for n in range(120)])
    seen: list[int] = []
    path = "/admin/audit?action=test.event"
    while path:
        page = admin.get(path).get_data(as_text=True)
        seen += ids(page)
        older = re.search(r'<a rel="next" href="([^"]+)"', page)
        path = older.group(1).replace("&amp;", "&") if older else ""
    assert len(seen) == 120 and seen == sorted(seen, reverse=True)


def test_event_data_is_shown_escaped(app, admin) -> None:
    record(
        app, ("source:x", "item.submitted", "item:1", {"title": "<script>alert(1)</script>"}, DAY)
    )
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_csv_is_the_filtered_trail_safe_for_spreadsheets(app, admin) -> None:
    record(
        app,
        ('=HYPERLINK("http://x")', "test.csv", "+1", {"note": "-2"}, DAY),
        ("cli:t", "test.other", "thing:2", {}, DAY),
    )
    answer = admin.get("/admin/audit.csv", query_string={"action": "test.csv"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    answer.close()
    assert len(rows) == 1
    assert rows[0]["actor"] == '\'=HYPERLINK("http://x")' and rows[0]["subject"] == "'+1"
    assert rows[0]["action"] == "test.csv" and rows[0]["data"] == '{"note": "-2"}'


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2026-13-01"},
        {"until": "yesterday"},
        {"before": "abc"},
        {"before": "0"},
        {"before": "9" * 30},
        {"actor": "a\x00b"},
        {"action": "x" * 201},
    ],
)
def test_malformed_filters_are_400(admin, query) -> None:
    assert admin.get("/admin/audit", query_string=query).status_code == 400
    refused = admin.get("/admin/audit.csv", query_string=query)
    assert refused.status_code == 400
    refused.close()


def test_verify_records_its_result_and_finds_tampering(app, admin) -> None:
    record(app, ("cli:t", "test.event", "thing:1", {"n": 1}, DAY))
    jobs = app.extensions["reviewq.jobs"]
    jobs.run("seal")
    token = csrf(admin, "/admin/audit")
    answer = admin.post("/admin/audit/verify", data={"csrf_token": token}, follow_redirects=True)
    assert "Verification started" in answer.get_data(as_text=True)
    jobs.wait_idle()
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert re.search(r"Verified <strong>\d+</strong> events under \d+ signed checkpoints", page)

    with app.app_context():
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.action == "test.event").values(data={"n": 2})
        )
        db.session.commit()
    admin.post("/admin/audit/verify", data={"csrf_token": token})
    jobs.wait_idle()
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "TAMPERED" in page
    with app.app_context():
        requested = db.session.scalars(
            sa.select(AuditEvent.actor).where(AuditEvent.action == "audit.verify_requested")
        ).all()
    assert requested == ["user:ada@example.com", "user:ada@example.com"]
