"""Service desk tools the agent calls (a ServiceNow-like console).

Records are named by id (``INC-0042``, ``REQ-0012``; any case, ``inc-42`` too). The agent
works as the seed's ``me``: it may approve or reject only a request stage that names it as
approver. Lists are in id order. Error codes are in ``ERROR_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.servicedesk.state import (
    COMMENT_ADDED,
    INCIDENT_ACKNOWLEDGED,
    INCIDENT_CREATED,
    INCIDENT_MOVES,
    INCIDENT_RESOLVED,
    INCIDENT_STATES,
    INCIDENT_UPDATED,
    LINK_ADDED,
    OPEN_STATES,
    RECORD_CLOSED,
    REQUEST_CLOSE_CODES,
    RESOLUTION_CODES,
    SLA_DUE,
    STAGE_APPROVED,
    STAGE_REJECTED,
    incident_id,
    next_number,
    record_of,
    sla_targets,
)

ERROR_CODES: dict[str, str] = {
    "servicedesk.record_not_found": "No incident or request with that id (INC-0042, REQ-0012); the list tools give ids.",
    "servicedesk.person_not_found": "The login names nobody the desk knows; the message lists who it knows.",
    "servicedesk.invalid_state": "The record's state does not allow that change; the message names the state and what it allows.",
    "servicedesk.not_approver": "The stage names another approver: you may approve or reject only stages that name you.",
    "servicedesk.stage_not_open": "That stage is not the one waiting for a decision (already decided, or waiting for an earlier stage).",
    "servicedesk.invalid_code": "Not a resolution or close code; the message lists the codes.",
    "servicedesk.invalid_argument": "Text that is only whitespace, an unknown link kind or a link reference of the wrong shape, or an update that changes nothing.",
}

_RECORD = Field(min_length=1, max_length=20, description="Record id: INC-0042 or REQ-0012.")
_INCIDENT = Field(min_length=1, max_length=20, description="Incident id, e.g. INC-0042.")
_REQUEST = Field(min_length=1, max_length=20, description="Request id, e.g. REQ-0012.")
_LIMIT = Field(default=50, ge=1, le=200, description="At most this many rows.")
LINK_KINDS = ("doc", "ticket", "incident", "request", "url")
_REF_PATTERNS = {"incident": "INC-", "request": "REQ-"}


class ListIncidentsArgs(ToolArgs):
    state: str | None = Field(
        default=None,
        description="Only this state (New, In Progress, ...); 'open' for any open one.",
    )
    priority: int | None = Field(
        default=None, ge=1, le=4, description="Only this priority (1 = critical)."
    )
    mine: bool = Field(default=False, description="Only incidents assigned to you.")
    limit: int = _LIMIT


class IncidentArgs(ToolArgs):
    incident: str = _INCIDENT


class CreateIncidentArgs(ToolArgs):
    short_description: str = Field(min_length=1, max_length=200, description="One-line summary.")
    description: str = Field(default="", max_length=5000, description="Details.")
    caller: str = Field(min_length=3, max_length=120, description="Login of whoever reported it.")
    priority: int = Field(ge=1, le=4, description="1 = critical, 2 = high, 3 = moderate, 4 = low.")
    service: str = Field(default="", max_length=120, description="Affected service.")


class UpdateIncidentArgs(ToolArgs):
    incident: str = _INCIDENT
    state: str | None = Field(
        default=None, description="New state: In Progress, On Hold or Canceled."
    )
    priority: int | None = Field(
        default=None, ge=1, le=4, description="New priority (SLA targets follow it)."
    )
    assignee: str | None = Field(default=None, max_length=120, description="Login to assign it to.")


class ResolveArgs(ToolArgs):
    incident: str = _INCIDENT
    code: str = Field(
        min_length=1, max_length=60, description="Resolution code, e.g. 'Solved (Permanently)'."
    )
    notes: str = Field(min_length=1, max_length=5000, description="What fixed it.")


class CloseArgs(ToolArgs):
    record: str = _RECORD
    code: str = Field(
        default="Closed Complete",
        max_length=60,
        description="For a request: Closed Complete (fulfilled) or Closed Incomplete. Ignored for incidents.",
    )
    notes: str = Field(default="", max_length=5000, description="Closing notes.")


class CommentArgs(ToolArgs):
    record: str = _RECORD
    text: str = Field(min_length=1, max_length=5000, description="The comment.")
    work_note: bool = Field(
        default=False,
        description="A work note (only IT sees it) instead of a comment the caller or requester sees.",
    )


class LinkArgs(ToolArgs):
    record: str = _RECORD
    kind: str = Field(
        max_length=10, description="What it links: doc, ticket, incident, request or url."
    )
    ref: str = Field(
        min_length=1, max_length=300, description="Its id (DOC-3, IT-12, INC-0042) or URL."
    )


class ListRequestsArgs(ToolArgs):
    state: str | None = Field(
        default=None, description="Only this state (Pending Approval, Approved, ...)."
    )
    awaiting_me: bool = Field(
        default=False, description="Only requests with a stage waiting for your decision."
    )
    limit: int = _LIMIT


class RequestArgs(ToolArgs):
    request: str = _REQUEST


class DecideArgs(ToolArgs):
    request: str = _REQUEST
    comment: str = Field(default="", max_length=2000, description="Why (kept on the stage).")
    stage: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="Stage number; default: the one waiting for a decision.",
    )


class RejectArgs(DecideArgs):
    comment: str = Field(
        min_length=1, max_length=2000, description="Why it is rejected (required)."
    )


def _record(state: Mapping[str, Any], ref: str, want: str | None = None) -> dict[str, Any]:
    found = record_of(state["servicedesk"], ref)
    if found is None or (want is not None and found[0] != want):
        what = {"incidents": "incident", "requests": "request"}.get(
            want or "", "incident or request"
        )
        raise VeiError("servicedesk.record_not_found", f"no {what} {ref!r}")
    return found[1]


def _person(state: Mapping[str, Any], login: str) -> str:
    people = state["servicedesk"]["people"]
    key = login.strip().lower()
    if key not in people:
        raise VeiError(
            "servicedesk.person_not_found",
            f"nobody with login {login!r} (known: {', '.join(sorted(people))})",
        )
    return key


def _text(value: str) -> str:
    if not value.strip():
        raise invalid("servicedesk", "text must not be only whitespace")
    return value


def _sla_view(inc: Mapping[str, Any], now_ms: int) -> dict[str, Any]:
    view = {}
    for name, timer in inc["sla"].items():
        if timer["met_ms"] is not None:
            status = "met" if timer["breached_ms"] is None else "met late"
        else:
            status = "breached" if timer["breached_ms"] is not None else "running"
        view[name] = {
            "due_ms": timer["due_ms"],
            "status": status,
            "remaining_ms": max(0, timer["due_ms"] - now_ms) if status == "running" else 0,
        }
    return view


def _incident_row(inc: Mapping[str, Any], now_ms: int) -> dict[str, Any]:
    return {
        "id": inc["id"],
        "short_description": inc["short_description"],
        "priority": inc["priority"],
        "state": inc["state"],
        "assignee": inc["assignee"],
        "sla": _sla_view(inc, now_ms),
    }


def list_incidents(state: State, args: ListIncidentsArgs, ctx: CallContext) -> dict[str, Any]:
    """Incidents matching the filters, in id order."""
    desk = state["servicedesk"]
    wanted: tuple[str, ...] | None = None
    if args.state is not None:
        wanted = (
            OPEN_STATES if args.state.strip().lower() == "open" else _incident_state(args.state)
        )
    found = [
        _incident_row(inc, ctx.now_ms)
        for _, inc in sorted(desk["incidents"].items())
        if (wanted is None or inc["state"] in wanted)
        and (args.priority is None or inc["priority"] == args.priority)
        and (not args.mine or inc["assignee"] == desk["me"])
    ]
    return {"incidents": found[: args.limit], "total": len(found)}


def _incident_state(name: str) -> tuple[str, ...]:
    match = [s for s in INCIDENT_STATES if s.lower() == name.strip().lower()]
    if not match:
        raise invalid(
            "servicedesk",
            f"no incident state {name!r} (states: {', '.join(INCIDENT_STATES)}, or open)",
        )
    return (match[0],)


def get_incident(state: State, args: IncidentArgs, ctx: CallContext) -> dict[str, Any]:
    """One incident with its comments, links and SLA timers."""
    inc = _record(state, args.incident, "incidents")
    keys = (
        "description",
        "caller",
        "assignment_group",
        "service",
        "opened_ms",
        "acknowledged_ms",
        "resolved_ms",
        "resolution_code",
        "resolution_notes",
    )
    return (
        _incident_row(inc, ctx.now_ms)
        | {k: inc[k] for k in keys}
        | {
            "comments": [dict(c) for c in inc["comments"]],
            "links": [dict(link) for link in inc["links"]],
            "allowed_states": list(INCIDENT_MOVES[inc["state"]]),
        }
    )


def _schedule_sla(
    ctx: CallContext,
    desk: Mapping[str, Any],
    inc_id: str,
    opened_ms: int,
    priority: int,
    only: tuple[str, ...] = ("response", "resolution"),
) -> None:
    targets = sla_targets(desk, priority)
    for name in only:
        due = opened_ms + targets[f"{name}_ms"]
        data = {"incident": inc_id, "timer": name, "due_ms": due}
        ctx.schedule(max(0, due - ctx.now_ms), SLA_DUE, data, actor="servicedesk")


def create_incident(state: State, args: CreateIncidentArgs, ctx: CallContext) -> dict[str, Any]:
    """Open a New incident; its SLA timers start now."""
    desk = state["servicedesk"]
    number = next_number(desk, "incidents")
    data = {
        "number": number,
        "short_description": _text(args.short_description),
        "description": args.description,
        "caller": _person(state, args.caller),
        "priority": args.priority,
        "service": args.service,
    }
    ctx.emit(INCIDENT_CREATED, data)
    _schedule_sla(ctx, desk, incident_id(number), ctx.now_ms, args.priority)
    return {"id": incident_id(number), "state": "New", "priority": args.priority}


def _open(inc: Mapping[str, Any], action: str, allowed: tuple[str, ...]) -> None:
    if inc["state"] not in allowed:
        raise VeiError(
            "servicedesk.invalid_state",
            f"{inc['id']} is {inc['state']}: {action} needs {' or '.join(allowed)}; "
            f"it can move to: {', '.join(INCIDENT_MOVES[inc['state']]) or 'nothing (final)'}",
        )


def acknowledge(state: State, args: IncidentArgs, ctx: CallContext) -> dict[str, Any]:
    """Take a New incident (In Progress, assigned to you if nobody has it): meets its response SLA."""
    desk = state["servicedesk"]
    inc = _record(state, args.incident, "incidents")
    _open(inc, "acknowledge", ("New",))
    assignee = inc["assignee"] or desk["me"]
    ctx.emit(INCIDENT_ACKNOWLEDGED, {"incident": inc["id"], "assignee": assignee})
    sla = _sla_view(inc, ctx.now_ms)["response"]
    return {
        "id": inc["id"],
        "state": "In Progress",
        "assignee": assignee,
        "response_sla": "met" if sla["status"] == "running" else "met late",
    }


def update_incident(state: State, args: UpdateIncidentArgs, ctx: CallContext) -> dict[str, Any]:
    """Change an incident's state, priority or assignee."""
    desk = state["servicedesk"]
    inc = _record(state, args.incident, "incidents")
    changes: dict[str, Any] = {}
    if args.state is not None:
        (target,) = _incident_state(args.state)
        if target != inc["state"]:
            if target not in INCIDENT_MOVES[inc["state"]]:
                hint = (
                    " (use servicedesk_resolve)"
                    if target == "Resolved"
                    else " (use servicedesk_close)"
                    if target == "Closed"
                    else ""
                )
                allowed = ", ".join(INCIDENT_MOVES[inc["state"]]) or "nothing (final)"
                raise VeiError(
                    "servicedesk.invalid_state",
                    f"{inc['id']} is {inc['state']}: it can move to {allowed}, not {target}{hint}",
                )
            changes["state"] = target
    if inc["state"] in ("Closed", "Canceled") and (
        args.priority is not None or args.assignee is not None
    ):
        raise VeiError(
            "servicedesk.invalid_state", f"{inc['id']} is {inc['state']} and cannot change"
        )
    if args.priority is not None and args.priority != inc["priority"]:
        changes["priority"] = args.priority
    if args.assignee is not None and _person(state, args.assignee) != inc["assignee"]:
        changes["assignee"] = _person(state, args.assignee)
    if not changes:
        raise invalid("servicedesk", f"the update changes nothing on {inc['id']}")
    ctx.emit(INCIDENT_UPDATED, {"incident": inc["id"], "changes": changes})
    if "priority" in changes:
        unmet = tuple(
            n for n, t in inc["sla"].items() if t["met_ms"] is None and t["breached_ms"] is None
        )
        _schedule_sla(ctx, desk, inc["id"], inc["opened_ms"], changes["priority"], unmet)
    return {
        "id": inc["id"],
        "changed": sorted(changes),
        **{k: inc[k] for k in ("state", "priority", "assignee")},
        **changes,
    }


