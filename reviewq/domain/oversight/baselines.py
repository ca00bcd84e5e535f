"""What is normal: per-stratum pace norms, and the team's robust baselines for each signal.

Two kinds of comparison make the detector fair to every queue:

* **Norms** (before profiling): how long the team takes on drafts of a stratum (source x
  high-risk or not x length band), as a multiple of the word model. A templated source whose
  long drafts are checked in under a minute, or a queue of one-line drafts, sets its own norm,
  so floors and demand follow the source's own pace instead of a raw word count.
* **Baselines** (after profiling): the team's rate for each signal, a trimmed median and MAD
  over reviewers with enough data (see ``stats.trimmed_center``), with a beta-binomial spread
  for tail tests. Trimming on the bad side keeps a baseline honest when up to 40% of the team
  stamps.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import compress
from statistics import median
from typing import TYPE_CHECKING, Any

from .stats import MAD_SCALE, median_sorted, normal_cdf, quantile, trimmed_center

if TYPE_CHECKING:
    from .collect import Columns
    from .settings import OversightSettings


@dataclass(frozen=True)
class Norms:
    """Careful time of a stratum as a multiple of the word model (1.0 = the word model).

    A stratum key is ``(source * 2 + high_risk) * bands + band`` (``stratum_keys``).
    """

    by_key: dict[int, float]
    by_source: dict[int, float]

    def factor(self, key: int, width: int) -> float:
        """The norm of stratum ``key`` (its source's when the stratum has too few reviewers)."""
        value = self.by_key.get(key)
        if value is None:
            value = self.by_source.get(key // (2 * width), 1.0)
        return value


def stratum_keys(cols: Columns, s: OversightSettings, high_tagsets: frozenset[int]) -> array:
    """The stratum key of each of a reviewer's decisions (in collection order)."""
    edges = s.length_edges
    width = len(edges) + 1
    bands = map(partial(bisect_right, edges), cols.w)
    highs = map(high_tagsets.__contains__, cols.tag)
    return array(
        "l", [(x * 2 + h) * width + b for x, h, b in zip(cols.src, highs, bands, strict=True)]
    )


def reviewer_ratios(
    cols: Columns, keys: array, s: OversightSettings, cutoff: float
) -> tuple[dict[int, float], dict[int, float]]:
    """One reviewer's median (time spent / word-model careful time) per stratum and per
    source, where they have at least ``norm_min_decisions`` there (pass 1, no time order
    needed). Time spent is the active time when known (a draft left open is not read)."""
    cb, cw = s.careful_base_seconds, 60.0 / s.careful_wpm
    o, d = cols.o, cols.d
    ratios = [
        (z if z < y - x else y - x) / (cb + w * cw)
        for x, y, z, w in zip(o, d, cols.act, cols.w, strict=True)
    ]
    key_list = keys.tolist()
    if cutoff > -math.inf and min(d, default=cutoff) < cutoff:
        inside = [y >= cutoff for y in d]
        ratios = list(compress(ratios, inside))
        key_list = list(compress(key_list, inside))
    groups: defaultdict[int, list[float]] = defaultdict(list)
    for k, r in zip(key_list, ratios, strict=True):
        groups[k].append(r)
    width = 2 * (len(s.length_edges) + 1)
    sources: defaultdict[int, list[float]] = defaultdict(list)
    for k, values in groups.items():  # a source's decisions are its strata's, joined
        values.sort()
        sources[k // width] += values
    least = s.norm_min_decisions
    return (
        {k: median_sorted(v) for k, v in groups.items() if len(v) >= least},
        # joined sorted runs: the sort merges them in one pass
        {k: median_sorted(sorted(v)) for k, v in sources.items() if len(v) >= 4 * least},
    )


def norms(
    per_reviewer: list[tuple[dict[int, float], dict[int, float]]], s: OversightSettings
) -> Norms:
    """The team's norm per stratum and per source from each reviewer's medians."""
    keys: dict[int, list[float]] = {}
    sources: dict[int, list[float]] = {}
    for by_key, by_source in per_reviewer:
        for k, v in by_key.items():
            keys.setdefault(k, []).append(v)
        for k, v in by_source.items():
            sources.setdefault(k, []).append(v)
    return Norms(
        {k: f for k, v in keys.items() if (f := _norm(v, s)) is not None},
        {k: f for k, v in sources.items() if (f := _norm(v, s)) is not None},
    )


def _norm(values: list[float], s: OversightSettings) -> float | None:
    """The careful reviewers' pace: an upper quantile of reviewers' medians, after leaving out
    those far faster than the first median (who did not read)."""
    if len(values) < s.norm_min_reviewers:
        return None
    first = median(values)
    kept = [v for v in values if v >= s.norm_trim_ratio * first]
    if len(kept) < s.norm_min_reviewers:
        kept = values
    value = quantile(kept, s.norm_quantile)
    return value if value > 0 else None


@dataclass(frozen=True)
class Baseline:
    """A team baseline: robust centre and spread, how many reviewers, and where it came from."""

    median: float | None
    mad: float | None
    reviewers: int
    source: str  # "team" | "prior" | "none"
    kappa: float | None = None  # beta-binomial concentration (None: plain binomial)
    kept: int = 0
    cv: float | None = None  # between-reviewer SD of log(count / expected) (outcome signals)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "median": _round(self.median),
            "mad": _round(self.mad),
            "reviewers": self.reviewers,
            "source": self.source,
        }
        if self.source == "team":
            out["trimmed_to"] = self.kept
        if self.kappa is not None:
            out["dispersion_kappa"] = _round(self.kappa, 1)
        return out

    def rate(self, s: OversightSettings, fallback: float = 0.0) -> float:
        """The centre as a tail-test mean, kept off 0 and 1."""
        value = self.median if self.median is not None else fallback
        return min(max(value, s.min_base_rate), 1 - s.min_base_rate)


NO_BASELINE = Baseline(None, None, 0, "none")


def rate_baseline(
    pairs: list[tuple[int, int]],
    s: OversightSettings,
    *,
    bad_high: bool,
    prior: float | None = None,
) -> Baseline:
    """Trimmed median/MAD of the rates x/n of reviewers, and a beta-binomial spread."""
    if len(pairs) < s.baseline_min_reviewers:
        if prior is None:
            return Baseline(None, None, len(pairs), "none")
        return Baseline(prior, None, len(pairs), "prior")
    rates = [x / n for x, n in pairs]
    mid, mad, kept = trimmed_center(rates, bad_high)
    m = min(max(mid, s.min_base_rate), 1 - s.min_base_rate)
    sd = MAD_SCALE * mad
    noise = median([m * (1 - m) / n for _, n in pairs])
    var = sd * sd - noise
    kappa = max(m * (1 - m) / var - 1.0, 2.0) if var > 1e-9 else None
    return Baseline(mid, mad, len(pairs), "team", kappa, kept)


def log_ratio_baseline(
    pairs: list[tuple[int, float]], s: OversightSettings, *, bad_high: bool
) -> Baseline:
    """Observed against expected counts (expected from the team's rates for the same sources
    or strata), on the log scale: honest reviewers differ by a *factor* (one edits twice as
    often as another), so the spread is a spread of log ratios. ``median`` is the centre of
    ln((x + 0.5) / (expected + 0.5)), ``cv`` the between-reviewer SD once counting noise
    (about 1 / (x + 0.5) on that scale) is taken out."""
    usable = [(x, e) for x, e in pairs if e >= 5.0]
    if len(usable) < s.baseline_min_reviewers:
        return Baseline(None, None, len(usable), "none")
    logs = [math.log((x + 0.5) / (e + 0.5)) for x, e in usable]
    mid, mad, kept = trimmed_center(logs, bad_high)
    noise = median([1.0 / (x + 0.5) for x, _ in usable])
    spread = math.sqrt(max((MAD_SCALE * mad) ** 2 - noise, 0.0))
    return Baseline(mid, mad, len(usable), "team", None, kept, max(spread, s.min_log_spread))


def log_ratio_p(base: Baseline, x: int, expected: float, *, lower: bool) -> float:
    """One-sided p that a reviewer's count ``x`` (team expectation ``expected``) is as far
    below (``lower``) or above the team as it is, on the log scale of ``log_ratio_baseline``."""
    if base.median is None or base.cv is None:
        return 1.0
    z = (math.log((x + 0.5) / (expected + 0.5)) - base.median) / math.sqrt(
        base.cv**2 + 1.0 / (x + 0.5)
    )
    return normal_cdf(z) if lower else normal_cdf(-z)


def value_baseline(values: list[float], s: OversightSettings, *, bad_high: bool) -> Baseline:
    """Trimmed median/MAD of a per-reviewer value (no binomial model)."""
    if len(values) < s.baseline_min_reviewers:
        return Baseline(None, None, len(values), "none")
    mid, mad, kept = trimmed_center(values, bad_high)
    return Baseline(mid, mad, len(values), "team", None, kept)


def grouped_rates(
    cells: list[dict[int, list[int]]],
    s: OversightSettings,
    min_n: int,
    *,
    bad_high: bool,
    parent: Callable[[int], int] | None = None,
) -> dict[int, float]:
    """Per group (a source or a stratum), the team's trimmed-median rate.

    Each reviewer's rate in a group counts from ``min_n`` items. A group with fewer than
    ``baseline_min_reviewers`` such reviewers takes its parent group's rate (a stratum its
    source's), then the whole team's: never the pooled rate of the few people in it, which
    one stamper would pull. Without enough reviewers anywhere, the group is left out and the
    caller's default applies.
    """
    rates = _robust_rates(cells, s, min_n, bad_high)
    overall = _robust_rates(
        [{0: [sum(n for n, _ in t.values()), sum(x for _, x in t.values())]} for t in cells],
        s, min_n, bad_high,
    ).get(0)  # fmt: skip
    parents: dict[int, float] = {}
    if parent is not None:
        lifted: list[dict[int, list[int]]] = []
        for table in cells:
            up: dict[int, list[int]] = {}
            for key, (n, x) in table.items():
                cell = up.setdefault(parent(key), [0, 0])
                cell[0] += n
                cell[1] += x
            lifted.append(up)
        parents = _robust_rates(lifted, s, min_n, bad_high)
    out = {}
    for table in cells:
        for key in table:
            if key in out:
                continue
            value = rates.get(key)
            if value is None and parent is not None:
                value = parents.get(parent(key))
            if value is None:
                value = overall
            if value is not None:  # no team to compare with: the caller's default
                out[key] = value
    return out


def _robust_rates(
    cells: list[dict[int, list[int]]], s: OversightSettings, min_n: int, bad_high: bool
) -> dict[int, float]:
    per: dict[int, list[float]] = {}
    for table in cells:
        for key, (n, x) in table.items():
            if n >= min_n:
                per.setdefault(key, []).append(x / n)
    return {
        key: trimmed_center(values, bad_high)[0]
        for key, values in per.items()
        if len(values) >= s.baseline_min_reviewers
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)
