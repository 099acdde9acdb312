"""Shared helpers for twin tests: a real World and call shortcuts that check the outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import State, Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore
from vei.twins.mail import MESSAGE_RECEIVED, deliver_mail, inbound_mail_data
from vei.twins.slack import MESSAGE_POSTED, message_data, post_message


def make_world(*twins: Twin, seed_data: Mapping[str, Any] | None = None) -> World:
    """A world over ``twins`` with an in-memory store and the fixed test key."""
    return World(
        twins=list(twins),
        store=MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        seed=1,
        run_id="t",
        seed_data=seed_data,
    )


def ok(world: World, tool: str, **args: Any) -> dict[str, Any]:
    """Call ``tool`` and return its result, failing the test if it was rejected."""
    outcome = world.call(tool, args)
    assert outcome.ok, outcome.result
    return outcome.result


def rejected(world: World, tool: str, **args: Any) -> dict[str, Any]:
    """Call ``tool``, check it was rejected without changing anything, return the error."""
    before, revision = world.state_hash(), world.revision
    outcome = world.call(tool, args)
    assert not outcome.ok, outcome.result
    assert outcome.events == ()
    assert (world.state_hash(), world.revision) == (before, revision)
    error: dict[str, Any] = outcome.result["error"]
    return error


class NpcPostArgs(ToolArgs):
    channel: str = Field(description="Where to post.")
    user: str = Field(description="Who posts.")
    text: str = Field(description="What they say.")
    thread_ts: str | None = Field(default=None, description="Thread parent.")
    delay_ms: int = Field(default=0, description="Post this much later (0 = now).")


class NpcMailArgs(ToolArgs):
    sender: str = Field(description="From address.")
    subject: str = Field(description="Subject.")
    body: str = Field(description="Body.")
    in_reply_to: str | None = Field(default=None, description="Message answered.")
    delay_ms: int = Field(default=0, description="Deliver this much later (0 = now).")


def _npc_post(state: State, args: NpcPostArgs, ctx: CallContext) -> dict[str, Any]:
    if args.delay_ms:
        data = message_data(state, args.channel, args.user, args.text, args.thread_ts)
        ctx.schedule(args.delay_ms, MESSAGE_POSTED, data, actor=data["user"])
    else:
        post_message(ctx, state, args.channel, args.user, args.text, args.thread_ts)
    return {}


def _npc_mail(state: State, args: NpcMailArgs, ctx: CallContext) -> dict[str, Any]:
    to = state["mail"]["address"]
    if args.delay_ms:
        data = inbound_mail_data(ctx, args.sender, to, args.subject, args.body, args.in_reply_to)
        ctx.schedule(args.delay_ms, MESSAGE_RECEIVED, data, actor=args.sender)
        return {"id": data["id"]}
    event = deliver_mail(ctx, args.sender, to, args.subject, args.body, args.in_reply_to)
    return {"id": event.data["id"]}


# A stand-in for NPC code: lets tests post and deliver as other people through World.call.
NPC = Twin(
    name="npc",
    initial_state=lambda seed: {},
    reducers={},
    tools=(
        ToolSpec("npc_post", "Post to chat as someone else.", NpcPostArgs, "write", _npc_post),
        ToolSpec("npc_mail", "Deliver mail to the agent.", NpcMailArgs, "write", _npc_mail),
    ),
)
