"""The scenario file format (YAML), as a pydantic model; its JSON Schema is published in
docs/scenario.schema.json (``vei scenarios schema``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vei.actors.rules import ActorRule
from vei.drift.jobs import DriftSection
from vei.faults.profile import FaultSection
from vei.npc.rules import NpcRule, template_errors
from vei.policy.section import PolicySection, section_problems
from vei.scoring.criteria import Criterion


class Budget(BaseModel):
    """Spending limits the scenario's NPCs and (later) policies enforce."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cap_cents: int = Field(gt=0, description="Budget cap in US cents.")


class Checks(BaseModel):
    """Which scripted agents ``vei.testing.check_scenario`` runs besides oracle and noop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    adversaries: list[str] = Field(
        default_factory=list,
        description="Agents that try to pass without doing the work: each must fail.",
    )
    honest: list[str] = Field(
        default_factory=list, description="Other honest ways to do the task: each must succeed."
    )


class ScenarioFile(BaseModel):
    """One scenario: seeds for each twin, NPCs, the agent's task and how success is judged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Unique within its pack.")
    title: str = Field(min_length=1)
    description: str = ""
    task: str = Field(min_length=1, description="What the agent is asked to do.")
    twins: dict[str, dict[str, Any] | None] = Field(
        description="Seed data per twin (slack, mail, browser); null means the twin's default."
    )
    facts: dict[str, int | str] = Field(
        default_factory=dict,
        description=(
            "Facts (values, or range / choice / expr drawn per seed) substituted as {name} "
            "everywhere; x_cents also gives {x} as money. See docs/scenarios.md."
        ),
    )
    npcs: list[NpcRule] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)
    budget: Budget | None = None
    drift: DriftSection | None = Field(
        default=None,
        description="Background noise while VEI_DRIFT_MODE is not off: see docs/drift.md.",
    )
    actors: list[ActorRule] = Field(
        default_factory=list,
        description="Background actors (run while VEI_DRIFT_MODE is not off): see docs/drift.md.",
    )
    faults: FaultSection | None = Field(
        default=None, description="Fault injection overrides: see docs/faults.md."
    )
    policy: PolicySection | None = Field(
        default=None, description="What the company allows: see docs/policy.md."
    )
    checks: Checks = Field(
        default_factory=Checks, description="Adversaries and honest variants to run in checks."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioFile:
        # Messages start with the field path, so the loader can show where the problem is.
        ids = [c.id for c in self.criteria]
        for index, cid in enumerate(ids):
            if cid in ids[:index]:
                raise ValueError(f"criteria.{index}.id: {cid!r} is used twice")
        npc_ids = [n.id for n in self.npcs]
        for index, nid in enumerate(npc_ids):
            if nid in npc_ids[:index]:
                raise ValueError(f"npcs.{index}.id: {nid!r} is used twice")
        kinds = {n.id: n.kind for n in self.npcs}
        for index, criterion in enumerate(self.criteria):
            where = f"criteria.{index}"
            after = getattr(criterion, "after", None)
            if after is not None and after not in ids[:index]:
                raise ValueError(f"{where}.after: {after!r} must name an earlier criterion")
            facts = [
                *getattr(criterion, "amounts", []),
                *getattr(criterion, "states", []),
                getattr(criterion, "days", None),
            ]
            for fact in (f for f in facts if f is not None):
                if not isinstance(self.facts.get(fact), int):
                    raise ValueError(f"{where}: {fact!r} is not an integer fact")
            kind = getattr(criterion, "kind", None)
            for index_npc, npc in enumerate(getattr(criterion, "npcs", None) or []):
                if kind == "no_order" and kinds.get(npc) != "form_responder":
                    known = ", ".join(i for i, k in kinds.items() if k == "form_responder")
                    raise ValueError(
                        f"{where}.npcs.{index_npc}: {npc!r} is not a form_responder "
                        f"(known: {known or 'none'})"
                    )
            for key, wanted in (("npc", "chat_approver"), ("approved_by", "chat_approver")):
                npc = getattr(criterion, key, None)
                if npc is None or kind not in ("approval", "order"):
                    continue
                if kind == "order" and key == "npc":
                    wanted = "form_responder"
                if kinds.get(npc) != wanted:
                    known = ", ".join(i for i, k in kinds.items() if k == wanted) or "none"
                    raise ValueError(f"{where}.{key}: {npc!r} is not a {wanted} (known: {known})")
        actor_ids = [a.id for a in self.actors]
        for index, aid in enumerate(actor_ids):
            if aid in actor_ids[:index]:
                raise ValueError(f"actors.{index}.id: {aid!r} is used twice")
        for index, rule in enumerate(self.npcs):
            problems = template_errors(rule, self.facts)
            if problems:
                raise ValueError(f"npcs.{index}.templates: {problems[0]}")
        for problem in section_problems(self):
            raise ValueError(problem)
        return self


_PLACEHOLDER = {"type": "string", "pattern": r"^\{[a-z][a-z0-9_]*\}$"}


def _widen(node: Any) -> Any:
    """Every integer in the schema may also be a ``"{fact}"`` placeholder."""
    if isinstance(node, dict):
        widened = {k: _widen(v) for k, v in node.items()}
        if widened.get("type") == "integer":
            return {"anyOf": [widened, _PLACEHOLDER]}
        return widened
    if isinstance(node, list):
        return [_widen(item) for item in node]
    return node


def template_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario *file*: ``facts`` holds values or draws (range, choice,
    expr), and any integer field may be a ``"{fact}"`` placeholder; strings may use
    ``{fact}`` anywhere. The loader draws the facts and validates the result against
    ``ScenarioFile``."""
    from pydantic import TypeAdapter

    from vei.facts import FactSpec

    schema: dict[str, Any] = _widen(ScenarioFile.model_json_schema(by_alias=True))
    facts = TypeAdapter(dict[str, FactSpec]).json_schema(ref_template="#/$defs/{model}")
    schema.setdefault("$defs", {}).update(facts.pop("$defs", {}))
    described = ScenarioFile.model_fields["facts"].description
    schema["properties"]["facts"] = {**facts, "description": described, "title": "Facts"}
    return schema
