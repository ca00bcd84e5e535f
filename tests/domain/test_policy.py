from datetime import UTC, datetime, timedelta

import pytest

from reviewq.domain.policy import BUILT_IN_DEFAULT, DEFAULT_TAG, Rule, resolve, validate_rule

RULES = {
    DEFAULT_TAG: Rule(DEFAULT_TAG, min_level=1, approvals=1, sla_minutes=240, qa_rate=0.05),
    "refund": Rule("refund", min_level=2, approvals=1, sla_minutes=120, qa_rate=0.10),
    "legal": Rule("legal", min_level=3, approvals=2, sla_minutes=60, qa_rate=0.20),
    "fraud": Rule("fraud", min_level=3, approvals=1, sla_minutes=30, always_escalate=True),
    "low-risk": Rule("low-risk", min_level=1, approvals=1, sla_minutes=480, qa_rate=0.0),
}


def test_item_takes_the_strictest_of_its_rules() -> None:
    needs = resolve(["refund", "legal"], RULES)
    assert (needs.min_level, needs.approvals, needs.sla_minutes, needs.qa_rate) == (3, 2, 60, 0.2)
    assert not needs.always_escalate
    assert needs.unknown_tags == []
    assert [r.tag for r in needs.applied] == ["refund", "legal"]


def test_strictest_mixes_fields_from_different_rules() -> None:
    needs = resolve(["fraud", "legal"], RULES)
    assert (needs.min_level, needs.approvals, needs.sla_minutes) == (3, 2, 30)
    assert needs.always_escalate


def test_unknown_tags_get_the_default_rule_and_are_reported() -> None:
    needs = resolve(["low-risk", "beta-feature"], RULES)
    assert needs.unknown_tags == ["beta-feature"]
    assert needs.sla_minutes == 240  # the default rule is stricter than low-risk's 480
    assert any("beta-feature" in line for line in needs.routing_reason())


@pytest.mark.parametrize("tags", [[], ["nothing-known"]])
def test_no_known_tag_means_the_default_rule(tags: list[str]) -> None:
    needs = resolve(tags, RULES)
    assert needs.applied == [RULES[DEFAULT_TAG]]


def test_without_a_policy_the_built_in_default_applies() -> None:
    needs = resolve(["refund"], {})
    assert needs.applied == [BUILT_IN_DEFAULT]
    assert needs.unknown_tags == ["refund"]


def test_known_tags_alone_do_not_add_the_default_rule() -> None:
    needs = resolve(["low-risk"], RULES)
    assert needs.sla_minutes == 480


def test_due_time_counts_from_arrival() -> None:
    arrived = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert resolve(["legal"], RULES).due_at(arrived) == arrived + timedelta(minutes=60)


def test_routing_reason_names_each_rule() -> None:
    lines = resolve(["fraud"], RULES).routing_reason()
    assert lines == ["tag 'fraud': level 3+, 1 approval, SLA 30 min, QA 5%, always escalate"]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (Rule("Refund"), "tag must be lowercase"),
        (Rule("a b"), "tag must be lowercase"),
        (Rule("ok\n"), "tag must be lowercase"),
        (Rule("ok", min_level=0), "level must be between 1 and 9"),
        (Rule("ok", min_level=10), "level must be between 1 and 9"),
        (Rule("ok", approvals=3), "approvals must be 1 or 2"),
        (Rule("ok", approvals=0), "approvals must be 1 or 2"),
        (Rule("ok", sla_minutes=0), "SLA must be between"),
        (Rule("ok", qa_rate=1.5), "QA sample rate must be between 0 and 1"),
        (Rule("ok", qa_rate=-0.1), "QA sample rate must be between 0 and 1"),
    ],
)
def test_invalid_rules_are_named(rule: Rule, problem: str) -> None:
    assert any(p.startswith(problem) for p in validate_rule(rule))


@pytest.mark.parametrize("rule", [Rule(DEFAULT_TAG), Rule("customer-facing", 9, 2, 1, True, 1.0)])
def test_valid_rules_pass(rule: Rule) -> None:
    assert validate_rule(rule) == []
