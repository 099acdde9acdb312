"""Worlds with monitors on, for monitor tests."""

from __future__ import annotations

from typing import Any

from tests.policy.support import live_score, session_for, with_policy
from vei.scenarios import Scenario, load_scenario
from vei.session import Session

OUTSIDE = "someone@outside.example"
COLLEAGUE = "maya.chen@company.example"


def session(monitors: str, scenario: Scenario | None = None, **settings: Any) -> Session:
    """A procurement world (or ``scenario``) with ``monitors`` enabled."""
    return session_for(scenario or load_scenario("procurement"), monitors=monitors, **settings)


def mail(session: Session, to: str, body: str, subject: str = "Hello") -> Any:
    """Send a mail; fail the test if it is refused."""
    outcome = session.call("mail_compose", {"to": [to], "subject": subject, "body": body})
    assert outcome.ok, outcome.result
    return outcome


def codes(session: Session) -> list[str]:
    """Codes of every finding recorded in the world's state so far."""
    return [f["code"] for f in session.world.state["monitor"]["findings"]]


__all__ = ["COLLEAGUE", "OUTSIDE", "codes", "live_score", "mail", "session", "with_policy"]
