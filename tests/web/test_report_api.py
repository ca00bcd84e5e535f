"""The reports as JSON for a BI tool: personal tokens made on a page, shown once, stored
hashed, revocable and audited; the API answers only for people who may read reports."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, PersonalToken, User
from reviewq.models.types import utcnow
from reviewq.services.reports import Filters
from reviewq.services.reports_workload import workload
from tests.support.auth import csrf, signed_in


def make_token(client, name: str = "Power BI") -> str:
    page = client.post(
        "/reports/tokens", data={"csrf_token": csrf(client, "/reports/tokens"), "name": name}
    ).get_data(as_text=True)
    found = re.search(r'<code class="token-once">(rvqp_[\w-]+)</code>', page)
    assert found, page
    return found.group(1)


def api(client, token: str, path: str = "/api/v1/reports/workload", **query):
    return client.get(path, query_string=query, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def manager(app):
    return signed_in(app, "mona@example.com", "manager")


def test_a_token_is_shown_once_stored_hashed_and_audited(app, manager) -> None:
    token = make_token(manager)
    again = manager.get("/reports/tokens").get_data(as_text=True)
    assert token not in again and "Power BI" in again
    with app.app_context():
        row = db.session.scalars(sa.select(PersonalToken)).one()
        assert token not in row.token_hash and len(row.token_hash) == 64
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert "token.issued" in actions


def test_the_api_serves_the_pages_figures(app, client, manager) -> None:
    token = make_token(manager)
    response = api(client, token, grain="day", start="2026-10-01", end="2026-10-03")
    assert response.status_code == 200
    body = response.get_json()
    assert body["report"] == "workload" and body["time_zone"] == "UTC"
    flow = next(t for t in body["tables"] if t["name"] == "flow")
    assert [r["bucket"] for r in flow["rows"]] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    with app.app_context():
        filters = Filters(date(2026, 10, 1), date(2026, 10, 3), "day")
        expected = workload(db.session, filters, utcnow()).to_dict()
    assert body["tables"] == expected["tables"]
    for name in ("quality", "oversight"):
        assert api(client, token, f"/api/v1/reports/{name}").status_code == 200


def test_a_revoked_token_stops_working_and_revoking_is_audited(app, client, manager) -> None:
    token = make_token(manager)
    with app.app_context():
        token_id = db.session.scalar(sa.select(PersonalToken.id))
    revoked = manager.post(
        f"/reports/tokens/{token_id}/revoke", data={"csrf_token": csrf(manager, "/reports/tokens")}
    )
    assert revoked.status_code == 302
    assert api(client, token).status_code == 401
    with app.app_context():
        assert "token.revoked" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_someone_elses_token_cannot_be_revoked(app, manager) -> None:
    make_token(manager)
    other = signed_in(app, "sue@example.com", "supervisor")
    with app.app_context():
        token_id = db.session.scalar(sa.select(PersonalToken.id))
    other.post(f"/reports/tokens/{token_id}/revoke", data={"csrf_token": csrf(other, "/")})
    with app.app_context():
        assert db.session.get(PersonalToken, token_id).revoked_at is None


@pytest.mark.parametrize(
    "header", ["", "Bearer ", "Bearer rvqp_nope", "Basic abc", "Bearer rvq_source-token"]
)
def test_no_or_a_wrong_token_is_a_401_problem(client, header) -> None:
    response = client.get("/api/v1/reports/workload", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_token_stops_working_when_its_person_may_no_longer_read_reports(
    app, client, manager
) -> None:
    token = make_token(manager)
    with app.app_context():
        db.session.scalars(
            sa.select(User).where(User.email == "mona@example.com")
        ).one().active = False
        db.session.commit()
    assert api(client, token).status_code == 401


def test_reviewers_cannot_make_tokens(app) -> None:
    reviewer = signed_in(app, "rita@example.com", "reviewer")
    assert reviewer.get("/reports/tokens").status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [({"start": "2026-02-30"}, "start"), ({"grain": "year"}, "grain"), ({"foo": "1"}, "foo")],
)
def test_bad_filters_are_a_400_problem_naming_the_field(client, manager, query, field) -> None:
    response = api(client, make_token(manager), **query)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_an_unknown_report_is_a_404(client, manager) -> None:
    assert api(client, make_token(manager), "/api/v1/reports/nope").status_code == 404
