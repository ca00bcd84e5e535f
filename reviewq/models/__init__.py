"""Typed tables, one module per concept. Importing this package registers them all."""

from .audit import AuditEvent, AuditHead
from .decision import Decision
from .item import Item
from .policy import PolicyRule, PolicyVersion
from .session import LoginAttempt, UserSession
from .source import Source, SourceStatus, SourceToken
from .user import User

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Decision",
    "Item",
    "LoginAttempt",
    "LoginAttempt",
    "PolicyRule",
    "PolicyVersion",
    "Source",
    "SourceStatus",
    "SourceToken",
    "User",
    "UserSession",
]
