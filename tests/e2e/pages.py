"""Every page a person can open, with real data behind it: the one list the reflow and
accessibility test (test_every_page.py) walks. A new page joins by adding a ``Visit`` here.

Paths name rows of the world that ``build_world`` makes ({approved}, {escalated},
{resolving}, {qa}, {stamp}, {canary}); ``then`` takes the page on from there (a click, a key), for
states a URL alone does not reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page

from reviewq import demo
from reviewq.domain.authority import Actor
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import Canary, Escalation, Item, QaReview, User
from reviewq.models.types import utcnow
from reviewq.services import canaries, deliveries, escalations, pending, review, users
from reviewq.services.review import QueueFilter
from reviewq.services.verdicts import Verdict
from tests.e2e.helpers import Person
from tests.support.oversight import compute

PEOPLE = {
    "reviewer": Person("reviewer@example.com", "demo-reviewer", "Riley Reviewer"),
    "supervisor": Person("supervisor@example.com", "demo-supervisor", "Sofia Supervisor"),
    "manager": Person("manager@example.com", "demo-manager", "Max Manager"),
    "admin": Person("admin@example.com", "demo-admin", "Ada Admin"),
}


def review_next(page: Page) -> None:
    """Press Review next on the queue and wait for the item it claims."""
    page.get_by_role("button", name="Review next").click()
    page.wait_for_url("**/items/*")


def open_editor(page: Page) -> None:
    """Claim the next item and open its editor with the key."""
    review_next(page)
    page.keyboard.press("e")
    page.locator("#content").wait_for(state="visible")


def focus_skip_link(page: Page) -> None:
    """The first Tab of a page lands on the skip link, which then shows."""
    page.keyboard.press("Tab")


@dataclass(frozen=True)
class Visit:
    """One page state to check: who opens it, where, the status it answers, and any steps
    after loading."""

    role: str  # "anon" or a key of PEOPLE
    path: str
    status: int = 200
    then: Callable[[Page], None] | None = None

    @property
    def name(self) -> str:
        steps = f" then {self.then.__name__}" if self.then else ""
        return f"{self.role} {self.path}{steps}"


PAGES = [
    Visit("anon", "/"),
    Visit("anon", "/login"),
    Visit("anon", "/login", then=focus_skip_link),
    Visit("anon", "/no-such-page", 404),
    Visit("reviewer", "/queue"),
    Visit("reviewer", "/items/{approved}"),
    Visit("reviewer", "/my-decisions"),
    Visit("reviewer", "/my-stats"),
    Visit("reviewer", "/notifications"),
    Visit("reviewer", "/items/99999999", 404),
    Visit("reviewer", "/admin/deliveries", 403),
    Visit("reviewer", "/queue", then=review_next),
    Visit("reviewer", "/queue", then=open_editor),
    Visit("supervisor", "/queue"),
    Visit("supervisor", "/escalations"),
    Visit("supervisor", "/items/{resolving}"),
    Visit("supervisor", "/items/{escalated}"),
    Visit("supervisor", "/oversight"),
    Visit("supervisor", "/oversight?sort=name&days=28"),
    Visit("supervisor", "/oversight/{stamp}"),
    Visit("supervisor", "/qa"),
    Visit("supervisor", "/qa/{qa}"),
    Visit("supervisor", "/canaries"),
    Visit("supervisor", "/sources"),
    Visit("supervisor", "/notifications"),
    Visit("supervisor", "/my-stats"),
    Visit("supervisor", "/my-decisions"),
    Visit("supervisor", "/in-review"),
    Visit("supervisor", "/search?q=refund"),
    Visit("supervisor", "/canaries/{canary}"),
    Visit("manager", "/queue"),
    Visit("manager", "/escalations"),
    Visit("manager", "/oversight"),
    Visit("manager", "/oversight/{stamp}"),
    Visit("manager", "/items/{approved}"),
    Visit("manager", "/sources"),
    Visit("manager", "/notifications"),
    Visit("admin", "/"),
    Visit("admin", "/sources"),
    Visit("admin", "/admin/deliveries"),
    Visit("admin", "/notifications"),
    Visit("admin", "/queue", 403),
    Visit("admin", "/admin/people"),
    Visit("admin", "/admin/people/new"),
    Visit("admin", "/admin/people/{stamp}"),
    Visit("admin", "/admin/sources/new"),
    Visit("admin", "/admin/sources/support-bot"),
    Visit("reviewer", "/account/password"),
    Visit("admin", "/admin/audit"),
    Visit("admin", "/admin/policy"),
    Visit("admin", "/admin/policy/edit"),
    Visit("manager", "/reports"),
    Visit("manager", "/reports/workload"),
    Visit("manager", "/reports/quality"),
    Visit("manager", "/reports/oversight"),
    Visit("manager", "/reports/tokens"),
    Visit("admin", "/admin/audit?action=item."),
]


def build_world(app: Flask) -> dict[str, int]:
    """The demo data, plus what a day's work leaves behind, through the services: the
    reviewer's approvals (sampled for second review, one answered) and an escalation they
    raised, an escalation a supervisor is resolving, a callback not yet delivered, and the
    oversight results computed.

    Returns:
        The ids the paths of ``PAGES`` name.
    """
    with app.app_context():
        session = db.session
        now = utcnow() - timedelta(minutes=5)
        demo.load(session, Actor.system("test"), now)
        riley = _person(session, PEOPLE["reviewer"].email)
        sofia = _person(session, PEOPLE["supervisor"].email)
        decided: dict[str, int] = {}
        approved: list[int] = []
        for action in (Action.APPROVE, Action.APPROVE, Action.ESCALATE):
            low = QueueFilter(priority=3) if action is Action.APPROVE else QueueFilter()
            item = review.claim_next(session, riley.actor, now, low)  # one approval: final
            assert item is not None
            verdict = Verdict(action, item.version, reason="Needs a supervisor", active_seconds=40)
            review.decide(session, riley.actor, item, verdict, now + timedelta(seconds=40))
            decided[action.value] = item.id  # the last approval names the page's item
            if action is Action.APPROVE:
                assert item.status is ItemStatus.APPROVED
                approved.append(item.id)
                sampled = sa.select(QaReview.id).where(QaReview.item_id == item.id)
                if session.scalar(sampled) is None:  # the policy samples some by chance
                    session.add(QaReview(item_id=item.id, created_at=now))
                item.source.callback_url = "http://127.0.0.1:9/callback"  # never sent
                deliveries.record(session, item, item.status.value, now)
                pending.take(session)  # the outbox row only, not the send
        session.flush()
        first_qa, last_qa = session.scalars(
            sa.select(QaReview).where(QaReview.item_id.in_(approved)).order_by(QaReview.id)
        ).all()
        canaries.answer(session, sofia.actor, first_qa, True, "", now)
        resolving = session.scalars(
            sa.select(Escalation)
            .join(Item, Item.id == Escalation.item_id)
            .where(Escalation.resolved_at.is_(None), Escalation.raised_by_id.is_(None))
            .order_by(Escalation.id)
        ).first()
        assert resolving is not None  # the demo's always-escalate drafts
        escalations.claim(session, sofia.actor, resolving, utcnow())
        session.commit()
        world = {
            "approved": decided["approve"],
            "escalated": decided["escalate"],
            "resolving": resolving.item_id,
            "qa": last_qa.id,
            "stamp": _person(session, "max.fast@example.com").id,
            "canary": session.scalars(sa.select(Canary.id).order_by(Canary.id)).first() or 0,
        }
        session.remove()
    compute(app)  # the oversight pages show stored results
    return world


def _person(session, email: str) -> User:
    user = users.by_email(session, email)
    assert user is not None, email
    return user
