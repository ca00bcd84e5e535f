"""Creating and finding people."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.authority import MAX_LEVEL, Actor, Permission, Role, can
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..domain.passwords import password_problem
from ..models import User
from . import audit

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def role_problems(role: str, level: int) -> list[dict[str, str]]:
    """What is wrong with a role and authority level (empty when nothing)."""
    errors = []
    if role not in set(Role):
        errors.append({"field": "role", "message": f"must be one of {', '.join(Role)}"})
    if not 1 <= level <= MAX_LEVEL:
        errors.append({"field": "level", "message": f"must be between 1 and {MAX_LEVEL}"})
    return errors


def person_problems(email: str, name: str, role: str, level: int) -> list[dict[str, str]]:
    """What is wrong with a new person's email (already stripped and lowered), name, role
    and level (empty when nothing)."""
    errors = []
    if not EMAIL.fullmatch(email):
        errors.append({"field": "email", "message": "is not an email address"})
    if not name.strip():
        errors.append({"field": "name", "message": "is required"})
    return errors + role_problems(role, level)


def create_user(
    session: Session, actor: Actor, email: str, name: str, role: str, level: int, password: str
) -> User:
    """Add a user with a hashed password.

    Raises:
        NotAllowed: ``actor`` may not administer.
        ValidationFailed: a bad email, role or level, or a short or common password.
        Conflict: the email is taken.
    """
    if not can(actor, Permission.ADMINISTER):
        raise NotAllowed("only an administrator adds people")
    email = email.strip().lower()
    errors = person_problems(email, name, role, level)
    if problem := password_problem(password):
        errors.append({"field": "password", "message": problem})
    if errors:
        raise ValidationFailed(errors)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"a user with email {email} already exists")
    user = User(email=email, name=name.strip(), role=Role(role), level=level)
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor.label,
        "user.created",
        f"user:{user.id}",
        {"email": email, "role": role, "level": level},
    )
    return user


def by_email(session: Session, email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))
