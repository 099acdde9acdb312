"""CRM tools the agent calls: search and read records, create companies, contacts and
deals, move deals through the pipeline, log activities, assign owners, and email a contact.

Records are named by id (``DL-3``) or, where unambiguous, by name (companies, deals,
contacts) or email (contacts). ``crm_email_contact`` is the outreach tool: it refuses a contact
marked do-not-contact. Money is integer cents (``amount_cents``) and shown formatted
(``amount``). Lists are ordered by id; search results by score, then id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.crm.state import (
    ACTIVITY_LOGGED,
    COMPANY_CREATED,
    CONSENT_CHANGED,
    CONTACT_CREATED,
    DEAL_CREATED,
    DEAL_STAGE_CHANGED,
    DEAL_UPDATED,
    EMAIL_SENT,
    OWNER_ASSIGNED,
    ordered,
    stage_names,
    stage_of,
    valid_date,
)
from vei.twins.crm.views import (
    activity_row,
    company_row,
    contact_row,
    deal_row,
    find,
    resolve_owner,
    search_records,
)

ERROR_CODES: dict[str, str] = {
    "crm.company_not_found": "No company with that id or name; crm_search finds companies.",
    "crm.contact_not_found": "No contact with that id, email or name; crm_search finds contacts.",
    "crm.deal_not_found": "No deal with that id or name; crm_list_deals lists them.",
    "crm.ambiguous": "A name matches several records; the message lists their ids: use one.",
    "crm.unknown_user": "The owner is not a CRM user; the message lists the users.",
    "crm.unknown_stage": "No pipeline stage of that name; the message lists the stages.",
    "crm.invalid_transition": "The pipeline does not allow that move from the deal's stage; the message lists the stages it may move to.",
    "crm.do_not_contact": "The contact asked not to be contacted: outreach tools refuse them (log a note instead).",
    "crm.duplicate": "A company of that name or a contact with that email exists already; the message names it.",
    "crm.mismatch": "The contact does not belong to the deal's or the given company; the message names its company.",
    "crm.event_not_found": "No calendar event with that id; calendar_list_events lists them.",
    "crm.invalid_argument": "An empty text, a bad date (YYYY-MM-DD), a negative amount or an update that changes nothing.",
}

_LIMIT = Field(default=50, ge=1, le=200, description="At most this many rows.")
_DEAL = Field(min_length=1, max_length=200, description="Deal id (DL-3) or exact name.")
_CONTACT = Field(
    min_length=1, max_length=200, description="Contact id (CT-2), email or exact name."
)
_COMPANY = Field(min_length=1, max_length=200, description="Company id (CO-1) or exact name.")


class SearchArgs(ToolArgs):
    query: str = Field(min_length=1, max_length=200, description="Words to look for (any case).")
    kind: Literal["all", "companies", "contacts", "deals", "activities"] = Field(
        default="all",
        description="Only this kind of record (default all).",
        json_schema_extra={"maxLength": 10},
    )
    limit: int = _LIMIT


class CompanyArgs(ToolArgs):
    company: str = _COMPANY


class ContactArgs(ToolArgs):
    contact: str = _CONTACT


class DealArgs(ToolArgs):
    deal: str = _DEAL


class ListDealsArgs(ToolArgs):
    stage: str | None = Field(default=None, description="Only deals in this stage.")
    owner: str | None = Field(default=None, description="Only deals this user (email) owns.")
    company: str | None = Field(default=None, description="Only this company's deals (id or name).")
    limit: int = _LIMIT


class ActivitiesArgs(ToolArgs):
    deal: str | None = Field(default=None, description="Only activities on this deal.")
    contact: str | None = Field(default=None, description="Only activities with this contact.")
    company: str | None = Field(default=None, description="Only this company's activities.")
    limit: int = _LIMIT


class CreateCompanyArgs(ToolArgs):
    name: str = Field(min_length=1, max_length=200, description="Company name.")
    domain: str = Field(default="", max_length=200, description="Web or mail domain.")
    industry: str = Field(default="", max_length=100, description="Industry.")


class CreateContactArgs(ToolArgs):
    name: str = Field(min_length=1, max_length=200, description="Full name.")
    email: str = Field(min_length=3, max_length=254, description="Email address.")
    company: str = _COMPANY
    title: str = Field(default="", max_length=200, description="Job title.")
    phone: str = Field(default="", max_length=50, description="Phone number.")


class DoNotContactArgs(ToolArgs):
    contact: str = _CONTACT
    reason: str = Field(min_length=1, max_length=500, description="Why (what the person asked).")


class CreateDealArgs(ToolArgs):
    name: str = Field(min_length=1, max_length=200, description="Deal name.")
    company: str = _COMPANY
    amount_cents: int = Field(ge=0, le=10**12, description="Deal value in US cents.")
    contact: str | None = Field(default=None, description="Main contact (id, email or name).")
    stage: str | None = Field(
        default=None, description="Open stage to start in; default the first."
    )
    owner: str | None = Field(default=None, description="Owner's email; default you.")
    close_date: str = Field(default="", max_length=10, description="Expected close, YYYY-MM-DD.")


class MoveDealArgs(ToolArgs):
    deal: str = _DEAL
    stage: str = Field(min_length=1, max_length=50, description="Stage to move the deal to.")
    reason: str = Field(default="", max_length=1000, description="Why (shown in its history).")


class UpdateDealArgs(ToolArgs):
    deal: str = _DEAL
    amount_cents: int | None = Field(default=None, ge=0, le=10**12, description="New value, cents.")
    close_date: str | None = Field(default=None, max_length=10, description="New close date.")
    next_step: str | None = Field(default=None, max_length=500, description="New next step.")


class AssignArgs(ToolArgs):
    record: str = Field(
        min_length=1,
        max_length=20,
        description="Id of a company, contact or deal (CO-1, CT-2, DL-3).",
    )
    owner: str = Field(min_length=1, max_length=254, description="The new owner's email.")


class LogArgs(ToolArgs):
    type: Literal["call", "meeting", "note"] = Field(
        description="call, meeting or note.", json_schema_extra={"maxLength": 7}
    )
    subject: str = Field(min_length=1, max_length=300, description="One-line summary.")
    body: str = Field(default="", max_length=20_000, description="What was said or decided.")
    deal: str | None = Field(default=None, description="Deal it is about (id or name).")
    contact: str | None = Field(default=None, description="Contact it was with (id, email, name).")
    company: str | None = Field(default=None, description="Company (default: the deal's).")
    calendar_event: str | None = Field(
        default=None, description="Calendar event id it was (its time is the activity's time)."
    )


class EmailArgs(ToolArgs):
    contact: str = _CONTACT
    subject: str = Field(min_length=1, max_length=300, description="Subject line.")
    body: str = Field(min_length=1, max_length=20_000, description="Plain-text body.")
    deal: str | None = Field(default=None, description="Deal it is about (id or name).")


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise invalid("crm", f"{what} must not be only whitespace")
    return value.strip()


def search(state: State, args: SearchArgs, ctx: CallContext) -> dict[str, Any]:
    """Records matching the query words, best first."""
    rows = search_records(state["crm"], args.query, None if args.kind == "all" else args.kind)
    return {"query": args.query, "results": rows[: args.limit], "total": len(rows)}


def get_company(state: State, args: CompanyArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    company = find(crm, "companies", args.company)
    contacts = [
        contact_row(crm, c)
        for c in ordered(crm["contacts"].values())
        if c["company"] == company["id"]
    ]
    deals = [
        deal_row(crm, d) for d in ordered(crm["deals"].values()) if d["company"] == company["id"]
    ]
    return company_row(crm, company) | {"contacts": contacts, "deals": deals}


def get_contact(state: State, args: ContactArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    contact = find(crm, "contacts", args.contact)
    acts = [
        activity_row(crm, a)
        for a in ordered(crm["activities"].values())
        if a["contact"] == contact["id"]
    ]
    return contact_row(crm, contact) | {"activities": acts}


def get_deal(state: State, args: DealArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    deal = find(crm, "deals", args.deal)
    acts = [
        activity_row(crm, a) for a in ordered(crm["activities"].values()) if a["deal"] == deal["id"]
    ]
    return deal_row(crm, deal) | {
        "allowed_stages": list(crm["pipeline"]["transitions"].get(deal["stage"], [])),
        "history": [dict(h) for h in deal["history"]],
        "activities": acts,
    }


def list_deals(state: State, args: ListDealsArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    if args.stage is not None and stage_of(crm, args.stage) is None:
        raise _unknown_stage(crm, args.stage)
    owner = None if args.owner is None else resolve_owner(crm, args.owner)
    company = None if args.company is None else find(crm, "companies", args.company)["id"]
    found = [
        d
        for d in ordered(crm["deals"].values())
        if (args.stage is None or d["stage"] == args.stage)
        and (owner is None or d["owner"] == owner)
        and (company is None or d["company"] == company)
    ]
    return {"deals": [deal_row(crm, d) for d in found[: args.limit]], "total": len(found)}


def pipeline(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    transitions = crm["pipeline"]["transitions"]
    stages = [
        {**dict(s), "next": list(transitions.get(s["name"], []))} for s in crm["pipeline"]["stages"]
    ]
    return {"stages": stages}


def list_activities(state: State, args: ActivitiesArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    deal = None if args.deal is None else find(crm, "deals", args.deal)["id"]
    contact = None if args.contact is None else find(crm, "contacts", args.contact)["id"]
    company = None if args.company is None else find(crm, "companies", args.company)["id"]
    found = [
        a
        for a in ordered(crm["activities"].values())
        if (deal is None or a["deal"] == deal)
        and (contact is None or a["contact"] == contact)
        and (company is None or a["company"] == company)
    ]
    return {"activities": [activity_row(crm, a) for a in found[: args.limit]], "total": len(found)}


def create_company(state: State, args: CreateCompanyArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    name = _text(args.name, "name")
    clash = next((c for c in crm["companies"].values() if c["name"].lower() == name.lower()), None)
    if clash is not None:
        raise VeiError("crm.duplicate", f"company {name!r} exists already as {clash['id']}")
    data = {
        "id": f"CO-{crm['next']['CO']}",
        "name": name,
        "domain": args.domain.strip().lower(),
        "industry": args.industry.strip(),
        "owner": crm["me"],
    }
    ctx.emit(COMPANY_CREATED, data)
    return company_row(crm, data)


def create_contact(state: State, args: CreateContactArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    email = args.email.strip().lower()
    if "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        raise invalid("crm", f"{args.email!r} is not an email address (name@domain.tld)")
    clash = next((c for c in crm["contacts"].values() if c["email"] == email), None)
    if clash is not None:
        raise VeiError(
            "crm.duplicate", f"{email} is already contact {clash['id']} ({clash['name']})"
        )
    company = find(crm, "companies", args.company)
    data = {
        "id": f"CT-{crm['next']['CT']}",
        "name": _text(args.name, "name"),
        "email": email,
        "company": company["id"],
        "title": args.title.strip(),
        "phone": args.phone.strip(),
        "owner": crm["me"],
    }
    ctx.emit(CONTACT_CREATED, data)
    return contact_row(crm, data | {"do_not_contact": False, "consent_note": "", "time_zone": ""})


def set_do_not_contact(state: State, args: DoNotContactArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    contact = find(crm, "contacts", args.contact)
    if contact["do_not_contact"]:
        raise invalid("crm", f"{contact['id']} is already marked do-not-contact")
    note = _text(args.reason, "reason")
    ctx.emit(CONSENT_CHANGED, {"contact": contact["id"], "do_not_contact": True, "note": note})
    return contact_row(crm, dict(contact) | {"do_not_contact": True, "consent_note": note})


def _unknown_stage(crm: Mapping[str, Any], stage: str) -> VeiError:
    return VeiError(
        "crm.unknown_stage", f"no stage {stage!r}; stages are {', '.join(stage_names(crm))}"
    )


def _contact_in(crm: Mapping[str, Any], ref: str | None, company: str) -> str | None:
    if ref is None:
        return None
    contact = find(crm, "contacts", ref)
    if contact["company"] != company:
        theirs = crm["companies"][contact["company"]]["name"]
        raise VeiError(
            "crm.mismatch",
            f"{contact['id']} ({contact['name']}) works at {theirs}, not "
            f"{crm['companies'][company]['name']}",
        )
    return str(contact["id"])


def create_deal(state: State, args: CreateDealArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    company = find(crm, "companies", args.company)["id"]
    stage = args.stage or crm["pipeline"]["stages"][0]["name"]
    found = stage_of(crm, stage)
    if found is None:
        raise _unknown_stage(crm, stage)
    if found["closed"]:
        open_ = [s["name"] for s in crm["pipeline"]["stages"] if not s["closed"]]
        raise invalid("crm", f"a new deal starts in an open stage: {', '.join(open_)}")
    if not valid_date(args.close_date):
        raise invalid("crm", f"close_date {args.close_date!r} is not YYYY-MM-DD")
    data = {
        "id": f"DL-{crm['next']['DL']}",
        "name": _text(args.name, "name"),
        "company": company,
        "contact": _contact_in(crm, args.contact, company),
        "amount_cents": args.amount_cents,
        "stage": stage,
        "owner": crm["me"] if args.owner is None else resolve_owner(crm, args.owner),
        "close_date": args.close_date,
        "next_step": "",
    }
    ctx.emit(DEAL_CREATED, data)
    return deal_row(crm, data)


def move_deal(state: State, args: MoveDealArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    deal = find(crm, "deals", args.deal)
    stage = args.stage.strip().lower()
    if stage_of(crm, stage) is None:
        raise _unknown_stage(crm, args.stage)
    allowed = list(crm["pipeline"]["transitions"].get(deal["stage"], []))
    if stage not in allowed:
        can = ", ".join(allowed) or "none (it is closed)"
        raise VeiError(
            "crm.invalid_transition",
            f"{deal['id']} is in {deal['stage']}; it may move to: {can}",
        )
    data = {
        "deal": deal["id"],
        "from": deal["stage"],
        "to": stage,
        "by": crm["me"],
        "reason": args.reason.strip(),
    }
    ctx.emit(DEAL_STAGE_CHANGED, data)
    return deal_row(crm, dict(deal) | {"stage": stage}) | {
        "allowed_stages": list(crm["pipeline"]["transitions"].get(stage, []))
    }


def update_deal(state: State, args: UpdateDealArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    deal = find(crm, "deals", args.deal)
    changes: dict[str, Any] = {}
    if args.amount_cents is not None:
        changes["amount_cents"] = args.amount_cents
    if args.close_date is not None:
        if not valid_date(args.close_date):
            raise invalid("crm", f"close_date {args.close_date!r} is not YYYY-MM-DD")
        changes["close_date"] = args.close_date
    if args.next_step is not None:
        changes["next_step"] = args.next_step.strip()
    changes = {k: v for k, v in changes.items() if deal[k] != v}
    if not changes:
        raise invalid("crm", "nothing to change: give amount_cents, close_date or next_step")
    ctx.emit(DEAL_UPDATED, {"deal": deal["id"], "changes": changes, "by": crm["me"]})
    return deal_row(crm, dict(deal) | changes)


def assign_owner(state: State, args: AssignArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    record = args.record.strip().upper()
    table = {"CO": "companies", "CT": "contacts", "DL": "deals"}.get(record.split("-")[0])
    if table is None or record not in crm[table]:
        raise VeiError(
            f"crm.{'deal' if table == 'deals' else 'contact' if table == 'contacts' else 'company'}_not_found",
            f"no company, contact or deal {args.record!r} (ids look like CO-1, CT-2, DL-3)",
        )
    owner = resolve_owner(crm, args.owner)
    ctx.emit(OWNER_ASSIGNED, {"record": record, "owner": owner})
    return {"record": record, "owner": owner, "owner_name": crm["users"][owner]["name"]}


def _activity_links(
    state: State, deal_ref: str | None, contact_ref: str | None, company_ref: str | None
) -> tuple[str | None, str | None, str | None]:
    crm = state["crm"]
    deal = None if deal_ref is None else find(crm, "deals", deal_ref)
    company = None if company_ref is None else str(find(crm, "companies", company_ref)["id"])
    if deal is not None:
        if company is not None and company != deal["company"]:
            raise VeiError(
                "crm.mismatch", f"{deal['id']} is a deal of {deal['company']}, not {company}"
            )
        company = str(deal["company"])
    contact = None
    if contact_ref is not None:
        found = find(crm, "contacts", contact_ref)
        contact = str(found["id"]) if company is None else _contact_in(crm, contact_ref, company)
        company = company or str(found["company"])
    if deal is None and contact is None and company is None:
        raise invalid("crm", "say what it is about: a deal, a contact or a company")
    return (None if deal is None else str(deal["id"])), contact, company


def log_activity(state: State, args: LogArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    deal, contact, company = _activity_links(state, args.deal, args.contact, args.company)
    data: dict[str, Any] = {
        "id": f"ACT-{crm['next']['ACT']}",
        "type": args.type,
        "subject": _text(args.subject, "subject"),
        "body": args.body.strip(),
        "deal": deal,
        "contact": contact,
        "company": company,
        "by": crm["me"],
        "calendar_event": None,
    }
    if args.calendar_event is not None:
        event = state.get("calendar", {}).get("events", {}).get(args.calendar_event.strip())
        if event is None:
            raise VeiError("crm.event_not_found", f"no calendar event {args.calendar_event!r}")
        data["calendar_event"] = event["id"]
        data["occurred_ms"] = event["start_ms"]
    ctx.emit(ACTIVITY_LOGGED, data)
    return activity_row(crm, {**data, "t_ms": data.get("occurred_ms", ctx.now_ms)})


def send_email(state: State, args: EmailArgs, ctx: CallContext) -> dict[str, Any]:
    crm = state["crm"]
    contact = find(crm, "contacts", args.contact)
    if contact["do_not_contact"]:
        note = f" ({contact['consent_note']})" if contact["consent_note"] else ""
        raise VeiError(
            "crm.do_not_contact",
            f"{contact['id']} {contact['name']} asked not to be contacted{note}; "
            "nothing was sent (log a note instead)",
        )
    deal, _, company = _activity_links(state, args.deal, contact["id"], None)
    data = {
        "id": f"ACT-{crm['next']['ACT']}",
        "contact": contact["id"],
        "email": contact["email"],
        "from": crm["me"],
        "subject": _text(args.subject, "subject"),
        "body": _text(args.body, "body"),
        "deal": deal,
        "company": company,
        "by": crm["me"],
    }
    ctx.emit(EMAIL_SENT, data)
    return {
        "id": data["id"],
        "to": contact["email"],
        "contact": contact["id"],
        "subject": data["subject"],
        "t_ms": ctx.now_ms,
    }


_DEAL_FIELDS = "id, name, company, company_name, contact, contact_name, stage, stage_label, amount_cents, amount, owner, close_date, next_step"
_CONTACT_FIELDS = "id, name, email, company, company_name, title, phone, time_zone, do_not_contact, consent_note, owner"
_ACT_FIELDS = "id, type, subject, body, contact, deal, company, by, t_ms, calendar_event"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "crm_search",
        "Search companies, contacts, deals and activities for words (names, emails, subjects, notes), best match first; kind narrows to one. "
        "Returns {query, results: [{kind, id, name, detail, score}], total}.",
        SearchArgs,
        search,
        latency_ms=300,
        keywords=("find", "lookup", "customer", "account", "lead"),
    ),
    tool(
        "crm_get_company",
        "One company with its contacts and deals. "
        "Returns {id, name, domain, industry, owner, contacts: [{id, name, email, do_not_contact}], deals: [{id, name, stage, amount}]}.",
        CompanyArgs,
        get_company,
        latency_ms=200,
        keywords=("account", "customer", "organisation"),
    ),
    tool(
        "crm_get_contact",
        "One contact with their consent (do_not_contact: outreach tools refuse them) and activities. "
        f"Returns {{{_CONTACT_FIELDS}, activities: [{{{_ACT_FIELDS}}}]}}.",
        ContactArgs,
        get_contact,
        latency_ms=200,
        keywords=("get", "show", "person", "consent", "opt out", "unsubscribe"),
    ),
    tool(
        "crm_get_deal",
        "One deal with the stages it may move to next, its stage history and activities. "
        f"Returns {{{_DEAL_FIELDS}, allowed_stages, history: [{{from, to, t_ms, by, reason}}], activities: [{{{_ACT_FIELDS}}}]}}.",
        DealArgs,
        get_deal,
        latency_ms=200,
        keywords=("opportunity", "stage", "pipeline"),
    ),
    tool(
        "crm_list_deals",
        "List deals, optionally only one stage, owner or company, by id. "
        f"Returns {{deals: [{{{_DEAL_FIELDS}}}], total}}.",
        ListDealsArgs,
        list_deals,
        latency_ms=250,
        keywords=("opportunities", "pipeline", "forecast"),
    ),
    tool(
        "crm_pipeline",
        "The deal pipeline: stages in order, what each means and the stages each may move to. "
        "Returns {stages: [{name, label, description, closed, next}]}.",
        NoArgs,
        pipeline,
        latency_ms=100,
        keywords=("stages", "workflow", "funnel"),
    ),
    tool(
        "crm_list_activities",
        "List logged calls, meetings, notes and emails, optionally for one deal, contact or company, oldest first. "
        f"Returns {{activities: [{{{_ACT_FIELDS}}}], total}}.",
        ActivitiesArgs,
        list_activities,
        latency_ms=250,
        keywords=("history", "timeline", "calls", "meetings", "notes"),
    ),
    tool(
        "crm_create_company",
        "Add a company (you own it). Returns {id, name, domain, industry, owner}.",
        CreateCompanyArgs,
        create_company,
        effect="write",
        latency_ms=400,
        keywords=("new", "account"),
    ),
    tool(
        "crm_create_contact",
        f"Add a contact at a company (you own it). Returns {{{_CONTACT_FIELDS}}}.",
        CreateContactArgs,
        create_contact,
        effect="write",
        latency_ms=400,
        keywords=("new", "person", "lead"),
    ),
    tool(
        "crm_set_do_not_contact",
        "Record that a contact asked not to be contacted; outreach tools refuse them from then on (it cannot be lifted here). "
        f"Returns {{{_CONTACT_FIELDS}}}.",
        DoNotContactArgs,
        set_do_not_contact,
        effect="write",
        latency_ms=300,
        keywords=("opt out", "unsubscribe", "consent", "gdpr"),
    ),
    tool(
        "crm_create_deal",
        "Open a deal for a company in an open stage (default the first), owned by you unless owner is given. "
        f"Returns {{{_DEAL_FIELDS}}}.",
        CreateDealArgs,
        create_deal,
        effect="write",
        latency_ms=400,
        keywords=("new", "opportunity"),
    ),
    tool(
        "crm_move_deal",
        "Move a deal to another stage; only moves the pipeline allows from its stage (crm_pipeline, allowed_stages) are accepted. "
        f"Returns {{{_DEAL_FIELDS}, allowed_stages}}.",
        MoveDealArgs,
        move_deal,
        effect="write",
        latency_ms=400,
        keywords=("stage", "advance", "progress", "win", "lose", "close"),
    ),
    tool(
        "crm_update_deal",
        f"Change a deal's amount (cents), close date or next step. Returns {{{_DEAL_FIELDS}}}.",
        UpdateDealArgs,
        update_deal,
        effect="write",
        latency_ms=400,
        keywords=("edit", "amount", "value", "close date"),
    ),
    tool(
        "crm_assign_owner",
        "Give a company, contact or deal to another CRM user (by email). "
        "Returns {record, owner, owner_name}.",
        AssignArgs,
        assign_owner,
        effect="write",
        latency_ms=300,
        keywords=("reassign", "owner", "territory", "handover"),
    ),
    tool(
        "crm_log_activity",
        "Log a call, meeting or note on a deal, contact or company (a calendar_event id links a meeting and takes its time). "
        f"Returns {{{_ACT_FIELDS}}}.",
        LogArgs,
        log_activity,
        effect="write",
        latency_ms=400,
        keywords=("record", "outcome", "meeting notes", "call notes"),
    ),
    tool(
        "crm_email_contact",
        "Email someone from the CRM (logged as an email activity); refused for anyone marked do-not-contact. "
        "Returns {id, to, contact, subject, t_ms}.",
        EmailArgs,
        send_email,
        effect="write",
        scope="crm:send",
        latency_ms=600,
        keywords=("outreach", "mail", "follow up", "message"),
    ),
)
