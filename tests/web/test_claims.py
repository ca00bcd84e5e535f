"""Claims are leases, in the browser too: a page never offers decision buttons for a claim
that has run out, and an open escalation page keeps its claim alive."""

from datetime import timedelta

import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import Escalation, Item
from reviewq.models.types import utcnow
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import decide, open_escalation, review_next

BUTTONS = 'id="decision-form"'


def lapse(app, model, row_id: int) -> None:
    """Let the claim on a row run out (as if its holder had walked away)."""
    with app.app_context():
        db.session.get(model, row_id).claim_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_an_expired_item_claim_shows_no_decision_buttons(app, source):
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    item_id = source.submit(draft()).get_json()["id"]
    assert review_next(rex) == item_id
    assert BUTTONS in rex.get(f"/items/{item_id}").get_data(as_text=True)
    lapse(app, Item, item_id)
    page = rex.get(f"/items/{item_id}").get_data(as_text=True)
    assert BUTTONS not in page and "data-renew-url" not in page


def test_an_escalation_claim_renews_while_open_and_lapses_when_abandoned(app, source):
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    sue = signed_in(app, "sue@example.com", "supervisor", 3)
    item_id = source.submit(draft()).get_json()["id"]
    assert review_next(rex) == item_id
    decide(app, rex, item_id, "escalate", reason="Unsure")
    escalation_id = open_escalation(app, item_id)
    token = csrf(sue, "/escalations")
    sue.post(f"/escalations/{escalation_id}/claim", data={"csrf_token": token})
    page = sue.get(f"/items/{item_id}").get_data(as_text=True)
    assert BUTTONS in page and f"/escalations/{escalation_id}/renew" in page
    renewed = sue.post(f"/escalations/{escalation_id}/renew", headers={"X-CSRFToken": token})
    assert renewed.status_code == 200
    with app.app_context():
        until = db.session.scalar(
            sa.select(Escalation.claim_expires_at).where(Escalation.id == escalation_id)
        )
    assert until > utcnow() + timedelta(minutes=14)
    lapse(app, Escalation, escalation_id)
    assert BUTTONS not in sue.get(f"/items/{item_id}").get_data(as_text=True)
    lapsed = sue.post(f"/escalations/{escalation_id}/renew", headers={"X-CSRFToken": token})
    assert lapsed.status_code == 409
    # another supervisor may take it at once, before any sweep
    sam = signed_in(app, "sam@example.com", "supervisor", 3)
    sam.post(f"/escalations/{escalation_id}/claim", data={"csrf_token": csrf(sam, "/queue")})
    assert BUTTONS in sam.get(f"/items/{item_id}").get_data(as_text=True)
