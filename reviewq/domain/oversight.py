"""Oversight detector: is a reviewer's review real, or symbolic? (DESIGN sections 6 and 8).

Plain Python over decision records, shared by the live service and by the offline
``flask --app reviewq oversight analyze FILE.jsonl`` command. Stdlib only.

How it works, in three passes:

1. **Collect.** Each record (a ``DecisionRecord`` or one JSON line of a DESIGN section 6 log)
   is validated and appended to its reviewer's compact columns (``array`` of floats and small
   ints). A bad record raises ``RecordError`` naming the field and the problem; the caller
   decides what to do (the CLI prints ``line N: field X: problem`` and carries on).
2. **Profile each reviewer.** Sort by ``opened_at``; split sessions (a new one after a gap of
   ``session_gap_minutes`` between the previous ``decided_at`` and the next ``opened_at``);
   mark each decision as under the reading floor, in a burst, in an overloaded stretch, late
   in a long session; keep the counts every signal needs, on *rested* work (early in a session
   and outside overloaded stretches) for the individual-pattern signals S1-S5, S8, S9, and on
   all work for the workload signals S6, S6b, S7 (and S10).
3. **Compare with the team and decide.** Team baselines are medians and MADs over the
   reviewers who meet each minimum sample. Each signal is tested, then the verdict follows
   DESIGN section 8: *individual* when S1, S5 or S8 fires or at least two of S2, S3, S4, S9;
   *conditions* when S6, S6b or S7 fires and the rested work is sound; otherwise *ok* (one soft
   signal alone is private feedback to the reviewer only).

Choices where DESIGN leaves room (all thresholds are in ``oversight_settings``):

* Dwell is ``decided_at - opened_at``. A negative dwell beyond the clock-skew tolerance (2 s)
  refuses the record; within it the dwell is clamped to 0 and counted in ``team.input``.
  ``active_seconds`` above the dwell is clamped to the dwell (browser and server clocks differ).
* S7 pro-rates partial hours: an hour is *overloaded* when the careful-reading time its
  decisions demanded exceeds the time the reviewer actually worked in it (exactly DESIGN's
  "> 1 hour per hour" for full hours); hours with less than 10 minutes of work are not active
  hours. The rested-work filter uses the same rate over a +-30-minute window around each
  decision, so that a pressured stretch straddling two clock hours never leaks into rested
  work.
* S3 counts approvals (edited or not) of high-risk items, so that it stays independent of S4,
  which counts edited approvals and adjusts the team expectation by stratum (high-risk or not
  x word-count bucket): "two of S2, S3, S4, S9" then means two separate findings; S6 compares pace
  (careful time / dwell) so that item length does not matter; S8 counts a canary as caught
  when it was rejected or escalated; S9's kappa is reported (a concern below 0.2) while only
  the tail test fires the signal; S10 never decides a verdict.
* Individual-pattern signals that lack rested work below their minimum report "insufficient"
  and never fire (fairness: no flag below the minimum sample), even when the reviewer's
  unrested work looks poor: that work is charged to the conditions, not the person.
"""

from __future__ import annotations

import gc
import heapq
import json
import math
import struct
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate, compress
from operator import itemgetter, not_
from statistics import median
from typing import Any

from .oversight_settings import DEFAULT_SETTINGS, OversightSettings

__all__ = [
    "ACTIONS",
    "DecisionRecord",
    "RecordError",
    "Report",
    "ReviewerResult",
    "OversightAnalyzer",
    "analyze",
    "analyze_lines",
    "wilson_interval",
    "binomial_tail",
    "beta_binomial_tail",
    "mann_whitney_greater",
    "canary_miss_posterior",
    "cohen_kappa_binary",
    "robust_center",
]

ACTIONS = ("approve", "reject", "escalate")
_ACTION_CODE = {name: code for code, name in enumerate(ACTIONS)}
_APPROVE, _REJECT, _ESCALATE = 0, 1, 2
_CANARY_EXPECTED = (None, "reject", "escalate")
_MAD_SCALE = 1.4826
_SQRT2 = math.sqrt(2.0)


# ---------------------------------------------------------------------------------------------
# Records and validation
# ---------------------------------------------------------------------------------------------


class RecordError(ValueError):
    """One decision record is unusable: which field, what is wrong, and (from a log) which line."""

    def __init__(self, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(field, problem, line)
        self.field = field
        self.problem = problem
        self.line = line

    def at(self, line: int) -> RecordError:
        return RecordError(self.field, self.problem, line)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}field {self.field}: {self.problem}"


def _parse_time(value: object, name: str) -> float:
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            raise RecordError(name, f"not an ISO 8601 time: {value!r}") from None
    else:
        raise RecordError(name, "missing or not an ISO 8601 string")
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise RecordError(name, "has no time zone (use Z or +hh:mm)")
    return stamp.timestamp()


def _check_durations(opened: float, decided: float, active: float | None, tol: float):
    """Return (decided, active, clamped) after the clock-skew rule; refuse negative durations."""
    clamped = False
    dwell = decided - opened
    if dwell < 0:
        if dwell < -tol:
            raise RecordError(
                "decided_at",
                f"{-dwell:.1f} s before opened_at: negative durations are refused "
                f"(clock skew up to {tol:g} s is clamped to 0)",
            )
        decided, dwell, clamped = opened, 0.0, True
    if active is not None:
        if active < 0:
            raise RecordError("active_seconds", f"negative ({active:g}): durations are refused")
        if active > dwell:
            active, clamped = dwell, True
    return decided, active, clamped


_fromiso = datetime.fromisoformat
_DESIGN_FIELDS = itemgetter(
    "reviewer", "item", "source", "risk_tags", "words", "action", "edited", "opened_at",
    "decided_at", "active_seconds", "canary", "canary_expected", "qa_agreed",
)  # fmt: skip
_BOOL_OR_NONE = (True, False, None)


