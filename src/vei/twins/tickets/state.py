"""Tracker state: people, projects with their workflows, and issues with their links,
comments and history.

``state["tickets"]`` holds ``me`` (the agent's login), ``people`` (login -> name),
``projects`` (key -> project, with ``statuses`` (name -> category), ``initial`` and
``transitions``) and ``issues`` (id -> issue). Every change an event makes to an issue is
written to the issue's ``history`` (oldest first). Reducers derive new ids from what is
already in the state, so a replay gives the same ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.tickets.seed import DEFAULT_SEED, DEFAULT_WORKFLOW, TicketsSeed, WorkflowSeed

ISSUE_CREATED = "tickets.issue_created"
ISSUE_UPDATED = "tickets.issue_updated"
ISSUE_TRANSITIONED = "tickets.issue_transitioned"
COMMENT_ADDED = "tickets.comment_added"
LINK_ADDED = "tickets.link_added"


class Link(TypedDict):
    kind: str  # doc | ticket | person | url
    target: str
    relation: str


class Comment(TypedDict):
    id: str
    author: str
    body: str
    t_ms: int


class Change(TypedDict):
    t_ms: int
    actor: str
    field: str
    before: Any
    after: Any


class Issue(TypedDict):
    id: str
    project: str
    type: str
    summary: str
    description: str
    status: str
    priority: str
    assignee: str | None
    reporter: str
    labels: list[str]
    links: list[Link]
    comments: list[Comment]
    history: list[Change]
    resolution: str | None
    created_ms: int
    updated_ms: int


class Project(TypedDict):
    key: str
    name: str
    description: str
    types: list[str]
    statuses: dict[str, str]
    initial: str
    transitions: dict[str, list[str]]
    portal: bool


class TicketsState(TypedDict):
    me: str
    people: dict[str, str]
    projects: dict[str, Project]
    issues: dict[str, Issue]


def issue_key(issue_id: str) -> tuple[str, int]:
    """``IT-12`` -> ("IT", 12), for id order."""
    project, _, number = issue_id.rpartition("-")
    return project, int(number)


def next_issue_id(tickets: Mapping[str, Any], project: str) -> str:
    """The id the next issue created in ``project`` gets."""
    numbers = [issue_key(i)[1] for i in tickets["issues"] if issue_key(i)[0] == project]
    return f"{project}-{max(numbers, default=0) + 1}"


def find_issue(tickets: Mapping[str, Any], ref: str) -> Issue | None:
    """An issue by id (``IT-12``, any case)."""
    found: Issue | None = tickets["issues"].get(ref.strip().upper())
    return found


def link_kind(target: str) -> str:
    """What a link target is: ``doc`` (DOC-3), ``url``, ``person`` (a login) or ``ticket``."""
    if target.upper().startswith("DOC-"):
        return "doc"
    if target.startswith(("http://", "https://")):
        return "url"
    if "@" in target:
        return "person"
    return "ticket"


def category(tickets: Mapping[str, Any], issue: Mapping[str, Any]) -> str:
    """The workflow category of the issue's status: todo, in_progress or done."""
    return str(tickets["projects"][issue["project"]]["statuses"][issue["status"]])


def _project(seed: Any, where: str) -> Project:
    flow = WorkflowSeed.model_validate(DEFAULT_WORKFLOW) if seed.workflow is None else seed.workflow
    statuses = {s.name: s.category for s in flow.statuses}
    if flow.initial not in statuses:
        raise ValueError(f"{where}: initial status {flow.initial!r} is not one of its statuses")
    for source, targets in flow.transitions.items():
        unknown = [s for s in (source, *targets) if s not in statuses]
        if unknown:
            raise ValueError(f"{where}: transition names unknown status {unknown[0]!r}")
    return {
        "key": seed.key,
        "name": seed.name,
        "description": seed.description,
        "types": list(seed.types),
        "statuses": statuses,
        "initial": flow.initial,
        "transitions": {s: list(flow.transitions.get(s, [])) for s in statuses},
        "portal": seed.portal,
    }


