"""Working, pausing and stopping over HTTP: filters that survive every step, Stop reviewing,
deciding without taking the next item, the undo window, and what a decided item shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision, Delivery, Item
from reviewq.services import policy
from reviewq.web import render
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

ITEM = re.compile(r"^/items/(\d+)(\?.*)?$")


class _Forms(HTMLParser):
    """The fields each form of a page would submit (hidden inputs and checked boxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = self.forms.setdefault(attr.get("id") or attr.get("action", ""), {})
        elif tag == "input" and self._current is not None and "name" in attr:
            kind = attr.get("type", "text")
            if kind == "hidden" or (kind == "checkbox" and "checked" in attr):
                self._current[attr["name"]] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_of(client, path: str) -> dict[str, dict[str, str]]:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    return parser.forms


def item_of(response) -> int | None:
    assert response.status_code == 302, response.status_code
    match = ITEM.match(response.headers["Location"])
    return int(match.group(1)) if match else None


def decide_on_page(client, location: str, action: str = "approve", untick=(), **extra: str):
    """Submit the item page's decision form as the page offers it (its hidden fields and
    ticked boxes, less those in ``untick``)."""
    item_id = int(ITEM.match(location).group(1))
    fields = forms_of(client, location)["decision-form"]
    fields = {name: value for name, value in fields.items() if name not in untick}
    return client.post(f"/items/{item_id}/decision", data={**fields, "action": action, **extra})


@pytest.fixture
def two_sources(app, make_source):
    """ "calm-bot" sends low-risk drafts; "hot-bot" high-risk ones, always first in line."""
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule(DEFAULT_TAG)])
        db.session.commit()
    calm, hot = make_source("calm-bot"), make_source("hot-bot")
    ids = {"calm": [], "hot": []}
    for n in range(6):
        ids["calm"].append(calm.submit(draft(external_id=f"c-{n}", risk_tags=[])).get_json()["id"])
        ids["hot"].append(hot.submit(draft(external_id=f"h-{n}", risk_tags=[])).get_json()["id"])
    with app.app_context():  # the hot drafts are the most urgent
        db.session.execute(sa.update(Item).where(Item.id.in_(ids["hot"])).values(priority=1))
        db.session.commit()
    return ids


def test_filters_survive_three_decisions_a_skip_and_a_stop(app, two_sources) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    token = csrf(rita, "/queue?source=calm-bot")
    response = rita.post("/queue/next", data={"csrf_token": token, "source": "calm-bot"})
    location = response.headers["Location"]
    assert item_of(response) in two_sources["calm"] and location.endswith("?source=calm-bot")
    for _ in range(3):
        response = decide_on_page(rita, location)
        location = response.headers["Location"]
        assert item_of(response) in two_sources["calm"], location  # never a hot draft
        assert location.endswith("?source=calm-bot")
    skipped = item_of(response)
    fields = forms_of(rita, location)["skip-form"]
    response = rita.post(f"/items/{skipped}/skip", data=fields)
    assert item_of(response) in two_sources["calm"] and item_of(response) != skipped
    stopping = item_of(response)
    fields = forms_of(rita, response.headers["Location"])["stop-form"]
    response = rita.post(f"/items/{stopping}/stop", data=fields)
    assert response.headers["Location"] == "/queue?source=calm-bot"
    with app.app_context():
        hot = db.session.scalars(sa.select(Item.status).where(Item.id.in_(two_sources["hot"])))
        assert set(hot) == {"queued"}


def test_unknown_filters_are_ignored_with_a_message_never_an_error(app, two_sources) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    page = rita.get("/queue?source=no-such-bot&risk=extreme")
    assert page.status_code == 200
    assert "Unknown source and risk filter ignored" in page.get_data(as_text=True)
    token = csrf(rita, "/queue")
    for bad in ({"source": "x\x00y"}, {"risk": "é" * 5000}, {"source": ""}):
        response = rita.post("/queue/next", data={"csrf_token": token, **bad})
        assert response.status_code == 302 and "?" not in response.headers["Location"]
        with app.app_context():  # give it back for the next round
            db.session.execute(sa.update(Item).values(status="queued", claimed_by_id=None))
            db.session.commit()


def test_stop_reviewing_releases_the_claim_for_anyone_at_once(app, two_sources) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    sam = signed_in(app, "sam@example.com", "reviewer")
    token = csrf(rita, "/queue")
    held = item_of(rita.post("/queue/next", data={"csrf_token": token, "risk": "high"}))
    response = rita.post(f"/items/{held}/stop", data={"csrf_token": token, "risk": "high"})
    assert response.headers["Location"] == "/queue?risk=high"
    with app.app_context():
        item = db.session.get(Item, held)
        assert item.status == "queued" and item.claimed_by_id is None
        events = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject == f"item:{held}")
        ).all()
        assert events[-1] == "item.released"
    token = csrf(sam, "/queue")
    assert item_of(sam.post("/queue/next", data={"csrf_token": token, "risk": "high"})) == held
    # Stop again: nothing held any more, said so, nothing changed
    response = rita.post(f"/items/{held}/stop", data={"csrf_token": csrf(rita, "/queue")})
    assert response.status_code == 302
    assert "no longer hold" in rita.get("/queue").get_data(as_text=True)


