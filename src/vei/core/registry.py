"""The tool registry: every tool is declared exactly once, here.

The MCP tool list, the Python API (``World.call``), ``vei_tools_search`` (BM25, in
``vei.core.search``) and the generated reference docs all read these declarations. Wire
names are ``<twin>_<verb>``; the dotted spelling (``slack.send_message``) resolves as an
alias when called but is never listed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from vei.core.errors import UnknownToolError
from vei.core.search import SearchIndex

ToolKind = Literal["read", "write", "control"]
Result = dict[str, Any]

_NAME = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")
# Longest string any tool argument takes unless its field declares its own max_length (it
# shows as maxLength in every schema): no input is unbounded.
DEFAULT_MAX_STRING = 10_000


class ToolArgs(BaseModel):
    """Base class of every tool's argument model: unknown fields are an error, and every
    string (list items and dict keys too) is at most DEFAULT_MAX_STRING characters unless
    its field says otherwise."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, str_max_length=DEFAULT_MAX_STRING
    )


class NoArgs(ToolArgs):
    """The arguments of a tool that takes none."""


@dataclass(frozen=True)
class ToolSpec:
    """One tool's single declaration.

    ``latency_ms`` is the virtual time a call costs, ``cost_cents`` its synthetic price.
    ``keywords`` are more words that describe the tool, for ``vei_tools_search`` only.
    A ``control`` tool's handler receives the World itself instead of a state view.
    ``records`` marks a read that records what the agent was shown (``browser_read``,
    ``mail_open``): it emits events of its own twin, so the log knows what was seen, and
    they may update view bookkeeping (history, unread marks) but never reach anyone
    outside the agent. Declare tools with ``tool(...)``, which derives the scope.
    """

    name: str
    description: str
    args: type[ToolArgs]
    kind: ToolKind
    handler: Callable[..., Result]
    scopes: tuple[str, ...] = ()
    latency_ms: int = 0
    cost_cents: int = 0
    records: bool = False
    keywords: tuple[str, ...] = ()
    schema: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"tool name {self.name!r} is not snake_case <twin>_<verb>")
        if not self.description.strip():
            raise ValueError(f"tool {self.name!r} has no description")
        if self.latency_ms < 0 or self.cost_cents < 0:
            raise ValueError(f"tool {self.name!r}: latency and cost must be >= 0")
        schema = self.args.model_json_schema()
        schema.pop("title", None)
        if schema.get("type") != "object":
            raise ValueError(f"tool {self.name!r}: argument schema must be an object schema")
        if self.kind == "write":
            # Every write accepts an idempotency key (handled by the World, not the handler).
            properties = schema.setdefault("properties", {})
            properties["idempotency_key"] = {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "description": "Optional. Retrying with the same key returns the first result instead of acting twice.",
            }
        object.__setattr__(self, "schema", schema)

    @property
    def twin(self) -> str:
        """The twin prefix of the name (``slack`` for ``slack_send_message``)."""
        return self.name.split("_", 1)[0]

    @property
    def alias(self) -> str:
        """The dotted spelling accepted when called: ``slack.send_message``."""
        twin, verb = self.name.split("_", 1)
        return f"{twin}.{verb}"


Effect = Literal["read", "write"]


def tool(
    name: str,
    description: str,
    args: type[ToolArgs],
    handler: Callable[..., Result],
    *,
    effect: Effect = "read",
    records: bool = False,
    scope: str | None = None,
    latency_ms: int = 0,
    cost_cents: int = 0,
    keywords: tuple[str, ...] = (),
) -> ToolSpec:
    """Declare a twin tool. ``effect`` says whether the call changes the world (``write``:
    it takes an idempotency key, faults may hit it, MCP lists it without ``readOnlyHint``)
    or not (``read``); ``records`` says whether a read still logs what the agent was shown
    (a page view). The scope defaults to ``<twin>:<effect>``; pass ``scope`` where access
    is finer than that (navigating the browser changes its history but needs only
    ``browser:read``)."""
    twin = name.split("_", 1)[0]
    return ToolSpec(
        name,
        description,
        args,
        effect,
        handler,
        scopes=(scope or f"{twin}:{effect}",),
        latency_ms=latency_ms,
        cost_cents=cost_cents,
        records=records,
        keywords=keywords,
    )


class Registry:
    """Name -> ToolSpec, with dotted aliases and a ranked search."""

    def __init__(self, specs: Iterable[ToolSpec] = ()) -> None:
        self._specs: dict[str, ToolSpec] = {}
        self._aliases: dict[str, str] = {}
        self._index: SearchIndex | None = None
        for spec in specs:
            self.register(spec)

    def register(self, spec: ToolSpec) -> None:
        """Add a tool; a duplicate name is a programming error."""
        if spec.name in self._specs:
            raise ValueError(f"tool {spec.name!r} registered twice")
        self._specs[spec.name] = spec
        self._aliases[spec.alias] = spec.name
        self._index = None

    def resolve(self, name: str) -> ToolSpec:
        """The spec for a wire name or its dotted alias; UnknownToolError otherwise."""
        spec = self._specs.get(name)
        if spec is not None:
            return spec
        canonical = self._aliases.get(name)
        if canonical is not None:
            return self._specs[canonical]
        close = difflib.get_close_matches(name.replace(".", "_"), list(self._specs), n=3)
        raise UnknownToolError(name, close)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._specs or name in self._aliases)

    def __iter__(self) -> Any:
        return iter(sorted(self._specs.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._specs)

    def search(self, query: str, top_k: int = 5) -> list[ToolSpec]:
        """The ``top_k`` tools that best match a free-text query (BM25 over name parts,
        description and keywords, with synonyms; see ``vei.core.search``), best first.
        Tools that match no word of the query are left out; ties go by name."""
        if self._index is None:
            self._index = SearchIndex(
                (s.name, s.description, s.keywords) for s in self._specs.values()
            )
        return [self._specs[name] for name in self._index.rank(query, top_k)]


def describe(spec: ToolSpec) -> dict[str, Any]:
    """A JSON-able summary used by vei_tools_search, vei_help and the docs."""
    return {
        "name": spec.name,
        "description": spec.description,
        "kind": spec.kind,
        "scopes": list(spec.scopes),
        "latency_ms": spec.latency_ms,
        "cost_cents": spec.cost_cents,
        "input_schema": spec.schema,
    }
