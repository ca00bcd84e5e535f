"""The simulated world: parameter ranges, sources, time zones, queue demand, second review.

Part of the simulator (reviewq/domain/simulate.py holds the overview, the sources of every
number and the public API). Nothing here knows about the detector.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from functools import cached_property

Span = tuple[float, float]

START = 1793577600  # 2026-11-02T00:00:00Z, a Monday; every reviewer's week starts on it locally
HIGH_RISK_TAGS = ("refund", "medical", "legal")


@dataclass(frozen=True)
class Ranges:
    """Where every drawn parameter comes from; ``tuning`` is narrow, ``heldout`` is wider."""

    name: str
    team: tuple[int, int]
    days: tuple[int, int]
    individual_share: dict[str, Span]  # by composition
    conditions_share: Span
    newcomer_share: Span
    canary_rate: Span
    qa_rate: Span
    qa_high_risk_approvals: Span
    qa_sensitivity: Span  # the blind second reviewer objects to a bad draft
    qa_false_alarm: Span  # ... and to a good one
    zones: tuple[tuple[int, float], ...]  # (UTC offset in minutes, weight)
    source_spread: float  # bad rate, high-risk share and median length x U(1/s, s)
    queue_shares: dict[str, Span]  # share of the non-specialist reviewers on each queue
    surge_days: Span  # share of a source's days with a demand surge
    surge_hours: Span
    surge_factor: Span
    # honest reviewers
    wpm: Span
    fast_wpm: Span  # the expert who reads fast and still catches problems
    slow_wpm: Span  # the meticulous re-reader (effective pace)
    item_noise: Span  # sigma of the log-normal per-item noise on time
    day_sigma: Span  # sigma of the log-normal per-day pace multiplier
    overhead: Span  # seconds to open, take in the context and click, on prose
    template_check: Span  # median seconds to check a boilerplate draft field by field
    glance: Span  # median seconds to decide a 10-40 word draft
    detect: Span  # share of bad drafts (canaries included) noticed
    edit_good: Span  # share of good drafts polished before approval
    false_reject: Span
    escalate_good: Span
    attendance: Span
    day_hours: Span  # hours of review a working day
    session_minutes: Span  # between breaks of 10+ minutes, for those who take breaks
    marathon_hours: Span
    interruptions: Span  # share of items left open during an interruption
    # symbolic reviewers
    stamp_seconds: Span  # a stamp: a glance and a click
    stamp_wpm: Span  # the little that does scale with length
    skim_wpm: Span
    skim_detect: Span
    paced_seconds: Span  # the paced stamper's cadence, whatever the length
    gamer_wpm: Span  # the pace the clock-waiter imitates
    gamer_rates: Span  # multiplier on the team's edit/reject/escalate rates
    deferential_detect: Span
    waver_detect: Span  # high-risk drafts noticed by the reviewer who waves them through
    stamp_day_share: Span
    dump_rate: Span
    quota_rate: Span
    batch_wait_minutes: Span
    # workload
    fatigue_onset_hours: Span
    fatigue_ramp_minutes: Span
    fatigue_hours: Span  # length of the fatigued reviewer's unbroken stretch
    strain_speedup: Span  # reading speed x this when strained (at full strain)
    strain_detect: Span  # detection x this when strained
    pressure_day_share: Span
    pressure_hours: Span
    overtime_day_share: Span
    overtime_hours: Span


ZONES_TUNING = ((0, 0.2), (60, 0.2), (-300, 0.15), (-480, 0.15), (330, 0.3))
ZONES_HELDOUT = (
    (0, 0.1), (60, 0.1), (120, 0.05), (-180, 0.08), (-300, 0.07), (-360, 0.06), (-480, 0.1),
    (330, 0.16), (345, 0.04), (480, 0.14), (660, 0.1),
)  # fmt: skip

TUNING = Ranges(
    name="tuning",
    team=(60, 80),
    days=(10, 10),
    individual_share={"typical": (0.25, 0.25), "compromised": (0.40, 0.40)},
    conditions_share=(0.09, 0.09),
    newcomer_share=(0.03, 0.03),
    canary_rate=(0.025, 0.025),
    qa_rate=(0.05, 0.05),
    qa_high_risk_approvals=(0.20, 0.20),
    qa_sensitivity=(0.85, 0.85),
    qa_false_alarm=(0.04, 0.04),
    zones=ZONES_TUNING,
    source_spread=1.0,
    queue_shares={"boilerplate": (0.14, 0.14), "short": (0.14, 0.14), "high-risk": (0.1, 0.1)},
    surge_days=(0.2, 0.2),
    surge_hours=(1.5, 3.0),
    surge_factor=(1.6, 2.2),
    wpm=(200, 280),
    fast_wpm=(300, 380),
    slow_wpm=(150, 185),
    item_noise=(0.25, 0.35),
    day_sigma=(0.08, 0.12),
    overhead=(3.0, 8.0),
    template_check=(25.0, 40.0),
    glance=(3.5, 4.8),
    detect=(0.70, 0.85),
    edit_good=(0.02, 0.05),
    false_reject=(0.005, 0.02),
    escalate_good=(0.005, 0.015),
    attendance=(0.9, 0.97),
    day_hours=(4.0, 6.0),
    session_minutes=(50.0, 90.0),
    marathon_hours=(4.0, 5.5),
    interruptions=(0.01, 0.03),
    stamp_seconds=(1.0, 3.0),
    stamp_wpm=(1500.0, 3000.0),
    skim_wpm=(520.0, 680.0),
    skim_detect=(0.2, 0.35),
    paced_seconds=(7.0, 14.0),
    gamer_wpm=(220.0, 290.0),
    gamer_rates=(0.8, 1.2),
    deferential_detect=(0.1, 0.3),
    waver_detect=(0.05, 0.15),
    stamp_day_share=(0.3, 0.5),
    dump_rate=(0.5, 0.8),
    quota_rate=(0.08, 0.15),
    batch_wait_minutes=(3.0, 12.0),
    fatigue_onset_hours=(2.25, 2.75),
    fatigue_ramp_minutes=(20.0, 40.0),
    fatigue_hours=(3.5, 4.5),
    strain_speedup=(1.6, 2.2),
    strain_detect=(0.4, 0.6),
    pressure_day_share=(0.3, 0.5),
    pressure_hours=(1.5, 3.0),
    overtime_day_share=(0.3, 0.4),
    overtime_hours=(5.0, 6.5),
)

HELDOUT = Ranges(
    name="heldout",
    team=(50, 90),
    days=(8, 14),
    individual_share={"typical": (0.2, 0.3), "compromised": (0.35, 0.45)},
    conditions_share=(0.06, 0.12),
    newcomer_share=(0.02, 0.05),
    canary_rate=(0.02, 0.03),
    qa_rate=(0.03, 0.08),
    qa_high_risk_approvals=(0.1, 0.3),
    qa_sensitivity=(0.75, 0.92),
    qa_false_alarm=(0.02, 0.08),
    zones=ZONES_HELDOUT,
    source_spread=1.3,
    queue_shares={"boilerplate": (0.08, 0.2), "short": (0.08, 0.2), "high-risk": (0.0, 0.15)},
    surge_days=(0.1, 0.35),
    surge_hours=(1.0, 5.0),
    surge_factor=(1.4, 2.8),
    wpm=(175, 300),
    fast_wpm=(290, 420),
    slow_wpm=(130, 195),
    item_noise=(0.2, 0.5),
    day_sigma=(0.05, 0.2),
    overhead=(2.0, 12.0),
    template_check=(20.0, 48.0),
    glance=(3.0, 5.0),
    detect=(0.65, 0.9),
    edit_good=(0.01, 0.08),
    false_reject=(0.003, 0.03),
    escalate_good=(0.003, 0.03),
    attendance=(0.85, 1.0),
    day_hours=(3.0, 7.0),
    session_minutes=(40.0, 110.0),
    marathon_hours=(3.5, 6.5),
    interruptions=(0.0, 0.05),
    stamp_seconds=(0.8, 5.0),
    stamp_wpm=(900.0, 4000.0),
    skim_wpm=(470.0, 800.0),
    skim_detect=(0.15, 0.4),
    paced_seconds=(5.0, 20.0),
    gamer_wpm=(200.0, 320.0),
    gamer_rates=(0.6, 1.5),
    deferential_detect=(0.05, 0.4),
    waver_detect=(0.0, 0.25),
    stamp_day_share=(0.25, 0.6),
    dump_rate=(0.35, 0.9),
    quota_rate=(0.05, 0.2),
    batch_wait_minutes=(2.0, 20.0),
    fatigue_onset_hours=(1.75, 3.25),
    fatigue_ramp_minutes=(10.0, 60.0),
    fatigue_hours=(3.0, 5.0),
    strain_speedup=(1.4, 2.6),
    strain_detect=(0.3, 0.7),
    pressure_day_share=(0.2, 0.6),
    pressure_hours=(1.0, 4.0),
    overtime_day_share=(0.2, 0.5),
    overtime_hours=(4.5, 7.5),
)

RANGES = {"tuning": TUNING, "heldout": HELDOUT}


@dataclass(frozen=True)
class Source:
    """One AI system whose drafts reach the team, with its own shape of draft."""

    name: str
    queue: str  # "ordinary" | "high-risk" | "boilerplate" | "short"
    median_words: float
    sigma: float
    min_words: int
    max_words: int
    high_risk_share: float
    bad_rate: float  # low-risk drafts; high-risk drafts go wrong 1.5x as often
    peak_utc: float  # hour of the day (UTC) when its users are busiest
    idle: float  # mean seconds a reviewer waits for the next draft at ordinary demand
    low_tags: tuple[list[str], ...]
    high_tags: tuple[list[str], ...]
    reasons: tuple[str, ...]

    @cached_property
    def kind(self) -> str:
        """How a careful reviewer handles its drafts: "prose", "boilerplate" or "short"."""
        return self.queue if self.queue in ("boilerplate", "short") else "prose"


SOURCES = (
    Source(
        "support-bot", "ordinary", 170, 0.42, 30, 900, 0.22, 0.08, 15.0, 30.0,
        ([], ["billing"], ["shipping"], ["account"]),
        (["refund"], ["refund", "legal"], ["legal"]),
        ("wrong refund window", "promises what the policy does not allow",
         "tone is wrong for a complaint", "answers a different question",
         "leaks another customer's details", "contradicts the conversation",
         "wrong amount", "needs a specialist to confirm"),
    ),
    Source(
        "sales-writer", "ordinary", 230, 0.40, 40, 900, 0.09, 0.06, 14.0, 35.0,
        ([], ["marketing"], ["pricing"]),
        (["legal"], ["refund"]),
        ("unsupported claim", "wrong price", "competitor named", "off-brand tone",
         "missing required disclaimer", "promises a discount that does not exist"),
    ),
    Source(
        "claims-assistant", "high-risk", 260, 0.45, 60, 1000, 0.6, 0.1, 13.0, 40.0,
        ([], ["general"]),
        (["medical"], ["refund"], ["legal"], ["medical", "legal"], ["refund", "legal"]),
        ("medical claim without a source", "wrong coverage decision", "wrong amount",
         "cites a clause that does not say this", "needs a clinician",
         "needs legal review", "missing the appeal rights"),
    ),
    Source(
        "policy-letters", "boilerplate", 800, 0.3, 400, 1500, 0.15, 0.04, 11.0, 25.0,
        ([], ["renewal"], ["notice"]),
        (["legal"],),
        ("wrong policy number", "wrong date", "wrong addressee", "clause from another product",
         "amount does not match the file", "template field left empty"),
    ),
    Source(
        "chat-replies", "short", 22, 0.35, 10, 40, 0.05, 0.06, 18.0, 6.0,
        ([], ["greeting"], ["status"]),
        (["refund"], ["medical"]),
        ("wrong status", "rude", "not an answer", "wrong language", "promises a refund"),
    ),
)  # fmt: skip


def draw(rng: random.Random, span: Span) -> float:
    lo, hi = span
    return lo if lo == hi else rng.uniform(lo, hi)


def draw_around(rng: random.Random, mean: float, sd: float, span: Span) -> float:
    """A normal draw kept inside ``span`` by redrawing (no pile-up at the bounds)."""
    lo, hi = span
    for _ in range(100):
        x = rng.gauss(mean, sd)
        if lo <= x <= hi:
            return x
    return rng.uniform(lo, hi)


def draw_sources(rng: random.Random, ranges: Ranges) -> tuple[Source, ...]:
    """The run's sources: fixed for tuning; held-out scales length, risk and error rates."""
    s = ranges.source_spread
    if s == 1.0:
        return SOURCES
    spread = math.log(s)

    def f() -> float:
        return math.exp(rng.uniform(-spread, spread))

    out = []
    for src in SOURCES:
        median = src.median_words * f()
        if src.queue in ("boilerplate", "short"):  # keep the shapes the issue names
            median = min(max(median, src.min_words * 1.3), src.max_words / 1.3)
        out.append(
            Source(
                src.name,
                src.queue,
                median,
                src.sigma,
                src.min_words,
                src.max_words,
                min(0.9, src.high_risk_share * f()),
                min(0.3, src.bad_rate * f()),
                (src.peak_utc + rng.uniform(-3, 3)) % 24,
                src.idle * f(),
                src.low_tags,
                src.high_tags,
                src.reasons,
            )  # fmt: skip
        )
    return tuple(out)


