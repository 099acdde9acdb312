"""What a twin contributes to a world, declared once so the rest of VEI loops over it.

Every twin package has the same files: ``state.py`` (event kinds, initial state and
reducers), ``tools.py`` (tool declarations and handlers) and ``seed.py`` (default data),
optionally ``criteria.py`` (criterion kinds), ``npc.py`` (NPC kinds) and ``drift.py``
(drift job kinds), and exposes one ``TWIN`` built from them in its ``__init__``.
Scoring, monitors, policy, the NPC engine and drift read these declarations: an app is
its folder plus one line in ``vei.twins``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.registry import ToolSpec

State = dict[str, Any]
# A reducer applies one event to the world state in place: no I/O, no randomness.
Reducer = Callable[[State, Event], None]
# A reactor sees an applied event and may emit or schedule more (NPCs, drift); live only.
Reactor = Callable[[State, Event, CallContext], None]


@dataclass(frozen=True)
class Outward:
    """What one of the agent's events shows people outside the agent (a mail sent, a chat
    post, a form submitted, a ticket comment, a document shared).

    ``targets`` are the places it reaches as ``<twin>:<thing>`` strings (``slack:general``,
    ``mail:ann@x.example``); the collateral axis compares them with the places the task's
    criteria need. ``destinations`` are mail addresses or web hosts: monitors decide from
    their domain whether it leaves the company. ``public`` is True when anyone may see it
    (a public channel, an anyone-with-the-link share). ``spend_cents`` is money it commits
    the company to (a payment), for the policy's spend rules.
    """

    app: str
    where: str
    text: str
    targets: tuple[str, ...]
    destinations: tuple[str, ...] = ()
    public: bool = False
    spend_cents: int = 0


# Reads an applied event against the state after it: the Outward it is, or None when the
# event is not an outward act of the agent's.
OutwardReader = Callable[[Mapping[str, Any], Event], Outward | None]
# An NPC reaction: (world state, the event, the context, the rule as declared) -> None.
NpcReactor = Callable[[State, Event, CallContext, Mapping[str, Any]], None]


class NpcRuleBase(BaseModel):
    """The fields every NPC rule has; a kind adds ``kind: Literal[...]`` and its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="NPC id; its RNG stream is npc:<id>.")
    delay_ms: int = Field(
        default=60_000,
        ge=0,
        le=7 * 24 * 3_600_000,
        description="Virtual ms before the NPC acts.",
    )


@dataclass(frozen=True)
class NpcKind:
    """A kind of NPC a scenario can declare in ``npcs``: its rule model (an
    ``NpcRuleBase`` with ``kind: Literal[...]``), what it reacts to (event kind ->
    reactor, called once per declared rule of this kind, in declaration order, with the
    rule as a dict) and the placeholders its templates may use besides the scenario's
    facts. Wording is drawn only from the rule's own stream, ``ctx.rng("npc:<id>")``;
    what it does is ordinary events (now with ``ctx.emit``, later with
    ``ctx.schedule``)."""

    rule: type[BaseModel]
    reactors: Mapping[str, NpcReactor]
    variables: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return kind_of(self.rule)


