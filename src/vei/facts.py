"""Facts drawn per seed: a scenario declares its prices, quantities, ETAs, products and people
as values, ranges, choices or expressions, and every seed draws its own.

Each fact is drawn from its own RNG stream (``facts`` at the fact's name), so adding a fact
never shifts another one's draw. A draw may give a ``default``: the value the default seed
(42042) keeps, so the default world stays what the docs show. A choice of mappings draws one
option and defines each of its keys as a fact (a product with its page slug and specs).

The drawn facts are substituted into the rest of the file before it is validated:
``{name}`` in any string becomes the fact's value (``{x}`` is money for a fact ``x_cents``),
and a string that is exactly one placeholder of a fact, ``"{cap_cents}"``, becomes the
fact's value with its type, so numeric fields can come from facts too.
"""

from __future__ import annotations

import ast
import builtins
import re
import string
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from vei.core.rng import stream
from vei.money import format_money
from vei.types import DEFAULT_SEED

FactValue = int | str
FACT_NAME = r"^[a-z][a-z0-9_]*$"
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]*)\}(?!\})")
_WHOLE = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
# Subtrees whose strings are also templates rendered later (NPC replies, actors, drift): only
# known facts are replaced there; their own placeholders ({amount}, {topic}) stay.
_RUNTIME_TEMPLATES = ("npcs", "actors", "drift")


class FactError(ValueError):
    """A facts section that cannot be drawn; the message starts with the fact's path."""


