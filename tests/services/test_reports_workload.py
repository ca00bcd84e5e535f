"""The workload and staffing report against hand-computed figures (both databases)."""

from datetime import UTC, date, datetime

import pytest

from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.services.reports import Filters
from reviewq.services.reports_workload import workload
from tests.support.reports import History

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WEEKS = Filters(date(2026, 10, 5), date(2026, 10, 18), "week")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def history(ctx):
    """Two weeks of one source's drafts (and one other source's), decided by two people."""
    h = History()
    bot, other = h.source("support-bot"), h.source("other-bot")
    alice, bob = h.person("alice@example.com"), h.person("bob@example.com")
    h.item(bot, at(1, 10))  # before the range, still waiting: the opening backlog
    h.item(bot, at(2, 10), decided=at(3, 10))  # before the range, decided
    i1 = h.item(bot, at(5, 9), decided=at(5, 9, 30))
    i2 = h.item(
        bot,
        at(6, 9),
        decided=at(6, 11),
        status=ItemStatus.REJECTED,
        tags=("refund", "legal"),
        level=2,
        model="m-2",
    )
    h.item(bot, at(7, 9), decided=at(7, 10), status=ItemStatus.WITHDRAWN)
    h.item(bot, at(12, 9))  # waiting
    i5 = h.item(bot, at(12, 23, 30), decided=at(13, 0, 10))
    h.item(other, at(8, 9), decided=at(8, 9, 10))
    h.decision(i1, alice, Action.APPROVE, at(5, 9, 25), 300, active=240)
    h.decision(i2, alice, Action.REJECT, at(6, 10, 50), 600, reason_code="wrong_facts")
    h.decision(i5, bob, Action.APPROVE, at(13, 0, 5), 300, active=300)
    h.escalation(i2, at(6, 10), at(6, 11))
    db.session.commit()
    return h


def rows(report, name):
    return report.tables[name].rows


def test_flow_by_week_counts_arrivals_decisions_withdrawals_and_the_backlog(history) -> None:
    report = workload(db.session, Filters(WEEKS.start, WEEKS.end, "week", "support-bot"), NOW)
    assert rows(report, "flow") == [
        ["2026-10-05", 3, 2, 1, 1, 1, 1, 60.0, 60.0],
        ["2026-10-12", 2, 1, 0, 2, 0, 0, None, None],
    ]
    assert report.summary["backlog_now"] == 2


def test_flow_by_day_puts_each_draft_on_its_utc_day(history) -> None:
    report = workload(db.session, Filters(date(2026, 10, 12), date(2026, 10, 13), "day"), NOW)
    # other-bot's draft (8 October) is before this range; the backlog carries over
    assert rows(report, "flow") == [
        ["2026-10-12", 2, 0, 0, 3, 0, 0, None, None],
        ["2026-10-13", 0, 1, 0, 2, 0, 0, None, None],
    ]


def test_an_empty_range_shows_empty_buckets_and_the_backlog_carried(history) -> None:
    report = workload(db.session, Filters(date(2026, 9, 7), date(2026, 9, 7), "day"), NOW)
    assert rows(report, "flow") == [["2026-09-07", 0, 0, 0, 0, 0, 0, None, None]]
    assert rows(report, "sla_by_level") == []
    assert rows(report, "reviewers") == []
    assert rows(report, "staffing") == []


def test_sla_attainment_and_time_to_decision_per_level_and_tag(history) -> None:
    report = workload(db.session, Filters(WEEKS.start, WEEKS.end, "week", "support-bot"), NOW)
    # nearest-rank percentiles: p50 of (30, 40) is 30, p90 is 40
    assert rows(report, "sla_by_level") == [
        [1, 2, 2, 1.0, 30.0, 40.0],
        [2, 1, 0, 0.0, 120.0, 120.0],
    ]
    assert rows(report, "sla_by_tag") == [
        ["legal", 1, 0, 0.0, 120.0, 120.0],
        ["refund", 3, 2, 0.6667, 40.0, 120.0],
    ]


def test_filters_by_tag_and_model(history) -> None:
    by_tag = workload(db.session, Filters(WEEKS.start, WEEKS.end, "week", tag="legal"), NOW)
    assert [r[1] for r in rows(by_tag, "flow")] == [1, 0]
    by_model = workload(db.session, Filters(WEEKS.start, WEEKS.end, "week", model="m-2"), NOW)
    assert rows(by_model, "sla_by_level") == [[2, 1, 0, 0.0, 120.0, 120.0]]


def test_reviewers_work_time_and_mix(history) -> None:
    report = workload(db.session, WEEKS, NOW)
    assert rows(report, "reviewers") == [
        ["alice", 2, 0.23, 8.6, 300.0, 600.0, 1, 0, 1, 0],
        ["bob", 1, 0.08, 12.0, 300.0, 300.0, 1, 0, 0, 0],
    ]


def test_staffing_forecast_against_hours_worked(history) -> None:
    report = workload(db.session, Filters(WEEKS.start, WEEKS.end, "week", "support-bot"), NOW)
    # drafts arrived in 5 distinct hours over 14 days: cover 5/14 h a day at one reviewer;
    # careful time 4 s + 100 words at 238 wpm = 29.2 s
    assert rows(report, "staffing") == [
        [1, 0.3, 29.2, 60.0, 0.006, 1, 0.4, 0.0, 0.3],
        [2, 0.1, 29.2, 60.0, 0.002, 1, 0.4, 0.0, 0.3],
    ]
    assert report.summary["short_at_level"] in (1, 2)
