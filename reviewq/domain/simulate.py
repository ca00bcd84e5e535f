"""Synthetic decision logs of archetypal reviewers, with their true labels (DESIGN section 6).

``flask --app reviewq oversight simulate --out FILE.jsonl --seed N`` writes a log in the
DESIGN section 6 format plus ``<stem>.labels.jsonl`` beside it, one
``{"reviewer", "archetype", "expected_verdict"}`` a line, so anyone can run ``analyze`` on the
log and see the detector separate people from workload.

The archetypes (parameters are per reviewer, drawn once; times in seconds):

========================  ==================================================  ===============
archetype                 behaviour                                           expected
========================  ==================================================  ===============
``diligent``              reads at ~238 wpm (N(238, 30), 180-300), edits,     ``ok``
                          rejects and escalates at team rates, catches ~80%
                          of planted drafts, sessions of 25-80 min
``fast_careful``          reads at 350-440 wpm yet intervenes at team rates   ``ok``
                          and catches canaries
``skimming``              560-720 wpm on every item (median > 450 wpm on      ``individual``
                          100+ word items), notices a third of the problems
``rubber_stamping``       dwell at 35-100% of the reading floor, approves     ``individual``
                          nearly everything, never edits, misses canaries,
                          works in bursts of 5-10 then idles
``overloaded``            three sessions a day: the first is calm and         ``conditions``
                          careful; in the other two items arrive back to
                          back (S7), and only there it reads at 450-650 wpm
                          and misses problems
``fatigued``              sessions of 130-210 min without a break; sound      ``conditions``
                          for the first hour, then speeds up to ~2x and
                          misses problems (S6, S6b)
========================  ==================================================  ===============

Every archetype sees the same item stream: ~140-word drafts (log-normal), 25% high-risk
(``refund``/``medical``/``legal``), 12% bad (20% of high-risk), 2.5% canaries (known-bad,
``canary_expected`` reject or escalate), and a blind second review on 5% of decisions plus
20% of high-risk approvals (``qa_agreed``; canaries are never sampled). Items arrive with
idle gaps (~45 s) so that an ordinary hour demands about half an hour of careful reading.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ARCHETYPES = (
    "diligent",
    "fast_careful",
    "skimming",
    "rubber_stamping",
    "overloaded",
    "fatigued",
)
EXPECTED_VERDICT = {
    "diligent": "ok",
    "fast_careful": "ok",
    "skimming": "individual",
    "rubber_stamping": "individual",
    "overloaded": "conditions",
    "fatigued": "conditions",
}
MIX = {
    "diligent": 0.30,
    "fast_careful": 0.15,
    "skimming": 0.15,
    "rubber_stamping": 0.12,
    "overloaded": 0.14,
    "fatigued": 0.14,
}
START = 1793577600.0  # 2026-11-02T00:00:00Z, a Monday
SOURCES = ("support-bot", "sales-writer", "claims-assistant")
HIGH_RISK = (["refund"], ["medical"], ["legal"], ["refund", "legal"])
LOW_RISK = ([], ["general"], ["marketing"])
REASONS = (
    "factually wrong about the refund window",
    "promises something the policy does not allow",
    "tone is inappropriate for a complaint",
    "cites a document that does not say this",
    "leaks another customer's details",
    "needs a specialist to confirm",
    "contradicts the conversation history",
    "medical claim without a source",
    "wrong amount",
    "answers a different question",
)
CANARY_RATE = 0.025
QA_RATE = 0.05
QA_HIGH_RISK_APPROVALS = 0.20


@dataclass(frozen=True)
class SimulatedReviewer:
    name: str
    archetype: str
    expected_verdict: str

    def to_dict(self) -> dict[str, str]:
        return {
            "reviewer": self.name,
            "archetype": self.archetype,
            "expected_verdict": self.expected_verdict,
        }


def cast(reviewers: int, rng: random.Random) -> list[SimulatedReviewer]:
    """Assign archetypes by the mix (largest remainder; each at least once from 6 reviewers)."""
    if reviewers < 1:
        raise ValueError("at least one reviewer")
    quotas = {a: MIX[a] * reviewers for a in ARCHETYPES}
    counts = {a: int(q) for a, q in quotas.items()}
    if reviewers >= len(ARCHETYPES):
        for a in ARCHETYPES:
            counts[a] = max(counts[a], 1)
    while sum(counts.values()) < reviewers:
        best = max(ARCHETYPES, key=lambda a: quotas[a] - counts[a])
        counts[best] += 1
    while sum(counts.values()) > reviewers:
        worst = max((a for a in ARCHETYPES if counts[a] > 1), key=lambda a: counts[a] - quotas[a])
        counts[worst] -= 1
    roles = [a for a in ARCHETYPES for _ in range(counts[a])]
    rng.shuffle(roles)
    return [
        SimulatedReviewer(f"r{i + 1:03d}", arch, EXPECTED_VERDICT[arch])
        for i, arch in enumerate(roles)
    ]


def _iso(ts: float) -> str:
    whole = int(ts)
    ms = int(round((ts - whole) * 1000))
    if ms == 1000:
        whole, ms = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{ms:03d}Z"


class _Person:
    """Per-reviewer behaviour; ``mode`` is "normal", "pressured" (overload) or "tired"."""

    def __init__(self, archetype: str, rng: random.Random) -> None:
        self.archetype = archetype
        self.rng = rng
        u = rng.uniform
        self.wpm = min(300.0, max(180.0, rng.gauss(238, 30)))
        self.overhead = (3.0, 10.0)
        self.detect = u(0.75, 0.88)
        self.edit_good = u(0.03, 0.07)
        self.false_reject = u(0.01, 0.03)
        self.gap_mean = 45.0
        self.session_minutes = (25.0, 80.0)
        self.noise = 0.2
        if archetype == "fast_careful":
            self.wpm = u(350, 440)
            self.overhead = (2.0, 6.0)
        elif archetype == "skimming":
            self.wpm = u(560, 720)
            self.overhead = (1.0, 3.0)
            self.detect = u(0.25, 0.4)
            self.edit_good = u(0.0, 0.01)
        elif archetype == "rubber_stamping":
            self.detect = u(0.0, 0.05)
            self.edit_good = 0.0
            self.false_reject = u(0.0, 0.005)
        elif archetype == "fatigued":
            self.session_minutes = (130.0, 210.0)
        self.sessions_per_day = (1, 3)
        if archetype == "overloaded":
            self.sessions_per_day = (3, 3)
        elif archetype == "fatigued":
            self.sessions_per_day = (1, 2)

    def dwell(self, words: int, mode: str, minute: float) -> float:
        rng = self.rng
        if self.archetype == "rubber_stamping":
            return (2.0 + words / 10.0) * rng.uniform(0.35, 1.0)
        wpm, overhead = self.wpm, self.overhead
        if mode == "pressured":
            wpm, overhead = rng.uniform(450, 650), (1.0, 2.0)
        elif mode == "tired" and minute > 60.0:
            wpm *= min(2.3, 1.0 + (minute - 60.0) / 90.0)  # 1.0x at 60 min, 2x at 150 min
        read = words / wpm * 60.0 * math.exp(rng.gauss(0.0, self.noise))
        return read + rng.uniform(*overhead)

    def detection(self, mode: str, minute: float) -> float:
        if mode == "pressured" or (mode == "tired" and minute > 90.0):
            return 0.3
        return self.detect

    def gap(self, mode: str, in_burst: bool) -> float:
        rng = self.rng
        if mode == "pressured":
            return rng.uniform(0.5, 2.0)
        if self.archetype == "rubber_stamping":
            if in_burst:
                return rng.uniform(0.3, 1.0)
            # items arrive at the team's pace: a backlog is cleared at once, then a long wait
            return rng.uniform(300.0, 570.0)
        return min(rng.expovariate(1.0 / self.gap_mean), 540.0)


def _decide(rng: random.Random, person: _Person, bad: bool, canary: bool, detect: float):
    """(action, edited) for one item."""
    if bad and rng.random() < detect:
        if canary:
            return ("reject", False) if rng.random() < 0.8 else ("escalate", False)
        roll = rng.random()
        if roll < 0.5:
            return ("reject", False)
        if roll < 0.85:
            return ("approve", True)
        return ("escalate", False)
    if not bad:
        roll = rng.random()
        if roll < person.edit_good:
            return ("approve", True)
        if roll < person.edit_good + person.false_reject:
            return ("reject", False)
    return ("approve", False)


def reviewer_log(
    reviewer: SimulatedReviewer,
    rng: random.Random,
    *,
    days: int = 14,
    per_reviewer: int | None = None,
    start: float = START,
    first_id: int = 0,
) -> Iterator[dict]:
    """One reviewer's decisions in time order. ``per_reviewer`` stops at exactly that many."""
    person = _Person(reviewer.archetype, rng)
    count = 0
    day = 0
    while (per_reviewer is None and day < days) or (
        per_reviewer is not None and count < per_reviewer
    ):
        day_start = start + day * 86400.0
        day += 1
        if rng.random() > 0.8:
            continue
        t = day_start + 8 * 3600.0 + rng.uniform(0, 5400)
        for session in range(rng.randint(*person.sessions_per_day)):
            mode = "normal"
            if person.archetype == "fatigued":
                mode = "tired"
            elif person.archetype == "overloaded" and session > 0:
                mode = "pressured"  # the day starts calm; then the backlog arrives
            session_start = t
            session_end = t + 60.0 * rng.uniform(*person.session_minutes)
            burst_left = 0
            while t < session_end:
                minute = (t - session_start) / 60.0
                words = max(10, min(1500, int(rng.lognormvariate(math.log(140), 0.6))))
                high = rng.random() < 0.25
                tags = rng.choice(HIGH_RISK) if high else rng.choice(LOW_RISK)
                canary = rng.random() < CANARY_RATE
                bad = canary or rng.random() < (0.2 if high else 0.12)
                action, edited = _decide(rng, person, bad, canary, person.detection(mode, minute))
                dwell = person.dwell(words, mode, minute)
                active = dwell * (
                    rng.uniform(0.3, 0.9)
                    if person.archetype == "rubber_stamping"
                    else rng.uniform(0.7, 1.0)
                )
                qa = None
                if not canary and (
                    rng.random() < QA_RATE
                    or (high and action == "approve" and rng.random() < QA_HIGH_RISK_APPROVALS)
                ):
                    if action == "approve":
                        escaped = bad and not edited
                        qa = not (rng.random() < (0.85 if escaped else 0.03))
                    else:
                        qa = rng.random() < (0.95 if bad else 0.4)
                count += 1
                record = {
                    "reviewer": reviewer.name,
                    "item": f"i-{first_id + count}",
                    "source": rng.choice(SOURCES),
                    "risk_tags": tags,
                    "words": words,
                    "action": action,
                    "edited": edited,
                    "opened_at": _iso(t),
                    "decided_at": _iso(t + dwell),
                    "active_seconds": round(active, 1),
                    "canary": canary,
                    "canary_expected": (
                        ("reject" if rng.random() < 0.8 else "escalate") if canary else None
                    ),
                    "qa_agreed": qa,
                }
                if action != "approve":
                    record["reason"] = rng.choice(REASONS)
                yield record
                if per_reviewer is not None and count >= per_reviewer:
                    return
                if person.archetype == "rubber_stamping":
                    if burst_left <= 0:
                        burst_left = rng.randint(5, 10)
                    burst_left -= 1
                t += dwell + person.gap(mode, burst_left > 0)
            t += 60.0 * rng.uniform(15, 90)  # a break between sessions


