"""Demo data for trying reviewq: one user per role, two sources, a policy, ~50 drafts.

The drafts and the canary library are package data in ``reviewq/demo_data/`` (its README
describes the files): one markdown file per draft, its fields in TOML front matter.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import demo_reports
from .domain.authority import Actor
from .domain.errors import NotFound, ValidationFailed
from .domain.intake import Submission, parse_submission
from .domain.policy import DEFAULT_TAG, Rule
from .models import Item, Source, SourceStatus
from .services import intake, policy, sources, users
from .services.canaries import CATEGORIES, EXPECTED

DEMO_USERS = [
    # email, name, role, level, password
    ("reviewer@example.com", "Riley Reviewer", "reviewer", 2, "demo-reviewer"),
    ("reviewer2@example.com", "Sam Second", "reviewer", 1, "demo-reviewer2"),
    ("supervisor@example.com", "Sofia Supervisor", "supervisor", 5, "demo-supervisor"),
    ("manager@example.com", "Max Manager", "manager", 1, "demo-manager"),
    ("admin@example.com", "Ada Admin", "admin", 1, "demo-admin"),
]

DEMO_SOURCES = [
    ("support-bot", "Northwind support assistant"),
    ("claims-assistant", "Harbor Mutual claims assistant"),
]

DEMO_POLICY = [
    Rule(DEFAULT_TAG, min_level=1, approvals=1, sla_minutes=240, qa_rate=0.05),
    Rule("low-risk", min_level=1, approvals=1, sla_minutes=480, qa_rate=0.02),
    Rule("customer-facing", min_level=1, approvals=1, sla_minutes=240, qa_rate=0.05),
    Rule("marketing", min_level=1, approvals=1, sla_minutes=480, qa_rate=0.05),
    Rule(
        "refund",
        min_level=2,
        approvals=1,
        sla_minutes=120,
        qa_rate=0.10,
        checklist=(
            "The refund is allowed by the policy excerpt in the context.",
            "The amount and the order number match the conversation.",
        ),
        context_required=True,
    ),
    Rule(
        "payout",
        min_level=2,
        approvals=2,
        sla_minutes=120,
        qa_rate=0.15,
        checklist=(
            "Every figure matches the retrieved documents.",
            "The payout is within the limits the policy states.",
        ),
        context_required=True,
    ),
    Rule(
        "personal-data",
        min_level=2,
        approvals=2,
        sla_minutes=60,
        qa_rate=0.20,
        checklist=(
            "No personal data of anyone but the customer is disclosed.",
            "The customer's identity was confirmed before any personal data is shared.",
        ),
    ),
    Rule(
        "legal",
        min_level=3,
        approvals=2,
        sla_minutes=60,
        qa_rate=0.20,
        checklist=(
            "No legal advice beyond the approved wording is given.",
            "No admission of liability and no promise of an outcome.",
        ),
        context_required=True,
    ),
    Rule(
        "medical",
        min_level=3,
        approvals=2,
        sla_minutes=60,
        qa_rate=0.20,
        checklist=(
            "No diagnosis and no advice to change a treatment.",
            "Every figure matches the retrieved documents.",
        ),
        context_required=True,
    ),
    Rule("fraud", min_level=3, approvals=1, sla_minutes=30, always_escalate=True, qa_rate=0.25),
]


def load(session: Session, actor: Actor, now: datetime) -> dict[str, Any]:
    """Create whatever demo data is missing; running it again changes nothing.

    Returns:
        ``{"text": ...}``: a report with the sign-in details and new source secrets.
    """
    drafts, library = read_drafts(), read_canaries()  # a malformed file stops it here
    lines = ["Demo sign-ins (http://127.0.0.1:5000):"]
    for email, name, role, level, password in DEMO_USERS:
        if users.by_email(session, email) is None:
            users.create_user(session, actor, email, name, role, level, password)
        lines.append(f"  {role:<10} {email:<24} password: {password}")

    version = policy.current(session)
    rules = version.as_rules() if version else {}
    missing = [rule for rule in DEMO_POLICY if rule.tag not in rules]
    if missing:
        policy.set_rules(session, actor, missing, note="demo policy")

    by_slug = {}
    for slug, name in DEMO_SOURCES:
        try:
            by_slug[slug] = sources.get(session, slug)
        except NotFound:
            new = sources.create_source(session, actor, slug, name, "admin@example.com")
            by_slug[slug] = new.source
            lines.append(f"Source {slug}: webhook secret {new.secret}  API token {new.token}")

    # Last week's decisions first, so its reviewers only ever see last week's drafts.
    body = "\n\n".join(draft.submission.content for draft in drafts[:2])  # a long read
    history = _history(session, actor, by_slug["support-bot"], body, now)
    if history:
        lines.append(f"History: {history} decided drafts from last week, for the Oversight page.")
    weekly = demo_reports.load(session, actor, by_slug, body, now)
    if weekly:
        lines.append(f"Weekly history: {weekly} decided drafts over 8 weeks, for the Reports.")
    rng = random.Random(42)  # the same ages on every machine
    added = 0
    for draft in drafts:
        source = by_slug[draft.source]
        external_id = draft.submission.external_id
        exists = session.scalar(
            sa.select(Item.id).where(Item.source_id == source.id, Item.external_id == external_id)
        )
        # Recent arrivals, so the SLA sweep does not escalate the demo queue at once.
        received = now - timedelta(minutes=rng.randint(1, 45))
        if exists or source.status is not SourceStatus.ACTIVE:
            continue
        _, created = intake.submit(
            session, source, f"demo-{external_id}", draft.submission, received
        )
        added += created
    lines.append(f"Drafts: {added} added ({len(drafts)} in the demo set).")
    _canaries(session, by_slug, library)
    return {"text": "\n".join(lines)}


def _canaries(session: Session, by_slug: dict, library: list[DemoCanary]) -> None:
    """A small canary library and a 3% planting rate (set after the demo drafts, so the
    demo queue itself stays the same on every machine). Both go through the services, so
    they are audited like a supervisor's own."""
    from .models import Canary
    from .services import canaries

    if session.scalar(sa.select(Canary.id).limit(1)):
        return
    user = users.by_email(session, "supervisor@example.com")
    assert user is not None  # load() created the demo people first
    supervisor = user.actor
    for canary in library:
        canaries.create(
            session,
            supervisor,
            by_slug[canary.source],
            canary.title,
            canary.content,
            canary.risk_tags,
            canary.category,
            canary.expected,
            canary.context,
        )
    for source in by_slug.values():
        canaries.set_rate(session, supervisor, source, 0.03)


