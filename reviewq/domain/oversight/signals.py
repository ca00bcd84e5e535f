"""The individual signals (S1-S5, S8-S10): one function each, over a reviewer's scope part.

Each returns a frozen ``Signal`` whose ``to_dict()`` is the JSON of the report. *Hard*
signals (S1 reading floor, S5 bursts, S8 canaries, and S9 when strong) are absolute evidence
and decide an *individual* verdict alone; *soft* ones (S2, S3, S4, S9) need a second.
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
    binomial_tail,
    canary_miss_posterior,
    cohen_kappa_binary,
    fisher_combined,
    fisher_greater,
    poisson_upper,
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
            "value": _round(self.value),
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
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or value != value else round(value, digits)


def _ready(n: int, minimum: int, baseline: Baseline | None = None) -> bool:
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
        "wilson": [_round(lo), _round(hi)],
    }
    fired = False
    plain_lo, _ = wilson_interval(part.under, part.n, s.wilson_z)
    details["under_floor_wilson_lower"] = _round(plain_lo)
    if _ready(part.n, s.s1_min_decisions, base):
        pv = beta_binomial_tail(part.deep, part.n, base.rate(s), base.kappa, upper=True)
        details["p"] = _round(pv, 8)
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
    fired = _ready(part.n, s.s2_min_items, base) and part.pace_median > s.s2_pace and z > s.s2_z
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=part.pace_median,
        fired=fired,
        details={"robust_z": _round(z, 2), "robust_sd": _round(sd, 3)},
        summary=f"median pace {part.pace_median:.2f}x the careful time of the same kind of "
        f"draft over {part.n} {p.scope} decisions (team {centre:.2f}x, z = {z:.1f})",
        examples=tuple(part.examples["S2"]),
    )


def _expected(cells: dict[int, list[int]], rates: dict[int, float], default: float) -> float:
    """The count a reviewer would show at the team's rate for each source or stratum."""
    return sum(n * rates.get(key, default) for key, (n, _) in cells.items())


def _total(cells: dict[int, list[int]]) -> tuple[int, int]:
    return sum(n for n, _ in cells.values()), sum(x for _, x in cells.values())


def s3_approval_excess(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """High-risk drafts waved through: approved as they are (fewer edits, rejections and
    escalations) more than the team does on the same sources, and high-risk decisions the
    second reviewer changed; the two tail tests combined (Fisher's method). High-risk
    canaries missed count under S8."""
    part = p.main
    n, plain = _total(part.hr_by_source)
    sig = dict(
        id="S3", name="high-risk approval excess", kind="soft", scope=p.scope, n=n,
        minimum=s.s3_min_items, baseline=b.s3,
        threshold="high-risk drafts approved as they are and high-risk second-review "
        "disagreement against the team on the same sources, combined "
        f"p < {s.s3_alert_p:g} (alarm, carries the verdict alone: < {s.s3_alarm_p:g})",
    )  # fmt: skip
    if not n:
        return Signal(**sig)  # type: ignore[arg-type]
    expected = _expected(part.hr_by_source, b.s3_rates, 0.0)
    mean = min(max(expected / n, s.min_base_rate), 1 - s.min_base_rate)
    share = plain / n
    details: dict[str, Any] = {"approved_as_is": plain, "expected": _round(expected, 1)}
    fired = strong = False
    if _ready(n, s.s3_min_items, b.s3):
        # fewer interventions (edits, rejections, escalations) on high-risk drafts than the team
        tests = [log_ratio_p(b.s3, n - plain, n - expected, lower=True)]
        sampled, changed = _total(part.hr_qa_by_source)
        if sampled:
            rate = _expected(part.hr_qa_by_source, b.s3_qa_rates, 0.0) / sampled
            rate = min(max(rate, s.min_base_rate), 1 - s.min_base_rate)
            tests.append(binomial_tail(changed, sampled, rate, upper=True))
            details["second_review"] = {
                "changed": changed,
                "sampled": sampled,
                "team": _round(rate),
            }
        pv = fisher_combined(tests)
        details["p"] = _round(pv, 8)
        details["parts_p"] = [_round(x, 6) for x in tests]
        fired = pv < s.s3_alert_p and share >= mean
        # alone it carries a verdict only when both measures agree
        strong = fired and pv < s.s3_alarm_p and all(x < 0.01 for x in tests)
        details["strong"] = strong
        if fired:
            details["level"] = "alarm" if strong else "alert"
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=share,
        fired=fired,
        details=details,
        summary=f"approved {plain} of {n} high-risk drafts as they were ({pct(share)}) where the "
        f"team's rates for the same sources predict {pct(mean)}",
        examples=tuple(part.examples["S3"]),
    )


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
    expected = _expected(part.by_stratum, b.s4_rates, 0.0)
    details: dict[str, Any] = {"real_edits": part.real_edits, "expected": _round(expected, 1)}
    fired = False
    evaluable = expected >= s.s4_min_expected
    if evaluable and _ready(part.n, s.s4_min_decisions, b.s4):
        pv = log_ratio_p(b.s4, part.real_edits, expected, lower=True)
        details["p"] = _round(pv, 8)
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
    if _ready(part.n, s.s5_min_decisions, base):
        pv = beta_binomial_tail(part.burst, part.n, base.rate(s), base.kappa, upper=True)
        details["p"] = _round(pv, 8)
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


