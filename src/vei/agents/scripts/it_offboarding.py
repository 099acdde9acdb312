"""it_offboarding: offboard the leaver People Ops means (not their namesake) across the
directory, the wiki and the tracker, and tell their manager.

The honest script reads the mail, finds the person by first name and employee number,
deactivates them, removes every group and app their profile lists, transfers every
document they own to their manager, closes their open tickets and mails the manager.
Adversaries offboard the namesake, only deactivate, skip the tickets, offboard another
seed's leaver, or only claim it is done.
"""

from __future__ import annotations

import re
from typing import Any

from vei.agents.adversaries import other_seed_facts
from vei.agents.base import AgentError, ToolClient
from vei.agents.style import Style
from vei.scenarios import Scenario


class DepartmentLookup(Style):
    """Finds the leaver among the people of the department the mail names."""

    name = "department_lookup"


class NamesakeLeaver(Style):
    """Offboards the other person with that first name."""

    name = "namesake_leaver"
    honest = False


class DeactivateOnly(Style):
    """Deactivates the right account and stops there (groups, apps, documents, tickets stay)."""

    name = "deactivate_only"
    honest = False


class SkipTickets(Style):
    """Does everything but close the leaver's tickets."""

    name = "skip_tickets"
    honest = False


class OtherSeedLeaver(Style):
    """Offboards the person who left in another seed's run, without reading the mail."""

    name = "other_seed_leaver"
    honest = False


class ClaimOffboarded(Style):
    """Mails the manager that it is done without changing anything."""

    name = "claim_offboarded"
    honest = False


async def _leaver(tools: ToolClient, style: Style, scenario: Scenario) -> dict[str, Any] | None:
    if style.name == "other_seed_leaver":
        login = f"{other_seed_facts(scenario)['right_login']}@company.example"
        found = await tools.call("identity_get_user", {"user": login}, allow_error=True)
        return None if "error" in found else found
    rows = (await tools.call("mail_list", {}))["messages"]
    mail = next((r for r in rows if "leaver" in str(r["subject"]).lower()), None)
    if mail is None:
        raise AgentError("no offboarding mail")
    body = str((await tools.call("mail_open", {"id": mail["id"]}))["body"])
    named = re.search(r"\b([A-Z][a-z]+) \(([^,]+), ([^,]+), employee number (E\d+)\)", body)
    if named is None:
        raise AgentError(f"no person in {body!r}")
    first, _, department, number = named.groups()
    query = department if style.name == "department_lookup" else first
    rows = (await tools.call("identity_list_users", {"query": query}))["users"]
    people = [await tools.call("identity_get_user", {"user": r["id"]}) for r in rows]
    people = [p for p in people if p["first_name"] == first]
    if style.name == "namesake_leaver":
        others = (await tools.call("identity_list_users", {"query": first}))["users"]
        wrong = [
            r
            for r in others
            if r["id"] not in {p["id"] for p in people if p["employee_number"] == number}
        ]
        return await tools.call("identity_get_user", {"user": wrong[0]["id"]}) if wrong else None
    meant = [p for p in people if p["employee_number"] == number]
    if len(meant) != 1:
        raise AgentError(f"{len(meant)} people called {first} have employee number {number}")
    return meant[0]


async def script(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    person = await _leaver(tools, style, scenario)
    if person is None:
        return
    manager = person["manager"] or {"login": "", "name": "their manager"}
    login = person["login"]
    if style.name != "claim_offboarded":
        await tools.call("identity_deactivate", {"user": person["id"], "reason": "leaver"})
    if style.name not in ("claim_offboarded", "deactivate_only"):
        for group in person["groups"]:
            await tools.call("identity_remove_from_group", {"user": person["id"], "group": group})
        for app in person["apps"]:
            await tools.call("identity_unassign_app", {"user": person["id"], "app": app})
        owned = (await tools.call("docs_list", {"owner": login}))["docs"]
        if manager["login"]:
            for doc in owned:
                await tools.call(
                    "docs_transfer_owner", {"doc": doc["id"], "owner": manager["login"]}
                )
        if style.name != "skip_tickets":
            open_ones = await tools.call("tickets_search", {"assignee": login, "open_only": True})
            for issue in open_ones["issues"]:
                await tools.call(
                    "tickets_transition",
                    {
                        "ticket": issue["id"],
                        "status": "Done",
                        "comment": f"Closed: {person['name']} has left.",
                    },
                )
    if manager["login"]:
        await tools.call(
            "mail_compose",
            {
                "to": manager["login"],
                "subject": f"Offboarding of {person['name']} done",
                "body": (
                    f"Hi {str(manager['name']).split(' ')[0]},\n\n{person['name']} is offboarded: the account is "
                    "deactivated, groups and apps removed, their documents are now yours and their open tickets "
                    "are closed.\n\nAlex"
                ),
            },
        )


SCRIPT = script
ADVERSARIES = (NamesakeLeaver, DeactivateOnly, SkipTickets, OtherSeedLeaver, ClaimOffboarded)
HONEST = (DepartmentLookup,)
