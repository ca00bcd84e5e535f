"""Erlang C against published worked examples."""

import pytest

from reviewq.domain.queueing import erlang_c, service_level, staff_for

pytestmark = pytest.mark.domain_only


def test_textbook_table_ten_erlangs_eleven_agents() -> None:
    # Erlang C tables: A = 10 erlangs, N = 11 agents -> P(wait) = 0.6821
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)


def test_call_centre_helper_worked_example() -> None:
    # 360 calls in 30 minutes, 240 s handling: A = 48 erlangs; with 55 agents P(wait) =
    # 0.2387 and 86.7% answered within 20 s (callcentrehelper.com, "Erlang C formula").
    load = 360 / 1800 * 240
    assert load == 48
    assert erlang_c(55, load) == pytest.approx(0.2387, abs=5e-5)
    assert service_level(55, load, 240, 20) == pytest.approx(0.8668, abs=5e-4)


def test_fewest_agents_for_eighty_percent_in_twenty_seconds() -> None:
    # same example: 53 agents give 75.2%, 54 give 81.7%: 54 is the fewest for 80%
    plan = staff_for(720, 240, 240 + 20, 0.80, 8)
    assert plan.agents == 54
    assert plan.service_level == pytest.approx(0.8172, abs=5e-4)
    assert plan.hours_needed_per_day == 54 * 8


def test_an_unstable_queue_always_waits_and_no_drafts_need_no_one() -> None:
    assert erlang_c(5, 5.0) == 1.0
    assert service_level(5, 6.0, 60, 60) == 0.0
    assert staff_for(0, 60, 3600, 0.95, 8).agents == 0
    with pytest.raises(ValueError):
        erlang_c(0, 1.0)
