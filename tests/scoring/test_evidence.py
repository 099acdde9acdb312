"""What criteria read from a run: the claims the agent's messages make, and what the agent
was shown by any tool (not only the one a script would use)."""

from __future__ import annotations

from vei.config import load_settings
from vei.core.events import Event
from vei.scoring.criteria import Seen
from vei.session import Session
from vei.verdict import Evidence, Said, amount_verdict, days_verdict

SALES = "sales@macrocompute.example"
KNOWN = {309_900, 319_900, 350_000}


def _said(*texts: str) -> list[Said]:
    return [Said(Event(i, 0, "slack.message_posted", "agent", {}), t) for i, t in enumerate(texts)]


def _amounts(*texts: str) -> tuple[int, list[str]]:
    claiming, against = amount_verdict(_said(*texts), 309_900, KNOWN)
    return len(claiming), against


def test_the_right_amount_in_any_form_is_claimed() -> None:
    for text in ("$3,099", "USD 3,099", "3,099 US dollars", "$3.1k", "3099.00 dollars"):
        assert _amounts(f"The quote is {text}.") == (1, []), text


def test_other_facts_and_savings_do_not_contradict() -> None:
    text = "Quote $3,099 (list $3,199, within the $3,500 cap); it saves $100."
    assert _amounts(text) == (1, [])


def test_a_shotgun_and_a_hedge_contradict() -> None:
    shotgun = ", ".join(f"${p:,}" for p in range(2_999, 3_200, 10))
    count, against = _amounts(f"The quote is one of {shotgun}.")
    assert count == 1 and len(against) > 10
    assert _amounts("It is $3,099 or $3,199.")[1] == ["$3,199"]
    assert _amounts("Quote: $3,099.", "Correction: quote $2,999.")[1] == ["$2,999"]


def test_durations_in_any_form_and_contradictions() -> None:
    def check(*texts: str) -> tuple[int, list[str]]:
        claiming, against = days_verdict(_said(*texts), 5, {5})
        return len(claiming), against

    for text in ("5 business days", "five working days", "1 week", "within a week", "5 days"):
        assert check(f"Delivery in {text}.") == (1, []), text
    assert check("Delivery in 5 days, maybe 10 days.")[1] == ["10 days"]
    assert check("Delivery in 3 days.") == (0, ["3 days"])


def _seen(session: Session, **criterion: str) -> bool:
    world = session.world
    ev = Evidence(
        session.scenario.facts,
        [],
        world.state,
        list(world.store.events()),
        list(world.store.receipts()),
    )
    return Seen(id="seen", description="seen", kind="seen", **criterion).judge(ev).met


def _quoted(session: Session) -> None:
    mail = {"to": SALES, "subject": "Quote", "body": "A MacroBook Pro 16, please."}
    assert session.call("mail_compose", mail).ok


def test_a_mail_shown_in_a_tick_result_was_seen() -> None:
    session = Session(load_settings({}, env={}))
    _quoted(session)
    tick = session.call("vei_tick", {"dt_ms": 60_000}).result
    assert any("$3,099" in str(e["data"].get("body")) for e in tick["delivered"])
    assert _seen(session, mail_from=SALES)


def test_a_mail_shown_by_observe_was_seen_and_one_only_listed_was_not() -> None:
    listed = Session(load_settings({}, env={}))
    _quoted(listed)
    listed.call("mail_list", {})  # delivers the quote (the clock passes) but shows a snippet
    for _ in range(60):
        listed.call("mail_list", {})
    assert not _seen(listed, mail_from=SALES)
    listed.call("vei_observe", {})
    assert _seen(listed, mail_from=SALES)


def test_a_page_searched_with_find_was_seen() -> None:
    session = Session(load_settings({}, env={}))
    url = "https://macrocompute.example/products/macrobook-pro-16"
    session.call("browser_open", {"url": url})
    assert not _seen(session, page=url)
    session.call("browser_find", {"query": "price"})
    assert _seen(session, page=url)
