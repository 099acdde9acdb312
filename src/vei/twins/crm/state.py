"""CRM state: companies, contacts with consent, deals moving through a declared pipeline,
activities, and the people who own them.

``state["crm"]`` holds ``me`` (the agent's address), ``users`` (address -> person),
``pipeline`` (``stages`` in order, ``transitions`` stage -> allowed next stages),
``companies``, ``contacts``, ``deals`` and ``activities`` (id -> record) and ``next`` (the
next number of each id prefix). Ids are ``CO-<n>``, ``CT-<n>``, ``DL-<n>``, ``ACT-<n>``;
lists are ordered by that number. Money is integer cents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.crm.seed import DEFAULT_PIPELINE, DEFAULT_SEED, CrmSeed

COMPANY_CREATED = "crm.company_created"
CONTACT_CREATED = "crm.contact_created"
CONSENT_CHANGED = "crm.consent_changed"
DEAL_CREATED = "crm.deal_created"
DEAL_STAGE_CHANGED = "crm.deal_stage_changed"
DEAL_UPDATED = "crm.deal_updated"
OWNER_ASSIGNED = "crm.owner_assigned"
ACTIVITY_LOGGED = "crm.activity_logged"
EMAIL_SENT = "crm.email_sent"

PREFIXES = {"companies": "CO", "contacts": "CT", "deals": "DL", "activities": "ACT"}
_ID = re.compile(r"^(CO|CT|DL|ACT)-([1-9][0-9]*)$")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def id_number(record_id: str) -> int:
    """``DL-12`` -> 12 (0 for anything else), for ordering records by id."""
    match = _ID.match(record_id)
    return int(match.group(2)) if match else 0


def ordered(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Records sorted by the number of their id."""
    return sorted(records, key=lambda r: id_number(str(r["id"])))


def valid_date(text: str) -> bool:
    """Whether ``text`` is a ``YYYY-MM-DD`` date (or empty: no date)."""
    return text == "" or bool(_DATE.match(text))


def stage_names(crm: Mapping[str, Any]) -> list[str]:
    return [s["name"] for s in crm["pipeline"]["stages"]]


