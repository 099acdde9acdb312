"""Background actors: colleagues, managers and vendors who act on their own schedules as
deterministic state machines (``vei.actors.rules``), optionally with LLM-written wording
that is recorded with the run (``vei.actors.backend``). See docs/drift.md.
"""

from __future__ import annotations

from vei.actors.backend import (
    ActorBackend,
    BackendError,
    Completion,
    OpenAICompatibleBackend,
    RecordedBackend,
    backend_from_setting,
    build_prompt,
    prompt_digest,
    recordings_from_events,
)
from vei.actors.rules import ActorRule, ColleagueFollowup, ManagerEscalation, QuoteExpiry

__all__ = [
    "ActorBackend",
    "ActorRule",
    "BackendError",
    "ColleagueFollowup",
    "Completion",
    "ManagerEscalation",
    "OpenAICompatibleBackend",
    "QuoteExpiry",
    "RecordedBackend",
    "backend_from_setting",
    "build_prompt",
    "prompt_digest",
    "recordings_from_events",
]
