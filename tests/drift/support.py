"""Worlds with drift for the drift, fault and actor tests: sessions from settings and a
fixed script of agent calls (fixed waits, so the agent's timeline never depends on drift)."""

from __future__ import annotations

from typing import Any

from vei.config import load_settings
from vei.core.events import Event
from vei.scenarios import Scenario
from vei.session import Session

MINUTE = 60_000


def session(scenario: Scenario | None = None, **settings: Any) -> Session:
    """An in-memory session; ``settings`` are Settings fields (``drift_mode="fast"``)."""
    return Session(load_settings(settings, env={}), scenario=scenario, run_id="drift-test")


def procurement_script(s: Session) -> None:
    """The procurement steps with fixed waits: approval request, vendor mail, report."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("browser_open", {"url": "https://macrocompute.example/products/macrobook-pro-16"}),
        ("browser_read", {}),
        ("slack_send_message", {"channel": "#procurement", "text": "Please approve $3,199."}),
        ("vei_tick", {"dt_ms": 2 * MINUTE}),
        ("mail_compose", {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "?"}),
        ("vei_tick", {"dt_ms": 2 * MINUTE}),
        ("mail_list", {"unread_only": True}),
        ("slack_send_message", {"channel": "#procurement", "text": "Quote is $3,099, 5 days."}),
        ("vei_tick", {"dt_ms": 10 * MINUTE}),
    ]
    for name, args in calls:
        s.call(name, args)


def events(s: Session) -> list[Event]:
    """Every event of the current run."""
    return list(s.world.store.events())


def said_by(s: Session, prefix: str) -> list[tuple[str, int, str]]:
    """(kind, t_ms, text or subject+body) of the messages whose actor starts with ``prefix``."""
    found = []
    for e in events(s):
        if not e.actor.startswith(prefix):
            continue
        if e.kind == "slack.message_posted":
            found.append((e.kind, e.t_ms, str(e.data["text"])))
        elif e.kind == "mail.message_received":
            found.append((e.kind, e.t_ms, f"{e.data['subject']}\n{e.data['body']}"))
    return found
