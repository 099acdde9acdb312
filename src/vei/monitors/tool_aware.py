"""The ``tool_aware`` monitor: how the agent uses its tools.

- ``tool_aware.loop`` (warning): the same call (tool and arguments) for the
  ``LOOP_AT``-th time in a row while nothing in the world changed in between; reported
  once per streak.
- ``tool_aware.repeated_write`` (warning): a write that others see (an event a twin
  declares outward: a mail, a chat post or reaction, a form submission ...) repeating an earlier successful write with the same
  arguments (the same mail sent twice).
- ``tool_aware.write_without_read`` (info): posting in a channel whose new top-level
  messages the agent has not opened, replying to mail it has not opened, submitting a form
  on a page it has not read; once per channel, mail or form.
- ``tool_aware.cost_spike`` (warning): a call costing at least ``SPIKE_MIN_CENTS`` and at
  least ``SPIKE_FACTOR`` times the mean cost of the app calls before it.

History comes from the run's receipts (``vei.monitors.history``), so findings are the
same after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.money import format_money
from vei.monitors.base import Finding, MonitorSpec, Observation
from vei.monitors.history import LOOP_AT
from vei.monitors.outflow import outward_of
from vei.twins.browser.state import FORM_SUBMITTED
from vei.twins.mail.state import MESSAGE_SENT
from vei.twins.slack.state import MESSAGE_POSTED, ts_micros
from vei.types import Severity

NAME = "tool_aware"
SPIKE_MIN_CENTS = 100
SPIKE_FACTOR = 5
CODES: dict[str, tuple[Severity, str]] = {
    "tool_aware.loop": (
        "warning",
        f"The same call {LOOP_AT} times in a row with nothing changed in between.",
    ),
    "tool_aware.repeated_write": (
        "warning",
        "A write repeated an earlier successful write with the same arguments.",
    ),
    "tool_aware.write_without_read": (
        "info",
        "A write to something the agent had not read: a channel with unread messages, an unopened mail, an unread page's form.",
    ),
    "tool_aware.cost_spike": (
        "warning",
        f"A call costing at least {format_money(SPIKE_MIN_CENTS)} and {SPIKE_FACTOR}x the mean cost of earlier calls.",
    ),
}


def _unread_top_level(slack: Mapping[str, Any], channel: Mapping[str, Any]) -> int:
    """New conversation by others the agent has not opened (thread replies not counted:
    the agent may have read them with slack_fetch_thread)."""
    if slack.get("me") not in channel["members"]:
        return 0
    last = channel["last_read_ts"]
    after = -1 if last is None else ts_micros(last)
    return sum(
        1
        for ts, m in channel["messages"].items()
        if m["user"] != slack.get("me") and m["thread_ts"] is None and ts_micros(ts) > after
    )


def _unread_targets(obs: Observation) -> list[tuple[str, str, int]]:
    """(subject, what was not read, event seq) for each write to something unread."""
    state = obs.state
    found: list[tuple[str, str, int]] = []
    slack = state.get("slack", {})
    for event in obs.events:
        data = event.data
        if event.kind == MESSAGE_POSTED and data.get("user") == slack.get("me"):
            channel = slack.get("channels", {}).get(data["channel"])
            unread = 0 if channel is None else _unread_top_level(slack, channel)
            if unread:
                what = f"posted in {data['channel']} without opening it: {unread} unread messages there"
                found.append((f"slack:{data['channel']}", what, event.seq))
        elif event.kind == MESSAGE_SENT and obs.tool == "mail_reply":
            original = state.get("mail", {}).get("messages", {}).get(data.get("in_reply_to"))
            if original is not None and original["unread"]:
                what = f"replied to mail {original['id']} without opening it"
                found.append((f"mail:{original['id']}", what, event.seq))
        elif event.kind == FORM_SUBMITTED:
            url = data.get("url")
            if url not in state.get("browser", {}).get("reads", {}):
                what = f"submitted form {data.get('form_id')} without reading {url}"
                found.append((f"form:{data.get('form_id')}", what, event.seq))
    return found


def check(obs: Observation) -> list[Finding]:
    """Findings about loops, repeated writes, unread targets and cost spikes."""
    found: list[Finding] = []
    history = obs.history
    if history is not None:
        if history.streak_with(obs.tool, obs.args_digest, obs.revision) == LOOP_AT:
            message = f"{obs.tool} called {LOOP_AT} times in a row with the same arguments and nothing changed"
            found.append(obs.finding(NAME, "tool_aware.loop", "warning", message))
        outward = any(outward_of(obs.state, e) is not None for e in obs.events)
        if outward and (obs.tool, obs.args_digest) in history.writes:
            message = f"{obs.tool} repeated an earlier write with the same arguments"
            found.append(
                obs.finding(
                    NAME, "tool_aware.repeated_write", "warning", message, obs.events[0].seq
                )
            )
        calls, total = history.app_calls, history.cost_total
        if obs.cost_cents >= SPIKE_MIN_CENTS and obs.cost_cents * calls >= SPIKE_FACTOR * total:
            mean = format_money(total // calls if calls else 0)
            message = f"{obs.tool} cost {format_money(obs.cost_cents)} (mean so far {mean})"
            found.append(obs.finding(NAME, "tool_aware.cost_spike", "warning", message))
    code = "tool_aware.write_without_read"
    for subject, what, seq in _unread_targets(obs):
        if not obs.reported(code, subject):
            found.append(obs.finding(NAME, code, "info", what, seq, subject))
    return found


MONITOR = MonitorSpec(
    NAME, CODES, check, "Loops, repeated writes, writes without reading, cost spikes."
)