def _issue(data: Mapping[str, Any], issue_id: str, t_ms: int) -> Issue:
    return {
        "id": issue_id,
        "project": data["project"],
        "type": data["type"],
        "summary": data["summary"],
        "description": data.get("description", ""),
        "status": data["status"],
        "priority": data.get("priority", "Medium"),
        "assignee": data.get("assignee"),
        "reporter": data["reporter"],
        "labels": sorted(set(data.get("labels", []))),
        "links": [],
        "comments": [],
        "history": [],
        "resolution": None,
        "created_ms": t_ms,
        "updated_ms": t_ms,
    }


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The tracker described by ``seed_data`` (or the default one); ValueError for a
    duplicate id, an unknown project, type, status or person."""
    seed = TicketsSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    tickets: TicketsState = {
        "me": seed.me.lower(),
        "people": {p.login.lower(): p.name for p in seed.people},
        "projects": {},
        "issues": {},
    }
    for project in seed.projects:
        if project.key in tickets["projects"]:
            raise ValueError(f"tickets seed: duplicate project {project.key!r}")
        tickets["projects"][project.key] = _project(project, f"tickets seed: {project.key}")
    comments = 0
    for item in seed.issues:
        where = f"tickets seed: issue {item.id or item.summary!r}"
        home = tickets["projects"].get(item.project)
        if home is None:
            raise ValueError(f"{where}: unknown project {item.project!r}")
        iid = item.id or next_issue_id(tickets, item.project)
        if iid in tickets["issues"] or issue_key(iid)[0] != item.project:
            raise ValueError(f"{where}: id {iid!r} is taken or not in project {item.project}")
        status = item.status or home["initial"]
        if status not in home["statuses"] or item.type not in home["types"]:
            raise ValueError(f"{where}: unknown status {status!r} or type {item.type!r}")
        people = [item.reporter, *([item.assignee] if item.assignee else [])]
        for login in people:
            if login.lower() not in tickets["people"]:
                raise ValueError(f"{where}: unknown person {login!r}")
        data = item.model_dump() | {"status": status}
        data["reporter"] = item.reporter.lower()
        data["assignee"] = item.assignee.lower() if item.assignee else None
        issue = _issue(data, iid, item.created_ms)
        issue["links"] = [
            {"kind": link_kind(link.target), "target": link.target, "relation": link.relation}
            for link in item.links
        ]
        for c in item.comments:
            comments += 1
            issue["comments"].append(
                {
                    "id": f"TC-{comments:04d}",
                    "author": c.author.lower(),
                    "body": c.body,
                    "t_ms": c.t_ms,
                }
            )
        tickets["issues"][iid] = issue
    return dict(tickets)


def _change(issue: Issue, event: Event, field: str, before: Any, after: Any) -> None:
    issue["history"].append(
        {"t_ms": event.t_ms, "actor": event.actor, "field": field, "before": before, "after": after}
    )
    issue["updated_ms"] = event.t_ms


def _created(state: State, event: Event) -> None:
    tickets: TicketsState = state["tickets"]
    data = event.data
    if data["project"] not in tickets["projects"]:
        return  # a drifted issue for a project that is not there
    iid = data.get("ticket") or next_issue_id(tickets, data["project"])
    issue = _issue(data, iid, event.t_ms)
    tickets["issues"][iid] = issue
    _change(issue, event, "created", None, data["status"])


def _updated(state: State, event: Event) -> None:
    tickets: TicketsState = state["tickets"]
    issue = tickets["issues"][event.data["ticket"]]
    record: dict[str, Any] = issue  # type: ignore[assignment]
    for field, (before, after) in sorted(event.data["changes"].items()):
        record[field] = after
        _change(issue, event, field, before, after)


def _transitioned(state: State, event: Event) -> None:
    tickets: TicketsState = state["tickets"]
    data = event.data
    issue = tickets["issues"][data["ticket"]]
    issue["status"] = data["to"]
    issue["resolution"] = data.get("resolution")
    _change(issue, event, "status", data["from"], data["to"])
    if data.get("comment"):
        _comment(tickets, issue, event, str(data["comment"]))


def _comment(tickets: TicketsState, issue: Issue, event: Event, body: str) -> None:
    total = sum(len(i["comments"]) for i in tickets["issues"].values())
    author = str(event.data.get("author") or tickets["me"])
    issue["comments"].append(
        {"id": f"TC-{total + 1:04d}", "author": author, "body": body, "t_ms": event.t_ms}
    )
    issue["updated_ms"] = event.t_ms


def _commented(state: State, event: Event) -> None:
    tickets: TicketsState = state["tickets"]
    _comment(tickets, tickets["issues"][event.data["ticket"]], event, str(event.data["body"]))


def _linked(state: State, event: Event) -> None:
    tickets: TicketsState = state["tickets"]
    data = event.data
    issue = tickets["issues"][data["ticket"]]
    link: Link = {"kind": data["kind"], "target": data["target"], "relation": data["relation"]}
    issue["links"].append(link)
    _change(issue, event, "link", None, f"{data['relation']} {data['target']}")


REDUCERS: dict[str, Reducer] = {
    ISSUE_CREATED: _created,
    ISSUE_UPDATED: _updated,
    ISSUE_TRANSITIONED: _transitioned,
    COMMENT_ADDED: _commented,
    LINK_ADDED: _linked,
}


def _outward(state: Mapping[str, Any], event: Event) -> Outward | None:
    tickets = state.get("tickets")
    if tickets is None or event.actor != "agent":
        return None
    data = event.data
    issue = find_issue(tickets, str(data.get("ticket", "")))
    if issue is None:
        return None
    if event.kind == ISSUE_CREATED:
        text = f"{issue['summary']}\n{issue['description']}"
    elif event.kind == COMMENT_ADDED:
        text = str(data["body"])
    elif event.kind == ISSUE_TRANSITIONED:
        text = f"{data['from']} -> {data['to']}" + (
            f": {data['comment']}" if data.get("comment") else ""
        )
    elif event.kind == LINK_ADDED:
        text = f"{data['relation']} {data['target']}"
    else:
        text = "; ".join(f"{f}: {after}" for f, (_, after) in sorted(data["changes"].items()))
    public = bool(tickets["projects"][issue["project"]]["portal"])
    return Outward(
        "tickets", f"ticket {issue['id']}", text, (f"tickets:{issue['id']}",), public=public
    )


# What the agent's tracker changes show others (vei.core.twin.Outward): each reaches the
# issue, as target ``tickets:<id>``; on a customer portal project it is public.
OUTWARD = {kind: _outward for kind in REDUCERS}
