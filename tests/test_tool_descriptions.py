"""Every tool's description says what it returns, and says it truly: the fields a
description lists ("Returns {id, subject, ...}") are in a real result, and every field of a
real result is named in the description (or in the one of the tool it refers to)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tests.twins.support import make_world
from vei import Session, load_settings
from vei.core.control import CONTROL_TOOLS
from vei.core.registry import ToolSpec
from vei.core.world import World
from vei.twins import TWINS

TOOLS: dict[str, ToolSpec] = {
    spec.name: spec for spec in [*CONTROL_TOOLS, *(s for t in TWINS.values() for s in t.tools)]
}
_IDENT = re.compile(r"[A-Za-z0-9_]+")


def _groups(text: str) -> Iterator[str]:
    """The top-level ``{...}`` groups of ``text``, without their braces."""
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
            if depth == 1:
                start = index + 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield text[start:index]


def _fields(group: str) -> dict[str, str | None]:
    """``"id, messages: [{id, from}], total"`` -> {id: None, messages: "id, from", total: None}:
    each listed field, with the fields of its rows when it is a list of ``{...}``."""
    parts, depth, current = [], 0, ""
    for char in group:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    fields: dict[str, str | None] = {}
    for part in parts:
        name, _, rest = part.strip().partition(":")
        rows = next(_groups(rest), None) if rest.strip().startswith("[") else None
        fields[name.strip()] = rows
    return fields


def _mentioned(spec: ToolSpec) -> set[str]:
    words = set(_IDENT.findall(spec.description))
    for other in words & set(TOOLS):  # "what browser_open returns"
        words |= set(_IDENT.findall(TOOLS[other].description))
    return words


def _check(tool: str, result: dict[str, Any]) -> None:
    spec = TOOLS[tool]
    returns = spec.description[spec.description.index("Returns") :]
    groups = [_fields(g) for g in _groups(returns)]
    assert not groups or any(set(g) <= set(result) for g in groups), (tool, sorted(result))
    for group in groups:
        if not set(group) <= set(result):
            continue
        for name, rows in group.items():
            if rows is not None and result[name]:
                row_fields = set(_fields(rows))
                assert all(row_fields <= set(row) for row in result[name]), (tool, name)
    unnamed = set(result) - _mentioned(spec)
    assert not unnamed, f"{tool} returns fields its description does not name: {unnamed}"


def _call(world: World, seen: dict[str, int], name: str, /, **args: Any) -> dict[str, Any]:
    outcome = world.call(name, args)
    assert outcome.ok, (name, outcome.result)
    result = outcome.result
    _check(name, result)
    seen[name] = seen.get(name, 0) + 1
    return result


def _value(field: dict[str, Any]) -> str:
    return {"email": "agent@company.example", "number": "2"}.get(field["input_type"], "Monitors")


def test_every_tool_result_matches_what_its_description_says() -> None:
    world = make_world(*TWINS.values())
    seen: dict[str, int] = {}
    for tool, args in (
        ("vei_observe", {}),
        ("vei_tick", {"dt_ms": 1000}),
        ("vei_state", {}),
        ("vei_pending", {}),
        ("vei_tools_search", {"query": "send an email"}),
        ("vei_help", {}),
        ("vei_help", {"topic": "mail_open"}),
        ("vei_act_and_observe", {"tool": "vei_state"}),
    ):
        _call(world, seen, tool, **args)

    channels = _call(world, seen, "slack_list_channels")["channels"]
    channel = next(c["name"] for c in channels if c["is_member"] and c["kind"] != "dm")
    _call(world, seen, "slack_join_channel", channel=channel)
    _call(world, seen, "slack_open_channel", channel=channel)
    ts = _call(world, seen, "slack_send_message", channel=channel, text="Hello all")["ts"]
    _call(world, seen, "slack_send_message", channel=channel, text="A reply", thread_ts=ts)
    _call(world, seen, "slack_fetch_thread", channel=channel, thread_ts=ts)
    _call(world, seen, "slack_react", channel=channel, ts=ts, emoji="eyes")
    _call(world, seen, "slack_list_users")

    first = _call(world, seen, "mail_list")["messages"][0]["id"]
    _call(world, seen, "mail_open", id=first)
    _call(world, seen, "mail_reply", id=first, body="Thanks.", cc="Ann <ann@company.example>")
    _call(world, seen, "mail_compose", to="bob@company.example", subject="Hi", body="Hello")
    _call(world, seen, "mail_search", query="hello")

    browser = world.state["browser"]
    home = _call(world, seen, "browser_open", url=browser["home"])
    _call(world, seen, "browser_find", query="the")
    link = home["links"][0]["id"]
    _call(world, seen, "browser_click", node_id=link)
    _call(world, seen, "browser_back")
    form_id, url = sorted(browser["form_pages"].items())[0]
    _call(world, seen, "browser_open", url=url)
    page = _call(world, seen, "browser_read")
    form = next(f for f in page["forms"] if f["id"] == form_id)
    for field in form["fields"]:
        _call(world, seen, "browser_type", node_id=field["id"], text=_value(field))
    _call(world, seen, "browser_submit", form_id=form_id)
    for field in form["fields"]:
        _call(world, seen, "browser_type", node_id=field["id"], text=_value(field))
    _call(world, seen, "browser_click", node_id=form["submit_id"])

    _call(world, seen, "crm_search", query="harbor")
    _call(world, seen, "crm_pipeline")
    _call(world, seen, "crm_get_company", company="CO-1")
    _call(world, seen, "crm_get_contact", contact="CT-1")
    _call(world, seen, "crm_list_deals")
    _call(world, seen, "crm_move_deal", deal="DL-1", stage="proposal", reason="Asked for one")
    _call(world, seen, "crm_get_deal", deal="DL-1")
    _call(world, seen, "crm_update_deal", deal="DL-1", next_step="Send the proposal")
    _call(world, seen, "crm_log_activity", type="meeting", subject="Demo", deal="DL-1")
    _call(world, seen, "crm_list_activities", deal="DL-1")
    _call(world, seen, "crm_email_contact", contact="CT-1", subject="Proposal", body="Attached.")
    _call(world, seen, "crm_create_company", name="Orbit Foods", domain="orbit.example")
    _call(
        world,
        seen,
        "crm_create_contact",
        name="Ana Ruiz",
        email="ana@orbit.example",
        company="Orbit Foods",
    )
    _call(
        world,
        seen,
        "crm_create_deal",
        name="Orbit pilot",
        company="Orbit Foods",
        amount_cents=500_000,
    )
    _call(world, seen, "crm_assign_owner", record="DL-1", owner="dana.reyes@company.example")
    _call(world, seen, "crm_set_do_not_contact", contact="ana@orbit.example", reason="Asked")

    _call(world, seen, "calendar_list_people")
    _call(world, seen, "calendar_list_events", start="2023-11-13", days=7)
    _call(world, seen, "calendar_get_event", event="EV-1")
    _call(
        world, seen, "calendar_free_busy", people=["priya.nair@company.example"], start="2023-11-20"
    )
    ev = _call(
        world,
        seen,
        "calendar_create_event",
        title="Sync",
        start="2023-11-20T10:00",
        attendees=["priya.nair@company.example"],
    )
    _call(world, seen, "calendar_update_event", event=ev["id"], start="2023-11-20T11:00")
    _call(world, seen, "calendar_cancel_event", event=ev["id"])
    _call(world, seen, "calendar_respond", event="EV-1", response="accepted")
    user = _call(world, seen, "identity_list_users", query="sam")["users"][-1]["id"]
    _call(world, seen, "identity_get_user", user=user)
    group = _call(world, seen, "identity_list_groups")["groups"][-1]["name"]
    _call(world, seen, "identity_get_group", group=group)
    app = _call(world, seen, "identity_list_apps")["apps"][0]["name"]
    _call(world, seen, "identity_get_app", app=app)
    _call(world, seen, "identity_add_to_group", user=user, group=group)
    _call(world, seen, "identity_remove_from_group", user=user, group=group)
    _call(world, seen, "identity_assign_app", user=user, app=app)
    _call(world, seen, "identity_unassign_app", user=user, app=app)
    token = _call(world, seen, "identity_reset_password", user=user)["reset_token"]
    _call(world, seen, "identity_verify_token", token=token)
    _call(world, seen, "identity_suspend", user=user, reason="review")
    _call(world, seen, "identity_unsuspend", user=user)
    _call(world, seen, "identity_deactivate", user=user)
    _call(world, seen, "identity_activate", user=user)
    login = "new.hire@" + world.state["identity"]["domain"]
    _call(world, seen, "identity_create_user", login=login, first_name="New", last_name="Hire")
    _call(world, seen, "identity_audit_log", user=user)

    p1 = _call(world, seen, "servicedesk_list_incidents", priority=1)["incidents"][0]["id"]
    _call(world, seen, "servicedesk_get_incident", incident=p1)
    _call(world, seen, "servicedesk_acknowledge", incident=p1)
    _call(world, seen, "servicedesk_update_incident", incident=p1, priority=2)
    _call(world, seen, "servicedesk_comment", record=p1, text="Rolled back", work_note=True)
    _call(world, seen, "servicedesk_link", record=p1, kind="doc", ref="DOC-1")
    _call(
        world, seen, "servicedesk_resolve", incident=p1, code="Duplicate", notes="Same as another"
    )
    _call(world, seen, "servicedesk_close", record=p1)
    caller = world.state["servicedesk"]["me"]
    _call(
        world,
        seen,
        "servicedesk_create_incident",
        short_description="Printer",
        caller=caller,
        priority=4,
    )
    request = _call(world, seen, "servicedesk_list_requests")["requests"][0]["id"]
    _call(world, seen, "servicedesk_get_request", request=request)
    mine = {
        "servicedesk": {
            "me": "a@company.example",
            "requests": [
                {
                    "number": 1,
                    "item": "Access",
                    "requester": "a@company.example",
                    "requested_for": "a@company.example",
                    "stages": [{"name": "IT", "approver": "a@company.example"}],
                },
                {
                    "number": 2,
                    "item": "Access",
                    "requester": "a@company.example",
                    "requested_for": "a@company.example",
                    "stages": [{"name": "IT", "approver": "a@company.example"}],
                },
            ],
        }
    }
    desk = make_world(TWINS["servicedesk"], seed_data=mine)
    _call(desk, seen, "servicedesk_approve", request="REQ-0001", comment="ok")
    _call(desk, seen, "servicedesk_reject", request="REQ-0002", comment="not needed")

    _call(world, seen, "docs_list_spaces")
    doc = _call(world, seen, "docs_list", space="it")["docs"][0]["id"]
    _call(world, seen, "docs_search", query="policy")
    latest = _call(world, seen, "docs_read", doc=doc)["version"]
    _call(world, seen, "docs_history", doc=doc)
    new = _call(world, seen, "docs_create", space="it", title="Notes", body="Draft")["id"]
    _call(world, seen, "docs_update", doc=doc, base_version=latest, body="Revised")
    _call(world, seen, "docs_comment", doc=doc, body="Looks right")
    _call(world, seen, "docs_share", doc=new, scope="link")
    _call(world, seen, "docs_unshare", doc=new, scope="link")
    owner = _call(world, seen, "docs_read", doc=doc)["owner"]
    people = sorted(p for p in world.state["docs"]["people"] if p != owner)
    _call(world, seen, "docs_transfer_owner", doc=doc, owner=people[0])

    project = _call(world, seen, "tickets_list_projects")["projects"][0]["key"]
    flow = _call(world, seen, "tickets_get_project", project=project)
    issue = _call(world, seen, "tickets_create", project=project, summary="Printer jam")["id"]
    _call(world, seen, "tickets_search", project=project)
    _call(world, seen, "tickets_update", ticket=issue, priority="High")
    _call(world, seen, "tickets_comment", ticket=issue, body="On it")
    _call(world, seen, "tickets_link", ticket=issue, target=doc)
    _call(
        world,
        seen,
        "tickets_transition",
        ticket=issue,
        status=flow["transitions"][flow["initial"]][0],
    )
    _call(world, seen, "tickets_get", ticket=issue)

    session = Session(load_settings({}, env={}))
    reset = session.call("vei_reset", {"seed": 7})
    assert reset.ok, reset.result
    _check("vei_reset", reset.result)
    seen["vei_reset"] = 1

    assert set(seen) == set(TOOLS), f"not exercised: {sorted(set(TOOLS) - set(seen))}"
