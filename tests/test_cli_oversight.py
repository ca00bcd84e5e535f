"""``flask --app reviewq oversight analyze|simulate``: offline, no database involved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from reviewq.cli_oversight import oversight_cli
from tests.domain.test_oversight_records import line


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    if "oversight" not in app.cli.commands:  # until reviewq/cli.py registers the group
        app.cli.add_command(oversight_cli)
    return app.test_cli_runner()


def simulate(cli: FlaskCliRunner, out: Path, *extra: str):
    result = cli.invoke(args=["oversight", "simulate", "--out", str(out), "--seed", "5", *extra])
    assert result.exit_code == 0, result.output
    return result


GOOD = json.loads(line())  # the DESIGN section 6 example, as the signal tests use it


def test_simulate_then_analyze_json_covers_every_labelled_reviewer(cli, tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    result = simulate(cli, out, "--reviewers", "12", "--days", "4")
    labels = tmp_path / "run.labels.jsonl"
    assert result.output.splitlines() == [
        f"wrote {len(out.read_text().splitlines()):,} decisions from 12 reviewers to {out}",
        f"true labels (archetype, expected verdict): {labels}",
    ]
    truth = {
        row["reviewer"]: row["expected_verdict"]
        for row in map(json.loads, labels.read_text().splitlines())
    }
    analysed = cli.invoke(args=["oversight", "analyze", str(out), "--format", "json"])
    assert analysed.exit_code == 0, analysed.output
    assert analysed.stderr == ""  # every simulated line is a valid decision record
    data = json.loads(analysed.stdout)
    assert set(data) == {"reviewers", "team"}
    verdicts = {r["reviewer"]: r["verdict"] for r in data["reviewers"]}
    assert set(verdicts) == set(truth)
    # DETECTOR ACCURACY: placeholder for the detector's owner (verdicts against the labels,
    # tuned on ranges="tuning" seeds, proven on ranges="heldout" seeds).
    for r in data["reviewers"]:
        assert r["verdict"] in ("ok", "individual", "conditions", "insufficient")
        assert r["flagged"] == (r["verdict"] not in ("ok", "insufficient"))
        for ev in r["evidence"]:
            assert {"summary", "value", "baseline", "threshold", "examples"} <= set(ev)
    assert data["team"]["decisions"] == len(out.read_text().splitlines())
    assert data["team"]["window"]["days"] is None


def test_simulate_composition_and_ranges(cli, tmp_path: Path) -> None:
    out = tmp_path / "held.jsonl"
    simulate(
        cli, out, "--reviewers", "20", "--days", "2", "--composition", "compromised",
        "--ranges", "heldout",
    )  # fmt: skip
    people = [json.loads(x) for x in (tmp_path / "held.labels.jsonl").read_text().splitlines()]
    assert len(people) == 20
    assert 7 <= sum(p["expected_verdict"] == "individual" for p in people) <= 9
    bad = cli.invoke(
        args=["oversight", "simulate", "--out", str(out), "--seed", "1", "--ranges", "x"]
    )
    assert bad.exit_code == 2 and "--ranges" in bad.output


def test_analyze_text_is_a_table(cli, tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    simulate(cli, out, "--reviewers", "6", "--days", "3")
    result = cli.invoke(args=["oversight", "analyze", str(out)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("oversight: 6 reviewers, ")
    assert "symbolic oversight index: " in text
    assert "reviewer  verdict       decisions  signals fired" in text
    rows = [line for line in text.splitlines() if line.startswith("r0")]
    assert [row.split()[0] for row in rows] == [f"r{i:03d}" for i in range(1, 7)]
    verdicts = {row.split()[1] for row in rows}
    assert verdicts <= {"ok", "individual", "conditions", "insufficient"}
    if "conditions" in verdicts:
        assert "workload (a staffing signal, not a person to blame)" in text


def test_bad_lines_are_reported_and_skipped(cli, tmp_path: Path) -> None:
    log = tmp_path / "mixed.jsonl"
    rows = [
        json.dumps(GOOD),
        "{oops",
        json.dumps({**GOOD, "words": None}),
        "",
        json.dumps({**GOOD, "decided_at": "2026-11-02T09:13:00Z"}),
        json.dumps({**GOOD, "item": "i-94"}),
    ]
    log.write_text("\n".join(rows) + "\n")
    result = cli.invoke(args=["oversight", "analyze", str(log), "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "line 2: field <json>: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 3: field words: missing or not an integer",
        "line 5: field decided_at: 63.0 s before opened_at: negative durations are refused "
        "(clock skew up to 2 s is clamped to 0)",
        "skipped 3 of 6 lines; analysed 3",
    ]
    data = json.loads(result.stdout)
    assert data["team"]["decisions"] == 2
    assert data["team"]["input"]["skipped_lines"] == 3


def test_no_usable_line_exits_2(cli, tmp_path: Path) -> None:
    log = tmp_path / "bad.jsonl"
    log.write_bytes(b"not json\n\xff\n")
    result = cli.invoke(args=["oversight", "analyze", str(log)])
    assert result.exit_code == 2
    assert "line 1: field <json>: not valid JSON" in result.stderr
    assert "line 2: field <line>: not valid UTF-8" in result.stderr
    assert f"error: no usable decision in {log}" in result.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert cli.invoke(args=["oversight", "analyze", str(empty)]).exit_code == 2


def test_window_days_and_high_risk_tags(cli, tmp_path: Path) -> None:
    log = tmp_path / "days.jsonl"
    rows = []
    for day in range(20):
        stamp = f"2026-11-{day + 1:02d}T09:14:"
        rows.append(json.dumps({**GOOD, "opened_at": stamp + "03Z", "decided_at": stamp + "59Z"}))
    log.write_text("\n".join(rows))
    result = cli.invoke(
        args=["oversight", "analyze", str(log), "--format", "json", "--window-days", "14"]
    )
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["team"]
    assert team["decisions"] == 15 and team["input"]["outside_window"] == 5
    tags = cli.invoke(
        args=["oversight", "analyze", str(log), "--format", "json", "--high-risk-tag", "refund2"]
    )
    data = json.loads(tags.stdout)
    assert data["team"]["settings"]["high_risk_tags"] == ["refund2"]
    assert data["reviewers"][0]["signals"]["S3"]["status"] == "no data"
    bad = cli.invoke(args=["oversight", "analyze", str(log), "--window-days", "0"])
    assert bad.exit_code == 2 and "--window-days" in bad.output


def test_evaluate_scores_a_labelled_log(cli, tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    simulate(cli, out, "--reviewers", "12", "--days", "6")
    labels = tmp_path / "run.labels.jsonl"
    text = cli.invoke(args=["oversight", "evaluate", str(out), str(labels)])
    assert text.exit_code == 0, text.output
    assert "precision: " in text.stdout and "honest flagged: " in text.stdout
    assert "archetype" in text.stdout and "insufficient" in text.stdout
    result = cli.invoke(args=["oversight", "evaluate", str(out), str(labels), "--format", "json"])
    data = json.loads(result.stdout)
    assert {"precision", "recall", "honest_flagged", "kind_accuracy", "confusion"} <= set(data)
    rows = [json.loads(x) for x in labels.read_text().splitlines()]
    assert data["reviewers"] == len(rows)
    for arch, row in data["confusion"].items():
        assert sum(row[v] for v in ("ok", "individual", "conditions", "insufficient")) == sum(
            1 for x in rows if x["archetype"] == arch
        )


def test_evaluate_counts_honest_flagged_and_wrong_kinds(cli, tmp_path: Path) -> None:
    """A labels file that calls everyone honest: every flag is an honest reviewer flagged."""
    out = tmp_path / "run.jsonl"
    simulate(cli, out, "--reviewers", "12", "--days", "6")
    analysed = json.loads(
        cli.invoke(args=["oversight", "analyze", str(out), "--format", "json"]).stdout
    )
    flagged = sorted(r["reviewer"] for r in analysed["reviewers"] if r["flagged"])
    assert flagged
    labels = tmp_path / "all-ok.labels.jsonl"
    labels.write_text(
        "\n".join(
            json.dumps({"reviewer": r["reviewer"], "archetype": "x", "expected_verdict": "ok"})
            for r in analysed["reviewers"]
        )
        + "\n"
    )
    data = json.loads(
        cli.invoke(args=["oversight", "evaluate", str(out), str(labels), "--format", "json"]).stdout
    )
    assert data["honest_flagged"] == len(flagged)
    assert data["honest_flagged_reviewers"] == flagged
    assert data["precision"] == 0.0 and data["recall"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1: not valid JSON"),
        ('{"reviewer": "r1", "expected_verdict": "maybe"}\n', "field expected_verdict"),
        ("[1, 2]\n", "expected a JSON object"),
    ],
)
def test_evaluate_bad_labels_give_a_clear_error(
    cli, tmp_path: Path, content: str, message: str
) -> None:
    out = tmp_path / "run.jsonl"
    out.write_text(line() + "\n")
    labels = tmp_path / "bad.labels.jsonl"
    labels.write_text(content)
    result = cli.invoke(args=["oversight", "evaluate", str(out), str(labels)])
    assert result.exit_code == 1
    assert message in result.output


def test_compute_stores_the_results_of_every_window(runner) -> None:
    result = runner.invoke(args=["oversight", "compute"])
    assert result.exit_code == 0, result.output
    assert "7 days (0 decisions), 14 days (0 decisions)" in result.output