# Last week's review work, so the Oversight page has something to show: two people who
# read, one who approves faster than anyone can read. (seconds per item, approval share)
HISTORY_PEOPLE = [
    ("lee@example.com", "Lee Careful", 75, 0.85),
    ("kai@example.com", "Kai Careful", 60, 0.8),
    ("max.fast@example.com", "Max Stamp", 2, 1.0),
]
HISTORY_ITEMS = 60  # per person: the detector judges from 50 decisions


def _history(session: Session, actor: Actor, source: Source, body: str, now: datetime) -> int:
    """Past decisions through the real services (backdated), once; returns how many."""
    from .domain.workflow import Action
    from .services import review
    from .services.verdicts import Verdict

    if users.by_email(session, HISTORY_PEOPLE[0][0]) is not None:
        return 0
    rng = random.Random(7)
    people = [
        (
            users.create_user(session, actor, email, name, "reviewer", 2, "demo-history").actor,
            seconds,
            approve_share,
        )
        for email, name, seconds, approve_share in HISTORY_PEOPLE
    ]
    at = now - timedelta(days=6)
    count = 0
    for n in range(HISTORY_ITEMS * len(people)):
        fields = {
            "external_id": f"hist-{n}",
            "title": f"Reply to ticket #{70000 + n}",
            "content": body,
            "content_type": "text/markdown",
            "risk_tags": ["low-risk"],
        }
        intake.submit(session, source, f"demo-hist-{n}", parse_submission(fields), at)
    for _ in range(HISTORY_ITEMS):
        for person, seconds, approve_share in people:
            item = review.claim_next(session, person, at)
            if item is None:
                continue
            spent = max(1.0, rng.gauss(seconds, seconds * 0.2))
            if rng.random() < approve_share:
                verdict = Verdict(Action.APPROVE, item.version, active_seconds=spent)
            else:
                verdict = Verdict(
                    Action.REJECT,
                    item.version,
                    reason_code="tone",
                    reason="Tone not fit to send",
                    active_seconds=spent,
                )
            review.decide(session, person, item, verdict, at + timedelta(seconds=spent))
            count += 1
        at += timedelta(seconds=90)
    return count


