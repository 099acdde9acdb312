"""Issue tracker tools the agent calls (a Jira-like tracker).

Issues are named by id (``IT-12``), projects by key (``IT``), people by login. Each
project's workflow decides which status moves are allowed; a refused move names the
allowed ones. Reads need ``tickets:read``, changes ``tickets:write``. Lists are in id
order (project key, then number). Error codes are in ``ERROR_CODES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.tickets.seed import PRIORITIES, Priority
from vei.twins.tickets.state import (
    COMMENT_ADDED,
    ISSUE_CREATED,
    ISSUE_TRANSITIONED,
    ISSUE_UPDATED,
    LINK_ADDED,
    Issue,
    category,
    find_issue,
    issue_key,
    link_kind,
    next_issue_id,
)

ERROR_CODES: dict[str, str] = {
    "tickets.ticket_not_found": "No issue with that id; tickets_search finds issues.",
    "tickets.project_not_found": "No project with that key; the message lists the projects.",
    "tickets.invalid_type": "The project has no such issue type; the message lists its types.",
    "tickets.invalid_status": "The project's workflow has no such status; the message lists its statuses.",
    "tickets.invalid_transition": "The workflow does not allow that move from the issue's status; the message names the allowed ones.",
    "tickets.unknown_person": "No person with that login in the tracker (assignees and links must be known people).",
    "tickets.link_target_not_found": "The document or issue to link does not exist.",
    "tickets.link_exists": "The issue already has that link; nothing changed.",
    "tickets.invalid_argument": "An empty text or change, a label that is not a word, or a link to the issue itself.",
}

_TICKET = Field(min_length=1, max_length=24, description="Issue id, e.g. IT-12.")
_LABEL = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_WORD = re.compile(r"[a-z0-9]+")


class SearchArgs(ToolArgs):
    query: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear in the summary, description or comments.",
    )
    project: str | None = Field(default=None, max_length=10, description="Only this project (key).")
    status: str | None = Field(default=None, max_length=40, description="Only this status.")
    assignee: str | None = Field(
        default=None,
        max_length=120,
        description="Only issues assigned to this login (none: unassigned).",
    )
    reporter: str | None = Field(
        default=None, max_length=120, description="Only issues this login reported."
    )
    label: str | None = Field(
        default=None, max_length=32, description="Only issues with this label."
    )
    type: str | None = Field(default=None, max_length=40, description="Only this issue type.")
    open_only: bool = Field(default=False, description="Only issues not in a done status.")
    limit: int = Field(default=50, ge=1, le=200, description="At most this many rows.")


class TicketArgs(ToolArgs):
    ticket: str = _TICKET


class ProjectArgs(ToolArgs):
    project: str = Field(min_length=1, max_length=10, description="Project key, e.g. IT.")


class CreateArgs(ToolArgs):
    project: str = Field(min_length=1, max_length=10, description="Project key, e.g. IT.")
    type: str = Field(default="Task", max_length=40, description="An issue type of the project.")
    summary: str = Field(min_length=1, max_length=200, description="One line.")
    description: str = Field(default="", max_length=10_000, description="Details.")
    priority: Priority = Field(
        default="Medium", max_length=7, description="Highest, High, Medium, Low or Lowest."
    )
    assignee: str | None = Field(default=None, max_length=120, description="Login of the assignee.")
    labels: list[str] = Field(default_factory=list, max_length=10, description="Labels (words).")


class UpdateArgs(ToolArgs):
    ticket: str = _TICKET
    summary: str | None = Field(default=None, max_length=200, description="New summary.")
    description: str | None = Field(default=None, max_length=10_000, description="New description.")
    priority: Priority | None = Field(default=None, max_length=7, description="New priority.")
    assignee: str | None = Field(
        default=None, max_length=120, description='New assignee login ("none" unassigns).'
    )
    labels: list[str] | None = Field(default=None, max_length=10, description="New labels.")


class TransitionArgs(ToolArgs):
    ticket: str = _TICKET
    status: str = Field(min_length=1, max_length=40, description="The status to move to.")
    comment: str = Field(
        default="", max_length=5_000, description="A comment to add with the move."
    )
    resolution: str = Field(
        default="",
        max_length=80,
        description="Why it is done (Done, Duplicate, ...), for a done status.",
    )


class CommentArgs(ToolArgs):
    ticket: str = _TICKET
    body: str = Field(min_length=1, max_length=5_000, description="The comment.")


class LinkArgs(ToolArgs):
    ticket: str = _TICKET
    target: str = Field(
        min_length=1,
        max_length=500,
        description="A document (DOC-3), another issue (IT-4), a person's login or a URL.",
    )
    relation: Literal[
        "relates to", "blocks", "is blocked by", "duplicates", "documents", "mentions"
    ] = Field(default="relates to", max_length=13, description="How they are related.")


def issue_of(state: Mapping[str, Any], ref: str) -> Issue:
    """The issue ``ref`` names; ``tickets.ticket_not_found`` otherwise."""
    issue = find_issue(state["tickets"], ref)
    if issue is None:
        raise VeiError(
            "tickets.ticket_not_found",
            f"no issue {ref!r} (ids look like IT-12; tickets_search finds issues)",
        )
    return issue


def _project(state: Mapping[str, Any], key: str) -> dict[str, Any]:
    projects = state["tickets"]["projects"]
    found = projects.get(key.strip().upper())
    if found is None:
        raise VeiError(
            "tickets.project_not_found",
            f"no project {key!r} (projects: {', '.join(sorted(projects))})",
        )
    return dict(found)


def _person(state: Mapping[str, Any], login: str) -> str:
    found = login.strip().lower()
    if found not in state["tickets"]["people"]:
        raise VeiError(
            "tickets.unknown_person",
            f"no person {login!r} in the tracker (logins look like ann@company.example)",
        )
    return found


def _labels(labels: list[str]) -> list[str]:
    cleaned = sorted({label.strip().lower() for label in labels})
    bad = [label for label in cleaned if not _LABEL.match(label)]
    if bad:
        raise invalid(
            "tickets", f"labels must be words (a-z, 0-9, _ -): {', '.join(map(repr, bad))}"
        )
    return cleaned


def _row(issue: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": issue["id"],
        "project": issue["project"],
        "type": issue["type"],
        "summary": issue["summary"],
        "status": issue["status"],
        "priority": issue["priority"],
        "assignee": issue["assignee"],
        "reporter": issue["reporter"],
        "labels": list(issue["labels"]),
        "updated_ms": issue["updated_ms"],
    }


def _status(project: Mapping[str, Any], name: str) -> str:
    for status in project["statuses"]:
        if status.lower() == name.strip().lower():
            return str(status)
    raise VeiError(
        "tickets.invalid_status",
        f"project {project['key']} has no status {name!r} (statuses: {', '.join(project['statuses'])})",
    )


def search(state: State, args: SearchArgs, ctx: CallContext) -> dict[str, Any]:
    """Issues matching every filter, in id order."""
    tickets = state["tickets"]
    words = [] if args.query is None else _WORD.findall(args.query.lower())
    if args.query is not None and not words:
        raise invalid("tickets", "the query has no words")
    project = None if args.project is None else _project(state, args.project)["key"]
    assignee = None if args.assignee is None else args.assignee.strip().lower()
    reporter = None if args.reporter is None else args.reporter.strip().lower()
    label = None if args.label is None else args.label.strip().lower()
    found = []
    for iid in sorted(tickets["issues"], key=issue_key):
        issue = tickets["issues"][iid]
        if project is not None and issue["project"] != project:
            continue
        if args.status is not None and issue["status"].lower() != args.status.strip().lower():
            continue
        if assignee is not None and (issue["assignee"] or "none") != assignee:
            continue
        if reporter is not None and issue["reporter"] != reporter:
            continue
        if label is not None and label not in issue["labels"]:
            continue
        if args.type is not None and issue["type"].lower() != args.type.strip().lower():
            continue
        if args.open_only and category(tickets, issue) == "done":
            continue
        text = " ".join(
            [issue["summary"], issue["description"], *(c["body"] for c in issue["comments"])]
        )
        have = set(_WORD.findall(text.lower()))
        if all(w in have for w in words):
            found.append(_row(issue))
    return {"issues": found[: args.limit], "total": len(found)}


def get(state: State, args: TicketArgs, ctx: CallContext) -> dict[str, Any]:
    """One issue in full, with the moves its workflow allows now."""
    tickets = state["tickets"]
    issue = issue_of(state, args.ticket)
    project = tickets["projects"][issue["project"]]
    return _row(issue) | {
        "description": issue["description"],
        "category": category(tickets, issue),
        "resolution": issue["resolution"],
        "links": [dict(link) for link in issue["links"]],
        "comments": [dict(c) for c in issue["comments"]],
        "history": [dict(h) for h in issue["history"]],
        "created_ms": issue["created_ms"],
        "allowed_transitions": list(project["transitions"][issue["status"]]),
    }


def list_projects(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Every project with its types, statuses and issue count, by key."""
    tickets = state["tickets"]
    counts: dict[str, int] = {}
    for issue in tickets["issues"].values():
        counts[issue["project"]] = counts.get(issue["project"], 0) + 1
    return {
        "projects": [
            {
                "key": p["key"],
                "name": p["name"],
                "description": p["description"],
                "types": list(p["types"]),
                "statuses": list(p["statuses"]),
                "issues": counts.get(p["key"], 0),
            }
            for p in sorted(tickets["projects"].values(), key=lambda p: p["key"])
        ]
    }