def resolve(state: State, args: ResolveArgs, ctx: CallContext) -> dict[str, Any]:
    """Resolve an open incident with a resolution code: meets its resolution SLA."""
    inc = _record(state, args.incident, "incidents")
    _open(inc, "resolve", OPEN_STATES)
    code = next((c for c in RESOLUTION_CODES if c.lower() == args.code.strip().lower()), None)
    if code is None:
        raise VeiError(
            "servicedesk.invalid_code",
            f"no resolution code {args.code!r} (codes: {'; '.join(RESOLUTION_CODES)})",
        )
    ctx.emit(INCIDENT_RESOLVED, {"incident": inc["id"], "code": code, "notes": _text(args.notes)})
    return {"id": inc["id"], "state": "Resolved", "resolution_code": code}


def close(state: State, args: CloseArgs, ctx: CallContext) -> dict[str, Any]:
    """Close a Resolved incident, or a request (Closed Complete once Approved)."""
    found = record_of(state["servicedesk"], args.record)
    if found is None:
        raise VeiError("servicedesk.record_not_found", f"no incident or request {args.record!r}")
    records, record = found
    if records == "incidents":
        _open(record, "close", ("Resolved",))
        target = "Closed"
    else:
        code = next(
            (c for c in REQUEST_CLOSE_CODES if c.lower() == args.code.strip().lower()), None
        )
        if code is None:
            raise VeiError(
                "servicedesk.invalid_code",
                f"no close code {args.code!r} (codes: {', '.join(REQUEST_CLOSE_CODES)})",
            )
        allowed = ("Approved",) if code == "Closed Complete" else ("Approved", "Pending Approval")
        if record["state"] not in allowed:
            raise VeiError(
                "servicedesk.invalid_state",
                f"{record['id']} is {record['state']}: {code} needs {' or '.join(allowed)}",
            )
        target = code
    ctx.emit(RECORD_CLOSED, {"record": record["id"], "state": target, "notes": args.notes})
    return {"id": record["id"], "state": target}


