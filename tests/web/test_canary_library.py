"""The canary library: the planting rate in percent for every source, and each canary's
page (preview, edit, deactivate, who caught or missed it), for supervisors only."""

import re

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Canary, Item, Source, User
from reviewq.services import canaries, sources
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.support.review import claim, decide

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> Refund **$9,000**'


@pytest.fixture
def sue(app):
    return signed_in(app, "sue@example.com", "supervisor", 5)


def add_canary(app, source, content: str = HOSTILE) -> int:
    with app.app_context():
        sup = db.session.scalar(sa.select(User).where(User.role == "supervisor"))
        made = canaries.create(
            db.session,
            sup.actor,
            sources.get(db.session, source.slug),
            "Refund of $9,000",
            content,
            ["refund"],
            "wrong_facts",
            "reject",
        )
        db.session.commit()
        return made.id


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("25", "Rate (%): must be between 0 and 20 %"),
        ("-1", "Rate (%): must be between 0 and 20 %"),
        ("0.05", "Rate (%): use at most one decimal"),
        ("nan", "Rate (%): must be a number"),
        ("two", "Rate (%): Not a valid float value"),
        ("", "Rate (%): enter a percent"),
    ],
)
def test_a_bad_rate_gets_a_form_message_and_changes_nothing(app, source, sue, rate, message):
    resp = sue.post(
        "/canaries/rate",
        data={"csrf_token": csrf(sue, "/canaries"), "source": source.slug, "rate": rate},
    )
    assert resp.status_code == 302
    assert message in sue.get(resp.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Source.canary_rate)) == 0.0


def test_the_rate_is_entered_and_shown_in_percent_with_its_maximum(app, source, sue):
    page = sue.get("/canaries").get_data(as_text=True)
    assert "0 to 20 % in steps of 0.1" in page
    field = re.search(r'<input type="number" id="rate-\d+" name="rate"[^>]*>', page).group(0)
    assert 'min="0"' in field and 'max="20"' in field and 'step="0.1"' in field
    sue.post(
        "/canaries/rate",
        data={"csrf_token": csrf(sue, "/canaries"), "source": source.slug, "rate": "20"},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(Source.canary_rate)) == 0.2
    assert "<td>20 %</td>" in sue.get("/canaries").get_data(as_text=True)


def test_every_source_is_listed_with_its_rate_a_page_at_a_time(app, make_source, sue):
    for n in range(55):
        make_source(f"bot-{n:02d}")

    def rates(html: str) -> str:
        return html.split('id="rates"', 1)[1].split("</section>", 1)[0]

    first = rates(sue.get("/canaries").get_data(as_text=True))
    assert "bot-00" in first and "bot-49" in first and "bot-50" not in first
    assert "sources_page=2" in first
    second = rates(sue.get("/canaries?sources_page=2").get_data(as_text=True))
    assert "bot-50" in second and "bot-54" in second and "bot-49" not in second
    for bad in ("0", "x", "-1", "99999999"):
        assert sue.get(f"/canaries?sources_page={bad}").status_code == 400


def test_the_preview_escapes_the_canary_like_a_draft(app, source, sue):
    canary_id = add_canary(app, source)
    page = sue.get(f"/canaries/{canary_id}").get_data(as_text=True)
    preview = page.split('id="preview-h"', 1)[1].split("</section>", 1)[0]
    assert "<script>" not in preview and "<img" not in preview
    assert "&lt;script&gt;" in preview or "alert(2)" not in preview
    assert "<strong>$9,000</strong>" in preview  # markdown rendered, as for a draft


