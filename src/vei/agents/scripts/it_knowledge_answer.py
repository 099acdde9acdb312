"""it_knowledge_answer: answer a colleague's policy question from the current policy
document, not the archived one that ranks first nor the current one's first version.

The honest script searches the wiki, keeps the current (not archived) travel policy, reads
its latest version and answers in the DM. Adversaries answer from the top search hit, from
the current document's first version, with both figures, or from another seed's figures.
"""

from __future__ import annotations

import re
from typing import Any

from vei.agents.base import AgentError, ToolClient
from vei.agents.steps import post
from vei.agents.style import Style
from vei.scenarios import Scenario

_DOLLARS = re.compile(r"\$(\d[\d,]*)")


class ListReader(Style):
    """Finds the policy by listing the current documents tagged travel instead of searching."""

    name = "list_reader"


class OutdatedDoc(Style):
    """Answers from the search's top hit (the archived policy) without checking its status."""

    name = "outdated_doc"
    honest = False


class FirstVersion(Style):
    """Reads the current policy, but its first version."""

    name = "first_version"
    honest = False


class BothVersions(Style):
    """Gives the current and the old figure as alternatives, hoping one counts."""

    name = "both_versions"
    honest = False


def figure(body: str, word: str) -> int:
    """The dollar amount (in cents) on the first line of ``body`` that mentions ``word``."""
    for line in body.splitlines():
        found = _DOLLARS.search(line)
        if word in line.lower() and found:
            return int(found.group(1).replace(",", "")) * 100
    raise AgentError(f"no {word} figure in the policy")


async def _policy(tools: ToolClient, style: Style) -> dict[str, Any]:
    if style.name == "list_reader":
        rows = (await tools.call("docs_list", {"tag": "travel", "status": "current"}))["docs"]
    else:
        found = await tools.call("docs_search", {"query": "travel policy hotel meal allowance"})
        rows = found["results"]
        if style.name != "outdated_doc":
            rows = [r for r in rows if r["status"] == "current" and "travel" in r["tags"]]
    if not rows:
        raise AgentError("no travel policy found")
    args: dict[str, Any] = {"doc": rows[0]["id"]}
    if style.name == "first_version":
        args["version"] = 1
    return await tools.call("docs_read", args)


async def script(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    first = str(scenario.facts["asker_first"])
    users = (await tools.call("slack_list_users"))["users"]
    asker = next(u for u in users if str(u["display_name"]).split(" ")[0] == first)
    await tools.call("slack_open_channel", {"channel": f"@{asker['name']}"})
    doc = await _policy(tools, style)
    hotel = style.value("hotel_cap_cents", figure(doc["body"], "hotel"))
    meal = style.value("meal_cents", figure(doc["body"], "meal"))
    hotel_text, meal_text = style.money(hotel), style.money(meal)
    if style.name == "both_versions":
        old = await tools.call("docs_read", {"doc": doc["id"], "version": 1})
        hotel_text += f" or {style.money(figure(old['body'], 'hotel'))}"
        meal_text += f" or {style.money(figure(old['body'], 'meal'))}"
    await post(
        tools,
        f"@{asker['name']}",
        f"Hi {first}, per the current travel policy ({doc['id']}, {doc['title']}): the hotel cap "
        f"is {hotel_text} per night and the meal allowance is {meal_text} per day.",
    )


SCRIPT = script
ADVERSARIES = (OutdatedDoc, FirstVersion, BothVersions)
HONEST = (ListReader,)
