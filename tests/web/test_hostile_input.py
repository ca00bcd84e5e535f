"""Hostile values in every id, query parameter and form field of every route: never a 500.

Generated from the app's URL map like the route x role matrix: a route without an entry in
``ROUTES`` fails, so nobody adds a page, endpoint or form without deciding how it is attacked.
Each form is first sent as it should be, as the role that uses it, and must be accepted (so
the hostile copies reach the same code past CSRF and authority); then once per field per
hostile value, each on fresh state (a new claim, a new source...). A last test reads the
forms the pages render and checks that every field they post is attacked here.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Delivery, Escalation, Item, QaReview, User
from reviewq.models.types import utcnow
from reviewq.services import canaries, escalation_records, escalations, policy, review, sources
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

ROLES = ["anon", "reviewer", "supervisor", "manager", "admin"]

# Text that a form field or query parameter must refuse or store harmlessly, never crash on.
HOSTILE = {
    "nul": "a\x00b",
    "control characters": "a\x01\x08\x1b[2J\x7f\x85b",
    "lone surrogate": "a\ud800b",  # sent as the UTF-8-style bytes ED A0 80
    "over-long": "x" * 100_000,
    "huge integer": str(2**64),
    "past the int digit limit": "9" * 5000,
    "negative": "-1",
    "nan": "nan",
    "infinite": "1e400",
    "bidi and zero-width": "\u202e\u200b\ufeff",
}
# JSON text for fields that take JSON (the canary's context), on top of HOSTILE.
HOSTILE_JSON = {
    "json infinity": '{"a": 1e400}',
    "json -infinity": '{"a": -1e400}',
    "json NaN": '{"a": NaN}',
    "json huge integer": '{"a": 1' + "0" * 5000 + "}",
    "json NUL escape": '{"a": "\\u0000"}',
    "json lone surrogate": '{"a": "\\ud800"}',
    "json deep": "[" * 5000 + "]" * 5000,
}
# Raw JSON values for the fields of a submitted draft, on top of HOSTILE as strings.
HOSTILE_NUMBERS = {
    "1e400": "1e400",
    "-1e400": "-1e400",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "integer past the digit limit": "1" + "0" * 5000,
    "huge integer": str(2**64),
}
HOSTILE_INT_IDS = [str(2**31), str(2**63 - 1), str(2**63), str(2**64), "9" * 50, "9" * 5000]
HOSTILE_SEGMENTS = ["a\x00b", "a\x01\x1bb", "a\ud800b", "x" * 5000, "..", "a b", "%00"]


def encode(value: str) -> str:
    """Percent-encode anything, lone surrogates included (as UTF-8-style bytes)."""
    return quote(value, safe="", errors="surrogatepass")


def form_body(data: dict[str, str]) -> bytes:
    return urlencode(data, errors="surrogatepass").encode("ascii")


@dataclass
class Target:
    """One request that works when sent as it is; ``fields`` names what may be attacked."""

    client: FlaskClient
    method: str
    path: str
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (200, 302)
    send_json: Callable[[dict[str, Any]], TestResponse] | None = None

    def send(self, overrides: dict[str, str] | None = None) -> TestResponse:
        data = {**self.fields, **(overrides or {})}
        if self.method == "GET":
            query = urlencode(data, errors="surrogatepass")
            return self.client.get(f"{self.path}?{query}", headers=self.headers)
        return self.client.open(
            self.path,
            method=self.method,
            data=form_body(data),
            headers=self.headers,
            content_type="application/x-www-form-urlencoded",
        )


class World:
    """Users signed in per role, a source, and helpers that make fresh state per case."""

    def __init__(self, app: Any, source: Any) -> None:
        self.app, self.source = app, source
        self.counter = itertools.count(1)
        with app.app_context():
            policy.set_rules(
                db.session, Actor.system("test"), [Rule("fraud", always_escalate=True)]
            )
            db.session.commit()
        self.clients = {"anon": app.test_client()}
        for role in ROLES[1:]:
            self.clients[role] = signed_in(app, f"{role}@example.com", role)
        with app.app_context():
            self.ids = {
                u.role: u.id for u in db.session.scalars(sa.select(User)) if u.role in ROLES
            }
        self.tokens = {role: csrf(c, "/") for role, c in self.clients.items()}

    def form(self, role: str, path: str, fields: dict[str, str] | None = None, **kw) -> Target:
        """A POST form as ``role``, CSRF token included (and attacked like any field)."""
        data = {"csrf_token": self.tokens[role], **(fields or {})}
        return Target(self.clients[role], "POST", path, data, **kw)

    def page(self, role: str, path: str, query: dict[str, str], **kw) -> Target:
        return Target(self.clients[role], "GET", path, query, **kw)

    def bearer(self, method: str, path: str, query: dict[str, str] | None = None) -> Target:
        headers = {"Authorization": f"Bearer {self.source.token}"}
        return Target(self.clients["anon"], method, path, query or {}, headers, ok=(200,))

    def personal_token(self) -> int:
        """A fresh reports API token of the manager's: its id."""
        return self._token()[0]

    def personal_token_text(self) -> str:
        """A fresh reports API token of the manager's: the token itself."""
        return self._token()[1]

    def _token(self) -> tuple[int, str]:
        from reviewq.services import personal_tokens

        with self.app.app_context():
            manager = db.session.get_one(User, self.ids["manager"]).actor
            for old in personal_tokens.live(db.session, manager.id):  # stay under the cap
                personal_tokens.revoke(db.session, manager, old.id, utcnow())
            row, token = personal_tokens.issue(db.session, manager, "BI", utcnow())
            db.session.commit()
            return row.id, token

    def sealed(self) -> int:
        """Seal the audit log (after a new item): the newest checkpoint's size."""
        from reviewq import jobs
        from reviewq.services import tlog

        self.item()
        with self.app.app_context():
            jobs.seal()
            head = tlog.newest(db.session)
            db.session.remove()
        assert head is not None
        return head.size

    def item(self, **overrides: Any) -> int:
        resp = self.source.submit(draft(**overrides))
        assert resp.status_code == 201, resp.get_data(as_text=True)
        return resp.get_json()["id"]

    def held_item(self) -> tuple[int, int]:
        """(id, version) of an item the reviewer holds (the one still held, or a new one)."""
        self.item()
        with self.app.app_context():
            actor = db.session.get(User, self.ids["reviewer"]).actor
            item = review.claim_next(db.session, actor, datetime.now(UTC))
            assert item is not None
            db.session.commit()
            return item.id, item.version

    def claimed_escalation(self) -> tuple[int, int]:
        """(escalation id, item version) of an escalation the supervisor holds."""
        item_id = self.item(risk_tags=["fraud"])
        with self.app.app_context():
            escalation = escalation_records.current(db.session, item_id)
            actor = db.session.get(User, self.ids["supervisor"]).actor
            escalations.claim(db.session, actor, escalation, datetime.now(UTC))
            db.session.commit()
            return escalation.id, db.session.get(Item, item_id).version

    def escalation(self) -> int:
        item_id = self.item(risk_tags=["fraud"])
        with self.app.app_context():
            return escalation_records.current(db.session, item_id).id

    def qa_review(self) -> int:
        """A pending blind second review of an approved item the supervisor did not decide."""
        item_id = self.item()
        with self.app.app_context():
            now = datetime.now(UTC)
            item = db.session.get(Item, item_id)
            item.status, item.decided_at = "approved", now
            qa = QaReview(item_id=item_id, created_at=now)
            db.session.add(qa)
            db.session.commit()
            return qa.id

    def canary(self) -> int:
        """A canary in the source's library, added by the supervisor."""
        with self.app.app_context():
            made = canaries.create(
                db.session,
                db.session.get(User, self.ids["supervisor"]).actor,
                sources.get(db.session, self.source.slug),
                "Refund of $4,200",
                "We refund ten times the amount.",
                ["refund"],
                "wrong_facts",
                "reject",
            )
            db.session.commit()
            return made.id

    def new_source(self) -> str:
        slug = f"hostile-{next(self.counter)}"
        with self.app.app_context():
            sources.create_source(db.session, Actor.system("test"), slug, slug, "owner@example.com")
            db.session.commit()
        return slug

    def policy_version(self) -> int:
        """The id of the policy version in force."""
        from reviewq.models import PolicyVersion

        with self.app.app_context():
            return db.session.scalar(sa.select(sa.func.max(PolicyVersion.id)))

    def token_of(self, slug: str) -> int:
        """The id of ``slug``'s first API token."""
        from reviewq.models import Source, SourceToken

        with self.app.app_context():
            return db.session.scalars(
                sa.select(SourceToken.id).join(Source).where(Source.slug == slug)
            ).first()

    def person(self, active: bool = True) -> int:
        """A fresh reviewer (deactivated when ``active`` is False): their id."""
        from reviewq.services import people, users

        email = f"person{next(self.counter)}@example.com"
        with self.app.app_context():
            user = users.create_user(
                db.session, Actor.system("test"), email, "Pat", "reviewer", 1, "pw-long-enough-1"
            )
            if not active:
                people.deactivate(db.session, Actor.system("test"), user, datetime.now(UTC))
            db.session.commit()
            return user.id

    def link(self) -> str:
        """A fresh invitation link's token."""
        from reviewq.services import people

        email = f"invited{next(self.counter)}@example.com"
        with self.app.app_context():
            _, token = people.invite(
                db.session, Actor.system("test"), email, "Ivy", "reviewer", 1, datetime.now(UTC)
            )
            db.session.commit()
            return token

    def failed_delivery(self) -> int:
        item_id = self.item()
        with self.app.app_context():
            delivery = Delivery(
                item_id=item_id,
                source_id=db.session.get(Item, item_id).source_id,
                event="item.approved",
                msg_id=f"msg_{uuid.uuid4().hex}",
                payload={},
                status="failed",
                attempts=6,
                next_attempt_at=datetime.now(UTC) + timedelta(days=1),
                created_at=datetime.now(UTC),
            )
            db.session.add(delivery)
            db.session.commit()
            return delivery.id

    def submit_json(self, payload: dict[str, Any]) -> TestResponse:
        """Sign and send a draft whose values may be ``Raw`` JSON tokens."""
        raws: dict[str, str] = {}

        def mark(value: Any) -> Any:
            if isinstance(value, Raw):
                key = f"@@raw{len(raws)}@@"
                raws[key] = value.text
                return key
            if isinstance(value, dict):
                return {k: mark(v) for k, v in value.items()}
            if isinstance(value, list):
                return [mark(v) for v in value]
            return value

        body = json.dumps(mark(payload))
        for key, text in raws.items():
            body = body.replace(f'"{key}"', text)
        return self.source.submit(None, raw=body.encode())


