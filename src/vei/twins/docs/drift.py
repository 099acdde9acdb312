"""Drift for the wiki: colleagues edit documents while the agent works (a new version by
someone else, so an update based on the version read before is a conflict)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.docs.state import DOC_UPDATED

_LINES = (
    "Updated the contact for questions.",
    "Fixed a broken link.",
    "Clarified the wording of the second paragraph.",
    "Added a note about the next review date.",
    "Corrected a typo.",
)


class DocEdited(DriftJobBase):
    """A colleague saves a new version of a document: a line appended to its text."""

    kind: Literal["docs_doc_edited"]
    docs: list[str] = Field(
        default_factory=list,
        description="Documents that may be edited (ids); default: every current internal one.",
    )
    lines: list[str] = Field(
        default=list(_LINES), min_length=1, description="What the colleague adds (one drawn)."
    )


def _compile(job: DocEdited, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    docs = states.get("docs")
    if docs is None:
        return "the world has no docs twin"
    known = docs["docs"]
    unknown = [d for d in job.docs if d.upper() not in known]
    if unknown:
        return f"no document {', '.join(unknown)}"
    chosen = [d.upper() for d in job.docs] or [
        d
        for d, doc in sorted(known.items(), key=lambda kv: int(kv[0].split("-")[1]))
        if doc["status"] == "current" and doc["access"] == "internal"
    ]
    if not chosen:
        return "the wiki has no current internal document to edit"
    editors = sorted(login for login in docs["people"] if login != docs["me"]) or [docs["me"]]
    return {"docs": chosen, "editors": editors, "lines": list(job.lines)}


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    doc, editor, line = (
        rng.choice(job["docs"]),
        rng.choice(job["editors"]),
        rng.choice(job["lines"]),
    )
    data = {"doc": doc, "author": editor, "append": f"\n{line}", "note": line}
    return DOC_UPDATED, data, f"docs:{doc}", f"{editor} edited {doc}: {line}"


DRIFT = (
    DriftKind(
        job=DocEdited,
        compile=_compile,
        occur=_occur,
        events=(DOC_UPDATED,),
        library=(
            DocEdited(
                id="docs_edits",
                kind="docs_doc_edited",
                every_ms=3 * 3_600_000,
                offset_ms=0,
                jitter_ms=5_000,  # someone is always editing something when a run starts
            ),
        ),
    ),
)
