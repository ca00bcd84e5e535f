"""The second-review page: agreement (Cohen's kappa) per reviewer and per tag."""

import re

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import QaReview, User
from reviewq.models.types import utcnow
from reviewq.services import agreement, canaries, escalation_records, escalations, policy
from tests.support.api import draft
from tests.support.auth import signed_in
from tests.support.review import claim, decide, verdict


@pytest.fixture
def people(app):
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule(DEFAULT_TAG, qa_rate=1.0)])
        db.session.commit()
    clients = {
        "ann": signed_in(app, "ann@example.com", "reviewer", 3),
        "bob": signed_in(app, "bob@example.com", "reviewer", 3),
        "sue": signed_in(app, "sue@example.com", "supervisor", 3),
        "sam": signed_in(app, "sam@example.com", "supervisor", 3),
    }
    with app.app_context():
        actors = {u.name: u.actor for u in db.session.scalars(sa.select(User))}
    return clients, actors


def pair(app, source, actors, who, tag, first, agrees) -> None:
    """``who`` decides a new draft tagged ``tag`` (approve, or escalate for sue to approve);
    sam answers its blind second review."""
    item_id = source.submit(draft(risk_tags=[tag])).get_json()["id"]
    with app.app_context():
        item = claim(actors[who], utcnow())
        assert item is not None and item.id == item_id
        if first == "approve":
            decide(actors[who], item, "approve", utcnow())
        else:
            decide(actors[who], item, "escalate", utcnow(), reason="Unsure of the amount")
            esc = escalation_records.current(db.session, item_id)
            escalations.claim(db.session, actors["sue"], esc, utcnow())
            escalations.resolve(db.session, actors["sue"], esc, verdict(item, "approve"), utcnow())
            db.session.commit()
        review = db.session.scalars(sa.select(QaReview).where(QaReview.item_id == item_id)).one()
        canaries.answer(db.session, actors["sam"], review, agrees, "", utcnow())
        db.session.commit()


def test_kappa_per_reviewer_and_per_tag(app, source, people):
    clients, actors = people
    for n in range(12):  # ann: 9 agreed approvals, 3 the second reviewer would change
        pair(app, source, actors, "ann", "refund", "approve", n >= 3)
    for _ in range(2):  # ann escalated two that were then approved, and rightly so
        pair(app, source, actors, "ann", "legal", "escalate", True)
    for _ in range(3):
        pair(app, source, actors, "bob", "legal", "approve", True)
    with app.app_context():
        reviewers = dict(agreement.by_reviewer(db.session))
        tags = dict(agreement.by_tag(db.session))
    ann = reviewers["ann"]
    assert (ann.both, ann.first_only, ann.second_only, ann.neither) == (9, 3, 2, 0)
    assert ann.kappa == pytest.approx(-12 / 58)  # po 126/196, pe 138/196
    assert reviewers["bob"].pairs == 3 and not reviewers["bob"].enough
    assert reviewers["sue"].pairs == 2  # her approvals of the escalations are pairs too
    assert tags["refund"].pairs == 12 and tags["legal"].pairs == 2 + 2 + 3

    page = clients["sam"].get("/qa").get_data(as_text=True)
    by_reviewer = page.split("Agreement by reviewer", 1)[1].split("</section>", 1)[0]
    cells = dict(
        re.findall(
            r"<td>(\w+)</td>\s*<td>\d+</td>\s*<td>\d+%</td>\s*<td>(.*?)</td>", by_reviewer, re.S
        )
    )
    assert cells["ann"] == "-0.21"
    assert "not enough data (under 10 pairs)" in cells["bob"]
    by_tag = page.split("Agreement by tag", 1)[1].split("</section>", 1)[0]
    assert re.search(r"<td>refund</td>\s*<td>12</td>\s*<td>75%</td>\s*<td>0.00</td>", by_tag)


def test_agreement_is_counted_in_the_database_not_row_by_row(app, source, people):
    """One statement per table, however many pairs there are."""
    clients, actors = people
    for n in range(11):
        pair(app, source, actors, "ann", "refund", "approve", n % 2 == 0)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            agreement.by_reviewer(db.session)
            agreement.by_tag(db.session)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and all("GROUP BY" in s.upper() for s in selects)


def test_the_qa_page_is_for_supervisors_only(app, people):
    clients, _ = people
    assert clients["ann"].get("/qa").status_code == 403
    assert "No second review answered yet." in clients["sue"].get("/qa").get_data(as_text=True)
