"""One reviewer's profile: their decisions (``work.Work``) split into *parts*: all work,
rested work (early in a session and outside high-demand stretches), late work from each
fatigue cut-off, and high-demand work, each beside the rested work it is compared with.
Every signal reads a ``Part`` or the ``Profile``; nothing reads the raw lists.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import eq, ge, gt, ne, not_, or_, truediv
from statistics import median
from typing import TYPE_CHECKING, Any

from .baselines import Norms
from .records import ACTIONS, iso
from .settings import OversightSettings
from .work import Part, Work

if TYPE_CHECKING:
    from .collect import Columns


@dataclass(frozen=True)
class Spells:
    """Sessions without a single intervention where the reviewer's own rates predict some."""

    sessions: int  # sessions long enough to tell (expected interventions >= the minimum)
    silent: int  # of those, sessions with no edit, rejection or escalation at all
    expected: float  # silent sessions the reviewer's own rates predict
    examples: tuple[int, ...] = ()  # first decision of silent sessions


@dataclass
class Profile:
    """Everything the signals need about one reviewer."""

    name: str
    n: int
    scope: str  # "rested" or "all": where the individual signals are measured
    all: Part
    main: Part  # the scope's part
    rested: Part
    late: dict[float, tuple[Part, Part]]  # cut-off (minutes) -> (late work, same sessions'
    #   rested work): late work outside high demand against rested work of the same sessions
    high: tuple[Part, Part]  # (high-demand work early in sessions, same days' rested work)
    sessions: int
    session_minutes: list[float]
    worked_seconds: float
    long_share: float  # decisions more than rested_session_minutes into a session
    high_share: float  # decisions in high-demand stretches
    demand_median: float | None
    median_dwell: float
    median_active: float | None
    longest_plain_run: int
    spells: Spells
    reasons: int
    top_reason: str | None
    top_reason_count: int
    symbolic: int
    components: list[int]
    by_source: dict[int, list[int]]
    by_tagset: dict[int, list[int]]
    example_rows: dict[int, dict[str, Any]]  # position -> example fields


def profile(
    name: str,
    cols: Columns,
    keys: array,
    s: OversightSettings,
    norms: Norms,
    high_tagsets: frozenset[int],
    cutoff: float,
) -> Profile | None:
    """Measure one reviewer's work in the window (None when they have no decision in it)."""
    work = Work(cols, keys, s, norms, high_tagsets, cutoff)
    n = work.n
    if n == 0:
        return None
    k_ex = s.examples_per_flag
    everything = range(n)
    # high demand: the queue kept the reviewer busy, the next draft always waiting
    high = list(map(ge, work.busy, repeat(s.demand_min_busy)))
    late = list(map(gt, work.offset, repeat(s.rested_session_minutes * 60.0)))
    strained = list(map(or_, late, high))
    rested_idx = list(compress(everything, map(not_, strained)))
    rested = work.part(rested_idx, k_ex)
    if rested.n >= s.rested_min_decisions:
        scope, main = "rested", rested
        # no examples (0): no signal reads them here, only the rested part's
        all_part = work.part(everything, 0, with_pace=False, examples=False)
    else:
        scope = "all"
        main = all_part = work.part(everything, k_ex)
    spells = _spells(work, rested_idx if scope == "rested" else everything, s)
    # strained work is compared with rested work of the same sessions (fatigue) or the same
    # working days (demand), so that a fast or slow day is never mistaken for strain; when
    # those hold too little rested work, the same days, then all rested work
    session, day = work.session_of, work.day_of
    least = s.strain_min_decisions
    references: dict[tuple[bool, frozenset[int]], list[int]] = {}
    parts: dict[int, Part] = {}  # by id() of a list kept alive in ``references``

    def reference(idx: list[int], same_session: bool) -> list[int]:
        """Rested work of the same sessions, else of the same days, else all of it."""
        of = session if same_session else day
        groups = frozenset(map(of.__getitem__, idx))
        key = (same_session, groups)
        if key not in references:
            inside = map(groups.__contains__, map(of.__getitem__, rested_idx))
            ref = list(compress(rested_idx, inside))
            if len(ref) < least:
                ref = reference(idx, False) if same_session else rested_idx
            references[key] = ref
        return references[key]

    # pace against the same day's rested pace: everyone has fast and slow days
    usual = rested.pace_median or 1.0
    day_pace = {
        k: median(v) if len(v) >= 10 else usual for k, v in _by_day(work, rested_idx).items()
    }
    norm = list(map(truediv, work.pace, map(day_pace.get, day, repeat(usual))))

    def pair(idx: list[int], same_session: bool) -> tuple[Part, Part]:
        strained = work.part(idx, k_ex, examples=False, pace=norm)
        if len(idx) < least:  # too little strained work to compare: no reference needed
            return strained, Part()
        ref = reference(idx, same_session)
        if id(ref) not in parts:
            # a reference is only compared with: its examples (0) are never shown
            parts[id(ref)] = work.part(ref, 0, examples=False, pace=norm)
        return strained, parts[id(ref)]

    late_parts = {}
    offset = work.offset
    late_idx = list(compress(everything, map(not_, high)))
    for minutes in sorted(s.s6_late_minutes):  # each cut-off's late work within the last's
        after = map(gt, map(offset.__getitem__, late_idx), repeat(minutes * 60.0))
        late_idx = list(compress(late_idx, after))
        late_parts[minutes] = pair(late_idx, True)
    high_part = pair(list(compress(everything, map(gt, high, late))), False)  # and not late

    symbolic = list(map(or_, map(or_, work.under, work.in_burst), strained))
    by_source = _with_share(work.src, symbolic)
    by_tagset = _with_share(work.tag, symbolic)
    plain = bytes(work.as_is)
    session_minutes = [
        (end - work.o[start]) / 60.0 for start, end in zip(work.starts, work.ends, strict=True)
    ]
    actives = list(compress(work.act, map(eq, work.act, work.act)))  # not NaN
    reasons, top_reason, top_count = _reasons(cols, work.order)
    positions = set()
    for part in (all_part, main, high_part[0], *(x for x, _ in late_parts.values())):
        for ex in part.examples.values():
            positions.update(ex)
    positions.update(spells.examples)
    return Profile(
        name=name,
        n=n,
        scope=scope,
        all=all_part,
        main=main,
        rested=rested,
        late=late_parts,
        high=high_part,
        sessions=len(work.starts),
        session_minutes=session_minutes,
        worked_seconds=sum(session_minutes) * 60.0,
        long_share=sum(late) / n,
        high_share=sum(high) / n,
        demand_median=median(work.demand),
        median_dwell=median(work.dwell),
        median_active=median(actives) if actives else None,
        longest_plain_run=max(len(run) for run in plain.split(b"\x00")),
        spells=spells,
        reasons=reasons,
        top_reason=top_reason,
        top_reason_count=top_count,
        symbolic=sum(symbolic),
        components=[sum(work.under), sum(work.in_burst), sum(high), sum(late)],
        by_source=by_source,
        by_tagset=by_tagset,
        example_rows={i: _example(cols, work, i) for i in positions},
    )


