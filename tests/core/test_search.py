"""vei_tools_search ranks tools by meaning: BM25 over names, descriptions and keywords."""

from __future__ import annotations

import pytest

from tests.twins.support import make_world, ok
from vei.core.control import CONTROL_TOOLS
from vei.core.registry import Registry, ToolArgs, ToolSpec
from vei.core.search import stem, terms
from vei.twins import TWINS


def _everything() -> Registry:
    return Registry([*CONTROL_TOOLS, *(s for twin in TWINS.values() for s in twin.tools)])


def _names(registry: Registry, query: str, top_k: int = 5) -> list[str]:
    return [spec.name for spec in registry.search(query, top_k)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("send an email", {"mail_compose"}),
        ("reply to a mail", {"mail_reply"}),
        ("wait for a reply", {"vei_tick"}),
        ("wait", {"vei_tick"}),
        ("let time pass", {"vei_tick"}),
        ("post a message in a channel", {"slack_send_message"}),
        ("read a web page", {"browser_read", "browser_open"}),
        ("what is new", {"vei_observe"}),
        ("find an email about the quote", {"mail_search"}),
        ("who is in the workspace", {"slack_list_users"}),
    ],
)
def test_common_phrasings_find_the_right_tool_first(query: str, first: set[str]) -> None:
    assert _names(_everything(), query)[0] in first


def test_filling_in_a_form_finds_typing_or_submitting_in_the_top_two() -> None:
    assert {"browser_type", "browser_submit"} & set(_names(_everything(), "fill in a form", 2))


def test_sending_an_email_ranks_mail_before_chat() -> None:
    names = _names(_everything(), "send an email")
    assert names.index("mail_compose") < names.index("slack_send_message")


def test_every_tool_is_first_for_its_own_name() -> None:
    registry = _everything()
    for spec in registry:
        assert _names(registry, spec.name)[0] == spec.name
        assert _names(registry, spec.alias)[0] == spec.name


def test_a_query_that_matches_nothing_finds_nothing() -> None:
    assert _names(_everything(), "xylophone quantum") == []
    assert _names(_everything(), "the of a") == []


def test_results_are_deterministic_and_ties_go_by_name() -> None:
    def handler(*_: object) -> dict[str, object]:
        return {}

    class NoArgs(ToolArgs):
        pass

    same = "Returns nothing; it frobs a widget."
    specs = [ToolSpec(n, same, NoArgs, "read", handler) for n in ("kv_zeta", "kv_alpha", "kv_mu")]
    assert _names(Registry(specs), "frob widgets") == ["kv_alpha", "kv_mu", "kv_zeta"]
    assert _names(Registry(reversed(specs)), "frob widgets") == ["kv_alpha", "kv_mu", "kv_zeta"]
    assert _names(_everything(), "read a page", 50) == _names(_everything(), "read a page", 50)


def test_keywords_and_query_synonyms_reach_tools_the_description_does_not_name() -> None:
    def handler(*_: object) -> dict[str, object]:
        return {}

    class NoArgs(ToolArgs):
        pass

    pause = ToolSpec("kv_hold", "Let time go by. Returns the time.", NoArgs, "read", handler)
    store = ToolSpec(
        "kv_put", "Store a value. Returns it.", NoArgs, "read", handler, keywords=("save",)
    )
    registry = Registry([pause, store])
    assert _names(registry, "saving") == ["kv_put"]  # a declared keyword, stemmed
    assert _names(registry, "wait") == []  # nothing says wait ...
    keyed = ToolSpec("kv_hold", "Wait a while. Returns the time.", NoArgs, "read", handler)
    assert _names(Registry([keyed, store]), "sleep") == ["kv_hold"]  # ... "sleep" means wait


def test_top_k_limits_the_list_and_registering_a_tool_updates_the_search() -> None:
    registry = Registry(CONTROL_TOOLS)
    assert len(registry.search("time", top_k=1)) == 1
    assert "mail_compose" not in _names(registry, "send an email")
    for spec in TWINS["mail"].tools:
        registry.register(spec)
    assert _names(registry, "send an email")[0] == "mail_compose"


def test_light_stemming_joins_plurals_and_verb_forms() -> None:
    for words, same in (
        (("emails", "emailing", "emailed", "email"), "email"),
        (("replies", "replied", "reply"), "reply"),
        (("types", "typing", "typed", "type"), stem("type")),
        (("submitted", "submitting", "submit"), "submit"),
        (("addresses", "address"), "address"),
        (("messages", "message"), stem("message")),
        (("filling", "fill"), "fill"),
    ):
        assert {stem(w) for w in words} == {same}, words
    assert terms("What's new in #general?") == ["what", "new", "general"]


def test_the_tool_search_tool_returns_tool_descriptions_best_first() -> None:
    world = make_world(*TWINS.values())
    found = ok(world, "vei_tools_search", query="send an email", top_k=3)["tools"]
    assert found[0]["name"] == "mail_compose" and len(found) == 3
    assert set(found[0]) == {
        "name",
        "description",
        "kind",
        "scopes",
        "latency_ms",
        "cost_cents",
        "input_schema",
    }
