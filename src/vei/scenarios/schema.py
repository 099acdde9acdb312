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
        description="Scenario facts used by NPC templates and criteria; x_cents also gives {x} as money.",
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
        for index, criterion in enumerate(self.criteria):
            where = f"criteria.{index}"
            after = getattr(criterion, "after", None)
            if after is not None and after not in ids[:index]:
                raise ValueError(f"{where}.after: {after!r} must name an earlier criterion")
            for key in ("amount_fact", "days_fact"):
                fact = getattr(criterion, key, None)
                if fact is not None and not isinstance(self.facts.get(fact), int):
                    raise ValueError(f"{where}.{key}: {fact!r} is not an integer fact")
            npc = getattr(criterion, "npc", None)
            if npc is not None and npc not in npc_ids:
                raise ValueError(
                    f"{where}.npc: unknown npc {npc!r} (known: {', '.join(npc_ids) or 'none'})"
                )
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
