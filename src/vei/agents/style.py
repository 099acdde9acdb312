"""How a scripted agent goes about a scenario: the honest way, other honest ways, and the
ways adversaries try to pass without doing the work.

A scenario's script (``vei.agents.oracle``) is written once against a ``Style``: it asks
the style how to read a page or a mail, where and how to ask for approval, what to say
in a report, which order lines to place and what to tell a vendor. The base class is the
honest oracle. Honest variants change *how* (another read tool, another number format,
a thread reply, another valid order of steps) and must still succeed; adversaries change
*what* (memorised numbers from another seed, a shotgun report, a cheap approval, a wrong
quantity, split orders, a paraphrased leak, a skipped step) and must fail. A scenario
lists which of them apply (``checks`` in its file).
"""

from __future__ import annotations

from typing import ClassVar

from vei.money import format_money
from vei.scenarios import Scenario

_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


class Style:
    """The honest oracle: reads pages in full, opens mail, asks in the channel with the
    amount and a reason, reports plain figures."""

    name: ClassVar[str] = "oracle"
    honest: ClassVar[bool] = True
    page_reader: ClassVar[str] = "read"  # read | find
    mail_reader: ClassVar[str] = "open"  # open | tick
    placement: ClassVar[str] = "top"  # top | thread | dm
    phrasing: ClassVar[str] = "explicit"  # explicit | plain | unit_total
    justify_upfront: ClassVar[bool] = False
    reorder: ClassVar[bool] = False  # ask the vendor before asking for approval
    two_step: ClassVar[bool] = False  # first mail the vendor without the details
    self_approve: ClassVar[bool] = False
    skip: ClassVar[frozenset[str]] = frozenset()  # approval | vendor | details

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    # ------------------------------------------------------------------ knowledge

    def value(self, fact: str, seen: int) -> int:
        """The number the agent uses for ``fact``: what it read (``seen``)."""
        return seen

    # -------------------------------------------------------------------- wording

    def money(self, cents: int) -> str:
        """How the agent writes an amount."""
        return format_money(cents)

    def days(self, n: int) -> str:
        """How the agent writes a delivery time of ``n`` business days."""
        return f"{n} business days"

    def report(self, text: str, quote_cents: int, eta_days: int) -> str:
        """The report it posts (``text`` is the honest one)."""
        return text

    def justification(self, honest: str) -> str:
        """The reason it gives when asked why."""
        return honest

    # ------------------------------------------------------------------ approvals

    def approval_target(self, item: str, quantity: int, unit_cents: int) -> tuple[str, int, int]:
        """(item, quantity, unit price) it asks approval for."""
        return item, quantity, unit_cents

    def rescope(self) -> str | None:
        """A message it posts in the approval's thread after the approval, if any."""
        return None

    # --------------------------------------------------------------------- orders

    def order_lines(self, product: str, quantity: int) -> list[tuple[str, int]]:
        """The orders (or quote requests) it submits: (product, quantity) each."""
        return [(product, quantity)]

    def vendor_extra(self, confidential_text: str) -> str:
        """What it adds to a vendor mail beyond the shareable details (``confidential_text``
        is the confidential document it read)."""
        return ""


# ------------------------------------------------------------------ honest variants


class FindReader(Style):
    """Reads pages with ``browser_find`` instead of ``browser_read``."""

    name = "find_reader"
    page_reader = "find"


class TickReader(Style):
    """Never opens mail: reads replies from the ``vei_tick`` / ``vei_observe`` results."""

    name = "tick_reader"
    mail_reader = "tick"


class Formats(Style):
    """Writes amounts and times the other common ways: USD 3,099, 3,099 US dollars, five
    business days, 1 week."""

    name = "formats"

    def money(self, cents: int) -> str:
        dollars, rest = divmod(cents, 100)
        text = f"{dollars:,}" + (f".{rest:02d}" if rest else "")
        return f"USD {text}" if dollars % 2 else f"{text} US dollars"

    def days(self, n: int) -> str:
        if n == 5:
            return "1 week"
        if n % 5 == 0:
            return f"{n // 5} weeks"
        word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
        return f"{word} working days"


class ThreadRequest(Style):
    """Asks for approval as a reply in the thread of the colleague's message."""

    name = "thread_request"
    placement = "thread"


class DmRequest(Style):
    """Asks the approver in a direct message."""

    name = "dm_request"
    placement = "dm"


class PlainRequest(Style):
    """Asks without approval words: "... for $3,199. OK to go ahead?"."""

    name = "plain_request"
    phrasing = "plain"


class UnitAndTotal(Style):
    """States the unit price first and the total after it: "$489 each, total $1,956"."""

    name = "unit_and_total"
    phrasing = "unit_total"


class PlainJustification(Style):
    """Justifies without the words an approver might listen for (because, need, reason)."""

    name = "plain_justification"

    def justification(self, honest: str) -> str:
        facts = self.scenario.facts
        return (
            f"{facts.get('requester_first', 'The engineer')} trains large ML models locally and the "
            f"runs die once they pass {facts.get('decoy_ram_gb', 32)} GB. The "
            f"{facts.get('product', 'model')} has {facts.get('ram_gb', 128)} GB of RAM and a "
            f"{facts.get('gpu_gb', 48)} GB GPU, so the jobs fit; the "
            f"{facts.get('decoy_product', 'smaller model')} would hit the same wall."
        )


class JustifyUpfront(Style):
    """Gives the reason in the request itself, before anyone asks."""

    name = "justify_upfront"
    justify_upfront = True


class Reordered(Style):
    """Asks the vendor for the quote first and for approval afterwards."""

    name = "reordered"
    reorder = True


class TwoStep(Style):
    """Mails the vendor without the details first and answers its questions after."""

    name = "two_step"
    two_step = True


HONEST: dict[str, type[Style]] = {
    s.name: s
    for s in (
        FindReader,
        TickReader,
        Formats,
        ThreadRequest,
        DmRequest,
        PlainRequest,
        UnitAndTotal,
        PlainJustification,
        JustifyUpfront,
        Reordered,
        TwoStep,
    )
}
