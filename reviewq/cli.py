"""Flask commands: users, sources, policy and demo data (``flask --app reviewq ...``)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .domain.authority import Actor, Role
from .domain.errors import ReviewqError
from .domain.policy import DEFAULT_TAG, Rule
from .extensions import db_session, keyring
from .models import SourceStatus
from .models.types import utcnow
from .services import policy, sources, users


def actor() -> Actor:
    """Who is acting from the command line: the operator, as the audit trail names them."""
    try:
        return Actor.system(f"cli:{getpass.getuser()}")
    except OSError:
        return Actor.system("cli")


@contextmanager
def transaction() -> Iterator[None]:
    """One command = one transaction; domain errors become a one-line message and exit 1."""
    try:
        yield
        db_session.commit()
    except ReviewqError as exc:
        db_session.rollback()
        raise click.ClickException(str(exc)) from None


users_cli = AppGroup("users", help="Manage people.")
sources_cli = AppGroup("sources", help="Manage AI sources.")
policy_cli = AppGroup("policy", help="Show or change the risk policy.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--level", default=1, show_default=True, type=int)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, name: str, role: str, level: int, password: str) -> None:
    """Create a user who can sign in."""
    with transaction():
        user = users.create_user(db_session, actor(), email, name, role, level, password)
    click.echo(f"created {user.role} {user.email} (level {user.level})")


@sources_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--owner", "owner_email", required=True, help="Email of the owning user.")
@click.option("--callback-url", default=None)
@click.option("--json", "as_json", is_flag=True, help='Print {"slug","secret","token"}.')
def sources_create(
    slug: str, name: str, owner_email: str, callback_url: str | None, as_json: bool
) -> None:
    """Register an AI source; prints its webhook secret and API token once."""
    with transaction():
        new = sources.create_source(
            db_session,
            actor(),
            slug,
            name,
            owner_email,
            callback_url,
            allow_private=current_app.config["ALLOW_PRIVATE_CALLBACKS"],
        )
    if as_json:
        click.echo(json.dumps({"slug": slug, "secret": new.secret, "token": new.token}))
        return
    click.echo(f"created source {slug}")
    click.echo(f"webhook secret: {new.secret}")
    click.echo(f"API token:      {new.token}")
    click.echo("Store both now: they are not shown again.")


@sources_cli.command("rotate-secret")
@click.argument("slug")
@click.option("--grace-hours", type=int, default=None, help="How long the old secret works.")
def sources_rotate(slug: str, grace_hours: int | None) -> None:
    """Give a source a new webhook secret; the old one works for a grace period."""
    hours = grace_hours or current_app.config["SECRET_GRACE_HOURS"]
    with transaction():
        source = sources.get(db_session, slug)
        secret = sources.rotate_secret(
            db_session, actor(), source, utcnow(), timedelta(hours=hours)
        )
    click.echo(f"new webhook secret: {secret}")
    click.echo(f"the previous secret keeps verifying for {hours} hours")


@sources_cli.command("reseal-secrets")
def sources_reseal() -> None:
    """Encrypt every stored webhook secret again with the first of REVIEWQ_SECRET_KEYS (after
    putting a new key first; drop the old key only after this)."""
    with transaction():
        count = sources.reseal_secrets(db_session, keyring())
    click.echo(f"re-encrypted {count} source{'s' if count != 1 else ''}")


def _status_command(name: str, status: SourceStatus, needs_reason: bool) -> Callable[..., None]:
    @sources_cli.command(name)
    @click.argument("slug")
    @click.option("--reason", required=needs_reason, default=None)
    def command(slug: str, reason: str | None) -> None:
        with transaction():
            source = sources.get(db_session, slug)
            sources.set_status(db_session, actor(), source, status, reason)
        click.echo(f"{slug} is now {status}" + (f": {reason}" if reason else ""))

    command.__doc__ = {
        "pause": "Stop accepting drafts from a source (queued items stay reviewable).",
        "resume": "Accept drafts from a paused source again.",
        "retire": "Stop a source for good.",
    }[name]
    return command


_status_command("pause", SourceStatus.PAUSED, needs_reason=True)
_status_command("resume", SourceStatus.ACTIVE, needs_reason=False)
_status_command("retire", SourceStatus.RETIRED, needs_reason=True)


def _rules_table(rules: dict[str, Rule]) -> str:
    header = f"{'tag':<24} {'level':>5} {'approvals':>9} {'sla min':>8} {'qa':>5}  escalate"
    lines = [header, "-" * len(header)]
    for tag in sorted(rules, key=lambda t: (t == DEFAULT_TAG, t)):
        r = rules[tag]
        lines.append(
            f"{tag:<24} {r.min_level:>5} {r.approvals:>9} {r.sla_minutes:>8} {r.qa_rate:>5.0%}"
            f"  {'always' if r.always_escalate else '-'}"
        )
        if r.context_required:
            lines.append(f"{'':<24} context must be opened before Approve")
        lines.extend(f"{'':<24} [ ] {statement}" for statement in r.checklist)
    return "\n".join(lines)


@policy_cli.command("show")
def policy_show() -> None:
    """Print the risk policy in force."""
    version = policy.current(db_session)
    if version is None:
        click.echo("no policy set: every item gets the built-in default rule")
        click.echo(_rules_table({DEFAULT_TAG: Rule(tag=DEFAULT_TAG)}))
        return
    click.echo(
        f"policy version {version.id}, set {version.created_at:%Y-%m-%d %H:%M} UTC "
        f"by {version.created_by}"
    )
    click.echo(_rules_table(version.as_rules()))


@policy_cli.command("set")
@click.argument("tag")
@click.option("--level", required=True, type=int, help="Minimum authority level (1-9).")
@click.option("--approvals", required=True, type=click.IntRange(1, 2))
@click.option("--sla-minutes", required=True, type=int)
@click.option("--always-escalate", is_flag=True)
@click.option(
    "--qa-rate",
    default=0.05,
    show_default=True,
    type=float,
    help="Share of approvals sampled for blind second review.",
)
@click.option(
    "--check",
    "checklist",
    multiple=True,
    help="A statement the reviewer must tick before Approve (repeat for more; none: no checklist).",
)
@click.option(
    "--context-required",
    is_flag=True,
    help="The context panel must have been opened before Approve.",
)
def policy_set(
    tag: str,
    level: int,
    approvals: int,
    sla_minutes: int,
    always_escalate: bool,
    qa_rate: float,
    checklist: tuple[str, ...],
    context_required: bool,
) -> None:
    """Set the rule for TAG ('*' is the default rule); makes a new policy version."""
    rule = Rule(
        tag, level, approvals, sla_minutes, always_escalate, qa_rate, checklist, context_required
    )
    with transaction():
        version = policy.set_rules(db_session, actor(), [rule])
    click.echo(f"policy version {version.id}: {rule.describe()}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (idempotent): users, two sources, a policy and ~50 drafts."""
    from .demo import load
    from .jobs import oversight

    with transaction():
        report: dict[str, Any] = load(db_session, actor(), utcnow())
    click.echo(report["text"])
    oversight()  # so the Oversight page has results at once