# The files in reviewq/demo_data/: drafts/<source>/<external id>.md and
# canaries/<source>/<name>.md, each a markdown body under TOML front matter between "+++"
# lines, and prompts.toml, the system prompts the drafts name.
FENCE = "+++"
TURN_KEYS = ("role", "content")
DOCUMENT_KEYS = ("title", "excerpt")
# Front matter keys: their TOML type, and whether a file must have them.
DRAFT_KEYS: dict[str, tuple[type, bool]] = {
    "title": (str, True),
    "risk_tags": (list, True),
    "prompt": (str, True),
    "metadata": (dict, True),
    "conversation": (list, True),
    "documents": (list, False),
}
CANARY_KEYS: dict[str, tuple[type, bool]] = {
    "title": (str, True),
    "risk_tags": (list, True),
    "category": (str, True),
    "expected": (str, True),
    "conversation": (list, False),
    "documents": (list, False),
}
TOML_NAMES: dict[type, str] = {str: "string", list: "array", dict: "table"}


class DemoDataError(ValueError):
    """A demo data file is malformed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class DemoDraft:
    """A demo draft: the source that sends it, and what it sends."""

    source: str
    submission: Submission


@dataclass(frozen=True)
class DemoCanary:
    """An entry of the demo canary library (the arguments of ``canaries.create``)."""

    source: str
    title: str
    content: str
    risk_tags: list[str]
    category: str
    expected: str
    context: dict[str, Any]


def read_drafts(root: Traversable | None = None) -> list[DemoDraft]:
    """The demo drafts: sources in ``DEMO_SOURCES`` order, each source's by file name.

    Args:
        root: the data folder; the package's ``demo_data`` unless a test passes another.

    Returns:
        One draft per file, validated as intake validates a submission.

    Raises:
        DemoDataError: a file or folder is malformed (the message names it).
    """
    root = _data() if root is None else root
    prompts = read_prompts(root)
    drafts = []
    for source, file in _markdown_files(root, "drafts"):
        where = str(file)
        front, body = split_front_matter(_read(file), where)
        _check_keys(front, DRAFT_KEYS, where)
        if front["prompt"] not in prompts:
            raise DemoDataError(
                f"{where}: prompt {front['prompt']!r} is not in prompts.toml "
                f"(one of {', '.join(prompts)})"
            )
        context = {"prompt": prompts[front["prompt"]], **_context(front, where)}
        fields = {
            "external_id": file.name.removesuffix(".md"),
            "title": front["title"],
            "content": body,
            "content_type": "text/markdown",
            "risk_tags": front["risk_tags"],
            "context": context,
            "metadata": front["metadata"],
        }
        drafts.append(DemoDraft(source, _submission(fields, where)))
    return drafts


def read_canaries(root: Traversable | None = None) -> list[DemoCanary]:
    """The demo canary library, in the order of ``read_drafts``.

    Args:
        root: the data folder; the package's ``demo_data`` unless a test passes another.

    Returns:
        One entry per file, checked as ``canaries.create`` checks one.

    Raises:
        DemoDataError: a file or folder is malformed (the message names it).
    """
    root = _data() if root is None else root
    library = []
    for source, file in _markdown_files(root, "canaries"):
        where = str(file)
        front, body = split_front_matter(_read(file), where)
        _check_keys(front, CANARY_KEYS, where)
        if front["category"] not in CATEGORIES:
            raise DemoDataError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        if front["expected"] not in EXPECTED:
            raise DemoDataError(f"{where}: expected must be one of {', '.join(EXPECTED)}")
        canary = DemoCanary(
            source=source,
            title=front["title"],
            content=body,
            risk_tags=front["risk_tags"],
            category=front["category"],
            expected=front["expected"],
            context=_context(front, where),
        )
        # The checks of canaries.create, made here so that the error names the file.
        fields = {"external_id": "canary", "title": canary.title, "content": canary.content}
        _submission({**fields, "risk_tags": canary.risk_tags, "context": canary.context}, where)
        library.append(canary)
    return library


def read_prompts(root: Traversable) -> dict[str, str]:
    """The named system prompts of ``root/prompts.toml``.

    Raises:
        DemoDataError: the file is not TOML, or a value is not a non-blank string.
    """
    file = root / "prompts.toml"
    try:
        prompts = tomllib.loads(_read(file))
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{file}: not valid TOML: {exc}") from None
    for name, text in prompts.items():
        if not isinstance(text, str) or not text.strip():
            raise DemoDataError(f"{file}: {name} must be a non-blank string")
    return prompts


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Split a file into its TOML front matter and its markdown body.

    The file's first line is ``+++``; the front matter ends at the next ``+++`` line;
    the body is the rest, without the blank lines around it.

    Args:
        text: the file's text.
        where: the file's name, for the error message.

    Returns:
        The front matter's keys and values, and the body.

    Raises:
        DemoDataError: no fence at the top, no closing fence, or the front matter is not TOML.
    """
    lines = text.split("\n")
    if lines[0] != FENCE:
        raise DemoDataError(f"{where}: must start with a {FENCE!r} line (TOML front matter)")
    try:
        end = lines.index(FENCE, 1)
    except ValueError:
        raise DemoDataError(f"{where}: the front matter has no closing {FENCE!r} line") from None
    try:
        # The fence left as a blank line, so TOML's error names the line of the file.
        front = tomllib.loads("\n".join(["", *lines[1:end]]))
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{where}: the front matter is not valid TOML: {exc}") from None
    return front, "\n".join(lines[end + 1 :]).strip("\n")