def honest_catch(b: TeamBaselines, s: OversightSettings) -> float:
    """The least catch rate of an honest reviewer: ``s8_reference_catch``, lowered to a share
    of the team's where the team's canaries are harder. One figure for the team, because a
    small queue's own catch rate is easily pulled down by the stampers on it."""
    if b.s8.median is None:
        return s.s8_reference_catch
    return min(s.s8_reference_catch, s.s8_team_share * b.s8.median)


def s8_canaries(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """Planted known-bad drafts missed: all of them against an honest catch rate, and the
    high-risk ones against that rate and against the reviewer's own catch rate on the rest
    (a reviewer who waves high-risk drafts through); the least of the three p, x 3."""
    part = p.main
    ref = honest_catch(b, s)
    sig = dict(
        id="S8", name="misses canaries", kind="soft", scope=p.scope, n=part.canaries,
        minimum=s.s8_min_canaries, baseline=b.s8,
        threshold=f"binomial tail P(caught <= c | catch rate {pct(ref)}), for all canaries "
        "and for the high-risk ones, or high-risk canaries caught less than the others "
        f"(Fisher): the least p x 3 < {s.s8_p:g} (< {s.s8_soft_p:g}: soft, needs a second "
        "signal)",
    )  # fmt: skip
    if not part.canaries:
        return Signal(**sig)  # type: ignore[arg-type]
    tests = {"all": binomial_tail(part.caught, part.canaries, ref, upper=False)}
    high, high_caught = part.hr_canaries, part.hr_caught
    if high >= s.s8_min_canaries // 2:
        others, others_caught = part.canaries - high, part.caught - high_caught
        tests["high_risk"] = binomial_tail(high_caught, high, ref, upper=False)
        tests["high_risk_vs_others"] = fisher_greater(others_caught, others, high_caught, high)
    pv = min(1.0, len(tests) * min(tests.values()))
    post = canary_miss_posterior(part.caught, part.canaries, s.s8_catch_rate)
    fired = part.canaries >= s.s8_min_canaries and pv < s.s8_soft_p
    worst = min(tests, key=tests.__getitem__)
    summary = (
        f"caught {part.caught} of {part.canaries} planted known-bad drafts (an honest reviewer "
        f"catches {pct(ref)} or more; p = {pv:.2g})"
    )
    if worst != "all":
        summary = (
            f"caught {high_caught} of {high} high-risk planted known-bad drafts against "
            f"{part.caught - high_caught} of {part.canaries - high} of the others (an honest "
            f"reviewer catches {pct(ref)} or more of each; p = {pv:.2g})"
        )
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=part.caught / part.canaries,
        fired=fired,
        details={
            "caught": part.caught,
            "planted": part.canaries,
            "high_risk_caught": high_caught,
            "high_risk_planted": high,
            "reference": _round(ref),
            "p": _round(pv, 8),
            "tests": {k: _round(v, 8) for k, v in tests.items()},
            "posterior_below_half": _round(post),
            "strong": fired and pv < s.s8_p,
        },
        summary=summary,
        examples=tuple(part.examples["S8"]),
    )


