"""People: administrators list, add (a first password or a one-time invitation link),
change role and level, deactivate, reactivate and make password-reset links; anyone signed
in changes their own password; a one-time link lets its person set one."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..domain.authority import MAX_LEVEL, Permission, Role
from ..domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..domain.passwords import MIN_LENGTH
from ..extensions import db_session
from ..models import User
from ..models.types import utcnow
from ..services import people
from .access import require, signed_in_actor
from .forms import ActionForm, Form, accepted, character_problem, show_errors
from .pipeline import committing, page_number

bp = Blueprint("people", __name__)
ROLES = [SelectChoice(role.value, role.value) for role in Role]
PASSWORD_HINT = f"at least {MIN_LENGTH} characters, not a common password"


class PersonForm(Form):
    """A new person: who, what role and level, and how they get in."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLES, validators=[DataRequired()])
    level = IntegerField(
        "Authority level", default=1, validators=[DataRequired(), NumberRange(1, MAX_LEVEL)]
    )
    how = SelectField(
        "Access",
        choices=[
            SelectChoice("invite", "Make a one-time invitation link (72 h)"),
            SelectChoice("password", "Set a first password now"),
        ],
        default="invite",
    )
    password = PasswordField("First password", validators=[Optional(), Length(max=1024)])


class RoleForm(Form):
    role = SelectField("Role", choices=ROLES, validators=[DataRequired()])
    level = IntegerField("Authority level", validators=[DataRequired(), NumberRange(1, MAX_LEVEL)])


class OwnPasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])


class SetPasswordForm(Form):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])


def _filter() -> people.Filter:
    """The list's filters from the query string; an unknown role or state is a 400."""
    text = request.args.get("q", "").strip()[:100]
    if character_problem(text):
        abort(400)
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    if role and role not in set(Role):
        abort(400)
    if state not in ("", "active", "inactive"):
        abort(400)
    return people.Filter(
        text=text,
        role=Role(role) if role else None,
        active={"active": True, "inactive": False}.get(state),
    )


def _link(token: str) -> str:
    """The link's full address: under ``REVIEWQ_PUBLIC_URL`` when set (behind a proxy)."""
    public = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    if public:
        return public + url_for("people.set_password", token=token)
    return url_for("people.set_password", token=token, _external=True)


def _person(user_id: int) -> User:
    try:
        return people.get(db_session, signed_in_actor(), user_id)
    except NotFound:
        abort(404)


@bp.get("/admin/people")
@require(Permission.ADMINISTER)
def person_list() -> str:
    """Everyone, a page at a time, searchable by name or email, by role and state."""
    where = _filter()
    found = people.search(db_session, signed_in_actor(), where, page_number())
    return render_template("people.html", people=found, where=where, roles=ROLES)


@bp.route("/admin/people/new", methods=["GET", "POST"])
@require(Permission.ADMINISTER)
def add_person() -> str | tuple[str, int]:
    """Add a person with a first password or a one-time invitation link (shown once)."""
    form = PersonForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("person_new.html", form=form, hint=PASSWORD_HINT), status
    actor, now = signed_in_actor(), utcnow()
    token = None
    try:
        if form.how.data == "password":
            user = people.add(
                db_session,
                actor,
                form.email.data or "",
                form.name.data or "",
                form.role.data or "",
                form.level.data or 0,
                form.password.data or "",
            )
        else:
            user, token = people.invite(
                db_session,
                actor,
                form.email.data or "",
                form.name.data or "",
                form.role.data or "",
                form.level.data or 0,
                now,
            )
        db_session.commit()
    except (ValidationFailed, Conflict) as exc:
        db_session.rollback()
        errors = getattr(exc, "errors", None) or [{"field": "email", "message": str(exc)}]
        show_errors(form, errors, "email")
        return render_template("person_new.html", form=form, hint=PASSWORD_HINT), 400
    return render_template(
        "person.html",
        person=user,
        form=RoleForm(role=user.role.value, level=user.level),
        action=ActionForm(),
        link=_link(token) if token else None,
        link_kind="invitation",
        created=True,
    ), 201


@bp.get("/admin/people/<int:user_id>")
@require(Permission.ADMINISTER)
def person(user_id: int) -> str:
    """One person: role and level, state, and the actions on them."""
    user = _person(user_id)
    return render_template(
        "person.html",
        person=user,
        form=RoleForm(role=user.role.value, level=user.level),
        action=ActionForm(),
        link=None,
    )


