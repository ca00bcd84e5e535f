import pytest

from reviewq.domain.errors import IllegalTransition
from reviewq.domain.workflow import FINAL_STATUSES, TRANSITIONS, Action, ItemStatus, next_status

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
    # the reviewer takes a decision back within its undo window: theirs to review again
    (S.QUEUED, A.UNDO): S.IN_REVIEW,
    (S.APPROVED, A.UNDO): S.IN_REVIEW,
    (S.REJECTED, A.UNDO): S.IN_REVIEW,
    (S.ESCALATED, A.UNDO): S.IN_REVIEW,
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


def test_final_states_allow_nothing_but_an_undo_in_its_window() -> None:
    for status in (S.APPROVED, S.REJECTED, S.WITHDRAWN):
        assert not [a for (s, a) in TRANSITIONS if s is status and a is not A.UNDO]
    assert (S.WITHDRAWN, A.UNDO) not in TRANSITIONS  # a source's withdrawal is never undone


def test_table_has_no_moves_beyond_the_design() -> None:
    assert TRANSITIONS == EXPECTED


OPEN = [status for status in ItemStatus if status not in FINAL_STATUSES]


def test_a_source_can_withdraw_from_every_open_state() -> None:
    for status in OPEN:
        assert next_status(status, A.WITHDRAW) is S.WITHDRAWN


def test_every_open_state_can_still_reach_a_decision() -> None:
    """From anywhere open, some path of moves ends approved and another ends rejected: no
    item can get stuck."""
    for start in OPEN:
        reached, frontier = {start}, [start]
        while frontier:
            status = frontier.pop()
            for (source, _), target in TRANSITIONS.items():
                if source is status and target not in reached:
                    reached.add(target)
                    frontier.append(target)
        assert {S.APPROVED, S.REJECTED} <= reached, start


def test_only_a_person_approves_or_rejects() -> None:
    """The clock and the system (claim expiry, SLA breach) never decide an item."""
    automatic = {A.EXPIRE_CLAIM, A.BREACH_SLA, A.RELEASE}
    for (_, action), target in TRANSITIONS.items():
        if action in automatic:
            assert target not in FINAL_STATUSES
