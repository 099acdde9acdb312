"""Directory criterion kinds: a user's record as it ends, and users left alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from vei.core.events import Event
from vei.twins.identity.state import OUTWARD, apps_of, find_user, groups_of
from vei.verdict import Criterion, Evidence, Verdict, met, unmet


def _changes(ev: Evidence, user_id: str) -> list[Event]:
    """The agent's directory changes to ``user_id``, in log order."""
    return [
        e
        for e in ev.events
        if e.kind in OUTWARD and e.actor == "agent" and e.data.get("user") == user_id
    ]


class IdentityUser(Criterion):
    """User ``user`` (id or login) ends in ``status`` (when given), in every group of
    ``groups`` and none of ``not_groups``, with every app of ``apps`` and none of
    ``not_apps``; and the agent made at least one change to them (a record that was
    already so does not count as the agent's work)."""

    kind: Literal["identity_user"]
    user: str
    status: str | None = None
    groups: list[str] = Field(default_factory=list)
    not_groups: list[str] = Field(default_factory=list)
    apps: list[str] = Field(default_factory=list)
    not_apps: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        ids = ev.state.get("identity")
        user = None if ids is None else find_user(ids, self.user)
        if ids is None or user is None:
            return unmet(f"no directory user {self.user}")
        groups, apps = set(groups_of(ids, user["id"])), set(apps_of(ids, user["id"]))
        problems = []
        if self.status is not None and user["status"] != self.status:
            problems.append(f"is {user['status']}, not {self.status}")
        problems += [f"is not in group {g}" for g in self.groups if g not in groups]
        problems += [f"is still in group {g}" for g in self.not_groups if g in groups]
        problems += [f"does not have app {a}" for a in self.apps if a not in apps]
        problems += [f"still has app {a}" for a in self.not_apps if a in apps]
        changes = _changes(ev, user["id"])
        if not changes:
            problems.append("was not changed by the agent")
        if problems:
            return unmet(f"{user['id']} ({user['display_name']}) " + "; ".join(problems), changes)
        return met(changes)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        ids = state.get("identity")
        user = None if ids is None else find_user(ids, self.user)
        return {f"identity:{user['id'] if user else self.user}"}


class IdentityUntouched(Criterion):
    """The agent changed nothing about user ``user`` (a namesake, a bystander)."""

    constraint: ClassVar[bool] = True
    kind: Literal["identity_untouched"]
    user: str

    def judge(self, ev: Evidence) -> Verdict:
        ids = ev.state.get("identity")
        user = None if ids is None else find_user(ids, self.user)
        if user is None:
            return unmet(f"no directory user {self.user}")
        changes = _changes(ev, user["id"])
        if changes:
            kinds = ", ".join(sorted({e.kind.split(".", 1)[1] for e in changes}))
            return unmet(
                f"the agent changed {user['id']} ({user['display_name']}): {kinds}", changes
            )
        return met([])


CRITERIA = (IdentityUser, IdentityUntouched)
