"""The report pages: who reads them, their filters, charts with tables, CSV downloads."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models.types import utcnow
from reviewq.services.reports import Table
from reviewq.services.reports_csv import safe_cell, to_csv
from tests.support.auth import signed_in
from tests.support.reports import History

PAGES = ["/reports", "/reports/workload", "/reports/quality", "/reports/oversight"]


@pytest.fixture
def history(app):
    """A source whose drafts arrived and were decided over the last two weeks; one source's
    slug and one reason hold formula text."""
    with app.app_context():
        h = History()
        bot = h.source("support-bot")
        alice = h.person("alice@example.com")
        today = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
        for k in range(10):
            at = today - timedelta(days=k)
            item = h.item(bot, at, decided=at + timedelta(minutes=5), status=ItemStatus.REJECTED)
            h.decision(item, alice, Action.REJECT, at, 60, reason_code="=HYPERLINK(1)")
        db.session.commit()


@pytest.fixture
def manager(app):
    return signed_in(app, "mona@example.com", "manager")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("reviewer", 403), ("supervisor", 200), ("manager", 200), ("admin", 200)],
)
def test_who_reads_reports(app, path, role, status) -> None:
    client = signed_in(app, f"{role}-{path.count('/')}{len(path)}@example.com", role)
    assert client.get(path).status_code == status


def test_a_visitor_is_sent_to_sign_in(client) -> None:
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_manager_starts_on_the_reports_summary_with_a_nav_link(app, manager, history) -> None:
    response = manager.get("/", follow_redirects=True)
    assert response.request.path == "/reports"
    page = response.get_data(as_text=True)
    assert 'href="/reports">Reports</a>' in page
    assert "Are we staffed?" in page and "Is the AI getting better?" in page
    assert "Times are UTC" in page


def test_each_chart_has_a_title_and_its_numbers_in_a_table(manager, history) -> None:
    page = manager.get("/reports/workload?grain=day").get_data(as_text=True)
    assert '<svg viewBox="0 0 640 220" role="img" aria-label="Drafts arrived and decided"' in page
    assert "<title>Drafts arrived and decided</title>" in page
    today = utcnow().date().isoformat()
    assert f"<td>{today}</td>" in page  # the day's row below the chart


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-13-01", "start: must be a date written YYYY-MM-DD"),
        ("end=yesterday", "end: must be a date written YYYY-MM-DD"),
        ("start=2026-10-10&end=2026-10-01", "start: must be on or before the end"),
        ("start=2020-01-01&end=2026-01-01", "the range may be 400 days at most"),
        ("grain=month", "grain: must be day or week"),
        ("source=%3Cscript%3E", "source: is not a name reviewq knows"),
        ("colour=red", "colour: is not a report filter"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(manager, query, message) -> None:
    response = manager.get(f"/reports/workload?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_table_downloads_as_csv_with_the_pages_figures(manager, history) -> None:
    today = utcnow().date()
    query = f"start={(today - timedelta(days=13)).isoformat()}&end={today.isoformat()}&grain=day"
    response = manager.get(f"/reports/workload/flow.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["bucket", "arrived", "decided"]
    assert len(rows) == 1 + 14
    assert sum(int(r[1]) for r in rows[1:]) == 10
    assert sum(int(r[2]) for r in rows[1:]) == 10


def test_csv_cells_that_would_be_formulas_are_quoted(manager, history) -> None:
    body = manager.get("/reports/quality/reject_reasons.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][:3] == ["support-bot", "'=HYPERLINK(1)", "10"]


@pytest.mark.parametrize("path", ["/reports/nope/flow.csv", "/reports/workload/nope.csv"])
def test_an_unknown_report_or_table_is_a_404(manager, path) -> None:
    assert manager.get(path).status_code == 404


def test_formula_safety_round_trip() -> None:
    table = Table(
        "t",
        "T",
        ["text", "number"],
        [
            ["=1+2", -5],
            ["+cmd", 1.5],
            ["-x", 0],
            ["@SUM(A1)", None],
            ["\tx", 2],
            ["\rx", 3],
            ["plain, with comma", 4],
            ['quote "inside"', 5],
        ],
    )
    rows = list(csv.reader(io.StringIO(to_csv(table), newline="")))
    assert rows == [
        ["text", "number"],
        ["'=1+2", "-5"],
        ["'+cmd", "1.5"],
        ["'-x", "0"],
        ["'@SUM(A1)", ""],
        ["'\tx", "2"],
        ["'\rx", "3"],
        ["plain, with comma", "4"],
        ['quote "inside"', "5"],
    ]
    assert safe_cell(-5) == -5


def test_reviewers_are_paged(app, manager) -> None:
    with app.app_context():
        h = History()
        bot = h.source("support-bot")
        at = datetime.now(UTC) - timedelta(hours=2)
        for k in range(51):
            person = h.person(f"r{k}@example.com")
            item = h.item(bot, at, decided=at + timedelta(minutes=1))
            h.decision(item, person, Action.APPROVE, at, 30)
        db.session.commit()
    first = manager.get("/reports/workload").get_data(as_text=True)
    assert "Next reviewers" in first
    second = manager.get("/reports/workload?page=2").get_data(as_text=True)
    assert "Previous reviewers" in second and "Next reviewers" not in second
