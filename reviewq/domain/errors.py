"""Named domain errors, flat in one module; the web layer maps each to HTTP once."""


class ReviewqError(Exception):
    """Base of every error the domain and services raise on purpose."""


class IllegalTransition(ReviewqError):
    """The item's state does not allow the requested action."""

    def __init__(self, status: str, action: str):
        super().__init__(f"cannot {action} an item that is {status}")
        self.status = status
        self.action = action


class NotFound(ReviewqError):
    """The thing asked for does not exist (or the caller may not know it exists)."""


class Conflict(ReviewqError):
    """The request collides with the current state (duplicate name, stale version...)."""


class SourceUnavailable(ReviewqError):
    """The source is paused or retired, so it may not submit drafts."""

    def __init__(self, slug: str, status: str, reason: str | None):
        super().__init__(f"source {slug!r} is {status}" + (f": {reason}" if reason else ""))
        self.status = status
        self.reason = reason


class Unauthenticated(ReviewqError):
    """The caller did not prove who it is (missing, unknown or revoked credentials)."""


class SignatureInvalid(Unauthenticated):
    """The webhook signature, timestamp or source did not verify."""


class ValidationFailed(ReviewqError):
    """Input is well-formed but breaks field rules; ``errors`` names each field."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


class UnknownParameters(ValidationFailed):
    """The request carries query parameters the endpoint does not take (each in ``errors``)."""


class BadQuery(ValidationFailed):
    """A query parameter's value is malformed or out of range (each in ``errors``)."""


class NotAllowed(ReviewqError):
    """The person's role or authority level does not allow this."""


class TwoPersonRule(NotAllowed):
    """The same person may not give both approvals of a two-person item."""


class StaleClaim(Conflict):
    """The person no longer holds the item (lease expired, skipped, or taken by another)."""


class StaleVersion(Conflict):
    """The item changed since the person opened it."""


class TooManyAttempts(ReviewqError):
    """Sign-in is throttled after repeated failures."""

    def __init__(self, retry_after_seconds: int):
        minutes = max(1, -(-retry_after_seconds // 60))
        super().__init__(f"Too many failed sign-ins. Try again in {minutes} minute(s).")
        self.retry_after_seconds = retry_after_seconds
