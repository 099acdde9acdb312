"""Service desk state: incidents with SLA timers on the virtual clock, and requests whose
approval stages name who may decide them.

``state["servicedesk"]`` holds ``me`` (the agent's login), ``people`` (login -> person),
``sla`` (priority -> targets), ``incidents`` and ``requests`` (id -> record), and
``notify`` (where notifications go). Each incident has two timers, ``response`` (met when
it is acknowledged) and ``resolution`` (met when it is resolved); a timer is due at
``opened_ms`` plus its priority's target. When it comes due unmet, the twin's reactor
records ``servicedesk.sla_breached`` (a reducer never decides that on its own: the due
check is an ordinary scheduled event, ``servicedesk.sla_due``).

A request's stages are decided in order: the first undecided stage is ``requested``, the
later ones ``waiting``; approving one requests the next, and the request is ``Approved``
once every stage is. Rejecting a stage rejects the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.servicedesk.seed import DEFAULT_SEED, DEFAULT_SLA, ServicedeskSeed

INCIDENT_CREATED = "servicedesk.incident_created"
INCIDENT_ACKNOWLEDGED = "servicedesk.incident_acknowledged"
INCIDENT_UPDATED = "servicedesk.incident_updated"
INCIDENT_RESOLVED = "servicedesk.incident_resolved"
RECORD_CLOSED = "servicedesk.record_closed"
COMMENT_ADDED = "servicedesk.comment_added"
LINK_ADDED = "servicedesk.link_added"
STAGE_APPROVED = "servicedesk.stage_approved"
STAGE_REJECTED = "servicedesk.stage_rejected"
SLA_DUE = "servicedesk.sla_due"
SLA_BREACHED = "servicedesk.sla_breached"

INCIDENT_STATES = ("New", "In Progress", "On Hold", "Resolved", "Closed", "Canceled")
# state -> states an update may move it to (Resolved needs servicedesk_resolve, Closed
# servicedesk_close).
INCIDENT_MOVES: dict[str, tuple[str, ...]] = {
    "New": ("In Progress", "On Hold", "Canceled"),
    "In Progress": ("On Hold", "Canceled"),
    "On Hold": ("In Progress", "Canceled"),
    "Resolved": ("In Progress",),
    "Closed": (),
    "Canceled": (),
}
OPEN_STATES = ("New", "In Progress", "On Hold")
RESOLUTION_CODES = (
    "Solved (Permanently)",
    "Solved (Work Around)",
    "Not Solved (Not Reproducible)",
    "Not Solved (Too Costly)",
    "Duplicate",
)
REQUEST_CLOSE_CODES = ("Closed Complete", "Closed Incomplete")
TIMERS = ("response", "resolution")


def incident_id(number: int) -> str:
    return f"INC-{number:04d}"


def request_id(number: int) -> str:
    return f"REQ-{number:04d}"


def next_number(desk: Mapping[str, Any], records: str) -> int:
    """The number the next incident or request gets."""
    return max((r["number"] for r in desk[records].values()), default=0) + 1


def record_of(desk: Mapping[str, Any], ref: str) -> tuple[str, dict[str, Any]] | None:
    """("incidents" | "requests", record) for ``INC-0042`` / ``req-12`` style ids."""
    key = ref.strip().upper()
    prefix, _, digits = key.partition("-")
    if prefix not in ("INC", "REQ") or not digits.isdigit():
        return None
    records = "incidents" if prefix == "INC" else "requests"
    found = desk[records].get(f"{prefix}-{int(digits):04d}")
    return None if found is None else (records, found)


def sla_targets(desk: Mapping[str, Any], priority: int) -> dict[str, int]:
    targets: dict[str, int] = desk["sla"][str(priority)]
    return targets


def _timers(desk: Mapping[str, Any], priority: int, opened_ms: int) -> dict[str, Any]:
    targets = sla_targets(desk, priority)
    return {
        name: {"due_ms": opened_ms + targets[f"{name}_ms"], "met_ms": None, "breached_ms": None}
        for name in TIMERS
    }


def new_incident(
    desk: Mapping[str, Any], data: Mapping[str, Any], opened_ms: int
) -> dict[str, Any]:
    """The record an ``incident_created`` event (or a seed incident) makes."""
    return {
        "id": incident_id(data["number"]),
        "number": data["number"],
        "short_description": data["short_description"],
        "description": data.get("description", ""),
        "caller": data["caller"],
        "priority": data["priority"],
        "state": data.get("state", "New"),
        "assignee": data.get("assignee"),
        "assignment_group": data.get("assignment_group", "Service Desk"),
        "service": data.get("service", ""),
        "opened_ms": opened_ms,
        "acknowledged_ms": None,
        "resolved_ms": None,
        "closed_ms": None,
        "resolution_code": None,
        "resolution_notes": "",
        "comments": [],
        "links": [],
        "sla": _timers(desk, data["priority"], opened_ms),
    }


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The desk described by ``seed_data`` (or the default one); ValueError for a duplicate
    number, an unknown person or priority."""
    seed = ServicedeskSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    sla = {**DEFAULT_SLA, **{k: v.model_dump() for k, v in seed.sla.items()}}
    if set(sla) != {"1", "2", "3", "4"}:
        raise ValueError(f"servicedesk seed: sla priorities must be 1..4, not {sorted(sla)}")
    desk: dict[str, Any] = {
        "me": seed.me.lower(),
        "people": {},
        "sla": sla,
        "incidents": {},
        "requests": {},
        "notify": seed.notify.model_dump(),
    }
    for known in seed.people:
        desk["people"][known.login.lower()] = known.model_dump() | {"login": known.login.lower()}
    desk["people"].setdefault(desk["me"], {"login": desk["me"], "name": desk["me"], "chat": None})

    def person(ref: str | None, where: str) -> str | None:
        if ref is None:
            return None
        if ref.lower() not in desk["people"]:
            raise ValueError(f"servicedesk seed: {where} names unknown person {ref!r}")
        return ref.lower()

    def comments(items: list[Any], where: str) -> list[dict[str, Any]]:
        return [c.model_dump() | {"author": person(c.author, where)} for c in items]

    for inc in seed.incidents:
        where = f"incident {inc.number}"
        if incident_id(inc.number) in desk["incidents"]:
            raise ValueError(f"servicedesk seed: duplicate {where}")
        data = inc.model_dump() | {
            "caller": person(inc.caller, where),
            "assignee": person(inc.assignee, where),
        }
        record = new_incident(desk, data, inc.opened_ms)
        record["comments"] = comments(inc.comments, where)
        if inc.state != "New":
            record["acknowledged_ms"] = inc.opened_ms
            record["sla"]["response"]["met_ms"] = inc.opened_ms
        for timer in record["sla"].values():
            if timer["met_ms"] is None and timer["due_ms"] <= 0 and inc.state in OPEN_STATES:
                timer["breached_ms"] = timer["due_ms"]
        desk["incidents"][record["id"]] = record
    for req in seed.requests:
        where = f"request {req.number}"
        rid = request_id(req.number)
        if rid in desk["requests"]:
            raise ValueError(f"servicedesk seed: duplicate {where}")
        stages = [
            {
                "index": index + 1,
                "name": stage.name,
                "approver": person(stage.approver, where),
                "state": "requested" if index == 0 else "waiting",
                "decided_ms": None,
                "decided_by": None,
                "comment": "",
            }
            for index, stage in enumerate(req.stages)
        ]
        desk["requests"][rid] = {
            "id": rid,
            "number": req.number,
            "item": req.item,
            "requester": person(req.requester, where),
            "requested_for": person(req.requested_for, where),
            "description": req.description,
            "state": "Pending Approval",
            "opened_ms": req.opened_ms,
            "closed_ms": None,
            "close_notes": "",
            "stages": stages,
            "comments": comments(req.comments, where),
            "links": [],
        }
    return desk


