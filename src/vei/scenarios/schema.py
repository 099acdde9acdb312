"""The scenario file format (YAML), as a pydantic model; its JSON Schema is published in
docs/scenario.schema.json (``vei scenarios schema``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vei.npc.rules import NpcRule, template_errors
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

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioFile:
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criteria ids must be unique")
        npc_ids = [n.id for n in self.npcs]
        if len(npc_ids) != len(set(npc_ids)):
            raise ValueError("npc ids must be unique")
        for index, criterion in enumerate(self.criteria):
            after = getattr(criterion, "after", None)
            if after is not None and after not in ids[:index]:
                raise ValueError(
                    f"criterion {criterion.id!r}: after={after!r} must name an earlier criterion"
                )
            for key in ("amount_fact", "days_fact"):
                fact = getattr(criterion, key, None)
                if fact is not None and not isinstance(self.facts.get(fact), int):
                    raise ValueError(
                        f"criterion {criterion.id!r}: {key}={fact!r} is not an integer fact"
                    )
            npc = getattr(criterion, "npc", None)
            if npc is not None and npc not in npc_ids:
                raise ValueError(f"criterion {criterion.id!r}: unknown npc {npc!r}")
        for rule in self.npcs:
            problems = template_errors(rule, self.facts)
            if problems:
                raise ValueError(f"npc {rule.id!r}: {problems[0]}")
        return self
