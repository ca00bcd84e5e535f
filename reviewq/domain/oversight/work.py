"""One reviewer's decisions in time order, with every per-decision measure: time spent,
careful time, floor, pace, sessions, demand, bursts; and ``Part``, the counts over a subset.

The hot path of the detector (it touches every decision): each step is a list comprehension
or a C-level ``compress``/``map``/``bisect`` over plain lists, and nothing per decision
outlives the profile (only counts and a few example positions do).
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from operator import add, and_, eq, ge, gt, le, lt, mul, not_, sub
from typing import TYPE_CHECKING, Any

from .baselines import Norms
from .records import APPROVE, REJECT
from .settings import OversightSettings
from .stats import median_sorted

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
    pace: list[float] = field(default_factory=list)  # ascending (sorted once)
    pace_median: float | None = None
    examples: dict[str, list[int]] = field(default_factory=dict)  # signal -> positions

    @property
    def hr_items(self) -> int:
        return sum(n for n, _ in self.hr_by_source.values())

    @property
    def hr_approved(self) -> int:
        return sum(x for _, x in self.hr_by_source.values())


def _select(indices: Sequence[int], flags: Sequence[Any]) -> list[int]:
    """The indices whose flag is true (C speed)."""
    if indices == range(len(flags)):  # every decision: no lookups
        return list(compress(indices, flags))
    return list(compress(indices, map(flags.__getitem__, indices)))


def _by_source(src: list[int], indices: list[int], flags: Sequence[Any]) -> dict[int, list[int]]:
    """Per source: [how many of ``indices``, how many of them flagged]."""
    total = Counter(map(src.__getitem__, indices))
    hits = Counter(map(src.__getitem__, _select(indices, flags)))
    return {x: [n, hits.get(x, 0)] for x, n in total.items()}


def _pick(values: Sequence[Any], indices: Sequence[int]) -> Iterable[Any]:
    """The values at ``indices``, in their order."""
    if indices == range(len(values)):
        return values
    return map(values.__getitem__, indices)


def _count(indices: Sequence[int], flags: Sequence[Any]) -> int:
    if indices == range(len(flags)):
        return sum(flags)
    return sum(map(flags.__getitem__, indices))


class Work:
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
        self.dwell = dwell = list(map(sub, d, o))
        cb, cw = s.careful_base_seconds, 60.0 / s.careful_wpm
        fb, fw, share = s.floor_base_seconds, 60.0 / s.floor_wpm, s.floor_share_of_careful
        self.key = key_list = pick(keys.tolist())
        width = len(s.length_edges) + 1
        factors = {k: norms.factor(k, width) for k in set(key_list)}
        self.careful = careful = [
            (cb + y * cw) * f for y, f in zip(w, map(factors.__getitem__, key_list), strict=True)
        ]
        self.floor = floor = [
            a if (a := fb + y * fw) < (b := share * z) else b
            for y, z in zip(w, careful, strict=True)
        ]
        # time spent reading: the active time when the log has it (NaN compares false)
        self.spent = spent = [z if z < x else x for x, z in zip(dwell, self.act, strict=True)]
        # each flag list below is one C-level pass (operator functions, not comprehensions)
        self.under = list(map(lt, spent, floor))
        self.deep = list(map(lt, spent, map(mul, repeat(s.s1_deep_share_of_floor), floor)))
        least = s.min_dwell_seconds
        self.pace = [z / (x if x > least else least) for x, z in zip(spent, careful, strict=True)]
        self.approved = approved = list(map(eq, self.a, repeat(APPROVE)))
        self.rejected = list(map(eq, self.a, repeat(REJECT)))
        min_chars = s.real_edit_min_chars
        self.real_edit = [
            bool(x) and (y < 0 or y >= min_chars) for x, y in zip(self.e, self.ec, strict=True)
        ]
        # on 0/1 and bools: x > y is "x and not y", x <= y is "not x or y"
        self.as_is = list(map(gt, approved, self.real_edit))  # approved, not really edited
        self.intervention = list(map(le, approved, self.real_edit))
        self.caught = list(map(gt, self.c, approved))  # a canary not approved
        self.draft = list(map(not_, self.c))  # not a canary
        self.unedited = list(map(not_, self.real_edit))
        self.sampled = list(map(ge, self.q, repeat(0)))
        self.disagree = list(map(eq, self.q, repeat(0)))
        self._sessions(s)

    def _sessions(self, s: OversightSettings) -> None:
        """Split sessions; mark bursts, demand and time into the session of each decision."""
        o, d, n = self.o, self.d, self.n
        if n == 0:
            self.starts, self.ends = [], []
            self.session_of: list[int] = []
            self.day_of: list[int] = []
            self.offset, self.demand, self.busy, self.in_burst = [], [], [], []
            return
        gap = s.session_gap_seconds
        running = list(accumulate(d, max))  # the latest decision so far
        starts = [0, *compress(range(1, n), map(ge, map(sub, o[1:], running), repeat(gap)))]
        ends = [running[i - 1] for i in starts[1:]] + [running[-1]]
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
        # per decision: its session's first index, end index and start time
        lo_of: list[int] = []
        hi_of: list[int] = []
        t0_of: list[float] = []
        for start, stop in zip(starts, starts[1:] + [n], strict=True):
            m = stop - start
            lo_of += [start] * m
            hi_of += [stop] * m
            t0_of += [o[start]] * m
        self.offset = list(map(sub, o, t0_of))
        careful, floor = self.careful, self.floor
        half = s.demand_window_minutes * 30.0
        min_worked = s.demand_min_worked_minutes * 60.0
        grace = s.demand_pause_grace_seconds
        cap_k, cap_s = s.engaged_cap_careful, s.engaged_cap_seconds
        # time engaged: time spent (active time when known), without interruptions
        engaged = [
            x if x < (c := cap_k * z + cap_s) else c
            for x, z in zip(self.spent, careful, strict=True)
        ]
        # demand and busy share over the +-half window around each decision, inside its
        # session: careful time wanted, time engaged and pauses between drafts, as prefix sums
        # over the whole reviewer (C-level bisect within the session's bounds)
        prefix = list(accumulate(careful, initial=0.0))
        used = list(accumulate(engaged, initial=0.0))
        pauses = [0.0] + [x - y if x > y else 0.0 for x, y in zip(o[1:], running, strict=False)]
        for start in starts:
            pauses[start] = 0.0
        gaps = list(accumulate(pauses, initial=0.0))
        idle = list(accumulate([x - grace if x > grace else 0.0 for x in pauses], initial=0.0))
        los = list(map(bisect_left, repeat(o), map(sub, o, repeat(half)), lo_of, hi_of))
        his = list(map(bisect_right, repeat(o), map(add, o, repeat(half)), lo_of, hi_of))
        spent = [
            x if (x := used[h] - used[lo] + gaps[h] - gaps[lo + 1]) > min_worked else min_worked
            for lo, h in zip(los, his, strict=True)
        ]
        self.demand = [
            (prefix[h] - prefix[lo]) / w for lo, h, w in zip(los, his, spent, strict=True)
        ]
        self.busy = [
            1.0 - (idle[h] - idle[lo + 1]) / w for lo, h, w in zip(los, his, spent, strict=True)
        ]
        # bursts: k_run decisions in a row, in one session, whose elapsed span is below the
        # sum of their floors
        k_run = s.s5_run
        self.in_burst = in_burst = [False] * n
        if n < k_run:
            return
        fp = list(accumulate(floor, initial=0.0))
        m = n - k_run + 1  # runs starting at 0 .. m - 1
        need = list(map(sub, fp[k_run:], fp[:m]))
        # candidates: the first and last decision's span is below the floors, in one session
        short = map(lt, map(sub, d[k_run - 1 :], o[:m]), need)
        inside = map(le, range(k_run, m + k_run), hi_of)
        cover_to = -1
        for k in compress(range(m), map(and_, short, inside)):
            j = k + k_run - 1
            if max(d[k : j + 1]) - o[k] < need[k]:
                for x in range(max(k, cover_to + 1), j + 1):
                    in_burst[x] = True
                cover_to = j

    def part(
        self,
        idx: Sequence[int],
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
        if pace is not None:
            return self._strain_part(p, idx, k_ex, pace)
        canaries, sampled = self._quality(p, idx)
        deep = _select(idx, self.deep)
        p.deep = len(deep)
        burst = _select(idx, self.in_burst)
        p.burst = len(burst)
        approved = _select(idx, self.approved)
        p.approvals = len(approved)
        p.rejects = _count(idx, self.rejected)
        edits = _select(idx, self.real_edit)
        p.real_edits = len(edits)
        pairs = _select(sampled, self.approved)
        p.qa_pairs = len(pairs)
        escapes = _select(pairs, self.disagree)
        p.escapes = len(escapes)
        p.qa_first_approved = list(map(self.approved.__getitem__, sampled))
        p.qa_agreed = [self.q[i] == 1 for i in sampled]
        hr = _select(idx, self.high_risk)
        src, key = self.src, self.key
        hr_drafts = _select(hr, self.draft)  # not canaries
        p.hr_by_source = _by_source(src, hr_drafts, self.as_is)
        hr_canaries = _select(hr, self.c)
        p.hr_canaries, p.hr_caught = len(hr_canaries), _count(hr_canaries, self.caught)
        p.hr_qa_by_source = _by_source(src, _select(_select(hr, self.sampled), self.approved),
                                       self.disagree)  # fmt: skip
        p.qa_by_source = _by_source(src, pairs, self.disagree)
        p.alarms_by_source = _by_source(
            src, [i for i in sampled if not self.approved[i]], self.disagree
        )
        totals = Counter(_pick(key, idx))
        edited = Counter(map(key.__getitem__, edits))
        p.by_stratum = {x: [n, edited.get(x, 0)] for x, n in totals.items()}
        if with_pace:
            p.pace = sorted(_pick(self.pace, idx))
            p.pace_median = median_sorted(p.pace)
        spent, floor_, pace_all, canary = self.spent, self.floor, self.pace, self.c
        slowest = heapq.nlargest(k_ex, idx, key=pace_all.__getitem__)
        if not examples:
            p.examples = {"strain": slowest}
            return p
        p.examples = {
            # canaries last: they are never shown to the reviewer, other examples are
            "S1": heapq.nsmallest(k_ex, deep, key=lambda i: (canary[i], spent[i] / floor_[i])),
            "S2": slowest[:],
            "S3": heapq.nlargest(k_ex, _select(hr, self.as_is), key=pace_all.__getitem__),
            "S4": _select(approved, self.unedited)[-k_ex:],
            "S5": burst[:k_ex],
            "S8": [i for i in canaries if not self.caught[i]][:k_ex],
            "S9": escapes[:k_ex],
            "strain": slowest,
        }
        return p

    def _strain_part(self, p: Part, idx: Sequence[int], k_ex: int, pace: list[float]) -> Part:
        """Only what a strain comparison reads: floor share, interventions, canaries,
        second review, and the given (day-normalised) pace."""
        self._quality(p, idx)
        p.pace = sorted(map(pace.__getitem__, idx))
        p.pace_median = median_sorted(p.pace)
        p.examples = {"strain": heapq.nlargest(k_ex, idx, key=self.pace.__getitem__)}
        return p

    def _quality(self, p: Part, idx: Sequence[int]) -> tuple[list[int], list[int]]:
        """Floor share, interventions, canaries and second review of ``idx`` into ``p``;
        returns the canaries and the sampled decisions among them."""
        p.under = _count(idx, self.under)
        p.interventions = _count(idx, self.intervention)
        canaries = _select(idx, self.c)
        p.canaries = len(canaries)
        p.caught = _count(canaries, self.caught)
        sampled = _select(idx, self.sampled)
        p.qa = len(sampled)
        p.qa_disagree = _count(sampled, self.disagree)
        return canaries, sampled
