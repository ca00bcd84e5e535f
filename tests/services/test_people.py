"""Administering people: the rules (last admin, own role), deactivation's consequences,
one-time links (single use, expiry, replaced by a newer one) and one's own password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor, Role
from reviewq.domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from reviewq.domain.workflow import ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Escalation, Item, User
from reviewq.services import auth, people, review, users
from tests.support.api import draft

NOW = datetime.now(UTC)
SYSTEM = Actor.system("test")
PASSWORD = "correct-horse-battery"


def person(email: str, role: str = "reviewer", level: int = 1) -> User:
    user = users.create_user(db.session, SYSTEM, email, email.split("@")[0], role, level, PASSWORD)
    db.session.commit()
    return user


def events(kind: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == kind).order_by(AuditEvent.id)
        )
    )


def test_only_an_administrator_manages_people(owner) -> None:
    sue = person("sue@example.com", "supervisor", 5)
    rita = person("rita@example.com")
    with pytest.raises(NotAllowed):
        people.change_role(db.session, sue.actor, rita, "manager", 1, NOW)
    with pytest.raises(NotAllowed):
        people.deactivate(db.session, sue.actor, rita, NOW)
    with pytest.raises(NotAllowed):
        people.reset_link(db.session, sue.actor, rita, NOW)
    with pytest.raises(NotAllowed):
        people.invite(db.session, sue.actor, "new@example.com", "New", "reviewer", 1, NOW)
    with pytest.raises(NotAllowed):
        people.search(db.session, sue.actor, people.Filter(), 1)


def test_a_role_change_is_audited_from_what_to_what(owner) -> None:
    rita = person("rita@example.com", "reviewer", 2)
    assert people.change_role(db.session, owner.actor, rita, "supervisor", 4, NOW)
    db.session.commit()
    (event,) = events("user.role_changed")
    assert event.actor == "user:owner@example.com" and event.subject == f"user:{rita.id}"
    assert event.data == {
        "from": {"role": "reviewer", "level": 2},
        "to": {"role": "supervisor", "level": 4},
    }
    assert not people.change_role(db.session, owner.actor, rita, "supervisor", 4, NOW)


@pytest.mark.parametrize(("role", "level"), [("boss", 1), ("reviewer", 0), ("reviewer", 10)])
def test_a_bad_role_or_level_is_refused(owner, role, level) -> None:
    rita = person("rita@example.com")
    with pytest.raises(ValidationFailed):
        people.change_role(db.session, owner.actor, rita, role, level, NOW)


def test_an_admin_cannot_change_or_deactivate_themselves(owner) -> None:
    person("ada@example.com", "admin")  # not the last admin: the rule is about oneself
    for change in (
        lambda: people.change_role(db.session, owner.actor, owner, "reviewer", 1, NOW),
        lambda: people.change_role(db.session, owner.actor, owner, "admin", 9, NOW),
        lambda: people.deactivate(db.session, owner.actor, owner, NOW),
    ):
        with pytest.raises(NotAllowed):
            change()
    assert (owner.role, owner.level, owner.active) == (Role.ADMIN, 1, True)


def test_the_last_active_admin_is_neither_demoted_nor_deactivated(owner) -> None:
    ada = person("ada@example.com", "admin")
    assert people.change_role(db.session, owner.actor, ada, "manager", 1, NOW)  # owner remains
    db.session.commit()
    # An admin never changes themselves, so only the service's own actor (the command line)
    # could remove the last one: refused too.
    with pytest.raises(Conflict, match="last active administrator"):
        people.change_role(db.session, SYSTEM, owner, "reviewer", 1, NOW)
    with pytest.raises(Conflict, match="last active administrator"):
        people.deactivate(db.session, SYSTEM, owner, NOW)
    assert people.change_role(db.session, SYSTEM, owner, "admin", 5, NOW)  # still an admin: fine
    db.session.commit()
    assert (owner.role, owner.level, owner.active) == (Role.ADMIN, 5, True)


def test_deactivation_signs_out_releases_claims_and_keeps_history(app, owner, source) -> None:
    rita = person("rita@example.com", "reviewer", 3)
    token = auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.1", NOW, timedelta(hours=8))
    db.session.commit()
    for _ in range(2):
        assert source.submit(draft(risk_tags=[])).status_code == 201
    held = review.claim_next(db.session, rita.actor, NOW)
    db.session.commit()
    assert held is not None and held.status == ItemStatus.IN_REVIEW
    other = db.session.scalar(sa.select(Item).where(Item.id != held.id))
    escalation = Escalation(
        item_id=other.id,
        reason="x",
        raised_at=NOW,
        level=1,
        level_since=NOW,
        claimed_by_id=rita.id,
        claimed_at=NOW,
        claim_expires_at=NOW + timedelta(minutes=15),
    )
    db.session.add(escalation)
    db.session.commit()

    released = people.deactivate(db.session, owner.actor, rita, NOW)
    db.session.commit()

    assert released == [held.id]
    db.session.refresh(held)
    db.session.refresh(escalation)
    assert held.status == ItemStatus.QUEUED and held.claimed_by_id is None
    assert escalation.claimed_by_id is None and escalation.resolved_at is None
    assert auth.user_for_token(db.session, token, NOW) is None
    assert (
        auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.1", NOW, timedelta(hours=1)) is None
    )
    (event,) = events("user.deactivated")
    assert event.data["items_released"] == [held.id] and event.data["sessions_ended"] == 1
    assert events("item.claim_released")[0].subject == f"item:{held.id}"
    assert db.session.get(User, rita.id) is not None  # history kept
    with pytest.raises(Conflict):
        people.deactivate(db.session, owner.actor, rita, NOW)
    people.reactivate(db.session, owner.actor, rita, NOW)
    db.session.commit()
    assert auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.2", NOW, timedelta(hours=1))


def test_an_invitation_link_works_once_and_then_the_person_signs_in(owner) -> None:
    user, token = people.invite(
        db.session, owner.actor, "New@Example.com", "Nia", "reviewer", 2, NOW
    )
    db.session.commit()
    assert user.email == "new@example.com"
    assert auth.sign_in(db.session, user.email, "!", "10.0.0.1", NOW, timedelta(hours=1)) is None
    assert people.link_for(db.session, token, NOW + timedelta(hours=71)) is not None
    with pytest.raises(ValidationFailed):
        people.redeem(db.session, token, "short", NOW)
    people.redeem(db.session, token, PASSWORD, NOW + timedelta(hours=1))
    db.session.commit()
    assert auth.sign_in(db.session, user.email, PASSWORD, "10.0.0.1", NOW, timedelta(hours=1))
    with pytest.raises(NotFound):
        people.redeem(db.session, token, "another-good-password", NOW + timedelta(hours=2))
    assert [e.data["via"] for e in events("user.password_set")] == ["invite"]
    (invited,) = events("user.invited")
    assert token not in str(invited.data)


def test_links_expire_and_a_newer_one_replaces_the_older(owner) -> None:
    _, invite = people.invite(db.session, owner.actor, "nia@example.com", "Nia", "reviewer", 1, NOW)
    db.session.commit()
    with pytest.raises(NotFound):
        people.redeem(db.session, invite, PASSWORD, NOW + timedelta(hours=72, seconds=1))
    rita = person("rita@example.com")
    first = people.reset_link(db.session, owner.actor, rita, NOW)
    second = people.reset_link(db.session, owner.actor, rita, NOW)
    db.session.commit()
    assert people.link_for(db.session, first, NOW) is None
    with pytest.raises(NotFound):
        people.redeem(db.session, second, PASSWORD + "x", NOW + timedelta(hours=24, seconds=1))
    people.redeem(db.session, second, "a-brand-new-password", NOW + timedelta(hours=23))
    db.session.commit()
    assert rita.check_password("a-brand-new-password")


def test_a_reset_ends_every_session_and_deactivation_voids_links(owner) -> None:
    rita = person("rita@example.com")
    token = auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.1", NOW, timedelta(hours=8))
    link = people.reset_link(db.session, owner.actor, rita, NOW)
    db.session.commit()
    people.redeem(db.session, link, "a-brand-new-password", NOW)
    db.session.commit()
    assert auth.user_for_token(db.session, token, NOW) is None
    again = people.reset_link(db.session, owner.actor, rita, NOW)
    people.deactivate(db.session, owner.actor, rita, NOW)
    db.session.commit()
    assert people.link_for(db.session, again, NOW) is None
    with pytest.raises(Conflict):
        people.reset_link(db.session, owner.actor, rita, NOW)


def test_changing_ones_own_password_needs_the_current_one(owner) -> None:
    rita = person("rita@example.com")
    here = auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.1", NOW, timedelta(hours=8))
    there = auth.sign_in(db.session, rita.email, PASSWORD, "10.0.0.2", NOW, timedelta(hours=8))
    db.session.commit()
    with pytest.raises(ValidationFailed, match="current"):
        people.change_own_password(db.session, rita, "wrong", "a-brand-new-password", here, NOW)
    with pytest.raises(ValidationFailed, match="new"):
        people.change_own_password(db.session, rita, PASSWORD, "password", here, NOW)
    people.change_own_password(db.session, rita, PASSWORD, "a-brand-new-password", here, NOW)
    db.session.commit()
    assert auth.user_for_token(db.session, here, NOW) is not None
    assert auth.user_for_token(db.session, there, NOW) is None
    assert events("user.password_changed")[0].data == {"sessions_ended": 1}


def test_search_finds_by_name_email_role_and_state(owner) -> None:
    person("rita@example.com")
    person("sam_underscore@example.com", "supervisor", 3)
    gone = person("gone@example.com")
    people.deactivate(db.session, owner.actor, gone, NOW)
    db.session.commit()

    def emails(**kw) -> list[str]:
        found = people.search(db.session, owner.actor, people.Filter(**kw), 1)
        return sorted(u.email for u in found.rows)

    assert emails(text="RITA") == ["rita@example.com"]
    assert emails(text="_") == ["sam_underscore@example.com"]  # not a LIKE wildcard
    assert emails(text="%") == []
    assert emails(role=Role.SUPERVISOR) == ["sam_underscore@example.com"]
    assert emails(active=False) == ["gone@example.com"]
