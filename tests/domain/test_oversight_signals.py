"""Oversight detector: each verdict rule, tested on the failure classes it must get right.

Every case is a small explicit team (tests/domain/team.py) and most are parametrized over a
range of the behaviour, not one example, so a rule tuned to one number fails here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from reviewq.domain.oversight import DEFAULT_SETTINGS, DecisionRecord, Report, analyze
from tests.domain.team import Person, honest, team

pytestmark = pytest.mark.domain_only

SETTINGS = DEFAULT_SETTINGS
BASE = honest("h", 8)


def verdicts(*people: Person, seed: int = 1) -> Report:
    return analyze(team(*people, seed=seed))


def fired(report: Report, name: str) -> set[str]:
    return {k for k, v in report.reviewer(name).signals.items() if v["status"] == "fired"}


# -- honest work on unusual queues and schedules is never flagged ----------------------------


@pytest.mark.parametrize("minutes", [240, 300, 360])
@pytest.mark.parametrize("seed", [1, 2])
def test_marathon_sessions_without_decline_are_a_risk_factor_not_a_flag(
    minutes: int, seed: int
) -> None:
    report = verdicts(*BASE, Person("marathon", sessions=((8 * 60, minutes),)), seed=seed)
    r = report.reviewer("marathon")
    assert r.verdict == "ok" and not r.flagged
    risks = {x["id"]: x for x in r.risk_factors}
    assert risks["S6b"]["present"] and risks["S6b"]["value"] > 0.5
    assert r.signals["S6b"]["status"] == "present"  # context, never "fired"
    assert not any("rested work" in reason for reason in r.reasons)


@pytest.mark.parametrize(("low", "high"), [(15, 45), (20, 60), (30, 80)])
def test_boilerplate_queue_sets_its_own_norm(low: int, high: int) -> None:
    """400-1500-word templated drafts checked in under a minute: neither floor nor demand."""
    people = [Person(f"b{k}", queue="boilerplate", fixed_dwell=(low, high)) for k in range(6)]
    report = verdicts(*honest("o", 5), *people)
    for k in range(6):
        r = report.reviewer(f"b{k}")
        assert r.verdict == "ok", (r.reviewer, r.reasons)
        assert r.signals["S1"]["value"] < 0.05
        assert r.metrics["high_demand_share"] == 0.0
    assert report.team["norms"]["by_source"]["boilerplate"] < 0.5  # far below the word model


@pytest.mark.parametrize(("low", "high"), [(2, 6), (3, 8), (4, 10)])
def test_short_draft_queue_sets_its_own_floor(low: int, high: int) -> None:
    """10-40-word drafts decided in a few seconds are read, not stamped."""
    people = [Person(f"s{k}", queue="short", fixed_dwell=(low, high)) for k in range(6)]
    report = verdicts(*honest("o", 5), *people)
    for k in range(6):
        r = report.reviewer(f"s{k}")
        assert r.verdict == "ok", (r.reviewer, r.reasons)
        assert "S1" not in fired(report, f"s{k}")


def test_a_fast_careful_reader_gets_private_feedback_at_most() -> None:
    report = verdicts(*BASE, Person("fast", wpm=420, overhead=(2.0, 5.0)))
    r = report.reviewer("fast")
    assert r.verdict == "ok"
    assert all(e["audience"] == "reviewer" for e in r.evidence if e["kind"] != "supporting")


def test_newcomer_is_not_enough_data_yet() -> None:
    report = verdicts(*BASE, Person("new", limit=32))
    r = report.reviewer("new")
    assert (r.verdict, r.flagged) == ("insufficient", False)
    assert r.insufficient == {
        "have": 32,
        "need": 50,
        "unit": "decisions",
        "summary": "not enough data yet: 32 of 50 decisions, 18 more needed",
    }
    assert report.team["verdicts"]["insufficient"] == 1
    assert report.team["flagged"] == 0


def test_a_newcomer_who_stamps_is_flagged_on_hard_evidence() -> None:
    report = verdicts(*BASE, Person("new", limit=40, stamp=0.4, detect=0.0, edit_good=0.0))
    r = report.reviewer("new")
    assert r.verdict == "individual" and "S1" in fired(report, "new")


# -- symbolic review is individual, wherever and however long it happens ---------------------


@pytest.mark.parametrize("strength", [0.3, 0.6, 0.85])
@pytest.mark.parametrize(
    "schedule",
    [
        {},
        {"pause": 0},  # a backlog: never idle, every stretch "busy"
        {"sessions": ((8 * 60, 300),)},  # long sessions
    ],
)
def test_stampers_are_individual_never_conditions(strength: float, schedule: dict) -> None:
    stamper = Person("stamp", stamp=strength, detect=0.02, edit_good=0.0, false_reject=0.0)
    report = verdicts(*BASE, stamper.but(**schedule))
    r = report.reviewer("stamp")
    assert r.verdict == "individual", r.reasons
    assert {"S1", "S8"} <= fired(report, "stamp")
    assert not any("rested work" in reason and "sound" in reason for reason in r.reasons)
    assert all(report.reviewer(p.name).verdict == "ok" for p in BASE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gamer_who_waits_out_the_clock_is_caught_by_canaries_and_second_review(
    seed: int,
) -> None:
    gamer = Person("gamer", detect=0.0, edit_good=0.0, trivial_edits=0.06, random_reject=0.1)
    report = verdicts(*BASE, gamer, seed=seed)
    r = report.reviewer("gamer")
    assert r.verdict == "individual"
    assert "S8" in fired(report, "gamer")
    assert r.signals["S4"]["details"]["real_edits"] == 0  # 0-3 characters are not edits
    assert r.signals["S1"]["status"] != "fired"  # the clock alone would not show it


def test_paced_stamper_approves_everything_at_reading_pace() -> None:
    report = verdicts(*BASE, Person("paced", detect=0.0, edit_good=0.0, false_reject=0.0))
    assert report.reviewer("paced").verdict == "individual"
    assert "S8" in fired(report, "paced")


def test_one_soft_signal_alone_is_private_feedback() -> None:
    report = verdicts(*BASE, Person("noedit", edit_good=0.0, detect=0.8))
    r = report.reviewer("noedit")
    assert r.verdict == "ok"
    if r.evidence:
        assert {e["audience"] for e in r.evidence if e["kind"] == "feedback"} <= {"reviewer"}


# -- the team baseline holds when 40% of it stamps --------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_compromised_team_baselines_hold(seed: int) -> None:
    symbolic = [
        Person("st0", stamp=0.5, detect=0.02, edit_good=0.0),
        Person("st1", stamp=0.7, detect=0.05, edit_good=0.0, pause=0),
        Person("paced", detect=0.0, edit_good=0.0, false_reject=0.0),
        Person("gamer", detect=0.0, edit_good=0.0, trivial_edits=0.05, random_reject=0.1),
    ]
    report = verdicts(*honest("h", 6), *symbolic, seed=seed)
    for person in symbolic:
        assert report.reviewer(person.name).verdict == "individual", person.name
    for k in range(6):
        assert report.reviewer(f"h{k}").verdict == "ok", report.reviewer(f"h{k}").reasons


# -- conditions: worse under strain than the same person's rested work -----------------------


@pytest.mark.parametrize("after", [120, 150, 180])
def test_fatigue_after_hours_in_a_session_is_conditions(after: int) -> None:
    tired = Person("tired", sessions=((8 * 60, after + 90),), tired_after=after, days=8)
    report = verdicts(*BASE, tired)
    r = report.reviewer("tired")
    assert r.verdict == "conditions", r.reasons
    assert "S6" in fired(report, "tired")
    assert r.reasons[-1].startswith("workload, not the person: rested work")
    assert any(e["audience"] == "manager" for e in r.evidence)


@pytest.mark.parametrize("days", [(1,), (1, 4), (0, 3, 5, 6)])
def test_forced_pace_surges_are_conditions(days: tuple[int, ...]) -> None:
    report = verdicts(*BASE, Person("over", surge_days=days))
    r = report.reviewer("over")
    assert r.verdict == "conditions", r.reasons
    assert "S7w" in fired(report, "over")
    assert r.metrics["high_demand_share"] > 0


def test_high_demand_alone_is_a_risk_factor() -> None:
    """A backlog worked at a careful pace: busy all day, demand above 1, no decline."""
    people = [Person(f"q{k}", pause=0, wpm=238 + 10 * k) for k in range(6)]
    report = verdicts(*BASE, *people)
    for k in range(6):
        r = report.reviewer(f"q{k}")
        assert r.verdict == "ok", r.reasons


# -- edits that are real --------------------------------------------------------------------


def test_trivial_and_whitespace_edits_are_not_edits() -> None:
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)

    def rec(i: int, chars: int | None) -> DecisionRecord:
        return DecisionRecord(
            "r1", f"i{i}", "s", (), 100, "approve", True, at + timedelta(minutes=i),
            at + timedelta(minutes=i, seconds=40), edit_chars=chars,
        )  # fmt: skip

    report = analyze([rec(0, 0), rec(1, 3), rec(2, 5), rec(3, None), rec(4, 120)])
    assert report.reviewers[0].metrics["edit_rate"] == 0.6  # 5, unknown and 120 characters


# -- report shape ---------------------------------------------------------------------------


def test_report_json_shape() -> None:
    report = verdicts(*BASE[:3], Person("new", limit=10))
    data = json.loads(report.to_json())
    first = data["reviewers"][0]
    assert {"reviewer", "verdict", "flagged", "signals", "evidence", "risk_factors"} <= set(first)
    assert list(first["signals"]) == [
        "S1", "S2", "S3", "S4", "S5", "S6", "S6b", "S7", "S7w", "S8", "S9", "S10", "S11",
    ]  # fmt: skip
    for sig in first["signals"].values():
        assert {"value", "baseline", "threshold", "minimum", "fired", "status", "n"} <= set(sig)
    assert [x["id"] for x in first["risk_factors"]] == ["S6b", "S7"]
    assert set(data["team"]["verdicts"]) == {"ok", "individual", "conditions", "insufficient"}
    assert data["team"]["settings"]["s1_min_decisions"] == SETTINGS.s1_min_decisions


def test_examples_say_which_were_canaries() -> None:
    report = verdicts(*BASE, Person("stamp", stamp=0.4, detect=0.0, edit_good=0.0))
    s8 = next(e for e in report.reviewer("stamp").evidence if e["signal"] == "S8")
    assert s8["examples"] and all(x["canary"] for x in s8["examples"])
    s1 = next(e for e in report.reviewer("stamp").evidence if e["signal"] == "S1")
    assert {"id", "item", "opened_at", "words", "dwell_seconds", "floor_seconds", "action",
            "canary"} <= set(s1["examples"][0])  # fmt: skip


def test_no_data() -> None:
    report = analyze([])
    assert report.reviewers == [] and report.team["decisions"] == 0
    assert json.loads(report.to_json())["team"]["verdicts"] == {
        "ok": 0,
        "individual": 0,
        "conditions": 0,
        "insufficient": 0,
    }


def test_one_decision_has_no_none_where_a_page_shows_a_number() -> None:
    r = verdicts(Person("once", limit=1)).reviewers[0]
    assert r.verdict == "insufficient"
    assert r.metrics["items_per_hour"] is None
    assert r.metrics["items_per_hour_note"].endswith("under 10 minutes of work")
