"""Nobody is offered a link they cannot open: every page each role reaches from the start
page is crawled, and every same-site link on it is followed."""

import re
from collections import deque
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Delivery, DeliveryStatus, Item
from reviewq.models.types import utcnow
from reviewq.services import escalations, policy
from tests.support.api import draft
from tests.support.auth import signed_in

ROLES = {"reviewer": 1, "supervisor": 3, "manager": 1, "admin": 1}
HREF = re.compile(r'href="([^"]*)"')
MAX_PAGES = 150


@pytest.fixture
def clients(app, source):
    """A client per role, and work that puts item links in front of each of them: an
    escalation moved up to managers and admins, a level-3 draft, a failed callback."""
    with app.app_context():
        policy.set_rules(
            db.session,
            Actor.system("test"),
            [Rule("fraud", always_escalate=True), Rule("medical", min_level=3)],
        )
        db.session.commit()
    made = {
        role: signed_in(app, f"{role}@example.com", role, level) for role, level in ROLES.items()
    }
    source.submit(draft(risk_tags=["fraud"]))
    medical = source.submit(draft(risk_tags=["medical"])).get_json()["id"]
    with app.app_context():
        escalations.move_up_stale(db.session, utcnow() + timedelta(hours=1))
        item = db.session.get(Item, medical)
        db.session.add(
            Delivery(
                item_id=item.id,
                source_id=item.source_id,
                event="item.approved",
                msg_id="msg_failed",
                payload={},
                status=DeliveryStatus.FAILED,
                attempts=7,
                next_attempt_at=utcnow(),
                last_error="HTTP 500",
            )
        )
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 1
    return made


def crawl(client) -> list[str]:
    """Follow every same-site link from the start page; the links that did not open."""
    seen, queue, broken = {"/"}, deque([("start", "/")]), []
    while queue and len(seen) <= MAX_PAGES:
        page, url = queue.popleft()
        resp = client.get(url)
        resp.close()  # static files are streamed
        if resp.status_code >= 400:
            broken.append(f"{page} -> {url}: {resp.status_code}")
        if resp.status_code != 200 or resp.mimetype != "text/html":
            continue
        for href in HREF.findall(resp.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith("//") and href not in seen:
                seen.add(href)
                queue.append((url, href))
    return broken


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_a_role_is_offered_opens(clients, role) -> None:
    broken = crawl(clients[role])
    assert not broken, "\n".join(broken)
