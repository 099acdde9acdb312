"""The app calls of a run so far, read from its receipts (the log decides, not memory).

A *repeat* is an app call identical to the one just before it (same tool, same argument
digest; control calls in between do not count) made while nothing in the world changed
in between: it started at the revision the previous one ended at. ``LOOP_AT`` repeats in
a row are a loop. ``CallHistory`` keeps what the ``tool_aware`` monitor needs and catches
up from the store's receipts, so it gives the same answers after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vei.receipts.chain import Receipt

LOOP_AT = 3


def is_app_tool(tool: str) -> bool:
    """Whether a tool is an app tool (control tools are ``vei_*``)."""
    return not tool.startswith("vei_")


@dataclass
class CallHistory:
    """Streak, writes and costs of the app calls before the current one."""

    seen: int = 0
    last_key: tuple[str, str] | None = None
    last_rev_after: int = -1
    streak: int = 0
    writes: set[tuple[str, str]] = field(default_factory=set)
    cost_total: int = 0
    app_calls: int = 0

    def add(self, body: Mapping[str, Any], is_write: bool) -> None:
        """Account for one app call's receipt body."""
        key = (str(body["tool"]), str(body["args_digest"]))
        repeat = key == self.last_key and body["rev_before"] == self.last_rev_after
        self.streak = self.streak + 1 if repeat else 1
        self.last_key, self.last_rev_after = key, int(body["rev_after"])
        if is_write and body["ok"] and body["events"] is not None:
            self.writes.add(key)
        self.cost_total += int(body["cost_cents"])
        self.app_calls += 1

    def catch_up(self, receipts: Iterable[Receipt], before: int, kinds: Mapping[str, str]) -> None:
        """Add the app calls among ``receipts`` with index below ``before``; ``kinds`` maps
        tool names to their registry kind."""
        for receipt in receipts:
            if receipt.index >= before:
                break
            self.seen = receipt.index
            tool = str(receipt.body["tool"])
            if is_app_tool(tool):
                self.add(receipt.body, kinds.get(tool) == "write")

    def streak_with(self, tool: str, args_digest: str, revision: int) -> int:
        """How long the streak of repeats is if the next call is ``tool`` with
        ``args_digest`` starting at ``revision`` (1 when it is not a repeat)."""
        repeat = (tool, args_digest) == self.last_key and revision == self.last_rev_after
        return self.streak + 1 if repeat else 1


def repeated_calls(receipts: Iterable[Receipt]) -> int:
    """How many app calls in ``receipts`` were repeats of the call before them."""
    history = CallHistory()
    repeats = 0
    for receipt in receipts:
        if is_app_tool(str(receipt.body["tool"])):
            history.add(receipt.body, False)
            repeats += history.streak > 1
    return repeats
