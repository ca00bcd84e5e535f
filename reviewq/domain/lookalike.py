"""Values shaped like a source's real ones, for canaries that look like their neighbours.

Pure functions over samples of recent real drafts and a random generator (tests pass a
seeded one). The rules, in one place:

- **Identifiers** (external ids, webhook ids, id-like metadata): a sample is the template;
  its alphanumeric runs are regenerated and its separators kept. A run that is the same in
  every sample (``ticket``, ``2026``) is kept; a run of digits is drawn between the
  smallest and largest value the samples have there (never above: a monotonic source is
  about to use those), with the same width; hex runs get fresh hex; anything else gets a
  fresh character of the same class (digit, lower, upper) except where every sample has
  the same character at that place (a uuid's version digit). With one sample only, a
  leading word is kept as the prefix and the first half of a run of digits.
- **Metadata**: the keys, nesting and value types of a random recent draft. A value that
  recurs in several drafts (a model name, a locale, a constant temperature) names no one
  draft and is drawn from those recurring values. Numbers are drawn from the samples'
  range with the template's decimals. Id-like values (by key: ``*_id``, ``request``,
  ``trace``, ``conversation``...; or by value: uuids, hex, runs of 4+ digits) are fresh
  identifiers. Free text (anything with a space) is the canary's own title; any other value
  seen once (it could name one draft) is regenerated like an identifier.
- **Context**: the canary's own context from the library, laid out with the top-level keys
  of a random recent draft; a key the canary does not fill takes a value that recurs in
  several drafts (a shared system prompt names no draft), or else an empty value of the
  same type. Nothing unique to one draft (its conversation, its documents) is ever copied.
"""

from __future__ import annotations

import json
import math
import re
import string
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from random import Random
from typing import Any

MIN_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(minutes=10)
_RUN = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_ID_VALUE = re.compile(
    r".*\d{4}.*"  # a long run of digits
    r"|(?=.*\d)[0-9a-fA-F]{8,}"  # hex
    r"|(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}"  # opaque tokens (ULIDs, base64ish)
)
_ID_LAST_WORDS = {"id", "ids", "uuid", "guid", "key", "ref", "hash", "token", "number", "no", "nr"}
_ID_WORDS = {"request", "trace", "span", "session", "conversation", "thread", "correlation"}
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def plant_delay(rng: Random) -> timedelta:
    """How long after its trigger a canary is due: log-uniform from seconds to minutes, so
    it lands after a varying number of the source's drafts, never a fixed one."""
    low, high = MIN_DELAY.total_seconds(), MAX_DELAY.total_seconds()
    return timedelta(seconds=math.exp(rng.uniform(math.log(low), math.log(high))))


def arrival_between(after: datetime, before: datetime, rng: Random) -> datetime:
    """A canary's arrival time strictly between two moments (just before ``before`` when
    they are out of order), so it never equals either."""
    if before - after > timedelta(microseconds=2):
        span = (before - after) / timedelta(microseconds=1)
        return after + timedelta(microseconds=rng.randint(1, int(span) - 1))
    return before - timedelta(microseconds=rng.randint(1, 999))


def choose(ids: Sequence[int], last: int | None, rng: Random) -> int:
    """A canary from the library, never the one planted last (unless it is the only one).

    Raises:
        IndexError: the library is empty.
    """
    others = [i for i in ids if i != last]
    return rng.choice(others or list(ids))


def identifier_candidates(
    samples: Sequence[str], rng: Random, n: int = 20, loose: bool = False
) -> list[str]:
    """Up to ``n`` fresh identifiers shaped like ``samples``, none equal to a sample.

    Args:
        samples: the source's recent identifiers of one kind.
        rng: the random generator.
        n: how many to draw (repeats and samples are left out).
        loose: draw runs of digits of any value of the same width, not just within the
            samples' range (for when every close one is taken).

    Raises:
        IndexError: no samples.
    """
    if all(_UUID.fullmatch(s) for s in samples):
        return _uuids(samples, rng, n)
    template = _runs(rng.choice(samples))
    peers = [runs for runs in map(_runs, samples) if _same_layout(runs, template)]
    columns = list(zip(*peers, strict=True))
    seen = set(samples)
    out: list[str] = []
    for _ in range(n):
        value = "".join(
            _fresh_run(i, run, list(column), rng, loose)
            for i, (run, column) in enumerate(zip(template, columns, strict=True))
        )
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def metadata_like(samples: Sequence[dict[str, Any]], text: str, rng: Random) -> dict[str, Any]:
    """Metadata with the keys and value types of a recent draft and no value that names one.

    Args:
        samples: metadata of the source's recent real drafts.
        text: the canary's own text, for free-text values (its title).
        rng: the random generator.

    Returns:
        The canary's metadata ({} without samples).
    """
    if not samples:
        return {}
    value = _like("", rng.choice(list(samples)), list(samples), text, rng)
    return value if isinstance(value, dict) else {}