def get_project(state: State, args: ProjectArgs, ctx: CallContext) -> dict[str, Any]:
    """One project's workflow."""
    project = _project(state, args.project)
    return {
        "key": project["key"],
        "name": project["name"],
        "description": project["description"],
        "types": list(project["types"]),
        "statuses": [{"name": n, "category": c} for n, c in project["statuses"].items()],
        "initial": project["initial"],
        "transitions": {s: list(t) for s, t in project["transitions"].items()},
        "portal": project["portal"],
    }


def create(state: State, args: CreateArgs, ctx: CallContext) -> dict[str, Any]:
    """A new issue reported by the agent, in the workflow's initial status."""
    tickets = state["tickets"]
    project = _project(state, args.project)
    kind = next((t for t in project["types"] if t.lower() == args.type.strip().lower()), None)
    if kind is None:
        raise VeiError(
            "tickets.invalid_type",
            f"project {project['key']} has no type {args.type!r} (types: {', '.join(project['types'])})",
        )
    if not args.summary.strip():
        raise invalid("tickets", "the summary is blank")
    iid = next_issue_id(tickets, project["key"])
    data = {
        "ticket": iid,
        "project": project["key"],
        "type": kind,
        "summary": args.summary.strip(),
        "description": args.description,
        "priority": args.priority,
        "assignee": None if args.assignee is None else _person(state, args.assignee),
        "reporter": tickets["me"],
        "labels": _labels(args.labels),
        "status": project["initial"],
    }
    ctx.emit(ISSUE_CREATED, data)
    return {"id": iid, "status": project["initial"]}


