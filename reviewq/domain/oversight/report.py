"""The report: each reviewer's verdict with signals, risk factors and evidence; the team's
baselines, norms and symbolic oversight index."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import TYPE_CHECKING, Any

from ..checklist import RUSHED_MS
from . import verdict as rules
from .baselines import (
    Norms,
    grouped_rates,
    log_ratio_baseline,
    norms,
    rate_baseline,
    reviewer_ratios,
    stratum_keys,
    value_baseline,
)
from .outcomes import s3_approval_excess, s8_canaries, s9_second_review, s11_silent_sessions
from .profile import Profile, profile
from .records import iso
from .settings import OversightSettings
from .signals import (
    Signal,
    TeamBaselines,
    expected_count,
    s1_under_floor,
    s2_skimming,
    s4_never_edits,
    s5_bursts,
    s10_reasons,
    team_pairs,
    totals,
)
from .stats import wilson_interval
from .strain import s6_fatigue, s6b_long_sessions, s7_high_demand, s7w_demand

if TYPE_CHECKING:
    from .collect import OversightAnalyzer

VERDICTS = ("ok", "individual", "conditions", "insufficient")
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
ORDER = ("S1", "S2", "S3", "S4", "S5", "S6", "S6b", "S7", "S7w", "S8", "S9", "S10", "S11")


@dataclass
class ReviewerResult:
    reviewer: str
    verdict: str
    flagged: bool
    reasons: list[str]
    signals: dict[str, dict[str, Any]]
    metrics: dict[str, Any]
    evidence: list[dict[str, Any]]
    risk_factors: list[dict[str, Any]]
    insufficient: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "verdict": self.verdict,
            "flagged": self.flagged,
            "reasons": self.reasons,
            "signals": self.signals,
            "metrics": self.metrics,
            "evidence": self.evidence,
            "risk_factors": self.risk_factors,
            "insufficient": self.insufficient,
        }


@dataclass
class Report:
    reviewers: list[ReviewerResult]
    team: dict[str, Any]

    def reviewer(self, name: str) -> ReviewerResult:
        for r in self.reviewers:
            if r.reviewer == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"reviewers": [r.to_dict() for r in self.reviewers], "team": self.team}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def r4(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def team_baselines(profiles: list[Profile], s: OversightSettings) -> TeamBaselines:
    """The team's robust baselines over each reviewer's scope part."""
    mains = [p.main for p in profiles]
    s3_rates = grouped_rates([m.hr_by_source for m in mains], s, 10, bad_high=True)
    width = 2 * (len(s.length_edges) + 1)
    s4_rates = grouped_rates(
        [m.by_stratum for m in mains], s, 10, bad_high=False, parent=lambda k: k // width
    )
    return TeamBaselines(
        s1=rate_baseline(
            team_pairs(profiles, "deep", s.s1_min_decisions), s,
            bad_high=True, prior=s.prior_s1_share,
        ),
        s2=value_baseline(
            [m.pace_median for m in mains if m.n >= s.s2_min_items and m.pace_median], s,
            bad_high=True,
        ),
        s3_rates=s3_rates,
        s3_qa_rates=grouped_rates([m.hr_qa_by_source for m in mains], s, 5, bad_high=True),
        s3=log_ratio_baseline(
            [(n - x, n - expected_count(m.hr_by_source, s3_rates, 0.0)) for m in mains
             for n, x in [totals(m.hr_by_source)] if n >= s.s3_min_items],
            s, bad_high=False,
        ),
        s4_rates=s4_rates,
        s4=log_ratio_baseline(
            [(m.real_edits, expected_count(m.by_stratum, s4_rates, 0.0)) for m in mains
             if m.n >= s.s4_min_decisions],
            s, bad_high=False,
        ),
        s5=rate_baseline(
            team_pairs(profiles, "burst", s.s5_min_decisions), s,
            bad_high=True, prior=s.prior_s5_share,
        ),
        s9_rates=grouped_rates([m.qa_by_source for m in mains], s, 10, bad_high=True),
        s9_alarm_rates=grouped_rates([m.alarms_by_source for m in mains], s, 5, bad_high=True),
        s8=value_baseline(
            [m.caught / m.canaries for m in mains if m.canaries >= s.s8_min_canaries], s,
            bad_high=False,
        ),
        s9=rate_baseline(
            [(m.escapes, m.qa_pairs) for m in mains if m.qa_pairs >= s.s9_min_pairs], s,
            bad_high=True,
        ),
        s10=value_baseline(
            [p.top_reason_count / p.reasons for p in profiles if p.reasons >= s.s10_min_reasons],
            s, bad_high=True,
        ),
    )  # fmt: skip


def judge(p: Profile, team: TeamBaselines, s: OversightSettings) -> ReviewerResult:
    """One reviewer's signals, verdict, reasons, evidence and metrics."""
    found: dict[str, Signal] = {}
    for measure in INDIVIDUAL:
        sig = measure(p, team, s)
        found[sig.id] = sig
    for sig in (s6_fatigue(p, s), s6b_long_sessions(p, s), s7_high_demand(p, s), s7w_demand(p, s)):
        found[sig.id] = sig
    signals = {k: found[k] for k in ORDER}
    d = rules.decide(signals, p.n, s)
    summary = rules.rested_summary(p.rested, p.all)
    rested = {"summary": summary, "n": p.rested.n}
    risk_factors = [
        {
            "id": sig.id,
            "name": sig.name,
            "present": sig.fired,
            "value": r4(sig.value),
            "summary": sig.summary,
        }
        for sig in (signals["S6b"], signals["S7"])
    ]
    short = rules.insufficient(p.n, s) if d.verdict == "insufficient" else None
    return ReviewerResult(
        reviewer=p.name,
        verdict=d.verdict,
        flagged=d.verdict in ("individual", "conditions"),
        reasons=([short["summary"]] if short else rules.reasons(signals, d, summary)),
        signals={k: v.to_dict() for k, v in signals.items()},
        metrics=_metrics(p, signals, s),
        evidence=rules.evidence(signals, d, p.example_rows, rested),
        risk_factors=risk_factors,
        insufficient=short,
    )