def context_like(
    samples: Sequence[dict[str, Any]], own: dict[str, Any], rng: Random
) -> dict[str, Any]:
    """The canary's own context, with the top-level keys of a recent draft.

    Args:
        samples: contexts of the source's recent real drafts.
        own: the canary's context from the library.
        rng: the random generator.

    Returns:
        The canary's context.
    """
    template = rng.choice(list(samples)) if samples else {}
    out: dict[str, Any] = {}
    for key, value in template.items():
        if key in own:
            out[key] = own[key]
            continue
        recurring = _recurring([s[key] for s in samples if key in s])
        out[key] = rng.choice(recurring) if recurring else _empty_like(value)
    return out | {key: value for key, value in own.items() if key not in out}


def _uuids(samples: Sequence[str], rng: Random, n: int) -> list[str]:
    """Fresh uuids of the samples' version and letter case."""
    template = uuid.UUID(rng.choice(samples))
    upper = any(c.isupper() for c in samples[0])
    out = []
    for _ in range(n):
        value = str(uuid.UUID(int=rng.getrandbits(128), version=template.version or 4))
        out.append(value.upper() if upper else value)
    return [v for v in out if v not in samples]


def _runs(value: str) -> list[str]:
    return _RUN.findall(value)


def _is_separator(run: str) -> bool:
    return not (run[0].isascii() and run[0].isalnum())


def _same_layout(runs: list[str], template: list[str]) -> bool:
    return len(runs) == len(template) and all(
        (a == b) if _is_separator(b) else not _is_separator(a)
        for a, b in zip(runs, template, strict=True)
    )


def _fresh_run(index: int, run: str, column: list[str], rng: Random, loose: bool) -> str:
    """A fresh value for the ``index``-th run of a template, given the samples' runs there."""
    if _is_separator(run):
        return run
    if len(column) > 1 and len(set(column)) == 1:
        return run  # the same in every sample: a prefix, a year, a version
    if len(column) == 1 and index == 0 and run.isalpha():
        return run  # one sample: its leading word is most likely the prefix
    if all(c.isdigit() for c in column):
        return _digits(run, column, rng, loose)
    if _hex(column):
        alphabet = "0123456789abcdef" if run.lower() == run else "0123456789ABCDEF"
        return _per_character(run, column, rng, alphabet)
    return _per_character(run, column, rng)


def _hex(column: list[str]) -> bool:
    """Hex digits throughout, and long or mixed enough not to be a plain word (``cafe``)."""
    return all(_HEX.fullmatch(c) for c in column) and any(
        len(c) >= 6 or (any(x.isdigit() for x in c) and any(x.isalpha() for x in c)) for c in column
    )


def _digits(run: str, column: list[str], rng: Random, loose: bool) -> str:
    """A run of digits: within the samples' range and width (``loose``: any, same width)."""
    width = len(run) if len({len(c) for c in column}) == 1 else 0
    if loose or len(set(column)) == 1:
        keep = 0 if loose else len(run) // 2  # one sample: stay near its value
        tail = "".join(rng.choice(string.digits) for _ in run[keep:])
        value = run[:keep] + tail
        if value[0] == "0" and run[0] != "0":
            value = rng.choice("123456789") + value[1:]
        return value
    number = rng.randint(min(map(int, column)), max(map(int, column)))
    return str(number).zfill(width)