@bp.post("/admin/people/<int:user_id>/role")
@require(Permission.ADMINISTER)
def change_role(user_id: int) -> Response:
    user = _person(user_id)
    form = RoleForm()
    if accepted(form):
        with committing(ValidationFailed, Conflict, NotAllowed) as done:
            changed = people.change_role(
                db_session,
                signed_in_actor(),
                user,
                form.role.data or "",
                form.level.data or 0,
                utcnow(),
            )
        if done:
            flash(
                f"{user.name} is now {user.role} at level {user.level}."
                if changed
                else "Nothing changed.",
                "info",
            )
    return redirect(url_for("people.person", user_id=user_id))


@bp.post("/admin/people/<int:user_id>/deactivate")
@require(Permission.ADMINISTER)
def deactivate(user_id: int) -> Response:
    user = _person(user_id)
    if accepted(ActionForm()):
        with committing(Conflict, NotAllowed) as done:
            released = people.deactivate(db_session, signed_in_actor(), user, utcnow())
        if done:
            flash(
                f"{user.name} is deactivated: signed out everywhere"
                + (f", {len(released)} item(s) back in the queue." if released else "."),
                "info",
            )
    return redirect(url_for("people.person", user_id=user_id))


@bp.post("/admin/people/<int:user_id>/reactivate")
@require(Permission.ADMINISTER)
def reactivate(user_id: int) -> Response:
    user = _person(user_id)
    if accepted(ActionForm()):
        with committing(Conflict, NotAllowed) as done:
            people.reactivate(db_session, signed_in_actor(), user, utcnow())
        if done:
            flash(f"{user.name} can sign in again.", "info")
    return redirect(url_for("people.person", user_id=user_id))


@bp.post("/admin/people/<int:user_id>/reset")
@require(Permission.ADMINISTER)
def reset(user_id: int) -> Response | str:
    """Make a one-time password-reset link (24 h), shown on this answer only."""
    user = _person(user_id)
    if not accepted(ActionForm()):
        return redirect(url_for("people.person", user_id=user_id))
    try:
        token = people.reset_link(db_session, signed_in_actor(), user, utcnow())
        db_session.commit()
    except (Conflict, NotAllowed) as exc:
        db_session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("people.person", user_id=user_id))
    return render_template(
        "person.html",
        person=user,
        form=RoleForm(role=user.role.value, level=user.level),
        action=ActionForm(),
        link=_link(token),
        link_kind="password reset",
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password() -> str | tuple[str, int] | Response:
    """Change your own password (the current one is required); your other sessions end."""
    form = OwnPasswordForm()
    if form.validate_on_submit():
        try:
            people.change_own_password(
                db_session,
                current_user,
                form.current.data or "",
                form.new.data or "",
                current_user.session_token,
                utcnow(),
            )
            db_session.commit()
        except ValidationFailed as exc:
            db_session.rollback()
            show_errors(form, exc.errors, "new")
            return render_template("own_password.html", form=form, hint=PASSWORD_HINT), 400
        flash("Your password is changed; your other sessions are signed out.", "info")
        return redirect(url_for("people.own_password"))
    status = 400 if form.is_submitted() else 200
    return render_template("own_password.html", form=form, hint=PASSWORD_HINT), status


@bp.route("/account/link/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | tuple[str, int] | Response:
    """Set a password with a one-time invitation or reset link."""
    if len(token) > 100:
        abort(404)
    link = people.link_for(db_session, token, utcnow())
    if link is None:
        return render_template("set_password.html", form=None, person=None), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            people.redeem(db_session, token, form.password.data or "", utcnow())
            db_session.commit()
        except ValidationFailed as exc:
            db_session.rollback()
            form.password.errors = [*form.password.errors, *(e["message"] for e in exc.errors)]
            return render_template(
                "set_password.html", form=form, person=link.user, hint=PASSWORD_HINT
            ), 400
        except NotFound:
            db_session.rollback()
            return render_template("set_password.html", form=None, person=None), 404
        flash("Your password is set: sign in with it.", "info")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "set_password.html", form=form, person=link.user, hint=PASSWORD_HINT
    ), status
