"""The detector against the simulator's archetypes (true labels known), across several seeds.

Targets (the issue's proof): recall >= 0.9 and precision >= 0.9 for individual patterns,
overload and fatigue labelled as conditions, diligent and fast-but-careful reviewers flagged in
<= 2% of runs. Small logs (20 reviewers x 6 days, ~550 decisions each) keep this fast.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reviewq.domain.oversight import Report, analyze_lines
from reviewq.domain.simulate import (
    ARCHETYPES,
    EXPECTED_VERDICT,
    SimulatedReviewer,
    labels_path,
    simulate,
    write_simulation,
)

SEEDS = (101, 202, 303, 404, 505, 606)
REVIEWERS, DAYS = 20, 6
HONEST = {"diligent", "fast_careful"}
WORKLOAD = {"overloaded", "fatigued"}


@pytest.fixture(scope="module")
def runs() -> list[tuple[int, list[SimulatedReviewer], Report]]:
    out = []
    for seed in SEEDS:
        people, records = simulate(seed, reviewers=REVIEWERS, days=DAYS)
        report, errors = analyze_lines(json.dumps(r) for r in records)
        assert errors == []
        out.append((seed, people, report))
    return out


def _verdicts(people: list[SimulatedReviewer], report: Report) -> list[tuple[str, str]]:
    by_name = {r.reviewer: r.verdict for r in report.reviewers}
    return [(p.archetype, by_name[p.name]) for p in people]


def _recall_precision(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    truth = [EXPECTED_VERDICT[arch] == "individual" for arch, _ in pairs]
    said = [verdict == "individual" for _, verdict in pairs]
    tp = sum(t and s for t, s in zip(truth, said, strict=True))
    recall = tp / sum(truth) if sum(truth) else 1.0
    precision = tp / sum(said) if sum(said) else 1.0
    return recall, precision


def test_individual_patterns_recall_and_precision(runs) -> None:
    everything = []
    table = []
    for seed, people, report in runs:
        pairs = _verdicts(people, report)
        everything += pairs
        recall, precision = _recall_precision(pairs)
        table.append((seed, round(recall, 3), round(precision, 3)))
        assert recall >= 0.9 and precision >= 0.9, (seed, recall, precision, pairs)
    recall, precision = _recall_precision(everything)
    print(f"\nper seed (seed, recall, precision): {table}; overall {recall:.3f} / {precision:.3f}")
    assert recall >= 0.9 and precision >= 0.9


def test_overload_and_fatigue_are_conditions_never_the_person(runs) -> None:
    pairs = [pair for _, people, report in runs for pair in _verdicts(people, report)]
    workload = [verdict for arch, verdict in pairs if arch in WORKLOAD]
    assert "individual" not in workload
    assert workload.count("conditions") / len(workload) >= 0.9, Counter(workload)


def test_honest_reviewers_are_rarely_flagged(runs) -> None:
    pairs = [pair for _, people, report in runs for pair in _verdicts(people, report)]
    honest = [verdict for arch, verdict in pairs if arch in HONEST]
    flagged = sum(v != "ok" for v in honest)
    assert len(honest) >= 50
    assert flagged / len(honest) <= 0.02, (flagged, len(honest))


def test_the_right_signals_fire_for_each_archetype(runs) -> None:
    fired: dict[str, Counter] = {a: Counter() for a in ARCHETYPES}
    seen: Counter = Counter()
    for _, people, report in runs:
        for person in people:
            result = report.reviewer(person.name)
            seen[person.archetype] += 1
            fired[person.archetype].update(k for k, v in result.signals.items() if v["fired"])
    # workload signals carry the conditions verdicts
    assert fired["overloaded"]["S7"] == seen["overloaded"]
    assert fired["fatigued"]["S6b"] == seen["fatigued"]
    assert fired["fatigued"]["S6"] >= 0.9 * seen["fatigued"]
    # the rubber stamp reads nothing: under the floor on rested work
    assert fired["rubber_stamping"]["S1"] == seen["rubber_stamping"]
    assert fired["skimming"]["S2"] >= 0.9 * seen["skimming"]
    # no honest reviewer trips an individual-pattern signal
    for arch in HONEST:
        assert not ({"S1", "S5", "S8"} & set(fired[arch])), (arch, fired[arch])


def test_conditions_evidence_shows_sound_rested_work(runs) -> None:
    _, people, report = runs[0]
    fatigued = next(p for p in people if p.archetype == "fatigued")
    result = report.reviewer(fatigued.name)
    assert result.verdict == "conditions" and result.flagged
    kinds = {(e["signal"], e["audience"]) for e in result.evidence}
    assert ("rested-vs-strained", "manager") in kinds and ("S6b", "manager") in kinds
    assert result.signals["S1"]["fired"] is False and result.signals["S1"]["status"] == "ok"
    team = report.team
    assert fatigued.name in {c["reviewer"] for c in team["conditions"]["reviewers"]}
    index = team["symbolic_oversight_index"]
    assert 0.0 < index["value"] < 1.0
    assert set(index["by_risk_tag"]) >= {"refund", "medical", "legal", "(untagged)"}


def test_simulation_files_are_deterministic_and_in_the_design_format(tmp_path: Path) -> None:
    out = tmp_path / "log.jsonl"
    labels, count = write_simulation(out, 7, reviewers=12, days=3)
    assert labels == tmp_path / "log.labels.jsonl" == labels_path(out)
    again = tmp_path / "again.jsonl"
    write_simulation(again, 7, reviewers=12, days=3)
    assert out.read_bytes() == again.read_bytes()
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == count > 1000
    design = {
        "reviewer", "item", "source", "risk_tags", "words", "action", "edited", "opened_at",
        "decided_at", "active_seconds", "canary", "canary_expected", "qa_agreed",
    }  # fmt: skip
    assert all(design <= set(r) <= design | {"reason"} for r in rows)
    canaries = [r for r in rows if r["canary"]]
    assert 0.015 <= len(canaries) / count <= 0.035
    assert {r["canary_expected"] for r in canaries} <= {"reject", "escalate"}
    sampled = sum(r["qa_agreed"] is not None for r in rows) / count
    assert 0.04 <= sampled <= 0.12
    people = [json.loads(x) for x in labels.read_text().splitlines()]
    assert [set(p) for p in people] == [{"reviewer", "archetype", "expected_verdict"}] * 12
    assert {p["archetype"] for p in people} == set(ARCHETYPES)
    assert all(p["expected_verdict"] == EXPECTED_VERDICT[p["archetype"]] for p in people)


def test_per_reviewer_stops_at_exactly_that_many() -> None:
    people, records = simulate(3, reviewers=6, per_reviewer=250)
    counts = Counter(r["reviewer"] for r in records)
    assert counts == {p.name: 250 for p in people}