def _per_character(run: str, column: list[str], rng: Random, alphabet: str = "") -> str:
    """Each character replaced by one of its class (or of ``alphabet``), except where
    three or more samples all agree (a uuid's version digit)."""
    aligned = [c for c in column if len(c) == len(run)]
    fixed = {i for i in range(len(run)) if len(aligned) > 2 and len({c[i] for c in aligned}) == 1}
    out = []
    for i, char in enumerate(run):
        if i in fixed:
            out.append(char)
        elif alphabet:
            out.append(rng.choice(alphabet))
        elif char.isdigit():
            out.append(rng.choice(string.digits))
        elif char.islower():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(rng.choice(string.ascii_uppercase))
    return "".join(out)


def id_key(key: str) -> bool:
    """Whether a metadata key names an identifier (``request_id``, ``traceId``, ``session``)."""
    words = [w.lower() for w in _WORD.findall(key)]
    return bool(words) and (words[-1] in _ID_LAST_WORDS or bool(_ID_WORDS & set(words)))


def id_value(value: Any) -> bool:
    """Whether a value looks like an identifier: a uuid, hex, a run of 4+ digits, a long
    opaque token, or an integer of seven digits or more."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) >= 1_000_000
    return isinstance(value, str) and bool(_UUID.fullmatch(value) or _ID_VALUE.fullmatch(value))


def _recurring(values: list[Any]) -> list[Any]:
    """The values seen in two or more samples, once per sighting (so common ones weigh more)."""
    counts = Counter(json.dumps(v, sort_keys=True) for v in values)
    return [v for v in values if counts[json.dumps(v, sort_keys=True)] > 1]


def _like(key: str, value: Any, peers: list[Any], text: str, rng: Random) -> Any:
    """A value shaped like ``value`` (found at ``key``), given what the samples have there."""
    same = [p for p in peers if type(p) is type(value)]
    if value is None or isinstance(value, bool):
        return rng.choice(same) if same else value
    if isinstance(value, dict):
        return {k: _like(k, v, [p[k] for p in same if k in p], text, rng) for k, v in value.items()}
    recurring = _recurring(same)
    if isinstance(value, str | int) and _identifier(key, value, same, recurring):
        return _fresh_identifier(value, same, rng)
    if isinstance(value, list):
        if recurring:
            return rng.choice(recurring)
        pool = [x for p in same for x in p]
        return [_like(key, x, pool, text, rng) for x in value]
    if isinstance(value, int | float):
        if recurring and len(set(same)) * 2 <= len(same):
            return rng.choice(recurring)  # a few values, repeated: categorical
        return _number_between(value, same, rng)
    if isinstance(value, str):
        if recurring:
            return rng.choice(recurring)
        if any(c.isspace() for c in value):
            return text
        if len(same) < 2:
            return value  # the source's first draft: no way to tell a constant from a name
        return _scrambled(value, rng)
    return value


def _identifier(key: str, value: str | int, same: list[Any], recurring: list[Any]) -> bool:
    """An identifier to make afresh: by its key always (never a shared request id); by its
    shape unless three or more drafts carry the very same value (a dated model name)."""
    if isinstance(value, str) and (not value or any(c.isspace() for c in value)):
        return False
    if id_key(key):
        return True
    return id_value(value) and recurring.count(value) < 3


def _fresh_identifier(value: str | int, same: list[Any], rng: Random) -> str | int:
    fresh = identifier_candidates([str(p) for p in same] or [str(value)], rng, 8)
    if isinstance(value, int):
        numbers = [int(f) for f in fresh if f.lstrip("-").isdigit()]
        return numbers[0] if numbers else rng.randint(0, 10 ** len(str(abs(value))))
    return fresh[0] if fresh else _scrambled(value, rng)


def _scrambled(value: str, rng: Random) -> str:
    """Every letter and digit replaced by one of its class; separators kept."""
    return "".join(
        run if _is_separator(run) else _per_character(run, [run], rng) for run in _runs(value)
    )


def _number_between(value: int | float, same: list[Any], rng: Random) -> int | float:
    low, high = min(same, default=value), max(same, default=value)
    if isinstance(value, int):
        return rng.randint(int(low), int(high))
    decimals = len(repr(value).partition(".")[2]) if "e" not in repr(value) else 6
    return round(rng.uniform(low, high), decimals)


def _empty_like(value: Any) -> Any:
    """An empty value of the same type (a key the canary's context does not fill)."""
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return None
