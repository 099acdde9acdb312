"""Scripted drift: the ordinary noise of a company arriving while the agent works.

Jobs (``vei.drift.jobs``) come from the built-in library (``vei.drift.library``) and the
scenario's ``drift`` section; ``compile_drift`` resolves them against a world and scales
them to ``VEI_DRIFT_MODE``; the drift twin (``vei.drift.engine``) delivers them as ordinary
events with actor ``drift``; ``plan`` lists the same schedule without a world
(``vei-drift plan``). Background actors live in ``vei.actors``. See docs/drift.md.
"""

from __future__ import annotations

from vei.drift.compile import DriftConfigError, compile_drift, declared_jobs, world_context
from vei.drift.jobs import (
    ACTIVE_MODES,
    MODE_ACTIVITY,
    TEMPLATE_VARIABLES,
    ChatJob,
    DriftSection,
    MailJob,
    PageJob,
    activity_permille,
)
from vei.drift.library import LIBRARY, library_ids
from vei.drift.occurrences import ACTOR, Occurrence, occurrence, plan

__all__ = [
    "ACTIVE_MODES",
    "ACTOR",
    "LIBRARY",
    "MODE_ACTIVITY",
    "TEMPLATE_VARIABLES",
    "ChatJob",
    "DriftConfigError",
    "DriftSection",
    "MailJob",
    "Occurrence",
    "PageJob",
    "activity_permille",
    "compile_drift",
    "declared_jobs",
    "library_ids",
    "occurrence",
    "plan",
    "world_context",
]
