"""The ``policy`` section of a scenario: what the company allows, as data.

Every key is optional and the defaults allow everything, so a scenario without a
``policy`` section behaves as before. ``PolicyContext`` bundles the section with the
scenario's budget cap and NPC approvers: it is what monitors and rules read.
docs/policy.md documents each key with an example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from vei.scenarios.schema import ScenarioFile

MonitorName = Literal["tool_aware", "pii", "external_share", "budget"]
_DOMAIN = r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"
_SCOPE = r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConfidentialFact(_Section):
    """One confidential fact, found in outbound text however it is worded: an amount
    (``money_cents``: $212, 212 dollars, USD 212, two hundred and twelve dollars), a date
    (``date``: 12 March, March 12th, 2027-03-12, 12/03), or ``phrases`` (words, any case;
    ``48MP`` equals ``48 MP``; plural and tense endings match)."""

    name: str = Field(min_length=1, description="What it is, e.g. 'the target retail price'.")
    money_cents: int | None = Field(default=None, gt=0)
    date: str | None = Field(default=None, description="A day and month, e.g. 12 March.")
    phrases: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self) -> ConfidentialFact:
        forms = [self.money_cents is not None, self.date is not None, bool(self.phrases)]
        if sum(forms) != 1:
            raise ValueError("give exactly one of money_cents, date and phrases")
        if self.date is not None:
            from vei.monitors.content import day_month

            if day_month(self.date) is None:
                raise ValueError(f"date {self.date!r} is not a day and month like 12 March")
        return self


class Confidential(_Section):
    """Material that must not leave the company (except to ``share_with`` domains)."""

    documents: list[str] = Field(
        default_factory=list,
        description="URLs of browser pages whose text is confidential (e.g. an internal spec sheet).",
    )
    markers: list[str] = Field(
        default_factory=list,
        description="Words or phrases (whole words, any case) that mark confidential data, e.g. a project codename.",
    )
    share_with: list[str] = Field(
        default_factory=list,
        description="Outside domains cleared to receive confidential material (e.g. partners under NDA).",
    )
    facts: list[ConfidentialFact] = Field(
        default_factory=list,
        description="Confidential values (amounts, dates, names, code words), caught in any wording.",
    )


class SpendSource(_Section):
    """A web form whose submission commits company money (an order form), priced by the
    vendor NPC that takes it (``npc``: its catalog and quantity field), by a fixed
    ``amount_cents`` per unit, or by the money stated in ``amount_field``."""

    form: str = Field(min_length=1, description="Browser form id.")
    npc: str | None = Field(
        default=None, description="A form_responder with a catalog that prices this form."
    )
    amount_cents: int | None = Field(
        default=None, gt=0, description="Fixed price per unit in cents."
    )
    amount_field: str | None = Field(
        default=None, description="Form field whose value states the amount, e.g. $1,049."
    )
    quantity_field: str | None = Field(
        default=None, description="Form field with the number of units (default one unit)."
    )

    @model_validator(mode="after")
    def _one_amount(self) -> SpendSource:
        given = [self.npc is not None, self.amount_cents is not None, self.amount_field is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of npc, amount_cents and amount_field")
        return self


class SpendApproval(_Section):
    """Spend needs an approval from this NPC (a chat approver) before it is committed."""

    npc: str = Field(description="Id of a chat_approver NPC.")
    required_above_cents: int = Field(
        default=0, ge=0, description="Spend up to this amount per order needs no approval."
    )


class PolicySection(_Section):
    """What the company allows the agent to do; see docs/policy.md."""

    monitors: list[MonitorName] = Field(
        default_factory=list,
        description="Monitors this scenario enables (besides those in VEI_MONITORS).",
    )
    internal_domains: list[str] = Field(
        default_factory=list,
        description="The company's own domains (the agent's mail domain is always one).",
    )
    allowed_external_domains: list[str] | None = Field(
        default=None,
        description="Outside domains the agent may mail or submit forms to; null allows any.",
    )
    confidential: Confidential = Field(default_factory=Confidential)
    spend: list[SpendSource] = Field(
        default_factory=list, description="Forms whose submission commits spend."
    )
    approval: SpendApproval | None = None
    scopes: list[str] | None = Field(
        default=None,
        description="Permission scopes granted to the agent (e.g. mail:read); null grants all.",
    )

    @model_validator(mode="after")
    def _well_formed(self) -> PolicySection:
        import re

        domains = [
            *self.internal_domains,
            *(self.allowed_external_domains or []),
            *self.confidential.share_with,
        ]
        for domain in domains:
            if not re.match(_DOMAIN, domain):
                raise ValueError(f"{domain!r} is not a lowercase domain like example.com")
        for scope in self.scopes or []:
            if not re.match(_SCOPE, scope):
                raise ValueError(f"{scope!r} is not a scope like mail:read")
        forms = [s.form for s in self.spend]
        if len(forms) != len(set(forms)):
            raise ValueError("each spend form may be listed once")
        return self


def section_problems(spec: ScenarioFile) -> list[str]:
    """What is inconsistent between the policy section and the rest of the scenario."""
    section = spec.policy or PolicySection()
    problems: list[str] = []
    if section.approval is not None:
        approvers = {n.id for n in spec.npcs if n.kind == "chat_approver"}
        if section.approval.npc not in approvers:
            problems.append(f"policy.approval.npc {section.approval.npc!r} is not a chat_approver")
    browser = spec.twins.get("browser") or {}
    pages = browser.get("pages", []) if isinstance(browser, Mapping) else []
    urls, forms = _pages_and_forms(pages)
    for url in section.confidential.documents:
        if _normalized(url) not in urls:
            problems.append(f"policy.confidential.documents: no browser page {url!r}")
    responders = {n.id: n for n in spec.npcs if n.kind == "form_responder"}
    for source in section.spend:
        if source.form not in forms:
            problems.append(f"policy.spend: no browser form {source.form!r}")
        if source.npc is not None:
            rule = responders.get(source.npc)
            if rule is None or not rule.catalog or rule.form != source.form:
                problems.append(
                    f"policy.spend: {source.npc!r} is not a form_responder with a catalog for form {source.form!r}"
                )
    return problems


def _normalized(url: str) -> str:
    from vei.twins.browser.state import normalize_url

    try:
        return normalize_url(url)
    except ValueError:
        return url


def _pages_and_forms(pages: Sequence[Any]) -> tuple[set[str], set[str]]:
    urls: set[str] = set()
    forms: set[str] = set()
    for page in pages:
        if isinstance(page, Mapping):
            urls.add(_normalized(str(page.get("url", ""))))
            forms.update(str(f.get("id")) for f in page.get("forms", []) if isinstance(f, Mapping))
    return urls, forms


@dataclass(frozen=True)
class PolicyContext:
    """The policy section plus the scenario facts monitors and rules need: the budget cap
    and the NPC rules (vendors' catalogs price spend forms)."""

    section: PolicySection = field(default_factory=PolicySection)
    budget_cap_cents: int | None = None
    npc_rules: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_scenario(cls, spec: ScenarioFile) -> PolicyContext:
        """The context of ``spec`` (defaults when it declares no policy)."""
        cap = spec.budget.cap_cents if spec.budget is not None else None
        rules = tuple(n.model_dump(mode="json") for n in spec.npcs)
        return cls(spec.policy or PolicySection(), cap, rules)

    @property
    def granted_scopes(self) -> frozenset[str] | None:
        """The scopes granted to the agent, or None for all."""
        scopes = self.section.scopes
        return None if scopes is None else frozenset(scopes)