def update(state: State, args: UpdateArgs, ctx: CallContext) -> dict[str, Any]:
    """Change an issue's fields; the changes go to its history."""
    issue = issue_of(state, args.ticket)
    wanted: dict[str, Any] = {}
    if args.summary is not None:
        if not args.summary.strip():
            raise invalid("tickets", "the summary is blank")
        wanted["summary"] = args.summary.strip()
    if args.description is not None:
        wanted["description"] = args.description
    if args.priority is not None:
        wanted["priority"] = args.priority
    if args.assignee is not None:
        none = args.assignee.strip().lower() in ("", "none")
        wanted["assignee"] = None if none else _person(state, args.assignee)
    if args.labels is not None:
        wanted["labels"] = _labels(args.labels)
    record: Mapping[str, Any] = issue
    changes = {f: [record[f], v] for f, v in wanted.items() if record[f] != v}
    if not changes:
        raise invalid(
            "tickets", f"nothing to change on {issue['id']}: give a field with a new value"
        )
    ctx.emit(ISSUE_UPDATED, {"ticket": issue["id"], "changes": changes})
    return {"id": issue["id"], "changed": sorted(changes)}


def transition(state: State, args: TransitionArgs, ctx: CallContext) -> dict[str, Any]:
    """Move an issue to another status, if its workflow allows the move."""
    tickets = state["tickets"]
    issue = issue_of(state, args.ticket)
    project = tickets["projects"][issue["project"]]
    target = _status(project, args.status)
    allowed = project["transitions"][issue["status"]]
    if target not in allowed:
        raise VeiError(
            "tickets.invalid_transition",
            f"{issue['id']} is {issue['status']}: it can move to {', '.join(allowed) or 'nothing'}, not {target}",
        )
    done = project["statuses"][target] == "done"
    resolution = (args.resolution.strip() or target) if done else None
    ctx.emit(
        ISSUE_TRANSITIONED,
        {
            "ticket": issue["id"],
            "from": issue["status"],
            "to": target,
            "resolution": resolution,
            "comment": args.comment.strip(),
            "author": tickets["me"],
        },
    )
    return {"id": issue["id"], "from": issue["status"], "status": target, "resolution": resolution}


def comment(state: State, args: CommentArgs, ctx: CallContext) -> dict[str, Any]:
    """A comment on an issue, by the agent."""
    tickets = state["tickets"]
    issue = issue_of(state, args.ticket)
    if not args.body.strip():
        raise invalid("tickets", "the comment is blank")
    ctx.emit(COMMENT_ADDED, {"ticket": issue["id"], "author": tickets["me"], "body": args.body})
    total = sum(len(i["comments"]) for i in tickets["issues"].values())
    return {"id": issue["id"], "comment_id": f"TC-{total + 1:04d}"}