class _Draw(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactRange(_Draw):
    """An integer drawn uniformly from ``range`` (both ends included) in steps of ``step``."""

    range: tuple[int, int] = Field(description="Lowest and highest value, both included.")
    step: int = Field(default=1, gt=0, description="Values are lowest + k * step.")
    default: int | None = Field(default=None, description="The value for the default seed.")

    @model_validator(mode="after")
    def _ordered(self) -> FactRange:
        low, high = self.range
        if high < low:
            raise ValueError(f"range {low}..{high} is empty")
        if self.default is not None and not (
            low <= self.default <= high and (self.default - low) % self.step == 0
        ):
            raise ValueError(f"default {self.default} is not a value of the range")
        return self

    def values(self) -> list[int]:
        """Every value the range can give."""
        return list(builtins.range(self.range[0], self.range[1] + 1, self.step))


Option = FactValue | dict[str, FactValue]


class FactChoice(_Draw):
    """One of ``choice``; options that are mappings define each of their keys as a fact."""

    choice: list[Option] = Field(min_length=1, description="The options, drawn uniformly.")
    default: Option | None = Field(default=None, description="The option for the default seed.")

    @model_validator(mode="after")
    def _uniform(self) -> FactChoice:
        mappings = [o for o in self.choice if isinstance(o, dict)]
        if mappings and len(mappings) != len(self.choice):
            raise ValueError("options must be all values or all mappings")
        keys = {tuple(sorted(o)) for o in mappings}
        if len(keys) > 1:
            raise ValueError("every mapping option must have the same keys")
        for key in (k for o in mappings for k in o):
            if not re.match(FACT_NAME, key):
                raise ValueError(f"{key!r} is not a fact name (lowercase, digits, _)")
        if self.default is not None and self.default not in self.choice:
            raise ValueError("default must be one of the options")
        return self


class FactExpr(_Draw):
    """An integer computed from facts declared before it: ``+ - * // %``, ``min``, ``max``."""

    expr: str = Field(min_length=1, max_length=500)


FactSpec = Annotated[
    FactValue | FactRange | FactChoice | FactExpr,
    Field(description="A value, or a range / choice / expression drawn per seed."),
]
FACTS_ADAPTER: TypeAdapter[dict[str, FactSpec]] = TypeAdapter(dict[str, FactSpec])


def fact_variables(facts: Mapping[str, FactValue]) -> dict[str, str]:
    """Template variables from facts: every fact, plus ``x`` as money for each ``x_cents``."""
    variables = {key: str(value) for key, value in facts.items()}
    for key, value in facts.items():
        if key.endswith("_cents") and isinstance(value, int):
            variables[key.removesuffix("_cents")] = format_money(value)
    return variables


def render(template: str, variables: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders (``str.format`` syntax); KeyError names a missing one."""
    return string.Formatter().vformat(template, (), dict(variables))


# ---------------------------------------------------------------------------- drawing


def draw_facts(raw: Any, seed: int) -> dict[str, FactValue]:
    """The facts ``raw`` (a scenario's ``facts`` section) give for ``seed``, in declaration
    order. FactError names the fact (``facts.<name>``) for a bad declaration."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise FactError("facts: expected a mapping of fact names to values or draws")
    facts: dict[str, FactValue] = {}
    for name, value in raw.items():
        where = f"facts.{name}"
        if not isinstance(name, str) or not re.match(FACT_NAME, name):
            raise FactError(f"{where}: not a fact name (lowercase letters, digits and _)")
        spec = _spec(value, where)
        drawn = _draw(name, spec, facts, seed)
        for key, item in drawn.items():
            if key in facts:
                raise FactError(f"{where}: defines {key!r}, which is already a fact")
            facts[key] = item
    return facts


_DRAWS: dict[str, type[_Draw]] = {"range": FactRange, "choice": FactChoice, "expr": FactExpr}


def _spec(value: Any, where: str) -> FactValue | _Draw:
    """``value`` validated as a fact declaration; FactError says what is wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Mapping)):
        raise FactError(f"{where}: expected a number, a text, or a range / choice / expr")
    if isinstance(value, (int, str)):
        return value
    kinds = [k for k in _DRAWS if k in value]
    if len(kinds) != 1:
        raise FactError(f"{where}: give exactly one of range, choice and expr")
    try:
        draw: _Draw = _DRAWS[kinds[0]].model_validate(value)
    except ValidationError as exc:
        item = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        raise FactError(f"{where}{'.' + field if field else ''}: {message}") from None
    return draw


def _draw(name: str, spec: Any, known: Mapping[str, FactValue], seed: int) -> dict[str, FactValue]:
    if isinstance(spec, FactExpr):
        return {name: evaluate(spec.expr, known, f"facts.{name}")}
    if isinstance(spec, (int, str)):
        return {name: spec}
    rng = stream(seed, "facts", name)
    if isinstance(spec, FactRange):
        values = spec.values()
        use_default = seed == DEFAULT_SEED and spec.default is not None
        return {
            name: spec.default if use_default and spec.default is not None else rng.choice(values)
        }
    assert isinstance(spec, FactChoice)
    option = rng.choice(spec.choice)
    if seed == DEFAULT_SEED and spec.default is not None:
        option = spec.default
    return dict(option) if isinstance(option, dict) else {name: option}


_BINARY: dict[type, Callable[[int, int], int]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}


def evaluate(expr: str, facts: Mapping[str, FactValue], where: str = "expr") -> int:
    """The integer value of ``expr`` over integer ``facts``; FactError says what is wrong."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise FactError(f"{where}: {expr!r} is not an expression") from None

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            fact = facts.get(node.id)
            if not isinstance(fact, int):
                raise FactError(f"{where}: {node.id!r} is not an integer fact declared before it")
            return fact
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
                raise FactError(f"{where}: division by zero")
            return _BINARY[type(node.op)](left, right)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("min", "max")
            and node.args
            and not node.keywords
        ):
            args = [value(a) for a in node.args]
            return min(args) if node.func.id == "min" else max(args)
        raise FactError(
            f"{where}: {expr!r} may use integers, facts, + - * // %, min() and max() only"
        )

    return value(tree.body)


# ------------------------------------------------------------------------ substitution


def substitute(raw: Any, facts: Mapping[str, FactValue]) -> Any:
    """``raw`` (the scenario without its ``facts``) with the facts filled in; FactError
    names the path of a placeholder that is not a fact (outside runtime templates)."""
    variables = fact_variables(facts)
    return _walk(raw, facts, variables, (), runtime=False)


def _walk(
    node: Any,
    facts: Mapping[str, FactValue],
    variables: Mapping[str, str],
    path: tuple[str, ...],
    *,
    runtime: bool,
) -> Any:
    if isinstance(node, str):
        return _fill(node, facts, variables, path, runtime=runtime)
    if isinstance(node, Mapping):
        return {
            key: _walk(
                value,
                facts,
                variables,
                (*path, str(key)),
                runtime=runtime or (not path and key in _RUNTIME_TEMPLATES),
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [
            _walk(item, facts, variables, (*path, str(i)), runtime=runtime)
            for i, item in enumerate(node)
        ]
    return node


def _fill(
    text: str,
    facts: Mapping[str, FactValue],
    variables: Mapping[str, str],
    path: tuple[str, ...],
    *,
    runtime: bool,
) -> FactValue:
    whole = _WHOLE.match(text)
    if whole and whole.group(1) in facts:
        return facts[whole.group(1)]

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return variables[name]
        if runtime:
            return match.group(0)
        known = ", ".join(sorted(variables)) or "none"
        raise FactError(f"{'.'.join(path)}: unknown fact {{{name}}} (facts: {known})")

    filled = _PLACEHOLDER.sub(replace, text)
    # Outside runtime templates, {{ and }} are literal braces (as in str.format).
    return filled if runtime else filled.replace("{{", "{").replace("}}", "}")