def _metrics(p: Profile, signals: dict[str, Signal], s: OversightSettings) -> dict[str, Any]:
    a = p.all
    lo, hi = wilson_interval(a.approvals, a.n, s.wilson_z)
    least = s.rate_min_worked_minutes
    worked_enough = p.worked_seconds >= least * 60.0
    note = None
    if not worked_enough:
        sessions = f"{p.sessions} session{'s' if p.sessions != 1 else ''}"
        note = (
            f"{sessions} of {p.worked_seconds / 60.0:.0f} min in all: under {least:g} minutes "
            "of work"
        )
    return {
        "decisions": p.n,
        "rested_decisions": p.rested.n,
        "scope": p.scope,
        "sessions": p.sessions,
        "median_session_minutes": r4(median(p.session_minutes), 1),
        "items_per_hour": r4(p.n / (p.worked_seconds / 3600.0), 1) if worked_enough else None,
        "items_per_hour_note": note,
        "median_dwell_seconds": r4(p.median_dwell, 1),
        "median_active_seconds": r4(p.median_active, 1),
        "under_floor_share_all": r4(a.under / a.n),
        "approval_rate": {"value": r4(a.approvals / a.n), "wilson": [r4(lo), r4(hi)]},
        "high_risk_approval_rate": signals["S3"].to_dict()["value"],
        "edit_rate": r4(a.real_edits / a.n),
        "reject_rate": r4(a.rejects / a.n),
        "escalate_rate": r4((a.n - a.approvals - a.rejects) / a.n),
        "longest_zero_edit_approval_streak": p.longest_plain_run,
        "burst_share_all": r4(a.burst / a.n),
        "canary_catch_rate": r4(a.caught / a.canaries) if a.canaries else None,
        "second_review_agreement": r4(1 - a.qa_disagree / a.qa) if a.qa else None,
        "long_session_share": r4(p.long_share),
        "high_demand_share": r4(p.high_share),
        "symbolic_share": r4(p.symbolic / p.n),
    }


def build_report(an: OversightAnalyzer) -> Report:
    """Profile every reviewer against the team's norms and baselines, then judge each."""
    s = an.settings
    high_tagsets = frozenset(
        idx for tags, idx in an._tagsets.items() if any(t in s.high_risk_tags for t in tags)
    )
    cutoff = -math.inf
    window: dict[str, Any] = {"days": None, "start": None, "end": None}
    if an.records:
        end = an.now.timestamp() if an.now is not None else an._latest
        window["end"] = iso(end)
        if an.window_days is not None:
            cutoff = end - an.window_days * 86400.0
            window["days"] = an.window_days
            window["start"] = iso(cutoff)
    people = sorted(an._by_reviewer.items())
    keys = {name: stratum_keys(cols, s, high_tagsets) for name, cols in people}
    team_norms = norms([reviewer_ratios(c, keys[name], s, cutoff) for name, c in people], s)
    profiles = [
        p
        for name, cols in people
        if (p := profile(name, cols, keys.pop(name), s, team_norms, high_tagsets, cutoff))
        is not None
    ]
    baselines = team_baselines(profiles, s)
    results = [judge(p, baselines, s) for p in profiles]
    for result in results:
        _checklist_evidence(result, an._by_reviewer[result.reviewer], cutoff)
    return Report(results, _team(an, profiles, results, baselines, team_norms, window))


