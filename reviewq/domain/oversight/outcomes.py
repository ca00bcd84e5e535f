"""The outcome signals: what happened to high-risk drafts (S3), planted canaries (S8), blind
second reviews (S9), and whole sessions without an intervention (S11). Each is *soft* (it
needs a second signal) and carries an individual verdict alone only when strong.
"""

from __future__ import annotations

from typing import Any

from .baselines import log_ratio_p
from .profile import Profile
from .settings import OversightSettings
from .signals import Signal, TeamBaselines, expected_count, pct, ready, rounded, totals
from .stats import (
    beta_binomial_tail,
    binomial_tail,
    canary_miss_posterior,
    cohen_kappa_binary,
    fisher_combined,
    fisher_greater,
    poisson_upper,
)


def s3_approval_excess(p: Profile, b: TeamBaselines, s: OversightSettings) -> Signal:
    """High-risk drafts waved through: approved as they are (fewer edits, rejections and
    escalations) more than the team does on the same sources, and high-risk decisions the
    second reviewer changed; the two tail tests combined (Fisher's method). High-risk
    canaries missed count under S8."""
    part = p.main
    n, plain = totals(part.hr_by_source)
    sig = dict(
        id="S3", name="high-risk approval excess", kind="soft", scope=p.scope, n=n,
        minimum=s.s3_min_items, baseline=b.s3,
        threshold="high-risk drafts approved as they are and high-risk second-review "
        "disagreement against the team on the same sources, combined "
        f"p < {s.s3_alert_p:g} (alarm, carries the verdict alone: < {s.s3_alarm_p:g})",
    )  # fmt: skip
    if not n:
        return Signal(**sig)  # type: ignore[arg-type]
    expected = expected_count(part.hr_by_source, b.s3_rates, 0.0)
    mean = min(max(expected / n, s.min_base_rate), 1 - s.min_base_rate)
    share = plain / n
    details: dict[str, Any] = {"approved_as_is": plain, "expected": rounded(expected, 1)}
    fired = strong = False
    if ready(n, s.s3_min_items, b.s3):
        # fewer interventions (edits, rejections, escalations) on high-risk drafts than the team
        tests = [log_ratio_p(b.s3, n - plain, n - expected, lower=True)]
        sampled, changed = totals(part.hr_qa_by_source)
        if sampled:
            rate = expected_count(part.hr_qa_by_source, b.s3_qa_rates, 0.0) / sampled
            rate = min(max(rate, s.min_base_rate), 1 - s.min_base_rate)
            tests.append(binomial_tail(changed, sampled, rate, upper=True))
            details["second_review"] = {
                "changed": changed,
                "sampled": sampled,
                "team": rounded(rate),
            }
        pv = fisher_combined(tests)
        details["p"] = rounded(pv, 8)
        details["parts_p"] = [rounded(x, 6) for x in tests]
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
            "reference": rounded(ref),
            "p": rounded(pv, 8),
            "tests": {k: rounded(v, 8) for k, v in tests.items()},
            "posterior_below_half": rounded(post),
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
        "kappa": rounded(kappa, 3),
        "kappa_concern": kappa is not None and kappa < s.s9_kappa and part.qa >= s.s9_min_pairs,
    }
    fired = False
    if ready(n, s.s9_min_pairs, base):
        expected = expected_count(part.qa_by_source, b.s9_rates, base.rate(s))
        team_rate = expected / n
        mean = min(max(team_rate, s.min_base_rate), 1 - s.min_base_rate)
        details["expected"] = rounded(expected, 1)
        pv = beta_binomial_tail(escapes, n, mean, base.kappa, upper=True)
        fired = pv < s.s9_p and share - mean >= s.s9_min_excess
        # interventions at random: rejections and escalations the second reviewer would not
        # have made, far more often than the team's (caution shows a little, dumping a lot)
        alarms, alarmed = totals(part.alarms_by_source)
        if alarms >= s.s9_min_pairs:
            rate = expected_count(part.alarms_by_source, b.s9_alarm_rates, 0.0) / alarms
            rate = min(max(rate, s.min_base_rate), 1 - s.min_base_rate)
            alarm_p = binomial_tail(alarmed, alarms, rate, upper=True)
            details["false_alarms"] = {"disagreed": alarmed, "sampled": alarms,
                                       "team": rounded(rate), "p": rounded(alarm_p, 8)}  # fmt: skip
            if alarm_p < pv and alarmed / alarms - rate >= s.s9_alarm_excess:
                pv = alarm_p
                fired = pv < s.s9_p
        details["p"] = rounded(pv, 8)
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
            "expected": rounded(sp.expected, 3),
            "p": rounded(pv, 10),
            "strong": fired and pv < s.s11_hard_p,
        },
        summary=f"{sp.silent} of {sp.sessions} sessions had no edit, rejection or escalation at "
        f"all where the reviewer's own rates predict {sp.expected:.2f} such sessions",
        examples=sp.examples,
    )
