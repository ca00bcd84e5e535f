"""Statistics the detector needs (stdlib only): intervals, tail tests, robust centres."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import islice, repeat
from operator import eq
from statistics import StatisticsError, median

_SQRT2 = math.sqrt(2.0)
MAD_SCALE = 1.4826


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


def _tail_sum(
    logpmf: Callable[[int], float], start: int, stop: int, step: int, unimodal: bool
) -> float:
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


def normal_cdf(z: float) -> float:
    """P(Z <= z) for a standard normal Z."""
    return _normal_sf(-z)


def mann_whitney_greater(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """One-sided Mann-Whitney U test that ``xs`` tend to be larger than ``ys``.

    Normal approximation with tie correction and continuity correction. Returns (U of xs,
    p). With an empty sample or no variance, p is 1.
    """
    n1, n2 = len(xs), len(ys)
    if n1 == 0 or n2 == 0:
        return (0.0, 1.0)
    total = n1 + n2
    rank_sum, ties = _rank_sums(xs, ys)
    u1 = rank_sum - n1 * (n1 + 1) / 2.0
    var = n1 * n2 / 12.0 * ((total + 1) - ties / (total * (total - 1)))
    if var <= 0:
        return (u1, 1.0)
    z = (u1 - n1 * n2 / 2.0 - 0.5) / math.sqrt(var)
    return (u1, _normal_sf(z))


def _rank_sums(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """The rank sum of ``xs`` (tied values take their mean rank) and the tie correction sum
    (of count**3 - count over tied groups), at C speed.

    A value's mean rank is (bisect_left + bisect_right + 1) / 2 in the sorted values, so the
    rank sum is an integer over 2 and the tie sum an integer, both exact in a float: the
    same numbers as adding rank by rank. NaN, which has no rank, takes the loop.
    """
    values = sorted([*xs, *ys])  # fast when both are sorted already (two runs to merge)
    if any(map(math.isnan, values)):
        return _rank_sums_loop(xs, ys)
    below = sum(map(bisect_left, repeat(values), xs))
    upto = sum(map(bisect_right, repeat(values), xs))
    if not any(map(eq, values, islice(values, 1, None))):  # no ties (equal values are next
        return (below + upto + len(xs)) / 2, 0.0  # to each other once sorted)
    cubes = sum(map(pow, Counter(values).values(), repeat(3)))
    return (below + upto + len(xs)) / 2, float(cubes - len(values))


def _rank_sums_loop(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """``_rank_sums`` rank by rank (any values, NaN included)."""
    pooled = sorted([(v, 0) for v in xs] + [(v, 1) for v in ys])
    total = len(pooled)
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
    return rank_sum, ties


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


def median_sorted(ordered: Sequence[float]) -> float:
    """The median of values already in ascending order: ``statistics.median`` without its
    sort (the same number: the middle value, or the mean of the two middle ones)."""
    n = len(ordered)
    if not n:
        raise StatisticsError("no median for empty data")
    i = n // 2
    return ordered[i] if n % 2 else (ordered[i - 1] + ordered[i]) / 2


def robust_center(values: Sequence[float]) -> tuple[float, float]:
    """(median, MAD) of ``values``; (nan, nan) when empty."""
    if not values:
        return (math.nan, math.nan)
    mid = median(values)
    return (mid, median([abs(v - mid) for v in values]))


def fisher_greater(x1: int, n1: int, x2: int, n2: int) -> float:
    """One-sided Fisher exact test that the first share (x1/n1) is above the second (x2/n2).

    P(X >= x1) for X ~ Hypergeometric(population n1 + n2, successes x1 + x2, draws n1).
    Returns 1 when either sample is empty.
    """
    if n1 <= 0 or n2 <= 0:
        return 1.0
    total, hits = n1 + n2, x1 + x2
    lg = math.lgamma
    const = lg(hits + 1) + lg(total - hits + 1) - lg(total + 1) + lg(n1 + 1) + lg(n2 + 1)

    def logpmf(k: int) -> float:
        return const - lg(k + 1) - lg(hits - k + 1) - lg(n1 - k + 1) - lg(total - hits - n1 + k + 1)

    top = min(n1, hits)
    if x1 > top:
        return 0.0
    return _tail_sum(logpmf, x1, top + 1, 1, True)


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of ``values`` by linear interpolation (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def trimmed_center(
    values: Sequence[float], bad_high: bool, cut: float = 3.0
) -> tuple[float, float, int]:
    """(median, MAD, kept) after dropping, up to three times, the values more than ``cut``
    robust SDs from the median on the *bad* side.

    Robust to a large minority of outliers on one side (up to 40% of stampers in a team):
    the first median is pulled only a little, the outliers fall outside and the second pass
    is the honest reviewers' own median.
    """
    kept = list(values)
    if not kept:
        return (math.nan, math.nan, 0)
    mid, mad = robust_center(kept)
    for _ in range(3):
        spread = max(MAD_SCALE * mad, 1e-9)
        if bad_high:
            nxt = [v for v in kept if v <= mid + cut * spread]
        else:
            nxt = [v for v in kept if v >= mid - cut * spread]
        if len(nxt) == len(kept) or len(nxt) < 3:
            break
        kept = nxt
        mid, mad = robust_center(kept)
    return (mid, mad, len(kept))


def fisher_combined(p_values: Sequence[float]) -> float:
    """Fisher's method: one p from independent one-sided tests (1 when there are none).

    -2 sum(ln p) follows chi-square with 2k degrees of freedom; for even degrees of freedom
    its survival function is exp(-x/2) * sum_{i<k} (x/2)^i / i!.
    """
    if not p_values:
        return 1.0
    half = -sum(math.log(max(p, 1e-300)) for p in p_values)
    term, total = 1.0, 1.0
    for i in range(1, len(p_values)):
        term *= half / i
        total += term
    return min(1.0, math.exp(-half) * total)


def poisson_upper(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = math.exp(-mean)
    below = term
    for i in range(1, k):
        term *= mean / i
        below += term
    return max(0.0, 1.0 - below) if below < 0.999 else _poisson_tail(k, mean)


def _poisson_tail(k: int, mean: float) -> float:
    """The upper tail summed directly (1 - lower loses precision when it is tiny)."""
    log_term = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total, term, i = 0.0, math.exp(log_term), k
    while term > 1e-300 and i < k + 10000:
        total += term
        i += 1
        term *= mean / i
        if term < total * 1e-16:
            break
    return min(1.0, total)
