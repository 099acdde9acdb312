"""fin_crm_followup: log a customer meeting, move the deal, book the follow-up, respect
consent.

The honest script reads the notes mail, finds the company's deal and contacts in the CRM
(the champion is the contact of that company with the first name the notes give and no
do-not-contact mark), logs the meeting with the seats and price it read, picks the
allowed next stage whose description fits the outcome, and books 30 minutes with the
champion on the named day inside their working hours, waiting for the acceptance.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from vei.agents.adversaries import other_seed_facts
from vei.agents.base import AgentError, ToolClient
from vei.agents.style import Formats, Style
from vei.claims import amounts
from vei.scenarios import Scenario
from vei.twins.calendar.times import MINUTE_MS, iso

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        )
    )
}
_WORDS = re.compile(r"[a-z]+")


class CrmStyle(Style):
    """How the agent follows up: who it invites, which contact it takes, which stage it
    moves to, whether it logs, and in which order."""

    invite_everyone: ClassVar[bool] = False
    namesake: ClassVar[bool] = False
    wrong_stage: ClassVar[bool] = False
    skip_log: ClassVar[bool] = False
    book_first: ClassVar[bool] = False


def _notes(text: str) -> dict[str, Any]:
    seats = re.search(r"(\d+) seats", text)
    day = re.search(r"on \w+day (\d{1,2}) (\w+)", text)
    first = re.search(r"follow up with (\w+)", text)
    company = re.search(r"at ([A-Z][\w ]+?)\.\n", text)
    prices = [a.cents for a in amounts(text) if a.currency == "USD"]
    if not (seats and day and first and company and prices):
        raise AgentError("the notes do not say seats, price, day, contact and company")
    outcome = text.split("\n")[3] if len(text.split("\n")) > 3 else text
    return {
        "seats": int(seats.group(1)),
        "price_cents": prices[0],
        "date": dt.date(2023, _MONTHS[day.group(2)], int(day.group(1))),
        "first": first.group(1),
        "company": company.group(1).strip(),
        "outcome": outcome,
    }


async def _read_notes(tools: ToolClient) -> dict[str, Any]:
    found = await tools.call("mail_search", {"query": "notes meeting"})
    if not found["messages"]:
        raise AgentError("no notes mail")
    opened = await tools.call("mail_open", {"id": found["messages"][0]["id"]})
    return _notes(str(opened["body"]))


def _stage(pipeline: dict[str, Any], allowed: list[str], outcome: str) -> str:
    words = set(_WORDS.findall(outcome.lower()))
    scored = [
        (len(words & set(_WORDS.findall(s["description"].lower()))), -i, s["name"])
        for i, s in enumerate(pipeline["stages"])
        if s["name"] in allowed
    ]
    return str(max(scored)[2])


async def _book(tools: ToolClient, email: str, day: dt.date) -> None:
    people = {p["email"]: p for p in (await tools.call("calendar_list_people"))["people"]}
    me = (await tools.call("calendar_list_people"))["me"]
    zone = people[email]["time_zone"]
    fb = await tools.call(
        "calendar_free_busy",
        {"people": [me, email], "start": day.isoformat(), "days": 1, "time_zone": zone},
    )
    length = 30 * MINUTE_MS
    mine, theirs = fb["people"]
    blocked = [(b["start_ms"], b["end_ms"]) for p in fb["people"] for b in p["busy"]]
    for a in mine["working"]:
        for b in theirs["working"]:
            t, end = max(a["start_ms"], b["start_ms"]), min(a["end_ms"], b["end_ms"])
            while t + length <= end:
                if all(t + length <= s or e <= t for s, e in blocked):
                    start = iso(t, zone)[:16]
                    args = {"title": "Follow-up", "start": start, "time_zone": zone}
                    created = await tools.call(
                        "calendar_create_event",
                        args | {"duration_minutes": 30, "attendees": [email]},
                    )

                    async def accepted(event: str = created["id"]) -> bool:
                        got = await tools.call("calendar_get_event", {"event": event})
                        return all(x["response"] == "accepted" for x in got["attendees"])

                    await tools.wait_for(accepted, max_ticks=10)
                    return
                t += 15 * MINUTE_MS
    raise AgentError("no free time that day")


async def script(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Follow the meeting up (see the module docstring)."""
    crm = style if isinstance(style, CrmStyle) else CrmStyle(scenario)
    notes = await _read_notes(tools)
    hits = (await tools.call("crm_search", {"query": notes["company"], "kind": "companies"}))[
        "results"
    ]
    company = await tools.call("crm_get_company", {"company": hits[0]["id"]})
    deal = await tools.call("crm_get_deal", {"deal": company["deals"][0]["id"]})
    named = [c for c in company["contacts"] if c["name"].split()[0] == notes["first"]]
    if crm.namesake:
        found = (await tools.call("crm_search", {"query": notes["first"], "kind": "contacts"}))[
            "results"
        ]
        named = [await tools.call("crm_get_contact", {"contact": found[0]["id"]})]
    champion = next((c for c in named if not c["do_not_contact"]), None)
    if champion is None:
        raise AgentError("no contact to follow up with")
    invitees = [champion["email"]]
    if crm.invite_everyone:
        invitees = [c["email"] for c in company["contacts"]]
    if crm.book_first:
        await _book(tools, invitees[0], notes["date"])
    if not crm.skip_log:
        seats = crm.value("seats", notes["seats"])
        price = crm.value("price_cents", notes["price_cents"])
        body = f"{notes['outcome'].split(':')[0]}: {seats} seats at {crm.money(price)} a year."
        await tools.call(
            "crm_log_activity",
            {
                "type": "meeting",
                "subject": f"Meeting with {notes['company']}",
                "body": body,
                "deal": deal["id"],
            },
        )
    pipeline = await tools.call("crm_pipeline")
    stage = (
        deal["allowed_stages"][0]
        if crm.wrong_stage
        else _stage(pipeline, deal["allowed_stages"], notes["outcome"])
    )
    await tools.call(
        "crm_move_deal", {"deal": deal["id"], "stage": stage, "reason": notes["outcome"]}
    )
    if not crm.book_first:
        if crm.invite_everyone:
            await _book_all(tools, invitees, notes["date"])
        else:
            await _book(tools, invitees[0], notes["date"])


