"""What an agent consumed besides tool calls: model tokens and their cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Tokens and cost of one episode's model calls (all zero for scripted agents).

    ``cost_usd`` is None when nothing says what the tokens cost (no prices given and the
    endpoint reported none)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    completions: int = 0
    cost_usd: float | None = None

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        cost = None
        if self.cost_usd is not None or other.cost_usd is not None:
            cost = (self.cost_usd or 0.0) + (other.cost_usd or 0.0)
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.completions + other.completions,
            cost,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``tokens`` and ``cost_usd`` fields of an episodes.jsonl line."""
        return {
            "tokens": {
                "prompt": self.prompt_tokens,
                "completion": self.completion_tokens,
                "total": self.total_tokens,
            },
            "completions": self.completions,
            "cost_usd": self.cost_usd,
        }
