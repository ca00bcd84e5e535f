"""Conditions: is a reviewer's strained work measurably worse than their own rested work?

*Strained* work is work late in a long session (fatigue, S6) or in a high-demand stretch
(S7w). Each is compared with the same reviewer's rested work *of the same sessions* (fatigue)
or *of the same working days* (demand), so a person's own norm is the baseline, a fast or
careful reader is judged against themselves, and a fast day is never mistaken for strain:

* pace: the median pace (careful time / dwell) rises by more than ``s6_ratio`` with a
  one-sided Mann-Whitney test (high demand is found from pauses, not pace, so pace can be
  compared);
* under the reading floor: the share rises by ``strain_floor_rise`` or more (Fisher);
* interventions (real edits, rejects, escalations) fall to ``strain_intervention_ratio`` of
  the rested rate or below (Fisher);
* canaries: the catch rate falls by ``strain_catch_drop`` or more (Fisher);
* blind second review: disagreement rises by ``strain_qa_rise`` or more (Fisher).

Each test runs at ``strain_p`` divided by the number of tests (and of fatigue cut-offs).
Long sessions (S6b) and high demand (S7) alone are risk factors shown beside the verdict,
never a flag.
"""

from __future__ import annotations

from typing import Any

from .profile import Profile
from .settings import OversightSettings
from .signals import Signal, pct
from .stats import fisher_combined, fisher_greater, mann_whitney_greater
from .work import Part


def _compare(
    rested: Part, strained: Part, s: OversightSettings, alpha: float, with_pace: bool
) -> list[tuple[str, str, float]]:
    """The measures on which ``strained`` is worse: (measure, sentence, p); empty when it is
    not measurably worse.

    Worse means one measure alone at ``alpha / 5`` with its minimum effect, or two or more
    quality measures with their minimum effects together (Fisher's method) at ``alpha``.
    Pace is each decision's pace against the same day's rested pace (``profile``).
    """
    measures: list[tuple[str, str, float, bool]] = []  # (name, sentence, p, big enough)
    ratio = (strained.pace_median or 0.0) / (rested.pace_median or 1.0)
    if with_pace and rested.pace and strained.pace and ratio > 1.0:
        _, pv = mann_whitney_greater(strained.pace, rested.pace)
        measures.append(("pace", f"{ratio:.2f}x faster", pv, ratio > s.s6_ratio))
    quality = []
    r_share, x_share = rested.under / rested.n, strained.under / strained.n
    if x_share > r_share:
        pv = fisher_greater(strained.under, strained.n, rested.under, rested.n)
        # faster against the floor: more decisions under it *and* a faster pace overall (a
        # tail of quick decisions at an unchanged pace is not strain)
        big = (
            x_share - r_share >= s.strain_floor_rise
            and x_share >= 2.5 * r_share
            and ratio >= s.strain_floor_pace
        )
        text = f"under the reading floor {pct(x_share)} against {pct(r_share)}"
        quality.append(("floor", text, pv, big))
    r_int, x_int = rested.interventions / rested.n, strained.interventions / strained.n
    if x_int < r_int:
        pv = fisher_greater(rested.interventions, rested.n, strained.interventions, strained.n)
        big = x_int <= s.strain_intervention_ratio * r_int
        text = f"edited, rejected or escalated {pct(x_int)} against {pct(r_int)}"
        quality.append(("interventions", text, pv, big))
    if strained.canaries and rested.canaries:
        r_c, x_c = rested.caught / rested.canaries, strained.caught / strained.canaries
        if x_c < r_c:
            pv = fisher_greater(rested.caught, rested.canaries, strained.caught, strained.canaries)
            big = r_c - x_c >= s.strain_catch_drop and strained.canaries >= 3
            text = f"caught {pct(x_c)} of canaries against {pct(r_c)}"
            quality.append(("canaries", text, pv, big))
    if strained.qa and rested.qa:
        r_q, x_q = rested.qa_disagree / rested.qa, strained.qa_disagree / strained.qa
        if x_q > r_q:
            pv = fisher_greater(strained.qa_disagree, strained.qa, rested.qa_disagree, rested.qa)
            big = x_q - r_q >= s.strain_qa_rise and strained.qa >= 5
            text = f"second reviewers disagreed {pct(x_q)} against {pct(r_q)}"
            quality.append(("second review", text, pv, big))
    measures += quality
    alone = [(m, t, p) for m, t, p, big in measures if big and p < alpha / 5]
    if alone:
        return alone
    large = [(m, t, p) for m, t, p, big in quality if big]
    if len(large) >= 2 and fisher_combined([p for _, _, p in large]) < alpha:
        return large
    return []


