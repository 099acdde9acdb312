"""Attendees who answer the agent's invitations by their own calendars.

A ``calendar_attendee`` rule speaks for some of the people: when the agent invites them
(or moves an event they are invited to), each one looks at their own calendar and working
hours at that time and, after ``delay_ms``, accepts or declines (a reason from their
calendar) by mail and in the event. With ``booked_on_first_invite`` set, the first time
they are invited something else lands on their calendar at that very time first (a
meeting their manager just booked), so they decline; they are free again for any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import NpcKind, NpcRuleBase, State
from vei.twins.calendar.schedule import busy, hours_text, local_label, within_hours
from vei.twins.calendar.state import EVENT_CREATED, EVENT_UPDATED, RESPONSE_RECORDED
from vei.twins.mail.state import MESSAGE_RECEIVED
from vei.twins.mail.tools import inbound_mail_data

NPC_BOOKING = "booked by {name}"


class CalendarAttendee(NpcRuleBase):
    """People who answer the agent's invitations by their own calendars."""

    kind: Literal["calendar_attendee"]
    people: list[str] = Field(min_length=1, description="Their addresses (people in the calendar).")
    booked_on_first_invite: str | None = Field(
        default=None,
        description="Title of a commitment that lands at the time of their first invitation.",
    )
    accept_templates: list[str] = Field(
        default=[
            "Hi,\n\n{when} works for me. See you then.\n\n{name}",
            "Accepted - {when} is fine on my side.\n\n{name}",
        ],
        min_length=1,
    )
    decline_templates: list[str] = Field(
        default=[
            "Hi,\n\nSorry, I can't make {when}: {reason}. Could we find another time?\n\n{name}",
            "I have to decline {when}, I'm afraid: {reason}. Another slot would work.\n\n{name}",
        ],
        min_length=1,
    )


def _reason(
    cal: Mapping[str, Any], email: str, ev: Mapping[str, Any], booked: str | None
) -> str | None:
    person = cal["people"][email]
    if booked is not None:
        return f"{booked} was just booked at that time"
    if busy(cal, email, ev["start_ms"], ev["end_ms"], skip=ev["id"]):
        return "my calendar is already booked then"
    if not within_hours(person, ev["start_ms"], ev["end_ms"]):
        local = local_label(ev["start_ms"], person["time_zone"])
        return f"that is {local} my time, outside my working hours ({hours_text(person)})"
    return None


def _first_booking_done(cal: Mapping[str, Any], email: str, title: str) -> bool:
    return any(e["organizer"] == email and e["title"] == title for e in cal["events"].values())


def _on_invite(state: State, event: Event, ctx: CallContext, rule: Mapping[str, Any]) -> None:
    cal = state.get("calendar")
    if cal is None or event.actor != "agent":
        return
    ev_id = event.data.get("id", event.data.get("event"))
    ev = cal["events"].get(ev_id)
    if ev is None or ev["status"] != "confirmed" or ev["organizer"] != cal["me"]:
        return
    waiting = {a["email"] for a in ev["attendees"] if a["response"] == "needs_action"}
    if event.kind == EVENT_UPDATED and "start_ms" not in event.data["changes"]:
        waiting &= set(event.data["added"])  # only the newly invited have something to answer
    for email in [p.lower() for p in rule["people"]]:
        if email not in waiting or email not in cal["people"]:
            continue
        person = cal["people"][email]
        booked = rule.get("booked_on_first_invite")
        if booked and not _first_booking_done(cal, email, booked):
            ctx.emit(
                EVENT_CREATED,
                {
                    "id": f"EV-{cal['next']}",
                    "title": booked,
                    "organizer": email,
                    "attendees": [],
                    "start_ms": ev["start_ms"],
                    "end_ms": ev["end_ms"],
                    "time_zone": person["time_zone"],
                    "description": NPC_BOOKING.format(name=person["name"]),
                    "location": "",
                    "weekly_count": 1,
                },
                actor=f"npc:{rule['id']}",
            )
        else:
            booked = None
        reason = _reason(cal, email, ev, booked)
        answer = "declined" if reason else "accepted"
        _answer(state, ctx, rule, ev, email, answer, reason or "")


def _answer(
    state: State,
    ctx: CallContext,
    rule: Mapping[str, Any],
    ev: Mapping[str, Any],
    email: str,
    answer: str,
    reason: str,
) -> None:
    cal = state["calendar"]
    person = cal["people"][email]
    when = f"{local_label(ev['start_ms'], person['time_zone'])} ({person['time_zone']})"
    templates = rule["decline_templates"] if answer == "declined" else rule["accept_templates"]
    body = (
        ctx.rng(f"npc:{rule['id']}")
        .choice(templates)
        .format(when=when, reason=reason, name=person["name"], title=ev["title"])
    )
    data = {
        "event": ev["id"],
        "email": email,
        "response": answer,
        "sequence": ev["sequence"],
        "comment": reason,
    }
    ctx.schedule(int(rule["delay_ms"]), RESPONSE_RECORDED, data, actor=f"npc:{rule['id']}")
    if "mail" in state:
        subject = f"{'Declined' if answer == 'declined' else 'Accepted'}: {ev['title']}"
        mail = inbound_mail_data(ctx, email, state["mail"]["address"], subject, body)
        ctx.schedule(int(rule["delay_ms"]), MESSAGE_RECEIVED, mail, actor=f"npc:{rule['id']}")


NPC = (
    NpcKind(
        rule=CalendarAttendee,
        reactors={EVENT_CREATED: _on_invite, EVENT_UPDATED: _on_invite},
        variables=("when", "reason", "name", "title"),
    ),
)
