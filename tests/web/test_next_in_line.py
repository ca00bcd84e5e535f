"""The queue page's "Next in line" for someone who reviews nothing (a manager)."""

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import policy
from tests.support.api import draft
from tests.support.auth import signed_in


def test_a_managers_next_in_line_shows_items_above_the_managers_own_level(app, source) -> None:
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("medical", min_level=3)])
        db.session.commit()
    source.submit(draft(title="Dosage question", risk_tags=["medical"]))
    source.submit(draft(title="Shipping question"))
    manager = signed_in(app, "max@example.com", "manager", level=1)
    head = manager.get("/queue").get_data(as_text=True).split("Next in line", 1)[1]
    assert "(every level)" in head
    assert "Dosage question" in head and "Shipping question" in head
    # a level-1 reviewer still sees only what they may claim
    reviewer = signed_in(app, "rex@example.com", "reviewer", level=1)
    head = reviewer.get("/queue").get_data(as_text=True).split("Next in line", 1)[1]
    assert "Dosage question" not in head and "Shipping question" in head
