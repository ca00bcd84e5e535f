"""GET /metrics: Prometheus text, parsed with the Prometheus client's own parser, whose
figures match what was done through the API and the pages; and the token that guards it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from tests.support.api import draft
from tests.support.auth import signed_in
from tests.web.flows import decide, review_next

TOKEN = "metrics-token-0123456789abcdef"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape by name and labels (the parser rejects malformed text)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def scrape(make_app: Callable[..., Flask], database_url: str) -> Callable[[], dict]:
    """Scrape a second app on the same database, as Prometheus would (token set)."""
    metrics_app = make_app(SQLALCHEMY_DATABASE_URI=database_url, METRICS_TOKEN=TOKEN)

    def get() -> dict:
        answer = metrics_app.test_client().get(
            "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert answer.status_code == 200
        assert answer.content_type.startswith("text/plain; version=")
        return samples(answer.get_data(as_text=True))

    return get


def test_without_a_token_setting_there_are_no_metrics(client) -> None:
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", "Bearer", f"{TOKEN}"]
)
def test_a_scrape_needs_the_bearer_token(make_app, database_url, header) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, METRICS_TOKEN=TOKEN)
    answer = app.test_client().get("/metrics", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"reviewq_" not in answer.data


def test_figures_follow_what_happened(app, source, scrape) -> None:
    before = scrape()
    refused_before = {
        labels: value
        for (name, labels), value in before.items()
        if name.startswith("reviewq_intake_refused")
    }
    for _ in range(4):
        assert source.submit(draft(risk_tags=[])).status_code == 201
    assert source.submit(draft(), secret="whsec_" + "A" * 32).status_code == 401
    assert source.submit(draft(title="")).status_code == 422
    reviewer = signed_in(app, "rita@example.com", "reviewer", level=1)
    first = review_next(reviewer)
    decide(app, reviewer, first, "approve")
    second = review_next(reviewer)
    decide(app, reviewer, second, "escalate", reason="Unsure")  # and takes the third

    after = scrape()
    slug = (("source", source.slug),)
    assert after[("reviewq_intake_accepted_total", slug)] == 4
    depth = {labels: v for (name, labels), v in after.items() if name == "reviewq_queue_depth"}
    assert sum(v for labels, v in depth.items() if ("source", source.slug) in labels) == 1
    assert after[("reviewq_decisions_total", (("action", "approve"),))] == 1
    assert after[("reviewq_decisions_total", (("action", "escalate"),))] == 1
    assert after[("reviewq_escalations_open", (("level", "1"),))] == 1
    assert after[("reviewq_items_in_review", ())] == 1
    oldest = [v for (name, _), v in after.items() if name == "reviewq_queue_oldest_age_seconds"]
    assert len(oldest) == 1 and 0 <= oldest[0] < 120

    def refused(reason: str) -> float:
        key = (("reason", reason),)
        return after.get(("reviewq_intake_refused_total", key), 0) - refused_before.get(key, 0)

    assert refused("unauthorized") == 1
    assert refused("validation") == 1
    for status in ("pending", "failed"):
        assert ("reviewq_callbacks", (("status", status),)) in after
    for verdict in ("individual", "conditions"):
        assert after[("reviewq_oversight_flagged_reviewers", (("verdict", verdict),))] == 0