def test_a_supervisor_edits_deactivates_and_reactivates_a_canary(app, source, sue):
    canary_id = add_canary(app, source)
    token = csrf(sue, f"/canaries/{canary_id}")
    sue.post(
        f"/canaries/{canary_id}",
        data={
            "csrf_token": token,
            "title": "Refund of $12,000",
            "content": "We refund $12,000.",
            "expected": "escalate",
        },
    )
    bad = sue.post(
        f"/canaries/{canary_id}",
        data={"csrf_token": token, "title": "", "content": "x", "expected": "approve"},
    )
    assert "must be reject or escalate" in sue.get(bad.headers["Location"]).get_data(as_text=True)
    sue.post(f"/canaries/{canary_id}/active", data={"csrf_token": token, "active": "0"})
    with app.app_context():
        canary = db.session.get(Canary, canary_id)
        assert (canary.title, canary.content, canary.expected) == (
            "Refund of $12,000",
            "We refund $12,000.",
            "escalate",
        )
        assert canary.active is False
        events = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject == f"canary:{canary_id}")
        ).all()
        assert events == ["canary.updated", "canary.deactivated"]
    assert "not planted" in sue.get("/canaries").get_data(as_text=True)
    sue.post(f"/canaries/{canary_id}/active", data={"csrf_token": token, "active": "1"})
    with app.app_context():
        assert db.session.get(Canary, canary_id).active is True
    assert (
        sue.post(
            f"/canaries/{canary_id}/active", data={"csrf_token": token, "active": "maybe"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Canary, canary_id).active is True


def test_per_canary_results_name_who_caught_and_who_missed(app, source, sue):
    canary_id = add_canary(app, source, "We refund $9,000 today.")
    carla = signed_in(app, "carla@example.com", "reviewer", 5)
    mick = signed_in(app, "mick@example.com", "reviewer", 5)
    del carla, mick
    copies = [source.submit(draft(title="Reply")).get_json()["id"] for _ in range(2)]
    with app.app_context():
        for item_id in copies:  # planted copies of the canary (as planting marks them)
            db.session.get(Item, item_id).canary_id = canary_id
        db.session.commit()
        people = {
            u.name: u.actor
            for u in db.session.scalars(sa.select(User).where(User.role == "reviewer"))
        }
        caught = claim(people["carla"])
        decide(people["carla"], caught, "reject", reason_code="factual_error", reason="Wrong sum")
        missed = claim(people["mick"])
        decide(people["mick"], missed, "approve")
        caught_id, missed_id = caught.id, missed.id
    page = sue.get(f"/canaries/{canary_id}").get_data(as_text=True)
    assert "Caught 1 · missed 1" in page
    rows = re.findall(
        r"<tr><td><a [^>]*>#(\d+)</a></td><td>(\w+)</td><td>(\w+)</td><td>(\w+)</td>", page
    )
    assert sorted(rows) == sorted(
        [
            (str(caught_id), "carla", "reject", "caught"),
            (str(missed_id), "mick", "approve", "missed"),
        ]
    )
    # the reviewers' own pages never tell the copy from a draft
    for name, item_id in (("carla", caught_id), ("mick", missed_id)):
        client = signed_in_again(app, name)
        assert client.get(f"/canaries/{canary_id}").status_code == 403
        own = client.get(f"/items/{item_id}").get_data(as_text=True).lower()
        assert "canary" not in own


def signed_in_again(app, name: str):
    from tests.support.auth import client_of

    return client_of(app, f"{name}@example.com")


@pytest.mark.parametrize("path", ["/canaries/{id}", "/canaries/{id}?page=2"])
def test_canary_pages_are_for_supervisors_only(app, source, sue, path):
    canary_id = add_canary(app, source)
    url = path.format(id=canary_id)
    assert app.test_client().get(url).status_code == 302  # to sign in
    for role in ("reviewer", "manager", "admin"):
        client = signed_in(app, f"{role}@example.com", role, 5)
        assert client.get(url).status_code == 403
        token = csrf(client, "/")
        assert (
            client.post(
                f"/canaries/{canary_id}", data={"csrf_token": token, "title": "x"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/canaries/{canary_id}/active", data={"csrf_token": token, "active": "0"}
            ).status_code
            == 403
        )
    assert sue.get("/canaries/999999").status_code == 404
    assert sue.get(f"/canaries/{canary_id}?page=x").status_code == 400
    # no CSRF token: refused, nothing changed
    assert sue.post(f"/canaries/{canary_id}/active", data={"active": "0"}).status_code == 400
    with app.app_context():
        assert db.session.get(Canary, canary_id).active is True