def _normalize(obj: Any, tol: float, line: int = 0) -> tuple:
    """Validate one decoded JSON log object; return its fields in engine order.

    Required: reviewer, item, words, action, opened_at, decided_at. Optional with defaults:
    source "", risk_tags [], edited false, active_seconds null, canary false,
    canary_expected null, qa_agreed null, reason null, id null, link null.

    This is the hot path of ``analyze`` (a million lines): the common case is checked inline
    with exact type tests and anything unusual goes to the slower helpers for the message.
    """
    if type(obj) is not dict:
        raise RecordError("<line>", "expected a JSON object")
    get = obj.get
    try:  # every DESIGN field present (the usual case): one C-level lookup
        (reviewer, item, source, tags, words, action, edited, opened_at, decided_at, active,
         canary, expected, qa) = _DESIGN_FIELDS(obj)  # fmt: skip
        extras = len(obj) > 13
    except KeyError:
        extras = True
        reviewer, item, source, tags = get("reviewer"), get("item"), get("source"), get("risk_tags")
        words, action, edited = get("words"), get("action"), get("edited", False)
        opened_at, decided_at, active = get("opened_at"), get("decided_at"), get("active_seconds")
        canary, expected, qa = get("canary", False), get("canary_expected"), get("qa_agreed")
    if type(reviewer) is not str or not reviewer or reviewer.isspace():
        raise RecordError("reviewer", "missing or not a non-empty string")
    item = get("item")
    if type(item) is not str or not item:
        if type(item) is int:
            item = str(item)
        else:
            raise RecordError("item", "missing or not a non-empty string")
    source = source or ""
    if type(source) is not str:
        raise RecordError("source", "expected a string")
    if tags:
        if type(tags) is not list:
            raise RecordError("risk_tags", "expected a list of strings")
        try:
            "".join(tags)  # C-level check that every tag is a string
        except TypeError:
            raise RecordError("risk_tags", "expected a list of strings") from None
        tags = tuple(tags)
    else:
        tags = ()
    if type(words) is not int:
        raise RecordError("words", "missing or not an integer")
    if words < 0:
        raise RecordError("words", f"negative ({words})")
    code = _ACTION_CODE.get(action) if type(action) is str else None
    if code is None:
        raise RecordError("action", f"expected one of {', '.join(ACTIONS)}, got {action!r}")
    if edited not in _BOOL_OR_NONE or type(edited) is int:
        raise RecordError("edited", "expected true or false")
    if edited and code:
        raise RecordError("edited", "true only for an approval (approved with edits)")
    try:
        o_dt = _fromiso(opened_at)
        d_dt = _fromiso(decided_at)
        if o_dt.tzinfo is None or d_dt.tzinfo is None:
            raise ValueError
        opened = o_dt.timestamp()
        decided = d_dt.timestamp()
    except (TypeError, ValueError):
        opened = _parse_time(opened_at, "opened_at")
        decided = _parse_time(decided_at, "decided_at")
    clamped = False
    if active is not None:
        if type(active) is not float and type(active) is not int:
            raise RecordError("active_seconds", "expected a number or null")
        if not math.isfinite(active):
            raise RecordError("active_seconds", "not a finite number")
        active = float(active)
    if decided < opened or (active is not None and (active < 0 or active > decided - opened)):
        decided, active, clamped = _check_durations(opened, decided, active, tol)
    if canary not in _BOOL_OR_NONE or type(canary) is int:
        raise RecordError("canary", "expected true or false")
    if expected is not None and expected != "reject" and expected != "escalate":
        raise RecordError("canary_expected", "expected reject, escalate or null")
    if qa not in _BOOL_OR_NONE or type(qa) is int:
        raise RecordError("qa_agreed", "expected true, false or null")
    reason = rid = link = None
    if extras:  # optional fields beyond the DESIGN ones
        reason, rid, link = get("reason"), get("id"), get("link")
        if reason is not None and type(reason) is not str:
            raise RecordError("reason", "expected a string or null")
        if rid is not None and type(rid) is not str:
            if type(rid) is not int:
                raise RecordError("id", "expected a string or null")
            rid = str(rid)
        if link is not None and type(link) is not str:
            raise RecordError("link", "expected a string or null")
    return (
        reviewer,
        item,
        source,
        tags,
        words,
        code,
        edited is True,
        opened,
        decided,
        math.nan if active is None else active,
        canary is True,
        -1 if qa is None else (1 if qa else 0),
        reason,
        rid,
        link,
        clamped,
        line,
    )


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One reviewer's decision, as in the DESIGN section 6 log.

    Construction validates: times must carry a zone; ``decided_at`` more than the clock-skew
    tolerance before ``opened_at`` raises ``RecordError`` (within it, ``decided_at`` is set to
    ``opened_at``); negative ``active_seconds`` or ``words`` raise; an ``active_seconds`` above
    the dwell is clamped to the dwell.
    """

    reviewer: str
    item: str
    source: str
    risk_tags: tuple[str, ...]
    words: int
    action: str
    edited: bool
    opened_at: datetime
    decided_at: datetime
    active_seconds: float | None = None
    canary: bool = False
    canary_expected: str | None = None
    qa_agreed: bool | None = None
    reason: str | None = None
    id: str | None = None
    link: str | None = None

    def __post_init__(self) -> None:
        if not self.reviewer:
            raise RecordError("reviewer", "missing or not a non-empty string")
        if self.action not in _ACTION_CODE:
            raise RecordError("action", f"expected one of {', '.join(ACTIONS)}")
        if self.words < 0:
            raise RecordError("words", f"negative ({self.words})")
        if self.edited and self.action != "approve":
            raise RecordError("edited", "true only for an approval (approved with edits)")
        if self.canary_expected not in _CANARY_EXPECTED:
            raise RecordError("canary_expected", "expected reject, escalate or null")
        opened = _parse_time(self.opened_at, "opened_at")
        decided = _parse_time(self.decided_at, "decided_at")
        tol = DEFAULT_SETTINGS.clock_skew_tolerance_seconds
        new_decided, active, _ = _check_durations(opened, decided, self.active_seconds, tol)
        if new_decided != decided:
            object.__setattr__(self, "decided_at", self.opened_at)
        if active != self.active_seconds:
            object.__setattr__(self, "active_seconds", active)
        if not isinstance(self.risk_tags, tuple):
            object.__setattr__(self, "risk_tags", tuple(self.risk_tags))

    @classmethod
    def from_dict(cls, obj: Any) -> DecisionRecord:
        """Build from one decoded log line (raises ``RecordError``)."""
        f = _normalize(obj, DEFAULT_SETTINGS.clock_skew_tolerance_seconds)
        return cls(
            reviewer=f[0],
            item=f[1],
            source=f[2],
            risk_tags=f[3],
            words=f[4],
            action=ACTIONS[f[5]],
            edited=f[6],
            opened_at=datetime.fromtimestamp(f[7], UTC),
            decided_at=datetime.fromtimestamp(f[8], UTC),
            active_seconds=None if f[9] != f[9] else f[9],
            canary=f[10],
            canary_expected=obj.get("canary_expected"),
            qa_agreed=None if f[11] < 0 else bool(f[11]),
            reason=f[12],
            id=f[13],
            link=f[14],
        )


# ---------------------------------------------------------------------------------------------
# Statistics (stdlib only)
# ---------------------------------------------------------------------------------------------


def wilson_interval(x: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for x successes in n trials ((0, 1) when n is 0)."""
    if n <= 0:
        return (0.0, 1.0)
    p = x / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _tail_sum(logpmf, start: int, stop: int, step: int, unimodal: bool) -> float:
    top = -math.inf
    acc = 0.0
    for k in range(start, stop, step):
        lk = logpmf(k)
        if lk > top:
            acc = acc * math.exp(top - lk) + 1.0 if top > -math.inf else 1.0
            top = lk
        else:
            acc += math.exp(lk - top)
            if unimodal and lk < top - 40.0:
                break  # past the mode of a unimodal pmf: the rest is < e^-40 each
    if top == -math.inf:
        return 0.0
    return min(1.0, math.exp(top + math.log(acc)))


def binomial_tail(x: int, n: int, p: float, *, upper: bool) -> float:
    """P(X >= x) (upper) or P(X <= x) (lower) for X ~ Binomial(n, p), summed in log space."""
    return beta_binomial_tail(x, n, p, None, upper=upper)


def beta_binomial_tail(x: int, n: int, p: float, kappa: float | None, *, upper: bool) -> float:
    """P(X >= x) or P(X <= x), X ~ BetaBinomial(n, p*kappa, (1-p)*kappa); binomial if no kappa.

    The beta-binomial widens the binomial by the honest between-reviewer spread, so a
    reviewer is compared with the team's *distribution* of rates, not with one number.
    """
    if upper and x <= 0:
        return 1.0
    if not upper and x >= n:
        return 1.0
    if (upper and x > n) or (not upper and x < 0):
        return 0.0
    p = min(max(p, 1e-12), 1 - 1e-12)
    lgn = math.lgamma(n + 1)
    lg = math.lgamma
    if kappa is None:
        lp, lq = math.log(p), math.log1p(-p)

        def logpmf(k: int) -> float:
            return lgn - lg(k + 1) - lg(n - k + 1) + k * lp + (n - k) * lq

        unimodal = True
    else:
        a, b = p * kappa, (1 - p) * kappa
        const = lgn - (lg(a) + lg(b) - lg(a + b)) - lg(n + a + b)

        def logpmf(k: int) -> float:
            return const - lg(k + 1) - lg(n - k + 1) + lg(k + a) + lg(n - k + b)

        unimodal = a >= 1.0 and b >= 1.0
    if upper:
        return _tail_sum(logpmf, x, n + 1, 1, unimodal)
    return _tail_sum(logpmf, x, -1, -1, unimodal)


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / _SQRT2)


