"""The one place views check authority: a decorator over ``domain.authority.can``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_login import current_user

from ..domain.authority import Actor, Permission, can


def current_actor() -> Actor | None:
    """The signed-in person's authority facts, or None for a visitor."""
    if not current_user.is_authenticated:
        return None
    return current_user.actor


def signed_in_actor() -> Actor:
    """The signed-in person, in a view behind ``require`` (a visitor never gets this far)."""
    actor = current_actor()
    if actor is None:
        abort(401)
    return actor


def require(*permissions: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let the view run only for a signed-in person holding one of ``permissions``.

    Visitors are sent to sign in (401 for scripts); others get 403.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if actor is None:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not any(can(actor, p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
