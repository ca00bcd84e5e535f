"""Score the detector on a labelled decision log (labels as ``oversight simulate`` writes them).

A team can run the same scoring on its own audited history: label each reviewer with what
the supervisors concluded and see how far the detector agrees.

*Flagged* means a verdict of individual or conditions. Precision and recall are over
reviewers whose label is individual or conditions; *honest flagged* counts reviewers labelled
ok or insufficient who were flagged; *kind accuracy* is the share of correctly flagged
reviewers whose verdict is the labelled one (individual vs conditions).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .report import VERDICTS, Report

FLAGS = ("individual", "conditions")


class LabelError(ValueError):
    """A labels line is unusable."""


@dataclass(frozen=True)
class Label:
    reviewer: str
    archetype: str
    expected: str


@dataclass
class Score:
    """How the verdicts compare with the labels."""

    reviewers: int = 0
    true_flags: int = 0
    flagged: int = 0
    hits: int = 0
    kind_right: int = 0
    honest_flagged: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong_kind: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    not_in_log: list[str] = field(default_factory=list)
    table: dict[str, Counter[str]] = field(default_factory=dict)  # archetype -> verdicts
    expected: dict[str, str] = field(default_factory=dict)  # archetype -> expected verdict

    @property
    def precision(self) -> float | None:
        return self.hits / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.true_flags if self.true_flags else None

    @property
    def kind_accuracy(self) -> float | None:
        return self.kind_right / self.hits if self.hits else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewers": self.reviewers,
            "labelled_flagged": self.true_flags,
            "flagged": self.flagged,
            "correctly_flagged": self.hits,
            "precision": _r(self.precision),
            "recall": _r(self.recall),
            "honest_flagged": len(self.honest_flagged),
            "kind_accuracy": _r(self.kind_accuracy),
            "honest_flagged_reviewers": self.honest_flagged,
            "missed_reviewers": self.missed,
            "wrong_kind_reviewers": self.wrong_kind,
            "unlabelled_reviewers": self.unlabelled,
            "labelled_not_in_log": self.not_in_log,
            "confusion": {
                arch: {"expected": self.expected[arch], **{v: row.get(v, 0) for v in VERDICTS}}
                for arch, row in sorted(self.table.items())
            },
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def read_labels(lines: Iterable[str]) -> dict[str, Label]:
    """Labels by reviewer from JSON lines ``{"reviewer", "archetype", "expected_verdict"}``.

    Raises:
        LabelError: a line is not such an object (its number is in the message).
    """
    labels: dict[str, Label] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except ValueError:
            raise LabelError(f"line {number}: not valid JSON") from None
        if not isinstance(row, dict):
            raise LabelError(f"line {number}: expected a JSON object")
        reviewer, expected = row.get("reviewer"), row.get("expected_verdict")
        if not isinstance(reviewer, str) or not reviewer:
            raise LabelError(f"line {number}: field reviewer: missing or not a string")
        if expected not in VERDICTS:
            raise LabelError(
                f"line {number}: field expected_verdict: expected one of {', '.join(VERDICTS)}"
            )
        archetype = row.get("archetype")
        labels[reviewer] = Label(
            reviewer, archetype if isinstance(archetype, str) and archetype else expected, expected
        )
    return labels


def score(report: Report, labels: dict[str, Label]) -> Score:
    """Compare each reviewer's verdict with their label."""
    out = Score()
    seen = set()
    for r in report.reviewers:
        label = labels.get(r.reviewer)
        if label is None:
            out.unlabelled.append(r.reviewer)
            continue
        seen.add(r.reviewer)
        out.reviewers += 1
        out.table.setdefault(label.archetype, Counter())[r.verdict] += 1
        out.expected[label.archetype] = label.expected
        truth, flagged = label.expected in FLAGS, r.verdict in FLAGS
        out.true_flags += truth
        out.flagged += flagged
        if truth and flagged:
            out.hits += 1
            if r.verdict == label.expected:
                out.kind_right += 1
            else:
                out.wrong_kind.append(r.reviewer)
        elif truth:
            out.missed.append(r.reviewer)
        elif flagged:
            out.honest_flagged.append(r.reviewer)
    out.not_in_log = sorted(set(labels) - seen)
    return out


def render(s: Score) -> str:
    """The score as text: the headline figures, then the confusion table per archetype."""

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{100 * x:.1f}%"

    lines = [
        f"reviewers scored: {s.reviewers} ({s.true_flags} labelled individual or conditions)",
        f"precision: {pct(s.precision)}  recall: {pct(s.recall)}  "
        f"honest flagged: {len(s.honest_flagged)}  verdict kind right: {pct(s.kind_accuracy)}",
    ]
    for title, names in (
        ("honest reviewers flagged", s.honest_flagged),
        ("missed", s.missed),
        ("flagged with the wrong kind", s.wrong_kind),
        ("in the log but not labelled", s.unlabelled),
        ("labelled but not in the log", s.not_in_log),
    ):
        if names:
            lines.append(f"{title}: {', '.join(names)}")
    width = max([len("archetype")] + [len(a) for a in s.table])
    lines += [
        "",
        f"{'archetype':<{width}}  {'expected':<12}" + "".join(f"{v:>14}" for v in VERDICTS),
    ]
    for arch, row in sorted(s.table.items()):
        lines.append(
            f"{arch:<{width}}  {s.expected[arch]:<12}"
            + "".join(f"{row.get(v, 0):>14}" for v in VERDICTS)
        )
    return "\n".join(lines)
