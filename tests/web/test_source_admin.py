"""Sources run from the browser by an administrator: register (credentials shown once),
rotate the secret, named tokens, the callback URL and its test, the owner, the log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent, Delivery, Source
from reviewq.services import sources
from tests.jobs.support import Receiver
from tests.support.api import SourceKit, draft
from tests.support.auth import csrf, signed_in


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


def shown(page: str, field: str) -> str:
    match = re.search(rf'id="once-{field}" class="copy-value" value="([^"]+)"', page)
    assert match, f"no {field} shown"
    return match.group(1)


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


@pytest.fixture
def admin(app):
    return signed_in(app, "ada@example.com", "admin")


def register(admin, slug: str = "billing-bot", **extra: str):
    form = {
        "csrf_token": csrf(admin, "/admin/sources/new"),
        "name": "Billing bot",
        "slug": slug,
        "owner": "ada@example.com",
        **extra,
    }
    return admin.post("/admin/sources/new", data=form)


def test_a_registered_source_gets_its_secret_and_token_once_and_can_submit(app, admin) -> None:
    answer = register(admin)
    assert answer.status_code == 201
    page = answer.get_data(as_text=True)
    secret, token = shown(page, "secret"), shown(page, "token")
    assert secret.startswith("whsec_") and f'SECRET = "{secret}"' in page
    assert "/api/v1/sources/billing-bot/items" in page
    later = admin.get("/admin/sources/billing-bot").get_data(as_text=True)
    assert secret not in later and token not in later
    kit = SourceKit(app.test_client(), "billing-bot", secret, token)
    assert kit.submit(draft()).status_code == 201
    assert kit.get("/api/v1/sources/billing-bot/items").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "Bad Slug"}, "lowercase letters"),
        ({"owner": "nobody@example.com"}, "no user with email"),
        ({"callback_url": "ftp://example.com/hook"}, "http"),
    ],
)
def test_registration_mistakes_are_form_messages(admin, fields, message) -> None:
    answer = register(admin, **fields)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)


def test_a_taken_slug_is_refused(admin) -> None:
    assert register(admin).status_code == 201
    again = register(admin)
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)


def test_rotating_the_secret_keeps_the_old_one_for_the_grace(app, admin) -> None:
    old = shown(register(admin).get_data(as_text=True), "secret")
    answer = admin.post(
        "/admin/sources/billing-bot/secret",
        data={"csrf_token": csrf(admin, "/admin/sources/billing-bot")},
    )
    page = answer.get_data(as_text=True)
    new = shown(page, "secret")
    assert new != old and "the previous secret still verifies until" in page
    kit = SourceKit(app.test_client(), "billing-bot", new, "")
    assert kit.submit(draft()).status_code == 201
    assert kit.submit(draft(), secret=old).status_code == 201  # within the grace
    with app.app_context():
        source = sources.get(db.session, "billing-bot")
        after = datetime.now(UTC) + timedelta(hours=app.config["SECRET_GRACE_HOURS"], seconds=1)
        assert source.verification_secrets(after) == [new]
    assert events(app, "source.secret_rotated")


def test_named_tokens_show_use_and_revocation(app, admin) -> None:
    register(admin)
    token_page = admin.post(
        "/admin/sources/billing-bot/tokens",
        data={"csrf_token": csrf(admin, "/admin/sources/billing-bot"), "name": "nightly export"},
    ).get_data(as_text=True)
    token = shown(token_page, "token")
    assert "nightly export" in token_page
    kit = SourceKit(app.test_client(), "billing-bot", "", token)
    assert kit.get("/api/v1/sources/billing-bot/items").status_code == 200
    page = admin.get("/admin/sources/billing-bot").get_data(as_text=True)
    row = re.search(r"<td>nightly export</td>(.*?)</tr>", page, re.S).group(1)
    assert "never" not in row.split("</td>")[1]  # last used: now
    token_id = re.search(
        r'tokens/(\d+)/revoke" class="inline">\s*<input[^>]*>\s*'
        r'<button[^>]*aria-label="Revoke the token nightly export"',
        page,
    )
    assert token_id, page
    revoked = admin.post(
        f"/admin/sources/billing-bot/tokens/{token_id.group(1)}/revoke",
        data={"csrf_token": csrf(admin, "/admin/sources/billing-bot")},
        follow_redirects=True,
    )
    assert "no longer works" in revoked.get_data(as_text=True)
    assert kit.get("/api/v1/sources/billing-bot/items").status_code == 401
    blank = admin.post(
        "/admin/sources/billing-bot/tokens",
        data={"csrf_token": csrf(admin, "/admin/sources/billing-bot"), "name": "  "},
        follow_redirects=True,
    )
    assert "Token name" in blank.get_data(as_text=True)


def test_the_callback_url_and_its_test(app, admin, receiver) -> None:
    secret = shown(register(admin).get_data(as_text=True), "secret")
    receiver.secret = secret
    token = csrf(admin, "/admin/sources/billing-bot")
    bad = admin.post(
        "/admin/sources/billing-bot/callback",
        data={"csrf_token": token, "callback_url": "ftp://example.com/x"},
        follow_redirects=True,
    )
    assert "http" in bad.get_data(as_text=True)
    admin.post(
        "/admin/sources/billing-bot/callback",
        data={"csrf_token": token, "callback_url": receiver.url},
    )
    tested = admin.post("/admin/sources/billing-bot/callback/test", data={"csrf_token": token})
    assert tested.status_code == 200
    assert "The receiver answered <strong>200</strong>" in tested.get_data(as_text=True)
    (hit,) = receiver.wait_for(1)
    assert hit.payload["type"] == "reviewq.test" and hit.msg_id.startswith("msg_test_")
    receiver.answer(503)
    failed = admin.post("/admin/sources/billing-bot/callback/test", data={"csrf_token": token})
    assert "answered <strong>503</strong>" in failed.get_data(as_text=True)
    assert [e.data["status"] for e in events(app, "source.callback_tested")] == [200, 503]
    (changed,) = events(app, "source.callback_changed")
    assert changed.data == {"from": None, "to": receiver.url}


def test_changing_the_owner_is_audited(app, admin) -> None:
    register(admin)
    signed_in(app, "olu@example.com", "supervisor")
    token = csrf(admin, "/admin/sources/billing-bot")
    unknown = admin.post(
        "/admin/sources/billing-bot/owner",
        data={"csrf_token": token, "owner": "nobody@example.com"},
        follow_redirects=True,
    )
    assert "no active person" in unknown.get_data(as_text=True)
    admin.post(
        "/admin/sources/billing-bot/owner", data={"csrf_token": token, "owner": "olu@example.com"}
    )
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Source).where(Source.slug == "billing-bot")).owner.email
            == "olu@example.com"
        )
    (event,) = events(app, "source.owner_changed")
    assert event.data == {"from": "ada@example.com", "to": "olu@example.com"}


def test_the_delivery_log_shows_this_sources_callbacks_only(app, admin, make_source) -> None:
    page = register(admin).get_data(as_text=True)
    mine = SourceKit(app.test_client(), "billing-bot", shown(page, "secret"), shown(page, "token"))
    other = make_source("other-bot")
    mine_id = mine.submit(draft()).get_json()["id"]
    other_id = other.submit(draft()).get_json()["id"]
    with app.app_context():
        for item_id, source_slug in ((mine_id, "billing-bot"), (other_id, "other-bot")):
            db.session.add(
                Delivery(
                    item_id=item_id,
                    source_id=sources.get(db.session, source_slug).id,
                    event="item.approved",
                    msg_id=f"msg_log_{item_id}",
                    payload={},
                    status="failed",
                    attempts=6,
                    last_status=500,
                    last_error="server error",
                    next_attempt_at=datetime.now(UTC),
                )
            )
        db.session.commit()
    log = admin.get("/admin/sources/billing-bot").get_data(as_text=True)
    assert f"#{mine_id}" in log and f"#{other_id}" not in log and "server error" in log
    assert admin.get("/admin/sources/no-such-bot").status_code == 404
    assert admin.get("/admin/sources/billing-bot?page=0").status_code == 400
