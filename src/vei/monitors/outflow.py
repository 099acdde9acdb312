"""Where a call sends content, and whether that leaves the company or reaches everyone.

An ``Outflow`` is one piece of text the agent sent somewhere, read from the events twins
declare outward (``Twin.outward``): a mail (to its recipients), a web form submission (to
the site's host), a chat message (to a channel), and whatever other apps declare. Domains are
internal when they are the agent's own mail domain or one the policy lists in
``internal_domains`` (subdomains included: ``intranet.company.example`` is internal when
``company.example`` is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vei.core.events import Event
from vei.core.twin import Outward
from vei.policy.section import PolicySection
from vei.twins import TWINS

_READERS = {kind: read for twin in TWINS.values() for kind, read in twin.outward.items()}


@dataclass(frozen=True)
class Outflow:
    """Text the agent sent. ``channel`` is the kind of place (``mail``, ``form``,
    ``chat``, or another twin's ``Outward.app``); ``outside`` lists destinations outside
    the company (addresses or web hosts); ``public`` is True when anyone may see it."""

    channel: str
    where: str
    text: str
    event: int
    outside: tuple[str, ...] = ()
    public: bool = False


def internal_domains(state: Mapping[str, Any], section: PolicySection) -> frozenset[str]:
    """The company's domains: the agent's mail domain plus the policy's ``internal_domains``."""
    domains = set(section.internal_domains)
    address = str(state.get("mail", {}).get("address", ""))
    if "@" in address:
        domains.add(address.rsplit("@", 1)[1])
    return frozenset(domains)


def domain_of(destination: str) -> str:
    """The domain of an address (``bob@x.example``) or a host (``shop.x.example``)."""
    return destination.rsplit("@", 1)[-1].lower()


def within(domain: str, domains: Iterable[str]) -> bool:
    """Whether ``domain`` is one of ``domains`` or a subdomain of one."""
    return any(domain == d or domain.endswith("." + d) for d in domains)


def outward_of(state: Mapping[str, Any], event: Event) -> Outward | None:
    """What ``event`` shows outside the agent, if a twin declares it outward and the agent
    did it."""
    read = _READERS.get(event.kind)
    return read(state, event) if read is not None and event.actor == "agent" else None


def outflows(
    state: Mapping[str, Any], events: Iterable[Event], section: PolicySection
) -> list[Outflow]:
    """Every outward act of the agent's among ``events`` (``vei.core.twin.Outward``)."""
    internal = internal_domains(state, section)
    found: list[Outflow] = []
    for event in events:
        out = outward_of(state, event)
        if out is None:
            continue
        outside = tuple(d for d in out.destinations if not within(domain_of(d), internal))
        found.append(Outflow(out.app, out.where, out.text, event.seq, outside, out.public))
    return found
