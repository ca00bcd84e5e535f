"""The simulator's engine: one reviewer's working days, sessions and decisions, as log records.

Part of the simulator (reviewq/domain/simulate.py holds the overview and the sources). The
engine reads a :class:`~reviewq.domain.simulate_archetypes.Persona` and the run's
:class:`~reviewq.domain.simulate_world.World`; every random draw comes from the reviewer's own
``random.Random``, so a reviewer's log does not depend on the others.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from math import exp

from .simulate_archetypes import Persona
from .simulate_world import BACKLOG, START, Clock, Source, World, draw

Session = tuple[float, float, bool]  # start, end (UTC seconds), after the lunch break
FIX_SHARE = {"prose": 0.35, "boilerplate": 0.5, "short": 0.3}  # noticed problems fixed by edit
BREAK = 600.0  # a pause of 10+ minutes restarts an unbroken stretch
MAX_IDLE = 480.0  # a reviewer who waits longer for a draft picks up other work


def _stretch(out: list[Session], t: float, hours: float, rng: random.Random, pm: bool) -> float:
    """Sessions split by 0-2 micro-breaks of 2-8 minutes (not breaks); returns the end."""
    total = hours * 3600.0
    cuts = sorted(rng.uniform(0.2, 0.8) * total for _ in range(rng.randint(0, 2)))
    prev = 0.0
    for cut in [*cuts, total]:
        out.append((t, t + cut - prev, pm))
        t += cut - prev + 60.0 * rng.uniform(2.0, 8.0)
        prev = cut
    return t


def _with_breaks(out: list[Session], t: float, hours: float, p: Persona, rng: random.Random):
    """Sessions of ``p.session_minutes`` with 10-25 min breaks and a 30-60 min lunch."""
    budget = hours * 3600.0
    used = 0.0
    lunch = False
    while used < budget - 300.0:
        length = min(budget - used, 60.0 * draw(rng, p.session_minutes))
        out.append((t, t + length, lunch))
        used += length
        t += length
        if not lunch and used >= 0.45 * budget:
            t += 60.0 * rng.uniform(30.0, 60.0)
            lunch = True
        else:
            t += 60.0 * rng.uniform(10.0, 25.0)


def plan_day(
    p: Persona, rng: random.Random, midnight: float, special: bool
) -> tuple[list[Session], tuple[float, float] | None]:
    """The day's sessions and, for a pressured day, the forced-pace window."""
    start = midnight + 3600.0 * (p.shift_start + rng.gauss(0.0, 0.3))
    hours = p.day_hours * rng.uniform(0.85, 1.15)
    schedule = p.schedule
    if schedule == "overtime" and not special:
        schedule = "breaks"
    out: list[Session] = []
    if schedule in ("breaks", "night"):
        _with_breaks(out, start, hours, p, rng)
    elif schedule == "part":
        if rng.random() < 0.5:
            out.append((start, start + hours * 3600.0, False))
        else:
            half = hours * 1800.0
            out.append((start, start + half, False))
            after = start + half + 60.0 * rng.uniform(15.0, 60.0)
            out.append((after, after + half, True))
    elif schedule == "newcomer":
        length = 60.0 * rng.uniform(40.0, 60.0)
        out.append((start, start + length, False))
        after = start + length + 60.0 * rng.uniform(15.0, 30.0)
        out.append((after, after + length, True))
    else:  # marathon, fatigue, overtime: one long unbroken stretch, then lunch
        stretch = draw(rng, p.stretch_hours)
        if p.fatigue_onset is not None:  # long enough to show the decline in full
            full = (p.fatigue_onset + p.fatigue_ramp) / 3600.0
            stretch = max(stretch, full + rng.uniform(0.75, 1.5))
        t = _stretch(out, start, stretch, rng, False) + 60.0 * rng.uniform(30.0, 60.0)
        rest = hours - stretch
        if rest > 0.5:
            if schedule == "marathon":
                _stretch(out, t, rest, rng, True)
            else:
                out.append((t, t + 3600.0 * min(rest, 1.5), True))
    window = None
    if special and p.special == "pressure":
        first, last = out[0][0], out[-1][1]
        length = 3600.0 * p.pressure_hours
        begin = rng.uniform(first, max(first, last - length))
        window = (begin, begin + length)
    return out, window


