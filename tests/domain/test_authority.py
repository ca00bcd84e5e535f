import pytest

from reviewq.domain.authority import Actor, Permission, Role, can, effective_level

P = Permission
# role -> the permissions it holds (DESIGN section 1), written out independently.
GRANTS = {
    Role.REVIEWER: {P.WORK_QUEUE, P.VIEW_ITEM, P.DECIDE},
    Role.SUPERVISOR: {
        P.WORK_QUEUE,
        P.VIEW_ITEM,
        P.DECIDE,
        P.SUPERVISE,
        P.CONTROL_SOURCES,
        P.READ_REPORTS,
    },
    Role.MANAGER: {P.VIEW_ITEM, P.SEE_REPORTS, P.READ_REPORTS, P.CONTROL_SOURCES},
    Role.ADMIN: {P.ADMINISTER, P.CONTROL_SOURCES, P.READ_REPORTS},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_every_role_and_permission(role: Role, permission: Permission) -> None:
    assert can(Actor(1, role, 2), permission) is (permission in GRANTS[role])


@pytest.mark.parametrize(
    ("role", "level", "needed", "allowed"),
    [
        (Role.REVIEWER, 2, 1, True),
        (Role.REVIEWER, 2, 2, True),
        (Role.REVIEWER, 2, 3, False),
        (Role.SUPERVISOR, 1, 9, True),  # supervisors cover any item's need
        (Role.MANAGER, 9, 1, False),  # managers decide nothing by default
        (Role.ADMIN, 9, 1, False),  # nor do admins
    ],
)
def test_deciding_needs_enough_authority(role, level, needed, allowed) -> None:
    assert can(Actor(1, role, level), P.DECIDE, needed) is allowed


def test_visitors_and_deactivated_people_can_do_nothing() -> None:
    assert not any(can(None, p) for p in Permission)
    assert not any(can(Actor(1, Role.SUPERVISOR, 9, active=False), p) for p in Permission)


def test_effective_level() -> None:
    assert effective_level(Actor(1, Role.REVIEWER, 2)) == 2
    assert effective_level(Actor(1, Role.SUPERVISOR, 1)) == 9


def test_source_owners_and_overseers_control_sources() -> None:
    from reviewq.domain.authority import can_control_source

    assert can_control_source(Actor(7, Role.REVIEWER, 1), owner_id=7)
    assert not can_control_source(Actor(8, Role.REVIEWER, 1), owner_id=7)
    assert all(
        can_control_source(Actor(8, r, 1), 7) for r in (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
    )
    assert not can_control_source(None, 7)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("pending", [True, False])
@pytest.mark.parametrize("decided", [True, False])
def test_who_is_blind_to_an_items_decisions(role, pending, decided) -> None:
    """Exactly those who could answer a pending QA sample: supervisors who did not decide."""
    from reviewq.domain.authority import blind_to_decisions

    expected = pending and not decided and role is Role.SUPERVISOR
    assert blind_to_decisions(Actor(1, role, 3), pending, decided) is expected
    assert not blind_to_decisions(Actor(1, role, 3, active=False), pending, decided)
    assert not blind_to_decisions(None, pending, decided)


@pytest.mark.parametrize(
    ("role", "level", "needed", "involved", "allowed"),
    [
        (Role.REVIEWER, 3, 3, False, True),
        (Role.REVIEWER, 1, 3, False, False),  # need-to-know: below the item's level
        (Role.REVIEWER, 1, 3, True, True),  # unless they decided it or hold it
        (Role.SUPERVISOR, 1, 9, False, True),
        (Role.MANAGER, 1, 9, False, True),  # managers read everything
        (Role.ADMIN, 9, 1, False, False),  # admins read no drafts
        (Role.ADMIN, 9, 1, True, False),
    ],
)
def test_reading_an_item_needs_its_level_or_involvement(role, level, needed, involved, allowed):
    from reviewq.domain.authority import can_read_item

    assert can_read_item(Actor(1, role, level), needed, involved) is allowed
    assert not can_read_item(Actor(1, role, level, active=False), needed, involved)
    assert not can_read_item(None, needed, involved)
