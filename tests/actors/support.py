"""A procurement world with background actors, for the actor tests."""

from __future__ import annotations

from typing import Any

from vei.scenarios import Scenario, load_scenario, parse_scenario

MINUTE = 60_000

ACTORS: list[dict[str, Any]] = [
    {
        "id": "dana",
        "kind": "manager_escalation",
        "user": "priya.nair",
        "channel": "#procurement",
        "after_ms": 30 * MINUTE,
        "max_escalations": 2,
        "templates": [
            "{me}, the laptop request in {channel} has been waiting for {waited}. Can you pick it up?"
        ],
    },
    {
        "id": "maya",
        "kind": "colleague_followup",
        "address": "maya.chen@company.example",
        "after_ms": 60 * MINUTE,
        "max_followups": 1,
        "templates": ["Hi {me}, just checking in on this ({waited} so far). Thanks, {colleague}"],
    },
    {
        "id": "macro_quote",
        "kind": "quote_expiry",
        "vendor": "sales@macrocompute.example",
        "valid_ms": 20 * MINUTE,
        "increase_percent": 5,
        "templates": [
            "Hello {me}, our quote of {old_price} has expired after {valid}. The price is now {new_price}."
        ],
    },
]


def with_actors(actors: list[dict[str, Any]] | None = None) -> Scenario:
    """Procurement plus the background ``actors`` (default: one of each kind)."""
    raw = load_scenario("procurement").spec.model_dump(mode="json", by_alias=True)
    raw["actors"] = ACTORS if actors is None else actors
    return parse_scenario(raw, source="procurement with actors")
