"""The audit log in tests: a fixed signing key for production-mode apps, and helpers."""

# A well-formed signer key (the golang.org/x/mod/sumdb/note example): never a real one.
AUDIT_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"


def sealed_and_verified():
    """Seal the log (as the scheduler would), then verify it: the report."""
    from reviewq import jobs
    from reviewq.extensions import audit_signer, db
    from reviewq.services import audit_verify

    jobs.seal()
    report = audit_verify.verify(db.session, audit_signer().verifier)
    db.session.rollback()
    return report


def event_count() -> int:
    """How many audit events are stored (sealed or not)."""
    import sqlalchemy as sa

    from reviewq.extensions import db
    from reviewq.models import AuditEvent

    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0