class DriftJobBase(BaseModel):
    """The fields every drift job has (its cadence at ``light``; busier modes divide it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,47}$",
        description="Job id: recorded in every event it causes; its draws use stream drift/<id>.",
    )
    every_ms: int = Field(
        ge=1_000, le=7 * 24 * 3_600_000, description="Time between occurrences at light."
    )
    offset_ms: int = Field(default=0, ge=0, le=7 * 24 * 3_600_000, description="First occurrence.")
    jitter_ms: int = Field(
        default=0,
        ge=0,
        le=7 * 24 * 3_600_000,
        description="Each occurrence is up to this much later.",
    )
    modes: list[str] = Field(
        default=["light", "fast", "aggressive"],
        min_length=1,
        description="Modes the job runs in: light, fast, aggressive.",
    )


# (job fields, app states) -> the compiled job's own fields, or why it cannot run here.
DriftCompiler = Callable[[Any, Mapping[str, Mapping[str, Any]]], "dict[str, Any] | str"]
# (compiled job, rng of this occurrence, template variables, world context)
#   -> (event kind, event data, target, one-line summary)
DriftOccur = Callable[
    [Mapping[str, Any], Any, Mapping[str, str], Mapping[str, Any]],
    tuple[str, dict[str, Any], str, str],
]


@dataclass(frozen=True)
class DriftKind:
    """A kind of drift job: its model (a ``DriftJobBase`` with ``kind: Literal[...]``),
    how it is compiled against the world's initial state, what one occurrence emits (a
    pure function of its draws: the event's data gets a ``drift`` marker added, so its
    reducer must accept that key), the event kinds it can emit, and the jobs every world
    with this twin gets unless the scenario turns the library off."""

    job: type[DriftJobBase]
    compile: DriftCompiler
    occur: DriftOccur
    events: tuple[str, ...]
    library: tuple[DriftJobBase, ...] = ()

    @property
    def name(self) -> str:
        return kind_of(self.job)


def kind_of(model: type[BaseModel]) -> str:
    """The ``kind`` literal of a rule, job or criterion model."""
    field = model.model_fields.get("kind")
    values = get_args(field.annotation) if field is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise ValueError(f"{model.__name__}.kind must be one Literal string")
    return str(values[0])


@dataclass(frozen=True)
class Twin:
    """One simulated application."""

    name: str
    initial_state: Callable[[Mapping[str, Any] | None], dict[str, Any]]
    reducers: Mapping[str, Reducer]
    tools: Sequence[ToolSpec]
    reactors: Mapping[str, Sequence[Reactor]] = field(default_factory=dict)
    # Short agent-facing counters for vei_observe, e.g. {"unread": 3}.
    summary: Callable[[State], dict[str, Any]] | None = None
    # Events the world starts with already scheduled (drift, background actors): each
    # {"due_ms", "kind", "actor", "data"}; a reactor can schedule the next occurrence.
    initial_schedule: Callable[[Mapping[str, Any] | None], list[dict[str, Any]]] | None = None
    # False for bookkeeping twins (NPC decisions, findings): agents are shown none of their
    # events, only what NPCs say and do in the apps.
    announced: bool = True
    # Kinds nobody announces (a vendor editing its page): applied, but not shown by
    # vei_tick / vei_observe; the agent finds them by looking.
    quiet_kinds: frozenset[str] = frozenset()
    # code -> meaning, for every error code the twin's tools raise (docs/errors.md).
    error_codes: Mapping[str, str] = field(default_factory=dict)
    # Event kind -> how it shows outside the agent (collateral, outflow monitors, spend).
    outward: Mapping[str, OutwardReader] = field(default_factory=dict)
    # Criterion kinds (vei.verdict.Criterion subclasses) scenarios may use.
    criteria: Sequence[type[BaseModel]] = ()
    # NPC kinds and drift job kinds scenarios may declare.
    npc: Sequence[NpcKind] = ()
    drift: Sequence[DriftKind] = ()
    # Confidential material the twin holds (a wiki document marked confidential), for the
    # monitors and the policy: (world state) -> {the address that opens it: its text}.
    confidential: Callable[[Mapping[str, Any]], Mapping[str, str]] | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """Every permission scope the twin's tools need, sorted."""
        return tuple(sorted({s for spec in self.tools for s in spec.scopes}))

    def __post_init__(self) -> None:
        for kind in self.reducers:
            if not kind.startswith(f"{self.name}."):
                raise ValueError(f"twin {self.name!r} declares foreign event kind {kind!r}")
        for code in self.error_codes:
            if not code.startswith(f"{self.name}."):
                raise ValueError(f"twin {self.name!r} declares foreign error code {code!r}")
        for spec in self.tools:
            if spec.twin != self.name:
                raise ValueError(f"twin {self.name!r} declares foreign tool {spec.name!r}")
        for kind in self.outward:
            if kind not in self.reducers:
                raise ValueError(f"twin {self.name!r}: outward kind {kind!r} has no reducer")
        for model in (*self.criteria, *(k.rule for k in self.npc), *(k.job for k in self.drift)):
            kind_of(model)
