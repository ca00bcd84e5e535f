"""My decisions: a reviewer's own history with what became of each decision, and nobody
else's."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import QaReview
from reviewq.services import policy
from tests.support.api import draft
from tests.support.auth import csrf, signed_in
from tests.web.flows import claim_and_resolve, decide, review_next


@pytest.fixture
def people(app, source):
    """Two reviewers and a supervisor; every approval is sampled for a second review, and
    "fraud" drafts are escalated by the reviewer (not by a tag)."""
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule(DEFAULT_TAG, qa_rate=1.0)])
        db.session.commit()
    return {
        "ann": signed_in(app, "ann@example.com", "reviewer"),
        "bob": signed_in(app, "bob@example.com", "reviewer"),
        "sue": signed_in(app, "sue@example.com", "supervisor", level=5),
    }


def rows(client) -> list[str]:
    """The table rows of My decisions, as text, newest first."""
    response = client.get("/my-decisions")
    assert response.status_code == 200
    body = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    cells = [row for row in body.split("</tr>") if "<td" in row]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in cells]


def test_my_decisions_lists_only_your_own_newest_first(app, source, people) -> None:
    ann, bob = people["ann"], people["bob"]
    first = source.submit(draft(title="Ann first")).get_json()["id"]
    assert review_next(ann) == first
    decide(app, ann, first, "approve")
    second = source.submit(draft(title="Ann second")).get_json()["id"]
    assert review_next(ann) == second
    decide(app, ann, second, "reject", reason_code="tone", reason="Too curt")
    theirs = source.submit(draft(title="Bob <b>only</b>")).get_json()["id"]
    assert review_next(bob) == theirs
    decide(app, bob, theirs, "approve")

    mine = rows(ann)
    assert len(mine) == 2
    assert mine[0].startswith(f"#{second} Ann second") and "rejected" in mine[0]
    assert mine[1].startswith(f"#{first} Ann first") and "approved" in mine[1]
    assert not any("Bob" in row for row in mine)
    page = ann.get("/my-decisions").get_data(as_text=True)
    assert f'href="/items/{first}"' in page and f'href="/items/{theirs}"' not in page
    # Bob sees his own, the title escaped (AI content is untrusted)
    bobs = bob.get("/my-decisions").get_data(as_text=True)
    assert "Bob &lt;b&gt;only&lt;/b&gt;" in bobs and "<b>only</b>" not in bobs
    assert "Ann first" not in bobs and "Ann second" not in bobs


def test_my_decisions_shows_the_second_review_and_the_escalation_outcome(
    app, source, people
) -> None:
    ann, sue = people["ann"], people["sue"]
    approved = source.submit(draft(title="Sampled reply")).get_json()["id"]
    assert review_next(ann) == approved
    decide(app, ann, approved, "approve")
    escalated = source.submit(draft(title="Odd claim")).get_json()["id"]
    assert review_next(ann) == escalated
    decide(app, ann, escalated, "escalate", reason="Looks like fraud")

    newest, older = rows(ann)
    assert "escalated" in newest and newest.endswith("open")
    assert "not answered yet" in older

    with app.app_context():
        review_id = db.session.scalar(sa.select(QaReview.id).where(QaReview.item_id == approved))
    answer = sue.post(
        f"/qa/{review_id}", data={"csrf_token": csrf(sue, "/qa"), "verdict": "change"}
    )
    assert answer.status_code == 302
    claim_and_resolve(
        app, sue, escalated, "reject", reason_code="policy_violation", reason="Confirmed fraud"
    )

    newest, older = rows(ann)
    assert "rejected" in newest.split("escalated", 1)[1]  # the escalation's end
    assert "would change" in older and "not answered yet" not in older


def test_my_decisions_pages_and_refuses_a_bad_page_number(app, people) -> None:
    ann = people["ann"]
    assert "No decisions yet." in ann.get("/my-decisions").get_data(as_text=True)
    for bad in ("0", "-1", "abc", "99999999"):
        assert ann.get(f"/my-decisions?page={bad}").status_code == 400
    assert ann.get("/my-decisions?page=2").status_code == 200


def test_my_decisions_reads_a_page_in_one_query_whatever_its_length(app, source, people) -> None:
    ann = people["ann"]

    def statements_for_page() -> int:
        seen: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(conn, cursor, statement, *args) -> None:
            if "decisions" in statement:
                seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert ann.get("/my-decisions").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    for n in range(1, 5):
        item_id = source.submit(draft(title=f"Reply {n}")).get_json()["id"]
        assert review_next(ann) == item_id
        decide(app, ann, item_id, "approve" if n % 2 else "escalate", reason="Check it")
        if n == 1:
            one = statements_for_page()
    assert statements_for_page() == one == 1