def comment(state: State, args: CommentArgs, ctx: CallContext) -> dict[str, Any]:
    """Add a comment or work note to an incident or request."""
    record = _record(state, args.record)
    data = {
        "record": record["id"],
        "author": state["servicedesk"]["me"],
        "text": _text(args.text),
        "work_note": args.work_note,
    }
    ctx.emit(COMMENT_ADDED, data)
    return {
        "id": record["id"],
        "comments": len(record["comments"]) + 1,
        "work_note": args.work_note,
    }


def link(state: State, args: LinkArgs, ctx: CallContext) -> dict[str, Any]:
    """Link a doc, ticket, another record or a URL to a record."""
    record = _record(state, args.record)
    ref = args.ref.strip()
    if args.kind not in LINK_KINDS:
        raise invalid("servicedesk", f"no link kind {args.kind!r} (kinds: {', '.join(LINK_KINDS)})")
    if args.kind in _REF_PATTERNS:
        ref = _record(state, ref, args.kind + "s")["id"]
    elif args.kind == "url" and not ref.startswith(("http://", "https://")):
        raise invalid("servicedesk", f"a url link needs http:// or https://, not {args.ref!r}")
    elif args.kind in ("doc", "ticket") and (" " in ref or "-" not in ref):
        raise invalid(
            "servicedesk", f"a {args.kind} link needs its id (DOC-3, IT-12), not {args.ref!r}"
        )
    if any(x["kind"] == args.kind and x["ref"] == ref for x in record["links"]):
        raise invalid("servicedesk", f"{record['id']} already links {args.kind} {ref}")
    ctx.emit(LINK_ADDED, {"record": record["id"], "kind": args.kind, "ref": ref})
    return {"id": record["id"], "links": len(record["links"]) + 1, "kind": args.kind, "ref": ref}


