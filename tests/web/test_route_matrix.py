"""Every route, requested as a visitor and as each role, against an expected table.

The table is checked against the app's URL map: a new route that is not listed here fails,
so nobody can add a page or endpoint without deciding who may use it.
"""

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Delivery, Item, QaReview, Source, SourceToken, User
from reviewq.models.types import utcnow
from reviewq.services import (
    canaries,
    deliveries,
    escalation_records,
    pending,
    personal_tokens,
    policy,
)
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import decide, review_next

SLUG = "support-bot"

ROLES = ["anon", "reviewer", "supervisor", "manager", "admin"]
# (method, rule) -> expected status per role, in ROLES order. 302 = sent to sign in (visitors)
# or back to a page after the action or its refusal (a service's NotAllowed or Conflict is
# flashed). Every id in a rule names a real row (see ``rows``), so no cell is a 404 for a
# missing id; the one designed 404 (need-to-know) has its own table below.
# The API authenticates sources by signature or token, never by a person's session.
EXPECTED = {
    ("GET", "/"): [200, 302, 302, 302, 302],  # signed in: sent to their role's start page
    ("GET", "/healthz"): [200, 200, 200, 200, 200],
    ("GET", "/readyz"): [200, 200, 200, 200, 200],
    ("GET", "/metrics"): [404, 404, 404, 404, 404],  # no token set: no metrics (test_metrics)
    ("GET", "/login"): [200, 302, 302, 302, 302],
    ("POST", "/login"): [400, 302, 302, 302, 302],
    ("POST", "/logout"): [302, 302, 302, 302, 302],
    ("GET", "/queue"): [302, 200, 200, 200, 403],
    ("GET", "/queue/counts"): [302, 200, 200, 200, 403],
    ("POST", "/queue/next"): [302, 302, 302, 403, 403],
    ("GET", "/items/<int:item_id>"): [302, 200, 200, 200, 403],
    ("POST", "/items/<int:item_id>/decision"): [302, 400, 400, 403, 403],
    ("POST", "/items/<int:item_id>/skip"): [302, 302, 302, 403, 403],
    ("POST", "/items/<int:item_id>/stop"): [302, 302, 302, 403, 403],  # holds none: flashed
    ("POST", "/items/<int:item_id>/undo"): [302, 403, 403, 403, 403],  # not their decision
    ("POST", "/items/<int:item_id>/renew"): [302, 409, 409, 403, 403],
    ("GET", "/static/<path:filename>"): [200, 200, 200, 200, 200],
    ("GET", "/escalations"): [302, 403, 200, 200, 403],
    ("POST", "/escalations/<int:escalation_id>/claim"): [302, 403, 302, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/resolve"): [302, 403, 400, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/renew"): [302, 403, 409, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/release"): [302, 403, 302, 403, 403],
    ("POST", "/escalations/<int:escalation_id>/reassign"): [302, 403, 302, 403, 403],
    ("GET", "/notifications"): [302, 200, 200, 200, 200],
    ("POST", "/notifications/read"): [302, 302, 302, 302, 302],
    ("GET", "/sources"): [302, 403, 200, 200, 200],
    ("POST", "/sources/<slug>/status"): [302, 403, 400, 400, 400],
    ("GET", "/admin/deliveries"): [302, 403, 403, 403, 200],
    ("GET", "/canaries"): [302, 403, 200, 403, 403],
    ("GET", "/oversight"): [302, 403, 200, 200, 403],
    ("GET", "/oversight/<int:user_id>"): [302, 403, 200, 200, 403],
    ("POST", "/oversight/<int:user_id>"): [302, 403, 302, 302, 403],  # manager: refused, flashed
    ("GET", "/my-stats"): [302, 200, 200, 403, 403],
    ("GET", "/my-decisions"): [302, 200, 200, 403, 403],
    ("POST", "/preview"): [302, 200, 200, 403, 403],
    ("GET", "/reports"): [302, 403, 200, 200, 200],
    ("GET", "/reports/workload"): [302, 403, 200, 200, 200],
    ("GET", "/reports/quality"): [302, 403, 200, 200, 200],
    ("GET", "/reports/oversight"): [302, 403, 200, 200, 200],
    ("GET", "/reports/<name>/<table>.csv"): [302, 403, 200, 200, 200],
    ("GET", "/reports/tokens"): [302, 403, 200, 200, 200],
    ("POST", "/reports/tokens"): [302, 403, 200, 200, 200],  # the new token, shown once
    ("POST", "/reports/tokens/<int:personal_token_id>/revoke"): [302, 403, 302, 302, 302],
    ("GET", "/api/v1/reports/<name>"): [401, 401, 401, 401, 401],  # a personal token only
    ("POST", "/oversight/recompute"): [302, 403, 302, 302, 403],
    ("POST", "/canaries"): [302, 403, 302, 403, 403],
    ("POST", "/canaries/rate"): [302, 403, 302, 403, 403],
    ("GET", "/canaries/<int:canary_id>"): [302, 403, 200, 403, 403],
    ("POST", "/canaries/<int:canary_id>"): [302, 403, 302, 403, 403],
    ("POST", "/canaries/<int:canary_id>/active"): [302, 403, 302, 403, 403],
    ("GET", "/in-review"): [302, 403, 200, 403, 200],
    ("POST", "/in-review/<int:item_id>/release"): [302, 403, 302, 403, 302],
    ("GET", "/search"): [302, 403, 200, 200, 403],
    ("GET", "/qa"): [302, 403, 200, 403, 403],
    ("GET", "/qa/<int:review_id>"): [302, 403, 200, 403, 403],
    ("POST", "/qa/<int:review_id>"): [302, 403, 302, 403, 403],
    ("POST", "/admin/deliveries/<int:delivery_id>/redeliver"): [302, 403, 403, 403, 302],
    ("GET", "/admin/audit"): [302, 403, 403, 403, 200],
    ("GET", "/admin/audit.csv"): [302, 403, 403, 403, 200],
    ("POST", "/admin/audit/verify"): [302, 403, 403, 403, 302],
    ("GET", "/admin/policy"): [302, 403, 403, 403, 200],
    ("GET", "/admin/policy/edit"): [302, 403, 403, 403, 200],
    ("POST", "/admin/policy/preview"): [302, 403, 403, 403, 200],
    ("POST", "/admin/policy"): [302, 403, 403, 403, 302],
    ("GET", "/admin/policy/diff"): [302, 403, 403, 403, 400],  # no versions named
    ("GET", "/admin/people"): [302, 403, 403, 403, 200],
    ("GET", "/admin/people/new"): [302, 403, 403, 403, 200],
    ("POST", "/admin/people/new"): [302, 403, 403, 403, 201],
    ("GET", "/admin/people/<int:user_id>"): [302, 403, 403, 403, 200],
    ("POST", "/admin/people/<int:user_id>/role"): [302, 403, 403, 403, 302],
    ("POST", "/admin/people/<int:user_id>/deactivate"): [302, 403, 403, 403, 302],
    ("POST", "/admin/people/<int:user_id>/reactivate"): [302, 403, 403, 403, 302],
    ("POST", "/admin/people/<int:user_id>/reset"): [302, 403, 403, 403, 200],
    ("GET", "/account/password"): [302, 200, 200, 200, 200],
    ("POST", "/account/password"): [302, 400, 400, 400, 400],  # no passwords sent
    ("GET", "/account/link/<token>"): [404, 404, 404, 404, 404],  # no such link
    ("POST", "/account/link/<token>"): [404, 404, 404, 404, 404],
    ("GET", "/admin/sources/new"): [302, 403, 403, 403, 200],
    ("POST", "/admin/sources/new"): [302, 403, 403, 403, 201],
    ("GET", "/admin/sources/<slug>"): [302, 403, 403, 403, 200],
    ("POST", "/admin/sources/<slug>/secret"): [302, 403, 403, 403, 200],
    ("POST", "/admin/sources/<slug>/tokens"): [302, 403, 403, 403, 200],
    ("POST", "/admin/sources/<slug>/tokens/<int:token_id>/revoke"): [302, 403, 403, 403, 302],
    ("POST", "/admin/sources/<slug>/callback"): [302, 403, 403, 403, 302],
    ("POST", "/admin/sources/<slug>/callback/test"): [302, 403, 403, 403, 200],
    ("POST", "/admin/sources/<slug>/owner"): [302, 403, 403, 403, 302],
    ("POST", "/api/v1/sources/<slug>/items"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/sources/<slug>/items"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/items/<int:item_id>"): [401, 401, 401, 401, 401],
    ("POST", "/api/v1/items/<int:item_id>/withdraw"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/openapi.json"): [200, 200, 200, 200, 200],
    ("GET", "/api/v1/audit/checkpoint"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/audit/proof"): [401, 401, 401, 401, 401],
    ("GET", "/api/v1/audit/consistency"): [401, 401, 401, 401, 401],
}

POLICY_TABLE = {
    "rows": "1",
    "tag-0": "*",
    "level-0": "1",
    "approvals-0": "1",
    "sla-0": "240",
    "qa-0": "5",
}
# Form fields a POST carries besides the CSRF token, so that a role that passes the view's
# check goes on to the service with real values (not to a 400 for an empty form).
FORMS = {
    ("POST", "/canaries"): {
        "source": SLUG,
        "title": "Refund of $9,000",
        "content": "We refund $9,000 today.",
        "category": "wrong_facts",
        "expected": "reject",
    },
    ("POST", "/oversight/<int:user_id>"): {
        "signal": "speed",
        "status": "acknowledged",
        "note": "Looked at it",
    },
    ("POST", "/qa/<int:review_id>"): {"verdict": "agree"},
    ("POST", "/preview"): {"content": "**Bold** reply", "content_type": "text/markdown"},
    ("POST", "/admin/people/new"): {
        "email": "nia@example.com",
        "name": "Nia New",
        "role": "reviewer",
        "level": "1",
        "how": "invite",
    },
    ("POST", "/admin/people/<int:user_id>/role"): {"role": "reviewer", "level": "2"},
    ("POST", "/admin/sources/new"): {
        "name": "New bot",
        "slug": "new-bot",
        "owner": "admin@example.com",
    },
    ("POST", "/admin/sources/<slug>/tokens"): {"name": "export"},
    ("POST", "/admin/policy/preview"): {**POLICY_TABLE, "days": "7"},
    ("POST", "/admin/policy"): {**POLICY_TABLE, "note": "why"},
    ("POST", "/admin/sources/<slug>/owner"): {"owner": "admin@example.com"},
    ("POST", "/canaries/<int:canary_id>"): {"expected": "escalate"},
    ("POST", "/canaries/<int:canary_id>/active"): {"active": "0"},
    ("POST", "/reports/tokens"): {"name": "BI tool"},
}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_table(app) -> None:
    assert app_routes(app) == set(EXPECTED)
    assert set(FORMS) <= set(EXPECTED)


@pytest.fixture
def clients(app):
    """A client per role (a visitor's, and one signed in through the login form for each);
    jobs their requests started in this process finish with the test."""
    made = {"anon": app.test_client()}
    for role in ROLES[1:]:
        made[role] = signed_in(app, f"{role}@example.com", role)
    yield made
    app.extensions["reviewq.jobs"].wait_idle()


@pytest.fixture
def rows(app, make_source, clients) -> dict[str, str]:
    """A real row for every id a route takes, made as people and sources make them.

    A reviewer outside the matrix approves a draft, which gives a QA sample (rate 1), and
    its callback goes into the outbox (pending; its send job is dropped, so no retry timer
    outlives the test); a "fraud" draft opens an escalation; the decider is the person the
    oversight pages are about.
    """
    with app.app_context():
        policy.set_rules(
            db.session,
            Actor.system("test"),
            [Rule(DEFAULT_TAG, qa_rate=1.0), Rule("fraud", always_escalate=True)],
        )
        db.session.commit()
    source = make_source(SLUG)
    approved = source.submit(draft()).get_json()["id"]
    decider = signed_in(app, "decider@example.com", "reviewer")
    assert review_next(decider) == approved
    decide(app, decider, approved, "approve")
    item_id = source.submit(draft()).get_json()["id"]
    escalated = source.submit(draft(risk_tags=["fraud"])).get_json()["id"]
    with app.app_context():
        item = db.session.get(Item, approved)
        item.source.callback_url = "http://127.0.0.1:9/callback"  # refuses, if ever sent
        deliveries.record(db.session, item, item.status.value, utcnow())
        pending.take(db.session)  # the outbox row, not the send
        db.session.commit()

        def one(query: sa.Select) -> int:
            return db.session.scalars(query).one()

        ids = {
            "<int:item_id>": item_id,
            "<int:escalation_id>": escalation_records.current(db.session, escalated).id,
            "<int:delivery_id>": one(sa.select(Delivery.id).where(Delivery.item_id == approved)),
            "<int:review_id>": one(sa.select(QaReview.id).where(QaReview.item_id == approved)),
            "<int:user_id>": one(sa.select(User.id).where(User.email == "decider@example.com")),
            "<int:token_id>": one(
                sa.select(SourceToken.id).join(Source).where(Source.slug == SLUG)
            ),
            "<int:canary_id>": canaries.create(
                db.session,
                db.session.scalars(sa.select(User).where(User.email == "supervisor@example.com"))
                .one()
                .actor,
                item.source,
                "Refund of $9,000",
                "We refund $9,000 today.",
                [],
                "wrong_facts",
                "reject",
            ).id,
            "<int:personal_token_id>": personal_tokens.issue(
                db.session,
                db.session.scalars(sa.select(User).where(User.email == "manager@example.com"))
                .one()
                .actor,
                "BI tool",
                utcnow(),
            )[0].id,
        }
        db.session.commit()
    return {
        **{k: str(v) for k, v in ids.items()},
        "<slug>": SLUG,
        "<path:filename>": "reviewq.css",
        "<token>": "no-such-token",
        "<name>": "workload",
        "<table>": "flow",
    }


def fill(rule: str, rows: dict[str, str]) -> str:
    """The rule with each placeholder replaced by a real row's id (all of them: checked)."""
    for placeholder, value in rows.items():
        rule = rule.replace(placeholder, value)
    assert "<" not in rule, f"no row for {rule}"
    return rule


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role_as_expected(clients, rows, route) -> None:
    method, rule = route
    path = fill(rule, rows)
    got = []
    for role in ROLES:
        client = clients[role]
        data = None
        if method == "POST":
            data = {"csrf_token": csrf(client, "/"), **FORMS.get(route, {})}
        resp = client.open(path, method=method, data=data)
        got.append(resp.status_code)
        resp.close()
    assert got == EXPECTED[route]


# A reviewer below an item's level who never decided it nor holds it (need-to-know): every
# route about the item answers as for an item that does not exist.
BELOW_LEVEL = {
    ("GET", "/items/<int:item_id>"): (404, 404),
    ("POST", "/items/<int:item_id>/decision"): (404, 404),
    ("POST", "/items/<int:item_id>/skip"): (404, 404),
    ("POST", "/items/<int:item_id>/stop"): (404, 404),
    ("POST", "/items/<int:item_id>/undo"): (404, 404),
    ("POST", "/items/<int:item_id>/renew"): (404, 404),
    # supervisors and admins only: every reviewer is refused by role, item or not
    ("POST", "/in-review/<int:item_id>/release"): (403, 403),
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
    junior = signed_in(app, "junior@example.com", "reviewer", level=1)
    method, rule = route
    got = []
    for target in (item_id, 999999):
        data = {"csrf_token": csrf(junior, "/")} if method == "POST" else None
        resp = junior.open(rule.replace("<int:item_id>", str(target)), method=method, data=data)
        got.append(resp.status_code)
        resp.close()
    assert tuple(got) == BELOW_LEVEL[route]
