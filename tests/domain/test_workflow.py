import pytest

from reviewq.domain.errors import IllegalTransition
from reviewq.domain.workflow import TRANSITIONS, Action, ItemStatus, next_status

S, A = ItemStatus, Action

# The whole lifecycle of DESIGN section 3, written out independently of the table under test.
EXPECTED = {
    (S.QUEUED, A.CLAIM): S.IN_REVIEW,
    (S.QUEUED, A.BREACH_SLA): S.ESCALATED,
    (S.QUEUED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, A.RELEASE): S.QUEUED,
    (S.IN_REVIEW, A.EXPIRE_CLAIM): S.QUEUED,
    (S.IN_REVIEW, A.APPROVE_PARTIAL): S.QUEUED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.IN_REVIEW, A.EDIT): S.APPROVED,
    (S.IN_REVIEW, A.REJECT): S.REJECTED,
    (S.IN_REVIEW, A.ESCALATE): S.ESCALATED,
    (S.IN_REVIEW, A.BREACH_SLA): S.ESCALATED,
    (S.IN_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    # a supervisor's approval is one of two: the item goes back for the second
    (S.ESCALATED, A.APPROVE_PARTIAL): S.QUEUED,
    (S.ESCALATED, A.APPROVE): S.APPROVED,
    (S.ESCALATED, A.EDIT): S.APPROVED,
    (S.ESCALATED, A.REJECT): S.REJECTED,
    (S.ESCALATED, A.RETURN): S.QUEUED,
    (S.ESCALATED, A.WITHDRAW): S.WITHDRAWN,
}


@pytest.mark.parametrize("status", list(ItemStatus))
@pytest.mark.parametrize("action", list(Action))
def test_every_status_and_action(status: ItemStatus, action: Action) -> None:
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[(status, action)]
    else:
        with pytest.raises(IllegalTransition) as err:
            next_status(status, action)
        assert status.value in str(err.value) and action.value in str(err.value)


def test_final_states_allow_nothing() -> None:
    for status in (S.APPROVED, S.REJECTED, S.WITHDRAWN):
        assert not [a for (s, a) in TRANSITIONS if s is status]


def test_table_has_no_moves_beyond_the_design() -> None:
    assert TRANSITIONS == EXPECTED