def _request_row(req: Mapping[str, Any]) -> dict[str, Any]:
    current = next((s for s in req["stages"] if s["state"] == "requested"), None)
    return {
        "id": req["id"],
        "item": req["item"],
        "requested_for": req["requested_for"],
        "state": req["state"],
        "current_stage": None
        if current is None
        else {"index": current["index"], "name": current["name"], "approver": current["approver"]},
    }


def list_requests(state: State, args: ListRequestsArgs, ctx: CallContext) -> dict[str, Any]:
    """Requests matching the filters, in id order."""
    desk = state["servicedesk"]
    found = [
        _request_row(req)
        for _, req in sorted(desk["requests"].items())
        if (args.state is None or req["state"].lower() == args.state.strip().lower())
        and (
            not args.awaiting_me
            or any(s["state"] == "requested" and s["approver"] == desk["me"] for s in req["stages"])
        )
    ]
    return {"requests": found[: args.limit], "total": len(found)}


def get_request(state: State, args: RequestArgs, ctx: CallContext) -> dict[str, Any]:
    """One request with its approval stages, comments and links."""
    req = _record(state, args.request, "requests")
    people = state["servicedesk"]["people"]
    stages = [dict(s) | {"approver_name": people[s["approver"]]["name"]} for s in req["stages"]]
    keys = ("requester", "description", "opened_ms", "closed_ms", "close_notes")
    return (
        _request_row(req)
        | {k: req[k] for k in keys}
        | {
            "stages": stages,
            "comments": [dict(c) for c in req["comments"]],
            "links": [dict(x) for x in req["links"]],
        }
    )


