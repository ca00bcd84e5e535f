"""The simulated people: archetypes, their parameters, and team compositions.

Part of the simulator (reviewq/domain/simulate.py holds the overview and the sources). An
archetype is drawn into a :class:`Persona`, a flat bag of behaviour parameters the engine
(simulate_engine.py) reads; the archetype's name and expected verdict become the labels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .simulate_world import Ranges, Source, Span, World, draw, draw_around

HONEST, SYMBOLIC, WORKLOAD, NEWCOMER = "honest", "symbolic", "workload", "newcomer"
VERDICT = {HONEST: "ok", SYMBOLIC: "individual", WORKLOAD: "conditions", NEWCOMER: "insufficient"}
ANY = ("any",)
READING = ("ordinary", "high-risk", "boilerplate")  # queues where reading takes real time


@dataclass(frozen=True)
class Archetype:
    name: str
    kind: str
    weight: float  # share within its kind (honest only; the others are spread evenly)
    queues: tuple[str, ...]  # where it can work; ("any",) = by the team's queue shares
    summary: str


ARCHETYPE_TABLE = (
    Archetype("diligent", HONEST, 4, ANY, "reads every draft, sessions of ~1 h with breaks"),
    Archetype("marathon", HONEST, 2, ANY, "4-6 h stretches with only micro-breaks, no decline"),
    Archetype("fast_careful", HONEST, 2, ("ordinary", "high-risk"), "expert reader, 300-400 wpm"),
    Archetype("meticulous", HONEST, 1, ("ordinary", "high-risk"), "re-reads, edits more"),
    Archetype("short_queue", HONEST, 3, ("short",), "10-40 word drafts decided in 3-8 s"),
    Archetype("boilerplate", HONEST, 3, ("boilerplate",), "templated letters checked in <1 min"),
    Archetype("high_risk_specialist", HONEST, 2, ("high-risk",), "escalates a lot, by design"),
    Archetype("night_shift", HONEST, 1, READING, "works 21:00-06:00 local, across midnight"),
    Archetype("part_timer", HONEST, 1.5, ANY, "2-3 days a week, 1.5-3 h a day"),
    Archetype("generalist", HONEST, 1.5, ("ordinary",), "some sessions on a specialist queue"),
    Archetype("batch_opener", HONEST, 1, ("ordinary",), "opens 3-6 drafts in tabs, reads each"),
    Archetype("strict", HONEST, 1, ("ordinary", "high-risk"), "rejects more than the team"),
    Archetype("heavy_editor", HONEST, 1, READING, "polishes 12-25% of good drafts"),
    Archetype("newcomer", NEWCOMER, 1, ANY, "joined at the end: 25-40 decisions"),
    Archetype("rubber_stamper", SYMBOLIC, 1, ANY, "approves at a glance, seconds per draft"),
    Archetype("skimmer", SYMBOLIC, 1, READING, "reads at 470-800 wpm, catches a third"),
    Archetype("paced_stamper", SYMBOLIC, 1, READING, "a steady 5-20 s per draft, any length"),
    Archetype("gamer", SYMBOLIC, 1, ANY, "waits out the clock, trivial edits, random rejects"),
    Archetype("partial_stamper", SYMBOLIC, 1, READING, "stamps low-risk, reads high-risk"),
    Archetype("day_stamper", SYMBOLIC, 1, ANY, "stamps on 25-60% of days, careful otherwise"),
    Archetype("afternoon_stamper", SYMBOLIC, 1, ANY, "careful mornings, stamps after lunch"),
    Archetype("dumper", SYMBOLIC, 1, ANY, "escalates or rejects most drafts at a glance"),
    Archetype("quota_rejecter", SYMBOLIC, 1, READING, "skims, rejects a quota at random"),
    Archetype("deferential", SYMBOLIC, 1, ANY, "reads at a normal pace, defers to the AI"),
    Archetype("high_risk_waver", SYMBOLIC, 1, READING, "waves high-risk drafts through"),
    Archetype("batch_stamper", SYMBOLIC, 1, ANY, "opens a pile, approves it in seconds later"),
    Archetype("overloaded", WORKLOAD, 1, ANY, "forced pace in surges on some days"),
    Archetype("fatigued", WORKLOAD, 1, ANY, "3-5 h unbroken stretches, declines after ~2.5 h"),
    Archetype("overtime", WORKLOAD, 1, ANY, "breaks most days; on overtime days 5-7 h unbroken"),
)
BY_NAME = {a.name: a for a in ARCHETYPE_TABLE}
ARCHETYPES = tuple(a.name for a in ARCHETYPE_TABLE)
EXPECTED_VERDICT = {a.name: VERDICT[a.kind] for a in ARCHETYPE_TABLE}
KIND = {a.name: a.kind for a in ARCHETYPE_TABLE}


@dataclass(slots=True)
class Persona:
    """Everything the engine needs to act as one reviewer (times in seconds)."""

    name: str
    archetype: str
    source: int
    offset: int  # UTC offset, minutes
    # schedule
    schedule: str = "breaks"  # breaks | marathon | night | part | fatigue | overtime | newcomer
    shift_start: float = 9.0  # local hour
    day_hours: float = 5.0
    session_minutes: Span = (50.0, 90.0)
    stretch_hours: Span = (4.0, 5.5)  # marathon, fatigue and overtime stretches
    attendance: float = 0.95
    special: str = ""  # "stamp" | "pressure" | "overtime": what a special day means
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    first_day: int = 0
    cap: int | None = None
    second_source: int | None = None
    second_share: float = 0.0
    # careful work
    wpm: float = 238.0
    overhead: float = 5.0
    template_check: float = 30.0
    glance: float = 4.5
    item_noise: float = 0.3
    day_sigma: float = 0.1
    detect: float = 0.8
    edit_good: float = 0.03
    false_reject: float = 0.01
    escalate_good: float = 0.01
    escalate_share: float = 0.2  # of noticed problems escalated, not fixed or rejected
    typo_share: float = 0.25  # of polishing edits that fix a typo (1-6 characters)
    reason_weights: tuple[float, ...] = ()
    interruptions: float = 0.02
    idle_scale: float = 1.0
    # symbolic behaviour
    style: str = "careful"  # careful | stamp | skim | paced | gamer | dump | quota
    low_risk_style: str | None = None
    high_risk_detect: float | None = None
    special_share: float = 0.0  # share of days that are stamp / pressure / overtime days
    stamp_after_lunch: bool = False
    stamp_seconds: float = 2.0
    glance_detect: float = 0.03  # blatant problems noticed by someone who does not read
    stamp_wpm: float = 2000.0
    skim_wpm: float = 600.0
    skim_detect: float = 0.3
    paced_seconds: float = 10.0
    gamer_wpm: float = 250.0
    random_rates: tuple[float, float, float] = (0.0, 0.0, 0.0)  # edit, reject, escalate
    dump_action: str = "escalate"
    fixed_reason: str | None = None
    batch: tuple[int, int] | None = None
    batch_wait: Span = (3.0, 12.0)  # minutes
    # workload
    fatigue_onset: float | None = None  # seconds into an unbroken stretch
    fatigue_ramp: float = 1800.0
    strain_speed: float = 1.0
    strain_detect: float = 1.0
    pressure_hours: float = 0.0


def team_rates(src: Source, r: Ranges) -> tuple[float, float, float]:
    """The honest team's (edit, reject, escalate) shares on a source, from mid-range values."""

    def mid(span: Span) -> float:
        return (span[0] + span[1]) / 2

    bad = src.bad_rate * (1 + 0.5 * src.high_risk_share)
    caught = bad * mid(r.detect)
    edit = mid(r.edit_good) * (1 - bad) + caught * 0.35
    reject = mid(r.false_reject) * (1 - bad) + caught * 0.45
    escalate = mid(r.escalate_good) * (1 + 2 * src.high_risk_share) + caught * 0.2
    return edit, reject, escalate


