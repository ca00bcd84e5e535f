"""A small, explicit team of reviewers for the detector's rule tests.

Each ``Person`` states one behaviour in plain parameters (queue, pace, pauses, sessions, how
their work changes under strain), so a test reads as the case it proves. The realistic,
randomised teams are the simulator's (``reviewq.domain.simulate``); these are the rules.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from reviewq.domain.oversight import DecisionRecord

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday

QUEUES: dict[str, Callable[[random.Random], int]] = {
    "ordinary": lambda rng: max(30, min(900, int(rng.lognormvariate(math.log(150), 0.5)))),
    "boilerplate": lambda rng: rng.randint(400, 1500),
    "short": lambda rng: rng.randint(10, 40),
}


@dataclass(frozen=True)
class Person:
    """One reviewer's behaviour. Times in seconds unless named otherwise."""

    name: str
    queue: str = "ordinary"
    wpm: float = 238.0
    overhead: tuple[float, float] = (3.0, 8.0)
    fixed_dwell: tuple[float, float] | None = None  # boilerplate/short queues: seconds per draft
    noise: float = 0.25
    detect: float = 0.8  # share of bad drafts caught
    edit_good: float = 0.05
    false_reject: float = 0.02
    trivial_edits: float = 0.0  # share of good drafts "edited" by 1-3 characters
    random_reject: float | None = None  # reject at this rate whatever the draft
    stamp: float | None = None  # dwell as a share of the reading floor (not reading)
    pause: float = 45.0  # mean idle time between drafts (0: a backlog, never idle)
    days: int = 8
    sessions: tuple[tuple[float, float], ...] = ((9 * 60, 50), (10 * 60 + 20, 50), (13 * 60, 60))
    tired_after: float | None = None  # minutes into a session after which work declines
    surge_days: tuple[int, ...] = ()  # days of forced pace with a backlog
    limit: int | None = None  # stop after this many decisions

    def but(self, **changes: object) -> Person:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class Log:
    records: list[DecisionRecord] = field(default_factory=list)
    counter: int = 0


def _floor(words: int) -> float:
    return 2.0 + words / 10.0


def decisions(person: Person, seed: int) -> Iterator[DecisionRecord]:
    """The person's decisions over their days, in time order."""
    rng = random.Random(f"{seed}:{person.name}")
    count = 0
    for day in range(person.days):
        surge = day in person.surge_days
        for start_min, minutes in person.sessions:
            t = (T0 + timedelta(days=day, minutes=start_min)).timestamp()
            end = t + minutes * 60.0
            session_start = t
            while t < end:
                if person.limit is not None and count >= person.limit:
                    return
                into = (t - session_start) / 60.0
                tired = person.tired_after is not None and into > person.tired_after
                strained = surge or tired
                words = QUEUES[person.queue](rng)
                high = rng.random() < 0.25
                canary = rng.random() < 0.03
                bad = canary or rng.random() < (0.2 if high else 0.1)
                # dwell
                if person.stamp is not None:
                    dwell = _floor(words) * person.stamp * rng.uniform(0.6, 1.2)
                elif person.fixed_dwell is not None:
                    dwell = rng.uniform(*person.fixed_dwell)
                else:
                    dwell = words / person.wpm * 60.0 * math.exp(rng.gauss(0, person.noise))
                    dwell += rng.uniform(*person.overhead)
                if strained:
                    dwell *= 0.4
                detect = 0.25 if strained else person.detect
                # outcome
                action, edited, chars = "approve", False, None
                if person.random_reject is not None:
                    if rng.random() < person.random_reject:
                        action = "reject"
                elif bad and rng.random() < detect:
                    action, edited = rng.choice(
                        [
                            ("reject", False),
                            ("reject", False),
                            ("approve", True),
                            ("escalate", False),
                        ]
                    )
                    if edited:
                        chars = rng.randint(10, 300)
                elif not bad and rng.random() < person.edit_good:
                    action, edited, chars = "approve", True, rng.randint(8, 200)
                elif not bad and rng.random() < person.false_reject:
                    action = "reject"
                if action == "approve" and not edited and rng.random() < person.trivial_edits:
                    edited, chars = True, rng.randint(0, 3)
                qa = None
                if not canary and (
                    rng.random() < 0.05 or (high and action == "approve" and rng.random() < 0.2)
                ):
                    missed = bad and action == "approve" and not (edited and (chars or 0) >= 5)
                    wrong_reject = not bad and action != "approve"
                    qa = not (rng.random() < (0.85 if missed or wrong_reject else 0.04))
                count += 1
                opened = datetime.fromtimestamp(t, UTC)
                yield DecisionRecord(
                    reviewer=person.name,
                    item=f"{person.name}-{count}",
                    source=person.queue,
                    risk_tags=("refund",) if high else ("general",),
                    words=words,
                    action=action,
                    edited=edited,
                    opened_at=opened,
                    decided_at=opened + timedelta(seconds=dwell),
                    active_seconds=dwell * 0.9,
                    canary=canary,
                    canary_expected="reject" if canary else None,
                    qa_agreed=qa,
                    reason="wrong" if action != "approve" else None,
                    edit_chars=chars,
                )
                pause = (
                    rng.uniform(0.3, 2.0)
                    if surge or person.pause == 0
                    else (rng.expovariate(1.0 / person.pause))
                )
                t += dwell + min(pause, 500.0)


def team(*people: Person, seed: int = 1) -> list[DecisionRecord]:
    """Everyone's decisions in one list."""
    out: list[DecisionRecord] = []
    for person in people:
        out.extend(decisions(person, seed))
    return out


def honest(prefix: str, count: int, rng_seed: int = 7, **over: object) -> list[Person]:
    """``count`` honest reviewers with reading speeds spread over 175-300 wpm."""
    rng = random.Random(rng_seed)
    return [Person(f"{prefix}{k}", wpm=rng.uniform(175, 300)).but(**over) for k in range(count)]
