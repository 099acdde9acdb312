"""What the desk tells people: SLA breaches and approvals waiting for the agent, by mail
to the agent and by chat in the seed's ``notify.channel``.

Reactors (live only): they schedule ordinary ``mail.message_received`` and
``slack.message_posted`` events, due now, and skip whichever app the world lacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import Reactor, State
from vei.twins.mail.state import MESSAGE_RECEIVED
from vei.twins.mail.tools import inbound_mail_data
from vei.twins.servicedesk.state import (
    INCIDENT_CREATED,
    SLA_BREACHED,
    SLA_DUE,
    STAGE_APPROVED,
    incident_id,
    sla_breach_due,
)
from vei.twins.slack.state import MESSAGE_POSTED, find_user
from vei.twins.slack.tools import message_data

ACTOR = "servicedesk"


def notify(ctx: CallContext, state: State, subject: str, body: str, chat: str | None) -> None:
    """Mail the agent (when the world has mail) and post ``chat`` in the notify channel
    (when the world has that channel and the desk's chat user)."""
    desk = state["servicedesk"]
    mail = state.get("mail")
    if mail is not None:
        data = inbound_mail_data(ctx, desk["notify"]["mail_from"], mail["address"], subject, body)
        ctx.schedule(0, MESSAGE_RECEIVED, data, actor=ACTOR)
    slack = state.get("slack")
    channel, user = desk["notify"]["channel"], desk["notify"]["chat_user"]
    if chat is None or slack is None or channel is None or user is None:
        return
    if find_user(slack, user) is None or channel.lstrip("#") not in slack["channels"]:
        return
    try:
        data = message_data(state, channel, user, chat)
    except ValueError:  # the bot is not in the channel: it stays quiet
        return
    ctx.schedule(0, MESSAGE_POSTED, data, actor=ACTOR)


def _on_sla_due(state: State, event: Event, ctx: CallContext) -> None:
    desk = state["servicedesk"]
    if not sla_breach_due(desk, event.data):
        return
    ctx.emit(SLA_BREACHED, dict(event.data), actor=ACTOR, cause=event.seq)
    inc = desk["incidents"][event.data["incident"]]
    timer = event.data["timer"]
    subject = f"SLA breached: {inc['id']} {timer} (P{inc['priority']})"
    body = f'{inc["id"]} "{inc["short_description"]}" missed its {timer} target.'
    notify(
        ctx,
        state,
        subject,
        body,
        f":rotating_light: {inc['id']} (P{inc['priority']}) breached its {timer} SLA",
    )


def _on_stage_approved(state: State, event: Event, ctx: CallContext) -> None:
    desk = state["servicedesk"]
    req = desk["requests"][event.data["request"]]
    waiting = [s for s in req["stages"] if s["state"] == "requested"]
    if waiting and waiting[0]["approver"] == desk["me"] and event.actor != "agent":
        stage = waiting[0]
        subject = f"Approval requested: {req['id']} {stage['name']}"
        body = f"{req['id']} ({req['item']}) waits for your decision on stage {stage['index']} ({stage['name']})."
        notify(ctx, state, subject, body, None)


def _on_incident_created(state: State, event: Event, ctx: CallContext) -> None:
    if event.data["priority"] != 1 or event.actor == "agent":
        return
    inc = state["servicedesk"]["incidents"][incident_id(event.data["number"])]
    text = f"New P1 {inc['id']}: {inc['short_description']}"
    notify(ctx, state, text, inc["description"] or text, text)


REACTORS: dict[str, Sequence[Reactor]] = {
    SLA_DUE: (_on_sla_due,),
    STAGE_APPROVED: (_on_stage_approved,),
    INCIDENT_CREATED: (_on_incident_created,),
}
# Announced only when it breaches (the breach event itself is shown).
QUIET = frozenset({SLA_DUE})
__all__ = ["QUIET", "REACTORS", "SLA_BREACHED", "notify"]
