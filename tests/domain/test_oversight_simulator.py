"""The simulator itself (reviewq/domain/simulate*.py): its log is valid and its world holds.

These tests check the simulator, not the detector: the log follows DESIGN section 6, the team
has the compositions and archetypes it claims, and the world has the properties the module
docstring promises (reading speeds, queue shapes, canary and second-review rates, time zones,
the strained work of the workload archetypes). Two small logs (a compromised team of 40 on
tuning ranges, a typical team of 40 on held-out ranges, 5 working days) keep this fast.
The detector's accuracy on simulated teams is proven in test_oversight_heldout.py.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewq.domain.simulate import (
    ARCHETYPE_TABLE,
    ARCHETYPES,
    EXPECTED_VERDICT,
    HELDOUT,
    TUNING,
    SimulatedReviewer,
    labels_path,
    simulate,
    write_simulation,
)
from reviewq.domain.simulate_world import HIGH_RISK_TAGS

pytestmark = pytest.mark.domain_only

Run = tuple[dict[str, SimulatedReviewer], list[dict]]
DESIGN_FIELDS = {
    "reviewer", "item", "source", "risk_tags", "words", "action", "edited", "edit_chars",
    "opened_at", "decided_at", "active_seconds", "canary", "canary_expected", "qa_agreed",
}  # fmt: skip
PROSE = {"support-bot", "sales-writer", "claims-assistant"}


def _run(seed: int, **kwargs) -> Run:
    people, records = simulate(seed, reviewers=40, days=5, **kwargs)
    rows = list(records)
    for r in rows:  # parsed once here for every test below
        r["_opened"] = datetime.fromisoformat(r["opened_at"])
        r["_decided"] = datetime.fromisoformat(r["decided_at"])
        r["_dwell"] = (r["_decided"] - r["_opened"]).total_seconds()
    return {p.name: p for p in people}, rows


@pytest.fixture(scope="module")
def tuning() -> Run:
    return _run(11, composition="compromised", ranges="tuning")


@pytest.fixture(scope="module")
def heldout() -> Run:
    return _run(12, composition="typical", ranges="heldout")


@pytest.fixture(scope="module", params=["tuning", "heldout"])
def run(request, tuning: Run, heldout: Run) -> Run:
    return tuning if request.param == "tuning" else heldout


def _by_reviewer(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["reviewer"]].append(r)
    return out


def _of(run: Run, archetypes: set[str], sources: set[str] | None = None) -> list[list[dict]]:
    people, rows = run
    return [
        [r for r in rs if sources is None or r["source"] in sources]
        for name, rs in _by_reviewer(rows).items()
        if people[name].archetype in archetypes
    ]


# -- the API ---------------------------------------------------------------------------------


def test_deterministic_per_seed_and_different_across_seeds() -> None:
    def first(seed: int) -> list[dict]:
        people, records = simulate(seed, reviewers=8, days=2)
        return [people, *records]  # type: ignore[list-item]

    assert first(5) == first(5)
    assert first(5) != first(6)


def test_files_labels_match_the_log(tmp_path: Path) -> None:
    out = tmp_path / "log.jsonl"
    labels, count = write_simulation(out, 7, reviewers=14, days=3, ranges="heldout")
    assert labels == tmp_path / "log.labels.jsonl" == labels_path(out)
    again = tmp_path / "again.jsonl"
    write_simulation(again, 7, reviewers=14, days=3, ranges="heldout")
    assert out.read_bytes() == again.read_bytes()
    assert labels.read_bytes() == labels_path(again).read_bytes()
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    people = [json.loads(x) for x in labels.read_text().splitlines()]
    assert len(rows) == count > 1000
    assert [p["reviewer"] for p in people] == [f"r{i:03d}" for i in range(1, 15)]
    assert Counter(r["reviewer"] for r in rows) == {p["reviewer"]: p["decisions"] for p in people}
    for p in people:
        assert set(p) == {
            "reviewer", "archetype", "expected_verdict", "kind", "queue", "utc_offset",
            "decisions",
        }  # fmt: skip
        assert p["expected_verdict"] == EXPECTED_VERDICT[p["archetype"]]


def test_per_reviewer_stops_at_exactly_that_many() -> None:
    people, records = simulate(3, reviewers=30, per_reviewer=120)
    assert Counter(r["reviewer"] for r in records) == {p.name: 120 for p in people}
    newcomers = [p for p in people if p.archetype == "newcomer"]
    assert newcomers and all(p.expected_verdict == "ok" for p in newcomers)
    people, _ = simulate(3, reviewers=30, per_reviewer=40)
    assert {p.expected_verdict for p in people} == {"insufficient"}


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="composition"):
        simulate(1, composition="friendly")
    with pytest.raises(ValueError, match="ranges"):
        simulate(1, ranges="wide")
    with pytest.raises(ValueError, match="reviewer"):
        simulate(1, reviewers=0)


# -- the team --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("composition", "ranges", "low", "high"),
    [
        ("typical", "tuning", 0.23, 0.27),
        ("compromised", "tuning", 0.38, 0.42),
        ("typical", "heldout", 0.19, 0.31),
        ("compromised", "heldout", 0.34, 0.46),
    ],
)
def test_compositions_have_the_intended_shares(composition, ranges, low, high) -> None:
    for seed in range(20):
        people, _ = simulate(seed, composition=composition, ranges=ranges)
        n = len(people)
        lo, hi = (TUNING if ranges == "tuning" else HELDOUT).team
        assert lo <= n <= hi
        verdicts = Counter(p.expected_verdict for p in people)
        assert low <= verdicts["individual"] / n <= high, (seed, verdicts)
        assert 0.05 <= verdicts["conditions"] / n <= 0.13, (seed, verdicts)
        assert 1 <= verdicts["insufficient"] <= 0.05 * n + 1
        assert verdicts["ok"] / n >= 0.4
        # every archetype appears in every full-size team
        assert {p.archetype for p in people} == set(ARCHETYPES), seed


def test_archetype_table_is_consistent() -> None:
    assert len(set(ARCHETYPES)) == len(ARCHETYPES) == len(ARCHETYPE_TABLE)
    kinds = Counter(a.kind for a in ARCHETYPE_TABLE)
    assert kinds["honest"] >= 10 and kinds["symbolic"] >= 10 and kinds["workload"] >= 3
    assert set(EXPECTED_VERDICT.values()) == {"ok", "individual", "conditions", "insufficient"}
    named = {"diligent", "marathon", "short_queue", "boilerplate", "newcomer", "rubber_stamper"}
    named |= {"skimmer", "paced_stamper", "gamer", "overloaded", "fatigued"}
    assert named <= set(ARCHETYPES)


def test_heldout_ranges_contain_the_tuning_ranges() -> None:
    for name in TUNING.__dataclass_fields__:
        tune, held = getattr(TUNING, name), getattr(HELDOUT, name)
        if isinstance(tune, tuple) and len(tune) == 2 and isinstance(tune[0], int | float):
            assert held[0] <= tune[0] and tune[1] <= held[1], name
            assert held != tune or name == "newcomer_share", name
    assert {o for o, _ in TUNING.zones} < {o for o, _ in HELDOUT.zones}


# -- the log is valid ------------------------------------------------------------------------


def test_log_is_valid_per_the_design_format(run: Run) -> None:
    people, rows = run
    assert {r["reviewer"] for r in rows} == set(people)
    assert len({r["item"] for r in rows}) == len(rows)
    last = None
    for r in rows:
        assert (
            DESIGN_FIELDS <= set(r) <= DESIGN_FIELDS | {"reason", "_opened", "_decided", "_dwell"}
        )
        assert r["action"] in ("approve", "reject", "escalate")
        assert isinstance(r["words"], int) and r["words"] > 0
        assert isinstance(r["risk_tags"], list)
        for key in ("opened_at", "decided_at"):
            assert r[key].endswith("Z") or r[key][-6] in "+-", r[key]
        assert r["_opened"].utcoffset() is not None
        assert r["_dwell"] >= 0 and 0 <= r["active_seconds"] <= r["_dwell"]
        if r["edited"]:
            assert r["action"] == "approve" and isinstance(r["edit_chars"], int)
            assert 0 <= r["edit_chars"] <= 400
        else:
            assert r["edit_chars"] is None
        assert ("reason" in r) == (r["action"] != "approve")
        if r["canary"]:
            assert r["qa_agreed"] is None and r["canary_expected"] in ("reject", "escalate")
        else:
            assert r["canary_expected"] is None
        # the log is in order of decision time, as a live system writes it
        assert last is None or last <= r["_decided"]
        last = r["_decided"]


# -- the world holds -------------------------------------------------------------------------


def test_rates_of_canaries_and_second_review(run: Run) -> None:
    _, rows = run
    canaries = sum(r["canary"] for r in rows) / len(rows)
    assert 0.018 <= canaries <= 0.032  # 2-3%, give or take sampling
    plain = [r for r in rows if not r["canary"]]
    sampled = sum(r["qa_agreed"] is not None for r in plain) / len(plain)
    assert 0.03 <= sampled <= 0.12
    high = [
        r for r in plain if r["action"] == "approve" and set(r["risk_tags"]) & {*HIGH_RISK_TAGS}
    ]
    low = [r for r in plain if not set(r["risk_tags"]) & {*HIGH_RISK_TAGS}]
    rate = lambda rs: sum(r["qa_agreed"] is not None for r in rs) / len(rs)  # noqa: E731
    assert rate(high) > 2 * rate(low)  # more second review on high-risk approvals


def test_time_zones_and_midnight_utc(run: Run) -> None:
    _, rows = run
    assert len({r["opened_at"][23:] for r in rows}) >= 3
    crossing = [
        r
        for r in rows
        if r["_opened"].astimezone(UTC).date() != r["_decided"].astimezone(UTC).date()
    ]
    by = _by_reviewer(rows)
    sessions_over_midnight = 0
    for rs in by.values():
        for a, b in zip(rs, rs[1:], strict=False):
            gap = (b["_opened"] - a["_decided"]).total_seconds()
            if (
                gap < 600
                and a["_decided"].astimezone(UTC).date() != b["_opened"].astimezone(UTC).date()
            ):
                sessions_over_midnight += 1
    assert sessions_over_midnight >= 2 or crossing


def test_honest_reading_speeds_on_ordinary_items(run: Run) -> None:
    checked = 0
    for rs in _of(run, {"diligent", "marathon", "night_shift", "strict", "heavy_editor"}, PROSE):
        plain = [
            r for r in rs if r["words"] >= 100 and r["action"] == "approve" and not r["edited"]
        ]
        if len(plain) < 30:
            continue
        wpm = statistics.median(r["words"] / r["active_seconds"] * 60 for r in plain)
        assert 150 <= wpm <= 330, wpm
        checked += 1
    for rs in _of(run, {"fast_careful"}, PROSE):
        wpm = statistics.median(
            r["words"] / r["active_seconds"] * 60 for r in rs if r["words"] >= 100
        )
        assert 230 <= wpm <= 450, wpm
    assert checked >= 3


def test_short_queue_and_boilerplate_queue_shapes(run: Run) -> None:
    _, rows = run
    honest = {a.name for a in ARCHETYPE_TABLE if a.kind == "honest"} - {"batch_opener"}
    short = [r for rs in _of(run, honest, {"chat-replies"}) for r in rs]
    plain = [r for r in short if r["action"] == "approve" and not r["edited"]]
    assert all(10 <= r["words"] <= 40 for r in short)
    within = sum(3.0 <= r["_dwell"] <= 8.0 for r in plain) / len(plain)
    assert within >= 0.8, within
    letters = [r for rs in _of(run, honest, {"policy-letters"}) for r in rs]
    plain = [r for r in letters if r["action"] == "approve" and not r["edited"]]
    assert all(400 <= r["words"] <= 1500 for r in letters)
    assert 20 <= statistics.median(r["_dwell"] for r in plain) <= 60
    assert sum(r["_dwell"] < 60 for r in plain) / len(plain) >= 0.85


def test_honest_reviewers_catch_most_canaries_and_symbolic_ones_do_not(tuning: Run) -> None:
    def catch(archetypes: set[str]) -> float:
        can = [r for rs in _of(tuning, archetypes) for r in rs if r["canary"]]
        return sum(r["action"] != "approve" for r in can) / len(can)

    assert 0.6 <= catch({"diligent", "marathon", "short_queue", "boilerplate"}) <= 0.95
    assert catch({"rubber_stamper", "paced_stamper", "gamer", "batch_stamper"}) <= 0.15
    assert catch({"skimmer", "deferential", "quota_rejecter"}) <= 0.45


def test_symbolic_footprints(tuning: Run) -> None:
    people, rows = tuning
    by = _by_reviewer(rows)
    for name, rs in by.items():
        arch = people[name].archetype
        if arch == "gamer":  # trivial edits only, waits out the clock
            assert all(r["edit_chars"] <= 4 for r in rs if r["edited"])
        elif arch == "batch_stamper":  # long dwell, a second or two of attention
            assert statistics.median(r["active_seconds"] / max(r["_dwell"], 0.1) for r in rs) < 0.05
        elif arch == "quota_rejecter":
            assert len({r["reason"] for r in rs if "reason" in r}) == 1
        elif arch == "rubber_stamper":
            assert sum(r["action"] == "approve" for r in rs) / len(rs) >= 0.95
            assert not any(r["edited"] for r in rs)


def test_workload_archetypes_are_sound_rested_and_worse_strained(tuning: Run) -> None:
    """Fatigued reviewers speed up late in an unbroken stretch; marathon reviewers do not."""

    def late_speedup(rs: list[dict]) -> float | None:
        early, late = [], []
        start = last = None
        for r in rs:
            if last is None or (r["_opened"] - last).total_seconds() >= 600:
                start = r["_opened"]
            last = r["_decided"]
            minutes = (r["_opened"] - start).total_seconds() / 60
            per_word = r["_dwell"] / r["words"]
            (early if minutes < 45 else late if minutes > 210 else []).append(per_word)
        if len(early) < 20 or len(late) < 20:
            return None
        return statistics.median(early) / statistics.median(late)

    fatigued = [late_speedup(rs) for rs in _of(tuning, {"fatigued"})]
    marathon = [late_speedup(rs) for rs in _of(tuning, {"marathon"})]
    assert fatigued and all(x is not None and x > 1.3 for x in fatigued), fatigued
    assert all(x is None or 0.85 < x < 1.15 for x in marathon), marathon


def test_newcomers_have_25_to_40_decisions(run: Run) -> None:
    people, rows = run
    counts = Counter(r["reviewer"] for r in rows)
    newcomers = [counts[p.name] for p in people.values() if p.archetype == "newcomer"]
    assert newcomers and all(10 <= n <= 40 for n in newcomers), newcomers
    others = [counts[p.name] for p in people.values() if p.archetype != "newcomer"]
    assert min(others) >= 30  # part-timers in a 5-day log: 2 days