def test_stop_after_this_decision_takes_no_next_item_and_is_remembered(app, two_sources) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    location = response.headers["Location"]
    assert "stop_after" not in forms_of(rita, location)["decision-form"]  # off at first
    response = decide_on_page(rita, location, stop_after="1")
    assert response.headers["Location"] == "/queue"
    with app.app_context():
        held = db.session.scalar(sa.select(sa.func.count()).where(Item.status == "in_review"))
        assert held == 0
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    location = response.headers["Location"]
    assert forms_of(rita, location)["decision-form"]["stop_after"] == "1"  # remembered
    response = decide_on_page(rita, location, untick=["stop_after"])  # the next opens again
    assert item_of(response) is not None


@pytest.fixture
def undo_window(app, monkeypatch):
    monkeypatch.setitem(app.config, "UNDO_SECONDS", 10)


def test_undo_within_the_window_gives_the_item_back(app, two_sources, undo_window) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    first = item_of(response)
    response = decide_on_page(rita, response.headers["Location"])
    nxt = response.headers["Location"]
    page = rita.get(nxt).get_data(as_text=True)
    assert re.search(r"approved\.</span>\s*<button[^>]*>Undo \(<span[^>]*>(10|9)</span> s\)", page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0

    fields = forms_of(rita, nxt)["undo-bar"]
    response = rita.post(f"/items/{first}/undo", data=fields)
    assert response.headers["Location"] == f"/items/{first}"
    page = rita.get(f"/items/{first}").get_data(as_text=True)
    assert "was taken back: nothing was sent" in page and 'id="decision-form"' in page
    assert "<em>undone</em> just now" in page  # the history keeps the decision, marked
    with app.app_context():
        item = db.session.get(Item, first)
        assert item.status == "in_review" and item.settles_at is None
        assert db.session.scalar(sa.select(Decision.undone_at)) is not None

    again = rita.post(f"/items/{first}/undo", data=fields)
    assert again.status_code == 409
    assert "Too late to undo" in again.get_data(as_text=True)


def test_undo_by_someone_else_or_after_the_window_is_refused(app, two_sources, undo_window) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    sam = signed_in(app, "sam@example.com", "reviewer")
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    first = item_of(response)
    decide_on_page(rita, response.headers["Location"])
    refused = sam.post(f"/items/{first}/undo", data={"csrf_token": csrf(sam, "/queue")})
    assert refused.status_code == 403
    assert "Only the reviewer who took the decision" in refused.get_data(as_text=True)
    with app.app_context():  # the window closes
        past = datetime.now(UTC) - timedelta(seconds=1)
        db.session.execute(sa.update(Item).where(Item.id == first).values(settles_at=past))
        db.session.commit()
    late = rita.post(f"/items/{first}/undo", data={"csrf_token": csrf(rita, "/queue")})
    assert late.status_code == 409


def test_the_pull_api_shows_no_outcome_until_the_window_closes(
    app, make_source, undo_window
) -> None:
    source = make_source()
    item_id = source.submit(draft()).get_json()["id"]
    rita = signed_in(app, "rita@example.com", "reviewer")
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    decide_on_page(rita, response.headers["Location"])
    seen = source.client.get(
        f"/api/v1/items/{item_id}", headers={"Authorization": f"Bearer {source.token}"}
    ).get_json()
    assert (seen["status"], seen["outcome"]) == ("in_review", None)


def test_a_decided_item_shows_when_it_was_decided_not_a_due_time(app, two_sources) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    response = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    first = item_of(response)
    open_page = rita.get(f"/items/{first}").get_data(as_text=True)
    assert re.search(r">Due</span>\s*<strong>in ", open_page)
    decide_on_page(rita, response.headers["Location"])
    page = rita.get(f"/items/{first}").get_data(as_text=True)
    assert ">Due</span>" not in page and "Overdue" not in page
    assert re.search(r">Decided</span>\s*<strong>just now</strong>", page)


NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.domain_only
@pytest.mark.parametrize(
    ("offset", "bare", "text"),
    [
        (timedelta(seconds=-20), False, "just now"),
        (timedelta(seconds=20), False, "in under a minute"),
        (timedelta(minutes=-12), False, "12 min ago"),
        (timedelta(hours=1, minutes=5), False, "in 1 h 5 min"),
        (timedelta(hours=-2), False, "2 h ago"),
        (timedelta(hours=-14, minutes=-20), False, "14 h ago"),
        (timedelta(hours=-143, minutes=-44), False, "5 days ago"),
        (timedelta(days=-6, hours=-3), False, "6 days ago"),
        (timedelta(days=-1, hours=-1), False, "1 day ago"),
        (timedelta(days=2), False, "in 2 days"),
        (timedelta(days=-45), False, "on 17 Oct 2026"),
        (timedelta(days=-45), True, "45 days"),
        (timedelta(days=-6, hours=-3), True, "6 days"),
        (timedelta(seconds=-5), True, "under a minute"),
    ],
)
def test_relative_times_read_on_one_scale(offset, bare, text) -> None:
    assert render.relative(NOW + offset, NOW, bare=bare) == text
