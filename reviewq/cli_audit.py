"""``flask --app reviewq audit ...``: verify the audit log, seal it, export its newest
checkpoint, show its public key, make a key."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .domain import note
from .extensions import audit_signer, db_session
from .services import audit_verify, tlog

audit_cli = AppGroup("audit", help="The audit log: verify, seal, export, keys.")


@audit_cli.command("verify")
@click.option(
    "--checkpoint",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint kept outside the database (a receipt's, an exported one); repeatable.",
)
def audit_verify_command(files: tuple[Path, ...]) -> None:
    """Recompute the log's tree, check every checkpoint's signature and root, and that the
    log still holds what each outside checkpoint committed to. Exit 1 when tampered."""
    outside = [path.read_text(encoding="utf-8") for path in files]
    signer = audit_signer()
    report = audit_verify.verify(db_session, signer.verifier, outside)
    db_session.rollback()
    if not report.ok:
        click.echo(f"TAMPERED: {report.problem}")
        raise SystemExit(1)
    click.echo(
        f"verified {report.size} events ({report.chained} of them also as the old hash chain) "
        f"under {report.checkpoints} checkpoints signed by {signer.name}"
    )
    for witness in report.outside:
        click.echo(f"outside checkpoint of {witness.size} events: held")
    if report.unsealed:
        click.echo(f"{report.unsealed} newer events are not sealed yet (not checked)")


@audit_cli.command("seal")
def audit_seal_command() -> None:
    """Seal every committed event not in the log yet and sign a checkpoint."""
    from .jobs import seal

    seal()
    head = tlog.newest(db_session)
    click.echo(f"the log holds {head.size if head else 0} events")


@audit_cli.command("export-checkpoint")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def audit_export_command(out: Path | None) -> None:
    """Write the newest signed checkpoint to a file (or print it), to keep elsewhere."""
    head = tlog.newest(db_session)
    if head is None:
        raise click.ClickException("the log has no checkpoint yet: run `audit seal` first")
    if out is None:
        click.echo(head.note, nl=False)
    else:
        out.write_text(head.note, encoding="utf-8")
        click.echo(f"wrote the checkpoint of {head.size} events to {out}")


@audit_cli.command("public-key")
def audit_public_key_command() -> None:
    """Print the verifier key that checks the log's checkpoints (safe to publish)."""
    click.echo(audit_signer().verifier.text)


@audit_cli.command("generate-key")
@click.option("--name", required=True, help="The log's name, e.g. example.com/reviewq.")
def audit_generate_key_command(name: str) -> None:
    """Print a new signing key for REVIEWQ_AUDIT_KEY (keep it secret), then its public key."""
    try:
        signer = note.Signer.generate(name)
    except note.NoteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(signer.text)
    click.echo(f"# public key: {signer.verifier.text}", err=True)