def s6_fatigue(p: Profile, s: OversightSettings) -> Signal:
    """Worse late in sessions than rested, tried from each cut-off in ``s6_late_minutes``."""
    cuts = s.s6_late_minutes
    alpha = s.strain_p / len(cuts)
    least = s.strain_min_decisions
    ready = {m: pair for m, pair in p.late.items() if min(pair[0].n, pair[1].n) >= least}
    n = max((late.n for late, _ in p.late.values()), default=0)
    sig: dict[str, Any] = dict(
        id="S6", name="fatigue drift", kind="conditions", scope="late vs rested", n=n,
        minimum=s.strain_min_decisions,
        threshold=f"work more than {', '.join(f'{m:g}' for m in cuts)} min into a session "
        f"worse than rested work: pace > {s.s6_ratio:g}x (Mann-Whitney), floor share, "
        f"interventions, canaries or second review (Fisher), one alone at p < "
        f"{alpha / 5:.2g} or together at p < {alpha:.2g}",
    )  # fmt: skip
    details: dict[str, Any] = {"late": {f"{m:g}": x.n for m, (x, _) in p.late.items()}}
    if p.scope != "rested" or not ready:
        return Signal(**sig, details=details)
    best: tuple[float, list[tuple[str, str, float]]] | None = None
    for minutes, (part, same) in ready.items():
        found = _compare(same, part, s, alpha, with_pace=True)
        if found and (best is None or min(f[2] for f in found) < min(f[2] for f in best[1])):
            best = (minutes, found)
    first, first_ref = next(iter(ready.values()))
    ratio = (first.pace_median or 0.0) / (first_ref.pace_median or 1.0)
    if best is None:
        return Signal(**sig, value=ratio, details=details)
    minutes, found = best
    late, rested = ready[minutes]
    details.update(cutoff_minutes=minutes, worse=[f[0] for f in found], p=min(f[2] for f in found))
    return Signal(
        **sig | {"n": late.n},
        value=ratio,
        fired=True,
        details=details,
        summary=f"more than {minutes:g} min into a session ({late.n} decisions) the work is "
        f"worse than early in the same sessions ({rested.n}): " + "; ".join(f[1] for f in found),
        examples=tuple(late.examples["strain"]),
    )


def s7w_demand(p: Profile, s: OversightSettings) -> Signal:
    """Worse in high-demand stretches than rested work of the same working days."""
    alpha = s.strain_p
    high, same_days = p.high
    sig: dict[str, Any] = dict(
        id="S7w", name="worse under high demand", kind="conditions",
        scope="high demand vs rested", n=high.n, minimum=s.strain_min_decisions,
        threshold="work in high-demand stretches worse than rested work of the same days: "
        f"pace > {s.s6_ratio:g}x (Mann-Whitney), floor share, interventions, canaries or second "
        f"review (Fisher), one alone at p < {alpha / 5:.2g} or together at p < {alpha:.2g}",
    )  # fmt: skip
    if p.scope != "rested" or min(high.n, same_days.n) < s.strain_min_decisions:
        return Signal(**sig)
    found = _compare(same_days, high, s, alpha, with_pace=True)
    if not found:
        return Signal(**sig, value=high.n / p.n)
    return Signal(
        **sig,
        value=high.n / p.n,
        fired=True,
        details={"worse": [f[0] for f in found], "p": min(f[2] for f in found)},
        summary=f"in high-demand stretches ({high.n} decisions) the work is worse than rested "
        f"work of the same days ({same_days.n}): " + "; ".join(f[1] for f in found),
        examples=tuple(high.examples["strain"]),
    )


def s6b_long_sessions(p: Profile, s: OversightSettings) -> Signal:
    present = p.n >= s.s6b_min_decisions and p.long_share > s.s6b_share
    longest = max(p.session_minutes)
    return Signal(
        id="S6b", name="long sessions", kind="risk", scope="all", n=p.n,
        minimum=s.s6b_min_decisions,
        threshold=f"share of decisions > {s.rested_session_minutes:g} min into a session "
        f"without a {s.session_gap_minutes:g}-min break > {pct(s.s6b_share)} (risk factor, "
        "never a flag)",
        value=p.long_share, fired=present,
        details={"sessions": p.sessions, "longest_session_minutes": round(longest, 1)},
        summary=f"{pct(p.long_share)} of decisions were made more than "
        f"{s.rested_session_minutes:g} min into a session (longest {longest:.0f} min)",
    )  # fmt: skip


def s7_high_demand(p: Profile, s: OversightSettings) -> Signal:
    present = p.n >= s.s7_min_decisions and p.high_share > s.s7_share
    return Signal(
        id="S7", name="high demand", kind="risk", scope="all", n=p.n,
        minimum=s.s7_min_decisions,
        threshold=f"share of decisions in stretches demanding more careful reading than the "
        f"time worked, busy {pct(s.demand_min_busy)} of the time or more, > "
        f"{pct(s.s7_share)} (risk factor, never a flag)",
        value=p.high_share, fired=present,
        details={"median_demand": None if p.demand_median is None else round(p.demand_median, 2)},
        summary=f"{pct(p.high_share)} of decisions were made in high-demand stretches",
    )  # fmt: skip
