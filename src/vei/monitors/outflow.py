"""Where a call sends content: mail, web forms and chat posts, and whether that leaves the
company or reaches a public channel.

An ``Outflow`` is one piece of text the agent sent somewhere: a mail (to its recipients),
a web form submission (to the site's host) or a chat message (to a channel). Domains are
internal when they are the agent's own mail domain or one the policy lists in
``internal_domains`` (subdomains included: ``intranet.company.example`` is internal when
``company.example`` is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from vei.core.events import Event
from vei.policy.section import PolicySection

MAIL_SENT = "mail.message_sent"
FORM_SUBMITTED = "browser.form_submitted"
CHAT_POSTED = "slack.message_posted"


@dataclass(frozen=True)
class Outflow:
    """Text the agent sent. ``outside`` lists destinations outside the company (addresses
    or web hosts); ``public`` is True for a public chat channel."""

    channel: Literal["mail", "form", "chat"]
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


def outflows(
    state: Mapping[str, Any], events: Iterable[Event], section: PolicySection
) -> list[Outflow]:
    """Every mail, form submission and chat post by the agent among ``events``."""
    internal = internal_domains(state, section)
    me = state.get("slack", {}).get("me")
    found: list[Outflow] = []
    for event in events:
        data = event.data
        if event.kind == MAIL_SENT:
            recipients = [*data["to"], *data["cc"]]
            outside = tuple(r for r in recipients if not within(domain_of(r), internal))
            text = f"{data['subject']}\n{data['body']}"
            found.append(
                Outflow("mail", f"mail to {', '.join(recipients)}", text, event.seq, outside)
            )
        elif event.kind == FORM_SUBMITTED:
            host = urlsplit(str(data.get("url", ""))).hostname or ""
            values: Mapping[str, Any] = data.get("values", {})
            text = "\n".join(f"{k}: {v}" for k, v in sorted(values.items()))
            outside = () if within(host, internal) else (host,)
            where = f"form {data.get('form_id')} on {host}"
            found.append(Outflow("form", where, text, event.seq, outside))
        elif event.kind == CHAT_POSTED and data.get("user") == me:
            cid = str(data["channel"])
            channel = state.get("slack", {}).get("channels", {}).get(cid)
            kind = channel["kind"] if channel else ("dm" if cid.startswith("dm:") else "public")
            public = kind == "public"
            name = cid if kind == "dm" else f"#{cid}"
            found.append(Outflow("chat", name, str(data["text"]), event.seq, (), public))
    return found