def link(state: State, args: LinkArgs, ctx: CallContext) -> dict[str, Any]:
    """Link an issue to a document, another issue, a person or a URL."""
    issue = issue_of(state, args.ticket)
    raw = args.target.strip()
    kind = link_kind(raw)
    if kind == "doc":
        target = raw.upper()
        docs = state.get("docs")
        if docs is not None and target not in docs["docs"]:
            raise VeiError("tickets.link_target_not_found", f"no document {target}")
    elif kind == "ticket":
        target = raw.upper()
        if target == issue["id"]:
            raise invalid("tickets", "an issue cannot link to itself")
        if find_issue(state["tickets"], target) is None:
            raise VeiError(
                "tickets.link_target_not_found",
                f"no issue {raw!r} (or give DOC-3, a login or a URL)",
            )
    elif kind == "person":
        target = _person(state, raw)
    else:
        target = raw
    if any(lk["target"] == target and lk["relation"] == args.relation for lk in issue["links"]):
        raise VeiError("tickets.link_exists", f"{issue['id']} already {args.relation} {target}")
    data = {"ticket": issue["id"], "kind": kind, "target": target, "relation": args.relation}
    ctx.emit(LINK_ADDED, data)
    return {"id": issue["id"], "link": {"kind": kind, "target": target, "relation": args.relation}}


_ROW = "id, project, type, summary, status, priority, assignee, reporter, labels, updated_ms"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "tickets_list_projects",
        "List the tracker's projects by key with their issue types, statuses and issue count. "
        "Returns {projects: [{key, name, description, types, statuses, issues}]}.",
        NoArgs,
        list_projects,
        latency_ms=200,
        keywords=("jira", "boards", "workflow"),
    ),
    tool(
        "tickets_get_project",
        "Get one project's workflow: its statuses with their category (todo, in_progress, done), the initial status and "
        "which moves each status allows. Returns {key, name, description, types, statuses: [{name, category}], initial, "
        "transitions, portal}.",
        ProjectArgs,
        get_project,
        latency_ms=200,
        keywords=("workflow", "statuses", "transitions", "jira"),
    ),
    tool(
        "tickets_search",
        "Search and list issues in id order: every query word in the summary, description or comments, and any of the "
        "filters (project, status, assignee, reporter, label, type, open only). "
        f"Returns {{issues: [{{{_ROW}}}], total}}.",
        SearchArgs,
        search,
        latency_ms=300,
        keywords=("jira", "find", "issues", "tickets", "assigned", "open", "list", "filter"),
    ),
    tool(
        "tickets_get",
        "Get one issue in full: description, links, comments, history and the status moves its workflow allows now. "
        f"Returns {{{_ROW}, description, category, resolution, links: [{{kind, target, relation}}], "
        "comments: [{id, author, body, t_ms}], history: [{t_ms, actor, field, before, after}], created_ms, "
        "allowed_transitions}.",
        TicketArgs,
        get,
        latency_ms=250,
        keywords=("issue", "details", "jira", "history", "ticket"),
    ),
    tool(
        "tickets_create",
        "Create an issue in a project, reported by the agent, in the workflow's initial status. Returns {id, status}.",
        CreateArgs,
        create,
        effect="write",
        latency_ms=500,
        keywords=("new", "open", "file", "raise", "jira", "report", "issue"),
    ),
    tool(
        "tickets_update",
        "Change an issue's summary, description, priority, assignee or labels (each change goes to its history). "
        "Returns {id, changed} (the fields changed).",
        UpdateArgs,
        update,
        effect="write",
        latency_ms=400,
        keywords=("edit", "assign", "reassign", "priority", "labels", "change"),
    ),
    tool(
        "tickets_transition",
        "Move an issue to another status its workflow allows from the current one (refused naming the allowed ones), "
        "optionally with a comment; a done status records a resolution. Returns {id, from, status, resolution}.",
        TransitionArgs,
        transition,
        effect="write",
        latency_ms=400,
        keywords=("status", "close", "resolve", "done", "reopen", "move", "progress"),
    ),
    tool(
        "tickets_comment",
        "Comment on an issue. Returns {id, comment_id}.",
        CommentArgs,
        comment,
        effect="write",
        latency_ms=400,
        keywords=("reply", "note", "update", "discuss"),
    ),
    tool(
        "tickets_link",
        "Link an issue to a document (DOC-3), another issue (IT-4), a person (login) or a URL, with a relation. "
        "Returns {id, link: {kind, target, relation}}.",
        LinkArgs,
        link,
        effect="write",
        latency_ms=400,
        keywords=("relate", "attach", "document", "blocks", "duplicate", "connect"),
    ),
)

__all__ = ["ERROR_CODES", "PRIORITIES", "TOOLS", "issue_of"]
