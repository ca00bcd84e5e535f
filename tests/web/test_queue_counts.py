"""The queue's counts as JSON, which the queue page refreshes itself from."""

from __future__ import annotations

import re

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import policy
from tests.support.api import draft
from tests.support.auth import signed_in


def page_counts(client, query: str = "") -> dict[str, str]:
    """The numbers the queue page shows, by their data-count name."""
    html = client.get(f"/queue{query}").get_data(as_text=True)
    return dict(re.findall(r'data-count="([^"]+)">([^<]*)<', html))


def test_counts_follow_the_queue_and_match_the_page(app, source) -> None:
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("legal", min_level=3)])
        db.session.commit()
    junior = signed_in(app, "jun@example.com", "reviewer", level=1)
    empty = junior.get("/queue/counts")
    assert empty.status_code == 200 and empty.mimetype == "application/json"
    assert empty.get_json()["eligible"] == 0 and empty.get_json()["by_source"] == []

    source.submit(draft(risk_tags=["low-risk"]))
    source.submit(draft(risk_tags=["legal"]))  # above the junior's level
    counts = junior.get("/queue/counts").get_json()
    assert counts["eligible"] == 1
    assert sum(counts["by_risk"].values()) == 2
    assert counts["by_source"] == [{"slug": "support-bot", "name": "Support-Bot", "count": 2}]
    assert counts["by_age"]["under 1 h"] == 2 and counts["overdue"] == 0
    assert counts["about"] is False and counts["counted_at"] is None

    shown = page_counts(junior)
    assert shown["eligible"] == "1 item you can review"
    for name, n in counts["by_risk"].items():
        assert shown[f"risk-{name}"] == str(n)
    assert shown["overdue"] == "0" and shown["age-under 1 h"] == "2"


def test_counts_keep_the_page_filters(app, source) -> None:
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("legal", min_level=3)])
        db.session.commit()
    reviewer = signed_in(app, "rev@example.com", "reviewer", level=3)
    source.submit(draft(risk_tags=["low-risk"]))
    source.submit(draft(risk_tags=["legal"]))
    high = reviewer.get("/queue/counts?risk=high").get_json()
    every = reviewer.get("/queue/counts").get_json()
    assert every["eligible"] == 2 and high["eligible"] == 1
    assert sum(high["by_risk"].values()) == 1
    # the page tells its script where to refresh from, with the same filters
    html = reviewer.get("/queue?risk=high").get_data(as_text=True)
    assert 'data-counts-url="/queue/counts?source=&amp;risk=high"' in html
    # an unknown filter value is ignored, as on the page, never a 500
    assert reviewer.get("/queue/counts?risk=nope&source=%00").status_code == 200


def test_counts_are_for_signed_in_people_who_see_the_queue(app, client, source) -> None:
    assert client.get("/queue/counts").status_code == 302  # to sign in
    admin = signed_in(app, "ada@example.com", "admin")
    assert admin.get("/queue/counts").status_code == 403
