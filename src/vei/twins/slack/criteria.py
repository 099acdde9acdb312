"""Chat criterion kinds: what the agent's posts in a channel state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from vei.twins.slack.state import MESSAGE_POSTED
from vei.verdict import Claims, Evidence, Said, Verdict


class ChatPost(Claims):
    """The agent's posts in ``channel`` state the facts (see ``vei.verdict.Claims``)."""

    kind: Literal["chat_post"]
    channel: str

    def judge(self, ev: Evidence) -> Verdict:
        channel = self.channel.lstrip("#")
        said = [
            Said(e, str(e.data["text"]))
            for e in ev.of(MESSAGE_POSTED)
            if e.data["user"] == ev.me_chat and e.data["channel"] == channel
        ]
        return self.judge_claims(ev, said, f"in #{channel}")

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return {f"slack:{self.channel.lstrip('#')}"}


CRITERIA = (ChatPost,)
