"""Sources for administrators: create one (its secret and first token shown once, with the
signing snippet filled in), rotate the secret, named API tokens, the callback URL with a
test callback, the owner, and the source's delivery log."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.authority import Permission
from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..extensions import db_session
from ..models import Source
from ..models.types import utcnow
from ..services import source_admin, sources
from .access import require, signed_in_actor
from .forms import ActionForm, Form, accepted, show_errors
from .pipeline import committing, page_number

bp = Blueprint("source_admin", __name__)


class NewSourceForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    slug = StringField("Slug", validators=[DataRequired(), Length(max=63)])
    owner = EmailField("Owner's email", validators=[DataRequired(), Length(max=254)])
    callback_url = URLField("Callback URL", validators=[Optional(), Length(max=2000)])


class TokenForm(Form):
    name = StringField("Token name", validators=[DataRequired(), Length(max=80)])


class CallbackForm(Form):
    callback_url = URLField("Callback URL", validators=[Optional(), Length(max=2000)])


class OwnerForm(Form):
    owner = EmailField("Owner's email", validators=[DataRequired(), Length(max=254)])


def _source(slug: str) -> Source:
    try:
        return sources.get(db_session, slug)
    except NotFound:
        abort(404)


def _page(source: Source, status: int = 200, **shown: object) -> tuple[str, int]:
    actor = signed_in_actor()
    return render_template(
        "source_admin.html",
        source=source,
        tokens=source_admin.tokens(db_session, actor, source),
        log=source_admin.delivery_log(db_session, actor, source, page_number()),
        action=ActionForm(),
        token_form=TokenForm(formdata=None),
        callback_form=CallbackForm(formdata=None, callback_url=source.callback_url or ""),
        owner_form=OwnerForm(formdata=None, owner=source.owner.email),
        grace_hours=current_app.config["SECRET_GRACE_HOURS"],
        now=utcnow(),
        base_url=request.host_url.rstrip("/"),
        **shown,
    ), status


@bp.route("/admin/sources/new", methods=["GET", "POST"])
@require(Permission.ADMINISTER)
def new_source() -> str | tuple[str, int]:
    """Register a source; its webhook secret and first API token are shown on the answer
    only."""
    form = NewSourceForm()
    if not form.validate_on_submit():
        return render_template("source_new.html", form=form), 400 if form.is_submitted() else 200
    try:
        made = sources.create_source(
            db_session,
            signed_in_actor(),
            (form.slug.data or "").strip(),
            form.name.data or "",
            (form.owner.data or "").strip(),
            (form.callback_url.data or "").strip() or None,
            allow_private=current_app.config["ALLOW_PRIVATE_CALLBACKS"],
        )
        db_session.commit()
    except ValidationFailed as exc:
        db_session.rollback()
        show_errors(form, exc.errors, "name")
        return render_template("source_new.html", form=form), 400
    except Conflict as exc:
        db_session.rollback()
        form.slug.errors = [*form.slug.errors, str(exc)]
        return render_template("source_new.html", form=form), 400
    return _page(made.source, 201, secret=made.secret, token=made.token)


@bp.get("/admin/sources/<slug>")
@require(Permission.ADMINISTER)
def source(slug: str) -> tuple[str, int]:
    """A source's secret (its rotation), tokens, callback, owner and delivery log."""
    return _page(_source(slug))


@bp.post("/admin/sources/<slug>/secret")
@require(Permission.ADMINISTER)
def rotate_secret(slug: str) -> Response | tuple[str, int]:
    """A new webhook secret, shown once; the old one verifies for the grace period."""
    found = _source(slug)
    if not accepted(ActionForm()):
        return redirect(url_for("source_admin.source", slug=slug))
    grace = timedelta(hours=current_app.config["SECRET_GRACE_HOURS"])
    secret = sources.rotate_secret(db_session, signed_in_actor(), found, utcnow(), grace)
    db_session.commit()
    return _page(found, secret=secret)


@bp.post("/admin/sources/<slug>/tokens")
@require(Permission.ADMINISTER)
def issue_token(slug: str) -> Response | tuple[str, int]:
    """A new named API token, shown once."""
    found = _source(slug)
    form = TokenForm()
    if not accepted(form):
        return redirect(url_for("source_admin.source", slug=slug))
    try:
        token = sources.issue_token(db_session, signed_in_actor(), found, form.name.data or "")
        db_session.commit()
    except ValidationFailed as exc:
        db_session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("source_admin.source", slug=slug))
    return _page(found, token=token, token_name=form.name.data)


@bp.post("/admin/sources/<slug>/tokens/<int:token_id>/revoke")
@require(Permission.ADMINISTER)
def revoke_token(slug: str, token_id: int) -> Response:
    found = _source(slug)
    if accepted(ActionForm()):
        try:
            with committing(Conflict) as done:
                token = source_admin.revoke_token(
                    db_session, signed_in_actor(), found, token_id, utcnow()
                )
        except NotFound:
            abort(404)
        if done:
            flash(f"The token {token.name!r} no longer works.", "info")
    return redirect(url_for("source_admin.source", slug=slug))


@bp.post("/admin/sources/<slug>/callback")
@require(Permission.ADMINISTER)
def set_callback(slug: str) -> Response:
    found = _source(slug)
    form = CallbackForm()
    if accepted(form):
        with committing(ValidationFailed) as done:
            source_admin.set_callback(
                db_session,
                signed_in_actor(),
                found,
                form.callback_url.data,
                current_app.config["ALLOW_PRIVATE_CALLBACKS"],
                utcnow(),
            )
        if done:
            flash(f"Decisions go to {found.callback_url or 'nowhere (no callback URL)'}.", "info")
    return redirect(url_for("source_admin.source", slug=slug))


@bp.post("/admin/sources/<slug>/callback/test")
@require(Permission.ADMINISTER)
def test_callback(slug: str) -> Response | tuple[str, int]:
    """Send a signed ``reviewq.test`` callback now and show the receiver's answer."""
    found = _source(slug)
    if not accepted(ActionForm()):
        return redirect(url_for("source_admin.source", slug=slug))
    actor = signed_in_actor()
    try:
        call = source_admin.test_call(db_session, actor, found, utcnow())
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("source_admin.source", slug=slug))
    db_session.commit()  # no transaction open while the receiver answers
    answer = source_admin.send_test(call, current_app.config["ALLOW_PRIVATE_CALLBACKS"])
    source_admin.record_test(db_session, actor, found, call, answer, utcnow())
    db_session.commit()
    return _page(found, tested=answer, tested_id=call.msg_id)


@bp.post("/admin/sources/<slug>/owner")
@require(Permission.ADMINISTER)
def change_owner(slug: str) -> Response:
    found = _source(slug)
    form = OwnerForm()
    if accepted(form):
        with committing(ValidationFailed) as done:
            source_admin.change_owner(
                db_session, signed_in_actor(), found, (form.owner.data or "").strip(), utcnow()
            )
        if done:
            flash(f"{found.name} is now owned by {found.owner.email}.", "info")
    return redirect(url_for("source_admin.source", slug=slug))
