"""One reviewer's work, measured: sessions, floors, demand, strain, and the counts per part.

The hot path of the detector (it touches every decision): each step is a list comprehension
or a C-level ``compress``/``map`` over plain lists, and nothing per decision outlives the
profile (only counts and a few example positions do).

A reviewer's decisions are split into *parts*: all work, rested work (early in a session and
outside high-demand stretches), late work from each fatigue cut-off, and high-demand work.
Every signal reads a ``Part``; nothing reads the raw lists.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from operator import not_
from statistics import median
from typing import TYPE_CHECKING, Any

from .baselines import Norms
from .records import ACTIONS, APPROVE, REJECT, iso
from .settings import OversightSettings

if TYPE_CHECKING:
    from .collect import Columns


@dataclass
class Part:
    """Counts over one subset of a reviewer's decisions."""

    n: int = 0
    under: int = 0
    deep: int = 0  # under half the floor: not read at all
    burst: int = 0
    approvals: int = 0
    rejects: int = 0
    real_edits: int = 0
    interventions: int = 0
    canaries: int = 0
    caught: int = 0
    qa: int = 0
    qa_disagree: int = 0
    qa_pairs: int = 0  # sampled approvals
    escapes: int = 0  # sampled approvals the second reviewer changed
    qa_first_approved: list[bool] = field(default_factory=list)
    qa_agreed: list[bool] = field(default_factory=list)
    hr_by_source: dict[int, list[int]] = field(default_factory=dict)  # src -> [n, as is]
    hr_canaries: int = 0
    hr_caught: int = 0
    hr_qa_by_source: dict[int, list[int]] = field(default_factory=dict)  # [n, escapes]
    qa_by_source: dict[int, list[int]] = field(default_factory=dict)  # src -> [n, escapes]
    alarms_by_source: dict[int, list[int]] = field(default_factory=dict)  # [n, disagreed]
    by_stratum: dict[int, list[int]] = field(default_factory=dict)  # key -> [n, real edits]
    pace: list[float] = field(default_factory=list)
    pace_median: float | None = None
    examples: dict[str, list[int]] = field(default_factory=dict)  # signal -> positions

    @property
    def hr_items(self) -> int:
        return sum(n for n, _ in self.hr_by_source.values())

    @property
    def hr_approved(self) -> int:
        return sum(x for _, x in self.hr_by_source.values())


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


def _select(indices: Sequence[int], flags: Sequence[Any]) -> list[int]:
    """The indices whose flag is true (C speed)."""
    return list(compress(indices, map(flags.__getitem__, indices)))


def _by_source(src: list[int], indices: list[int], flags: Sequence[Any]) -> dict[int, list[int]]:
    """Per source: [how many of ``indices``, how many of them flagged]."""
    total = Counter(map(src.__getitem__, indices))
    hits = Counter(map(src.__getitem__, _select(indices, flags)))
    return {x: [n, hits.get(x, 0)] for x, n in total.items()}


def _count(indices: Sequence[int], flags: Sequence[Any]) -> int:
    return sum(map(flags.__getitem__, indices))