def _queue(arch: Archetype, rng: random.Random, shares: dict[str, float]) -> str:
    allowed = arch.queues
    if allowed == ANY:
        allowed = ("ordinary", "high-risk", "boilerplate", "short")
    weights = [shares[q] for q in allowed]
    if sum(weights) <= 0:
        return allowed[0]
    return rng.choices(allowed, weights)[0]


def _zone(rng: random.Random, r: Ranges) -> int:
    offsets = [o for o, _ in r.zones]
    weights = [w for _, w in r.zones]
    return rng.choices(offsets, weights)[0]


def make_persona(
    name: str, archetype: str, rng: random.Random, world: World, shares: dict[str, float]
) -> Persona:
    """Draw one reviewer of ``archetype`` from the run's ranges."""
    r = world.ranges
    arch = BY_NAME[archetype]
    queue = _queue(arch, rng, shares)
    src_i = world.source_index(queue, rng)
    p = Persona(name=name, archetype=archetype, source=src_i, offset=_zone(rng, r))
    p.shift_start = rng.uniform(7.5, 10.0)
    p.day_hours = draw(rng, r.day_hours)
    p.session_minutes = r.session_minutes
    p.stretch_hours = r.marathon_hours
    p.attendance = draw(rng, r.attendance)
    p.wpm = draw_around(rng, 238.0, 30.0, r.wpm)
    p.overhead = draw(rng, r.overhead)
    p.template_check = draw(rng, r.template_check)
    p.glance = draw(rng, r.glance)
    p.item_noise = draw(rng, r.item_noise)
    p.day_sigma = draw(rng, r.day_sigma)
    p.detect = draw(rng, r.detect)
    p.edit_good = draw(rng, r.edit_good)
    p.false_reject = draw(rng, r.false_reject)
    p.escalate_good = draw(rng, r.escalate_good)
    p.interruptions = draw(rng, r.interruptions)
    p.idle_scale = rng.uniform(0.7, 1.4)
    p.typo_share = rng.uniform(0.15, 0.35)
    # a personal habit of reasons: Zipf-like weights over the source's reasons, shuffled
    weights = [1.0 / (k + 1) for k in range(12)]  # sliced to each source's list
    rng.shuffle(weights)
    p.reason_weights = tuple(weights)
    _SPECIALISE[archetype](p, rng, r, world)
    return p


