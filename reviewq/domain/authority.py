"""Who may do what: roles and authority levels (DESIGN section 1), in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; the values are what the database stores."""

    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


MAX_LEVEL = 9
