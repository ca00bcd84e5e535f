"""Cohen's kappa from a 2x2 table of counts."""

import pytest

from reviewq.domain.agreement import MIN_PAIRS, Table


@pytest.mark.parametrize(
    ("table", "kappa", "agreement"),
    [
        (Table(20, 5, 10, 15), 0.4, 0.7),  # textbook: po .7, pe .5
        (Table(10, 0, 0, 10), 1.0, 1.0),  # full agreement
        (Table(0, 10, 10, 0), -1.0, 0.0),  # always the other call
        (Table(8, 2, 0, 0), 0.0, 0.8),  # the first always approves: nothing beyond chance
        (Table(10, 0, 0, 0), None, 1.0),  # one class for both: undefined
        (Table(), None, None),
    ],
)
def test_kappa_and_agreement(table, kappa, agreement):
    assert table.kappa == (None if kappa is None else pytest.approx(kappa))
    assert table.agreement == (None if agreement is None else pytest.approx(agreement))


def test_tables_add_up_cell_by_cell_and_need_enough_pairs():
    total = Table.of(True, True, 3) + Table.of(True, False, 2) + Table.of(False, True, 4)
    total += Table.of(False, False, 1)
    assert total == Table(3, 2, 4, 1) and total.pairs == MIN_PAIRS == 10
    assert total.enough and not Table(both=MIN_PAIRS - 1).enough