def stage_of(crm: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    return next((s for s in crm["pipeline"]["stages"] if s["name"] == name), None)


def _number(crm: dict[str, Any], table: str, given: str | None) -> str:
    prefix = PREFIXES[table]
    record_id = given or f"{prefix}-{crm['next'][prefix]}"
    if record_id in crm[table]:
        raise ValueError(f"id {record_id!r} is used twice")
    crm["next"][prefix] = max(crm["next"][prefix], id_number(record_id) + 1)
    return record_id


def _check_pipeline(pipeline: Mapping[str, Any]) -> None:
    names = [s["name"] for s in pipeline["stages"]]
    if len(set(names)) != len(names):
        raise ValueError("pipeline: a stage is listed twice")
    for stage, targets in pipeline["transitions"].items():
        for name in [stage, *targets]:
            if name not in names:
                raise ValueError(f"pipeline: transition names unknown stage {name!r}")
        closed = next(s for s in pipeline["stages"] if s["name"] == stage).get("closed")
        if closed and targets:
            raise ValueError(f"pipeline: closed stage {stage!r} cannot move on")


def _resolve(crm: Mapping[str, Any], table: str, ref: str, where: str) -> str:
    if ref in crm[table]:
        return ref
    key = "email" if table == "contacts" else "name"
    found = [r["id"] for r in crm[table].values() if str(r[key]).lower() == ref.lower()]
    if len(found) != 1:
        what = {"companies": "company", "contacts": "contact", "deals": "deal"}[table]
        raise ValueError(f"{where}: no single {what} {ref!r}")
    return str(found[0])


def _owner(crm: Mapping[str, Any], owner: str | None, where: str) -> str | None:
    if owner is not None and owner.lower() not in crm["users"]:
        raise ValueError(f"{where}: owner {owner!r} is not a listed user")
    return None if owner is None else owner.lower()


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The CRM described by ``seed_data`` (or the default one); ValueError naming the
    record for an unknown reference, stage, owner or a repeated id."""
    seed = CrmSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    pipeline = DEFAULT_PIPELINE if seed.pipeline is None else seed.pipeline.model_dump(mode="json")
    stages = [{"description": "", "closed": None, **s} for s in pipeline["stages"]]
    pipeline = {"stages": stages, "transitions": dict(pipeline["transitions"])}
    _check_pipeline(pipeline)
    crm: dict[str, Any] = {
        "me": seed.me.lower(),
        "users": {
            u.email.lower(): {**u.model_dump(), "email": u.email.lower()} for u in seed.users
        },
        "pipeline": pipeline,
        "companies": {},
        "contacts": {},
        "deals": {},
        "activities": {},
        "next": {p: 1 for p in PREFIXES.values()},
    }
    if crm["me"] not in crm["users"]:
        raise ValueError("crm seed: me must be one of the users")
    for i, co in enumerate(seed.companies):
        where = f"crm seed company {i}"
        cid = _number(crm, "companies", co.id)
        owner = _owner(crm, co.owner, where)
        crm["companies"][cid] = co.model_dump() | {"id": cid, "owner": owner}
    for i, ct in enumerate(seed.contacts):
        where = f"crm seed contact {i}"
        company = _resolve(crm, "companies", ct.company, where)
        if any(c["email"] == ct.email.lower() for c in crm["contacts"].values()):
            raise ValueError(f"{where}: email {ct.email!r} is used twice")
        cid = _number(crm, "contacts", ct.id)
        crm["contacts"][cid] = ct.model_dump() | {
            "id": cid,
            "email": ct.email.lower(),
            "company": company,
            "owner": _owner(crm, ct.owner, where),
            "consent_changed_ms": None,
        }
    for i, dl in enumerate(seed.deals):
        where = f"crm seed deal {i}"
        if stage_of(crm, dl.stage) is None:
            raise ValueError(f"{where}: unknown stage {dl.stage!r}")
        if not valid_date(dl.close_date):
            raise ValueError(f"{where}: close_date must be YYYY-MM-DD")
        contact = None if dl.contact is None else _resolve(crm, "contacts", dl.contact, where)
        did = _number(crm, "deals", dl.id)
        crm["deals"][did] = dl.model_dump() | {
            "id": did,
            "company": _resolve(crm, "companies", dl.company, where),
            "contact": contact,
            "owner": _owner(crm, dl.owner, where),
            "history": [],
        }
    for i, act in enumerate(seed.activities):
        where = f"crm seed activity {i}"
        deal = None if act.deal is None else _resolve(crm, "deals", act.deal, where)
        contact = None if act.contact is None else _resolve(crm, "contacts", act.contact, where)
        at: str | None = None
        if act.company is not None:
            at = _resolve(crm, "companies", act.company, where)
        else:
            linked = crm["deals"].get(deal) or crm["contacts"].get(contact) or {}
            at = linked.get("company")
        aid = _number(crm, "activities", act.id)
        crm["activities"][aid] = {
            "id": aid,
            "type": act.type,
            "subject": act.subject,
            "body": act.body,
            "contact": contact,
            "deal": deal,
            "company": at,
            "by": _owner(crm, act.by, where) or crm["me"],
            "t_ms": act.date_ms,
            "calendar_event": None,
        }
    return crm


def _company_created(state: State, event: Event) -> None:
    crm = state["crm"]
    data = event.data
    crm["companies"][data["id"]] = {k: data[k] for k in ("id", "name", "domain", "industry")} | {
        "owner": data["owner"]
    }
    crm["next"]["CO"] = id_number(data["id"]) + 1


def _contact_created(state: State, event: Event) -> None:
    crm = state["crm"]
    data = event.data
    crm["contacts"][data["id"]] = {
        **{k: data[k] for k in ("id", "name", "email", "company", "title", "phone", "owner")},
        "time_zone": "",
        "do_not_contact": False,
        "consent_note": "",
        "consent_changed_ms": None,
    }
    crm["next"]["CT"] = id_number(data["id"]) + 1


def _consent_changed(state: State, event: Event) -> None:
    contact = state["crm"]["contacts"][event.data["contact"]]
    contact["do_not_contact"] = bool(event.data["do_not_contact"])
    contact["consent_note"] = event.data["note"]
    contact["consent_changed_ms"] = event.t_ms


def _deal_created(state: State, event: Event) -> None:
    crm = state["crm"]
    data = event.data
    keys = ("id", "name", "company", "contact", "amount_cents", "stage", "owner")
    crm["deals"][data["id"]] = {k: data[k] for k in keys} | {
        "close_date": data["close_date"],
        "next_step": data["next_step"],
        "history": [],
    }
    crm["next"]["DL"] = id_number(data["id"]) + 1


def _stage_changed(state: State, event: Event) -> None:
    deal = state["crm"]["deals"][event.data["deal"]]
    deal["stage"] = event.data["to"]
    deal["history"].append(
        {
            "from": event.data["from"],
            "to": event.data["to"],
            "t_ms": event.t_ms,
            "by": event.data["by"],
            "reason": event.data["reason"],
        }
    )


def _deal_updated(state: State, event: Event) -> None:
    # Drift updates may name a deal the run never had: nothing to change then.
    deal = state["crm"]["deals"].get(event.data["deal"])
    if deal is None:
        return
    for field in ("amount_cents", "close_date", "next_step"):
        if field in event.data["changes"]:
            deal[field] = event.data["changes"][field]


def _owner_assigned(state: State, event: Event) -> None:
    table = {"CO": "companies", "CT": "contacts", "DL": "deals"}[event.data["record"].split("-")[0]]
    state["crm"][table][event.data["record"]]["owner"] = event.data["owner"]


def _add_activity(state: State, event: Event, kind: str) -> None:
    crm = state["crm"]
    data = event.data
    crm["activities"][data["id"]] = {
        "id": data["id"],
        "type": kind,
        "subject": data["subject"],
        "body": data["body"],
        "contact": data["contact"],
        "deal": data["deal"],
        "company": data["company"],
        "by": data["by"],
        "t_ms": data.get("occurred_ms", event.t_ms),
        "calendar_event": data.get("calendar_event"),
    }
    crm["next"]["ACT"] = id_number(data["id"]) + 1


def _activity_logged(state: State, event: Event) -> None:
    _add_activity(state, event, event.data["type"])


def _email_sent(state: State, event: Event) -> None:
    _add_activity(state, event, "email")


REDUCERS: dict[str, Reducer] = {
    COMPANY_CREATED: _company_created,
    CONTACT_CREATED: _contact_created,
    CONSENT_CHANGED: _consent_changed,
    DEAL_CREATED: _deal_created,
    DEAL_STAGE_CHANGED: _stage_changed,
    DEAL_UPDATED: _deal_updated,
    OWNER_ASSIGNED: _owner_assigned,
    ACTIVITY_LOGGED: _activity_logged,
    EMAIL_SENT: _email_sent,
}


def summary(state: State) -> dict[str, Any]:
    """How many deals are open, and how many of the agent's."""
    crm = state["crm"]
    closed = {s["name"] for s in crm["pipeline"]["stages"] if s["closed"]}
    open_ = [d for d in crm["deals"].values() if d["stage"] not in closed]
    return {"open_deals": len(open_), "my_open_deals": sum(d["owner"] == crm["me"] for d in open_)}


def do_not_contact_addresses(state: Mapping[str, Any]) -> set[str]:
    """Addresses of the contacts who asked not to be contacted (for monitors, criteria)."""
    contacts = state.get("crm", {}).get("contacts", {}).values()
    return {str(c["email"]) for c in contacts if c["do_not_contact"]}


def _outward_email(state: Mapping[str, Any], event: Event) -> Outward:
    to = event.data["email"]
    text = f"{event.data['subject']}\n{event.data['body']}"
    return Outward("crm", f"CRM email to {to}", text, (f"mail:{to}",), destinations=(to,))


# What the agent's CRM events show others (vei.core.twin.Outward).
OUTWARD = {EMAIL_SENT: _outward_email}
