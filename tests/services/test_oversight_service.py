"""Live oversight services: windows, the weekly trend, flag notes, what a reviewer may see."""

from datetime import datetime, timedelta

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.errors import NotAllowed
from reviewq.domain.oversight import DecisionRecord
from reviewq.extensions import db
from reviewq.services import oversight, users
from tests.support.clock import NOW


def record(reviewer: str, decided_at: datetime, dwell: float = 60.0) -> DecisionRecord:
    return DecisionRecord(
        reviewer=reviewer,
        item="i",
        source="bot",
        risk_tags=(),
        words=200,
        action="approve",
        edited=False,
        opened_at=decided_at - timedelta(seconds=dwell),
        decided_at=decided_at,
    )


def test_weeks_are_whole_seven_day_windows_ending_now() -> None:
    rows = [
        record("a", NOW - timedelta(weeks=2)),  # the first instant of the first week
        record("a", NOW - timedelta(weeks=1, seconds=1)),  # the last second of it
        record("b", NOW - timedelta(weeks=1)),  # the first instant of the second week
        record("b", NOW),  # now belongs to the last week
        record("c", NOW - timedelta(weeks=2, seconds=1)),  # before the trend: left out
    ]
    weeks = oversight.weekly(list(reversed(rows)), NOW, 2)
    assert [(w["week_start"], w["week_end"]) for w in weeks] == [
        (NOW - timedelta(weeks=2), NOW - timedelta(weeks=1)),
        (NOW - timedelta(weeks=1), NOW),
    ]
    assert [w["decisions"] for w in weeks] == [2, 2]
    assert [set(w["verdicts"]) for w in weeks] == [{"a"}, {"b"}]
    assert all(w["index"] is not None for w in weeks)


def test_a_week_without_decisions_has_no_index_and_no_verdicts() -> None:
    weeks = oversight.weekly([record("a", NOW - timedelta(days=1))], NOW, 3)
    assert [(w["decisions"], w["index"], w["verdicts"]) for w in weeks[:2]] == [
        (0, None, {}),
        (0, None, {}),
    ]
    assert weeks[2]["verdicts"] == {"a": "insufficient"}  # one decision: no verdict yet


@pytest.mark.parametrize("days", [0, 1, 15, 365])
def test_only_the_offered_windows(ctx, days) -> None:
    with pytest.raises(ValueError, match="7, 14, 28, 90"):
        oversight.window(db.session, NOW, days)


def test_the_latest_note_per_signal_for_many_reviewers(ctx) -> None:
    sue = (
        users.create_user(
            db.session, Actor.system("t"), "sue@x.org", "Sue", "supervisor", 5, "pw-long-enough"
        )
    ).actor
    a = users.create_user(
        db.session, Actor.system("t"), "a@x.org", "A", "reviewer", 1, "pw-long-enough"
    )
    b = users.create_user(
        db.session, Actor.system("t"), "b@x.org", "B", "reviewer", 1, "pw-long-enough"
    )
    for who, signal, status, at in (
        (a, "S1", "dismissed", NOW),
        (a, "S1", "acknowledged", NOW + timedelta(hours=1)),
        (a, "S10", "dismissed", NOW),
        (a, "S2", "dismissed", NOW),
        (b, "S8", "acknowledged", NOW),
    ):
        oversight.set_flag(db.session, sue, who, signal, status, "a note", at)
    db.session.commit()
    notes = oversight.latest_flag_notes(db.session, [a.id, b.id, 999])
    assert {rid: {s: n.status for s, n in by.items()} for rid, by in notes.items()} == {
        a.id: {"S1": "acknowledged", "S2": "dismissed", "S10": "dismissed"},
        b.id: {"S8": "acknowledged"},
    }
    assert list(notes[a.id]) == ["S1", "S2", "S10"]  # in signal order
    assert oversight.flag_notes(db.session, b.id)["S8"].status == "acknowledged"
    assert oversight.latest_flag_notes(db.session, []) == {}


def test_nobody_notes_the_flags_on_their_own_work(ctx) -> None:
    user = users.create_user(
        db.session, Actor.system("t"), "sue@x.org", "Sue", "supervisor", 5, "pw-long-enough"
    )
    with pytest.raises(NotAllowed, match="own work"):
        oversight.set_flag(db.session, user.actor, user, "S1", "dismissed", "mine", NOW)


def test_source_names_by_slug(ctx, make_source) -> None:
    make_source("helpdesk-bot")
    assert oversight.source_names(db.session, ["helpdesk-bot", "gone"]) == {
        "helpdesk-bot": "Helpdesk-Bot"
    }
    assert oversight.source_names(db.session, []) == {}


def test_own_evidence_never_names_a_canary() -> None:
    evidence = [
        {
            "signal": "S1",
            "summary": "fast",
            "examples": [{"id": "1", "canary": True}, {"id": "2", "canary": False}, {"id": "3"}],
        },
        {"signal": "S8", "summary": "caught 0 of 8", "examples": [{"id": "9"}]},
    ]
    own = oversight.evidence_for(evidence, own=True)
    assert [[x["id"] for x in e["examples"]] for e in own] == [["2", "3"], []]
    assert [e["summary"] for e in own] == ["fast", "caught 0 of 8"]
    assert oversight.evidence_for(evidence, own=False) is evidence
    assert evidence[0]["examples"][0]["id"] == "1"  # the input is left as it was


def test_people_by_email(ctx) -> None:
    users.create_user(
        db.session, Actor.system("t"), "a@x.org", "A", "reviewer", 1, "pw-long-enough"
    )
    assert set(oversight.people(db.session, ["a@x.org", "nobody@x.org"])) == {"a@x.org"}
    assert oversight.people(db.session, []) == {}
