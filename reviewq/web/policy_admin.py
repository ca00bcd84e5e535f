"""The risk policy for administrators: the rules in force, edited as a whole table,
previewed (re-routed queued drafts, the cost of the last N days) and saved as a new
version with a note; versions listed and compared."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from ..domain.errors import NotFound, ValidationFailed
from ..domain.policy import DEFAULT_TAG, Rule
from ..extensions import db_session
from ..models.types import utcnow
from ..services import policy_admin
from .access import require, signed_in_actor
from .forms import ActionForm, character_problem
from .pipeline import page_number
from .routing import MAX_ID

bp = Blueprint("policy_admin", __name__)
BLANK_ROWS = 3
MAX_ROWS = policy_admin.MAX_RULES + BLANK_ROWS


def _int(raw: str, name: str, errors: list[dict[str, str]], tag: str) -> int:
    if raw.isascii() and raw.isdigit() and len(raw) <= 6:
        return int(raw)
    errors.append({"field": tag or name, "message": f"{name} must be a whole number"})
    return 0


def _rules_from_form() -> tuple[list[Rule], list[dict[str, str]], list[dict[str, str]]]:
    """The table as posted: its rules, the form's rows (to show again) and what is wrong."""
    form = request.form
    rules: list[Rule] = []
    rows: list[dict[str, str]] = []
    errors: list[dict[str, str]] = []
    count = form.get("rows", "0")
    if not (count.isascii() and count.isdigit() and len(count) <= 4 and 0 < int(count) <= MAX_ROWS):
        abort(400)
    for n in range(int(count)):
        row = {
            key: form.get(f"{key}-{n}", "")
            for key in ("tag", "level", "approvals", "sla", "qa", "checklist")
        }
        row["escalate"] = "1" if form.get(f"escalate-{n}") else ""
        row["context"] = "1" if form.get(f"context-{n}") else ""
        row["remove"] = "1" if form.get(f"remove-{n}") else ""
        if any(
            character_problem(v, keeps_controls=False) for k, v in row.items() if k != "checklist"
        ):
            abort(400)
        if character_problem(row["checklist"].replace("\r", "").replace("\n", " ")):
            abort(400)
        rows.append(row)
        tag = row["tag"].strip()
        if not tag or row["remove"]:
            continue
        qa = row["qa"].strip() or "0"
        try:
            qa_rate = float(qa) / 100
        except ValueError:
            qa_rate = -1.0
        if qa_rate != qa_rate:  # NaN
            qa_rate = -1.0
        statements = tuple(line.strip() for line in row["checklist"].splitlines() if line.strip())
        rules.append(
            Rule(
                tag=tag,
                min_level=_int(row["level"].strip(), "level", errors, tag),
                approvals=_int(row["approvals"].strip(), "approvals", errors, tag),
                sla_minutes=_int(row["sla"].strip(), "SLA", errors, tag),
                always_escalate=bool(row["escalate"]),
                qa_rate=qa_rate,
                checklist=statements,
                context_required=bool(row["context"]),
            )
        )
    if not any(r.tag == DEFAULT_TAG for r in rules):
        errors.append({"field": DEFAULT_TAG, "message": "the default rule (tag *) is required"})
    return rules, rows, errors


def _rows_of(rules: dict[str, Rule]) -> list[dict[str, str]]:
    ordered = sorted(rules.values(), key=lambda r: (r.tag != DEFAULT_TAG, r.tag))
    if not any(r.tag == DEFAULT_TAG for r in ordered):
        ordered.insert(0, Rule(DEFAULT_TAG))
    rows = [
        {
            "tag": r.tag,
            "level": str(r.min_level),
            "approvals": str(r.approvals),
            "sla": str(r.sla_minutes),
            "qa": f"{r.qa_rate * 100:g}",
            "checklist": "\n".join(r.checklist),
            "escalate": "1" if r.always_escalate else "",
            "context": "1" if r.context_required else "",
            "remove": "",
        }
        for r in ordered
    ]
    blank = {
        k: ""
        for k in (
            "tag",
            "level",
            "approvals",
            "sla",
            "qa",
            "checklist",
            "escalate",
            "context",
            "remove",
        )
    }
    return rows + [
        dict(blank, level="1", approvals="1", sla="240", qa="5") for _ in range(BLANK_ROWS)
    ]


def _days() -> int:
    raw = request.form.get("days", "7")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
        abort(400)
    return int(raw)


@bp.get("/admin/policy")
@require(Permission.ADMINISTER)
def policy() -> str:
    """The rules in force and the versions, newest first."""
    actor = signed_in_actor()
    rules = policy_admin.rules_in_force(db_session)
    return render_template(
        "policy.html",
        rules=sorted(rules.values(), key=lambda r: (r.tag != DEFAULT_TAG, r.tag)),
        versions=policy_admin.versions(db_session, actor, page_number()),
    )


@bp.get("/admin/policy/edit")
@require(Permission.ADMINISTER)
def edit() -> str:
    """The rules in force as an editable table."""
    signed_in_actor()
    rows = _rows_of(policy_admin.rules_in_force(db_session))
    return render_template(
        "policy_edit.html", rows=rows, form=ActionForm(), errors=[], result=None, days=7, note=""
    )


@bp.post("/admin/policy/preview")
@require(Permission.ADMINISTER)
def preview() -> tuple[str, int]:
    """What the edited table would change, saved nowhere."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    rules, rows, errors = _rules_from_form()
    days = _days()
    result = None
    if not errors:
        try:
            result = policy_admin.preview(db_session, signed_in_actor(), rules, days, utcnow())
        except ValidationFailed as exc:
            errors = exc.errors
    return render_template(
        "policy_edit.html",
        rows=rows,
        form=form,
        errors=errors,
        result=result,
        days=days,
        note=request.form.get("note", "")[:500],
    ), 400 if errors else 200


@bp.post("/admin/policy")
@require(Permission.ADMINISTER)
def save() -> Response | tuple[str, int]:
    """Save the edited table as a new version (with a note); re-route queued drafts if asked."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    rules, rows, errors = _rules_from_form()
    note = request.form.get("note", "")
    if character_problem(note):
        abort(400)
    reroute = bool(request.form.get("reroute"))
    if not errors:
        try:
            version, moved = policy_admin.save(
                db_session, signed_in_actor(), rules, note, reroute, utcnow()
            )
            db_session.commit()
        except ValidationFailed as exc:
            db_session.rollback()
            errors = exc.errors
        else:
            flash(
                f"Policy version {version.id} is in force"
                + (
                    f"; {moved} queued drafts re-routed."
                    if reroute
                    else "; queued drafts keep their version."
                ),
                "info",
            )
            return redirect(url_for("policy_admin.policy"))
    return render_template(
        "policy_edit.html",
        rows=rows,
        form=form,
        errors=errors,
        result=None,
        days=7,
        note=note[:500],
    ), 400


def _version_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and 1 <= int(raw) <= MAX_ID):
        abort(400)
    return int(raw)


@bp.get("/admin/policy/diff")
@require(Permission.ADMINISTER)
def diff() -> str:
    """What changed from version ``a`` to version ``b``."""
    actor = signed_in_actor()
    try:
        first = policy_admin.version(db_session, actor, _version_arg("a"))
        second = policy_admin.version(db_session, actor, _version_arg("b"))
    except NotFound:
        abort(404)
    changes = policy_admin.diff(first.as_rules(), second.as_rules())
    return render_template("policy_diff.html", first=first, second=second, changes=changes)
