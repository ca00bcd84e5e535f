"""Typed tables, one module per concept. Importing this package registers them all."""

from .audit import AuditCheckpoint, AuditEvent, AuditNode
from .canary import Canary, CanaryPlant, FlagNote, QaReview
from .decision import Decision
from .delivery import Delivery, DeliveryStatus
from .escalation import Escalation
from .item import Item
from .notification import Notification
from .oversight import OversightResult, OversightRun
from .policy import PolicyRule, PolicyVersion
from .session import AccountLink, LoginAttempt, LoginThrottle, UserSession
from .snapshot import CountSnapshot
from .source import Source, SourceStatus, SourceToken
from .user import PersonalToken, User

__all__ = [
    "AccountLink",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditNode",
    "Canary",
    "CountSnapshot",
    "CanaryPlant",
    "Decision",
    "Delivery",
    "DeliveryStatus",
    "Escalation",
    "FlagNote",
    "Item",
    "LoginAttempt",
    "LoginThrottle",
    "Notification",
    "OversightResult",
    "OversightRun",
    "PersonalToken",
    "PolicyRule",
    "PolicyVersion",
    "QaReview",
    "Source",
    "SourceStatus",
    "SourceToken",
    "User",
    "UserSession",
]
