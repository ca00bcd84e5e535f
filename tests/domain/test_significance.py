"""The "significantly worse week" test on data where the answer is known."""

import pytest

from reviewq.domain.significance import upper_tail, worse_than_baseline

pytestmark = pytest.mark.domain_only


def test_normal_tail() -> None:
    assert upper_tail(0) == pytest.approx(0.5)
    assert upper_tail(2.326) == pytest.approx(0.01, abs=1e-4)


def test_a_week_far_worse_than_its_baseline_is_marked() -> None:
    # baseline 10% of 400, week 30% of 100: z = 5.0 by hand (pooled 14%)
    got = worse_than_baseline(30, 100, 40, 400)
    assert got.z == pytest.approx(0.2 / (0.14 * 0.86 * (1 / 100 + 1 / 400)) ** 0.5)
    assert got.marked


def test_a_bad_week_at_small_n_is_not_marked() -> None:
    # 3 of 5 rejected against 10% is worse, but 5 decisions are too few to tell
    assert not worse_than_baseline(3, 5, 40, 400).marked
    # 25 decisions at 20% against 10%: p ~ 0.07, chance explains it
    got = worse_than_baseline(5, 25, 40, 400)
    assert got.p_value is not None and 0.05 < got.p_value < 0.2
    assert not got.marked


def test_a_better_week_is_never_marked() -> None:
    assert not worse_than_baseline(0, 100, 40, 400).marked


def test_no_baseline_or_no_variation_is_not_tested() -> None:
    assert worse_than_baseline(30, 100, 0, 0).z is None
    assert worse_than_baseline(0, 100, 0, 400).z is None
