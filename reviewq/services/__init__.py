"""Use cases: (session, actor, values) -> result. They flush, never commit."""