def _data() -> Traversable:
    return files("reviewq") / "demo_data"


def _read(file: Traversable) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DemoDataError(f"{file}: cannot be read as UTF-8 text ({exc})") from None


def _markdown_files(root: Traversable, kind: str) -> Iterator[tuple[str, Traversable]]:
    """The ``.md`` files of ``root/kind/<source>/`` with their source's slug, in order.

    Hidden files (editor and OS droppings) are skipped; anything else out of place raises
    ``DemoDataError`` rather than being left out of the demo unnoticed.
    """
    folder = root / kind
    if not folder.is_dir():
        raise DemoDataError(f"{folder}: no such folder")
    slugs = [slug for slug, _ in DEMO_SOURCES]
    for entry in folder.iterdir():
        if not entry.name.startswith(".") and (not entry.is_dir() or entry.name not in slugs):
            raise DemoDataError(f"{entry}: not a demo source's folder (one of {', '.join(slugs)})")
    for slug in slugs:
        if not (folder / slug).is_dir():
            continue
        for file in sorted((folder / slug).iterdir(), key=lambda f: f.name):
            if file.name.startswith("."):
                continue
            if not file.is_file() or not file.name.endswith(".md"):
                raise DemoDataError(f"{file}: not a .md file")
            yield slug, file


def _check_keys(front: dict[str, Any], keys: dict[str, tuple[type, bool]], where: str) -> None:
    unknown = [key for key in front if key not in keys]
    if unknown:
        raise DemoDataError(
            f"{where}: unknown front matter key {unknown[0]!r} (known: {', '.join(keys)})"
        )
    for key, (kind, required) in keys.items():
        if key not in front:
            if required:
                raise DemoDataError(f"{where}: front matter needs {key!r}")
        elif not isinstance(front[key], kind):
            raise DemoDataError(f"{where}: {key} must be a TOML {TOML_NAMES[kind]}")


def _context(front: dict[str, Any], where: str) -> dict[str, Any]:
    """The conversation and documents of the front matter, each entry with exactly its keys."""
    context = {}
    for key, entry_keys in (("conversation", TURN_KEYS), ("documents", DOCUMENT_KEYS)):
        if key not in front:
            continue
        for i, entry in enumerate(front[key], 1):
            if not isinstance(entry, dict) or set(entry) != set(entry_keys):
                raise DemoDataError(
                    f"{where}: [[{key}]] number {i} must have exactly {' and '.join(entry_keys)}"
                )
        # In the order a source sends them, whatever order the file wrote them in.
        context[key] = [{k: entry[k] for k in entry_keys} for entry in front[key]]
    return context


def _submission(fields: dict[str, Any], where: str) -> Submission:
    try:
        return parse_submission(fields)
    except ValidationFailed as exc:
        raise DemoDataError(f"{where}: {exc}") from None
