"""The supervisors' list of items in review (with Release) and the item search."""

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Item, User
from reviewq.models.types import utcnow
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import review_next, version


@pytest.fixture
def held(app, source):
    """Two drafts from two sources, each claimed by a different reviewer."""
    source.submit(draft(title="Refund for Ms Ada"))
    rex = signed_in(app, "rex@example.com", "reviewer", 3)
    kim = signed_in(app, "kim@example.com", "reviewer", 3)
    first = review_next(rex)
    source.submit(draft(title="Delivery late"))
    second = review_next(kim)
    return {"rex": rex, "kim": kim, "rex_item": first, "kim_item": second}


def user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == f"{name}@example.com"))


def test_the_in_review_page_shows_who_holds_what_until_when(app, held):
    sue = signed_in(app, "sue@example.com", "supervisor", 1)
    page = sue.get("/in-review").get_data(as_text=True)
    assert "Refund for Ms Ada" in page and "Delivery late" in page
    assert page.count(">Release</button>") == 2
    with app.app_context():
        item = db.session.get(Item, held["rex_item"])
        until = item.claim_expires_at.strftime("%H:%M")
    assert f"{until} UTC" in page
    only_rex = sue.get(f"/in-review?reviewer={user_id(app, 'rex')}").get_data(as_text=True)
    assert "Refund for Ms Ada" in only_rex and "Delivery late" not in only_rex
    by_source = sue.get("/in-review?source=support-bot").get_data(as_text=True)
    assert "Refund for Ms Ada" in by_source
    for bad in ("reviewer=x", "reviewer=-1", "reviewer=0", "source=nope", "page=0", "page=x"):
        assert sue.get(f"/in-review?{bad}").status_code == 400, bad


def test_a_supervisor_releases_an_item_and_its_holder_can_no_longer_decide_it(app, held):
    sue = signed_in(app, "sue@example.com", "supervisor", 1)
    item_id, rex, rex_id = held["rex_item"], held["rex"], user_id(app, "rex")
    stale_version = version(app, item_id)
    token = csrf(sue, "/in-review")
    resp = sue.post(
        f"/in-review/{item_id}/release", data={"csrf_token": token, "holder": user_id(app, "rex")}
    )
    assert resp.status_code == 302
    assert f"#{item_id} is back in the queue." in sue.get("/in-review").get_data(as_text=True)
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.status == "queued" and item.claimed_by_id is None
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "item.claim_released")
        ).all()
        assert event.actor == "user:sue@example.com" and event.data == {"holder": rex_id}
    # rex's open page is stale: his decision is refused, nothing changes
    refused = rex.post(
        f"/items/{item_id}/decision",
        data={"csrf_token": csrf(rex, "/queue"), "action": "approve", "version": stale_version},
    )
    assert refused.status_code in (302, 409)
    with app.app_context():
        assert db.session.get(Item, item_id).status == "queued"
    # releasing again (the page was stale) is refused with a message
    again = sue.post(
        f"/in-review/{item_id}/release", data={"csrf_token": token, "holder": user_id(app, "rex")}
    )
    assert "no longer held by that reviewer" in sue.get(again.headers["Location"]).get_data(
        as_text=True
    )


def test_release_authorization_csrf_and_bad_input(app, held):
    item_id, rex_id = held["rex_item"], user_id(app, "rex")
    assert app.test_client().get("/in-review").status_code == 302
    for role in ("reviewer", "manager"):
        client = signed_in(app, f"{role}-x@example.com", role, 5)
        assert client.get("/in-review").status_code == 403
        resp = client.post(
            f"/in-review/{item_id}/release",
            data={"csrf_token": csrf(client, "/"), "holder": rex_id},
        )
        assert resp.status_code == 403
    admin = signed_in(app, "ada@example.com", "admin", 1)
    page = admin.get("/in-review").get_data(as_text=True)
    assert "Refund for Ms Ada" not in page and "not shown to admins" in page
    sue = signed_in(app, "sue@example.com", "supervisor", 1)
    assert sue.post(f"/in-review/{item_id}/release", data={"holder": rex_id}).status_code == 400
    token = csrf(sue, "/in-review")
    assert (
        sue.post(
            "/in-review/999999/release", data={"csrf_token": token, "holder": rex_id}
        ).status_code
        == 404
    )
    for holder in ("", "x", "-5"):
        resp = sue.post(
            f"/in-review/{item_id}/release", data={"csrf_token": token, "holder": holder}
        )
        assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Item, item_id).claimed_by_id == rex_id  # nothing released
    resp = admin.post(
        f"/in-review/{item_id}/release", data={"csrf_token": csrf(admin, "/"), "holder": rex_id}
    )
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Item, item_id).claimed_by_id is None


def test_search_by_id_external_id_title_and_status(app, source, held):
    sue = signed_in(app, "sue@example.com", "supervisor", 1)
    ext = source.submit(draft(external_id="ticket-8812", title="Password reset")).get_json()["id"]

    def found(query: str) -> str:
        resp = sue.get(f"/search?{query}")
        assert resp.status_code == 200
        return resp.get_data(as_text=True).split("<h2>Results</h2>", 1)[1]

    assert "Password reset" in found("q=ticket-8812")
    assert "Password reset" in found(f"q=%23{ext}") and "Delivery late" not in found(f"q={ext}")
    hits = found("q=refund")
    assert "Refund for Ms Ada" in hits and "Delivery late" not in hits
    in_review = found("status=in_review")
    assert "Refund for Ms Ada" in in_review and "Password reset" not in in_review
    assert "by rex" in in_review
    assert "Password reset" in found("q=reset&status=queued")
    assert "No item matches." in found("q=100%25_off")  # wildcards are taken literally
    assert "Results" not in sue.get("/search").get_data(as_text=True)


def test_search_is_for_supervisors_and_managers_and_refuses_bad_input(app, source, held):
    assert app.test_client().get("/search?q=x").status_code == 302
    assert held["rex"].get("/search?q=x").status_code == 403
    admin = signed_in(app, "ada@example.com", "admin", 1)
    assert admin.get("/search?q=x").status_code == 403
    manager = signed_in(app, "max@example.com", "manager", 1)
    assert "Refund for Ms Ada" in manager.get("/search?q=refund").get_data(as_text=True)
    for bad in ("status=done", "page=0", "page=x", "q=" + "a" * 201, "q=a%00b", "q=a%01b"):
        assert manager.get(f"/search?{bad}").status_code == 400, bad


def test_every_page_of_in_review_lists_the_rest(app, source):
    """More holders than a page: the second page has the rest, lease order kept."""
    with app.app_context():
        now = utcnow()
    del now
    names = [f"r{n:02d}" for n in range(52)]
    for name in names:
        source.submit(draft(title=f"Draft of {name}"))
        assert review_next(signed_in(app, f"{name}@example.com", "reviewer", 3)) is not None
    sue = signed_in(app, "sue@example.com", "supervisor", 1)
    first = sue.get("/in-review").get_data(as_text=True)
    second = sue.get("/in-review?page=2").get_data(as_text=True)
    assert first.count(">Release</button>") == 50 and second.count(">Release</button>") == 2
    assert all(f"Draft of {n}" in first + second for n in names)