def mann_whitney_greater(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """One-sided Mann-Whitney U test that ``xs`` tend to be larger than ``ys``.

    Normal approximation with tie correction and continuity correction. Returns (U of xs,
    p). With an empty sample or no variance, p is 1.
    """
    n1, n2 = len(xs), len(ys)
    if n1 == 0 or n2 == 0:
        return (0.0, 1.0)
    pooled = sorted([(v, 0) for v in xs] + [(v, 1) for v in ys])
    total = n1 + n2
    rank_sum = 0.0
    ties = 0.0
    i = 0
    while i < total:
        j = i
        value = pooled[i][0]
        while j + 1 < total and pooled[j + 1][0] == value:
            j += 1
        count = j - i + 1
        rank = (i + j) / 2.0 + 1.0
        if count > 1:
            ties += count**3 - count
        for k in range(i, j + 1):
            if pooled[k][1] == 0:
                rank_sum += rank
        i = j + 1
    u1 = rank_sum - n1 * (n1 + 1) / 2.0
    var = n1 * n2 / 12.0 * ((total + 1) - ties / (total * (total - 1)))
    if var <= 0:
        return (u1, 1.0)
    z = (u1 - n1 * n2 / 2.0 - 0.5) / math.sqrt(var)
    return (u1, _normal_sf(z))


def canary_miss_posterior(caught: int, planted: int, rate: float = 0.5) -> float:
    """P(true catch rate < ``rate`` | caught of planted), uniform Beta(1, 1) prior.

    For rate 0.5 this is P(Binomial(planted + 1, 1/2) >= caught + 1), computed exactly.
    """
    if planted <= 0:
        return 0.0
    a, b = caught + 1, planted - caught + 1
    m = a + b - 1  # regularized incomplete beta I_rate(a, b) = P(Bin(m, rate) >= a)
    if rate == 0.5:
        return sum(math.comb(m, j) for j in range(a, m + 1)) / 2**m
    return sum(math.comb(m, j) * rate**j * (1 - rate) ** (m - j) for j in range(a, m + 1))


def cohen_kappa_binary(first_approved: Sequence[bool], agreed: Sequence[bool]) -> float | None:
    """Kappa between a first reviewer (approve or not) and a blind second reviewer.

    The second reviewer's call is the first one when they agreed, the other one when not.
    None when it is undefined (both raters put everything in one class).
    """
    n = len(first_approved)
    if n == 0:
        return None
    both = sum(1 for a, g in zip(first_approved, agreed, strict=True) if g)
    p1 = sum(first_approved) / n
    second = sum(1 for a, g in zip(first_approved, agreed, strict=True) if a == g) / n
    po = both / n
    pe = p1 * second + (1 - p1) * (1 - second)
    if pe >= 1.0:
        return None
    return (po - pe) / (1 - pe)


def robust_center(values: Sequence[float]) -> tuple[float, float]:
    """(median, MAD) of ``values``; (nan, nan) when empty."""
    if not values:
        return (math.nan, math.nan)
    mid = median(values)
    return (mid, median([abs(v - mid) for v in values]))


# ---------------------------------------------------------------------------------------------
# Collection into compact columns
# ---------------------------------------------------------------------------------------------


class _Columns:
    __slots__ = (
        "o",
        "d",
        "act",
        "w",
        "a",
        "e",
        "c",
        "q",
        "src",
        "tag",
        "items",
        "ids",
        "links",
        "lines",
        "why",
    )

    def __init__(self) -> None:
        self.o = array("d")
        self.d = array("d")
        self.act = array("d")  # NaN = not reported
        self.w = array("l")
        self.a = array("b")
        self.e = array("b")
        self.c = array("b")
        self.q = array("b")  # -1 not sampled, 0 disagreed, 1 agreed
        self.src = array("l")
        self.tag = array("l")
        self.items: list[str] = []
        self.ids: list[str | None] = []
        self.links: dict[int, str] = {}  # position -> link, only when given
        self.lines = array("l")  # 0 when the record did not come from a log line
        self.why: list[tuple[int, str]] = []  # (position, reason text)


_FLUSH_AT = 65536


def _extend(column: array, values: tuple) -> None:
    """Append a tuple of numbers to an array (via struct: ~5x faster than array.extend)."""
    column.frombytes(struct.pack(f"{len(values)}{column.typecode}", *values))


class OversightAnalyzer:
    """Feed records (``add``) or log lines (``add_line``/``add_lines``), then ``report()``.

    Records are buffered per reviewer as tuples and moved into the compact columns in
    batches (a C-level transpose), which keeps a million-line log cheap to collect.
    """

    def __init__(
        self,
        settings: OversightSettings = DEFAULT_SETTINGS,
        *,
        window_days: float | None = None,
        now: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.window_days = window_days
        self.now = now
        self._by_reviewer: dict[str, _Columns] = {}
        self._pending: dict[str, list[tuple]] = {}
        self._pending_count = 0
        self._sources: dict[str, int] = {}
        self._tagsets: dict[tuple[str, ...], int] = {}
        self._latest = -math.inf
        self.records = 0
        self.clamped = 0
        self.lines_read = 0
        self.errors: list[RecordError] = []
        self.error_count = 0
        self.keep_errors = 1000

    # -- input ---------------------------------------------------------------------------------
    def _push(self, f: tuple) -> None:
        rows = self._pending.get(f[0])
        if rows is None:
            rows = self._pending[f[0]] = []
        rows.append(f)
        self._pending_count += 1
        if self._pending_count >= _FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        smap, tmap = self._sources, self._tagsets
        for name, rows in self._pending.items():
            cols = self._by_reviewer.get(name)
            if cols is None:
                cols = self._by_reviewer[name] = _Columns()
            base = len(cols.items)
            (_, items, sources, tags, words, acts, edited, opened, decided, active, canary, qa,
             reasons, ids, links, clamped, lines) = zip(*rows, strict=True)  # fmt: skip
            for x in set(sources):
                if x not in smap:
                    smap[x] = len(smap)
            for x in set(tags):
                if x not in tmap:
                    tmap[x] = len(tmap)
            _extend(cols.o, opened)
            _extend(cols.d, decided)
            _extend(cols.act, active)
            _extend(cols.w, words)
            _extend(cols.a, acts)
            _extend(cols.e, edited)
            _extend(cols.c, canary)
            _extend(cols.q, qa)
            _extend(cols.src, tuple(map(smap.__getitem__, sources)))
            _extend(cols.tag, tuple(map(tmap.__getitem__, tags)))
            cols.items.extend(items)
            cols.ids.extend(ids)
            _extend(cols.lines, lines)
            if reasons.count(None) != len(reasons):
                cols.why.extend((base + k, r) for k, r in enumerate(reasons) if r is not None)
            if links.count(None) != len(links):
                cols.links.update((base + k, x) for k, x in enumerate(links) if x is not None)
            self.clamped += sum(clamped)
            latest = max(decided)
            if latest > self._latest:
                self._latest = latest
            self.records += len(rows)
        self._pending.clear()
        self._pending_count = 0

    def add(self, record: DecisionRecord) -> None:
        """Add one validated record (the live service's path)."""
        self._push(
            (
                record.reviewer,
                record.item,
                record.source,
                tuple(record.risk_tags),
                record.words,
                _ACTION_CODE[record.action],
                record.edited,
                record.opened_at.timestamp(),
                record.decided_at.timestamp(),
                math.nan if record.active_seconds is None else record.active_seconds,
                record.canary,
                -1 if record.qa_agreed is None else int(record.qa_agreed),
                record.reason,
                record.id,
                record.link,
                False,
                0,
            )
        )

    def add_line(self, text: str | bytes, line: int) -> bool:
        """Add one JSON log line; blank lines are ignored (False). Raises ``RecordError``."""
        self.lines_read += 1
        try:
            decoded = text.decode() if isinstance(text, bytes) else text
            f = _normalize(json.loads(decoded), self.settings.clock_skew_tolerance_seconds, line)
        except ValueError as exc:
            if not isinstance(exc, RecordError) and not text.strip():
                return False
            raise _line_error(exc, line) from None
        self._push(f)
        return True

    def add_lines(self, lines: Iterable[str | bytes]) -> None:
        """Add a whole log; bad lines are counted and kept (the first ``keep_errors``)."""
        loads, normalize = json.loads, _normalize
        tol = self.settings.clock_skew_tolerance_seconds
        pending = self._pending
        number = 0
        with _gc_paused():
            for number, raw in enumerate(lines, start=1):  # noqa: B007 (used after the loop)
                try:
                    text = raw.decode() if type(raw) is bytes else raw
                    f = normalize(loads(text), tol, number)
                except ValueError as exc:
                    if not isinstance(exc, RecordError) and not raw.strip():
                        continue  # blank line
                    self.error_count += 1
                    if len(self.errors) < self.keep_errors:
                        self.errors.append(_line_error(exc, number))
                    continue
                rows = pending.get(f[0])
                if rows is None:
                    rows = pending[f[0]] = []
                rows.append(f)
                self._pending_count += 1
                if self._pending_count >= _FLUSH_AT:
                    self._flush()
        self.lines_read += number

    # -- output --------------------------------------------------------------------------------
    def report(self) -> Report:
        with _gc_paused():
            self._flush()
            return _build_report(self)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work that creates no cycles.

    Collecting a million records allocates millions of short-lived containers; the collector
    would scan the growing heap again and again for nothing (about a fifth of the run time).
    Reference counting still frees everything; the collector is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _line_error(exc: ValueError, line: int) -> RecordError:
    if isinstance(exc, RecordError):
        return exc.at(line)
    if isinstance(exc, UnicodeDecodeError):
        return RecordError("<line>", f"not valid UTF-8 (byte {exc.start}: {exc.reason})", line)
    msg = getattr(exc, "msg", None) or str(exc)
    return RecordError("<json>", f"not valid JSON ({msg})", line)


def analyze(
    records: Iterable[DecisionRecord],
    settings: OversightSettings = DEFAULT_SETTINGS,
    *,
    window_days: float | None = None,
    now: datetime | None = None,
) -> Report:
    """Run the detector over decision records."""
    analyzer = OversightAnalyzer(settings, window_days=window_days, now=now)
    for record in records:
        analyzer.add(record)
    return analyzer.report()


def analyze_lines(
    lines: Iterable[str | bytes],
    settings: OversightSettings = DEFAULT_SETTINGS,
    *,
    window_days: float | None = None,
    now: datetime | None = None,
) -> tuple[Report, list[RecordError]]:
    """Run the detector over a JSON-lines log; bad lines are returned, not raised."""
    analyzer = OversightAnalyzer(settings, window_days=window_days, now=now)
    analyzer.add_lines(lines)
    return analyzer.report(), analyzer.errors


# ---------------------------------------------------------------------------------------------
# Per-reviewer profile (pass 2)
# ---------------------------------------------------------------------------------------------


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _r(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(value, digits)


@dataclass
class _Profile:
    """Everything pass 3 needs about one reviewer (counts and a few examples)."""

    name: str
    n: int = 0
    sessions: int = 0
    session_minutes: list[float] = field(default_factory=list)
    worked_seconds: float = 0.0
    rested: int = 0
    # S1
    under_rested: int = 0
    under_all: int = 0
    under_examples: list[int] = field(default_factory=list)
    # S2
    wpm_median: float | None = None
    wpm_items: int = 0
    wpm_examples: list[int] = field(default_factory=list)
    # S3
    hr_items: int = 0
    hr_approved: int = 0
    hr_examples: list[int] = field(default_factory=list)
    # S4
    edits: int = 0
    strata: dict[int, list[int]] = field(default_factory=dict)
    edit_examples: list[int] = field(default_factory=list)
    # S5
    burst_rested: int = 0
    burst_all: int = 0
    burst_examples: list[int] = field(default_factory=list)
    # S6 / S6b
    early_pace: list[float] = field(default_factory=list)
    late_pace: list[float] = field(default_factory=list)
    late_all: int = 0
    late_examples: list[int] = field(default_factory=list)
    long_session_examples: list[int] = field(default_factory=list)
    # S7
    active_hours: int = 0
    overloaded_hours: int = 0
    overload_examples: list[tuple[float, float, float, int]] = field(default_factory=list)
    overloaded_decisions: int = 0
    # S8
    canaries: int = 0
    caught: int = 0
    canaries_unrested: int = 0
    caught_unrested: int = 0
    missed_examples: list[int] = field(default_factory=list)
    # S9
    pairs: int = 0
    escapes: int = 0
    kappa: float | None = None
    qa_first: list[bool] = field(default_factory=list)
    qa_agreed: list[bool] = field(default_factory=list)
    escape_examples: list[int] = field(default_factory=list)
    # S10
    reasons: int = 0
    top_reason: str | None = None
    top_reason_count: int = 0
    # descriptive
    approvals: int = 0
    rejects: int = 0
    escalations: int = 0
    edited_all: int = 0
    longest_zero_edit_run: int = 0
    median_dwell: float | None = None
    median_active: float | None = None
    unrested: int = 0
    under_unrested: int = 0
    # symbolic index: {source id: [n, symbolic]}, {tagset id: [n, symbolic]}
    symbolic: int = 0
    by_source: dict[int, list[int]] = field(default_factory=dict)
    by_tagset: dict[int, list[int]] = field(default_factory=dict)
    components: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    # example lookup (sorted positions -> evidence dict)
    _cols: Any = None
    _order: Any = None


def _profile(
    name: str,
    cols: _Columns,
    s: OversightSettings,
    high_tagsets: frozenset[int],
    cutoff: float,
) -> _Profile:
    n_all = len(cols.o)
    o_col, d_col = cols.o, cols.d
    o_list = o_col.tolist()
    if cutoff > -math.inf and min(d_col, default=cutoff) < cutoff:
        keep = [i for i in range(n_all) if d_col[i] >= cutoff]
        order = sorted(keep, key=o_list.__getitem__)
        identity = False
    elif sorted(o_list) == o_list:  # the usual case: a log in time order (C-speed check)
        order = range(n_all)
        identity = True
    else:
        order = sorted(range(n_all), key=o_list.__getitem__)
        identity = False
    n = len(order)
    if identity:
        o, d, w = o_list, d_col.tolist(), cols.w.tolist()
        a, e, c, q = cols.a.tolist(), cols.e.tolist(), cols.c.tolist(), cols.q.tolist()
        act, src, tag = cols.act.tolist(), cols.src.tolist(), cols.tag.tolist()
    else:
        o = [o_col[i] for i in order]
        d = [d_col[i] for i in order]
        w = [cols.w[i] for i in order]
        a = [cols.a[i] for i in order]
        e = [cols.e[i] for i in order]
        c = [cols.c[i] for i in order]
        q = [cols.q[i] for i in order]
        act = [cols.act[i] for i in order]
        src = [cols.src[i] for i in order]
        tag = [cols.tag[i] for i in order]
    p = _Profile(name=name, n=n, _cols=cols, _order=order)
    if n == 0:
        return p

    fb, fw = s.floor_base_seconds, 60.0 / s.floor_wpm
    cb, cw = s.careful_base_seconds, 60.0 / s.careful_wpm
    dwell = [y - x for x, y in zip(o, d, strict=True)]
    floors = [fb + x * fw for x in w]
    careful = [cb + x * cw for x in w]
    high = list(map(high_tagsets.__contains__, tag))

    # -- sessions ------------------------------------------------------------------------------
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
    bounds = starts[1:] + [n]
    p.sessions = len(starts)

    offset: list[float] = []
    overloaded = [False] * n
    in_burst = [False] * n
    half = s.overload_window_minutes * 30.0
    min_worked = s.active_hour_min_minutes * 60.0
    k_run = s.s5_run
    hour_worked: dict[int, float] = {}
    for start, stop, end in zip(starts, bounds, ends, strict=True):
        t0 = o[start]
        span = end - t0
        p.session_minutes.append(span / 60.0)
        p.worked_seconds += span
        # clock-hour time worked (S7)
        h = int(t0 // 3600)
        t = t0
        while t < end:
            nxt = min(end, (h + 1) * 3600.0)
            hour_worked[h] = hour_worked.get(h, 0.0) + (nxt - t)
            t = nxt
            h += 1
        so = o[start:stop]
        offset.extend([x - t0 for x in so])
        prefix = list(accumulate(careful[start:stop], initial=0.0))
        floor_prefix = list(accumulate(floors[start:stop], initial=0.0))
        # overload: careful time demanded within +-half around each decision vs time worked
        m = stop - start
        lo = hi = 0
        for k in range(m):
            ok = so[k]
            lim = ok - half
            while so[lo] < lim:
                lo += 1
            lim = ok + half
            while hi < m and so[hi] <= lim:
                hi += 1
            worked = (end if end < lim else lim) - (t0 if t0 > ok - half else ok - half)
            if worked < min_worked:
                worked = min_worked
            if prefix[hi] - prefix[lo] > worked:
                overloaded[start + k] = True
        # bursts: k_run consecutive decisions whose elapsed span is below their floors' sum
        cover_to = -1
        for k in range(m - k_run + 1):
            j = k + k_run - 1
            need = floor_prefix[j + 1] - floor_prefix[k]
            if d[start + j] - so[k] < need and max(d[start + k : start + j + 1]) - so[k] < need:
                for x in range(max(k, cover_to + 1), j + 1):
                    in_burst[start + x] = True
                cover_to = j

    # clock hours (S7): demand of the decisions opened in each hour vs the time worked in it
    careful_prefix = list(accumulate(careful, initial=0.0))
    overloaded_hours = []
    for h, worked in hour_worked.items():
        if worked >= min_worked:
            p.active_hours += 1
            demand = (
                careful_prefix[bisect_left(o, (h + 1) * 3600.0)]
                - careful_prefix[bisect_left(o, h * 3600.0)]
            )
            if demand > worked:
                overloaded_hours.append((demand / worked, h * 3600.0, demand, worked))
    p.overloaded_hours = len(overloaded_hours)
    k_ex = s.examples_per_flag
    for _ratio, h0, demand, worked in heapq.nlargest(k_ex, overloaded_hours):
        first = bisect_left(o, h0)
        p.overload_examples.append((h0, demand, worked, min(first, n - 1)))

    # -- per-decision flags --------------------------------------------------------------------
    rested_limit = s.rested_session_minutes * 60.0
    under = [x < y for x, y in zip(dwell, floors, strict=True)]
    late = [x > rested_limit for x in offset]
    symbolic = [
        u or b or v or t for u, b, v, t in zip(under, in_burst, overloaded, late, strict=True)
    ]
    p.under_all = sum(under)
    p.burst_all = sum(in_burst)
    p.overloaded_decisions = sum(overloaded)
    p.late_all = sum(late)
    p.symbolic = sum(symbolic)
    p.components = [p.under_all, p.burst_all, p.overloaded_decisions, p.late_all]
    for (src_id, tag_id, sym), count in Counter(zip(src, tag, symbolic, strict=True)).items():
        cell = p.by_source.setdefault(src_id, [0, 0])
        cell[0] += count
        cell[1] += count if sym else 0
        cell = p.by_tagset.setdefault(tag_id, [0, 0])
        cell[0] += count
        cell[1] += count if sym else 0
    p.approvals = a.count(_APPROVE)
    p.rejects = a.count(_REJECT)
    p.escalations = a.count(_ESCALATE)
    p.edited_all = sum(e)
    plain = bytes([x == _APPROVE and not y for x, y in zip(a, e, strict=True)])
    p.longest_zero_edit_run = max(len(run) for run in plain.split(b"\x00"))

    # S6: pace = careful time / dwell, early vs late in the session (all work)
    early_limit = s.s6_early_minutes * 60.0
    late_limit = s.s6_late_minutes * 60.0
    p.early_pace = [
        careful[i] / (dwell[i] if dwell[i] > 0.5 else 0.5)
        for i in range(n)
        if offset[i] < early_limit
    ]
    late_idx = [i for i in range(n) if offset[i] > late_limit]
    p.late_pace = [careful[i] / (dwell[i] if dwell[i] > 0.5 else 0.5) for i in late_idx]
    p.late_examples = [i for _, i in heapq.nlargest(k_ex, zip(p.late_pace, late_idx, strict=True))]

    # -- rested work (S1-S5, S8, S9); filters run at C speed (compress/map over index lists) ---
    strained = [x or y for x, y in zip(late, overloaded, strict=True)]
    rested = list(compress(range(n), map(not_, strained)))
    unrested = list(compress(range(n), strained))
    approved = [x == _APPROVE for x in a]
    p.rested = len(rested)
    p.unrested = len(unrested)
    p.under_unrested = sum(map(under.__getitem__, unrested))
    canaries_unrested = _select(unrested, c)
    p.canaries_unrested = len(canaries_unrested)
    p.caught_unrested = p.canaries_unrested - sum(map(approved.__getitem__, canaries_unrested))
    under_rested = _select(rested, under)
    p.under_rested = len(under_rested)
    p.under_examples = heapq.nsmallest(k_ex, under_rested, key=lambda i: dwell[i] / floors[i])
    burst_rested = _select(rested, in_burst)
    p.burst_rested = len(burst_rested)
    p.burst_examples = burst_rested[:k_ex]
    s2_words = s.s2_min_words
    long_rested = _select(rested, [x >= s2_words for x in w])
    if long_rested:
        wpm = [w[i] / (dwell[i] if dwell[i] > 0.5 else 0.5) * 60.0 for i in long_rested]
        p.wpm_items = len(long_rested)
        p.wpm_median = median(wpm)
        p.wpm_examples = [i for _, i in heapq.nlargest(k_ex, zip(wpm, long_rested, strict=True))]
    hr_items = _select(rested, high)
    hr_approved = _select(hr_items, approved)
    p.hr_items = len(hr_items)
    p.hr_approved = len(hr_approved)
    p.hr_examples = heapq.nsmallest(k_ex, hr_approved, key=lambda i: dwell[i] / careful[i])
    p.edit_examples = [i for i in hr_approved if not e[i]][:k_ex]
    edges = s.s4_length_edges
    edited_rested = _select(rested, e)
    p.edits = len(edited_rested)
    stratum = [bisect_right(edges, x) * 2 + h for x, h in zip(w, high, strict=True)]
    totals = Counter(map(stratum.__getitem__, rested))
    edits = Counter(map(stratum.__getitem__, edited_rested))
    p.strata = {key: [count, edits.get(key, 0)] for key, count in totals.items()}
    canaries = _select(rested, c)
    p.canaries = len(canaries)
    missed = _select(canaries, approved)
    p.caught = p.canaries - len(missed)
    p.missed_examples = missed[:k_ex]
    sampled = _select(rested, [x >= 0 for x in q])
    p.qa_first = list(map(approved.__getitem__, sampled))
    p.qa_agreed = [q[i] == 1 for i in sampled]
    approvals_sampled = _select(sampled, approved)
    escapes = [i for i in approvals_sampled if q[i] == 0]
    p.pairs = len(approvals_sampled)
    p.escapes = len(escapes)
    p.escape_examples = escapes[:k_ex]

    longest = heapq.nlargest(k_ex, range(len(starts)), key=p.session_minutes.__getitem__)
    p.long_session_examples = [starts[j] for j in longest if p.session_minutes[j] * 60 > late_limit]
    p.kappa = cohen_kappa_binary(p.qa_first, p.qa_agreed)
    p.median_dwell = median(dwell)
    actives = [x for x in act if x == x]
    p.median_active = median(actives) if actives else None
    if cols.why:
        keep_pos = set(order) if not identity and cutoff > -math.inf else None
        texts = [
            " ".join(t.lower().split())
            for pos, t in cols.why
            if keep_pos is None or pos in keep_pos
        ]
        texts = [t for t in texts if t]
        p.reasons = len(texts)
        if texts:
            p.top_reason, p.top_reason_count = Counter(texts).most_common(1)[0]
    return p


def _select(indices: list[int], flags: Sequence[Any]) -> list[int]:
    """The indices whose flag is true (C speed)."""
    return list(compress(indices, map(flags.__getitem__, indices)))


def _example(p: _Profile, i: int) -> dict[str, Any]:
    pos = p._order[i]
    cols = p._cols
    item, rid, link = cols.items[pos], cols.ids[pos], cols.links.get(pos)
    out: dict[str, Any] = {"id": rid if rid is not None else item, "item": item}
    if link is not None:
        out["link"] = link
    if cols.lines[pos]:
        out["line"] = cols.lines[pos]
    out["opened_at"] = _iso(cols.o[pos])
    out["words"] = cols.w[pos]
    out["dwell_seconds"] = round(cols.d[pos] - cols.o[pos], 1)
    out["action"] = ACTIONS[cols.a[pos]] + (" (edited)" if cols.e[pos] else "")
    out["canary"] = bool(cols.c[pos])
    return out


# ---------------------------------------------------------------------------------------------
# Team baselines and verdicts (pass 3)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Baseline:
    median: float | None
    mad: float | None
    reviewers: int
    source: str  # "team" | "prior" | "none"
    kappa: float | None = None  # beta-binomial concentration (None: plain binomial)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "median": _r(self.median),
            "mad": _r(self.mad),
            "reviewers": self.reviewers,
            "source": self.source,
        }
        if self.kappa is not None:
            out["dispersion_kappa"] = _r(self.kappa, 1)
        return out


def _rate_baseline(
    pairs: list[tuple[int, int]], s: OversightSettings, prior: float | None = None
) -> _Baseline:
    """Median/MAD of rates x/n over reviewers, and a beta-binomial spread from the MAD."""
    if len(pairs) < s.baseline_min_reviewers:
        if prior is None:
            return _Baseline(None, None, len(pairs), "none")
        return _Baseline(prior, None, len(pairs), "prior")
    rates = [x / n for x, n in pairs]
    mid, mad = robust_center(rates)
    m = min(max(mid, s.min_base_rate), 1 - s.min_base_rate)
    sd = _MAD_SCALE * mad
    noise = median([m * (1 - m) / n for _, n in pairs])
    var = sd * sd - noise
    kappa = None
    if var > 1e-9:
        kappa = max(m * (1 - m) / var - 1.0, 2.0)
    return _Baseline(mid, mad, len(pairs), "team", kappa)


def _mean_rate(b: _Baseline, s: OversightSettings) -> float:
    return min(max(b.median or 0.0, s.min_base_rate), 1 - s.min_base_rate)


def _signal(
    sid: str,
    name: str,
    scope: str,
    n: int,
    minimum: int,
    threshold: str,
    baseline: _Baseline | dict | None = None,
) -> dict[str, Any]:
    status = "no data" if n == 0 else ("insufficient" if n < minimum else "ok")
    if isinstance(baseline, _Baseline):
        base = baseline.to_dict()
        if status == "ok" and baseline.source == "none":
            status = "no baseline"
    else:
        base = baseline
    return {
        "id": sid,
        "name": name,
        "scope": scope,
        "status": status,
        "fired": False,
        "value": None,
        "n": n,
        "minimum": minimum,
        "threshold": threshold,
        "baseline": base,
    }


def _evaluable(sig: dict[str, Any]) -> bool:
    return sig["status"] == "ok"


def _fire(sig: dict[str, Any]) -> None:
    sig["fired"] = True
    sig["status"] = "fired"


@dataclass
class ReviewerResult:
    reviewer: str
    verdict: str
    flagged: bool
    reasons: list[str]
    signals: dict[str, dict[str, Any]]
    metrics: dict[str, Any]
    evidence: list[dict[str, Any]]
    risk_factors: list[dict[str, Any]] = field(default_factory=list)
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


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _stratum_rates(profiles: list[_Profile], s: OversightSettings) -> dict[int, float]:
    """Team edit rate per stratum: median of reviewers' rates with enough items there."""
    per: dict[int, list[float]] = {}
    pooled: dict[int, list[int]] = {}
    for p in profiles:
        for key, (n, x) in p.strata.items():
            tot = pooled.setdefault(key, [0, 0])
            tot[0] += n
            tot[1] += x
            if n >= s.s4_stratum_min:
                per.setdefault(key, []).append(x / n)
    rates = {}
    for key, (n, x) in pooled.items():
        vals = per.get(key, [])
        rates[key] = median(vals) if len(vals) >= s.baseline_min_reviewers else x / n
    return rates


def _build_report(an: OversightAnalyzer) -> Report:
    s = an.settings
    high_tagsets = frozenset(
        idx for tags, idx in an._tagsets.items() if any(t in s.high_risk_tags for t in tags)
    )
    cutoff = -math.inf
    window: dict[str, Any] = {"days": None, "start": None, "end": None}
    if an.records:
        end = an.now.timestamp() if an.now is not None else an._latest
        window["end"] = _iso(end)
        if an.window_days is not None:
            cutoff = end - an.window_days * 86400.0
            window["days"] = an.window_days
            window["start"] = _iso(cutoff)
    profiles = [
        _profile(name, cols, s, high_tagsets, cutoff)
        for name, cols in sorted(an._by_reviewer.items())
    ]
    profiles = [p for p in profiles if p.n > 0]

    # -- team baselines ------------------------------------------------------------------------
    b_s1 = _rate_baseline(
        [(p.under_rested, p.rested) for p in profiles if p.rested >= s.s1_min_decisions],
        s,
        s.prior_s1_share,
    )
    wpms = [p.wpm_median for p in profiles if p.wpm_items >= s.s2_min_items]
    if len(wpms) >= s.baseline_min_reviewers:
        mid, mad = robust_center(wpms)  # type: ignore[arg-type]
        b_s2 = _Baseline(mid, mad, len(wpms), "team")
        s2_sd = max(_MAD_SCALE * mad, s.s2_min_sd_wpm)
    else:
        b_s2 = _Baseline(s.prior_s2_median_wpm, None, len(wpms), "prior")
        s2_sd = s.prior_s2_sd_wpm
    b_s3 = _rate_baseline(
        [(p.hr_approved, p.hr_items) for p in profiles if p.hr_items >= s.s3_min_items], s
    )
    strata = _stratum_rates(profiles, s)
    s4_pairs = [(p.edits, p.rested) for p in profiles if p.rested >= s.s4_min_decisions]
    b_s4_plain = _rate_baseline(s4_pairs, s)
    # the spread of risk/length-adjusted rates: edits / expected x the team's plain median
    adjusted = []
    for p in profiles:
        if p.rested >= s.s4_min_decisions:
            expected = sum(n * strata[k] for k, (n, _) in p.strata.items())
            if expected > 0 and b_s4_plain.median is not None:
                ratio = p.edits / expected * b_s4_plain.median
                adjusted.append((round(ratio * p.rested), p.rested))
    b_s4 = _rate_baseline(adjusted, s) if b_s4_plain.source == "team" else b_s4_plain
    b_s5 = _rate_baseline(
        [(p.burst_rested, p.rested) for p in profiles if p.rested >= s.s5_min_decisions],
        s,
        s.prior_s5_share,
    )
    b_s9 = _rate_baseline([(p.escapes, p.pairs) for p in profiles if p.pairs >= s.s9_min_pairs], s)
    speed_ratios = [
        median(p.late_pace) / median(p.early_pace)
        for p in profiles
        if len(p.late_pace) >= s.s6_min_per_part and len(p.early_pace) >= s.s6_min_per_part
    ]
    long_shares = [p.late_all / p.n for p in profiles if p.n >= s.s6b_min_decisions]
    overload_shares = [
        p.overloaded_hours / p.active_hours for p in profiles if p.active_hours >= s.s7_min_hours
    ]
    catch_rates = [p.caught / p.canaries for p in profiles if p.canaries >= s.s8_min_canaries]
    reason_shares = [
        p.top_reason_count / p.reasons for p in profiles if p.reasons >= s.s10_min_reasons
    ]

    def _plain(values: list[float]) -> _Baseline:
        mid, mad = robust_center(values)
        if not values:
            return _Baseline(None, None, 0, "none")
        return _Baseline(mid, mad, len(values), "team")

    b_s6, b_s6b, b_s7 = _plain(speed_ratios), _plain(long_shares), _plain(overload_shares)
    b_s8, b_s10 = _plain(catch_rates), _plain(reason_shares)

    # descriptive team medians
    def _team_median(values: list[float]) -> float | None:
        return _r(median(values)) if values else None

    hours = [p.n / (p.worked_seconds / 3600.0) for p in profiles if p.worked_seconds >= 600]
    team_metrics = {
        "items_per_hour": _team_median(hours),
        "median_dwell_seconds": _team_median([p.median_dwell for p in profiles]),
        "approval_rate": _team_median([p.approvals / p.n for p in profiles]),
        "edit_rate": _team_median([p.edited_all / p.n for p in profiles]),
        "reject_rate": _team_median([p.rejects / p.n for p in profiles]),
        "escalate_rate": _team_median([p.escalations / p.n for p in profiles]),
    }

    results = [
        _judge(
            p,
            s,
            {
                "S1": b_s1,
                "S2": b_s2,
                "S3": b_s3,
                "S4": b_s4,
                "S5": b_s5,
                "S6": b_s6,
                "S6b": b_s6b,
                "S7": b_s7,
                "S8": b_s8,
                "S9": b_s9,
                "S10": b_s10,
            },
            s2_sd,
            strata,
            team_metrics,
        )
        for p in profiles
    ]

    # -- team summary --------------------------------------------------------------------------
    total = sum(p.n for p in profiles)
    symbolic = sum(p.symbolic for p in profiles)
    comps = [sum(p.components[k] for p in profiles) for k in range(4)]
    source_names = {v: k for k, v in an._sources.items()}
    tag_names = {v: k for k, v in an._tagsets.items()}
    by_source: dict[str, list[int]] = {}
    by_tag: dict[str, list[int]] = {}
    for p in profiles:
        for sid, (n, x) in p.by_source.items():
            cell = by_source.setdefault(source_names[sid] or "(none)", [0, 0])
            cell[0] += n
            cell[1] += x
        for tid, (n, x) in p.by_tagset.items():
            for tag_name in tag_names[tid] or ("(untagged)",):
                cell = by_tag.setdefault(tag_name, [0, 0])
                cell[0] += n
                cell[1] += x

    def _share(cells: dict[str, list[int]]) -> dict[str, Any]:
        return {
            k: {"decisions": n, "symbolic": x, "index": _r(x / n if n else 0.0)}
            for k, (n, x) in sorted(cells.items())
        }

    verdicts = Counter(r.verdict for r in results)
    conditions = [
        {
            "reviewer": r.reviewer,
            "signals": [k for k in ("S6", "S6b", "S7") if r.signals[k]["fired"]],
            "overloaded_hours": r.signals["S7"]["details"]["overloaded_hours"],
            "active_hours": r.signals["S7"]["details"]["active_hours"],
        }
        for r in results
        if any(r.signals[k]["fired"] for k in ("S6", "S6b", "S7"))
    ]
    team = {
        "reviewers": len(results),
        "decisions": total,
        "window": window,
        "verdicts": {
            v: verdicts.get(v, 0) for v in ("ok", "individual", "conditions", "insufficient")
        },
        "flagged": sum(r.flagged for r in results),
        "metrics": team_metrics,
        "baselines": {
            "S1_under_floor_share": b_s1.to_dict(),
            "S2_wpm": b_s2.to_dict(),
            "S3_high_risk_approval_rate": b_s3.to_dict(),
            "S4_edit_rate": b_s4.to_dict(),
            "S4_edit_rate_by_stratum": {
                _stratum_name(k, s): _r(v) for k, v in sorted(strata.items())
            },
            "S5_burst_share": b_s5.to_dict(),
            "S6_late_early_speed_ratio": b_s6.to_dict(),
            "S6b_long_session_share": b_s6b.to_dict(),
            "S7_overloaded_hour_share": b_s7.to_dict(),
            "S8_canary_catch_rate": b_s8.to_dict(),
            "S9_escape_rate": b_s9.to_dict(),
            "S10_top_reason_share": b_s10.to_dict(),
        },
        "symbolic_oversight_index": {
            "value": _r(symbolic / total if total else 0.0),
            "decisions": total,
            "symbolic": symbolic,
            "definition": "share of decisions under the reading floor, in a burst, in an "
            "overloaded stretch, or more than "
            f"{s.rested_session_minutes:g} min into a session",
            "components": {
                "under_floor": comps[0],
                "in_burst": comps[1],
                "overloaded": comps[2],
                "late_in_long_session": comps[3],
            },
            "by_source": _share(by_source),
            "by_risk_tag": _share(by_tag),
        },
        "conditions": {
            "note": "workload signals: a staffing matter for the manager, not a person to blame",
            "reviewers": conditions,
            "overloaded_hours": sum(p.overloaded_hours for p in profiles),
            "active_hours": sum(p.active_hours for p in profiles),
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
    return Report(reviewers=results, team=team)


def _stratum_name(key: int, s: OversightSettings) -> str:
    bucket, hr = divmod(key, 2)
    edges = (0, *s.s4_length_edges)
    lo = edges[bucket]
    hi = edges[bucket + 1] - 1 if bucket + 1 < len(edges) else None
    words = f"{lo}-{hi} words" if hi is not None else f"{lo}+ words"
    return f"{'high-risk' if hr else 'other'}, {words}"


def _judge(
    p: _Profile,
    s: OversightSettings,
    base: dict[str, _Baseline],
    s2_sd: float,
    strata: dict[int, float],
    team_metrics: dict[str, Any],
) -> ReviewerResult:
    k_ex = s.examples_per_flag
    sig: dict[str, dict[str, Any]] = {}
    evidence: list[dict[str, Any]] = []

    def examples(idx: list[int]) -> list[dict[str, Any]]:
        return [_example(p, i) for i in idx[:k_ex]]

    def add_evidence(sid: str, kind: str, summary: str, ex: list[dict[str, Any]]) -> None:
        item = sig[sid]
        evidence.append(
            {
                "signal": sid,
                "kind": kind,
                "summary": summary,
                "value": item["value"],
                "n": item["n"],
                "baseline": item["baseline"],
                "threshold": item["threshold"],
                "minimum": item["minimum"],
                "examples": ex,
            }
        )

    # S1 -----------------------------------------------------------------------------------
    b = base["S1"]
    x = sig["S1"] = _signal(
        "S1",
        "under the reading floor",
        "rested",
        p.rested,
        s.s1_min_decisions,
        f"Wilson lower bound > {s.s1_wilson_lower:g} and team tail p < {s.s1_p:g} "
        f"(floor = {s.floor_base_seconds:g} s + words / {s.floor_wpm:g} wpm)",
        b,
    )
    if p.rested:
        lo, hi = wilson_interval(p.under_rested, p.rested, s.wilson_z)
        x["value"] = _r(p.under_rested / p.rested)
        x["details"] = {"under_floor": p.under_rested, "wilson": [_r(lo), _r(hi)]}
        if _evaluable(x):
            pv = beta_binomial_tail(p.under_rested, p.rested, _mean_rate(b, s), b.kappa, upper=True)
            x["details"]["p"] = _r(pv, 8)
            if lo > s.s1_wilson_lower and pv < s.s1_p:
                _fire(x)
                add_evidence(
                    "S1",
                    "individual",
                    f"{p.under_rested} of {p.rested} rested decisions "
                    f"({_pct(p.under_rested / p.rested)}, 95% lower bound {_pct(lo)}) were made "
                    f"faster than the text can be read; team median {_pct(b.median)}",
                    examples(p.under_examples),
                )

    # S2 -----------------------------------------------------------------------------------
    b = base["S2"]
    x = sig["S2"] = _signal(
        "S2",
        "skimming",
        "rested",
        p.wpm_items,
        s.s2_min_items,
        f"median > {s.s2_wpm:g} wpm on items of {s.s2_min_words}+ words and robust z > {s.s2_z:g}",
        b,
    )
    if p.wpm_median is not None:
        z = (p.wpm_median - (b.median or 0.0)) / s2_sd
        x["value"] = _r(p.wpm_median, 1)
        x["details"] = {"robust_z": _r(z, 2), "robust_sd": _r(s2_sd, 1)}
        if _evaluable(x) and p.wpm_median > s.s2_wpm and z > s.s2_z:
            _fire(x)
            add_evidence(
                "S2",
                "soft",
                f"median {p.wpm_median:.0f} wpm on {p.wpm_items} rested items of "
                f"{s.s2_min_words}+ words (team median {b.median or 0:.0f} wpm, z = {z:.1f})",
                examples(p.wpm_examples),
            )

    # S3 -----------------------------------------------------------------------------------
    b = base["S3"]
    x = sig["S3"] = _signal(
        "S3",
        "high-risk approval excess",
        "rested",
        p.hr_items,
        s.s3_min_items,
        f"approvals of high-risk items, beta-binomial tail p < {s.s3_alert_p:g} "
        f"(alert), < {s.s3_alarm_p:g} (alarm)",
        b,
    )
    if p.hr_items:
        lo, hi = wilson_interval(p.hr_approved, p.hr_items, s.wilson_z)
        x["value"] = _r(p.hr_approved / p.hr_items)
        x["details"] = {"approved": p.hr_approved, "wilson": [_r(lo), _r(hi)]}
        if _evaluable(x):
            pv = beta_binomial_tail(
                p.hr_approved, p.hr_items, _mean_rate(b, s), b.kappa, upper=True
            )
            x["details"]["p"] = _r(pv, 8)
            if pv < s.s3_alert_p:
                _fire(x)
                level = "alarm" if pv < s.s3_alarm_p else "alert"
                x["details"]["level"] = level
                add_evidence(
                    "S3",
                    "soft",
                    f"approved {p.hr_approved} of {p.hr_items} high-risk items "
                    f"({_pct(p.hr_approved / p.hr_items)}; team median {_pct(b.median)}; "
                    f"{level}, p = {pv:.2g})",
                    examples(p.hr_examples),
                )

    # S4 -----------------------------------------------------------------------------------
    b = base["S4"]
    x = sig["S4"] = _signal(
        "S4",
        "never edits",
        "rested",
        p.rested,
        s.s4_min_decisions,
        f"edits below the team's (by risk and length), lower tail p < {s.s4_p:g}",
        b,
    )
    if p.rested:
        expected = sum(n * strata.get(k, 0.0) for k, (n, _) in p.strata.items())
        x["value"] = _r(p.edits / p.rested)
        x["details"] = {"edits": p.edits, "expected_edits": _r(expected, 1)}
        if _evaluable(x):
            mean = min(max(expected / p.rested, s.min_base_rate), 1 - s.min_base_rate)
            pv = beta_binomial_tail(p.edits, p.rested, mean, b.kappa, upper=False)
            x["details"]["p"] = _r(pv, 8)
            if pv < s.s4_p:
                _fire(x)
                add_evidence(
                    "S4",
                    "soft",
                    f"{p.edits} edits in {p.rested} rested decisions where the team's rates "
                    f"for the same risk and length predict {expected:.1f} (p = {pv:.2g})",
                    examples(p.edit_examples),
                )

    # S5 -----------------------------------------------------------------------------------
    b = base["S5"]
    x = sig["S5"] = _signal(
        "S5",
        "bursts",
        "rested",
        p.rested,
        s.s5_min_decisions,
        f"runs of {s.s5_run} decisions faster than the sum of their floors: > "
        f"{s.s5_share:g} of decisions and tail p < {s.s5_p:g}",
        b,
    )
    if p.rested:
        share = p.burst_rested / p.rested
        x["value"] = _r(share)
        x["details"] = {"in_bursts": p.burst_rested}
        if _evaluable(x):
            pv = beta_binomial_tail(p.burst_rested, p.rested, _mean_rate(b, s), b.kappa, upper=True)
            x["details"]["p"] = _r(pv, 8)
            if share > s.s5_share and pv < s.s5_p:
                _fire(x)
                add_evidence(
                    "S5",
                    "individual",
                    f"{p.burst_rested} of {p.rested} rested decisions ({_pct(share)}) sit in "
                    f"runs of {s.s5_run} made faster than the texts can be read; team median "
                    f"{_pct(b.median)}",
                    examples(p.burst_examples),
                )

    # S6 -----------------------------------------------------------------------------------
    x = sig["S6"] = _signal(
        "S6",
        "fatigue drift",
        "all",
        min(len(p.early_pace), len(p.late_pace)),
        s.s6_min_per_part,
        f"pace late in a session (> {s.s6_late_minutes:g} min) / early (< "
        f"{s.s6_early_minutes:g} min) > {s.s6_ratio:g} and Mann-Whitney p < {s.s6_p:g}",
        base["S6"],
    )
    x["details"] = {"early": len(p.early_pace), "late": len(p.late_pace)}
    if p.early_pace and p.late_pace:
        ratio = median(p.late_pace) / median(p.early_pace)
        x["value"] = _r(ratio, 3)
        if _evaluable(x):
            _, pv = mann_whitney_greater(p.late_pace, p.early_pace)
            x["details"]["p"] = _r(pv, 8)
            if ratio > s.s6_ratio and pv < s.s6_p:
                _fire(x)
                add_evidence(
                    "S6",
                    "conditions",
                    f"{ratio:.2f}x faster more than {s.s6_late_minutes:g} min into a session "
                    f"than in its first {s.s6_early_minutes:g} min ({len(p.late_pace)} late vs "
                    f"{len(p.early_pace)} early decisions, p = {pv:.2g})",
                    examples(p.late_examples),
                )

    # S6b ----------------------------------------------------------------------------------
    x = sig["S6b"] = _signal(
        "S6b",
        "long sessions",
        "all",
        p.n,
        s.s6b_min_decisions,
        f"share of decisions > {s.rested_session_minutes:g} min into a session without a "
        f"{s.session_gap_minutes:g}-min break > {s.s6b_share:g}",
        base["S6b"],
    )
    share = p.late_all / p.n
    x["value"] = _r(share)
    x["details"] = {
        "late": p.late_all,
        "sessions": p.sessions,
        "longest_session_minutes": _r(max(p.session_minutes), 1),
    }
    if _evaluable(x) and share > s.s6b_share:
        _fire(x)
        add_evidence(
            "S6b",
            "conditions",
            f"{_pct(share)} of {p.n} decisions were made more than "
            f"{s.rested_session_minutes:g} min into a session (longest "
            f"{max(p.session_minutes):.0f} min)",
            examples(p.long_session_examples),
        )

    # S7 -----------------------------------------------------------------------------------
    x = sig["S7"] = _signal(
        "S7",
        "overload",
        "all",
        p.active_hours,
        s.s7_min_hours,
        f"careful-reading time demanded ({s.careful_base_seconds:g} s + words / "
        f"{s.careful_wpm:g} wpm) above the time worked in > {s.s7_share:g} of active hours",
        base["S7"],
    )
    x["details"] = {"overloaded_hours": p.overloaded_hours, "active_hours": p.active_hours}
    if p.active_hours:
        share = p.overloaded_hours / p.active_hours
        x["value"] = _r(share)
        if _evaluable(x) and share > s.s7_share:
            _fire(x)
            hours_ex = []
            for h0, demand, worked, first in p.overload_examples:
                ex = _example(p, first)
                ex["hour"] = _iso(h0)
                ex["demanded_minutes"] = round(demand / 60.0, 1)
                ex["worked_minutes"] = round(worked / 60.0, 1)
                hours_ex.append(ex)
            add_evidence(
                "S7",
                "conditions",
                f"{p.overloaded_hours} of {p.active_hours} active hours demanded more careful "
                f"reading than the time worked",
                hours_ex,
            )

    # S8 -----------------------------------------------------------------------------------
    x = sig["S8"] = _signal(
        "S8",
        "misses canaries",
        "rested",
        p.canaries,
        s.s8_min_canaries,
        f"P(catch rate < {s.s8_catch_rate:g} | caught of planted) > {s.s8_posterior:g}",
        base["S8"],
    )
    if p.canaries:
        post = canary_miss_posterior(p.caught, p.canaries, s.s8_catch_rate)
        x["value"] = _r(p.caught / p.canaries)
        x["details"] = {"caught": p.caught, "planted": p.canaries, "posterior": _r(post)}
        if _evaluable(x) and post > s.s8_posterior:
            _fire(x)
            add_evidence(
                "S8",
                "individual",
                f"caught {p.caught} of {p.canaries} planted known-bad drafts in rested work "
                f"(P(catch rate < {s.s8_catch_rate:g}) = {post:.3f}); team median catch rate "
                f"{_pct(base['S8'].median)}",
                examples(p.missed_examples),
            )

    # S9 -----------------------------------------------------------------------------------
    b = base["S9"]
    x = sig["S9"] = _signal(
        "S9",
        "second-review escapes",
        "rested",
        p.pairs,
        s.s9_min_pairs,
        f"share of sampled approvals the second reviewer changed, tail p < {s.s9_p:g}; "
        f"kappa < {s.s9_kappa:g} is a concern",
        b,
    )
    x["details"] = {"escapes": p.escapes, "kappa": _r(p.kappa, 3), "kappa_concern": False}
    if p.pairs:
        x["value"] = _r(p.escapes / p.pairs)
        x["details"]["kappa_concern"] = (
            p.kappa is not None and p.kappa < s.s9_kappa and p.pairs >= s.s9_min_pairs
        )
        if _evaluable(x):
            pv = beta_binomial_tail(p.escapes, p.pairs, _mean_rate(b, s), b.kappa, upper=True)
            x["details"]["p"] = _r(pv, 8)
            if pv < s.s9_p:
                _fire(x)
                add_evidence(
                    "S9",
                    "soft",
                    f"the blind second reviewer changed {p.escapes} of {p.pairs} sampled "
                    f"approvals ({_pct(p.escapes / p.pairs)}; team median {_pct(b.median)}; "
                    f"kappa {p.kappa if p.kappa is not None else float('nan'):.2f})",
                    examples(p.escape_examples),
                )

    # S10 ----------------------------------------------------------------------------------
    x = sig["S10"] = _signal(
        "S10",
        "boilerplate reasons",
        "all",
        p.reasons,
        s.s10_min_reasons,
        f"share of identical reason texts > {s.s10_share:g} (supporting only)",
        base["S10"],
    )
    if p.reasons:
        share = p.top_reason_count / p.reasons
        x["value"] = _r(share)
        x["details"] = {"top_reason": p.top_reason, "count": p.top_reason_count}
        if _evaluable(x) and share > s.s10_share:
            _fire(x)

    # -- verdict ------------------------------------------------------------------------------
    hard = [k for k in ("S1", "S5", "S8") if sig[k]["fired"]]
    soft = [k for k in ("S2", "S3", "S4", "S9") if sig[k]["fired"]]
    cond = [k for k in ("S6", "S6b", "S7") if sig[k]["fired"]]
    if hard or len(soft) >= 2:
        verdict = "individual"
    elif cond:
        verdict = "conditions"
    else:
        verdict = "ok"
    flagged = verdict != "ok"
    for ev in evidence:
        if ev["kind"] == "soft":
            ev["kind"] = "individual" if verdict == "individual" else "feedback"
        ev["audience"] = "reviewer" if ev["kind"] == "feedback" else "supervisor"
        if ev["kind"] == "conditions":
            ev["audience"] = "manager"
    if sig["S10"]["fired"]:
        evidence.append(
            {
                "signal": "S10",
                "kind": "supporting",
                "audience": "supervisor" if flagged else "reviewer",
                "summary": f"{_pct(sig['S10']['value'])} of {p.reasons} reasons are the same "
                f"text: {p.top_reason!r}",
                "value": sig["S10"]["value"],
                "n": p.reasons,
                "baseline": sig["S10"]["baseline"],
                "threshold": sig["S10"]["threshold"],
                "minimum": sig["S10"]["minimum"],
                "examples": [],
            }
        )
    if verdict == "conditions":
        # show that the rested work is sound and where the misses sit
        evidence.append(
            {
                "signal": "rested-vs-strained",
                "kind": "conditions",
                "audience": "manager",
                "summary": f"rested work ({p.rested} decisions): "
                f"{_pct(p.under_rested / p.rested if p.rested else None)} under the reading "
                f"floor, canaries caught {p.caught}/{p.canaries}; strained work ("
                f"{p.unrested} decisions, late in long sessions or overloaded): "
                f"{_pct(p.under_unrested / p.unrested if p.unrested else None)} under the "
                f"floor, canaries caught {p.caught_unrested}/{p.canaries_unrested}",
                "value": None,
                "n": p.n,
                "baseline": None,
                "threshold": None,
                "minimum": None,
                "examples": [],
            }
        )
    by_signal = {ev["signal"]: ev["summary"] for ev in evidence}
    reasons: list[str] = []
    if verdict == "individual":
        reasons += [f"{k}: {by_signal[k]}" for k in hard + soft]
    elif verdict == "conditions":
        reasons += [f"{k}: {by_signal[k]}" for k in cond]
        reasons.append("workload, not the person: rested work is sound (staffing signal)")
    elif soft:
        reasons.append(f"private feedback only ({', '.join(soft)})")
    if verdict == "individual" and cond:
        reasons += [f"also {k} (workload)" for k in cond]

    lo, hi = wilson_interval(p.approvals, p.n, s.wilson_z)
    metrics = {
        "decisions": p.n,
        "rested_decisions": p.rested,
        "sessions": p.sessions,
        "median_session_minutes": _r(median(p.session_minutes), 1),
        "items_per_hour": _r(p.n / (p.worked_seconds / 3600.0), 1)
        if p.worked_seconds >= 600
        else None,
        "median_dwell_seconds": _r(p.median_dwell, 1),
        "median_active_seconds": _r(p.median_active, 1),
        "under_floor_share_all": _r(p.under_all / p.n),
        "approval_rate": {"value": _r(p.approvals / p.n), "wilson": [_r(lo), _r(hi)]},
        "high_risk_approval_rate": sig["S3"]["value"],
        "edit_rate": _r(p.edited_all / p.n),
        "reject_rate": _r(p.rejects / p.n),
        "escalate_rate": _r(p.escalations / p.n),
        "longest_zero_edit_approval_streak": p.longest_zero_edit_run,
        "burst_share_all": _r(p.burst_all / p.n),
        "canary_catch_rate": sig["S8"]["value"],
        "second_review_agreement": _r(sum(p.qa_agreed) / len(p.qa_agreed)) if p.qa_agreed else None,
        "symbolic_share": _r(p.symbolic / p.n),
        "team": team_metrics,
    }
    return _interim_contract(
        ReviewerResult(p.name, verdict, flagged, reasons, sig, metrics, evidence), p, s
    )


def _interim_contract(r: ReviewerResult, p: _Profile, s: OversightSettings) -> ReviewerResult:
    """Interim: the fields the rewritten engine provides (verdict "insufficient", risk
    factors, why items per hour is missing), filled simply until it lands."""
    r.metrics["items_per_hour_note"] = (
        None
        if r.metrics["items_per_hour"] is not None
        else f"{p.sessions} session{'s' if p.sessions != 1 else ''} of "
        f"{p.worked_seconds / 60:.0f} min in all: under 10 minutes of work"
    )
    s6b, s7 = r.signals["S6b"], r.signals["S7"]
    measured = {
        "S6b": f"{_pct(s6b['value'])} of decisions more than {s.rested_session_minutes:g} min "
        "into a session",
        "S7": f"{s7['details']['overloaded_hours']} of {s7['details']['active_hours']} active "
        "hours demanded more careful reading than the time worked",
    }
    r.risk_factors = [
        {
            "id": sid,
            "name": name,
            "present": sig["fired"],
            "value": sig["value"],
            "summary": measured[sid]
            if sig["status"] not in ("insufficient", "no data")
            else f"not enough data ({sig['n']} of {sig['minimum']} needed)",
        }
        for sid, name, sig in (("S6b", "long sessions", s6b), ("S7", "high demand", s7))
    ]
    if r.verdict == "ok" and p.rested < s.s1_min_decisions:
        need = s.s1_min_decisions
        r.verdict = "insufficient"
        r.insufficient = {
            "have": p.rested,
            "need": need,
            "unit": "decisions",
            "summary": f"not enough data yet: {p.rested} of {need} decisions, "
            f"{need - p.rested} more needed",
        }
    return r
