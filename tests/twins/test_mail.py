"""The mail twin as an agent sees it, through World.call."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.twins.support import NPC, make_world, ok, rejected
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.mail import ERROR_CODES, TWIN
from vei.twins.mail.seed import DEFAULT_SEED


def _world(seed: dict[str, Any] | None = None) -> World:
    return make_world(TWIN, NPC, seed_data=None if seed is None else {"mail": seed})


def _ids(result: dict[str, Any]) -> list[str]:
    return [m["id"] for m in result["messages"]]


def test_inbox_lists_newest_first_with_the_documented_fields() -> None:
    listed = ok(_world(), "mail_list")
    assert listed["folder"] == "INBOX" and _ids(listed) == ["msg-s3", "msg-s2", "msg-s1"]
    assert set(listed["messages"][0]) == {
        "id",
        "from",
        "to",
        "subject",
        "unread",
        "date_ms",
        "folder",
        "thread_id",
        "snippet",
    }
    assert ok(_world(), "mail_list", folder="inbox")["folder"] == "INBOX"


def test_unknown_folder_error_lists_the_valid_folders() -> None:
    error = rejected(_world(), "mail_list", folder="Drafts")
    assert error["code"] == "mail.unknown_folder"
    assert "INBOX" in error["message"] and "SENT" in error["message"]


def test_opening_marks_read_once() -> None:
    world = _world()
    assert world.summaries()["mail"] == {"unread": 2}
    first = world.call("mail_open", {"id": "msg-s2"})
    assert first.result["body"].startswith("Hello,") and len(first.events) == 1
    assert world.summaries()["mail"] == {"unread": 1}
    assert _ids(ok(world, "mail_list", unread_only=True)) == ["msg-s3"]
    assert world.call("mail_open", {"id": "msg-s2"}).events == ()


def test_open_returns_the_message_fields_at_the_top_level() -> None:
    opened = ok(_world(), "mail_open", id="msg-s2")
    assert set(opened) == {
        "id",
        "from",
        "to",
        "cc",
        "subject",
        "body",
        "date_ms",
        "folder",
        "thread_id",
        "in_reply_to",
        "unread",
        "thread_ids",
    }
    assert (opened["id"], opened["unread"], opened["thread_ids"]) == ("msg-s2", False, ["msg-s2"])
    assert opened["cc"] == ["maya.chen@company.example"]


def test_opening_a_missing_message_is_a_typed_error() -> None:
    assert rejected(_world(), "mail_open", id="msg-404")["code"] == "mail.message_not_found"


def test_reply_goes_to_sent_in_the_same_thread_with_re_subject() -> None:
    world = _world()
    sent = ok(world, "mail_reply", id="msg-s2", body="Please go ahead with Q-1042.")
    assert sent["folder"] == "SENT" and sent["thread_id"] == "msg-s2"
    assert sent["subject"] == "Re: Quote Q-1042: 5x ProBook 14"
    assert sent["to"] == ["sales@northwind-laptops.example"] and sent["cc"] == []
    opened = ok(world, "mail_open", id=sent["id"])
    assert opened["in_reply_to"] == "msg-s2" and opened["from"] == "agent@company.example"
    assert _ids(ok(world, "mail_list", folder="SENT")) == [sent["id"]]
    assert sent["id"] not in _ids(ok(world, "mail_list"))


def test_inbound_answer_joins_the_thread_and_re_is_not_stacked() -> None:
    world = _world()
    mine = ok(world, "mail_reply", id="msg-s2", body="Confirmed.")
    theirs = ok(
        world,
        "npc_mail",
        sender="sales@northwind-laptops.example",
        subject="Re: Quote Q-1042: 5x ProBook 14",
        body="Order placed.",
        in_reply_to=mine["id"],
    )
    again = ok(world, "mail_reply", id=theirs["id"], body="Thanks!")
    assert again["subject"] == "Re: Quote Q-1042: 5x ProBook 14"
    opened = ok(world, "mail_open", id=theirs["id"])
    assert opened["thread_id"] == "msg-s2"
    assert opened["thread_ids"] == ["msg-s2", mine["id"], theirs["id"], again["id"]]


def test_reply_all_copies_everyone_but_you() -> None:
    sent = ok(_world(), "mail_reply", id="msg-s2", body="Looping in Maya.", reply_all=True)
    assert sent["cc"] == ["maya.chen@company.example"]


def test_reply_cc_adds_recipients_to_reply_all_without_repeating_anyone() -> None:
    world = _world()
    sent = ok(
        world,
        "mail_reply",
        id="msg-s2",
        body="Adding Sam.",
        reply_all=True,
        cc="Sam <sam.patel@company.example>, maya.chen@company.example, sales@northwind-laptops.example",
    )
    assert sent["to"] == ["sales@northwind-laptops.example"]
    assert sent["cc"] == ["maya.chen@company.example", "sam.patel@company.example"]
    only_cc = ok(
        world, "mail_reply", id="msg-s2", body="Just Sam.", cc=["sam.patel@company.example"]
    )
    assert only_cc["cc"] == ["sam.patel@company.example"]
    error = rejected(world, "mail_reply", id="msg-s2", body="x", cc="sam at company")
    assert error["code"] == "mail.invalid_address" and "'sam at company'" in error["message"]


def test_bad_address_is_rejected_naming_it() -> None:
    world = _world()
    for to, cc in (
        (["sam.patel@company.example", "sam at company"], []),
        (["a@b.example"], ["@x"]),
    ):
        error = rejected(world, "mail_compose", to=to, cc=cc, subject="Hi", body="Hello")
        assert error["code"] == "mail.invalid_address"
        assert repr((to + cc)[-1]) in error["message"]


def test_bad_entry_in_a_recipient_string_is_named_and_nothing_is_sent() -> None:
    world = _world()
    for to, cc, bad in (
        ("sam.patel@company.example, sam at company", [], "sam at company"),
        (
            "a@b.example",
            "Priya <priya.nair@company.example> extra",
            "Priya <priya.nair@company.example> extra",
        ),
        (["a@b.example; <c@d.example"], [], "<c@d.example"),
        ("Bob bob@x.example", [], "Bob bob@x.example"),
    ):
        error = rejected(world, "mail_compose", to=to, cc=cc, subject="Hi", body="Hello")
        assert error["code"] == "mail.invalid_address", (to, cc)
        assert repr(bad) in error["message"]
    assert ok(world, "mail_list", folder="SENT")["total"] == 0


def test_recipients_that_are_not_strings_or_name_nobody_are_invalid_arguments() -> None:
    world = _world()
    for to in ("", " , ;", [], [1], {"address": "a@b.example"}):
        error = rejected(world, "mail_compose", to=to, subject="Hi", body="Hello")
        assert error["code"] == "core.invalid_arguments" and "to" in error["message"], to


def test_recipients_accept_the_forms_a_person_writes() -> None:
    world = _world()
    sent = ok(
        world,
        "mail_compose",
        to="Sam Patel <Sam.Patel@Company.example>; priya.nair@company.example, sam.patel@company.example",
        cc=['"Chen, Maya" <maya.chen@company.example>', "Priya <priya.nair@company.example>"],
        subject="PO approval",
        body="Can you approve PO-7?",
    )
    assert sent["to"] == ["sam.patel@company.example", "priya.nair@company.example"]
    assert sent["cc"] == ["maya.chen@company.example"]
    opened = ok(world, "mail_open", id=sent["id"])
    assert (opened["to"], opened["cc"]) == (sent["to"], sent["cc"])


def test_every_spelling_of_the_same_recipients_is_the_same_call() -> None:
    spellings: list[Any] = [
        "sam.patel@company.example, Priya <priya.nair@company.example>",
        ["SAM.PATEL@company.example", '"Priya Nair" <priya.nair@company.example>'],
        ["sam.patel@company.example; priya.nair@company.example", "sam.patel@company.example"],
    ]
    heads = set()
    for to in spellings:
        world = _world()
        ok(world, "mail_compose", to=to, subject="PO", body="Please approve.")
        heads.add((world.chain.head, world.state_hash()))
    assert len(heads) == 1
    # So a retry with the same idempotency key and another spelling is the same request.
    world = _world()
    args = {"subject": "PO", "body": "Please approve.", "idempotency_key": "po-1"}
    first = ok(world, "mail_compose", to=spellings[0], **args)
    again = ok(world, "mail_compose", to=spellings[1], **args)
    assert again == first and ok(world, "mail_list", folder="SENT")["total"] == 1


def test_recipient_schema_lists_a_string_or_a_list_of_strings() -> None:
    specs = {spec.name: spec for spec in TWIN.tools}
    for tool, arg in (("mail_compose", "to"), ("mail_compose", "cc"), ("mail_reply", "cc")):
        prop = specs[tool].schema["properties"][arg]
        kinds = [option["type"] for option in prop["anyOf"]]
        assert kinds == ["string", "array"], (tool, arg)
        assert prop["anyOf"][1]["items"]["type"] == "string"
        assert prop["anyOf"][1]["items"]["maxLength"] > 0  # every string is bounded
        assert "commas" in prop["description"] and "<ann@company.example>" in prop["description"]
    assert specs["mail_compose"].schema["required"] == ["to", "subject", "body"]


def test_compose_normalises_recipients_and_lands_in_sent() -> None:
    world = _world()
    sent = ok(
        world,
        "mail_compose",
        to=["Sam.Patel@Company.example", "sam.patel@company.example"],
        cc=["sam.patel@company.example", "priya.nair@company.example"],
        subject="PO approval",
        body="Can you approve PO-7 for $5,900.00?",
    )
    assert sent["to"] == ["sam.patel@company.example"]
    assert sent["cc"] == ["priya.nair@company.example"]
    assert sent["thread_id"] == sent["id"] and sent["date_ms"] == 0
    assert rejected(world, "mail_compose", to=["a@b.example"], subject=" ", body="x")["code"] == (
        "mail.invalid_argument"
    )


def test_search_matches_every_word_in_any_case_across_fields() -> None:
    world = _world()
    ok(world, "mail_compose", to=["sam.patel@company.example"], subject="PO", body="laptops")
    assert _ids(ok(world, "mail_search", query="QUOTE northwind")) == ["msg-s2"]
    assert _ids(ok(world, "mail_search", query="maya.chen")) == ["msg-s2"]  # cc
    assert len(_ids(ok(world, "mail_search", query="laptop"))) == 3
    assert len(_ids(ok(world, "mail_search", query="laptop", folder="SENT"))) == 1
    assert ok(world, "mail_search", query="laptop invoice")["messages"] == []
    assert rejected(world, "mail_search", query="   ")["code"] == "mail.invalid_argument"


def test_scheduled_mail_arrives_unread_when_due() -> None:
    world = _world()
    ok(
        world,
        "npc_mail",
        sender="sam.patel@company.example",
        subject="OK",
        body="Approved.",
        delay_ms=5_000,
    )
    assert world.summaries()["mail"] == {"unread": 2}
    ok(world, "vei_tick")
    newest = ok(world, "mail_list")["messages"][0]
    assert (newest["subject"], newest["unread"], newest["date_ms"]) == ("OK", True, 5_000)
    assert world.summaries()["mail"] == {"unread": 3}


def test_custom_seed_sets_the_agents_address_and_bad_seeds_are_refused() -> None:
    world = _world({"address": "Ops@Acme.example", "messages": []})
    assert ok(world, "mail_compose", to=["x@acme.example"], subject="s", body="b")["id"]
    assert ok(world, "mail_search", query="ops@acme.example")["total"] == 1
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["messages"][0]["to"] = ["not-an-address"]
    with pytest.raises(ValueError, match="not-an-address"):
        TWIN.initial_state(seed)


def test_mail_passes_the_twin_contract() -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("mail_list", {"folder": "SENT"}),
        ("mail_open", {"id": "msg-s2"}),
        ("mail_reply", {"id": "msg-s2", "body": "Confirmed", "reply_all": True}),
        ("mail_compose", {"to": ["a@b.example"], "subject": "s", "body": "b", "cc": []}),
        ("mail_search", {"query": "quote"}),
        ("mail_compose", {"to": ["bad"], "subject": "s", "body": "b"}),
        ("mail_list", {"folder": "archive"}),
    ]
    check_twin(TWIN, calls=calls, error_codes=ERROR_CODES)