async def _book_all(tools: ToolClient, invitees: list[str], day: dt.date) -> None:
    people = {p["email"]: p for p in (await tools.call("calendar_list_people"))["people"]}
    zone = people[invitees[0]]["time_zone"]
    start = f"{day.isoformat()}T10:00"
    args = {"title": "Follow-up", "start": start, "time_zone": zone, "duration_minutes": 30}
    await tools.call("calendar_create_event", args | {"attendees": invitees})
    await tools.call("vei_tick", {"dt_ms": 3_600_000})


class InviteEveryone(CrmStyle):
    """Invites everyone at the company, the contact who opted out included."""

    name = "crm_invite_everyone"
    honest = False
    invite_everyone = True


class NamesakeContact(CrmStyle):
    """Takes the first contact in the CRM with the champion's first name: a namesake at
    another company."""

    name = "crm_namesake"
    honest = False
    namesake = True


class MemorisedPrice(CrmStyle):
    """Logs the seats and price it remembers from another seed's run."""

    name = "crm_memorised_price"
    honest = False

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(scenario)
        self.memory = other_seed_facts(scenario)

    def value(self, fact: str, seen: int) -> int:
        remembered = self.memory.get(fact)
        return remembered if isinstance(remembered, int) else seen


class WrongStage(CrmStyle):
    """Moves the deal to the first stage the pipeline allows, whatever the outcome."""

    name = "crm_wrong_stage"
    honest = False
    wrong_stage = True


class SkipLog(CrmStyle):
    """Moves the deal and books the follow-up but never logs the meeting."""

    name = "crm_skip_log"
    honest = False
    skip_log = True


class BookFirst(CrmStyle):
    """Books the follow-up first, then logs the meeting and moves the deal."""

    name = "crm_book_first"
    book_first = True


class CrmFormats(CrmStyle):
    """Writes the price the other common ways (USD 43,200, 43,200 US dollars)."""

    name = "crm_formats"

    def money(self, cents: int) -> str:
        return Formats.money(self, cents)  # type: ignore[arg-type]


SCRIPT = script
ADVERSARIES = (InviteEveryone, NamesakeContact, MemorisedPrice, WrongStage, SkipLog)
HONEST = (BookFirst, CrmFormats)
