"""The soak's people, AI sources and risk policy, made through reviewq's own services.

Run as ``python -m bench.soaklib.world RECEIVER_URL_PREFIX`` in the cluster's environment
(one process: one app start instead of one per CLI command); prints the sources'
credentials as JSON.
"""

from __future__ import annotations

import json
import sys

from .actors import PASSWORD

# (email, role, level): levels 1-3 so that level-3 items find exactly two reviewers and
# the supervisors (who cover every level); two-approval items need two of them.
PEOPLE = [
    ("admin@soak.example", "admin", 1),
    ("r1@soak.example", "reviewer", 1),
    ("r2@soak.example", "reviewer", 2),
    ("r3a@soak.example", "reviewer", 3),
    ("r3b@soak.example", "reviewer", 3),
    ("s1@soak.example", "supervisor", 3),
    ("s2@soak.example", "supervisor", 3),
]
SOURCES = ["support-bot", "claims-bot"]
# tag: (level, approvals, SLA minutes, always escalate, QA rate)
POLICY = {
    "customer-facing": (1, 1, 240, False, 0.02),
    "refund": (2, 1, 240, False, 0.02),
    "legal": (3, 2, 240, False, 0.02),
    "fraud": (3, 1, 240, True, 0.02),
}


def reviewers() -> list[str]:
    return [email for email, role, _ in PEOPLE if role == "reviewer"]


def supervisors() -> list[str]:
    return [email for email, role, _ in PEOPLE if role == "supervisor"]


def main(receiver_prefix: str) -> None:
    from reviewq import create_app
    from reviewq.domain.authority import Actor
    from reviewq.domain.policy import Rule
    from reviewq.extensions import db_session
    from reviewq.services import policy, sources, users

    app = create_app()
    actor = Actor.system("soak")
    out = {}
    with app.app_context():
        for email, role, level in PEOPLE:
            users.create_user(db_session, actor, email, email.split("@")[0], role, level, PASSWORD)
        rules = [Rule(tag, *values) for tag, values in POLICY.items()]
        policy.set_rules(db_session, actor, rules, note="soak")
        for slug in SOURCES:
            new = sources.create_source(
                db_session,
                actor,
                slug,
                slug.replace("-", " ").title(),
                PEOPLE[0][0],
                f"{receiver_prefix}{slug}",
                allow_private=True,
            )
            out[slug] = {"secret": new.secret, "token": new.token}
        db_session.commit()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
