"""Reports for managers (supervisors and admins read them too): workload and staffing, AI
quality, oversight, a summary that answers the three questions, and every table as CSV."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from ..domain.authority import Permission
from ..domain.errors import BadQuery, NotAllowed, NotFound, ValidationFailed
from ..extensions import db_session
from ..models import Source
from ..models.types import utcnow
from ..services import personal_tokens
from ..services.reports import PARAMETERS, Filters, Report, parse_filters
from ..services.reports_csv import to_csv
from ..services.reports_oversight import oversight_report
from ..services.reports_quality import quality
from ..services.reports_workload import workload
from .access import require, signed_in_actor
from .charts import bar_chart, line_chart
from .forms import ActionForm, TokenForm, accepted
from .pipeline import committing, page_number

bp = Blueprint("reports", __name__)

REPORTS: dict[str, Callable[[Filters, int], Report]] = {
    "workload": lambda f, page: workload(db_session, f, utcnow(), page),
    "quality": lambda f, _page: quality(db_session, f),
    "oversight": lambda f, _page: oversight_report(db_session, f),
}
# table -> (kind, x column, value columns): "line" over buckets, "bar" per row, "pivot" a
# line per group (first column) over buckets.
CHARTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "flow": ("line", "bucket", ("arrived", "decided", "backlog_at_end")),
    "sla_by_level": ("bar", "level", ("attainment",)),
    "sla_by_tag": ("bar", "tag", ("attainment",)),
    "staffing": ("bar", "level", ("short_by_hours",)),
    "by_source": ("pivot", "bucket", ("reject_rate", "escalate_rate")),
    "by_model": ("pivot", "bucket", ("reject_rate", "escalate_rate")),
    "index_by_week": ("line", "week", ("index",)),
    "index_by_source": ("bar", "source", ("index",)),
    "index_by_tag": ("bar", "risk_tag", ("index",)),
    "verdicts": ("bar", "verdict", ("reviewers",)),
}


def filters_from_query() -> Filters:
    """The filters in the query string (400 naming the bad ones)."""
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        raise BadQuery([{"field": k[:40], "message": "is not a report filter"} for k in unknown])
    return parse_filters(request.args, utcnow().date())


def chart(report: Report, name: str) -> Markup:
    """The chart of one table (empty for a table without one, or without rows)."""
    table = report.tables[name]
    if name not in CHARTS or not table.rows:
        return Markup("")
    kind, x, values = CHARTS[name]
    title = table.title
    if kind == "bar":
        labels = [str(v) for v in table.column(x)]
        return bar_chart(f"{title}: {values[0].replace('_', ' ')}", labels, table.column(values[0]))
    if kind == "line":
        labels = [str(v) for v in table.column(x)]
        series = {v.replace("_", " "): table.column(v) for v in values}
        return line_chart(title, labels, series)
    buckets = report.filters.buckets()
    rate: dict[str, list[float | None]] = {}
    for row in table.rows:
        record = dict(zip(table.columns, row, strict=True))
        line = rate.setdefault(str(row[0]), [None] * len(buckets))
        if record[x] in buckets:
            line[buckets.index(record[x])] = sum(record[v] or 0 for v in values)
    return line_chart(f"{title}: share rejected or escalated", buckets, rate)


def _page(name: str) -> tuple[str, int]:
    filters = filters_from_query()
    report = REPORTS[name](filters, page_number())
    return render_template(
        "reports.html",
        report=report,
        filters=filters,
        chart=chart,
        sources=_sources(),
        page=page_number(),
    ), 200


def _sources() -> list[str]:
    """Every source's slug, for the filter's choices."""
    return list(db_session.scalars(sa.select(Source.slug).order_by(Source.slug)))


@bp.get("/reports")
@require(Permission.READ_REPORTS)
def summary() -> str:
    """The three questions a manager asks every Monday, answered for the range."""
    filters = filters_from_query()
    reports = {name: make(filters, 1) for name, make in REPORTS.items()}
    return render_template(
        "reports_summary.html",
        filters=filters,
        reports=reports,
        chart=chart,
        sources=_sources(),
    )


@bp.get("/reports/workload")
@require(Permission.READ_REPORTS)
def workload_page() -> tuple[str, int]:
    """Drafts arrived and decided, backlog, SLA, escalations, reviewers, staffing."""
    return _page("workload")


@bp.get("/reports/quality")
@require(Permission.READ_REPORTS)
def quality_page() -> tuple[str, int]:
    """Rates per source and model by week, with significantly worse weeks marked."""
    return _page("quality")


@bp.get("/reports/oversight")
@require(Permission.READ_REPORTS)
def oversight_page() -> tuple[str, int]:
    """The symbolic oversight index by week, source and tag; reviewers by verdict."""
    return _page("oversight")


@bp.get("/reports/<name>/<table>.csv")
@require(Permission.READ_REPORTS)
def download(name: str, table: str) -> Response:
    """One table of a report as CSV (formula-safe), under the page's filters."""
    if name not in REPORTS:
        abort(404)
    report = REPORTS[name](filters_from_query(), page_number())
    if table not in report.tables:
        abort(404)
    f = report.filters
    filename = f"reviewq-{name}-{table}-{f.start.isoformat()}-{f.end.isoformat()}.csv"
    return Response(
        to_csv(report.tables[table]),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/reports/tokens", methods=["GET", "POST"])
@require(Permission.READ_REPORTS)
def tokens() -> str | WerkzeugResponse:
    """Your API tokens for the reports API (a BI tool reads the reports as you); a new one
    is shown once, on the page that made it."""
    form = TokenForm()
    shown = None
    if request.method == "POST" and accepted(form):
        with committing(NotAllowed, ValidationFailed) as done:
            row, shown = personal_tokens.issue(
                db_session, signed_in_actor(), form.name.data or "", utcnow()
            )
        if not done:
            shown = None
    elif request.method == "POST":
        return redirect(url_for("reports.tokens"))
    return render_template(
        "report_tokens.html",
        form=TokenForm(formdata=None),
        revoke_form=ActionForm(),
        shown=shown,
        tokens=personal_tokens.live(db_session, signed_in_actor().id),
    )


@bp.post("/reports/tokens/<int:personal_token_id>/revoke")
@require(Permission.READ_REPORTS)
def revoke_token(personal_token_id: int) -> WerkzeugResponse:
    """Revoke one of your API tokens: it stops working at once."""
    if accepted(ActionForm()):
        with committing(NotFound) as done:
            personal_tokens.revoke(db_session, signed_in_actor(), personal_token_id, utcnow())
        if done:
            flash("The token is revoked: it no longer works.", "info")
    return redirect(url_for("reports.tokens"))
