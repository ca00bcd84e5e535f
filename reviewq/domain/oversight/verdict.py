"""From signals to a verdict (DESIGN section 8), and the evidence each audience sees.

* **individual**: a hard signal (S1, S5; S8 or S9 when strong) or two soft ones (S2, S3,
  S4, S8, S9) fired on the reviewer's scope (rested work, or all work when rested work is short).
* **conditions**: no individual pattern, rested work is enough and sound (no signal at all,
  soft ones included), and strained work is measurably worse than it (S6 late in sessions,
  S7w in high demand). One soft signal in rested work that strain makes worse is the
  person's pattern: individual.
* **insufficient**: fewer than ``verdict_min_decisions`` and nothing above: "not enough data
  yet", never ok and never a flag.
* **ok** otherwise; one soft signal alone is private feedback to the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .settings import OversightSettings
from .signals import Signal, pct
from .stats import fisher_combined

HARD = ("S1", "S5")
GRADED = ("S3", "S8", "S9", "S11")  # hard when strong, soft otherwise
ABSOLUTE = ("S8", "S9")  # canaries and blind second review: combined, they carry a verdict
SOFT = ("S2", "S3", "S4", "S8", "S9", "S11")
CONDITIONS = ("S6", "S7w")
RISKS = ("S6b", "S7")


@dataclass(frozen=True)
class Decision:
    verdict: str
    hard: list[str]
    soft: list[str]
    conditions: list[str]


def decide(signals: dict[str, Signal], n: int, s: OversightSettings) -> Decision:
    """The verdict from a reviewer's signals and decision count."""
    hard = [k for k in HARD if signals[k].fired]
    hard += [k for k in GRADED if signals[k].strong]
    both = [signals[k].details.get("p") for k in ABSOLUTE]
    if (
        not hard
        and all(p is not None for p in both)
        and fisher_combined(both) < s.absolute_combined_p  # type: ignore[arg-type]
    ):
        hard.append("S8+S9")
    soft = [k for k in SOFT if signals[k].fired and k not in hard]
    cond = [k for k in CONDITIONS if signals[k].fired]
    if hard or len(soft) >= 2 or (soft and cond):
        # a soft pattern in rested work that strain makes worse is the person's pattern:
        # conditions needs rested work that is sound
        verdict = "individual"
    elif cond:
        verdict = "conditions"
    elif n < s.verdict_min_decisions:
        verdict = "insufficient"
    else:
        verdict = "ok"
    return Decision(verdict, hard, soft, cond)


def insufficient(n: int, s: OversightSettings) -> dict[str, Any]:
    need = s.verdict_min_decisions
    return {
        "have": n,
        "need": need,
        "unit": "decisions",
        "summary": f"not enough data yet: {n} of {need} decisions, {need - n} more needed",
    }


def evidence(
    signals: dict[str, Signal], d: Decision, examples: Any, rested: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """What each audience sees: supervisors the individual evidence, managers the conditions
    and risk factors, the reviewer alone a single soft signal (private feedback)."""
    out = []
    for sig in signals.values():
        if not sig.fired:
            continue
        if sig.kind == "hard" or sig.strong:
            kind, audience = "individual", "supervisor"
        elif sig.kind == "soft":
            individual = d.verdict == "individual"
            kind = "individual" if individual else "feedback"
            audience = "supervisor" if individual else "reviewer"
        elif sig.kind == "conditions":
            kind, audience = "conditions", "manager"
        elif sig.kind == "risk":
            kind, audience = "risk factor", "manager"
        else:
            kind = "supporting"
            audience = "supervisor" if d.verdict == "individual" else "reviewer"
        out.append(
            {
                "signal": sig.id,
                "kind": kind,
                "audience": audience,
                "summary": sig.summary,
                "value": sig.to_dict()["value"],
                "n": sig.n,
                "baseline": sig.baseline.to_dict() if sig.baseline is not None else None,
                "threshold": sig.threshold,
                "minimum": sig.minimum,
                "examples": [examples[i] for i in sig.examples],
            }
        )
    if d.verdict == "conditions" and rested is not None:
        out.append(
            {
                "signal": "rested-vs-strained",
                "kind": "conditions",
                "audience": "manager",
                "summary": rested["summary"],
                "value": None,
                "n": rested["n"],
                "baseline": None,
                "threshold": None,
                "minimum": None,
                "examples": [],
            }
        )
    return out


def reasons(signals: dict[str, Signal], d: Decision, rested_summary: str) -> list[str]:
    """One line per reason for the verdict, most telling first."""
    if d.verdict == "individual":
        lines = [
            "S8+S9: canaries and blind second review together, "
            f"p = {fisher_combined([signals['S8'].details['p'], signals['S9'].details['p']]):.2g}"
            if k == "S8+S9"
            else f"{k}: {signals[k].summary}"
            for k in d.hard + d.soft
        ]
        lines += [f"also {k} (workload): {signals[k].summary}" for k in d.conditions]
        return lines
    if d.verdict == "conditions":
        lines = [f"{k}: {signals[k].summary}" for k in d.conditions]
        lines.append(f"workload, not the person: {rested_summary}")
        return lines
    if d.soft:
        return [f"private feedback only ({', '.join(d.soft)})"]
    return []


def rested_summary(rested: Any, all_part: Any) -> str:
    """A sentence comparing the reviewer's rested work with the rest."""
    strained_n = all_part.n - rested.n
    strained_under = all_part.under - rested.under
    strained_canaries = all_part.canaries - rested.canaries
    strained_caught = all_part.caught - rested.caught
    return (
        f"rested work ({rested.n} decisions) is sound: "
        f"{pct(rested.under / rested.n if rested.n else None)} under the reading floor, "
        f"canaries caught {rested.caught}/{rested.canaries}; strained work ({strained_n} "
        f"decisions): {pct(strained_under / strained_n if strained_n else None)} under the "
        f"floor, canaries caught {strained_caught}/{strained_canaries}"
    )
