"""The AI quality report against hand-computed figures, and its "worse week" mark on data
where the answer is known."""

from datetime import UTC, date, datetime, timedelta

import pytest

from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import Canary, QaReview
from reviewq.services.reports import Filters
from reviewq.services.reports_quality import quality
from tests.support.reports import History

RANGE = Filters(date(2026, 10, 5), date(2026, 10, 25), "week")
MONDAYS = [datetime(2026, 10, d, 9, tzinfo=UTC) for d in (5, 12, 19)]


@pytest.fixture
def history(ctx):
    """Three weeks: support-bot gets worse in week 3 (50% rejected against 10%); small-bot
    has a bad week at n = 5, which chance explains."""
    h = History()
    bot, small = h.source("support-bot"), h.source("small-bot")
    alice = h.person("alice@example.com")

    def week(source, monday, total, rejects, model="m-1", edits=0):
        for k in range(total):
            at = monday + timedelta(minutes=k)
            bad = k < rejects
            edit = not bad and k < rejects + edits
            item = h.item(
                source,
                at,
                decided=at + timedelta(minutes=1),
                model=model,
                status=ItemStatus.REJECTED if bad else ItemStatus.APPROVED,
            )
            action = Action.REJECT if bad else Action.EDIT if edit else Action.APPROVE
            h.decision(
                item,
                alice,
                action,
                at,
                30,
                reason_code=("wrong_facts" if k % 2 else "tone") if bad else None,
                edit_chars=(k * 10 if edit else 0 if not bad else None),
            )

    week(bot, MONDAYS[0], 40, 4, edits=3)
    week(bot, MONDAYS[1], 40, 4)
    week(bot, MONDAYS[2], 40, 20, model="m-2")
    week(small, MONDAYS[0], 40, 4)
    week(small, MONDAYS[1], 5, 3)
    canary = Canary(
        source_id=bot.id,
        title="c",
        content="c",
        risk_tags=[],
        context={},
        category="x",
        expected="reject",
        created_by_id=h.owner.id,
    )
    db.session.add(canary)
    db.session.flush()
    for k, action in enumerate((Action.REJECT, Action.APPROVE, Action.ESCALATE)):
        at = MONDAYS[1] + timedelta(hours=2, minutes=k)
        planted = h.item(bot, at, decided=at, canary_id=canary.id)
        h.decision(planted, alice, action, at, 20)
    first = h.item(bot, MONDAYS[0])
    for k, agrees in enumerate((True, True, False)):
        db.session.add(
            QaReview(
                item_id=h.item(bot, MONDAYS[0]).id if k else first.id,
                created_at=MONDAYS[0],
                agrees=agrees,
                done_at=MONDAYS[1],
            )
        )
    db.session.commit()


def test_the_worse_week_is_marked_and_the_small_bad_week_is_not(history) -> None:
    report = quality(db.session, RANGE)
    rows = {(r[0], r[1]): r for r in report.tables["by_source"].rows}
    assert rows[("support-bot", "2026-10-05")][2:11] == [40, 33, 3, 4, 0, 0.825, 0.075, 0.1, 0.0]
    assert rows[("support-bot", "2026-10-05")][-1] is False  # no baseline yet
    assert rows[("support-bot", "2026-10-12")][-1] is False
    worse = rows[("support-bot", "2026-10-19")]
    assert worse[9] == 0.5 and worse[-1] is True and worse[12] < 0.01
    small = rows[("small-bot", "2026-10-12")]
    assert small[9] == 0.6 and small[-1] is False  # 3 of 5: too few to tell
    assert report.summary["worse_sources"] == ["support-bot"]


def test_rates_per_model(history) -> None:
    report = quality(db.session, RANGE)
    models = {(r[0], r[1]): r[2] for r in report.tables["by_model"].rows}
    assert models[("m-1", "2026-10-05")] == 80
    assert models[("m-2", "2026-10-19")] == 40
    # m-2 has no earlier weeks: nothing to compare with, so never marked
    assert report.summary["worse_models"] == []


def test_reject_reasons_edits_canaries_and_second_review(history) -> None:
    report = quality(
        db.session, Filters(date(2026, 10, 5), date(2026, 10, 18), "week", "support-bot")
    )
    assert report.tables["reject_reasons"].rows == [
        ["support-bot", "tone", 4, 0.5],
        ["support-bot", "wrong_facts", 4, 0.5],
    ]
    # edits of 40, 50 and 60 characters: mean 50, nearest-rank median 50, p90 60
    assert report.tables["edits"].rows == [["support-bot", 3, 50.0, 50.0, 60.0]]
    assert report.tables["canaries"].rows == [["support-bot", 3, 2, 0.6667]]
    assert report.tables["second_review"].rows == [["support-bot", 3, 2, 0.6667]]


def test_an_empty_range_has_no_rows(history) -> None:
    report = quality(db.session, Filters(date(2026, 1, 5), date(2026, 1, 5), "day"))
    assert all(t.rows == [] for t in report.tables.values())