@dataclass
class World:
    """Run-level facts drawn once: sources, canary and second-review rates, demand."""

    seed: int
    ranges: Ranges
    sources: tuple[Source, ...]
    canary_rate: float
    qa_rate: float
    qa_high_risk_approvals: float
    qa_sensitivity: float
    qa_false_alarm: float
    surge_days: float
    _demand: dict[tuple[int, int], list[float]] = field(default_factory=dict)

    @classmethod
    def draw(cls, seed: int, rng: random.Random, ranges: Ranges) -> World:
        return cls(
            seed=seed,
            ranges=ranges,
            sources=draw_sources(rng, ranges),
            canary_rate=draw(rng, ranges.canary_rate),
            qa_rate=draw(rng, ranges.qa_rate),
            qa_high_risk_approvals=draw(rng, ranges.qa_high_risk_approvals),
            qa_sensitivity=draw(rng, ranges.qa_sensitivity),
            qa_false_alarm=draw(rng, ranges.qa_false_alarm),
            surge_days=draw(rng, ranges.surge_days),
        )

    def source_index(self, queue: str, rng: random.Random) -> int:
        """A source of that queue (ordinary has two; the choice is the reviewer's team)."""
        choices = [i for i, s in enumerate(self.sources) if s.queue == queue]
        return rng.choice(choices)

    def demand(self, source: int, ts: float) -> float:
        """Drafts arriving per unit of the team's capacity at that moment (1.0 = balanced).

        Diurnal (peak at the source's busy UTC hour, trough ~0.3), a per-day factor
        (log-normal, sigma 0.15) and, on some days, a surge of a few hours (x1.4-2.8) when
        a backlog builds. Drawn per (source, UTC day) from its own seed, so it does not
        matter which reviewer asks first.
        """
        hour = int(ts // 3600)
        day = hour // 24
        table = self._demand.get((source, day))
        if table is None:
            table = self._demand_day(source, day)
            self._demand[(source, day)] = table
        return table[hour - day * 24]

    def _demand_day(self, source: int, day: int) -> list[float]:
        rng = random.Random(f"{self.seed}:demand:{source}:{day}")
        src = self.sources[source]
        factor = rng.lognormvariate(0.0, 0.15)
        table = []
        for h in range(24):
            d = abs((h + 0.5 - src.peak_utc + 12) % 24 - 12)
            table.append(factor * (0.3 + 0.75 * math.exp(-((d / 5.0) ** 2))))
        if rng.random() < self.surge_days:
            r = self.ranges
            length = max(1, round(draw(rng, r.surge_hours)))
            start = rng.randrange(24)
            surge = draw(rng, r.surge_factor)
            for h in range(start, start + length):
                table[h % 24] = max(table[h % 24] * surge, 1.3)
        return table


BACKLOG = 1.2  # demand above this: a queue with a backlog, the next draft is already waiting


def zone_suffix(offset_minutes: int) -> str:
    if offset_minutes == 0:
        return "Z"
    sign = "+" if offset_minutes > 0 else "-"
    h, m = divmod(abs(offset_minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


class Clock:
    """ISO 8601 in one reviewer's local time, to the millisecond (fast: no datetime objects)."""

    def __init__(self, offset_minutes: int) -> None:
        self.offset_ms = offset_minutes * 60_000
        self.suffix = zone_suffix(offset_minutes)
        self._minute = -1
        self._prefix = ""
        self._dates: dict[int, str] = {}

    def iso(self, ms: int) -> str:
        minute, rem = divmod(ms + self.offset_ms, 60_000)
        if minute != self._minute:  # one reviewer's times come in order: often a cache hit
            day, in_day = divmod(minute, 1440)
            date = self._dates.get(day)
            if date is None:
                date = self._dates[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
            self._prefix = f"{date}T{in_day // 60:02d}:{in_day % 60:02d}:"
            self._minute = minute
        return f"{self._prefix}{rem // 1000:02d}.{rem % 1000:03d}{self.suffix}"