class _Work:
    """One reviewer's decisions in time order, with the per-decision measures."""

    def __init__(
        self, cols: Columns, keys: array, s: OversightSettings, norms: Norms,
        high_tagsets: frozenset[int], cutoff: float,
    ) -> None:  # fmt: skip
        o_all = cols.o.tolist()
        d_all = cols.d.tolist()
        if cutoff > -math.inf and min(d_all, default=cutoff) < cutoff:
            keep = [i for i, x in enumerate(d_all) if x >= cutoff]
            order: Sequence[int] = sorted(keep, key=o_all.__getitem__)
        elif sorted(o_all) == o_all:  # the usual case: a log in time order
            order = range(len(o_all))
        else:
            order = sorted(range(len(o_all)), key=o_all.__getitem__)
        self.order = order
        identity = isinstance(order, range)

        def pick(values: list[Any]) -> list[Any]:
            return values if identity else list(map(values.__getitem__, order))

        o, d = pick(o_all), pick(d_all)
        self.o, self.d = o, d
        self.w = w = pick(cols.w.tolist())
        self.a = pick(cols.a.tolist())
        self.e = pick(cols.e.tolist())
        self.ec = pick(cols.ec.tolist())
        self.c = pick(cols.c.tolist())
        self.q = pick(cols.q.tolist())
        self.src = pick(cols.src.tolist())
        self.tag = pick(cols.tag.tolist())
        self.act = pick(cols.act.tolist())
        self.n = len(o)
        self.high_risk = list(map(high_tagsets.__contains__, self.tag))
        self.dwell = dwell = [y - x for x, y in zip(o, d, strict=True)]
        cb, cw = s.careful_base_seconds, 60.0 / s.careful_wpm
        fb, fw, share = s.floor_base_seconds, 60.0 / s.floor_wpm, s.floor_share_of_careful
        self.key = key_list = pick(keys.tolist())
        width = len(s.length_edges) + 1
        factors = {k: norms.factor(k, width) for k in set(key_list)}
        self.careful = careful = [
            (cb + y * cw) * f for y, f in zip(w, map(factors.__getitem__, key_list), strict=True)
        ]
        self.floor = floor = [min(fb + y * fw, share * z) for y, z in zip(w, careful, strict=True)]
        # time spent reading: the active time when the log has it (NaN compares false)
        self.spent = spent = [z if z < x else x for x, z in zip(dwell, self.act, strict=True)]
        self.under = [x < y for x, y in zip(spent, floor, strict=True)]
        half = s.s1_deep_share_of_floor
        self.deep = [x < half * y for x, y in zip(spent, floor, strict=True)]
        least = s.min_dwell_seconds
        self.pace = [z / (x if x > least else least) for x, z in zip(spent, careful, strict=True)]
        self.approved = [x == APPROVE for x in self.a]
        min_chars = s.real_edit_min_chars
        self.real_edit = [
            bool(x) and (y < 0 or y >= min_chars) for x, y in zip(self.e, self.ec, strict=True)
        ]
        self.as_is = [x and not y for x, y in zip(self.approved, self.real_edit, strict=True)]
        self.intervention = [not x or y for x, y in zip(self.approved, self.real_edit, strict=True)]
        self.caught = [x and not y for x, y in zip(self.c, self.approved, strict=True)]
        self.sampled = [x >= 0 for x in self.q]
        self.disagree = [x == 0 for x in self.q]
        self._sessions(s)

    def _sessions(self, s: OversightSettings) -> None:
        """Split sessions; mark bursts, demand and time into the session of each decision."""
        o, d, n = self.o, self.d, self.n
        gap = s.session_gap_seconds
        starts: list[int] = []
        ends: list[float] = []
        last_end = -math.inf
        for i in range(n):
            if o[i] - last_end >= gap:
                if starts:
                    ends.append(last_end)
                starts.append(i)
                last_end = d[i]
            elif d[i] > last_end:
                last_end = d[i]
        ends.append(last_end)
        self.starts, self.ends = starts, ends
        # working days: sessions less than ``day_gap_hours`` apart belong to the same day
        day_gap = s.day_gap_hours * 3600.0
        self.session_of, self.day_of = [], []
        day = 0
        for k, (start, stop) in enumerate(zip(starts, starts[1:] + [n], strict=True)):
            if k and o[start] - ends[k - 1] >= day_gap:
                day += 1
            self.session_of.extend([k] * (stop - start))
            self.day_of.extend([day] * (stop - start))
        bounds = starts[1:] + [n]
        self.offset: list[float] = []
        self.demand: list[float] = []
        self.busy: list[float] = []
        self.in_burst = in_burst = [False] * n
        careful, floor = self.careful, self.floor
        half = s.demand_window_minutes * 30.0
        min_worked = s.demand_min_worked_minutes * 60.0
        grace = s.demand_pause_grace_seconds
        cap_k, cap_s = s.engaged_cap_careful, s.engaged_cap_seconds
        engaged = [
            min(x, y if y == y else x, cap_k * z + cap_s)
            for x, y, z in zip(self.dwell, self.act, careful, strict=True)
        ]
        k_run = s.s5_run
        for start, stop in zip(starts, bounds, strict=True):
            t0 = o[start]
            so = o[start:stop]
            dd = d[start:stop]
            self.offset.extend([x - t0 for x in so])
            # demand and busy share over the +-half window around each decision: careful time
            # wanted, time engaged (active time, or a dwell without its interruptions) and
            # pauses between drafts, as prefix sums over the window's decisions (C-level bisect)
            prefix = list(accumulate(careful[start:stop], initial=0.0))
            used = list(accumulate(engaged[start:stop], initial=0.0))
            running = accumulate(dd[:-1], max)  # latest decision before each next one
            pauses = [x - y if x > y else 0.0 for x, y in zip(so[1:], running, strict=True)]
            gaps = list(accumulate([0.0, *pauses], initial=0.0))
            idle = list(accumulate([0.0, *(x - grace if x > grace else 0.0 for x in pauses)],
                                   initial=0.0))  # fmt: skip
            los = list(map(bisect_left, repeat(so), [x - half for x in so]))
            his = list(map(bisect_right, repeat(so), [x + half for x in so]))
            spent = [
                max(used[h] - used[lo] + gaps[h] - gaps[lo + 1], min_worked)
                for lo, h in zip(los, his, strict=True)
            ]
            self.demand.extend(
                [(prefix[h] - prefix[lo]) / w for lo, h, w in zip(los, his, spent, strict=True)]
            )
            self.busy.extend(
                [
                    1.0 - (idle[h] - idle[lo + 1]) / w
                    for lo, h, w in zip(los, his, spent, strict=True)
                ]
            )
            m = stop - start
            if m < k_run:
                continue
            # bursts: k_run decisions in a row whose elapsed span is below their floors' sum
            fp = list(accumulate(floor[start:stop], initial=0.0))
            need = [b - a for a, b in zip(fp[: m - k_run + 1], fp[k_run:], strict=True)]
            ends_of_runs = zip(dd[k_run - 1 :], so[: m - k_run + 1], need, strict=True)
            cover_to = -1
            for k in [k for k, (y, x, z) in enumerate(ends_of_runs) if y - x < z]:
                j = k + k_run - 1
                if max(dd[k : j + 1]) - so[k] < need[k]:
                    for x in range(max(k, cover_to + 1), j + 1):
                        in_burst[start + x] = True
                    cover_to = j

    def part(
        self,
        idx: list[int],
        k_ex: int,
        with_pace: bool = True,
        examples: bool = True,
        pace: list[float] | None = None,
    ) -> Part:
        """Counts over the decisions ``idx`` (positions in time order), with the pace list
        and example positions per signal when asked (only the strain examples otherwise)."""
        p = Part(n=len(idx))
        if not idx:
            return p
        p.under = _count(idx, self.under)
        deep = _select(idx, self.deep)
        p.deep = len(deep)
        burst = _select(idx, self.in_burst)
        p.burst = len(burst)
        approved = _select(idx, self.approved)
        p.approvals = len(approved)
        p.rejects = sum(1 for i in idx if self.a[i] == REJECT)
        edits = _select(idx, self.real_edit)
        p.real_edits = len(edits)
        p.interventions = _count(idx, self.intervention)
        canaries = _select(idx, self.c)
        p.canaries = len(canaries)
        p.caught = _count(canaries, self.caught)
        sampled = _select(idx, self.sampled)
        p.qa = len(sampled)
        disagree = _select(sampled, self.disagree)
        p.qa_disagree = len(disagree)
        pairs = _select(sampled, self.approved)
        p.qa_pairs = len(pairs)
        escapes = _select(pairs, self.disagree)
        p.escapes = len(escapes)
        p.qa_first_approved = list(map(self.approved.__getitem__, sampled))
        p.qa_agreed = [self.q[i] == 1 for i in sampled]
        hr = _select(idx, self.high_risk)
        src, key = self.src, self.key
        hr_drafts = [i for i in hr if not self.c[i]]
        p.hr_by_source = _by_source(src, hr_drafts, self.as_is)
        hr_canaries = _select(hr, self.c)
        p.hr_canaries, p.hr_caught = len(hr_canaries), _count(hr_canaries, self.caught)
        p.hr_qa_by_source = _by_source(src, _select(_select(hr, self.sampled), self.approved),
                                       self.disagree)  # fmt: skip
        p.qa_by_source = _by_source(src, pairs, self.disagree)
        p.alarms_by_source = _by_source(
            src, [i for i in sampled if not self.approved[i]], self.disagree
        )
        totals = Counter(map(key.__getitem__, idx))
        edited = Counter(map(key.__getitem__, edits))
        p.by_stratum = {x: [n, edited.get(x, 0)] for x, n in totals.items()}
        values = list(map((pace or self.pace).__getitem__, idx))
        p.pace_median = median(values)
        if with_pace:
            p.pace = values
        spent, floor_, pace_all, canary = self.spent, self.floor, self.pace, self.c
        if not examples:
            p.examples = {"strain": heapq.nlargest(k_ex, idx, key=pace_all.__getitem__)}
            return p
        p.examples = {
            # canaries last: they are never shown to the reviewer, other examples are
            "S1": heapq.nsmallest(k_ex, deep, key=lambda i: (canary[i], spent[i] / floor_[i])),
            "S2": heapq.nlargest(k_ex, idx, key=pace_all.__getitem__),
            "S3": heapq.nlargest(k_ex, _select(hr, self.as_is), key=pace_all.__getitem__),
            "S4": [i for i in approved if not self.real_edit[i]][-k_ex:],
            "S5": burst[:k_ex],
            "S8": [i for i in canaries if not self.caught[i]][:k_ex],
            "S9": escapes[:k_ex],
            "strain": heapq.nlargest(k_ex, idx, key=pace_all.__getitem__),
        }
        return p


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
    work = _Work(cols, keys, s, norms, high_tagsets, cutoff)
    n = work.n
    if n == 0:
        return None
    k_ex = s.examples_per_flag
    everything = list(range(n))
    # high demand: the queue kept the reviewer busy, the next draft always waiting
    busy = s.demand_min_busy
    high = [x >= busy for x in work.busy]
    rested_limit = s.rested_session_minutes * 60.0
    late = [x > rested_limit for x in work.offset]
    strained = [x or y for x, y in zip(late, high, strict=True)]
    rested_idx = list(compress(everything, map(not_, strained)))
    rested = work.part(rested_idx, k_ex)
    if rested.n >= s.rested_min_decisions:
        scope, main = "rested", rested
        all_part = work.part(everything, k_ex, with_pace=False, examples=False)
    else:
        scope = "all"
        main = all_part = work.part(everything, k_ex)
    spells = _spells(work, rested_idx if scope == "rested" else everything, s)
    # strained work is compared with rested work of the same sessions (fatigue) or the same
    # working days (demand), so that a fast or slow day is never mistaken for strain; when
    # those hold too little rested work, the same days, then all rested work
    session, day = work.session_of, work.day_of
    least = s.strain_min_decisions

    def reference(idx: list[int], same_session: bool) -> list[int]:
        if same_session:
            sessions = set(map(session.__getitem__, idx))
            ref = [i for i in rested_idx if session[i] in sessions]
            if len(ref) >= least:
                return ref
        days = set(map(day.__getitem__, idx))
        ref = [i for i in rested_idx if day[i] in days]
        return ref if len(ref) >= least else rested_idx

    # pace against the same day's rested pace: everyone has fast and slow days
    by_day: dict[int, list[float]] = {}
    for i in rested_idx:
        by_day.setdefault(day[i], []).append(work.pace[i])
    usual = median(work.pace[i] for i in rested_idx) if rested_idx else 1.0
    day_pace = {k: median(v) if len(v) >= 10 else usual for k, v in by_day.items()}
    norm = [x / day_pace.get(y, usual) for x, y in zip(work.pace, day, strict=True)]

    def strain_part(idx: list[int]) -> Part:
        return work.part(idx, k_ex, examples=False, pace=norm)

    late_parts = {}
    offset = work.offset
    for minutes in s.s6_late_minutes:
        limit = minutes * 60.0
        idx = [i for i in everything if offset[i] > limit and not high[i]]
        late_parts[minutes] = (strain_part(idx), strain_part(reference(idx, True)))
    high_idx = [i for i in everything if high[i] and not late[i]]
    high_part = (strain_part(high_idx), strain_part(reference(high_idx, False)))

    symbolic = [u or b or x for u, b, x in zip(work.under, work.in_burst, strained, strict=True)]
    by_source: dict[int, list[int]] = {}
    by_tagset: dict[int, list[int]] = {}
    for (src_id, tag_id, sym), count in Counter(
        zip(work.src, work.tag, symbolic, strict=True)
    ).items():
        for table, key in ((by_source, src_id), (by_tagset, tag_id)):
            cell = table.setdefault(key, [0, 0])
            cell[0] += count
            cell[1] += count if sym else 0
    plain = bytes(x and not y for x, y in zip(work.approved, work.real_edit, strict=True))
    session_minutes = [
        (end - work.o[start]) / 60.0 for start, end in zip(work.starts, work.ends, strict=True)
    ]
    actives = [x for x in work.act if x == x]
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


def _spells(work: _Work, idx: list[int], s: OversightSettings) -> Spells:
    """Silent sessions: whole sessions approved as they came, where the reviewer's own rate
    of interventions on the same sources predicts several (someone who reads some sessions
    and stamps others, at any speed)."""
    by_source: dict[int, list[int]] = {}
    for i in idx:
        cell = by_source.setdefault(work.src[i], [0, 0])
        cell[0] += 1
        cell[1] += work.intervention[i]
    rate = {k: x / n for k, (n, x) in by_source.items()}
    sessions: dict[int, list[int]] = {}
    for i in idx:
        sessions.setdefault(work.session_of[i], []).append(i)
    eligible = silent = 0
    expected = 0.0
    first: list[int] = []
    for members in sessions.values():
        wanted = sum(rate[work.src[i]] for i in members)
        if wanted < s.s11_min_expected:
            continue
        eligible += 1
        expected += math.exp(-wanted)
        if not any(work.intervention[i] for i in members):
            silent += 1
            first.append(members[0])
    return Spells(eligible, silent, expected, tuple(first[: s.examples_per_flag]))


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


def _example(cols: Columns, work: _Work, i: int) -> dict[str, Any]:
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
