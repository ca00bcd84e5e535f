"""The risk policy edited in the browser: preview (re-routed queued drafts, the dry run's
cost, hand-computed), save as a version with a note, re-route on request, compare."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import AuditEvent, Item, PolicyVersion
from reviewq.services import policy
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import decide, review_next


@pytest.fixture
def admin(app):
    with app.app_context():
        policy.set_rules(
            db.session,
            Actor.system("test"),
            [Rule("*", qa_rate=0.0), Rule("refund", min_level=2, sla_minutes=120, qa_rate=0.1)],
            note="start",
        )
        db.session.commit()
    return signed_in(app, "ada@example.com", "admin")


def table(rules: list[dict[str, str]], **extra: str) -> dict[str, str]:
    """The edit form's fields for ``rules`` (each: tag, level, approvals, sla, qa, ...)."""
    form: dict[str, str] = {"rows": str(len(rules)), **extra}
    for n, rule in enumerate(rules):
        for key, value in rule.items():
            form[f"{key}-{n}"] = value
    return form


DEFAULT = {"tag": "*", "level": "1", "approvals": "1", "sla": "240", "qa": "0"}
REFUND = {"tag": "refund", "level": "2", "approvals": "1", "sla": "120", "qa": "10"}


def test_the_policy_page_shows_the_rules_in_force(admin) -> None:
    page = admin.get("/admin/policy").get_data(as_text=True)
    assert "<code>refund</code>" in page and "start" in page
    edit = admin.get("/admin/policy/edit").get_data(as_text=True)
    assert 'name="tag-1" value="refund"' in edit


def test_preview_counts_rerouted_queued_drafts_and_the_cost(app, admin, source) -> None:
    words = []
    for n in range(3):
        body = draft(content=" ".join(["word"] * (10 * (n + 1))), risk_tags=["refund"])
        assert source.submit(body).status_code == 201
        words.append(10 * (n + 1))
    source.submit(draft(content="one two three", risk_tags=[]))
    stricter = {**REFUND, "approvals": "2", "level": "3"}
    answer = admin.post(
        "/admin/policy/preview",
        data=table([DEFAULT, stricter], csrf_token=csrf(admin, "/admin/policy/edit"), days="7"),
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "<strong>3</strong> queued drafts would be routed differently" in page
    assert page.count('href="/items/') == 3
    # in force: 3 refund drafts, 1 approval each; 1 default draft. Proposed: 2 approvals.
    reading = 3 * 4 + sum(words) * 60 / 238  # seconds, the three refund drafts
    other = 4 + 3 * 60 / 238
    now_hours, new_hours = (reading + other) / 3600, (2 * reading + other) / 3600
    rows = re.findall(r'<th scope="row">(In force|Proposed)</th>(.*?)</tr>', page, re.S)
    cells = {label: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for label, row in rows}
    assert cells["In force"][0] == "4" and cells["Proposed"][0] == "4"
    assert cells["In force"][1] == "L1: 1, L2: 3" and cells["Proposed"][1] == "L1: 1, L3: 3"
    assert cells["In force"][2] == "4" and cells["Proposed"][2] == "7"
    assert cells["In force"][4] == f"{now_hours:.1f}" and cells["Proposed"][4] == f"{new_hours:.1f}"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PolicyVersion)) == 1