@dataclass(frozen=True)
class Raw:
    """A JSON value written as is (``1e400``, ``NaN``...)."""

    text: str


def _set_path(payload: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b[0].c`` in a nested draft."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = payload
    for part, after in zip(parts, parts[1:] + [None], strict=True):
        key: Any = int(part[1:-1]) if part.startswith("[") else part
        if after is None:
            node[key] = value
        else:
            node = node[key]


def decision(version: int, action: str) -> dict[str, str]:
    return {
        "version": str(version),
        "active_seconds": "12.5",
        "action": action,
        "reason_code": "factual_error",
        "reason": "The figure is wrong.",
        "content": "Edited text.",
        "source": "",
        "risk": "",
        "stop_after": "1",
    }


def _intake(world: World) -> Target:
    def send_json(overrides: dict[str, Any]) -> TestResponse:
        payload = draft()
        for path, value in overrides.items():
            _set_path(payload, path, value)
        return world.submit_json(payload)

    fields = {
        "external_id": "",
        "title": "",
        "content": "",
        "content_type": "",
        "risk_tags[0]": "",
        "context.prompt": "",
        "context.conversation[0].content": "",
        "context.conversation[0].role": "",
        "context.documents": "",
        "metadata.confidence": "",
        "metadata.model": "",
    }
    return Target(
        world.clients["anon"],
        "POST",
        f"/api/v1/sources/{world.source.slug}/items",
        fields,
        ok=(201,),
        send_json=send_json,
    )


def _policy_table(rows: int = 5) -> dict[str, str]:
    """The policy edit form as the page renders it: the default rule, then rules and blanks."""
    fields = {"rows": str(rows), "days": "7"}
    for n in range(rows):
        fields |= {
            f"tag-{n}": "*" if n == 0 else f"tag{n}",
            f"level-{n}": "1",
            f"approvals-{n}": "1",
            f"sla-{n}": "240",
            f"qa-{n}": "5",
            f"escalate-{n}": "",
            f"checklist-{n}": "",
            f"context-{n}": "",
            f"remove-{n}": "",
        }
    return fields


AUDIT_QUERY = {
    "actor": "cli:t",
    "action": "user.",
    "subject": "item:1",
    "since": "2026-11-01",
    "until": "2026-11-30",
    "before": "100",
}

REPORT_QUERY = {
    "start": "2026-10-05",
    "end": "2026-11-29",
    "grain": "week",
    "source": "support-bot",
    "tag": "refund",
    "model": "m-1",
    "page": "1",
}

# (method, rule) -> the request that reaches the code behind it, on fresh state.
ROUTES: dict[tuple[str, str], Callable[[World], Target]] = {
    ("GET", "/"): lambda w: w.page("anon", "/", {}),
    ("GET", "/healthz"): lambda w: w.page("anon", "/healthz", {}),
    ("GET", "/readyz"): lambda w: w.page("anon", "/readyz", {}),
    ("GET", "/metrics"): lambda w: w.page("anon", "/metrics", {}, ok=(404,)),
    ("GET", "/login"): lambda w: w.page("anon", "/login", {"next": "/queue"}),
    ("POST", "/login"): lambda w: w.form(
        "anon",
        "/login",
        {"email": f"nobody{next(w.counter)}@example.com", "password": "wrong-password"},
        ok=(401,),
    ),
    ("POST", "/logout"): lambda w: w.form("anon", "/logout"),
    ("GET", "/queue"): lambda w: w.page(
        "reviewer", "/queue", {"source": w.source.slug, "risk": "low"}
    ),
    ("GET", "/queue/counts"): lambda w: w.page(
        "reviewer", "/queue/counts", {"source": w.source.slug, "risk": "low"}
    ),
    ("GET", "/my-decisions"): lambda w: w.page("reviewer", "/my-decisions", {"page": "1"}),
    ("POST", "/preview"): lambda w: w.form(
        "reviewer", "/preview", {"content": "**Bold** reply", "content_type": "text/markdown"}
    ),
    ("POST", "/queue/next"): lambda w: w.form(
        "reviewer", "/queue/next", {"source": w.source.slug, "risk": ""}
    ),
    ("GET", "/items/<int:item_id>"): lambda w: w.page("reviewer", f"/items/{w.item()}", {}),
    ("POST", "/items/<int:item_id>/decision"): lambda w: (
        lambda held: w.form("reviewer", f"/items/{held[0]}/decision", decision(held[1], "reject"))
    )(w.held_item()),
    ("POST", "/items/<int:item_id>/skip"): lambda w: w.form(
        "reviewer", f"/items/{w.held_item()[0]}/skip", {"source": "", "risk": ""}
    ),
    ("POST", "/items/<int:item_id>/renew"): lambda w: w.form(
        "reviewer", f"/items/{w.held_item()[0]}/renew"
    ),
    ("POST", "/items/<int:item_id>/stop"): lambda w: w.form(
        "reviewer", f"/items/{w.held_item()[0]}/stop", {"source": "", "risk": ""}
    ),
    # nothing of the reviewer's to take back: refused (403), never a 500
    ("POST", "/items/<int:item_id>/undo"): lambda w: w.form(
        "reviewer", f"/items/{w.held_item()[0]}/undo", {"source": "", "risk": ""}, ok=(403,)
    ),
    ("GET", "/static/<path:filename>"): lambda w: w.page("anon", "/static/reviewq.css", {}),
    ("GET", "/escalations"): lambda w: w.page("supervisor", "/escalations", {}),
    ("POST", "/escalations/<int:escalation_id>/claim"): lambda w: w.form(
        "supervisor", f"/escalations/{w.escalation()}/claim"
    ),
    ("POST", "/escalations/<int:escalation_id>/resolve"): lambda w: (
        lambda held: w.form(
            "supervisor", f"/escalations/{held[0]}/resolve", decision(held[1], "reject")
        )
    )(w.claimed_escalation()),
    ("POST", "/escalations/<int:escalation_id>/release"): lambda w: w.form(
        "supervisor", f"/escalations/{w.claimed_escalation()[0]}/release"
    ),
    ("POST", "/escalations/<int:escalation_id>/renew"): lambda w: w.form(
        "supervisor", f"/escalations/{w.claimed_escalation()[0]}/renew"
    ),
    ("GET", "/notifications"): lambda w: w.page("supervisor", "/notifications", {}),
    ("POST", "/notifications/read"): lambda w: w.form("supervisor", "/notifications/read"),
    ("GET", "/sources"): lambda w: w.page("admin", "/sources", {}),
    ("POST", "/sources/<slug>/status"): lambda w: w.form(
        "admin",
        f"/sources/{w.new_source()}/status",
        {"change": "pause", "reason": "Model drift"},
    ),
    ("GET", "/admin/deliveries"): lambda w: w.page("admin", "/admin/deliveries", {}),
    ("POST", "/admin/deliveries/<int:delivery_id>/redeliver"): lambda w: w.form(
        "admin", f"/admin/deliveries/{w.failed_delivery()}/redeliver"
    ),
    ("GET", "/canaries"): lambda w: w.page("supervisor", "/canaries", {}),
    ("POST", "/canaries"): lambda w: w.form(
        "supervisor",
        "/canaries",
        {
            "source": w.source.slug,
            "title": "Refund of $4,200",
            "content": "We refund ten times the amount.",
            "risk_tags": "refund, customer-facing",
            "category": "wrong_facts",
            "expected": "reject",
            "context": '{"prompt": "Reply"}',
        },
    ),
    ("POST", "/canaries/rate"): lambda w: w.form(
        "supervisor", "/canaries/rate", {"source": w.source.slug, "rate": "2.5"}
    ),
    ("GET", "/canaries/<int:canary_id>"): lambda w: w.page(
        "supervisor", f"/canaries/{w.canary()}", {"page": "1"}
    ),
    ("POST", "/canaries/<int:canary_id>"): lambda w: w.form(
        "supervisor",
        f"/canaries/{w.canary()}",
        {"title": "Refund of $4,300", "content": "We refund it all twice.", "expected": "reject"},
    ),
    ("POST", "/canaries/<int:canary_id>/active"): lambda w: w.form(
        "supervisor", f"/canaries/{w.canary()}/active", {"active": "0"}
    ),
    ("GET", "/in-review"): lambda w: w.page(
        "supervisor",
        "/in-review",
        {"reviewer": str(w.ids["reviewer"]), "source": w.source.slug, "page": "1"},
    ),
    ("POST", "/in-review/<int:item_id>/release"): lambda w: w.form(
        "supervisor", f"/in-review/{w.held_item()[0]}/release", {"holder": str(w.ids["reviewer"])}
    ),
    ("GET", "/search"): lambda w: w.page(
        "supervisor", "/search", {"q": "refund", "status": "queued", "page": "1"}
    ),
    ("POST", "/escalations/<int:escalation_id>/reassign"): lambda w: w.form(
        "supervisor", f"/escalations/{w.escalation()}/reassign", {"to": str(w.ids["supervisor"])}
    ),
    ("GET", "/qa"): lambda w: w.page("supervisor", "/qa", {}),
    ("GET", "/qa/<int:review_id>"): lambda w: w.page("supervisor", f"/qa/{w.qa_review()}", {}),
    ("POST", "/qa/<int:review_id>"): lambda w: w.form(
        "supervisor", f"/qa/{w.qa_review()}", {"verdict": "agree", "note": "Fine as it is."}
    ),
    ("GET", "/oversight"): lambda w: w.page(
        "supervisor", "/oversight", {"days": "14", "sort": "verdict", "page": "1"}
    ),
    ("GET", "/oversight/<int:user_id>"): lambda w: w.page(
        "supervisor", f"/oversight/{w.ids['reviewer']}", {"days": "14"}
    ),
    ("POST", "/oversight/<int:user_id>"): lambda w: w.form(
        "supervisor",
        f"/oversight/{w.ids['reviewer']}?days=14",
        {"signal": "S1", "status": "acknowledged", "note": "Talked it through."},
    ),
    ("POST", "/oversight/recompute"): lambda w: w.form(
        "supervisor", "/oversight/recompute?days=14", {"back": "/oversight?days=14"}
    ),
    ("GET", "/my-stats"): lambda w: w.page("reviewer", "/my-stats", {"days": "14"}),
    ("GET", "/admin/audit"): lambda w: w.page("admin", "/admin/audit", AUDIT_QUERY),
    ("GET", "/admin/audit.csv"): lambda w: w.page("admin", "/admin/audit.csv", AUDIT_QUERY),
    ("POST", "/admin/audit/verify"): lambda w: w.form("admin", "/admin/audit/verify"),
    ("GET", "/admin/policy"): lambda w: w.page("admin", "/admin/policy", {"page": "1"}),
    ("GET", "/admin/policy/edit"): lambda w: w.page("admin", "/admin/policy/edit", {}),
    ("POST", "/admin/policy/preview"): lambda w: w.form(
        "admin", "/admin/policy/preview", {**_policy_table(), "note": "", "reroute": ""}
    ),
    ("POST", "/admin/policy"): lambda w: w.form(
        "admin", "/admin/policy", {**_policy_table(), "note": "Stricter", "reroute": "1"}
    ),
    ("GET", "/admin/policy/diff"): lambda w: w.page(
        "admin", "/admin/policy/diff", {"a": str(w.policy_version()), "b": str(w.policy_version())}
    ),
    ("GET", "/admin/people"): lambda w: w.page(
        "admin", "/admin/people", {"q": "pat", "role": "reviewer", "state": "active", "page": "1"}
    ),
    ("GET", "/admin/people/new"): lambda w: w.page("admin", "/admin/people/new", {}),
    ("POST", "/admin/people/new"): lambda w: w.form(
        "admin",
        "/admin/people/new",
        {
            "email": f"new{next(w.counter)}@example.com",
            "name": "Nia New",
            "role": "reviewer",
            "level": "2",
            "how": "invite",
            "password": "",
        },
        ok=(201,),
    ),
    ("GET", "/admin/people/<int:user_id>"): lambda w: w.page(
        "admin", f"/admin/people/{w.person()}", {}
    ),
    ("POST", "/admin/people/<int:user_id>/role"): lambda w: w.form(
        "admin", f"/admin/people/{w.person()}/role", {"role": "supervisor", "level": "3"}
    ),
    ("POST", "/admin/people/<int:user_id>/deactivate"): lambda w: w.form(
        "admin", f"/admin/people/{w.person()}/deactivate"
    ),
    ("POST", "/admin/people/<int:user_id>/reactivate"): lambda w: w.form(
        "admin", f"/admin/people/{w.person(active=False)}/reactivate"
    ),
    ("POST", "/admin/people/<int:user_id>/reset"): lambda w: w.form(
        "admin", f"/admin/people/{w.person()}/reset", ok=(200,)
    ),
    ("GET", "/admin/sources/new"): lambda w: w.page("admin", "/admin/sources/new", {}),
    ("POST", "/admin/sources/new"): lambda w: w.form(
        "admin",
        "/admin/sources/new",
        {
            "name": "New bot",
            "slug": f"new-bot-{next(w.counter)}",
            "owner": "admin@example.com",
            "callback_url": "https://example.com/hook",
        },
        ok=(201,),
    ),
    ("GET", "/admin/sources/<slug>"): lambda w: w.page(
        "admin", f"/admin/sources/{w.source.slug}", {"page": "1"}
    ),
    ("POST", "/admin/sources/<slug>/secret"): lambda w: w.form(
        "admin", f"/admin/sources/{w.new_source()}/secret", ok=(200,)
    ),
    ("POST", "/admin/sources/<slug>/tokens"): lambda w: w.form(
        "admin", f"/admin/sources/{w.new_source()}/tokens", {"name": "export"}, ok=(200,)
    ),
    ("POST", "/admin/sources/<slug>/tokens/<int:token_id>/revoke"): lambda w: (
        lambda slug: w.form("admin", f"/admin/sources/{slug}/tokens/{w.token_of(slug)}/revoke")
    )(w.new_source()),
    ("POST", "/admin/sources/<slug>/callback"): lambda w: w.form(
        "admin",
        f"/admin/sources/{w.new_source()}/callback",
        {"callback_url": "https://example.com/hook"},
    ),
    ("POST", "/admin/sources/<slug>/callback/test"): lambda w: w.form(
        "admin", f"/admin/sources/{w.new_source()}/callback/test"
    ),
    ("POST", "/admin/sources/<slug>/owner"): lambda w: w.form(
        "admin", f"/admin/sources/{w.new_source()}/owner", {"owner": "admin@example.com"}
    ),
    ("GET", "/account/password"): lambda w: w.page("reviewer", "/account/password", {}),
    ("POST", "/account/password"): lambda w: w.form(
        "reviewer",
        "/account/password",
        {"current": "not-the-password", "new": "another-good-password"},
        ok=(400,),
    ),
    ("GET", "/account/link/<token>"): lambda w: w.page("anon", f"/account/link/{w.link()}", {}),
    ("POST", "/account/link/<token>"): lambda w: w.form(
        "anon", f"/account/link/{w.link()}", {"password": "a-brand-new-password"}
    ),
    **{
        ("GET", path): (lambda p: lambda w: w.page("manager", p, REPORT_QUERY))(path)
        for path in ("/reports", "/reports/workload", "/reports/quality", "/reports/oversight")
    },
    ("GET", "/reports/<name>/<table>.csv"): lambda w: w.page(
        "manager", "/reports/workload/flow.csv", REPORT_QUERY
    ),
    ("GET", "/reports/tokens"): lambda w: w.page("manager", "/reports/tokens", {}),
    ("POST", "/reports/tokens"): lambda w: w.form(
        "manager", "/reports/tokens", {"name": "BI tool"}
    ),
    ("POST", "/reports/tokens/<int:personal_token_id>/revoke"): lambda w: w.form(
        "manager", f"/reports/tokens/{w.personal_token()}/revoke"
    ),
    ("GET", "/api/v1/reports/<name>"): lambda w: Target(
        w.clients["anon"],
        "GET",
        "/api/v1/reports/workload",
        dict(REPORT_QUERY),
        {"Authorization": f"Bearer {w.personal_token_text()}"},
        ok=(200,),
    ),
    ("POST", "/api/v1/sources/<slug>/items"): _intake,
    ("GET", "/api/v1/sources/<slug>/items"): lambda w: w.bearer(
        "GET", f"/api/v1/sources/{w.source.slug}/items", {"external_id": "x-1", "limit": "10"}
    ),
    ("GET", "/api/v1/items/<int:item_id>"): lambda w: w.bearer("GET", f"/api/v1/items/{w.item()}"),
    ("POST", "/api/v1/items/<int:item_id>/withdraw"): lambda w: w.bearer(
        "POST", f"/api/v1/items/{w.item()}/withdraw"
    ),
    ("GET", "/api/v1/openapi.json"): lambda w: w.page("anon", "/api/v1/openapi.json", {}),
    ("GET", "/api/v1/audit/checkpoint"): lambda w: (
        w.sealed() and w.bearer("GET", "/api/v1/audit/checkpoint")
    ),
    ("GET", "/api/v1/audit/proof"): lambda w: w.bearer(
        "GET", "/api/v1/audit/proof", {"event": "1", "size": str(w.sealed())}
    ),
    ("GET", "/api/v1/audit/consistency"): lambda w: w.bearer(
        "GET", "/api/v1/audit/consistency", {"first": "1", "second": str(w.sealed())}
    ),
}
# Extra values per field, on top of HOSTILE.
EXTRA = {"context": HOSTILE_JSON}
# Decision forms take other paths for other actions: each is attacked in its fields too.
VARIANTS = {
    ("POST", "/items/<int:item_id>/decision"): {
        "escalate": ["reason"],
        "edit": ["content"],
        "approve": ["active_seconds", "version"],
    },
    ("POST", "/escalations/<int:escalation_id>/resolve"): {
        "return": ["reason"],
        "edit": ["content"],
        "approve": ["active_seconds", "version"],
    },
}


# POST routes whose form the pages above do not show in this test's state.
NOT_RENDERED = {
    ("POST", "/admin/policy"): "the edit page's Save button posts its form there (formaction)",
    ("POST", "/oversight/<int:user_id>"): "the flag form shows only beside a fired signal",
    ("POST", "/items/<int:item_id>/renew"): "the page's script posts it, not a form",
    ("POST", "/items/<int:item_id>/undo"): "the undo bar shows only in a decision's window",
    ("POST", "/escalations/<int:escalation_id>/renew"): "the page's script posts it",
    ("POST", "/preview"): "the editor's script posts it",
}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_attacked(app) -> None:
    assert app_routes(app) == set(ROUTES)


@pytest.fixture
def world(app, source) -> Iterator[World]:
    yield World(app, source)
    app.extensions["reviewq.jobs"].wait_idle()  # jobs the requests started end with the test


def _problems(resp: TestResponse, case: str) -> list[str]:
    resp.close()
    return [f"{case}: {resp.status_code}"] if resp.status_code >= 500 else []


def _cases(route: tuple[str, str], target: Target) -> list[tuple[str, str | None, Any]]:
    """(field, variant action, value) triples to send for ``route``."""
    cases: list[tuple[str, str | None, Any]] = []
    for name in target.fields:
        values: dict[str, Any] = dict(HOSTILE) | EXTRA.get(name, {})
        if target.send_json is not None:  # a draft's JSON fields: numbers as written, too
            values = dict(HOSTILE) | {k: Raw(v) for k, v in HOSTILE_NUMBERS.items()}
        cases += [(name, None, v) for v in values.values()]
    for action, names in VARIANTS.get(route, {}).items():
        cases += [(name, action, v) for name in names for v in HOSTILE.values()]
    return cases


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_hostile_fields_and_parameters_never_get_a_500(world, route) -> None:
    """Every field (query parameter for a GET) of the route's request, one at a time."""
    prepare = ROUTES[route]
    first = prepare(world)
    sent = first.send_json({}) if first.send_json else first.send()
    sent.close()
    assert sent.status_code in first.ok, f"the plain request got {sent.status_code}"
    problems: list[str] = []
    for name, action, value in _cases(route, first):
        target = prepare(world)
        if target.send_json is not None:
            resp = target.send_json({name: value})
        else:
            overrides = {name: value} | ({"action": action} if action else {})
            resp = target.send(overrides)
        label = value.text if isinstance(value, Raw) else value
        problems += _problems(resp, f"{name}={label[:30]!r} ({action or 'as is'})")
    assert not problems, "\n".join(problems)


def _paths(rule: str, segment: str) -> list[str]:
    """``rule`` with each placeholder in turn replaced by ``segment`` (others by 1)."""
    holders = re.findall(r"<[^>]+>", rule)
    paths = []
    for hostile in holders:
        path = rule
        for holder in holders:
            path = path.replace(holder, segment if holder == hostile else "1")
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "route",
    sorted(r for r in ROUTES if "<" in r[1]),
    ids=lambda r: f"{r[0]} {r[1]}",
)
def test_hostile_ids_and_path_segments_never_get_a_500(world, route) -> None:
    """Ids past what the columns hold, and slugs or paths with NUL, control characters,
    lone surrogates or thousands of characters, as a visitor and as each role."""
    method, rule = route
    segments = [*HOSTILE_INT_IDS, *(encode(s) for s in HOSTILE_SEGMENTS)]
    problems: list[str] = []
    for role, segment in itertools.product(ROLES, segments):
        for path in _paths(rule, segment):
            data = form_body({"csrf_token": world.tokens[role]}) if method == "POST" else None
            resp = world.clients[role].open(
                path,
                method=method,
                data=data,
                headers={"Authorization": f"Bearer {world.source.token}"},
                content_type="application/x-www-form-urlencoded",
            )
            problems += _problems(resp, f"{role} {path[:60]}")
    assert not problems, "\n".join(problems)


