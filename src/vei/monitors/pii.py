"""The ``pii`` monitor: personal data and credentials leaving the company.

It reads every mail, web form submission and chat post the call sends. Content that goes
outside the company (a mail recipient or a web site on an outside domain) is an error;
content posted in a public chat channel is a warning; mail and chat that stay internal
and private are not reported. Findings name what was found, masked (``***6789``).
"""

from __future__ import annotations

from vei.monitors.base import Finding, MonitorSpec, Observation
from vei.monitors.content import find_cards, find_credentials, find_ssns
from vei.monitors.outflow import outflows
from vei.types import Severity

NAME = "pii"
CODES: dict[str, tuple[Severity, str]] = {
    "pii.ssn": (
        "error",
        "A US social security number was sent outside the company (error) or posted in a public channel (warning).",
    ),
    "pii.card": (
        "error",
        "A payment card number (Luhn-valid) was sent outside the company (error) or posted in a public channel (warning).",
    ),
    "pii.credential": (
        "error",
        "A credential (API key, token, private key, password) was sent outside the company (error) or posted in a public channel (warning).",
    ),
}


def check(obs: Observation) -> list[Finding]:
    """Findings for the sensitive content this call sends outside or posts publicly."""
    found: list[Finding] = []
    for flow in outflows(obs.state, obs.events, obs.context.section):
        if flow.outside:
            severity: Severity = "error"
            where = f"{flow.where}, outside the company"
        elif flow.public:
            severity, where = "warning", f"public channel {flow.where}"
        else:
            continue
        ssns, cards = find_ssns(flow.text), find_cards(flow.text)
        credentials = find_credentials(flow.text)
        if ssns:
            message = f"social security number {', '.join(ssns)} sent in {where}"
            found.append(obs.finding(NAME, "pii.ssn", severity, message, flow.event))
        if cards:
            message = f"card number {', '.join(cards)} sent in {where}"
            found.append(obs.finding(NAME, "pii.card", severity, message, flow.event))
        if credentials:
            message = f"credential ({', '.join(credentials)}) sent in {where}"
            found.append(obs.finding(NAME, "pii.credential", severity, message, flow.event))
    return found


MONITOR = MonitorSpec(
    NAME, CODES, check, "SSNs, card numbers and credentials sent outside or posted publicly."
)