def test_saving_needs_a_note_and_keeps_queued_drafts_unless_rerouted(app, admin, source) -> None:
    item_id = source.submit(draft(risk_tags=["refund"])).get_json()["id"]
    token = csrf(admin, "/admin/policy/edit")
    stricter = {**REFUND, "level": "3"}
    no_note = admin.post("/admin/policy", data=table([DEFAULT, stricter], csrf_token=token))
    assert no_note.status_code == 400 and "say why" in no_note.get_data(as_text=True)

    saved = admin.post(
        "/admin/policy", data=table([DEFAULT, stricter], csrf_token=token, note="fraud wave")
    )
    assert saved.status_code == 302
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.min_level == 2  # kept the version that routed it
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "policy.changed")
            .order_by(AuditEvent.id.desc())
        ).first()
        (change,) = event.data["changes"]
        assert change["tag"] == "refund" and change["before"]["min_level"] == 2
        assert change["after"]["min_level"] == 3 and event.data["note"] == "fraud wave"

    again = {**REFUND, "level": "4"}
    admin.post(
        "/admin/policy",
        data=table([DEFAULT, again], csrf_token=token, note="stricter still", reroute="1"),
    )
    with app.app_context():
        item = db.session.get(Item, item_id)
        newest = db.session.scalar(sa.select(sa.func.max(PolicyVersion.id)))
        assert item.min_level == 4 and item.policy_version_id == newest
        assert item.priority == 1 and "level 4+" in " ".join(item.routing_reason)
        (moved,) = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "policy.rerouted")
        ).all()
        assert moved.data == {"queued_items": 1}


def test_rerouting_never_touches_decided_drafts(app, admin, source) -> None:
    item_id = source.submit(draft(risk_tags=["refund"])).get_json()["id"]
    reviewer = signed_in(app, "rita@example.com", "reviewer", level=5)
    assert review_next(reviewer) == item_id
    decide(app, reviewer, item_id, "approve")
    admin.post(
        "/admin/policy",
        data=table(
            [DEFAULT, {**REFUND, "level": "5"}],
            csrf_token=csrf(admin, "/admin/policy/edit"),
            note="x",
            reroute="1",
        ),
    )
    with app.app_context():
        assert db.session.get(Item, item_id).min_level == 2


def test_versions_are_compared(app, admin) -> None:
    token = csrf(admin, "/admin/policy/edit")
    admin.post(
        "/admin/policy",
        data=table(
            [
                DEFAULT,
                {**REFUND, "sla": "60"},
                {"tag": "legal", "level": "3", "approvals": "2", "sla": "480", "qa": "20"},
            ],
            csrf_token=token,
            note="legal added",
        ),
    )
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(PolicyVersion.id).order_by(PolicyVersion.id)
        ).all()
    page = admin.get(f"/admin/policy/diff?a={first}&b={second}").get_data(as_text=True)
    assert "<code>legal</code></td><td>added" in page
    assert "<code>refund</code></td><td>sla_minutes" in page
    assert admin.get(f"/admin/policy/diff?a={first}&b=999999").status_code == 404
    assert admin.get("/admin/policy/diff?a=x&b=1").status_code == 400


@pytest.mark.parametrize(
    ("rules", "extra", "message"),
    [
        ([DEFAULT, {**REFUND, "level": "x"}], {}, "level must be a whole number"),
        ([DEFAULT, {**REFUND, "level": "12"}], {}, "level must be between 1 and 9"),
        ([DEFAULT, {**REFUND, "qa": "150"}], {}, "QA sample rate"),
        ([DEFAULT, REFUND, REFUND], {}, "appears more than once"),
        ([REFUND], {}, "the default rule"),
        ([DEFAULT, {**REFUND, "tag": "Bad Tag"}], {}, "tag must be"),
        ([DEFAULT, REFUND], {"days": "500"}, "between 1 and 90"),
    ],
)
def test_mistakes_are_shown_and_nothing_is_saved(app, admin, rules, extra, message) -> None:
    token = csrf(admin, "/admin/policy/edit")
    fields = {"days": "7", **extra}
    answer = admin.post("/admin/policy/preview", data=table(rules, csrf_token=token, **fields))
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PolicyVersion)) == 1


def test_a_malformed_table_is_400(admin) -> None:
    token = csrf(admin, "/admin/policy/edit")
    for rows in ("", "x", "0", "9999"):
        assert (
            admin.post(
                "/admin/policy/preview", data={"csrf_token": token, "rows": rows}
            ).status_code
            == 400
        )
