"""Browser flows over HTTP, as a person clicks them: Review next, decide, claim and resolve
an escalation."""

import re

import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import Escalation, Item
from tests.support.auth import csrf


def review_next(client) -> int | None:
    response = client.post("/queue/next", data={"csrf_token": csrf(client, "/queue")})
    assert response.status_code == 302
    match = re.search(r"/items/(\d+)$", response.headers["Location"])
    return int(match.group(1)) if match else None


def version(app, item_id: int) -> int:
    with app.app_context():
        return db.session.get(Item, item_id).version


def decide(app, client, item_id: int, action: str, **fields) -> None:
    token = csrf(client, f"/items/{item_id}")
    data = {"csrf_token": token, "action": action, "version": version(app, item_id), **fields}
    response = client.post(f"/items/{item_id}/decision", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def open_escalation(app, item_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Escalation.id).where(
                Escalation.item_id == item_id, Escalation.resolved_at.is_(None)
            )
        )


def claim_and_resolve(app, client, item_id: int, action: str, **fields) -> str:
    """Claim the item's open escalation and resolve it; the page's message."""
    escalation_id = open_escalation(app, item_id)
    token = csrf(client, "/escalations")
    client.post(f"/escalations/{escalation_id}/claim", data={"csrf_token": token})
    data = {"csrf_token": token, "action": action, "version": version(app, item_id), **fields}
    response = client.post(f"/escalations/{escalation_id}/resolve", data=data)
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)
