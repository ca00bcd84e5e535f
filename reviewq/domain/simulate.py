"""Synthetic decision logs of realistic review teams, with each reviewer's true label.

``flask --app reviewq oversight simulate --out FILE.jsonl --seed N`` writes a log in the DESIGN
section 6 format (plus ``edit_chars`` and ``reason``) and ``<stem>.labels.jsonl`` beside it, one
``{"reviewer", "archetype", "expected_verdict", "kind", "queue", "utc_offset", "decisions"}`` a
line. The world is modelled from how review work behaves, not from the detector: nothing here
reads reviewq/domain/oversight*.py. Numbers below are (tuning range; held-out range); the
held-out set is wider everywhere so the detector can be proven on logs it was not tuned on.
The ranges live in simulate_world.py (``TUNING``, ``HELDOUT``), the people in
simulate_archetypes.py, the day-by-day behaviour in simulate_engine.py.

The team. 60-80 reviewers (50-90) over 10 working days (8-14), Monday to Friday in each
reviewer's own calendar, starting Monday 2026-11-02. Time zones (November offsets, after the
end of daylight saving): Z, +01:00, -05:00, -08:00, +05:30 (adds +02:00, -03:00, -06:00,
+05:45, +08:00, +11:00). Day shifts start at 07:30-10:00 local; a -08:00 day and a +05:30
night shift cross midnight UTC, the night shift also local midnight. Each day a reviewer is
present with probability 0.90-0.97 (0.85-1.0), reviews 4-6 h (3-7 h) and starts about their
habitual hour (sd 18 min); a per-day pace multiplier is log-normal with sigma 0.08-0.12
(0.05-0.2): everyone has slow and fast days (an assumption; day-to-day variation of about 10%
is common in repeated timing studies).

Sources and queues (each with its own draft shape, error rate and high-risk share; held-out
scales length, high-risk share and bad-draft rate by up to 1.3x either way):

=================  ===============================================  =========  ====  =====
source (queue)     words                                            high-risk  bad   idle
=================  ===============================================  =========  ====  =====
support-bot        log-normal, median 170, sigma 0.42 (~85-340)     22%        8%    30 s
sales-writer       median 230, sigma 0.40 (~120-440)                9%         6%    35 s
claims-assistant   median 260, sigma 0.45 (the high-risk queue)     60%        10%   40 s
policy-letters     400-1500, median 800: a template, mostly         15%        4%    25 s
                   unchanged (the boilerplate queue)
chat-replies       10-40, median 22 (the short queue)               5%         6%    6 s
=================  ===============================================  =========  ====  =====

High-risk drafts carry ``refund``, ``medical`` or ``legal`` and go wrong 1.5x as often. About
14% (8-20%) of the team work the boilerplate queue, 14% (8-20%) the short queue, 10% (0-15%)
the high-risk queue, the rest the two ordinary ones; symbolic and workload archetypes are spread
over the queues in the same shares (where the behaviour means something there), so every queue
has honest and symbolic people. Canaries (planted known-bad drafts) are 2.5% (2-3%) of every
source's drafts, drawn like its other drafts (same lengths, same tag mix), expected ``reject``
(75%; 50% on high-risk) or ``escalate`` (Appen and Toloka plant 1-3% gold questions).

Demand. Drafts arrive per source with a diurnal curve in UTC (trough ~0.3 of capacity, peak
~1.05 at the source's busy hour), a per-day factor (log-normal, sigma 0.15) and, on 20%
(10-35%) of days, a surge of 1.5-3 h (1-5 h) at 1.6-2.2x (1.4-2.8x). Between drafts a reviewer
waits an exponential idle time of mean idle x personal factor (0.7-1.4) / demand, at most 8 min
(longer, they pick up other work); above 1.2 x capacity a backlog builds and the next draft is
already waiting (0.3-2 s). Honest reviewers keep their pace in a backlog: busy hours alone are
not worse work.

Honest work on one draft. Prose: words / reading speed + 3-8 s (2-12 s) to open, take in the
context and click; reading speed per reviewer is normal(238, 30) wpm kept in 200-280 (175-300)
(Brysbaert 2019: silent reading of non-fiction, mean 238, most 175-300). Boilerplate: the
template is known, so checking its fields takes a personal 25-40 s (20-48 s) x (words /
the source's median)^0.15, whatever the length (20-60 s in practice). Short drafts are taken
in at a glance: a personal 3.5-4.8 s (3-5 s) x (words / median)^0.3 (3-8 s in practice).
Times are log-normal around that, as response times are: sigma 0.25-0.35 (0.2-0.5) on
prose, 0.6 of that on templates and one-liners, which vary less. Writing a reason adds
3-15 s; an edit 3 s + 0.25-0.4 s a character (typing ~3-4 characters a second with thinking;
Dhakal et al. 2018). Active seconds are 85-100% of the time needed; 1-3% (0-5%) of
drafts stay open through an interruption of 0.5-8 min, which counts in the dwell but not in
active time (Mark et al. 2005 on interrupted work).

Honest judgement. A bad draft is noticed with a personal 70-85% (65-90%) chance, +4 points on
high-risk drafts: careful humans miss 20-35% of seeded errors. A noticed problem is escalated
(20%; x1.6 on high-risk; specialists 40-60%), else fixed by an edit (35% of the rest on prose,
50% on boilerplate, 30% on short drafts; 5-400 characters, median ~60) or rejected; a noticed
canary is rejected or escalated. A draft that looks fine is polished at 2-5% (1-8%) (15-35%
of those are 1-6 character typo fixes, 3% whitespace only: ``edit_chars`` 0), rejected at
0.5-2% (0.3-3%) and escalated at 0.5-1.5% (0.3-3%), 3x on high-risk. Reasons come from the
source's list with a personal Zipf-like habit, so honest reviewers repeat themselves too.

Second review. A blind second reviewer looks at 5% (3-8%) of decisions at random plus 20%
(10-30%) of high-risk approvals, never at canaries. They object to a bad draft with 85%
(75-92%) and to a good one with 4% (2-8%; twice that on high-risk); ``qa_agreed`` says whether
they reached the same call (intervene or not) as the reviewer: a missed bad draft is usually
caught, a correct decision usually agreed with, and the second reviewer is not perfect either.

Sessions. With breaks: sessions of 50-90 min (40-110 min), breaks of 10-25 min and a 30-60 min
lunch (code review quality falls after 60-90 min: SmartBear/Cisco, Cohen 2006; vigilance
declines with time on task: Warm, Parasuraman & Matthews 2008). Marathon: one stretch of
4-5.5 h (3.5-6.5 h) with at most two 2-8 min micro-breaks, lunch, then maybe more.

Archetypes (``expected_verdict`` in brackets; see ARCHETYPE_TABLE for the one-line summaries):

* honest [ok]: ``diligent``; ``marathon`` (no decline, ever); ``fast_careful`` (300-380 wpm,
  290-420, catches 78-90%); ``meticulous`` (re-reads: 150-185 wpm, 130-195, more edits);
  ``short_queue``; ``boilerplate``; ``high_risk_specialist`` (escalates 3-6x more, by design);
  ``night_shift`` (starts 21:00-22:30 local); ``part_timer`` (2-3 days a week, 1.5-3 h);
  ``generalist`` (30-50% of sessions on the short or boilerplate queue); ``batch_opener``
  (opens 3-6 drafts in tabs, then reads each: long dwell, normal active time); ``strict``
  (rejects 4-8% of good drafts); ``heavy_editor`` (polishes 12-25%).
* ``newcomer`` [insufficient]: joins on the last two days, 25-40 decisions, slower.
* symbolic [individual], each strong enough to show in a log of the default size:
  ``rubber_stamper`` (a glance of 1-3 s (0.8-5 s) plus up to 200 words at 1500-3000 wpm
  (900-4000), notices 0-8%, never edits: stampers send back what they notice at a glance,
  never fix it, and have no false alarms); ``skimmer`` (520-680 wpm, 470-800; notices
  20-35%, 15-40%; skimming runs near 450 wpm and nobody keeps comprehension above ~600:
  Carver 1992, Rayner et al. 2016); ``paced_stamper`` (a steady 7-14 s, 5-20 s, whatever
  the length); ``gamer`` (waits out the clock at an imitated 220-290 wpm, 200-320, with the
  tab in focus so active time looks honest; edits trivially - whitespace or 1-4 characters -
  and rejects and escalates at the team's rates x0.8-1.2 (0.6-1.5), at random, blind to
  which drafts are bad); ``partial_stamper`` (stamps low-risk, reads high-risk);
  ``day_stamper`` (stamps whole days, 30-50%, 25-60%); ``afternoon_stamper`` (careful until
  lunch, stamps after it); ``dumper`` (escalates, or rejects, 50-80% (35-90%) at a glance
  with one stock reason); ``quota_rejecter`` (skims at 1.1-1.3x the skimmer's pace, notices
  5-15%, and rejects 8-15% (5-20%) more at random with one copy-pasted reason);
  ``deferential`` (reads at an honest pace, then defers to the AI: notices 10-30%, 5-40%;
  automation bias, Parasuraman & Manzey 2010); ``high_risk_waver`` (careful, but waves
  high-risk drafts through, noticing 5-15%, 0-25%, of their problems); ``batch_stamper``
  (opens 8-25 drafts, leaves them open 3-12 min, 2-20, then clicks through at a stamp's
  pace: long dwell, tiny active time).
* workload [conditions], sound when rested, each strained only in the situation named:
  ``overloaded`` (on 30-50% (20-60%) of days a forced-pace window of 1.5-3 h (1-4 h), and in
  every source surge: no idle time, reading 1.6-2.2x (1.4-2.6x) faster, noticing 0.4-0.6x
  (0.3-0.7x) as much, editing less; automation bias grows with workload and time pressure:
  Parasuraman & Manzey 2010, Goddard et al. 2012); ``fatigued`` (unbroken 3.5-4.5 h (3-5 h)
  stretches every day; after 2.25-2.75 h (1.75-3.25 h) the same strain ramps in over 20-40 min
  (10-60 min), and the stretch always runs 45+ min past full decline); ``overtime`` (breaks on
  most days; on 30-40% (20-50%) of days a 5-6.5 h (4.5-7.5 h) unbroken stretch with the
  fatigued decline).

Compositions: ``typical`` puts 25% (20-30%) of the team in symbolic archetypes and
``compromised`` 40% (35-45%); both add 9% (6-12%) workload and 3% (2-5%) newcomers; the rest
are honest, one of each honest archetype first and then by weight (diligent 4, short_queue and
boilerplate 3, marathon, fast_careful and high_risk_specialist 2, part_timer and generalist
1.5, the rest 1). Symbolic and workload roles cycle through their archetypes in a shuffled
order, so all appear before any repeats (all twelve symbolic ones from 48 reviewers typical).

Labels assume a log of the default size (8+ working days). With ``per_reviewer`` every
reviewer has exactly that many decisions over as many days as it takes: below
``MIN_DECISIONS`` (50) everyone is labelled ``insufficient``, and a newcomer with that many is
labelled ``ok``. Very short runs (``days`` of 1-4) may leave a part-timer with few decisions.

Determinism: everything comes from ``random.Random`` streams seeded by strings of the seed
(SHA-512 seeding, independent of PYTHONHASHSEED); each reviewer has their own stream, and the
log is their decisions merged in order of ``decided_at``.
"""