def register(app: Flask) -> None:
    """Add the command groups to ``app``."""
    from .cli_audit import audit_cli
    from .cli_oversight import oversight_cli

    for command in (
        users_cli,
        sources_cli,
        policy_cli,
        audit_cli,
        demo_command,
        sweep_command,
        scheduler_command,
        oversight_cli,
    ):
        app.cli.add_command(command)


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Run the sweep once: SLA breaches, expired claims, stale escalations, canaries due,
    lost callbacks."""
    from .jobs import sweep

    summary = sweep()
    click.echo(
        f"escalated {summary['sla_breached']} overdue, released {summary['claims_released']} "
        f"expired claims and {summary['escalation_claims_released']} of escalations, "
        f"moved up {summary['escalations_moved_up']} escalations, "
        f"planted {summary['canaries_planted']} canaries, "
        f"requeued {len(summary['callbacks_requeued'])} callbacks"
    )


@click.command("scheduler")
@click.option("--every", default=60, show_default=True, help="Seconds between sweeps.")
@click.option(
    "--seal-every", default=5, show_default=True, help="Seconds between seals of the audit log."
)
@click.option(
    "--oversight-every",
    default=300,
    show_default=True,
    help="Seconds between computations of the oversight results.",
)
@with_appcontext
def scheduler_command(every: int, seal_every: int, oversight_every: int) -> None:
    """Enqueue the audit log's sealer every few seconds, the sweep every minute and the
    oversight results every five on Redis. Run exactly one of these (Redis locks also keep a
    second one from doubling the sweeps and the results; a second sealer would only find
    nothing left to seal)."""
    import time

    from redis.exceptions import RedisError

    from .extensions import redis_client
    from .jobqueue import Enqueued, JobQueue
    from .services import pending

    client = redis_client(current_app)
    if client is None:
        raise click.ClickException("REDIS_URL is not set: without Redis the web process sweeps")
    queue: JobQueue = current_app.extensions["reviewq.jobs"]
    click.echo(
        f"scheduling the sealer every {seal_every} s, the sweep every {every} s and the "
        f"oversight results every {oversight_every} s"
    )
    while True:
        try:
            scheduled = client.set("reviewq:sweep-scheduled", "1", nx=True, ex=max(every - 1, 1))
            oversight = client.set(
                "reviewq:oversight-scheduled", "1", nx=True, ex=max(oversight_every - 1, 1)
            )
        except RedisError as exc:  # keep going: the next tick may find Redis back
            click.echo(f"Redis unavailable, sweep not scheduled: {exc}", err=True)
        else:
            if scheduled and queue.enqueue(pending.sweep()) is Enqueued.DEFERRED:
                click.echo("Redis unavailable, sweep not scheduled", err=True)
            if oversight and queue.enqueue(pending.oversight()) is Enqueued.DEFERRED:
                click.echo("Redis unavailable, oversight results not scheduled", err=True)
        if queue.enqueue(pending.seal()) is Enqueued.DEFERRED:
            click.echo("Redis unavailable, sealer not scheduled", err=True)
        time.sleep(seal_every)