def _honest(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    pass


def _marathon(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.schedule = "marathon"


def _fast(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.wpm = draw(rng, r.fast_wpm)
    p.overhead = max(2.0, p.overhead * 0.6)
    p.detect = max(p.detect, rng.uniform(0.78, 0.9))


def _meticulous(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.wpm = draw(rng, r.slow_wpm)
    p.detect = min(0.93, p.detect + 0.06)
    p.edit_good = min(0.15, p.edit_good * 2)


def _high_risk(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.wpm = draw_around(rng, 220.0, 20.0, (r.wpm[0], 250.0))
    p.detect = min(0.93, p.detect + 0.05)
    p.escalate_good *= rng.uniform(3.0, 6.0)
    p.escalate_share = rng.uniform(0.4, 0.6)


def _night(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.schedule = "night"
    p.shift_start = rng.uniform(21.0, 22.5)


def _part_timer(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.schedule = "part"
    p.day_hours = rng.uniform(1.5, 3.0)
    p.workdays = tuple(sorted(rng.sample(range(5), rng.choice((2, 3)))))


def _generalist(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.second_source = world.source_index(rng.choice(("short", "boilerplate")), rng)
    p.second_share = rng.uniform(0.3, 0.5)


def _batch_opener(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.batch = (3, 6)


def _strict(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.false_reject = rng.uniform(0.04, 0.08)
    p.detect = min(0.93, p.detect + 0.05)


def _heavy_editor(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.edit_good = rng.uniform(0.12, 0.25)
    p.typo_share = rng.uniform(0.3, 0.5)


def _newcomer(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.schedule = "newcomer"
    p.cap = rng.randint(25, 40)
    p.wpm = draw_around(rng, 200.0, 20.0, (r.wpm[0], 240.0))
    p.detect = rng.uniform(0.6, 0.8)
    p.escalate_good = rng.uniform(0.03, 0.06)
    p.attendance = 1.0


def _stamp(p: Persona, rng: random.Random, r: Ranges) -> None:
    p.stamp_seconds = draw(rng, r.stamp_seconds)
    p.stamp_wpm = draw(rng, r.stamp_wpm)
    p.glance_detect = rng.uniform(0.0, 0.08)


def _rubber(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "stamp"
    _stamp(p, rng, r)


def _skimmer(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "skim"
    p.skim_wpm = draw(rng, r.skim_wpm)
    p.skim_detect = draw(rng, r.skim_detect)


def _paced(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "paced"
    p.paced_seconds = draw(rng, r.paced_seconds)
    p.glance_detect = rng.uniform(0.0, 0.08)


def _gamer(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "gamer"
    p.gamer_wpm = draw(rng, r.gamer_wpm)
    edit, reject, escalate = team_rates(world.sources[p.source], r)
    p.random_rates = (
        edit * draw(rng, r.gamer_rates),
        reject * draw(rng, r.gamer_rates),
        escalate * draw(rng, r.gamer_rates),
    )


def _partial(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.low_risk_style = "stamp"
    _stamp(p, rng, r)


def _day_stamper(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.special = "stamp"
    p.special_share = draw(rng, r.stamp_day_share)
    _stamp(p, rng, r)


def _afternoon(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.stamp_after_lunch = True
    _stamp(p, rng, r)


def _dumper(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "dump"
    _stamp(p, rng, r)
    p.stamp_seconds += rng.uniform(1.0, 3.0)  # picks a reason from a list
    rate = draw(rng, r.dump_rate)
    p.dump_action = rng.choice(("escalate", "escalate", "reject"))
    p.random_rates = (0.0, rate, 0.0) if p.dump_action == "reject" else (0.0, 0.0, rate)
    p.fixed_reason = rng.choice(("needs a specialist to confirm", "not sure, please check"))


def _quota(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "quota"
    p.skim_wpm = draw(rng, r.skim_wpm) * rng.uniform(1.1, 1.3)
    p.skim_detect = rng.uniform(0.05, 0.15)
    p.random_rates = (0.0, draw(rng, r.quota_rate), 0.0)
    p.fixed_reason = rng.choice(world.sources[p.source].reasons)


def _deferential(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.detect = draw(rng, r.deferential_detect)
    p.edit_good = rng.uniform(0.0, 0.01)
    p.false_reject = rng.uniform(0.0, 0.004)


def _waver(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.high_risk_detect = draw(rng, r.waver_detect)
    p.escalate_good = 0.0


def _batch_stamper(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    p.style = "stamp"
    _stamp(p, rng, r)
    p.batch = (8, 25)
    p.batch_wait = r.batch_wait_minutes


def _strain(p: Persona, rng: random.Random, r: Ranges) -> None:
    p.strain_speed = draw(rng, r.strain_speedup)
    p.strain_detect = draw(rng, r.strain_detect)
    p.fatigue_ramp = 60.0 * draw(rng, r.fatigue_ramp_minutes)


def _overloaded(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    _strain(p, rng, r)
    p.special = "pressure"
    p.special_share = draw(rng, r.pressure_day_share)
    p.pressure_hours = draw(rng, r.pressure_hours)


def _fatigued(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    _strain(p, rng, r)
    p.schedule = "fatigue"
    p.stretch_hours = r.fatigue_hours
    p.fatigue_onset = 3600.0 * draw(rng, r.fatigue_onset_hours)


def _overtime(p: Persona, rng: random.Random, r: Ranges, world: World) -> None:
    _strain(p, rng, r)
    p.schedule = "overtime"
    p.special = "overtime"
    p.special_share = draw(rng, r.overtime_day_share)
    p.stretch_hours = r.overtime_hours
    p.fatigue_onset = 3600.0 * draw(rng, r.fatigue_onset_hours)


_SPECIALISE = {
    "diligent": _honest,
    "marathon": _marathon,
    "fast_careful": _fast,
    "meticulous": _meticulous,
    "short_queue": _honest,
    "boilerplate": _honest,
    "high_risk_specialist": _high_risk,
    "night_shift": _night,
    "part_timer": _part_timer,
    "generalist": _generalist,
    "batch_opener": _batch_opener,
    "strict": _strict,
    "heavy_editor": _heavy_editor,
    "newcomer": _newcomer,
    "rubber_stamper": _rubber,
    "skimmer": _skimmer,
    "paced_stamper": _paced,
    "gamer": _gamer,
    "partial_stamper": _partial,
    "day_stamper": _day_stamper,
    "afternoon_stamper": _afternoon,
    "dumper": _dumper,
    "quota_rejecter": _quota,
    "deferential": _deferential,
    "high_risk_waver": _waver,
    "batch_stamper": _batch_stamper,
    "overloaded": _overloaded,
    "fatigued": _fatigued,
    "overtime": _overtime,
}


def _spread(names: list[str], k: int, rng: random.Random) -> list[str]:
    """``k`` roles cycling through ``names`` in a shuffled order: all appear before repeats."""
    out: list[str] = []
    while len(out) < k:
        batch = names[:]
        rng.shuffle(batch)
        out += batch[: k - len(out)]
    return out


def _weighted(names: list[str], weights: list[float], k: int) -> list[str]:
    """One of each (when ``k`` allows), the rest by weight (largest remainder)."""
    counts = dict.fromkeys(names, 1 if k >= len(names) else 0)
    left = k - sum(counts.values())
    total = sum(weights)
    quotas = {n: left * w / total for n, w in zip(names, weights, strict=True)}
    for n in names:
        counts[n] += int(quotas[n])
    order = sorted(names, key=lambda n: quotas[n] - int(quotas[n]), reverse=True)
    for n in order[: k - sum(counts.values())]:
        counts[n] += 1
    return [n for n in names for _ in range(counts[n])]


def cast_roles(n: int, composition: str, rng: random.Random, r: Ranges) -> list[str]:
    """The team's archetypes in a shuffled order (names r001... are given in this order)."""
    if n < 1:
        raise ValueError("at least one reviewer")
    if composition not in r.individual_share:
        raise ValueError(f"unknown composition {composition!r}")
    individual = round(n * draw(rng, r.individual_share[composition]))
    conditions = round(n * draw(rng, r.conditions_share))
    newcomers = round(n * draw(rng, r.newcomer_share))
    honest = n - individual - conditions - newcomers
    while honest < 0:  # tiny teams: keep the individual share, trim the rest
        if newcomers:
            newcomers -= 1
        elif conditions:
            conditions -= 1
        else:
            individual -= 1
        honest += 1
    kinds = {k: [a for a in ARCHETYPE_TABLE if a.kind == k] for k in (HONEST, SYMBOLIC, WORKLOAD)}
    roles = (
        _spread([a.name for a in kinds[SYMBOLIC]], individual, rng)
        + _spread([a.name for a in kinds[WORKLOAD]], conditions, rng)
        + ["newcomer"] * newcomers
        + _weighted([a.name for a in kinds[HONEST]], [a.weight for a in kinds[HONEST]], honest)
    )
    rng.shuffle(roles)
    return roles


def queue_shares(rng: random.Random, r: Ranges) -> dict[str, float]:
    """Share of the team on each queue; the ordinary queues take what is left."""
    shares = {q: draw(rng, span) for q, span in r.queue_shares.items()}
    shares["ordinary"] = max(0.0, 1.0 - sum(shares.values()))
    return shares
