"""Authority levels gate reading as well as deciding: a reviewer below an item's level opens
it only if they decided it or hold it (need-to-know for medical, legal and personal data)."""

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import User
from reviewq.services import policy
from tests.support.api import draft
from tests.support.auth import csrf, signed_in

SECRET = "Patient 4471: HIV test positive"


@pytest.fixture
def legal_item(app, source) -> int:
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("medical", min_level=3)])
        db.session.commit()
    return source.submit(draft(content=SECRET, risk_tags=["medical"])).get_json()["id"]


def set_level(app, email: str, level: int) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == email).values(level=level))
        db.session.commit()


def opens(client, item_id: int) -> int:
    resp = client.get(f"/items/{item_id}")
    assert resp.status_code != 200 or SECRET in resp.get_data(as_text=True)
    return resp.status_code


def test_a_reviewer_below_the_items_level_cannot_open_it_by_id(app, legal_item) -> None:
    junior = signed_in(app, "lou@example.com", "reviewer", level=1)
    assert opens(junior, legal_item) == 404  # as for an item that is not there
    # nor through the decision form, whose answer to a bad form is the item page again
    resp = junior.post(
        f"/items/{legal_item}/decision",
        data={"csrf_token": csrf(junior, "/queue"), "action": "approve"},
    )
    assert resp.status_code == 404 and SECRET not in resp.get_data(as_text=True)


@pytest.mark.parametrize(("role", "level"), [("reviewer", 3), ("supervisor", 1), ("manager", 1)])
def test_those_with_the_level_supervisors_and_managers_open_it(app, legal_item, role, level):
    assert opens(signed_in(app, f"{role}@example.com", role, level), legal_item) == 200


def test_a_reviewer_who_holds_or_decided_it_still_opens_it_after_a_lower_level(
    app, legal_item
) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer", level=3)
    resp = rita.post("/queue/next", data={"csrf_token": csrf(rita, "/queue")})
    assert resp.headers["Location"] == f"/items/{legal_item}"
    set_level(app, "rita@example.com", 1)
    assert opens(rita, legal_item) == 200  # she holds it: she is told her level is too low
    set_level(app, "rita@example.com", 3)
    page = rita.get(f"/items/{legal_item}").get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    resp = rita.post(
        f"/items/{legal_item}/decision",
        data={
            "csrf_token": csrf(rita, "/queue"),
            "version": version,
            "action": "escalate",
            "reason": "needs a doctor",
        },
    )
    assert resp.status_code == 302
    set_level(app, "rita@example.com", 1)
    assert opens(rita, legal_item) == 200  # she decided it