def open_stage(
    desk: Mapping[str, Any], req: Mapping[str, Any], index: int | None, who: str
) -> dict[str, Any]:
    """The stage ``who`` may decide now (``index`` or the requested one); typed errors
    ``servicedesk.stage_not_open`` / ``servicedesk.not_approver`` otherwise."""
    if req["state"] != "Pending Approval":
        raise VeiError(
            "servicedesk.stage_not_open",
            f"{req['id']} is {req['state']}: no stage waits for a decision",
        )
    stages = req["stages"]
    if index is not None and not 1 <= index <= len(stages):
        raise VeiError("servicedesk.stage_not_open", f"{req['id']} has stages 1..{len(stages)}")
    stage = (
        next(s for s in stages if s["state"] == "requested") if index is None else stages[index - 1]
    )
    if stage["state"] != "requested":
        current = next(s for s in stages if s["state"] == "requested")
        raise VeiError(
            "servicedesk.stage_not_open",
            f"stage {stage['index']} ({stage['name']}) of {req['id']} is {stage['state']}; stage {current['index']} ({current['name']}) waits for a decision",
        )
    if stage["approver"] != who:
        name = desk["people"][stage["approver"]]["name"]
        raise VeiError(
            "servicedesk.not_approver",
            f"stage {stage['index']} ({stage['name']}) of {req['id']} is for {name} ({stage['approver']}); you ({who}) may decide only stages that name you",
        )
    return dict(stage)


def _decide(state: State, args: DecideArgs, ctx: CallContext, kind: str) -> dict[str, Any]:
    desk = state["servicedesk"]
    req = _record(state, args.request, "requests")
    stage = open_stage(desk, req, args.stage, desk["me"])
    ctx.emit(
        kind,
        {"request": req["id"], "stage": stage["index"], "by": desk["me"], "comment": args.comment},
    )
    verdict = "approved" if kind == STAGE_APPROVED else "rejected"
    last = stage["index"] == len(req["stages"])
    after = "Rejected" if kind == STAGE_REJECTED else "Approved" if last else "Pending Approval"
    return {
        "id": req["id"],
        "stage": stage["index"],
        "stage_name": stage["name"],
        "decision": verdict,
        "state": after,
    }


def approve(state: State, args: DecideArgs, ctx: CallContext) -> dict[str, Any]:
    """Approve the request's stage that names you."""
    return _decide(state, args, ctx, STAGE_APPROVED)


def reject(state: State, args: RejectArgs, ctx: CallContext) -> dict[str, Any]:
    """Reject the request's stage that names you (the request is Rejected)."""
    return _decide(state, args, ctx, STAGE_REJECTED)


