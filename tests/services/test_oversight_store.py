"""Stored oversight results: the job's streamed analysis gives what the detector gives on the
same decisions, stores every window, and a new computation replaces the old."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.oversight import analyze
from reviewq.extensions import db
from reviewq.models import Item, OversightResult, OversightRun
from reviewq.models.types import utcnow
from reviewq.services import oversight, oversight_store
from tests.support.oversight import LONG, add_person, compute, work


@pytest.fixture
def team(app, source):
    """Careful (reads), Stamp (stamps) today, and Early, who worked only 20 days ago."""
    with app.app_context():
        now = utcnow()
        for email, name, role in (
            ("sue@example.com", "Sue", "supervisor"),
            ("careful@example.com", "Careful", "reviewer"),
            ("stamp@example.com", "Stamp", "reviewer"),
            ("early@example.com", "Early", "reviewer"),
        ):
            add_person(email, name, role, 5 if role == "supervisor" else 3)
        work(source.slug, "careful@example.com", 60, 90, now - timedelta(hours=5))
        work(source.slug, "stamp@example.com", 60, 2, now - timedelta(hours=3), canary_first=6)
        work(source.slug, "early@example.com", 55, 2, now - timedelta(days=20))


def linkless(report) -> dict:
    """The report's dict without example links (the stream leaves them to ``store``)."""
    data = report.to_dict()
    for reviewer in data["reviewers"]:
        for evidence in reviewer["evidence"]:
            for example in evidence.get("examples") or []:
                example.pop("link", None)
    return data


def test_the_stream_gives_the_report_of_the_decisions_in_memory(app, team) -> None:
    """The same report from streamed rows as from the live records loaded in a list, and
    from the stream's own records in a list; word counts were stored at intake."""
    with app.app_context():
        assert set(db.session.scalars(sa.select(Item.words))) == {len(LONG.split())}
        now = utcnow()
        since = now - timedelta(days=28)
        streamed = oversight_store.analyse(db.session, now, 28, since).report
        in_memory = analyze(list(oversight.records(db.session, since)), window_days=28, now=now)
        listed = analyze(list(oversight_store.stream(db.session, since)), window_days=28, now=now)
    assert linkless(streamed) == linkless(in_memory)
    assert streamed.to_dict() == listed.to_dict()
    assert {r.reviewer: r.verdict for r in streamed.reviewers} == {
        "careful@example.com": "ok",
        "stamp@example.com": "individual",
        "early@example.com": "individual",
    }


def test_the_job_stores_what_the_detector_computes_for_every_window(app, team) -> None:
    """Every window, its trend and sparklines as the detector gives them; word counts come
    from the column stored at intake, and the drafts' text is never read."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        assert compute(app) == {7: 120, 14: 120, 28: 175, 90: 175}
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "FROM decisions" in s]
    assert reads and not any("items.content" in s or "content_before" in s for s in reads)
    with app.app_context():
        for days in oversight.WINDOWS:
            stored = oversight_store.latest(db.session, days)
            direct = oversight.window(db.session, stored.computed_at, days)
            rows = oversight_store.page(db.session, stored.id, "name", 0, 100)
            assert {row.result.reviewer: row.result.verdict for row in rows} == {
                r.reviewer: r.verdict for r in direct.report.reviewers
            }
            assert [row.result.signals for row in rows] == [
                r.signals for r in sorted(direct.report.reviewers, key=lambda r: r.reviewer)
            ]
            assert stored.team == direct.report.team
            assert [w | {"verdicts": {}} for w in stored.trend] == [
                w | {"verdicts": {}} for w in direct.trend
            ]
            for row in rows:
                assert row.weeks == [w["verdicts"].get(row.result.reviewer) for w in direct.trend]
                assert row.line == pytest.approx(direct.lines[row.result.reviewer])
                assert all(
                    x["link"] == f"/items/{x['item']}"
                    for e in row.result.evidence
                    for x in e.get("examples") or []
                )


def test_a_new_computation_replaces_the_old_one(app, source, team) -> None:
    compute(app)
    with app.app_context():
        first = {d: oversight_store.latest(db.session, d).computed_at for d in oversight.WINDOWS}
        add_person("late@example.com", "Late")
        work(source.slug, "late@example.com", 10, 60, utcnow() - timedelta(minutes=30))
    compute(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OversightRun)) == 4
        for days in oversight.WINDOWS:
            stored = oversight_store.latest(db.session, days)
            assert stored.computed_at > first[days]
            late = db.session.scalar(
                sa.select(OversightResult.verdict).where(
                    OversightResult.run_id == stored.id,
                    OversightResult.reviewer == "late@example.com",
                )
            )
            assert late == "insufficient"
        runs = set(db.session.scalars(sa.select(OversightRun.id)))
        assert set(db.session.scalars(sa.select(OversightResult.run_id))) == runs