def initial_schedule(seed_data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The SLA checks of the seed's open incidents that fall due during the run."""
    desk = initial_state(seed_data)
    due = []
    for inc in sorted(desk["incidents"].values(), key=lambda i: i["id"]):
        if inc["state"] not in OPEN_STATES:
            continue
        for name, timer in inc["sla"].items():
            if timer["met_ms"] is None and timer["breached_ms"] is None:
                data = {"incident": inc["id"], "timer": name, "due_ms": timer["due_ms"]}
                due.append(
                    {
                        "due_ms": timer["due_ms"],
                        "kind": SLA_DUE,
                        "actor": "servicedesk",
                        "data": data,
                    }
                )
    return due


def sla_breach_due(desk: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether an ``sla_due`` check finds its timer still unmet (and still the current one)."""
    inc = desk["incidents"].get(data["incident"])
    if inc is None or inc["state"] in ("Closed", "Canceled"):
        return False
    timer = inc["sla"][data["timer"]]
    return bool(
        timer["due_ms"] == data["due_ms"]
        and timer["met_ms"] is None
        and timer["breached_ms"] is None
    )


def _desk(state: State) -> dict[str, Any]:
    desk: dict[str, Any] = state["servicedesk"]
    return desk


def _created(state: State, event: Event) -> None:
    desk = _desk(state)
    record = new_incident(desk, event.data, event.t_ms)
    desk["incidents"][record["id"]] = record


def _acknowledge(inc: dict[str, Any], t_ms: int) -> None:
    if inc["acknowledged_ms"] is None:
        inc["acknowledged_ms"] = t_ms
    if inc["sla"]["response"]["met_ms"] is None:
        inc["sla"]["response"]["met_ms"] = t_ms


def _acknowledged(state: State, event: Event) -> None:
    inc = _desk(state)["incidents"][event.data["incident"]]
    inc["state"] = "In Progress"
    inc["assignee"] = event.data["assignee"]
    _acknowledge(inc, event.t_ms)


def _updated(state: State, event: Event) -> None:
    desk = _desk(state)
    inc = desk["incidents"][event.data["incident"]]
    changes = event.data["changes"]
    if "priority" in changes and changes["priority"] != inc["priority"]:
        targets = sla_targets(desk, changes["priority"])
        for name in TIMERS:
            timer = inc["sla"][name]
            if timer["met_ms"] is None and timer["breached_ms"] is None:
                timer["due_ms"] = inc["opened_ms"] + targets[f"{name}_ms"]
    if changes.get("state") == "In Progress" and inc["state"] in ("New", "Resolved"):
        _acknowledge(inc, event.t_ms)
    if changes.get("state") == "In Progress" and inc["state"] == "Resolved":
        inc["resolved_ms"] = None  # reopened
        inc["resolution_code"] = None
    inc.update(changes)


def _resolved(state: State, event: Event) -> None:
    inc = _desk(state)["incidents"][event.data["incident"]]
    inc["state"] = "Resolved"
    inc["resolved_ms"] = event.t_ms
    inc["resolution_code"] = event.data["code"]
    inc["resolution_notes"] = event.data["notes"]
    _acknowledge(inc, event.t_ms)
    if inc["sla"]["resolution"]["met_ms"] is None:
        inc["sla"]["resolution"]["met_ms"] = event.t_ms


def _closed(state: State, event: Event) -> None:
    records, record = record_of(_desk(state), event.data["record"]) or ("", {})
    record["closed_ms"] = event.t_ms
    record["state"] = event.data["state"]
    if records == "requests":
        record["close_notes"] = event.data["notes"]


def _commented(state: State, event: Event) -> None:
    found = record_of(_desk(state), event.data["record"])
    if found is None:  # a drifted update about a record that is not here
        return
    found[1]["comments"].append(
        {
            "author": event.data["author"],
            "text": event.data["text"],
            "t_ms": event.t_ms,
            "work_note": event.data["work_note"],
        }
    )


def _linked(state: State, event: Event) -> None:
    _, record = record_of(_desk(state), event.data["record"]) or ("", {})
    record["links"].append(
        {"kind": event.data["kind"], "ref": event.data["ref"], "t_ms": event.t_ms}
    )


def _decided(verdict: str) -> Reducer:
    def reduce(state: State, event: Event) -> None:
        req = _desk(state)["requests"][event.data["request"]]
        stage = req["stages"][event.data["stage"] - 1]
        if stage["state"] != "requested":  # decided meanwhile (a scheduled decision)
            return
        stage.update(state=verdict, decided_ms=event.t_ms, comment=event.data["comment"])
        stage.update(decided_by=event.data["by"])
        if verdict == "rejected":
            req["state"] = "Rejected"
            for later in req["stages"][stage["index"] :]:
                later["state"] = "skipped"
            return
        waiting = [s for s in req["stages"] if s["state"] == "waiting"]
        if waiting:
            waiting[0]["state"] = "requested"
        else:
            req["state"] = "Approved"

    return reduce


def _sla_due(state: State, event: Event) -> None:
    """Nothing changes when a timer falls due; the reactor decides whether it breached."""


def _breached(state: State, event: Event) -> None:
    inc = _desk(state)["incidents"][event.data["incident"]]
    inc["sla"][event.data["timer"]]["breached_ms"] = event.t_ms


REDUCERS: dict[str, Reducer] = {
    INCIDENT_CREATED: _created,
    INCIDENT_ACKNOWLEDGED: _acknowledged,
    INCIDENT_UPDATED: _updated,
    INCIDENT_RESOLVED: _resolved,
    RECORD_CLOSED: _closed,
    COMMENT_ADDED: _commented,
    LINK_ADDED: _linked,
    STAGE_APPROVED: _decided("approved"),
    STAGE_REJECTED: _decided("rejected"),
    SLA_DUE: _sla_due,
    SLA_BREACHED: _breached,
}


def summary(state: State) -> dict[str, Any]:
    """Open incidents assigned to the agent or nobody, and approvals waiting for the agent."""
    desk = state["servicedesk"]
    me = desk["me"]
    open_incidents = [
        i
        for i in desk["incidents"].values()
        if i["state"] in OPEN_STATES and i["assignee"] in (None, me)
    ]
    waiting = [
        r["id"]
        for r in desk["requests"].values()
        if any(s["state"] == "requested" and s["approver"] == me for s in r["stages"])
    ]
    return {"open_incidents": len(open_incidents), "approvals_waiting": len(waiting)}


def _text(event: Event) -> str:
    data = event.data
    if event.kind == COMMENT_ADDED:
        return str(data["text"])
    if event.kind in (STAGE_APPROVED, STAGE_REJECTED):
        verdict = "approved" if event.kind == STAGE_APPROVED else "rejected"
        return f"stage {data['stage']} {verdict}: {data['comment']}"
    if event.kind == INCIDENT_RESOLVED:
        return f"resolved ({data['code']}): {data['notes']}"
    if event.kind == LINK_ADDED:
        return f"linked {data['kind']} {data['ref']}"
    if event.kind == INCIDENT_UPDATED:
        return ", ".join(f"{k}: {v}" for k, v in sorted(data["changes"].items()))
    if event.kind == RECORD_CLOSED:
        return f"closed ({data['state']}) {data.get('notes', '')}".strip()
    if event.kind == INCIDENT_CREATED:
        return f"{data['short_description']}\n{data.get('description', '')}".strip()
    return "acknowledged"


def _outward(state: Mapping[str, Any], event: Event) -> Outward | None:
    data = event.data
    ref = data.get("incident") or data.get("request") or data.get("record")
    if event.kind == INCIDENT_CREATED:
        ref = incident_id(data["number"])
    if not isinstance(ref, str):
        return None
    where = f"service desk {ref}" + (" (work note)" if data.get("work_note") else "")
    return Outward("servicedesk", where, _text(event), (f"servicedesk:{ref}",))


# What the agent's desk changes show others (vei.core.twin.Outward): callers, requesters
# and approvers see their record change, as target ``servicedesk:<id>``.
OUTWARD = {
    kind: _outward
    for kind in (
        INCIDENT_CREATED,
        INCIDENT_ACKNOWLEDGED,
        INCIDENT_UPDATED,
        INCIDENT_RESOLVED,
        RECORD_CLOSED,
        COMMENT_ADDED,
        LINK_ADDED,
        STAGE_APPROVED,
        STAGE_REJECTED,
    )
}