def simulate(
    seed: int,
    *,
    reviewers: int = 24,
    days: int = 14,
    per_reviewer: int | None = None,
) -> tuple[list[SimulatedReviewer], Iterator[dict]]:
    """The cast and a generator of all decisions (reviewer by reviewer)."""
    rng = random.Random(seed)
    people = cast(reviewers, rng)
    stride = 10_000_000

    def records() -> Iterator[dict]:
        for index, person in enumerate(people):
            sub = random.Random(f"{seed}:{person.name}")
            yield from reviewer_log(
                person, sub, days=days, per_reviewer=per_reviewer, first_id=index * stride
            )

    return people, records()


def labels_path(out: Path) -> Path:
    """``runs/log.jsonl`` -> ``runs/log.labels.jsonl``."""
    return out.with_name(f"{out.stem}.labels.jsonl")


def write_simulation(
    out: Path,
    seed: int,
    *,
    reviewers: int = 24,
    days: int = 14,
    per_reviewer: int | None = None,
) -> tuple[Path, int]:
    """Write the log to ``out`` and the labels beside it; return (labels path, decisions)."""
    people, records = simulate(seed, reviewers=reviewers, days=days, per_reviewer=per_reviewer)
    count = 0
    dumps = json.dumps
    with out.open("w", encoding="utf-8") as fh:
        buffer = []
        for record in records:
            buffer.append(dumps(record, separators=(", ", ": ")))
            count += 1
            if len(buffer) >= 10_000:
                fh.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            fh.write("\n".join(buffer) + "\n")
    labels = labels_path(out)
    with labels.open("w", encoding="utf-8") as fh:
        for person in people:
            fh.write(json.dumps(person.to_dict()) + "\n")
    return labels, count