class FormFields(HTMLParser):
    """The POST forms of a page: action -> the names of the fields they send."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path, self.forms, self.current = page_path, {}, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and (attr.get("method") or "get").lower() == "post":
            self.current = self.forms.setdefault(attr.get("action") or self.page_path, set())
        elif tag in ("input", "textarea", "select", "button") and self.current is not None:
            self.current.update([attr["name"]] if attr.get("name") else [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def test_every_field_the_pages_post_is_attacked(app, world) -> None:
    """The forms pages render (each in the state that shows it) post only fields that
    ``ROUTES`` attacks, so a field added to a template cannot be forgotten here."""
    item_id, _ = world.held_item()
    escalation_id, _ = world.claimed_escalation()
    world.escalation()  # an open one, for the Claim button
    world.personal_token()  # a live one, for the Revoke button
    with app.app_context():
        escalated = db.session.get(Escalation, escalation_id).item_id
    w_slug = world.new_source()  # with a callback URL, for its Send test callback button
    with app.app_context():
        sources.get(db.session, w_slug).callback_url = "https://example.com/hook"
        db.session.commit()
    pages = [
        ("anon", "/login"),
        ("reviewer", "/queue"),
        ("reviewer", f"/items/{item_id}"),
        ("supervisor", f"/items/{escalated}"),
        ("supervisor", "/escalations"),
        ("supervisor", "/notifications"),
        ("supervisor", "/canaries"),
        ("supervisor", f"/canaries/{world.canary()}"),
        ("supervisor", "/in-review"),
        ("supervisor", f"/qa/{world.qa_review()}"),
        ("supervisor", f"/oversight/{world.ids['reviewer']}"),
        ("admin", "/sources"),
        ("manager", "/reports/tokens"),
        ("admin", f"/admin/deliveries?d={world.failed_delivery()}"),
        ("admin", "/admin/people/new"),
        ("admin", "/admin/audit"),
        ("admin", "/admin/policy/edit"),
        ("admin", "/admin/sources/new"),
        ("admin", f"/admin/sources/{w_slug}"),
        ("admin", f"/admin/people/{world.person()}"),
        ("admin", f"/admin/people/{world.person(active=False)}"),
        ("reviewer", "/account/password"),
        ("anon", f"/account/link/{world.link()}"),
    ]
    adapter = app.url_map.bind("localhost")
    seen: set[tuple[str, str]] = set()
    missing = []
    for role, path in pages:
        resp = world.clients[role].get(path)
        assert resp.status_code == 200, path
        parser = FormFields(urlsplit(path).path)
        parser.feed(resp.get_data(as_text=True))
        for action, names in parser.forms.items():
            endpoint_rule = adapter.match(urlsplit(action).path, method="POST", return_rule=True)
            route = ("POST", endpoint_rule[0].rule)
            seen.add(route)
            target = ROUTES[route](world)
            attacked = set(target.fields) | {"action"}  # the pressed button's value
            missing += [f"{route[1]}: {n}" for n in sorted(names - attacked)]
    assert missing == []
    form_routes = {r for r in ROUTES if r[0] == "POST" and not r[1].startswith("/api/")}
    assert seen == form_routes - set(NOT_RENDERED)
