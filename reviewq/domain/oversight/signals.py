"""The individual signals on timing and edits (S1, S2, S4, S5, S10), the typed ``Signal``
and the team baselines they compare with; the outcome signals are in ``outcomes``.

Each returns a frozen ``Signal`` whose ``to_dict()`` is the JSON of the report. *Hard*
signals (S1 reading floor, S5 bursts) decide an *individual* verdict alone; *soft* ones (S2,
S4, and the outcome signals unless strong) need a second; S10 only supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .baselines import NO_BASELINE, Baseline, log_ratio_p
from .profile import Profile
from .settings import OversightSettings
from .stats import (
    MAD_SCALE,
    beta_binomial_tail,
    wilson_interval,
)


@dataclass(frozen=True)
class Signal:
    """One signal's measurement for one reviewer."""

    id: str
    name: str
    kind: str  # hard | soft | conditions | risk | supporting
    scope: str
    n: int
    minimum: int
    threshold: str
    baseline: Baseline | None = None
    value: float | None = None
    fired: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    examples: tuple[int, ...] = ()
    evaluable: bool = True  # False: no baseline to compare with

    @property
    def status(self) -> str:
        if self.n == 0:
            return "no data"
        if self.n < self.minimum:
            return "insufficient"
        if not self.evaluable:
            return "no baseline"
        if self.fired:
            return "present" if self.kind == "risk" else "fired"
        return "ok"

    @property
    def strong(self) -> bool:
        return bool(self.details.get("strong"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scope": self.scope,
            "status": self.status,
            "fired": self.fired,
            "value": rounded(self.value),
            "n": self.n,
            "minimum": self.minimum,
            "threshold": self.threshold,
            "baseline": self.baseline.to_dict() if self.baseline is not None else None,
            "details": self.details,
        }


@dataclass(frozen=True)
class TeamBaselines:
    """Everything an individual signal compares with."""

    s1: Baseline = NO_BASELINE
    s2: Baseline = NO_BASELINE
    s3_rates: dict[int, float] = field(default_factory=dict)  # source -> as-is approvals
    s3_qa_rates: dict[int, float] = field(default_factory=dict)  # source -> disagreement
    s3: Baseline = NO_BASELINE
    s4_rates: dict[int, float] = field(default_factory=dict)  # stratum -> real-edit rate
    s4: Baseline = NO_BASELINE
    s5: Baseline = NO_BASELINE
    s8: Baseline = NO_BASELINE
    s9_rates: dict[int, float] = field(default_factory=dict)  # source -> escapes
    s9_alarm_rates: dict[int, float] = field(default_factory=dict)  # source -> false alarms
    s9: Baseline = NO_BASELINE
    s10: Baseline = NO_BASELINE


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal ("n/a" when unknown)."""
    return "n/a" if x is None else f"{100 * x:.1f}%"


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or value != value else round(value, digits)


def ready(n: int, minimum: int, baseline: Baseline | None = None) -> bool:
    return n >= minimum and (baseline is None or baseline.source != "none")


def s1_under_floor(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """Decisions made in under half the reading floor: the text cannot have been read.

    Half the floor, because honest fast readers with noisy timing dip just under the floor
    now and then; nobody who reads lands far under it often.
    """
    part = p.main
    base = b.s1
    sig = dict(
        id="S1", name="under the reading floor", kind="hard", scope=p.scope, n=part.n,
        minimum=s.s1_min_decisions, baseline=base,
        threshold=f"share of decisions under {s.s1_deep_share_of_floor:g} x the floor: 95% "
        f"lower bound > {pct(s.s1_wilson_lower)} and team tail p < {s.s1_p:g}, or under the "
        f"floor itself: lower bound > {pct(s.s1_plain_wilson_lower)} (floor: "
        f"{s.floor_base_seconds:g} s + words at {s.floor_wpm:g} wpm, or "
        f"{pct(s.floor_share_of_careful)} of the source's careful time if lower; time is "
        "active time when known)",
    )  # fmt: skip
    if not part.n:
        return Signal(**sig)  # type: ignore[arg-type]
    lo, hi = wilson_interval(part.deep, part.n, s.wilson_z)
    share = part.deep / part.n
    details: dict[str, Any] = {
        "under_half_floor": part.deep,
        "under_floor": part.under,
        "wilson": [rounded(lo), rounded(hi)],
    }
    fired = False
    plain_lo, _ = wilson_interval(part.under, part.n, s.wilson_z)
    details["under_floor_wilson_lower"] = rounded(plain_lo)
    if ready(part.n, s.s1_min_decisions, base):
        pv = beta_binomial_tail(part.deep, part.n, base.rate(s), base.kappa, upper=True)
        details["p"] = rounded(pv, 8)
        fired = lo > s.s1_wilson_lower and pv < s.s1_p
        # or a large share just under the floor: skimming much of the time
        fired = fired or plain_lo > s.s1_plain_wilson_lower
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=share,
        fired=fired,
        details=details,
        summary=f"{part.deep} of {part.n} {p.scope} decisions ({pct(share)}, 95% lower bound "
        f"{pct(lo)}) took less than half the time the text needs even at skimming speed; team "
        f"{pct(base.median)}",
        examples=tuple(part.examples["S1"]),
    )


def s2_skimming(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    part = p.main
    base = b.s2
    sig = dict(
        id="S2", name="skimming", kind="soft", scope=p.scope, n=part.n,
        minimum=s.s2_min_items, baseline=base,
        threshold=f"median pace > {s.s2_pace:g}x the source's careful time and robust z > "
        f"{s.s2_z:g}",
    )  # fmt: skip
    if part.pace_median is None:
        return Signal(**sig)  # type: ignore[arg-type]
    centre = base.median if base.median is not None else 1.0
    sd = max(MAD_SCALE * (base.mad or 0.0), s.s2_min_sd)
    z = (part.pace_median - centre) / sd
    fired = ready(part.n, s.s2_min_items, base) and part.pace_median > s.s2_pace and z > s.s2_z
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=part.pace_median,
        fired=fired,
        evaluable=base.source != "none",
        details={"robust_z": rounded(z, 2), "robust_sd": rounded(sd, 3)},
        summary=f"median pace {part.pace_median:.2f}x the careful time of the same kind of "
        f"draft over {part.n} {p.scope} decisions (team {centre:.2f}x, z = {z:.1f})",
        examples=tuple(part.examples["S2"]),
    )


def expected_count(cells: dict[int, list[int]], rates: dict[int, float], default: float) -> float:
    """The count a reviewer would show at the team's rate for each source or stratum."""
    return sum(n * rates.get(key, default) for key, (n, _) in cells.items())


def totals(cells: dict[int, list[int]]) -> tuple[int, int]:
    return sum(n for n, _ in cells.values()), sum(x for _, x in cells.values())


def s4_never_edits(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    part = p.main
    sig = dict(
        id="S4", name="never edits", kind="soft", scope=p.scope, n=part.n,
        minimum=s.s4_min_decisions, baseline=b.s4,
        threshold=f"real edits (>= {s.real_edit_min_chars} characters changed) below "
        f"{pct(s.s4_max_ratio)} of what the team's rates for the same source, risk and length "
        f"predict, lower tail p < {s.s4_p:g}",
    )  # fmt: skip
    if not part.n:
        return Signal(**sig)  # type: ignore[arg-type]
    expected = expected_count(part.by_stratum, b.s4_rates, 0.0)
    details: dict[str, Any] = {"real_edits": part.real_edits, "expected": rounded(expected, 1)}
    fired = False
    evaluable = expected >= s.s4_min_expected
    if evaluable and ready(part.n, s.s4_min_decisions, b.s4):
        pv = log_ratio_p(b.s4, part.real_edits, expected, lower=True)
        details["p"] = rounded(pv, 8)
        fired = pv < s.s4_p and part.real_edits <= s.s4_max_ratio * expected
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=part.real_edits / part.n,
        fired=fired,
        evaluable=evaluable,
        details=details,
        summary=f"{part.real_edits} real edits in {part.n} {p.scope} decisions where the "
        f"team's rates for the same kind of draft predict {expected:.1f}",
        examples=tuple(part.examples["S4"]),
    )


def s5_bursts(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    part = p.main
    base = b.s5
    sig = dict(
        id="S5", name="bursts", kind="hard", scope=p.scope, n=part.n,
        minimum=s.s5_min_decisions, baseline=base,
        threshold=f"runs of {s.s5_run} decisions faster than the sum of their floors: > "
        f"{pct(s.s5_share)} of decisions and team tail p < {s.s5_p:g}",
    )  # fmt: skip
    if not part.n:
        return Signal(**sig)  # type: ignore[arg-type]
    share = part.burst / part.n
    details: dict[str, Any] = {"in_bursts": part.burst}
    fired = False
    if ready(part.n, s.s5_min_decisions, base):
        pv = beta_binomial_tail(part.burst, part.n, base.rate(s), base.kappa, upper=True)
        details["p"] = rounded(pv, 8)
        fired = share > s.s5_share and pv < s.s5_p
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=share,
        fired=fired,
        details=details,
        summary=f"{part.burst} of {part.n} {p.scope} decisions ({pct(share)}) sit in runs of "
        f"{s.s5_run} made faster than the texts can be read; team {pct(base.median)}",
        examples=tuple(part.examples["S5"]),
    )


def s10_reasons(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    sig = dict(
        id="S10", name="boilerplate reasons", kind="supporting", scope="all", n=p.reasons,
        minimum=s.s10_min_reasons, baseline=b.s10,
        threshold=f"share of identical reason texts > {pct(s.s10_share)} (supporting only)",
    )  # fmt: skip
    if not p.reasons:
        return Signal(**sig)  # type: ignore[arg-type]
    share = p.top_reason_count / p.reasons
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=share,
        fired=p.reasons >= s.s10_min_reasons and share > s.s10_share,
        details={"top_reason": p.top_reason, "count": p.top_reason_count},
        summary=f"{pct(share)} of {p.reasons} reasons are the same text: {p.top_reason!r}",
    )


def team_pairs(profiles: list[Profile], attr: str, minimum: int) -> list[tuple[int, int]]:
    """(count, n) of ``attr`` in each reviewer's scope part, from ``minimum`` decisions."""
    return [(getattr(p.main, attr), p.main.n) for p in profiles if p.main.n >= minimum]