class _Reviewer:
    """State of one reviewer across the log (the engine proper)."""

    def __init__(self, p: Persona, world: World, rng: random.Random, item_base: int) -> None:
        self.p = p
        self.world = world
        self.rng = rng
        self.clock = Clock(p.offset)
        self.item_base = item_base
        self.count = 0
        self.pace = 1.0
        self.last_t = -math.inf  # when the last draft was decided
        self.next_t = -math.inf  # when the next draft can be opened
        self.stretch_start = 0.0  # start of the current unbroken stretch (no 10-min pause)

    def careful_seconds(self, src: Source, words: int, wpm: float) -> float:
        """Honest time to read and judge one draft, before strain."""
        p = self.p
        kind = src.kind
        if kind == "prose":
            base = words * 60.0 / wpm + p.overhead
            return base * self.pace * exp(self.rng.gauss(0.0, p.item_noise))
        # checking a known template, or taking in one line, varies less than reading prose
        if kind == "boilerplate":
            base = p.template_check * (words / src.median_words) ** 0.15
        else:
            base = p.glance * (words / src.median_words) ** 0.3
        return base * self.pace * exp(self.rng.gauss(0.0, 0.6 * p.item_noise))

    def outcome(
        self, style: str, kind: str, bad: bool, canary: bool, high: bool, det: float, ease: float
    ) -> tuple[str, bool, int | None, bool, str | None]:
        """(action, edited, edit_chars, a real fix, reason) for one draft.

        ``det`` is the chance of noticing a bad draft; ``ease`` scales the willingness to
        polish good-looking drafts (strain makes people edit less).
        """
        p, rng = self.p, self.rng
        random_ = rng.random
        if style in ("gamer", "dump", "quota"):
            edit, reject, escalate = p.random_rates
            if bad and random_() < det:  # noticed at a glance or a skim
                return p.dump_action if style == "dump" else "reject", False, None, True, None
            x = random_()
            if x < reject:
                return "reject", False, None, False, None
            if x < reject + escalate:
                return "escalate", False, None, False, None
            if x < reject + escalate + edit:  # trivial: whitespace or a few characters
                return "approve", True, (0 if random_() < 0.5 else rng.randint(1, 4)), False, None
            return "approve", False, None, False, None
        if bad and random_() < det:
            escalate_share = min(0.9, p.escalate_share * (1.6 if high else 1.0))
            if canary:  # planted drafts are made to be blocked, not fixed
                action = "escalate" if random_() < escalate_share else "reject"
                return action, False, None, True, None
            x = random_()
            if x < escalate_share:
                return "escalate", False, None, True, None
            if x < escalate_share + (1.0 - escalate_share) * FIX_SHARE[kind]:
                chars = min(400, max(5, int(rng.lognormvariate(4.1, 0.9))))
                return "approve", True, chars, True, None
            return "reject", False, None, True, None
        # the draft looks fine to this reviewer (it is, or its problem went unnoticed)
        x = random_()
        edit = p.edit_good * ease
        if x < edit:
            y = random_()
            if y < 0.03:
                chars = 0  # a whitespace-only tidy-up
            elif y < p.typo_share:
                chars = rng.randint(1, 6)
            else:
                chars = min(400, max(5, int(rng.lognormvariate(3.55, 0.8))))
            return "approve", True, chars, False, None
        if x < edit + p.false_reject:
            return "reject", False, None, False, None
        if x < edit + p.false_reject + p.escalate_good * (3.0 if high else 1.0):
            return "escalate", False, None, False, None
        return "approve", False, None, False, None

    def records(self, days: int | None, target: int | None) -> Iterator[tuple[int, dict]]:
        """Decisions in order of decision time, as (decided_at in UTC ms, record)."""
        p, rng = self.p, self.rng
        first_day = p.first_day
        if p.cap is not None and target == p.cap and days is not None:
            first_day = max(0, days - 2)  # the newcomer joined at the end of the period
        day = first_day
        worked = 0
        yielded = 0
        while target is None or yielded < target:
            if days is not None and day >= days:
                return
            week, dow = divmod(day, 5)
            day += 1
            if dow not in p.workdays:
                continue
            if worked >= 2 and rng.random() > p.attendance:
                continue
            # the second day worked is always special, so short runs show both kinds of day
            special = p.special != "" and (
                worked == 1 or (worked >= 2 and rng.random() < p.special_share)
            )
            worked += 1
            midnight = START + (week * 7 + dow) * 86400.0 - p.offset * 60.0
            sessions, window = plan_day(p, rng, midnight, special)
            self.pace = rng.lognormvariate(0.0, p.day_sigma)
            stamp_day = special and p.special == "stamp"
            for start, end, after_lunch in sessions:
                source = p.source
                if p.second_source is not None and rng.random() < p.second_share:
                    source = p.second_source
                stamping = stamp_day or (p.stamp_after_lunch and after_lunch)
                t = max(start, self.next_t)  # an overrunning draft delays the next session
                while t < end:
                    for decided_ms, record in self._next(t, source, stamping, window):
                        yield decided_ms, record
                        yielded += 1
                        if yielded == target:
                            return
                    t = self.next_t

    def _next(
        self, t: float, source: int, stamping: bool, window: tuple[float, float] | None
    ) -> list[tuple[int, dict]]:
        """The next draft (or batch of drafts) opened at ``t``; sets ``self.next_t``."""
        p, rng, world = self.p, self.rng, self.world
        if t - self.last_t >= BREAK:
            self.stretch_start = t
        demand = world.demand(source, t)
        strain = 0.0
        pressured = window is not None and window[0] <= t < window[1]
        if pressured or (p.special == "pressure" and demand >= BACKLOG):
            pressured = True
            strain = 1.0
        elif p.fatigue_onset is not None:
            over = t - self.stretch_start - p.fatigue_onset
            if over > 0.0:
                strain = min(1.0, over / p.fatigue_ramp)
        speed = 1.0 + (p.strain_speed - 1.0) * strain
        keep = 1.0 - (1.0 - p.strain_detect) * strain
        clock = self.clock
        out = []
        if p.batch is None:
            record, need, active, lag = self._decide(source, stamping, speed, keep)
            decided = t + need + lag
            open_ms = int(t * 1000.0)
            decided_ms = int(decided * 1000.0)
            record["opened_at"] = clock.iso(open_ms)
            record["decided_at"] = clock.iso(decided_ms)
            record["active_seconds"] = math.floor(min(active, need + lag - 0.002) * 10.0) / 10.0
            out.append((decided_ms, record))
        else:  # tabs opened together; each judged in turn (or, for a stamper, much later)
            decided = t
            if p.style == "stamp":
                decided += 60.0 * draw(rng, p.batch_wait)
            for k in range(rng.randint(*p.batch)):
                opened = t + 0.5 * k
                record, need, active, _ = self._decide(source, stamping, speed, keep)
                decided = max(decided, opened) + need + rng.uniform(0.3, 1.0)
                open_ms = int(opened * 1000.0)
                decided_ms = int(decided * 1000.0)
                record["opened_at"] = clock.iso(open_ms)
                record["decided_at"] = clock.iso(decided_ms)
                active = min(active, (decided_ms - open_ms) / 1000.0)
                record["active_seconds"] = math.floor(active * 10.0) / 10.0
                out.append((decided_ms, record))
        self.last_t = decided
        if pressured or demand >= BACKLOG:
            idle = rng.uniform(0.3, 2.0)  # the next draft is already waiting
        else:
            mean = world.sources[source].idle * p.idle_scale / demand
            idle = min(rng.expovariate(1.0 / mean), MAX_IDLE)
        self.next_t = decided + idle
        return out

    def _decide(
        self, source: int, stamping: bool, speed: float, keep: float
    ) -> tuple[dict, float, float, float]:
        """One draft: the record without times, and (seconds needed, active, extra dwell)."""
        p, rng, world = self.p, self.rng, self.world
        random_ = rng.random
        src = world.sources[source]
        kind = src.kind
        words = int(src.median_words * exp(rng.gauss(0.0, src.sigma)))
        words = min(src.max_words, max(src.min_words, words))
        high = random_() < src.high_risk_share
        mix = src.high_tags if high else src.low_tags
        tags = mix[int(random_() * len(mix))]
        canary = random_() < world.canary_rate
        bad = canary or random_() < src.bad_rate * (1.5 if high else 1.0)
        style = "stamp" if stamping else p.style
        if p.low_risk_style is not None and not high:
            style = p.low_risk_style
        ease = keep
        if style == "careful":
            det = p.detect if not (high and p.high_risk_detect is not None) else p.high_risk_detect
            det = min(0.95, det + (0.04 if high else 0.0)) * keep
            need = self.careful_seconds(src, words, p.wpm) / speed
        elif style in ("skim", "quota"):
            det = p.skim_detect
            ease = 0.3
            need = self.careful_seconds(src, words, p.wpm) * p.wpm / p.skim_wpm
        elif style == "gamer":
            det = 0.0
            wpm = p.gamer_wpm if kind == "prose" else p.wpm
            need = self.careful_seconds(src, words, wpm)
        elif style == "paced":
            det = p.glance_detect
            ease = 0.0
            need = p.paced_seconds * exp(rng.gauss(0.0, 0.15))
        else:  # stamp, dump: a glance and a click
            det = p.glance_detect
            ease = 0.0
            glance = p.stamp_seconds * exp(rng.gauss(0.0, 0.3))
            need = glance + min(words, 200) * 60.0 / p.stamp_wpm
        if style == "stamp":
            style = "stamping"  # honest-shaped outcome with no reading behind it
        action, edited, chars, fixed, reason = self.outcome(
            "careful" if style in ("stamping", "paced", "skim") else style,
            kind, bad, canary, high, det, ease if style != "stamping" else 0.0,
        )  # fmt: skip
        if style in ("stamping", "paced"):
            # no reading, hence no false alarms and no polishing: a blatant problem noticed
            # at a glance is sent back, never fixed by hand
            if action != "approve" and not fixed:
                action = "approve"
            elif edited:
                action, edited, chars = "reject", False, None
        if edited and chars is not None:
            need += (3.0 + chars * rng.uniform(0.25, 0.4)) / speed
        if action != "approve":
            if p.fixed_reason is not None:
                reason = p.fixed_reason
                need += rng.uniform(1.0, 3.0)
            else:
                reason = rng.choices(src.reasons, p.reason_weights[: len(src.reasons)])[0]
                need += rng.uniform(3.0, 15.0) / speed
        careful = style in ("careful", "gamer", "skim", "quota")
        active = need * ((0.85 + 0.15 * random_()) if careful else (0.6 + 0.4 * random_()))
        lag = 0.2 + 1.3 * random_()
        if random_() < p.interruptions:
            lag += rng.uniform(30.0, 480.0)  # a call or a colleague; the draft stays open
        qa = None
        if not canary and (
            random_() < world.qa_rate
            or (high and action == "approve" and random_() < world.qa_high_risk_approvals)
        ):
            intervened = action != "approve" or fixed
            alarm = world.qa_false_alarm * (2.0 if high else 1.0)
            second = random_() < (world.qa_sensitivity if bad else alarm)
            qa = intervened == second
        self.count += 1
        record = {
            "reviewer": p.name,
            "item": f"i-{self.item_base + self.count}",
            "source": src.name,
            "risk_tags": tags,
            "words": words,
            "action": action,
            "edited": edited,
            "edit_chars": chars if edited else None,
            "opened_at": "",
            "decided_at": "",
            "active_seconds": 0.0,
            "canary": canary,
            "canary_expected": (
                ("escalate" if random_() < (0.5 if high else 0.25) else "reject")
                if canary
                else None
            ),
            "qa_agreed": qa,
        }
        if reason is not None:
            record["reason"] = reason
        return record, need, active, lag