_SLA = "sla: {response: {due_ms, status, remaining_ms}, resolution: {...}}"
_INC_ROW = f"{{id, short_description, priority, state, assignee, {_SLA}}}"
_REQ_ROW = "{id, item, requested_for, state, current_stage: {index, name, approver} | null}"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "servicedesk_list_incidents",
        "List incidents in id order, optionally one state (or 'open'), one priority or only yours; each with its SLA timers (running, met, breached). "
        f"Returns {{incidents: [{_INC_ROW}], total}}.",
        ListIncidentsArgs,
        list_incidents,
        latency_ms=300,
        keywords=("incident", "outage", "p1", "sla", "queue", "servicenow"),
    ),
    tool(
        "servicedesk_get_incident",
        "Get one incident by id with its description, caller, comments, links, SLA timers and the states it may move to. "
        "Returns {id, short_description, priority, state, assignee, sla, description, caller, assignment_group, service, opened_ms, acknowledged_ms, resolved_ms, resolution_code, resolution_notes, comments: [{author, text, t_ms, work_note}], links: [{kind, ref, t_ms}], allowed_states}.",
        IncidentArgs,
        get_incident,
        latency_ms=250,
        keywords=("incident", "details", "sla", "outage"),
    ),
    tool(
        "servicedesk_create_incident",
        "Open a New incident for a caller with a priority (1 = critical .. 4 = low); its SLA timers start now. Returns {id, state, priority}.",
        CreateIncidentArgs,
        create_incident,
        effect="write",
        latency_ms=500,
        keywords=("report", "outage", "new", "raise"),
    ),
    tool(
        "servicedesk_acknowledge",
        "Acknowledge a New incident: it moves to In Progress, assigned to you if nobody has it, which meets its response SLA if in time. "
        "Returns {id, state, assignee, response_sla}.",
        IncidentArgs,
        acknowledge,
        effect="write",
        latency_ms=400,
        keywords=("ack", "take", "respond", "sla", "pick"),
    ),
    tool(
        "servicedesk_update_incident",
        "Change an incident's state (In Progress, On Hold, Canceled), priority (its SLA targets follow) or assignee. "
        "Returns {id, changed, state, priority, assignee}.",
        UpdateIncidentArgs,
        update_incident,
        effect="write",
        latency_ms=400,
        keywords=("status", "assign", "priority", "hold", "reopen"),
    ),
    tool(
        "servicedesk_resolve",
        "Resolve an open incident with a resolution code ("
        + "; ".join(RESOLUTION_CODES)
        + ") and notes; meets its resolution SLA if in time. Returns {id, state, resolution_code}.",
        ResolveArgs,
        resolve,
        effect="write",
        latency_ms=500,
        keywords=("fix", "fixed", "done", "solve"),
    ),
    tool(
        "servicedesk_close",
        "Close a Resolved incident, or a request: Closed Complete once it is Approved (fulfilled), or Closed Incomplete. Returns {id, state}.",
        CloseArgs,
        close,
        effect="write",
        latency_ms=400,
        keywords=("finish", "complete", "fulfil", "done"),
    ),
    tool(
        "servicedesk_comment",
        "Add a comment (the caller or requester sees it) or a work note (IT only) to an incident or request. Returns {id, comments, work_note} (comments is the new count).",
        CommentArgs,
        comment,
        effect="write",
        latency_ms=400,
        keywords=("note", "update", "log", "reply"),
    ),
    tool(
        "servicedesk_link",
        "Link a doc (DOC-3), ticket (IT-12), another incident or request, or a URL to an incident or request, e.g. a postmortem. Returns {id, links, kind, ref} (links is the new count).",
        LinkArgs,
        link,
        effect="write",
        latency_ms=300,
        keywords=("attach", "postmortem", "reference", "relate"),
    ),
    tool(
        "servicedesk_list_requests",
        f"List service requests in id order, optionally one state or only those with a stage waiting for your decision. Returns {{requests: [{_REQ_ROW}], total}}.",
        ListRequestsArgs,
        list_requests,
        latency_ms=300,
        keywords=("request", "access", "approval", "catalog", "ritm"),
    ),
    tool(
        "servicedesk_get_request",
        "Get one request by id: catalog item, requester, who it is for, and its approval stages in order with who must decide each. "
        "Returns {id, item, requested_for, state, current_stage, requester, description, opened_ms, closed_ms, close_notes, stages: [{index, name, approver, approver_name, state, decided_ms, decided_by, comment}], comments, links}.",
        RequestArgs,
        get_request,
        latency_ms=250,
        keywords=("request", "approval", "stages", "approver"),
    ),
    tool(
        "servicedesk_approve",
        "Approve the stage of a request that names you as approver (default: the stage waiting for a decision), with a comment; the next stage is then requested. "
        "Returns {id, stage, stage_name, decision, state}.",
        DecideArgs,
        approve,
        effect="write",
        scope="servicedesk:approve",
        latency_ms=400,
        keywords=("approve", "sign", "accept", "grant"),
    ),
    tool(
        "servicedesk_reject",
        "Reject the stage of a request that names you as approver, with a reason; the request is Rejected. Returns {id, stage, stage_name, decision, state}.",
        RejectArgs,
        reject,
        effect="write",
        scope="servicedesk:approve",
        latency_ms=400,
        keywords=("deny", "decline", "refuse"),
    ),
)
