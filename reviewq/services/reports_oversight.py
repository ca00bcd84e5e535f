"""The oversight report: the symbolic oversight index by week (overall), per source and per
risk tag, and how many reviewers each verdict holds, read from the stored results of the
oversight job's longest window (nothing is analysed per request)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from . import oversight, oversight_store
from .reports import AnySession, Filters, Report, Table

WINDOW = max(oversight.WINDOWS)
VERDICTS = ("individual", "conditions", "insufficient", "ok")


def oversight_report(session: AnySession, filters: Filters) -> Report:
    """The oversight report: the weeks of the stored trend that fall in the range; the
    index per source and per tag, and the verdicts, of the latest stored run.

    Returns:
        The report: tables ``index_by_week``, ``index_by_source``, ``index_by_tag``,
        ``verdicts``; its summary says when the results were computed (None: never yet).
    """
    report = Report("oversight", "Oversight", filters)
    stored = oversight_store.latest(session, WINDOW)  # type: ignore[arg-type]
    team: dict[str, Any] = stored.team if stored else {}
    index = team.get("symbolic_oversight_index") or {}
    weeks = report.add(
        Table(
            "index_by_week",
            "Symbolic oversight index by week",
            ["week", "decisions", "index"],
            note=index.get("definition", ""),
        )
    )
    for week in stored.trend if stored else []:
        start = week["week_start"].date()
        if filters.start - timedelta(days=6) <= start <= filters.end:
            weeks.rows.append([start.isoformat(), week.get("decisions", 0), week.get("index")])
    for name, key, title in (
        ("index_by_source", "by_source", "source"),
        ("index_by_tag", "by_risk_tag", "risk tag"),
    ):
        table = report.add(
            Table(name, f"Index by {title}", [title.replace(" ", "_"), "decisions", "index"])
        )
        for group, row in sorted((index.get(key) or {}).items()):
            table.rows.append([group, row.get("decisions", 0), row.get("index")])
    verdicts = team.get("verdicts") or {}
    report.add(
        Table(
            "verdicts",
            "Reviewers by verdict",
            ["verdict", "reviewers"],
            [[v, verdicts.get(v, 0)] for v in VERDICTS],
            note="individual and conditions are flagged; insufficient means not enough data.",
        )
    )
    report.summary = {
        "computed_at": stored.computed_at.isoformat() if stored else None,
        "window_days": WINDOW,
        "index": index.get("value") if index.get("decisions") else None,
        "flagged": team.get("flagged", 0),
        "reviewers": team.get("reviewers", 0),
    }
    return report
