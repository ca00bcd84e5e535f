"""``flask --app reviewq oversight analyze|simulate`` (DESIGN sections 6 and 8).

``analyze`` runs the oversight detector (reviewq/domain/oversight.py) over a decision log in the
DESIGN section 6 format, without a database. A bad line is reported on stderr as
``line N: field X: problem`` and skipped; the rest is analysed. Exit status: 0 when at least
one line was usable (a summary of skipped lines goes to stderr), 2 when none was.

``simulate`` writes a synthetic log of a realistic team (reviewq/domain/simulate.py: honest,
symbolic and overloaded or tired archetypes over several queues and time zones) and, beside
it, ``<stem>.labels.jsonl`` with each reviewer's archetype and expected verdict; ``evaluate``
scores the detector on any such labelled log.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from .domain.oversight import DEFAULT_SETTINGS, OversightAnalyzer, Report
from .domain.oversight.evaluate import LabelError, read_labels, render, score
from .domain.simulate import COMPOSITIONS, RANGES, write_simulation

oversight_cli = AppGroup("oversight", help="Find symbolic review in decision logs.")

MAX_ERRORS_SHOWN = 50


def format_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--format text|json`` (text by default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


@oversight_cli.command("analyze")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("A readable table, or the full report as JSON.")
@click.option(
    "--window-days",
    type=click.IntRange(min=1),
    default=None,
    help="Only the last N days before the log's latest decision (default: the whole log).",
)
@click.option(
    "--high-risk-tag",
    "high_risk_tags",
    multiple=True,
    help="A risk tag that makes an item high-risk (repeatable; replaces the default set).",
)
def analyze_command(
    file: Path, fmt: str, window_days: int | None, high_risk_tags: tuple[str, ...]
) -> None:
    """Analyse a decision log (JSON lines, DESIGN section 6) for symbolic review."""
    settings = DEFAULT_SETTINGS
    if high_risk_tags:
        settings = dataclasses.replace(settings, high_risk_tags=frozenset(high_risk_tags))
    analyzer = OversightAnalyzer(settings, window_days=window_days)
    analyzer.keep_errors = MAX_ERRORS_SHOWN
    with file.open("rb") as fh:  # bytes: a line that is not UTF-8 is one bad line, not a crash
        analyzer.add_lines(fh)
    for err in analyzer.errors:
        click.echo(str(err), err=True)
    if analyzer.error_count > len(analyzer.errors):
        click.echo(f"... and {analyzer.error_count - len(analyzer.errors)} more", err=True)
    if analyzer.error_count:
        click.echo(
            f"skipped {analyzer.error_count} of {analyzer.lines_read} lines; "
            f"analysed {analyzer.lines_read - analyzer.error_count}",
            err=True,
        )
    report = analyzer.report()
    if analyzer.records == 0:
        click.echo(f"error: no usable decision in {file}", err=True)
        click.get_current_context().exit(2)
    if fmt == "json":
        click.echo(report.to_json(indent=2))
    else:
        click.echo(render_text(report))


def render_text(report: Report) -> str:
    """The report as a table a person can read: reviewer, verdict, reasons, risk factors."""
    team = report.team
    window = team["window"]
    scope = (
        f"last {window['days']} days ending {window['end']}"
        if window["days"]
        else f"whole log, up to {window['end']}"
    )
    index = team["symbolic_oversight_index"]
    comps = index["components"]
    verdicts = team["verdicts"]
    lines = [
        f"oversight: {team['reviewers']} reviewers, {team['decisions']:,} decisions ({scope})",
        f"verdicts: ok {verdicts['ok']}, individual {verdicts['individual']}, "
        f"conditions {verdicts['conditions']}, not enough data yet {verdicts['insufficient']}",
        f"symbolic oversight index: {100 * (index['value'] or 0):.1f}% of decisions "
        f"(under the reading floor {comps['under_floor']:,}, in bursts {comps['in_burst']:,}, "
        f"high demand {comps['high_demand']:,}, late in long sessions "
        f"{comps['late_in_long_session']:,})",
        "",
    ]
    width = max([len("reviewer")] + [len(r.reviewer) for r in report.reviewers])
    lines.append(f"{'reviewer':<{width}}  {'verdict':<12}  {'decisions':>9}  signals fired")
    for r in report.reviewers:
        fired = ", ".join(k for k, v in r.signals.items() if v["status"] == "fired") or "-"
        lines.append(
            f"{r.reviewer:<{width}}  {r.verdict:<12}  {r.metrics['decisions']:>9,}  {fired}"
        )
        for reason in r.reasons:
            lines.append(f"{'':<{width}}    - {reason}")
        for risk in r.risk_factors:
            if risk["present"]:
                lines.append(f"{'':<{width}}    ~ risk factor, {risk['name']}: {risk['summary']}")
    conditions = team["conditions"]["reviewers"]
    if conditions:
        lines += [
            "",
            f"workload (a staffing signal, not a person to blame): {len(conditions)} "
            "reviewer(s) whose strained work is worse than their rested work",
        ]
    return "\n".join(lines)


@oversight_cli.command("evaluate")
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("Figures and a confusion table per archetype, or the same as JSON.")
def evaluate_command(log: Path, labels: Path, fmt: str) -> None:
    """Score the detector on a labelled log: precision, recall, honest reviewers flagged,
    verdict kind, and a confusion table per archetype."""
    try:
        expected = read_labels(labels.read_text(encoding="utf-8").splitlines())
    except (LabelError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{labels}: {exc}") from None
    analyzer = OversightAnalyzer()
    with log.open("rb") as fh:
        analyzer.add_lines(fh)
    report = analyzer.report()
    if analyzer.records == 0:
        raise click.ClickException(f"no usable decision in {log}")
    if analyzer.error_count:
        click.echo(f"skipped {analyzer.error_count} bad lines of {log}", err=True)
    result = score(report, expected)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(render(result))


@oversight_cli.command("simulate")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", required=True, type=int)
@click.option(
    "--composition",
    type=click.Choice(COMPOSITIONS),
    default="typical",
    show_default=True,
    help="typical: about 25% of the team symbolic; compromised: about 40%.",
)
@click.option(
    "--ranges",
    "ranges",
    type=click.Choice(sorted(RANGES)),
    default="tuning",
    show_default=True,
    help="Parameter ranges: tuning, or the wider heldout set for proving a detector.",
)
@click.option(
    "--reviewers",
    default=None,
    type=click.IntRange(min=1),
    help="Team size [default: drawn from the ranges, 60-80 tuning, 50-90 heldout].",
)
@click.option(
    "--days",
    default=None,
    type=click.IntRange(min=1),
    help="Working days [default: drawn from the ranges, 10 tuning, 8-14 heldout].",
)
def simulate_command(
    out: Path, seed: int, composition: str, ranges: str, reviewers: int | None, days: int | None
) -> None:
    """Write a synthetic decision log of a realistic review team, and the true labels beside it."""
    labels, count = write_simulation(
        out, seed, composition=composition, ranges=ranges, reviewers=reviewers, days=days
    )
    team = len(labels.read_text(encoding="utf-8").splitlines())
    click.echo(f"wrote {count:,} decisions from {team} reviewers to {out}")
    click.echo(f"true labels (archetype, expected verdict): {labels}")


@oversight_cli.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--days", default=14, show_default=True, help="How far back to export.")
def export_command(out: Path, days: int) -> None:
    """Write the live decisions of the last DAYS days as a decision log (DESIGN section 6)."""
    from datetime import UTC, datetime, timedelta

    from .extensions import db_session
    from .services import export

    with out.open("w", encoding="utf-8") as fh:
        count = export.write(db_session, datetime.now(UTC) - timedelta(days=days), fh)
    click.echo(f"wrote {count:,} decisions to {out}")


@oversight_cli.command("compute")
def compute_command() -> None:
    """Compute and store the oversight results of every window now (what the oversight job
    does every five minutes)."""
    from .jobs import oversight

    done = oversight()
    click.echo(
        "stored the oversight results: "
        + ", ".join(f"{days} days ({count:,} decisions)" for days, count in done.items())
    )
