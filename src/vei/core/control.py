"""Control tools every world has: observe, tick, act_and_observe, state, reset, pending,
tools_search and help. Their handlers receive the World itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, describe

if TYPE_CHECKING:
    from vei.core.world import World

MAX_TICK_MS = 7 * 24 * 3600 * 1000
MAX_LISTED_EVENTS = 50


def visible(world: World, events: list[Event]) -> list[Event]:
    """The events an agent may be shown: not the kernel's or bookkeeping twins' (NPC
    decisions, findings: agents see what NPCs say in the apps), not quiet kinds."""
    hidden, quiet = world.hidden_prefixes, world.quiet_kinds
    return [e for e in events if not e.kind.startswith(hidden) and e.kind not in quiet]


def event_summary(event: Event) -> dict[str, Any]:
    """What an agent is shown of an event: when, what, who, and its data."""
    return {
        "seq": event.seq,
        "t_ms": event.t_ms,
        "kind": event.kind,
        "actor": event.actor,
        "data": event.data,
    }


class TickArgs(ToolArgs):
    dt_ms: int | None = Field(
        default=None, ge=0, le=MAX_TICK_MS, description="Advance the clock by this many ms."
    )
    until_next_event: bool | None = Field(
        default=None,
        description="Advance to the next scheduled event (the default if dt_ms is absent).",
    )

    @model_validator(mode="after")
    def _one_mode(self) -> TickArgs:
        if self.dt_ms is not None and self.until_next_event:
            raise ValueError("give dt_ms or until_next_event, not both")
        return self


class ActArgs(ToolArgs):
    tool: str = Field(description="Name of the tool to call.")
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments for that tool.")


class ResetArgs(ToolArgs):
    seed: int | None = Field(default=None, description="Seed of the new run (default: same seed).")
    scenario: str | None = Field(
        default=None, description="Scenario of the new run (default: same)."
    )


class SearchArgs(ToolArgs):
    query: str = Field(
        min_length=1, max_length=500, description="Words describing what you want to do."
    )
    top_k: int = Field(default=5, ge=1, le=50, description="How many tools to return.")


class HelpArgs(ToolArgs):
    topic: str | None = Field(
        default=None, description="A tool name for its details; omit for an overview."
    )


def observe(world: World, _: NoArgs) -> dict[str, Any]:
    """Time, counters, what happened since the last observe (not the agent's own doing)."""
    new = visible(
        world, [e for e in world.recent if e.seq > world.observed_rev and e.actor != "agent"]
    )
    world.observed_rev = world.revision
    return {
        "t_ms": world.clock_ms,
        "revision": world.revision,
        "apps": world.summaries(),
        "new_events": [event_summary(e) for e in new[-MAX_LISTED_EVENTS:]],
        "new_event_count": len(new),
        "pending_count": len(world.state["core"]["pending"]),
    }


def tick(world: World, args: TickArgs) -> dict[str, Any]:
    """Let virtual time pass and deliver what comes due."""
    start = world.clock_ms
    if args.dt_ms is not None:
        target = start + args.dt_ms
    else:
        due = world.next_due_ms()
        target = start if due is None else max(start, due)
    delivered = visible(world, world.advance(target))
    return {
        "t_ms": world.clock_ms,
        "advanced_ms": world.clock_ms - start,
        "delivered": [event_summary(e) for e in delivered[-MAX_LISTED_EVENTS:]],
        "delivered_count": len(delivered),
        "next_due_ms": world.next_due_ms(),
    }


def act_and_observe(world: World, args: ActArgs) -> dict[str, Any]:
    """Call a tool (with its own receipt) and then observe."""
    if args.tool in {"vei_act_and_observe", "vei.act_and_observe", "vei_reset", "vei.reset"}:
        raise VeiError(
            "core.invalid_arguments", f"{args.tool} cannot be nested in vei_act_and_observe"
        )
    if args.tool not in world.registry:
        raise VeiError("core.unknown_tool", f"unknown tool {args.tool!r}")
    inner = world.call(args.tool, args.args)
    return {
        "ok": inner.ok,
        "result": inner.result,
        "receipt_index": inner.receipt.index,
        "observation": observe(world, NoArgs()),
    }


def state(world: World, _: NoArgs) -> dict[str, Any]:
    """Revision, clock, state hash, chain head and the last few receipts."""
    recent = list(world.store.receipts(max(0, world.chain.count - 5)))
    return {
        "run": world.run_id,
        "seed": world.seed,
        "revision": world.revision,
        "t_ms": world.clock_ms,
        "state_hash": world.state_hash(),
        "chain_head": world.chain.head,
        "receipt_count": world.chain.count,
        "recent_receipts": [
            {k: r.body[k] for k in ("index", "tool", "ok", "error_code", "rev_after")}
            | {"hash": r.hash}
            for r in recent
        ],
        "scenario": world.meta.get("scenario"),
    }


def reset(world: World, args: ResetArgs) -> dict[str, Any]:
    """Validated here; the session that owns the world starts the new run afterwards."""
    check = world.reset_check
    if check is None:
        raise VeiError("core.unsupported", "vei_reset needs a session (vei serve or vei.Session)")
    result: dict[str, Any] = check(args.seed, args.scenario)
    return result


def pending(world: World, _: NoArgs) -> dict[str, Any]:
    """Scheduled events not yet delivered (when, what kind, whose), without payloads."""
    items = world.pending()
    return {"t_ms": world.clock_ms, "pending": items[:MAX_LISTED_EVENTS], "count": len(items)}


def tools_search(world: World, args: SearchArgs) -> dict[str, Any]:
    """Tools ranked for a free-text query."""
    found = world.registry.search(args.query, args.top_k)
    return {"tools": [describe(s) for s in found]}


def help_(world: World, args: HelpArgs) -> dict[str, Any]:
    """An overview of the world and its tools, or one tool's details."""
    if args.topic:
        if args.topic not in world.registry:
            raise VeiError(
                "core.unknown_tool", f"no tool {args.topic!r}; see vei_help with no topic"
            )
        return describe(world.registry.resolve(args.topic))
    by_app: dict[str, list[str]] = {}
    for spec in world.registry:
        by_app.setdefault(spec.twin, []).append(spec.name)
    task = world.meta.get("task")
    return {
        "overview": (
            "VEI is a simulated company. Tools are named <app>_<verb>. Time is virtual: each "
            "call costs its latency; use vei_tick to wait for replies and vei_observe to see "
            "what is new. Errors come back as {error: {code, message, retryable, retry_after_ms}}."
        ),
        "task": task,
        "apps": by_app,
    }


def _control(
    name: str, description: str, args: type[ToolArgs], handler: Any, keywords: str
) -> ToolSpec:
    return ToolSpec(
        name=name,
        description=description,
        args=args,
        kind="control",
        handler=handler,
        keywords=tuple(keywords.split()),
    )


_EVENT = "{seq, t_ms, kind, actor, data}"

CONTROL_TOOLS: tuple[ToolSpec, ...] = (
    _control(
        "vei_observe",
        "See what is new: the virtual time, unread counts in every app and what happened since your last observe (not your own doing). Reads only. "
        f"Returns {{t_ms, revision, apps, new_events: [{_EVENT}], new_event_count, pending_count}}; apps holds each app's unread counts.",
        NoArgs,
        observe,
        "new latest updates changes notifications",
    ),
    _control(
        "vei_tick",
        "Wait: let virtual time pass (dt_ms of it, or until the next scheduled event), delivering everything that comes due (replies, mail, ...). "
        f"Returns {{t_ms, advanced_ms, delivered: [{_EVENT}], delivered_count, next_due_ms}}.",
        TickArgs,
        tick,
        "wait pause sleep pass time later delay advance clock reply arrive",
    ),
    _control(
        "vei_act_and_observe",
        "Call one tool and then observe, in one step; the inner call gets its own receipt. "
        "Returns {ok, result, receipt_index, observation}: the inner call's result (or error) and what vei_observe returns.",
        ActArgs,
        act_and_observe,
        "call run then",
    ),
    _control(
        "vei_state",
        "The run's bookkeeping. "
        "Returns {run, seed, scenario, revision, t_ms, state_hash, chain_head, receipt_count, recent_receipts}: the last 5 receipts as {index, tool, ok, error_code, rev_after, hash}.",
        NoArgs,
        state,
        "hash receipt chain revision run id seed",
    ),
    _control(
        "vei_reset",
        "Start a new run (optionally with another seed or scenario); the current run is closed and checkpointed. "
        "Returns {reset, seed, scenario, previous_run, run}.",
        ResetArgs,
        reset,
        "restart again over scenario seed",
    ),
    _control(
        "vei_pending",
        "Scheduled events that have not happened yet (payloads are not shown). "
        "Returns {t_ms, pending: [{due_ms, kind, actor}], count}, soonest first.",
        NoArgs,
        pending,
        "scheduled upcoming queue future expected",
    ),
    _control(
        "vei_tools_search",
        "Find tools for what you want to do, ranked by relevance to a free-text query. "
        "Returns {tools: [{name, description, kind, scopes, latency_ms, cost_cents, input_schema}]}, best first.",
        SearchArgs,
        tools_search,
        "which tool capability function discover",
    ),
    _control(
        "vei_help",
        "How this world works, the task, and the tools per app; or one tool's details. "
        "Returns {overview, task, apps} (apps: each app's tool names), or for a topic that tool's {name, description, kind, scopes, latency_ms, cost_cents, input_schema}.",
        HelpArgs,
        help_,
        "explain how instructions task overview guide",
    ),
)