def s9_second_review(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """Approvals a blind second reviewer would have changed (escapes), against the team on the
    same sources. Disagreement with an escalation or a rejection is caution, not symbolic
    review, so only approvals count here."""
    part = p.main
    base = b.s9
    sig = dict(
        id="S9", name="second-review escapes", kind="soft", scope=p.scope, n=part.qa_pairs,
        minimum=s.s9_min_pairs, baseline=base,
        threshold=f"sampled approvals the blind second reviewer changed, above the team on the "
        f"same sources: p < {s.s9_p:g} and +{pct(s.s9_min_excess)} (carries the verdict alone "
        f"at p < {s.s9_hard_p:g}); kappa < {s.s9_kappa:g} is a concern",
    )  # fmt: skip
    if not part.qa_pairs:
        return Signal(**sig)  # type: ignore[arg-type]
    n, escapes = part.qa_pairs, part.escapes
    share = escapes / n
    kappa = cohen_kappa_binary(part.qa_first_approved, part.qa_agreed)
    team_rate = None
    details: dict[str, Any] = {
        "escapes": escapes,
        "sampled_approvals": n,
        "disagreed_all": part.qa_disagree,
        "sampled_all": part.qa,
        "kappa": _round(kappa, 3),
        "kappa_concern": kappa is not None and kappa < s.s9_kappa and part.qa >= s.s9_min_pairs,
    }
    fired = False
    if _ready(n, s.s9_min_pairs, base):
        expected = _expected(part.qa_by_source, b.s9_rates, base.rate(s))
        team_rate = expected / n
        mean = min(max(team_rate, s.min_base_rate), 1 - s.min_base_rate)
        details["expected"] = _round(expected, 1)
        pv = beta_binomial_tail(escapes, n, mean, base.kappa, upper=True)
        fired = pv < s.s9_p and share - mean >= s.s9_min_excess
        # interventions at random: rejections and escalations the second reviewer would not
        # have made, far more often than the team's (caution shows a little, dumping a lot)
        alarms, alarmed = _total(part.alarms_by_source)
        if alarms >= s.s9_min_pairs:
            rate = _expected(part.alarms_by_source, b.s9_alarm_rates, 0.0) / alarms
            rate = min(max(rate, s.min_base_rate), 1 - s.min_base_rate)
            alarm_p = binomial_tail(alarmed, alarms, rate, upper=True)
            details["false_alarms"] = {"disagreed": alarmed, "sampled": alarms,
                                       "team": _round(rate), "p": _round(alarm_p, 8)}  # fmt: skip
            if alarm_p < pv and alarmed / alarms - rate >= s.s9_alarm_excess:
                pv = alarm_p
                fired = pv < s.s9_p
        details["p"] = _round(pv, 8)
        details["strong"] = fired and pv < s.s9_hard_p
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=share,
        fired=fired,
        details=details,
        summary=f"blind second reviewers would have changed {escapes} of {n} sampled approvals "
        f"({pct(share)}; the team on the same sources {pct(team_rate)})",
        examples=tuple(part.examples["S9"]),
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


def s11_silent_sessions(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """Whole sessions approved as they came while the reviewer's own rates on the same
    sources predict several interventions: reading some sessions and stamping others."""
    sp = p.spells
    sig = dict(
        id="S11", name="silent sessions", kind="soft", scope=p.scope, n=sp.sessions,
        minimum=s.s11_min_sessions,
        threshold=f"sessions without one edit, rejection or escalation where the reviewer's "
        f"own rates predict {s.s11_min_expected:g} or more: Poisson tail p < {s.s11_p:g} "
        f"(carries the verdict alone at p < {s.s11_hard_p:g})",
    )  # fmt: skip
    if not sp.sessions:
        return Signal(**sig)  # type: ignore[arg-type]
    pv = poisson_upper(sp.silent, sp.expected)
    fired = sp.sessions >= s.s11_min_sessions and sp.silent >= 2 and pv < s.s11_p
    return Signal(
        **sig,  # type: ignore[arg-type]
        value=sp.silent / sp.sessions,
        fired=fired,
        details={
            "silent": sp.silent,
            "expected": _round(sp.expected, 3),
            "p": _round(pv, 10),
            "strong": fired and pv < s.s11_hard_p,
        },
        summary=f"{sp.silent} of {sp.sessions} sessions had no edit, rejection or escalation at "
        f"all where the reviewer's own rates predict {sp.expected:.2f} such sessions",
        examples=sp.examples,
    )


INDIVIDUAL = (
    s1_under_floor,
    s2_skimming,
    s3_approval_excess,
    s4_never_edits,
    s5_bursts,
    s8_canaries,
    s9_second_review,
    s10_reasons,
    s11_silent_sessions,
)


def team_pairs(profiles: list[Profile], attr: str, minimum: int) -> list[tuple[int, int]]:
    """(count, n) of ``attr`` in each reviewer's scope part, from ``minimum`` decisions."""
    return [(getattr(p.main, attr), p.main.n) for p in profiles if p.main.n >= minimum]
