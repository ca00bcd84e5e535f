import json

import sqlalchemy as sa

from reviewq.domain import note
from reviewq.extensions import db
from reviewq.models import AuditCheckpoint, AuditEvent, AuditNode, Item, Source, User


def run(runner, *args: str, ok: bool = True):
    result = runner.invoke(args=list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_users_create_hashes_the_password(runner, ctx) -> None:
    out = run(
        runner,
        "users",
        "create",
        "--email",
        "Ana@Example.com",
        "--name",
        "Ana",
        "--role",
        "reviewer",
        "--level",
        "2",
        "--password",
        "long-enough-pw",
    )
    assert "created reviewer ana@example.com (level 2)" in out.output
    user = db.session.scalar(sa.select(User))
    assert user.password_hash.startswith("pbkdf2:") and user.check_password("long-enough-pw")
    assert not user.check_password("long-enough-pW")


def test_users_create_explains_bad_input(runner, ctx) -> None:
    out = run(
        runner,
        "users",
        "create",
        "--email",
        "nope",
        "--name",
        "A",
        "--role",
        "reviewer",
        "--level",
        "12",
        "--password",
        "short",
        ok=False,
    )
    assert out.exit_code == 1
    assert "email" in out.output and "level" in out.output and "password" in out.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_sources_create_json_prints_secret_and_token_once(runner, owner, ctx) -> None:
    out = run(
        runner,
        "sources",
        "create",
        "bot",
        "--name",
        "Bot",
        "--owner",
        owner.email,
        "--callback-url",
        "https://example.com/hook",
        "--json",
    )
    creds = json.loads(out.output)
    assert set(creds) == {"slug", "secret", "token"} and creds["secret"].startswith("whsec_")
    source = db.session.scalar(sa.select(Source))
    assert source.callback_url == "https://example.com/hook"
    dump = json.dumps([e.data for e in db.session.scalars(sa.select(AuditEvent))])
    assert creds["secret"] not in dump and creds["token"] not in dump


def test_sources_create_refuses_a_taken_slug(runner, source) -> None:
    out = run(
        runner,
        "sources",
        "create",
        source.slug,
        "--name",
        "x",
        "--owner",
        "owner@example.com",
        ok=False,
    )
    assert out.exit_code == 1 and "already exists" in out.output


def test_pause_resume_cycle(runner, source, ctx) -> None:
    assert (
        "paused: drift" in run(runner, "sources", "pause", source.slug, "--reason", "drift").output
    )
    out = run(runner, "sources", "pause", source.slug, "--reason", "x", ok=False)
    assert out.exit_code == 1 and "already paused" in out.output
    run(runner, "sources", "resume", source.slug)
    assert db.session.scalar(sa.select(Source.status)) == "active"
    out = run(runner, "sources", "pause", "ghost", "--reason", "x", ok=False)
    assert out.exit_code == 1 and "no source 'ghost'" in out.output


def test_policy_set_and_show(runner, ctx) -> None:
    assert "built-in default" in run(runner, "policy", "show").output
    run(
        runner,
        "policy",
        "set",
        "legal",
        "--level",
        "3",
        "--approvals",
        "2",
        "--sla-minutes",
        "60",
        "--always-escalate",
    )
    out = run(runner, "policy", "show").output
    assert "policy version 1" in out
    assert [line.split() for line in out.splitlines() if line.startswith("legal")] == [
        ["legal", "3", "2", "60", "5%", "always"]
    ]
    bad = run(
        runner,
        "policy",
        "set",
        "legal",
        "--level",
        "0",
        "--approvals",
        "1",
        "--sla-minutes",
        "60",
        ok=False,
    )
    assert bad.exit_code == 1 and "level must be between 1 and 9" in bad.output


def test_policy_set_with_a_checklist(runner, ctx) -> None:
    base = ["policy", "set", "refund", "--level", "2", "--approvals", "1", "--sla-minutes", "120"]
    done = run(
        runner, *base, "--check", "The refund is allowed.", "--check", "Amounts match.",
        "--context-required",
    )  # fmt: skip
    assert "checklist of 2 statements, context must be opened" in done.output
    out = run(runner, "policy", "show").output
    assert "[ ] The refund is allowed." in out and "[ ] Amounts match." in out
    assert "context must be opened before Approve" in out
    bad = run(runner, *base, "--check", "same", "--check", "same", ok=False)
    assert bad.exit_code == 1 and "checklist statements must differ" in bad.output


def test_audit_verify_reports_tampering(runner, source, ctx, tmp_path) -> None:
    assert "the log holds 3 events" in run(runner, "audit", "seal").output
    out = run(runner, "audit", "verify")
    assert out.output.startswith("verified 3 events")
    exported = tmp_path / "checkpoint.txt"
    run(runner, "audit", "export-checkpoint", "--out", str(exported))
    key = run(runner, "audit", "public-key").output.strip()
    assert note.open_checkpoint(exported.read_text(), note.Verifier.parse(key)).size == 3
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.leaf == 1).values(action="forged"))
    db.session.commit()
    out = run(runner, "audit", "verify", ok=False)
    assert out.exit_code == 1 and "TAMPERED" in out.output and "edited" in out.output
    # A wiped log passes alone, not against the checkpoint kept outside.
    db.session.execute(sa.delete(AuditCheckpoint))
    db.session.execute(sa.delete(AuditNode))
    db.session.execute(sa.delete(AuditEvent))
    db.session.commit()
    assert run(runner, "audit", "verify").exit_code == 0
    out = run(runner, "audit", "verify", "--checkpoint", str(exported), ok=False)
    assert "wiped" in out.output


def test_demo_is_idempotent(runner, ctx) -> None:
    first = run(runner, "demo").output
    assert "reviewer@example.com" in first and "Drafts: 50 added" in first
    assert "History: 180 decided drafts" in first
    assert "Weekly history: 384 decided drafts over 8 weeks" in first
    second = run(runner, "demo").output
    assert "Drafts: 0 added" in second and "webhook secret" not in second
    assert "History" not in second
    history_ids = sa.or_(
        Item.external_id.startswith("hist-"), Item.external_id.startswith("weekly-")
    )
    demo_drafts = sa.select(Item.status).where(~history_ids)
    assert len(db.session.scalars(demo_drafts).all()) == 50
    assert {u.role for u in db.session.scalars(sa.select(User))} == {
        "reviewer",
        "supervisor",
        "manager",
        "admin",
    }
    assert set(db.session.scalars(demo_drafts)) == {"queued", "escalated"}  # fraud escalates
    history = sa.select(Item.status).where(history_ids)
    assert set(db.session.scalars(history)) <= {"approved", "rejected"}
    assert run(runner, "audit", "verify").output.startswith("verified")


def test_users_create_refuses_a_common_password(runner, ctx) -> None:
    """Long enough is not enough: a password from the common-passwords list is refused."""
    out = run(
        runner,
        *("users", "create", "--email", "ana@example.com", "--name", "Ana"),
        *("--role", "reviewer", "--password", "Password123"),
        ok=False,
    )
    assert out.exit_code == 1 and "most common passwords" in out.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
