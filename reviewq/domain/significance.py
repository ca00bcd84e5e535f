"""Is a week's rate worse than the baseline? A one-sided two-proportion z-test.

The AI quality report marks a week whose share of rejected or escalated drafts is higher
than the source's own baseline (its preceding weeks in the range, pooled) by more than chance
explains: the pooled two-proportion z statistic

    z = (p_week - p_base) / sqrt(p (1 - p) (1/n_week + 1/n_base)),  p = pooled share,

one-sided (only "worse" is marked), at ``alpha`` (0.01 by default), and only with at least
``min_count`` decisions in the week and in the baseline, so a bad day at small n is never
marked. Pure: no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.01
MIN_COUNT = 20


@dataclass(frozen=True)
class Worse:
    """The test's figures for one week against its baseline."""

    z: float | None
    p_value: float | None
    marked: bool


def upper_tail(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def worse_than_baseline(
    bad: int,
    total: int,
    base_bad: int,
    base_total: int,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
) -> Worse:
    """Whether ``bad`` of ``total`` is significantly higher than ``base_bad`` of ``base_total``.

    Args:
        bad: the week's rejected or escalated decisions.
        total: the week's decisions.
        base_bad: the baseline's rejected or escalated decisions.
        base_total: the baseline's decisions.
        alpha: the one-sided significance level.
        min_count: the fewest decisions in the week and in the baseline for a test.

    Returns:
        z, the one-sided p-value and whether the week is marked (None: too few to test).
    """
    if total < min_count or base_total < min_count:
        return Worse(None, None, False)
    pooled = (bad + base_bad) / (total + base_total)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / total + 1 / base_total))
    if spread == 0:
        return Worse(None, None, False)
    z = (bad / total - base_bad / base_total) / spread
    p_value = upper_tail(z)
    return Worse(z, p_value, p_value < alpha)