from __future__ import annotations

import heapq
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from .simulate_archetypes import (
    ARCHETYPE_TABLE,
    ARCHETYPES,
    EXPECTED_VERDICT,
    KIND,
    NEWCOMER,
    Persona,
    cast_roles,
    make_persona,
    queue_shares,
)
from .simulate_engine import _Reviewer
from .simulate_world import HELDOUT, RANGES, TUNING, Ranges, World, zone_suffix

__all__ = [
    "ARCHETYPES",
    "ARCHETYPE_TABLE",
    "COMPOSITIONS",
    "EXPECTED_VERDICT",
    "HELDOUT",
    "KIND",
    "MIN_DECISIONS",
    "RANGES",
    "TUNING",
    "SimulatedReviewer",
    "labels_path",
    "simulate",
    "write_simulation",
]

COMPOSITIONS = ("typical", "compromised")
MIN_DECISIONS = 50  # with fewer decisions per reviewer (per_reviewer), nobody is judgeable
ITEM_STRIDE = 100_000_000  # item ids: reviewer k's drafts are i-(k+1)*stride + n


@dataclass(frozen=True)
class SimulatedReviewer:
    """One reviewer's truth: who they are and what a detector should say about them."""

    name: str
    archetype: str
    expected_verdict: str
    kind: str = ""
    queue: str = ""
    utc_offset: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "reviewer": self.name,
            "archetype": self.archetype,
            "expected_verdict": self.expected_verdict,
            "kind": self.kind,
            "queue": self.queue,
            "utc_offset": self.utc_offset,
        }


