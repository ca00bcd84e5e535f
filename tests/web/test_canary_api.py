"""A source asking for, or sending, a canary's ids gets what any unknown id gets."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import Delivery, Item
from reviewq.models.types import utcnow
from reviewq.services import canaries, sources, sweep, users
from reviewq.services.planting import MIN_HISTORY
from tests.support.api import draft


@pytest.fixture
def planted(ctx, source) -> Item:
    """A canary planted among the source's drafts (sent through the API)."""
    src = sources.get(db.session, source.slug)
    sup = (
        users.create_user(
            db.session, Actor.system("t"), "sue@example.com", "Sue", "supervisor", 5, "long-pw-ok"
        )
    ).actor
    canaries.create(
        db.session, sup, src, "Refund $4,000", "We refund $4,000.", [], "wrong_facts", "reject"
    )
    src.canary_rate = 1.0
    db.session.commit()
    for n in range(MIN_HISTORY):
        assert source.submit(draft(external_id=f"tk-{100 + 2 * n}")).status_code == 201
    sweep.run(db.session, utcnow() + timedelta(hours=1))
    db.session.commit()
    item = db.session.scalar(sa.select(Item).where(Item.canary_id.is_not(None)).limit(1))
    assert item is not None and item.external_id.startswith("tk-")
    db.session.commit()  # end the read (SQLite: free the lock) before the HTTP requests
    return item


def unknown_id() -> int:
    last = db.session.scalar(sa.select(sa.func.max(Item.id)))
    db.session.commit()
    return last + 1000


def same_answer(canary_resp, unknown_resp, canary_id: int, other_id: int) -> None:
    """The same status, type and body, but for the id in the text."""
    assert canary_resp.status_code == unknown_resp.status_code
    assert canary_resp.mimetype == unknown_resp.mimetype
    body = canary_resp.get_data(as_text=True).replace(str(canary_id), "<id>")
    assert body == unknown_resp.get_data(as_text=True).replace(str(other_id), "<id>")


def test_reading_a_canary_by_id_is_an_unknown_id(source, planted) -> None:
    other = unknown_id()
    canary, unknown = (source.get(f"/api/v1/items/{i}") for i in (planted.id, other))
    assert canary.status_code == 404
    same_answer(canary, unknown, planted.id, other)
    canary, unknown = (source.post(f"/api/v1/items/{i}/withdraw") for i in (planted.id, other))
    assert canary.status_code == 404
    same_answer(canary, unknown, planted.id, other)


def test_listing_by_a_canarys_external_id_is_an_unknown_external_id(source, planted) -> None:
    url = f"/api/v1/sources/{source.slug}/items?external_id="
    canary = source.get(url + planted.external_id)
    unknown = source.get(url + "tk-never-sent")
    assert canary.status_code == 200 and canary.get_json() == unknown.get_json() == {"items": []}
    everything = source.get(f"/api/v1/sources/{source.slug}/items?limit=100").get_json()["items"]
    assert planted.id not in {i["id"] for i in everything}


def test_sending_a_canarys_external_id_stores_a_new_draft(source, planted) -> None:
    body = draft(external_id=planted.external_id)
    first = source.submit(body, msg_id=planted.webhook_id)  # its webhook-id too
    assert first.status_code == 201
    created = first.get_json()
    assert created["id"] != planted.id and created["status"] == "queued"
    assert created["external_id"] == planted.external_id
    again = source.submit(body)  # now the source's own: a repeat, as for any id
    assert again.status_code == 200 and again.get_json()["id"] == created["id"]
    db.session.expire_all()
    assert db.session.get(Item, planted.id).canary_id is not None  # the canary is untouched
    assert not db.session.scalars(sa.select(Delivery).where(Delivery.item_id == planted.id)).all()
