"""Every route, requested as a visitor and as each role, against an expected table.

The table is checked against the app's URL map: a new route that is not listed here fails,
so nobody can add a page or endpoint without deciding who may use it.
"""

import re

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import escalation_records, policy, users
from tests.conftest import draft
from tests.conftest import signed_in as signed_in_as

ROLES = ["anon", "reviewer", "supervisor", "manager", "admin"]
# (method, rule) -> expected status per role, in ROLES order. 302 = sent to sign in.
# The API authenticates sources by signature or token, never by a person's session.
EXPECTED = {
    ("GET", "/"): [200, 200, 200, 200, 200],
    ("GET", "/healthz"): [200, 200, 200, 200, 200],
    ("GET", "/login"): [200, 302, 302, 302, 302],
    ("POST", "/login"): [400, 302, 302, 302, 302],
    ("POST", "/logout"): [302, 302, 302, 302, 302],
    ("GET", "/queue"): [302, 200, 200, 200, 403],
    ("POST", "/queue/next"): [302, 302, 302, 403, 403],
    ("GET", "/items/<int:item_id>"): [302, 200, 200, 200, 403],
    ("POST", "/items/<int:item_id>/decision"): [302, 400, 400, 403, 403],
    ("POST", "/items/<int:item_id>/skip"): [302, 302, 302, 403, 403],
    ("POST", "/items/<int:item_id>/renew"): [302, 409, 409, 403, 403],
    ("GET", "/static/<path:filename>"): [200, 200, 200, 200, 200],
    ("GET", "/escalations"): [302, 403, 200, 200, 403],
    ("POST", "/escalations/<int:escalation_id>/claim"): [302, 403, 302, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/resolve"): [302, 403, 400, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/renew"): [302, 403, 409, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/release"): [302, 403, 302, 403, 403],
    ("GET", "/notifications"): [302, 200, 200, 200, 200],
    ("POST", "/notifications/read"): [302, 302, 302, 302, 302],
    ("GET", "/sources"): [302, 403, 200, 200, 200],
    ("POST", "/sources/<slug>/status"): [302, 403, 400, 400, 400],
    ("GET", "/admin/deliveries"): [302, 403, 403, 403, 200],
    ("GET", "/canaries"): [302, 403, 200, 403, 403],
    ("GET", "/oversight"): [302, 403, 200, 200, 403],
    ("GET", "/oversight/<int:user_id>"): [302, 403, 404, 404, 403],
    ("POST", "/oversight/<int:user_id>"): [302, 403, 404, 404, 403],
    ("GET", "/my-stats"): [302, 200, 200, 403, 403],
    ("POST", "/canaries"): [302, 403, 404, 403, 403],  # no such source
    ("POST", "/canaries/rate"): [302, 403, 302, 403, 403],
    ("GET", "/qa"): [302, 403, 200, 403, 403],
    ("GET", "/qa/<int:review_id>"): [302, 403, 404, 403, 403],
    ("POST", "/qa/<int:review_id>"): [302, 403, 404, 403, 403],
    ("POST", "/admin/deliveries/<int:delivery_id>/redeliver"): [302, 403, 403, 403, 404],
    ("POST", "/api/v1/sources/<slug>/items"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/sources/<slug>/items"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/items/<int:item_id>"): [401, 401, 401, 401, 401],
    ("POST", "/api/v1/items/<int:item_id>/withdraw"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/openapi.json"): [200, 200, 200, 200, 200],
}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_table(app) -> None:
    assert app_routes(app) == set(EXPECTED)


@pytest.fixture
def signed_in(app, source):
    """A client per role, signed in through the login form (CSRF included)."""
    clients = {"anon": app.test_client()}
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("fraud", always_escalate=True)])
        for role in ROLES[1:]:
            users.create_user(
                db.session,
                Actor.system("test"),
                f"{role}@example.com",
                role,
                role,
                3,
                "long-enough-pw",
            )
        db.session.commit()
    for role in ROLES[1:]:
        client = app.test_client()
        token = _csrf(client, "/login")
        resp = client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": f"{role}@example.com",
                "password": "long-enough-pw",
            },
        )
        assert resp.status_code == 302, role
        clients[role] = client
    return clients


def _csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else ""


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role_as_expected(app, signed_in, source, route) -> None:
    item_id = source.submit(draft()).get_json()["id"]
    escalated = source.submit(draft(risk_tags=["fraud"])).get_json()["id"]
    with app.app_context():
        escalation_id = escalation_records.current(db.session, escalated).id
    method, rule = route
    path = (
        rule.replace("<int:item_id>", str(item_id))
        .replace("<int:escalation_id>", str(escalation_id))
        .replace("<int:delivery_id>", "999999")
        .replace("<int:review_id>", "999999")
        .replace("<int:user_id>", "999999")
        .replace("<slug>", source.slug)
        .replace("<path:filename>", "reviewq.css")
    )
    got = []
    for role in ROLES:
        client = signed_in[role]
        data = {"csrf_token": _csrf(client, "/")} if method == "POST" else None
        resp = client.open(path, method=method, data=data)
        got.append(resp.status_code)
        resp.close()
    assert got == EXPECTED[route]


# A reviewer below an item's level who never decided it nor holds it (need-to-know): every
# route about the item answers as for an item that does not exist.
BELOW_LEVEL = {
    ("GET", "/items/<int:item_id>"): 404,
    ("POST", "/items/<int:item_id>/decision"): 404,
    ("POST", "/items/<int:item_id>/skip"): 404,
    ("POST", "/items/<int:item_id>/renew"): 404,
}


def test_every_item_route_is_in_the_level_table(app) -> None:
    people_routes = {r for r in app_routes(app) if not r[1].startswith("/api/")}
    assert {r for r in people_routes if "<int:item_id>" in r[1]} == set(BELOW_LEVEL)


@pytest.mark.parametrize("route", sorted(BELOW_LEVEL), ids=lambda r: f"{r[0]} {r[1]}")
def test_item_routes_answer_a_reviewer_below_the_level_as_for_no_item(app, source, route):
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("medical", min_level=3)])
        db.session.commit()
    item_id = source.submit(draft(risk_tags=["medical"])).get_json()["id"]
    junior = signed_in_as(app, "junior@example.com", "reviewer", level=1)
    method, rule = route
    got = []
    for target in (item_id, 999999):
        data = {"csrf_token": _csrf(junior, "/")} if method == "POST" else None
        resp = junior.open(rule.replace("<int:item_id>", str(target)), method=method, data=data)
        got.append(resp.status_code)
        resp.close()
    assert got == [BELOW_LEVEL[route], 404]
