"""The demo data files (reviewq/demo_data/) and their reader in reviewq/demo.py.

Loading the demo into a database is tested in test_cli.py (test_demo_is_idempotent).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from reviewq.demo import (
    DEMO_POLICY,
    DEMO_SOURCES,
    DemoDataError,
    read_canaries,
    read_drafts,
    read_prompts,
)
from reviewq.domain.intake import Submission
from reviewq.domain.policy import validate_rule
from reviewq.services.canaries import CATEGORIES

pytestmark = pytest.mark.domain_only

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "reviewq" / "demo_data"
POLICY_TAGS = {rule.tag for rule in DEMO_POLICY}
# Tags the demo policy does not know, on purpose: they show how an unknown tag is routed.
UNKNOWN_ON_PURPOSE = {"beta-feature", "needs-translation", "pilot-region"}

GOOD = """\
+++
title = "Refund for order NW-1"
risk_tags = ["refund"]
prompt = "support"
metadata = { model = "demo-model", confidence = 0.9 }

[[conversation]]
role = "user"
content = "Where is my refund?"

[[documents]]
title = "Order NW-1"
excerpt = "Tent, $289.00"
+++

Hi Maya,

Your refund is on its way.
"""


def test_every_draft_file_is_well_formed() -> None:
    drafts = read_drafts()
    on_disk = list(DATA.glob("drafts/*/*.md"))
    assert len(drafts) == len(on_disk) == 50  # every file read, none skipped
    assert Counter(d.source for d in drafts) == {"support-bot": 30, "claims-assistant": 20}
    assert len({(d.source, d.submission.external_id) for d in drafts}) == 50
    for draft in drafts:
        s = draft.submission
        assert s.content_type == "text/markdown" and s.content == s.content.strip()
        assert list(s.context) in (
            ["prompt", "conversation"],
            ["prompt", "conversation", "documents"],
        )
        assert s.context["conversation"][0]["role"] == "user"
        assert set(s.metadata) == {"model", "confidence", "latency_ms", "cost_usd"}
    tags = {tag for d in drafts for tag in d.submission.risk_tags}
    assert tags - POLICY_TAGS == UNKNOWN_ON_PURPOSE  # a misspelt tag shows up here


def test_every_prompt_is_used() -> None:
    used = {d.submission.context["prompt"] for d in read_drafts()}
    assert set(read_prompts(DATA).values()) == used


def test_every_canary_file_is_well_formed() -> None:
    library = read_canaries()
    assert len(library) == len(list(DATA.glob("canaries/*/*.md"))) == 3
    for canary in library:
        assert canary.source in dict(DEMO_SOURCES) and canary.category in CATEGORIES
        assert set(canary.risk_tags) <= POLICY_TAGS and canary.content


def test_the_package_ships_every_data_file() -> None:
    """pyproject's package-data patterns match every file in demo_data (wheel and sdist)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reviewq"]
    shipped = {p for pattern in patterns for p in (ROOT / "reviewq").glob(pattern)}
    files = {p for p in DATA.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert files and files <= shipped


def data_root(tmp_path: Path, draft: str, name: str = "ticket-1.md") -> Path:
    """A data folder holding prompts.toml and one support-bot draft."""
    (tmp_path / "prompts.toml").write_text('support = "You are a support assistant."\n')
    folder = tmp_path / "drafts" / "support-bot"
    folder.mkdir(parents=True)
    (folder / name).write_text(draft, encoding="utf-8")
    return tmp_path


def test_a_draft_file_reads_as_a_submission(tmp_path: Path) -> None:
    (draft,) = read_drafts(data_root(tmp_path, GOOD))
    assert draft.source == "support-bot"
    assert draft.submission == Submission(
        external_id="ticket-1",
        title="Refund for order NW-1",
        content="Hi Maya,\n\nYour refund is on its way.",
        content_type="text/markdown",
        risk_tags=["refund"],
        context={
            "prompt": "You are a support assistant.",
            "conversation": [{"role": "user", "content": "Where is my refund?"}],
            "documents": [{"title": "Order NW-1", "excerpt": "Tent, $289.00"}],
        },
        metadata={"model": "demo-model", "confidence": 0.9},
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("+++\ntitle", "title", "must start with a '+++' line"),
        ("+++\n\nHi", "\nHi", "the front matter has no closing '+++' line"),
        ('title = "Refund for order NW-1"', "title = Refund", "the front matter is not valid TOML"),
        ('title = "Refund for order NW-1"\n', "", "front matter needs 'title'"),
        ("risk_tags =", "risk_tag =", "unknown front matter key 'risk_tag'"),
        ('risk_tags = ["refund"]', 'risk_tags = "refund"', "risk_tags must be a TOML array"),
        ('prompt = "support"', 'prompt = "sales"', "prompt 'sales' is not in prompts.toml"),
        ('role = "user"\n', "", "[[conversation]] number 1 must have exactly role and content"),
        ('excerpt = "Tent', 'text = "Tent', "[[documents]] number 1 must have exactly title and"),
        ('role = "user"', 'role = "bot"', "context.conversation[0].role: must be one of"),
        ('["refund"]', '["Refund!"]', "risk_tags[0]: must be lowercase"),
        ("Hi Maya,\n\nYour refund is on its way.", "", "content: must not be blank"),
    ],
)
def test_a_malformed_draft_is_rejected_naming_the_file(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert old in GOOD
    root = data_root(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DemoDataError) as raised:
        read_drafts(root)
    assert str(raised.value).startswith(f"{root / 'drafts/support-bot/ticket-1.md'}: ")
    assert problem in str(raised.value)


def test_a_bad_external_id_in_the_file_name_is_rejected(tmp_path: Path) -> None:
    root = data_root(tmp_path, GOOD, name="ticket 1.md")
    with pytest.raises(DemoDataError, match=r"ticket 1\.md: external_id: must be"):
        read_drafts(root)


def test_files_out_of_place_are_rejected_and_hidden_ones_skipped(tmp_path: Path) -> None:
    root = data_root(tmp_path, GOOD)
    (root / "drafts/support-bot/.ticket-1.md.swp").write_text("editor swap file")
    assert len(read_drafts(root)) == 1
    (root / "drafts/support-bot/notes.txt").write_text("")
    with pytest.raises(DemoDataError, match=r"support-bot/notes\.txt: not a \.md file"):
        read_drafts(root)
    (root / "drafts/support-bot/notes.txt").unlink()
    (root / "drafts/sales-bot").mkdir()
    with pytest.raises(DemoDataError, match=r"drafts/sales-bot: not a demo source's folder"):
        read_drafts(root)


def test_a_file_that_is_not_utf8_is_rejected_naming_it(tmp_path: Path) -> None:
    root = data_root(tmp_path, GOOD)
    (root / "drafts/support-bot/ticket-1.md").write_bytes(GOOD.encode("latin-1") + b"\xe9\xff")
    with pytest.raises(DemoDataError, match=r"ticket-1\.md: cannot be read as UTF-8 text"):
        read_drafts(root)


def test_a_malformed_canary_is_rejected_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "canaries" / "support-bot"
    folder.mkdir(parents=True)
    text = '+++\ntitle = "Refund"\nrisk_tags = []\ncategory = "typo"\nexpected = "reject"\n+++\nHi'
    (folder / "nw-1.md").write_text(text)
    with pytest.raises(DemoDataError, match=r"nw-1\.md: category must be one of wrong_facts"):
        read_canaries(tmp_path)
    (folder / "nw-1.md").write_text(text.replace("typo", "wrong_facts").replace("Hi", ""))
    with pytest.raises(DemoDataError, match=r"nw-1\.md: content: must not be blank"):
        read_canaries(tmp_path)


def test_the_demo_policy_has_checklists_on_risky_tags_only() -> None:
    """Risky tags ask for ticks (and the refund, payout, legal and medical ones for the
    context); low-risk tags keep the one-key fast path; every rule is valid."""
    by_tag = {rule.tag: rule for rule in DEMO_POLICY}
    risky = {"refund", "payout", "personal-data", "legal", "medical"}
    assert {tag for tag, rule in by_tag.items() if rule.checklist} == risky
    assert all(validate_rule(rule) == [] for rule in DEMO_POLICY)
    assert not by_tag["low-risk"].checklist and not by_tag["low-risk"].context_required