def _checklist_evidence(result: ReviewerResult, cols: Any, cutoff: float) -> None:
    """Add what the reviewer's checklists show (decisions on risky tags, in the window):
    a metric, and, when every box was ticked within a second of opening, evidence for the
    supervisor; never a signal, so never a flag by itself. Nothing is added for a reviewer
    without checklists, so a log without them gives the report it always gave."""
    marks, decided = cols.ck, cols.d
    seen = [i for i, mark in enumerate(marks) if mark >= 0 and decided[i] >= cutoff]
    if not seen:
        return
    fast = [i for i in seen if marks[i] == 1]
    share = len(fast) / len(seen)
    result.metrics["checklist"] = {"decisions": len(seen), "rushed": len(fast), "share": r4(share)}
    if not fast:
        return
    result.evidence.append(
        {
            "signal": "checklist",
            "kind": "evidence",
            "audience": "supervisor",
            "summary": f"every box ticked within {RUSHED_MS / 1000:g} s of opening the item on "
            f"{len(fast)} of {len(seen)} decisions with a checklist ({100 * share:.0f}%)",
            "value": r4(share),
            "n": len(seen),
            "baseline": None,
            "threshold": "shown as evidence, never a flag by itself",
            "minimum": None,
            "examples": [
                {
                    "item": cols.items[i],
                    "id": cols.ids[i],
                    "link": cols.links.get(i),
                    "canary": bool(cols.c[i]),
                }
                for i in fast[:10]
            ],
        }
    )


def _team(
    an: OversightAnalyzer,
    profiles: list[Profile],
    results: list[ReviewerResult],
    b: TeamBaselines,
    team_norms: Norms,
    window: dict[str, Any],
) -> dict[str, Any]:
    s = an.settings
    total = sum(p.n for p in profiles)
    symbolic = sum(p.symbolic for p in profiles)
    comps = [sum(p.components[k] for p in profiles) for k in range(4)]
    source_names = {v: k for k, v in an._sources.items()}
    tag_names = {v: k for k, v in an._tagsets.items()}
    by_source: dict[str, list[int]] = {}
    by_tag: dict[str, list[int]] = {}
    for p in profiles:
        for sid, (n, x) in p.by_source.items():
            _add(by_source, source_names[sid] or "(none)", n, x)
        for tid, (n, x) in p.by_tagset.items():
            for tag_name in tag_names[tid] or ("(untagged)",):
                _add(by_tag, tag_name, n, x)
    verdicts = Counter(r.verdict for r in results)

    def median_of(values: list[float]) -> float | None:
        return r4(median(values)) if values else None

    return {
        "reviewers": len(results),
        "decisions": total,
        "window": window,
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "flagged": sum(r.flagged for r in results),
        "metrics": {
            "items_per_hour": median_of(
                [r.metrics["items_per_hour"] for r in results if r.metrics["items_per_hour"]]
            ),
            "median_dwell_seconds": median_of([p.median_dwell for p in profiles]),
            "approval_rate": median_of([p.all.approvals / p.n for p in profiles]),
            "edit_rate": median_of([p.all.real_edits / p.n for p in profiles]),
            "reject_rate": median_of([p.all.rejects / p.n for p in profiles]),
        },
        "baselines": {
            "S1_under_floor_share": b.s1.to_dict(),
            "S2_pace": b.s2.to_dict(),
            "S3_high_risk_approval_rate": b.s3.to_dict(),
            "S4_real_edit_rate": b.s4.to_dict(),
            "S5_burst_share": b.s5.to_dict(),
            "S8_canary_catch_rate": b.s8.to_dict(),
            "S9_escape_rate": b.s9.to_dict(),
            "S10_top_reason_share": b.s10.to_dict(),
        },
        "norms": {
            "by_source": {
                source_names[k] or "(none)": r4(v, 3)
                for k, v in sorted(team_norms.by_source.items())
            },
            "strata": len(team_norms.by_key),
            "note": "careful time as a multiple of 4 s + words at 238 wpm, from how long the "
            "team takes on each source's drafts",
        },
        "symbolic_oversight_index": {
            "value": r4(symbolic / total if total else 0.0),
            "decisions": total,
            "symbolic": symbolic,
            "definition": "share of decisions under the reading floor, in a burst, in a "
            f"high-demand stretch, or more than {s.rested_session_minutes:g} min into a session",
            "components": {
                "under_floor": comps[0],
                "in_burst": comps[1],
                "high_demand": comps[2],
                "late_in_long_session": comps[3],
            },
            "by_source": _shares(by_source),
            "by_risk_tag": _shares(by_tag),
        },
        "conditions": {
            "note": "workload: a staffing matter for the manager, not a person to blame",
            "reviewers": [
                {
                    "reviewer": r.reviewer,
                    "signals": [k for k in ("S6", "S7w") if r.signals[k]["fired"]],
                }
                for r in results
                if r.verdict == "conditions"
            ],
        },
        "risk_factors": {
            "long_sessions": sum(1 for r in results if r.risk_factors[0]["present"]),
            "high_demand": sum(1 for r in results if r.risk_factors[1]["present"]),
        },
        "input": {
            "records": an.records,
            "analysed": total,
            "outside_window": an.records - total,
            "clamped_clock_skew": an.clamped,
            "lines_read": an.lines_read,
            "skipped_lines": an.error_count,
        },
        "settings": s.describe(),
    }


def _add(table: dict[str, list[int]], key: str, n: int, x: int) -> None:
    cell = table.setdefault(key, [0, 0])
    cell[0] += n
    cell[1] += x


def _shares(cells: dict[str, list[int]]) -> dict[str, Any]:
    return {
        k: {"decisions": n, "symbolic": x, "index": r4(x / n if n else 0.0)}
        for k, (n, x) in sorted(cells.items())
    }
