"""NPC replies are a function of the seed: the same seed gives the same words at the same
virtual times, and the facts in them are the seed's own drawn facts."""

from __future__ import annotations

import asyncio

import pytest

from vei.agents.oracle import SCRIPTS, oracle
from vei.claims import amounts, durations
from vei.scenarios import load_scenario

from .support import connect, npc_messages, pack_of

Said = list[tuple[str, int, str]]

SEED = 42042
# Scenarios whose right outcome contacts no NPC (nothing may be bought); scenarios that
# declare no NPC are quiet too.
QUIET = {"fin_contradictory_requirements"}
OTHER_SEED = 26


async def _oracle_run(name: str, seed: int) -> tuple[Said, str, dict[str, int | str]]:
    async with connect(name, seed) as agent:
        await oracle(agent.tools(), agent.session.scenario)
        facts = agent.session.scenario.facts
        return npc_messages(agent.session), agent.session.world.state_hash(), facts


def _run(name: str, seed: int) -> tuple[Said, str, dict[str, int | str]]:
    return asyncio.run(_oracle_run(name, seed))


def _quote(said: Said) -> str:
    mails = [text for kind, _, text in said if kind == "mail.message_received"]
    assert mails, said
    return mails[-1]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_same_seed_gives_the_same_replies_at_the_same_times(name: str) -> None:
    first, first_hash, _ = _run(name, SEED)
    second, second_hash, _ = _run(name, SEED)
    assert first or name in QUIET or not load_scenario(name, pack_of(name)).spec.npcs
    assert first == second
    assert first_hash == second_hash


def _quotes_price_and_eta(name: str) -> bool:
    facts = load_scenario(name, pack_of(name)).facts
    return "eta_days" in facts and ("total_cents" in facts or "quote_cents" in facts)


# Scenarios whose last NPC mail is a quote or confirmation with the drawn price and ETA.
QUOTING = [name for name in sorted(SCRIPTS) if _quotes_price_and_eta(name)]


@pytest.mark.parametrize("name", QUOTING)
def test_each_seed_quotes_its_own_drawn_price_and_eta(name: str) -> None:
    quotes = {}
    for seed in (SEED, OTHER_SEED):
        said, _, facts = _run(name, seed)
        quote = _quote(said)
        price = "total_cents" if "total_cents" in facts else "quote_cents"
        assert facts[price] in [a.cents for a in amounts(quote)], quote
        assert any(d.matches_business_days(int(facts["eta_days"])) for d in durations(quote))
        quotes[seed] = (facts[price], facts["eta_days"])
    assert quotes[SEED] != quotes[OTHER_SEED]
