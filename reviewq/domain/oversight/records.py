"""Decision records: the DESIGN section 6 log line, validated (the hot path of ``analyze``).

A bad record raises ``RecordError`` naming the field and the problem; the caller decides what
to do (the CLI prints ``line N: field X: problem`` and carries on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timezone, tzinfo
from operator import itemgetter
from typing import Any

from ..checklist import log_field_problem, rushed
from .settings import DEFAULT_SETTINGS

ACTIONS = ("approve", "reject", "escalate")
ACTION_CODE = {name: code for code, name in enumerate(ACTIONS)}
APPROVE, REJECT, ESCALATE = 0, 1, 2
_CANARY_EXPECTED = (None, "reject", "escalate")


def iso(ts: float) -> str:
    """A POSIX time as ISO 8601 UTC, to the second."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# fixed UTC offsets seen so far, in microseconds (``fromisoformat`` makes a ``timezone``)
_ZONES: dict[tzinfo | None, int] = {}
_EPOCH_DAY = datetime(1970, 1, 1).toordinal()


def _remember_zone(stamp: datetime) -> None:
    """Let ``_normalize`` compute times in this fixed offset by integer arithmetic."""
    zone, offset = stamp.tzinfo, stamp.utcoffset()
    if type(zone) is timezone and offset is not None and len(_ZONES) < 1000:
        _ZONES[zone] = (offset.days * 86400 + offset.seconds) * 1_000_000 + offset.microseconds


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
    _remember_zone(stamp)
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


# Counts and seconds beyond any real decision (and beyond the 64-bit columns the analysis
# keeps them in): a line that claims more is refused like any other bad line.
MAX_COUNT = 10**9
_fromiso = datetime.fromisoformat
_isfinite = math.isfinite
_NAN = math.nan
# reviewers, sources and tag sets repeat on every line: one shared object for each (equal
# values, so nothing changes) means the analyzer's batched move into columns touches a few
# objects still in the CPU cache instead of three cold ones a line; bounded, for logs whose
# values never repeat
_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 100_000


_DESIGN_FIELDS = itemgetter(
    "reviewer", "item", "source", "risk_tags", "words", "action", "edited", "opened_at",
    "decided_at", "active_seconds", "canary", "canary_expected", "qa_agreed",
)  # fmt: skip
_BOOL_OR_NONE = (True, False, None)


def _normalize(obj: Any, tol: float, line: int = 0) -> tuple:
    """Validate one decoded JSON log object; return its fields in engine order.

    Required: reviewer, item, words, action, opened_at, decided_at. Optional with defaults:
    source "", risk_tags [], edited false, active_seconds null, canary false,
    canary_expected null, qa_agreed null, reason null, id null, link null, edit_chars null
    (characters an edit changed, whitespace-only changes not counted), checklist absent or
    null (the ticks of a risky tag's checklist, ``domain/checklist.export_fields``; kept as
    whether every box was ticked within a second of opening: -1 none, 0 no, 1 yes).

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
    if words < 0 or words > MAX_COUNT:
        raise RecordError("words", f"out of range: 0 to {MAX_COUNT:,}")
    code = ACTION_CODE.get(action) if type(action) is str else None
    if code is None:
        raise RecordError("action", f"expected one of {', '.join(ACTIONS)}, got {action!r}")
    if edited not in _BOOL_OR_NONE or type(edited) is int:
        raise RecordError("edited", "expected true or false")
    if edited and code:
        raise RecordError("edited", "true only for an approval (approved with edits)")
    try:  # ``timestamp()`` exactly (microseconds since the epoch / 10**6), at half the cost
        o_dt = _fromiso(opened_at)
        d_dt = _fromiso(decided_at)
        opened = (
            (
                (((o_dt.toordinal() - _EPOCH_DAY) * 24 + o_dt.hour) * 60 + o_dt.minute) * 60
                + o_dt.second
            )
            * 1_000_000
            + o_dt.microsecond
            - _ZONES[o_dt.tzinfo]
        ) / 1_000_000
        decided = (
            (
                (((d_dt.toordinal() - _EPOCH_DAY) * 24 + d_dt.hour) * 60 + d_dt.minute) * 60
                + d_dt.second
            )
            * 1_000_000
            + d_dt.microsecond
            - _ZONES[d_dt.tzinfo]
        ) / 1_000_000
    except (TypeError, ValueError, KeyError):  # a zone not seen yet, or no zone, or not a time
        opened = _parse_time(opened_at, "opened_at")
        decided = _parse_time(decided_at, "decided_at")
    clamped = False
    if active is not None:
        if type(active) is not float and type(active) is not int:
            raise RecordError("active_seconds", "expected a number or null")
        if type(active) is int and not -MAX_COUNT <= active <= MAX_COUNT:
            raise RecordError("active_seconds", f"out of range: at most {MAX_COUNT:,} s")
        if not _isfinite(active):
            raise RecordError("active_seconds", "not a finite number")
        if type(active) is int:
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
    edit_chars = rush = -1
    if extras:  # optional fields beyond the DESIGN ones
        reason, rid, link = get("reason"), get("id"), get("link")
        checklist = get("checklist")
        if checklist is not None:
            if problem := log_field_problem(checklist):
                raise RecordError("checklist", problem)
            rush = 1 if rushed(checklist) else 0
        chars = get("edit_chars")
        if chars is not None:
            if type(chars) is not int or chars < 0 or chars > MAX_COUNT:
                raise RecordError("edit_chars", f"expected an integer 0 to {MAX_COUNT:,} or null")
            edit_chars = chars
        if reason is not None and type(reason) is not str:
            raise RecordError("reason", "expected a string or null")
        if rid is not None and type(rid) is not str:
            if type(rid) is not int:
                raise RecordError("id", "expected a string or null")
            rid = str(rid)
        if link is not None and type(link) is not str:
            raise RecordError("link", "expected a string or null")
    if len(_SHARED) < _SHARED_MAX:  # one object for each repeated value (see _SHARED)
        reviewer = _SHARED.setdefault(reviewer, reviewer)
        source = _SHARED.setdefault(source, source)
        tags = _SHARED.setdefault(tags, tags)
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
        _NAN if active is None else active,
        canary is True,
        -1 if qa is None else (1 if qa else 0),
        reason,
        rid,
        link,
        clamped,
        line,
        edit_chars,
        rush,
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
    edit_chars: int | None = None
    checklist: dict[str, Any] | None = None  # domain/checklist.export_fields, when it had one

    def __post_init__(self) -> None:
        if not self.reviewer:
            raise RecordError("reviewer", "missing or not a non-empty string")
        if self.action not in ACTION_CODE:
            raise RecordError("action", f"expected one of {', '.join(ACTIONS)}")
        if not 0 <= self.words <= MAX_COUNT:
            raise RecordError("words", f"out of range: 0 to {MAX_COUNT:,}")
        if self.edited and self.action != "approve":
            raise RecordError("edited", "true only for an approval (approved with edits)")
        if self.edit_chars is not None and not 0 <= self.edit_chars <= MAX_COUNT:
            raise RecordError("edit_chars", "negative: expected a non-negative integer or null")
        if self.checklist is not None and (problem := log_field_problem(self.checklist)):
            raise RecordError("checklist", problem)
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
            edit_chars=None if f[17] < 0 else f[17],
            checklist=obj.get("checklist") if f[18] >= 0 else None,
        )