def _label(p: Persona, world: World, per_reviewer: int | None) -> SimulatedReviewer:
    verdict = EXPECTED_VERDICT[p.archetype]
    if per_reviewer is not None:
        if per_reviewer < MIN_DECISIONS:
            verdict = "insufficient"
        elif KIND[p.archetype] == NEWCOMER:
            verdict = "ok"  # thousands of decisions: a newcomer no longer
    source = world.sources[p.source]
    return SimulatedReviewer(
        p.name, p.archetype, verdict, KIND[p.archetype], source.name, zone_suffix(p.offset)
    )


def simulate(
    seed: int,
    *,
    composition: str = "typical",
    ranges: str = "tuning",
    reviewers: int | None = None,
    days: int | None = None,
    per_reviewer: int | None = None,
) -> tuple[list[SimulatedReviewer], Iterator[dict]]:
    """The team's labels and a generator of all their decisions in order of decision time.

    Args:
        seed: the run's seed; the same arguments give the same log, byte for byte.
        composition: ``typical`` (about 25% symbolic) or ``compromised`` (about 40%).
        ranges: ``tuning`` or the wider ``heldout`` parameter ranges.
        reviewers: team size (default: drawn from the ranges, 60-80 or 50-90).
        days: working days (default: drawn, 10 or 8-14); ignored with ``per_reviewer``.
        per_reviewer: exactly this many decisions per reviewer, as many days as that takes.

    Raises:
        ValueError: unknown ``composition`` or ``ranges``, or fewer than one reviewer.
    """
    if composition not in COMPOSITIONS:
        raise ValueError(f"composition must be one of {COMPOSITIONS}, not {composition!r}")
    if ranges not in RANGES:
        raise ValueError(f"ranges must be one of {tuple(RANGES)}, not {ranges!r}")
    r: Ranges = RANGES[ranges]
    base = f"reviewq-sim:{seed}:{r.name}"
    world_rng = random.Random(base)
    world = World.draw(seed, world_rng, r)
    team = reviewers if reviewers is not None else world_rng.randint(*r.team)
    n_days = days if days is not None else world_rng.randint(*r.days)
    shares = queue_shares(world_rng, r)
    roles = cast_roles(team, composition, random.Random(f"{base}:{composition}"), r)
    width = max(3, len(str(team)))
    engines = []
    people = []
    for i, archetype in enumerate(roles):
        name = f"r{i + 1:0{width}d}"
        rng = random.Random(f"{base}:{composition}:{name}")
        persona = make_persona(name, archetype, rng, world, shares)
        people.append(_label(persona, world, per_reviewer))
        engines.append(_Reviewer(persona, world, rng, (i + 1) * ITEM_STRIDE))

    def records() -> Iterator[dict]:
        if per_reviewer is not None:
            streams = [e.records(None, per_reviewer) for e in engines]
        else:
            streams = [e.records(n_days, e.p.cap) for e in engines]
        for _, record in heapq.merge(*streams, key=itemgetter(0)):
            yield record

    return people, records()


