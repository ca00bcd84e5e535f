"""The audit log in tests: a fixed signing key for production-mode apps, and helpers."""

# A well-formed signer key (the golang.org/x/mod/sumdb/note example): never a real one.
AUDIT_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