def _spells(work: Work, idx: Sequence[int], s: OversightSettings) -> Spells:
    """Silent sessions: whole sessions approved as they came, where the reviewer's own rate
    of interventions on the same sources predicts several (someone who reads some sessions
    and stamps others, at any speed)."""
    if not idx:
        return Spells(0, 0, 0.0)
    src = list(map(work.src.__getitem__, idx))
    acted = list(map(work.intervention.__getitem__, idx))
    totals, hits = Counter(src), Counter(compress(src, acted))
    rate = {k: hits.get(k, 0) / n for k, n in totals.items()}
    wanted = list(accumulate(map(rate.__getitem__, src), initial=0.0))
    done = list(accumulate(acted, initial=0))
    sessions = list(map(work.session_of.__getitem__, idx))
    cuts = [0, *compress(range(1, len(idx)), map(ne, sessions[1:], sessions)), len(idx)]
    eligible = silent = 0
    expected = 0.0
    first: list[int] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        want = wanted[b] - wanted[a]
        if want < s.s11_min_expected:
            continue
        eligible += 1
        expected += math.exp(-want)
        if done[b] == done[a]:
            silent += 1
            first.append(idx[a])
    return Spells(eligible, silent, expected, tuple(first[: s.examples_per_flag]))


def _with_share(keys: list[int], flags: list[bool]) -> dict[int, list[int]]:
    """Per key (in order of first appearance): [decisions, of which flagged]."""
    flagged = Counter(compress(keys, flags))
    return {k: [n, flagged.get(k, 0)] for k, n in Counter(keys).items()}


def _by_day(work: Work, idx: list[int]) -> dict[int, list[float]]:
    """The pace of the decisions ``idx`` (in time order) per working day, in day order."""
    days = list(map(work.day_of.__getitem__, idx))
    paces = list(map(work.pace.__getitem__, idx))
    out = {}
    lo = 0
    for day in dict.fromkeys(days):  # days only grow along ``idx``: each one is a slice
        hi = bisect_right(days, day, lo)
        out[day] = paces[lo:hi]
        lo = hi
    return out


def _reasons(cols: Columns, order: Sequence[int]) -> tuple[int, str | None, int]:
    """(reasons given, the most common text, how often), over the window's decisions."""
    if not cols.why:
        return 0, None, 0
    keep = None if isinstance(order, range) else set(order)
    texts = [" ".join(t.lower().split()) for pos, t in cols.why if keep is None or pos in keep]
    texts = [t for t in texts if t]
    if not texts:
        return 0, None, 0
    top, count = Counter(texts).most_common(1)[0]
    return len(texts), top, count


def _example(cols: Columns, work: Work, i: int) -> dict[str, Any]:
    pos = work.order[i]
    item, rid, link = cols.items[pos], cols.ids[pos], cols.links.get(pos)
    out: dict[str, Any] = {"id": rid if rid is not None else item, "item": item}
    if link is not None:
        out["link"] = link
    if cols.lines[pos]:
        out["line"] = cols.lines[pos]
    out["opened_at"] = iso(work.o[i])
    out["words"] = work.w[i]
    out["dwell_seconds"] = round(work.dwell[i], 1)
    if work.act[i] == work.act[i]:
        out["active_seconds"] = round(work.act[i], 1)
    out["floor_seconds"] = round(work.floor[i], 1)
    out["action"] = ACTIONS[work.a[i]] + (" (edited)" if work.e[i] else "")
    out["canary"] = bool(work.c[i])
    return out
