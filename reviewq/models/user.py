"""People who review, supervise, manage or administer."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.authority import Actor, Role
from ..extensions import Model
from .types import UTCDateTime, str_enum, utcnow


class User(UserMixin, Model):
    """A person with one role and an authority level (1 = lowest)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    level: Mapped[int] = mapped_column(default=1)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``; the password itself is never kept."""
        self.password_hash = generate_password_hash(password, method=self.password_method)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    # Set when the user is loaded from a sign-in session (never stored on this table).
    session_token = cast("str | None", None)  # typed without an annotation the ORM would map
    # werkzeug's current default (scrypt); the test suite lowers the cost for speed.
    password_method = "scrypt"

    @property
    def actor(self) -> Actor:
        """This person as an actor: their authority, named ``user:<email>`` in the audit trail."""
        return Actor(
            id=self.id,
            role=self.role,
            level=self.level,
            active=self.active,
            label=f"user:{self.email}",
        )

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login keeps the session token in the cookie, not the user id, so signing
        out on the server ends every copy of the cookie."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role} L{self.level}>"


class PersonalToken(Model):
    """A person's bearer token for the reports API (a BI tool reads the reports as them),
    stored only as its SHA-256; shown once, revocable. It carries the person's own role:
    it reads what they may read, and nothing once they may no longer."""

    __tablename__ = "personal_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
