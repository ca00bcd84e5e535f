"""The detector on teams it was never tuned on (issue 8's proof).

The thresholds were tuned on simulated teams drawn from the simulator's ``tuning`` ranges with
seeds 1-3. Here they are proven on ``heldout`` teams: wider reading speeds (175-300 wpm),
noisier timing, other team sizes (50-90), day counts (8-14), canary rates (2-3%), second-review
rates, source mixes and time zones, with seeds never used in tuning, for both compositions
(typical: about 25% symbolic; compromised: about 40%).

Targets, per composition and seed: precision >= 0.9, recall >= 0.9, no honest reviewer
flagged, and the verdict kind (individual or conditions) right for >= 90% of those flagged.
One seed per composition runs in ``make test``; ``make bench`` runs eight more of each
(marked slow), with recall pooled over the eight.
"""

from __future__ import annotations

import json

import pytest

from reviewq.domain.oversight import analyze_lines
from reviewq.domain.oversight.evaluate import Label, Score, score
from reviewq.domain.simulate import simulate

pytestmark = pytest.mark.domain_only


def evaluate(seed: int, composition: str) -> Score:
    people, records = simulate(seed, composition=composition, ranges="heldout")
    report, errors = analyze_lines(json.dumps(r) for r in records)
    assert errors == []
    return score(report, {p.name: Label(p.name, p.archetype, p.expected_verdict) for p in people})


def check(result: Score) -> None:
    detail = result.to_dict()
    summary = {k: detail[k] for k in ("precision", "recall", "honest_flagged", "kind_accuracy")}
    summary["missed"] = detail["missed_reviewers"]
    assert result.honest_flagged == [], summary
    assert result.precision is not None and result.precision >= 0.9, summary
    assert result.recall is not None and result.recall >= 0.9, summary
    assert result.kind_accuracy is not None and result.kind_accuracy >= 0.9, summary
    # the labels hold both kinds and the newcomers, so every verdict was exercised
    expected = set(result.expected.values())
    assert {"ok", "individual", "conditions", "insufficient"} <= expected


@pytest.mark.parametrize("composition", ["typical", "compromised"])
def test_heldout_team(composition: str) -> None:
    check(evaluate(101, composition))


@pytest.mark.slow
@pytest.mark.parametrize("composition", ["typical", "compromised"])
def test_more_heldout_teams(composition: str) -> None:
    """Eight more teams of each composition: on every team no honest reviewer flagged and
    precision and verdict kind at least 0.9; recall at least 0.9 over the eight together
    (one small team's recall moves by a tenth with a single reviewer)."""
    hits = truths = 0
    for seed in range(102, 110):
        result = evaluate(seed, composition)
        detail = result.to_dict()
        assert result.honest_flagged == [], (seed, detail["honest_flagged_reviewers"])
        assert result.precision is not None and result.precision >= 0.9, (seed, detail)
        assert result.kind_accuracy is not None and result.kind_accuracy >= 0.9, (seed, detail)
        hits += result.hits
        truths += result.true_flags
    assert hits / truths >= 0.9, (hits, truths)