def labels_path(out: Path) -> Path:
    """``runs/log.jsonl`` -> ``runs/log.labels.jsonl``."""
    return out.with_name(f"{out.stem}.labels.jsonl")


def write_simulation(
    out: Path,
    seed: int,
    *,
    composition: str = "typical",
    ranges: str = "tuning",
    reviewers: int | None = None,
    days: int | None = None,
    per_reviewer: int | None = None,
) -> tuple[Path, int]:
    """Write the log to ``out`` and the labels beside it; return (labels path, decisions).

    Arguments as for :func:`simulate`. Each label line also carries the reviewer's decision
    count in the log.
    """
    people, records = simulate(
        seed,
        composition=composition,
        ranges=ranges,
        reviewers=reviewers,
        days=days,
        per_reviewer=per_reviewer,
    )
    counts = dict.fromkeys((p.name for p in people), 0)
    count = 0
    dumps = json.dumps
    with out.open("w", encoding="utf-8") as fh:
        buffer = []
        for record in records:
            buffer.append(dumps(record))
            counts[record["reviewer"]] += 1
            count += 1
            if len(buffer) >= 10_000:
                fh.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            fh.write("\n".join(buffer) + "\n")
    labels = labels_path(out)
    with labels.open("w", encoding="utf-8") as fh:
        for person in people:
            fh.write(json.dumps({**person.to_dict(), "decisions": counts[person.name]}) + "\n")
    return labels, count
