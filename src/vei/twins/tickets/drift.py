"""Drift for the tracker: colleagues file new issues while the agent works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.tickets.state import ISSUE_CREATED

_SUMMARIES = (
    "Printer on the third floor is offline",
    "Need access to the shared finance folder",
    "Monitor flickers after the update",
    "Calendar invites arrive twice",
    "Request a second charger",
    "Cannot install the design app",
)


class IssueFiled(DriftJobBase):
    """A colleague files a new issue in a project (unassigned, default priority)."""

    kind: Literal["tickets_issue_filed"]
    project: str | None = Field(
        default=None, description="Project key; default: the first project."
    )
    summaries: list[str] = Field(
        default=list(_SUMMARIES), min_length=1, description="One is drawn."
    )


def _compile(job: IssueFiled, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    tickets = states.get("tickets")
    if tickets is None:
        return "the world has no tickets twin"
    projects = sorted(tickets["projects"])
    if not projects:
        return "the tracker has no project"
    key = (job.project or projects[0]).upper()
    project = tickets["projects"].get(key)
    if project is None:
        return f"no project {job.project!r} (projects: {', '.join(projects)})"
    reporters = sorted(p for p in tickets["people"] if p != tickets["me"]) or [tickets["me"]]
    return {
        "project": key,
        "type": project["types"][0],
        "status": project["initial"],
        "reporters": reporters,
        "summaries": list(job.summaries),
    }


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    reporter, summary = rng.choice(job["reporters"]), rng.choice(job["summaries"])
    data = {
        "project": job["project"],
        "type": job["type"],
        "summary": summary,
        "description": "",
        "priority": "Medium",
        "assignee": None,
        "reporter": reporter,
        "labels": [],
        "status": job["status"],
    }
    return ISSUE_CREATED, data, f"tickets:{job['project']}", f"{reporter} filed {summary!r}"


DRIFT = (
    DriftKind(
        job=IssueFiled,
        compile=_compile,
        occur=_occur,
        events=(ISSUE_CREATED,),
        library=(
            IssueFiled(
                id="tickets_new_issues",
                kind="tickets_issue_filed",
                every_ms=2 * 3_600_000,
                offset_ms=0,
                jitter_ms=5_000,  # a new issue comes in during the first seconds of a run
            ),
        ),
    ),
)
