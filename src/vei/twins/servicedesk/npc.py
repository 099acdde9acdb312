"""NPC kind ``servicedesk_approver``: a person who approves their request stage once the
agent asks them in chat.

The agent asks in a DM with them, or in a channel mentioning ``@handle``: a message that
asks for an approval and names the request (``REQ-0012``) whose waiting stage names them.
``delay_ms`` later they approve it on the desk (``servicedesk.stage_approved`` as them) and
say so in chat. A message that names no such request gets no approval; each stage is
approved once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import NpcKind, NpcRuleBase, State
from vei.twins.servicedesk.state import STAGE_APPROVED, record_of
from vei.twins.slack.state import MESSAGE_POSTED, dm_id, find_user
from vei.twins.slack.tools import message_data
from vei.understand import asks_approval

_REQUEST = re.compile(r"\bREQ-?\s?0*(\d{1,4})\b", re.IGNORECASE)


class ApproverTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approved: list[str] = Field(
        default=[
            "Done: I approved {request} ({stage}) on the service desk.",
            "Approved {stage} for {request}. Thanks for checking, {requester}.",
        ],
        min_length=1,
        description="Their chat answer once they approved; {request}, {stage}, {item}, {requester}.",
    )


class ServicedeskApprover(NpcRuleBase):
    """A service desk approver who approves their stage when asked in chat."""

    kind: Literal["servicedesk_approver"]
    user: str = Field(description="Their chat handle.")
    login: str = Field(description="Their login on the service desk (the stage's approver).")
    templates: ApproverTemplates = Field(default_factory=ApproverTemplates)


def _asked_here(slack: Mapping[str, Any], event: Event, approver: Mapping[str, Any]) -> bool:
    channel = event.data["channel"]
    if channel == dm_id(slack["me"], approver["id"]):
        return True
    return f"@{approver['name']}" in str(event.data["text"]).lower()


def _pending(state: Mapping[str, Any], request: str, stage: int) -> bool:
    for entry in state["core"]["pending"].values():
        data = entry["data"]
        if (
            entry["kind"] == STAGE_APPROVED
            and data["request"] == request
            and data["stage"] == stage
        ):
            return True
    return False


def _on_chat(state: State, event: Event, ctx: CallContext, rule: Mapping[str, Any]) -> None:
    slack, desk = state.get("slack"), state.get("servicedesk")
    if slack is None or desk is None or event.data["user"] != slack["me"]:
        return
    approver = find_user(slack, rule["user"])
    text = str(event.data["text"])
    if approver is None or not _asked_here(slack, event, approver) or not asks_approval(text):
        return
    for number in dict.fromkeys(_REQUEST.findall(text)):
        found = record_of(desk, f"REQ-{number}")
        if found is None or found[0] != "requests" or found[1]["state"] != "Pending Approval":
            continue
        req = found[1]
        stage = next(s for s in req["stages"] if s["state"] == "requested")
        if stage["approver"] != rule["login"].lower() or _pending(state, req["id"], stage["index"]):
            continue
        delay = int(rule["delay_ms"])
        data = {
            "request": req["id"],
            "stage": stage["index"],
            "by": stage["approver"],
            "comment": f"Approved on request in chat ({rule['user']})",
        }
        ctx.schedule(delay, STAGE_APPROVED, data, actor=stage["approver"])
        rng = ctx.rng(f"npc:{rule['id']}")
        wording = rng.choice(rule["templates"]["approved"])
        me = find_user(slack, slack["me"])
        values = {
            "request": req["id"],
            "stage": stage["name"],
            "item": req["item"],
            "requester": str(me["display_name"] if me else "").split(" ")[0],
        }
        reply = wording.format_map(values)
        ctx.schedule(
            delay,
            MESSAGE_POSTED,
            message_data(state, event.data["channel"], approver["id"], reply),
            actor=approver["id"],
        )


NPC = (
    NpcKind(
        rule=ServicedeskApprover,
        reactors={MESSAGE_POSTED: _on_chat},
        variables=("request", "stage", "item", "requester"),
    ),
)
