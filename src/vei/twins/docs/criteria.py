"""Wiki criterion kinds: a document the agent filed with the right facts, and documents
handed over to a new owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.events import Event
from vei.twins.docs.state import DOC_CREATED, OWNER_CHANGED, current
from vei.verdict import Claims, Criterion, Evidence, Said, Verdict, met, unmet


def filed_doc(verdict: Verdict) -> str | None:
    """The id of the document a met ``docs_filed`` verdict found."""
    created = [e for e in verdict.events if e.kind == DOC_CREATED]
    return str(created[0].data["doc"]) if verdict.met and created else None


class DocsFiled(Claims):
    """The agent created a document in ``space`` whose current title and text state every
    money fact of ``amounts`` (and the duration ``days``) without contradicting them and
    mention every phrase of ``mentions``; with ``tags``, it carries each of them. Later
    criteria can ask for links to it (``tickets_link`` with ``doc_from``)."""

    kind: Literal["docs_filed"]
    space: str
    tags: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        docs = ev.state.get("docs")
        if docs is None:
            return unmet("the world has no docs twin")
        created = [e for e in ev.of(DOC_CREATED) if e.actor == "agent"]
        mine = [e for e in created if e.data["space"] == self.space]
        if not mine:
            where = ", ".join(sorted({e.data["space"] for e in created})) or "none"
            return unmet(f"the agent created no document in space {self.space} (spaces: {where})")
        reasons = []
        for event in mine:
            doc = docs["docs"][event.data["doc"]]
            latest = current(doc)
            missing = [t for t in self.tags if t.lower() not in doc["tags"]]
            verdict = self.judge_claims(
                ev, [Said(event, f"{latest['title']}\n{latest['body']}")], f"in {doc['id']}"
            )
            if verdict.met and not missing:
                return met([event])
            reasons.append(verdict.why or f"{doc['id']} lacks tags {', '.join(missing)}")
        return unmet("; ".join(reasons), mine)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        docs = state.get("docs", {}).get("docs", {})
        return {f"docs:{d}" for d, doc in docs.items() if doc["space"] == self.space}


class DocsOwner(Criterion):
    """Every document ``from_owner`` owned (when the run started) now belongs to
    ``to_owner``, and the agent transferred at least one of them."""

    kind: Literal["docs_owner"]
    from_owner: str
    to_owner: str

    def _theirs(self, ev: Evidence) -> tuple[set[str], list[Event]]:
        docs = ev.state.get("docs", {}).get("docs", {})
        source, moves = self.from_owner.lower(), ev.of(OWNER_CHANGED)
        moved = {e.data["doc"] for e in moves if e.data["previous"] == source}
        still = {d for d, doc in docs.items() if doc["owner"] == source}
        return moved | still, [e for e in moves if e.actor == "agent" and e.data["doc"] in moved]

    def judge(self, ev: Evidence) -> Verdict:
        docs = ev.state.get("docs")
        if docs is None:
            return unmet("the world has no docs twin")
        theirs, changes = self._theirs(ev)
        if not theirs:
            return unmet(f"{self.from_owner} owns no documents")
        target = self.to_owner.lower()
        wrong = sorted(
            (d for d in theirs if docs["docs"][d]["owner"] != target),
            key=lambda d: int(d.split("-")[1]),
        )
        if wrong:
            owners = ", ".join(f"{d} ({docs['docs'][d]['owner']})" for d in wrong)
            return unmet(f"not owned by {target}: {owners}", changes)
        if not changes:
            return unmet("the agent transferred none of them")
        return met(changes)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        docs = state.get("docs", {}).get("docs", {})
        # Judged on the final state: the documents are the source's or already the target's.
        owners = {self.from_owner.lower(), self.to_owner.lower()}
        return {f"docs:{d}" for d, doc in docs.items() if doc["owner"] in owners}


CRITERIA = (DocsFiled, DocsOwner)
