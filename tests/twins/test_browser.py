"""The web twin as an agent sees it, through World.call."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.twins.support import make_world, ok, rejected
from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import State, Twin
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.browser import (
    ERROR_CODES,
    FORM_SUBMITTED,
    PAGE_READ,
    PAGE_SEARCHED,
    TWIN,
    normalize_url,
)
from vei.twins.browser.seed import DEFAULT_SEED
from vei.twins.mail import TWIN as MAIL
from vei.twins.mail import deliver_mail

HOME = "https://intranet.company.example/"
POLICY = "https://intranet.company.example/policies/purchasing"
EQUIPMENT = "https://intranet.company.example/it/equipment"
FORM = "purchase-request"


def _world(seed: dict[str, Any] | None = None, *twins: Twin) -> World:
    return make_world(TWIN, *twins, seed_data=None if seed is None else {"browser": seed})


def _current(world: World) -> str | None:
    url: str | None = world.summaries()["browser"]["current_url"]
    return url


def _ids(outline: dict[str, Any]) -> list[str]:
    ids = [n["id"] for n in outline["links"] + outline["buttons"]]
    for form in outline["forms"]:
        ids += [form["id"], *(f["id"] for f in form["fields"]), form["submit_id"]]
    return ids


def _fill(world: World, **values: str) -> None:
    for name, text in values.items():
        ok(world, "browser_type", node_id=f"field-{FORM}-{name}", text=text)


_COMPLETE = dict(email="a@company.example", item="ProBook 14", quantity="5", total_usd="5900")


@pytest.mark.parametrize(
    "url",
    [
        POLICY,
        "HTTPS://Intranet.Company.EXAMPLE/policies/purchasing",
        "https://intranet.company.example:443/policies/purchasing",
        "https://intranet.company.example/policies/purchasing/",
        "https://intranet.company.example/policies/purchasing#approvals",
        "  https://intranet.company.example/policies/purchasing  ",
    ],
)
def test_spellings_of_one_url_open_the_same_page(url: str) -> None:
    world = _world()
    opened = ok(world, "browser_open", url=url)
    assert (opened["url"], opened["title"]) == (POLICY, "Purchasing Policy")
    assert _current(world) == POLICY


def test_normalisation_rules() -> None:
    assert normalize_url("https://intranet.company.example") == HOME
    assert normalize_url("HTTP://Host.Example:80") == "http://host.example/"
    assert normalize_url("http://host.example:8080/a/") == "http://host.example:8080/a"
    assert normalize_url("https://host.example:80/") == "https://host.example:80/"
    assert normalize_url("https://host.example/Path?Q=1#top") == "https://host.example/Path?Q=1"
    for bad in ("ftp://host.example/", "host.example/a", "/policies", "https://", "a b"):
        with pytest.raises(ValueError):
            normalize_url(bad)


def test_unknown_or_invalid_url_is_an_error_and_keeps_the_current_page() -> None:
    world = _world()
    missing = rejected(world, "browser_open", url=HOME + "policies")
    assert missing["code"] == "browser.page_not_found" and HOME + "policies" in missing["message"]
    assert _current(world) is None
    ok(world, "browser_open", url=HOME)
    for url in (HOME + "Policies/Purchasing", POLICY + "?version=2", "https://company.example/"):
        error = rejected(world, "browser_open", url=url)
        assert error["code"] == "browser.page_not_found"
    for url in ("ftp://intranet.company.example/", "intranet.company.example/", "javascript:x"):
        error = rejected(world, "browser_open", url=url)
        assert error["code"] == "browser.invalid_url" and repr(url) in error["message"]
    assert _current(world) == HOME


def test_open_returns_an_outline_with_node_ids() -> None:
    opened = ok(_world(), "browser_open", url=POLICY)
    links = [(link["id"], link["url"]) for link in opened["links"]]
    assert links == [("link-1", HOME), ("link-2", EQUIPMENT)]
    assert opened["buttons"] == [
        {"id": "button-1", "text": "Download as PDF", "action": "download:purchasing-policy.pdf"}
    ]
    form = opened["forms"][0]
    assert (form["submit_id"], form["submit_text"]) == ("submit-purchase-request", "Send request")
    fields = [f["id"] for f in form["fields"]]
    assert fields[:2] == ["field-purchase-request-email", "field-purchase-request-item"]
    assert "text" not in opened and opened["can_go_back"] is False


def test_read_needs_an_open_page_and_records_every_read() -> None:
    world = _world()
    error = rejected(world, "browser_read")
    assert error["code"] == "browser.no_page" and HOME in error["message"]
    ok(world, "browser_open", url=POLICY)
    outcome = world.call("browser_read", {})
    assert outcome.ok and [e.kind for e in outcome.events] == [PAGE_READ]
    assert outcome.events[0].data == {"url": POLICY, "title": "Purchasing Policy"}
    page = outcome.result
    assert page["url"] == POLICY and "above $5,000" in page["text"]
    assert page["forms"][0]["id"] == FORM and page["times_read"] == 1
    first_t = outcome.events[0].t_ms
    assert ok(world, "browser_read")["times_read"] == 2
    assert world.state["browser"]["reads"] == {POLICY: {"count": 2, "first_t_ms": first_t}}


def test_find_matches_elements_and_paragraphs_with_every_word_in_any_case() -> None:
    world = _world()
    assert rejected(world, "browser_find", query="policy")["code"] == "browser.no_page"
    ok(world, "browser_open", url=POLICY)
    before = world.state_hash()
    outcome = world.call("browser_find", {"query": "5,000 APPROVAL"})
    # A search is a read: it changes no state, but the log records what the agent was shown.
    assert outcome.ok and world.state_hash() == before
    assert [(e.kind, e.data) for e in outcome.events] == [
        (PAGE_SEARCHED, {"url": POLICY, "query": "5,000 APPROVAL", "paragraphs": [3, 4]})
    ]
    assert [p["index"] for p in outcome.result["paragraphs"]] == [3, 4]
    assert outcome.result["paragraphs"][1]["text"].startswith("Purchases above $5,000")
    assert outcome.result["elements"] == []
    found = ok(world, "browser_find", query="equipment catalog")
    assert found["elements"] == [
        {"id": "link-2", "type": "link", "text": "IT equipment catalog", "url": EQUIPMENT}
    ]
    assert [p["index"] for p in found["paragraphs"]] == [5]
    fields = ok(world, "browser_find", query="EMAIL")["elements"]
    assert [(e["id"], e["type"]) for e in fields] == [("field-purchase-request-email", "field")]
    assert ok(world, "browser_find", query="send request")["elements"][0]["type"] == "button"
    assert ok(world, "browser_find", query="approval invoice") == {
        "url": POLICY,
        "query": "approval invoice",
        "elements": [],
        "paragraphs": [],
    }
    assert rejected(world, "browser_find", query="   ")["code"] == "browser.invalid_argument"


def test_links_and_back_walk_a_real_history() -> None:
    world = _world()
    ok(world, "browser_open", url=HOME)
    step = ok(world, "browser_click", node_id="nav-purchasing")
    assert (step["url"], step["clicked"], step["can_go_back"]) == (POLICY, "nav-purchasing", True)
    assert ok(world, "browser_click", node_id="link-2")["url"] == EQUIPMENT
    assert ok(world, "browser_click", node_id="link-2")["url"] == POLICY
    ok(world, "browser_open", url=POLICY)  # reopening the same page adds no history entry
    assert world.state["browser"]["history"] == [HOME, POLICY, EQUIPMENT]
    assert ok(world, "browser_back")["url"] == EQUIPMENT
    assert ok(world, "browser_back")["url"] == POLICY
    last = ok(world, "browser_back")
    assert (last["url"], last["can_go_back"]) == (HOME, False)
    assert rejected(world, "browser_back")["code"] == "browser.no_history"
    assert _current(world) == HOME
    # Going back then somewhere new keeps the page left behind on the stack.
    ok(world, "browser_click", node_id="nav-equipment")
    ok(world, "browser_click", node_id="link-2")
    assert [ok(world, "browser_back")["url"] for _ in range(2)] == [EQUIPMENT, HOME]


def test_bad_clicks_name_the_node_and_the_page_and_change_nothing() -> None:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["pages"][0]["links"].append({"text": "Partner portal", "url": "https://partner.example/"})
    world = _world(seed)
    assert rejected(world, "browser_click", node_id="link-1")["code"] == "browser.no_page"
    ok(world, "browser_open", url=HOME)
    error = rejected(world, "browser_click", node_id="link-9")
    assert error["code"] == "browser.node_not_found"
    assert "'link-9'" in error["message"] and HOME in error["message"]
    dead = rejected(world, "browser_click", node_id="link-3")
    assert (
        dead["code"] == "browser.page_not_found" and "https://partner.example/" in dead["message"]
    )
    ok(world, "browser_open", url=POLICY)
    field = rejected(world, "browser_click", node_id="field-purchase-request-email")
    assert field["code"] == "browser.not_clickable"
    assert rejected(world, "browser_click", node_id=FORM)["code"] == "browser.not_clickable"
    assert rejected(world, "browser_click", node_id="nav-purchasing")["code"] == (
        "browser.node_not_found"
    )  # a node of another page
    assert _current(world) == POLICY


def test_a_plain_button_click_is_recorded() -> None:
    world = _world()
    ok(world, "browser_open", url=POLICY)
    clicked = ok(world, "browser_click", node_id="button-1")
    assert clicked["action"] == "download:purchasing-policy.pdf"
    [click] = world.state["browser"]["clicks"]
    assert (click["url"], click["node_id"], click["text"]) == (
        POLICY,
        "button-1",
        "Download as PDF",
    )
    assert _current(world) == POLICY


def test_typing_is_validated_for_the_fields_type() -> None:
    world = _world()
    ok(world, "browser_open", url=POLICY)
    email = "field-purchase-request-email"
    error = rejected(world, "browser_type", node_id=email, text="agent at company")
    assert error["code"] == "browser.invalid_value" and email in error["message"]
    assert ok(world, "browser_type", node_id=email, text=" Agent@Company.example ")["value"] == (
        "Agent@Company.example"
    )
    for bad in ("$5,900", "5.5", "five"):
        error = rejected(world, "browser_type", node_id=f"field-{FORM}-total_usd", text=bad)
        assert error["code"] == "browser.invalid_value" and "whole number" in error["message"]
    _fill(world, total_usd="5900")
    item = f"field-{FORM}-item"
    for node_id, text, code in (
        (item, "a\nb", "browser.invalid_value"),
        (item, "x" * 501, "browser.invalid_value"),
        ("link-1", "x", "browser.not_a_field"),
        ("submit-purchase-request", "x", "browser.not_a_field"),
    ):
        assert rejected(world, "browser_type", node_id=node_id, text=text)["code"] == code
    _fill(world, justification="New analysts start Monday.\n\nThey need laptops.")
    values = {f["name"]: f["value"] for f in ok(world, "browser_read")["forms"][0]["fields"]}
    assert values == {
        "email": "Agent@Company.example",
        "item": "",
        "quantity": "",
        "total_usd": "5900",
        "justification": "New analysts start Monday.\n\nThey need laptops.",
    }
    _fill(world, total_usd="")  # typing nothing clears a field
    assert world.state["browser"]["drafts"][FORM]["total_usd"] == ""


def test_submit_with_a_required_field_missing_fails_naming_each_and_keeps_drafts() -> None:
    world = _world()
    ok(world, "browser_open", url=POLICY)
    _fill(world, email="agent@company.example", item="   ")
    for tool, args in (
        ("browser_submit", {"form_id": FORM}),
        ("browser_click", {"node_id": "submit-purchase-request"}),
    ):
        error = rejected(world, tool, **args)
        assert error["code"] == "browser.required_fields_missing"
        for label in ("'Item'", "'Quantity'", "'Estimated total (whole US dollars)'"):
            assert label in error["message"]
        assert "Your work email" not in error["message"] and "justification" not in error["message"]
    assert world.state["browser"]["submissions"] == []
    assert world.state["browser"]["drafts"][FORM]["email"] == "agent@company.example"


def test_submit_stores_the_submission_clears_drafts_and_reports_an_id() -> None:
    world = _world()
    ok(world, "browser_open", url=POLICY)
    _fill(world, **_COMPLETE)
    outcome = world.call("browser_submit", {"form_id": FORM})
    assert outcome.ok
    [event] = outcome.events
    sub_id = outcome.result["submission_id"]
    assert event.kind == FORM_SUBMITTED
    assert event.data == {
        "submission_id": sub_id,
        "form_id": FORM,
        "form_title": "Purchase request",
        "url": POLICY,
        "values": {**_COMPLETE, "justification": ""},
    }
    assert sub_id in outcome.result["confirmation"]
    [stored] = world.state["browser"]["submissions"]
    assert stored == {
        "id": sub_id,
        "form_id": FORM,
        "form_title": "Purchase request",
        "url": POLICY,
        "values": event.data["values"],
        "t_ms": event.t_ms,
    }
    assert world.state["browser"]["drafts"] == {}
    assert all(f["value"] == "" for f in ok(world, "browser_read")["forms"][0]["fields"])
    # The submit button does the same; each submission gets its own id.
    _fill(world, **_COMPLETE)
    again = ok(world, "browser_click", node_id="submit-purchase-request")
    assert again["clicked"] == "submit-purchase-request" and again["submission_id"] != sub_id
    assert world.summaries()["browser"] == {"current_url": POLICY, "home": HOME, "submissions": 2}


def test_drafts_survive_navigation_and_forms_are_submitted_from_their_page() -> None:
    world = _world()
    ok(world, "browser_open", url=POLICY)
    _fill(world, **_COMPLETE)
    ok(world, "browser_click", node_id="link-2")
    error = rejected(world, "browser_submit", form_id=FORM)
    assert error["code"] == "browser.form_not_found" and f"it is on {POLICY}" in error["message"]
    assert rejected(world, "browser_submit", form_id="nope")["code"] == "browser.form_not_found"
    ok(world, "browser_back")
    assert ok(world, "browser_submit", form_id=FORM)["values"]["quantity"] == "5"


def test_node_ids_are_stable_across_worlds_and_follow_the_seed() -> None:
    outlines = [ok(_world(), "browser_open", url=POLICY) for _ in range(2)]
    assert _ids(outlines[0]) == _ids(outlines[1])
    fields = [
        {"name": "email", "label": "Email", "type": "email"},
        {"id": "qty", "name": "Qty", "label": "Qty", "type": "number"},
    ]
    page = {
        "url": "https://shop.example/quote",
        "title": "Quote",
        "links": [{"text": "A", "url": "/a"}, {"id": "terms", "text": "T", "url": "/t"}],
        "buttons": [{"id": "go", "text": "Go", "action": "submit:quote"}],
        "forms": [{"id": "quote", "fields": fields}],
    }
    seed = {"pages": [page]}
    opened = ok(_world(seed), "browser_open", url="https://shop.example/quote")
    derived = ["link-1", "terms", "go", "quote", "field-quote-email", "qty", "submit-quote"]
    assert _ids(opened) == derived
    assert opened["links"][0]["url"] == "https://shop.example/a"
    assert opened["forms"][0]["title"] == "quote"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda s: s["pages"].append(copy.deepcopy(s["pages"][0])), "two pages"),
        (lambda s: s["pages"][1].update(url="intranet/policies"), "intranet/policies"),
        (
            lambda s: s["pages"][1]["links"].append({"id": "link-1", "text": "x", "url": "/"}),
            "'link-1'",
        ),
        (
            lambda s: s["pages"][1]["buttons"].append({"text": "x", "action": "submit:order"}),
            "'order'",
        ),
        (lambda s: s.update(home="https://intranet.company.example/nowhere"), "nowhere"),
        (lambda s: s["pages"][2].update(forms=s["pages"][1]["forms"]), "purchase-request"),
        (lambda s: s["pages"][1]["forms"][0]["fields"][0].update(type="date"), "date"),
        (lambda s: s["pages"][1]["forms"][0]["fields"][1].update(name="email"), "'email'"),
    ],
)
def test_a_bad_seed_is_refused_naming_the_problem(change: Any, named: str) -> None:
    seed = copy.deepcopy(DEFAULT_SEED)
    change(seed)
    with pytest.raises(ValueError, match=named):
        TWIN.initial_state(seed)


def _answer_requests(state: State, event: Event, ctx: CallContext) -> None:
    values = event.data["values"]
    deliver_mail(
        ctx,
        "procurement@company.example",
        values["email"],
        f"Received {event.data['submission_id']}",
        f"We got your request for {values['quantity']} x {values['item']}.",
    )


def test_other_code_can_react_to_a_submission() -> None:
    reactors = {FORM_SUBMITTED: [_answer_requests]}
    desk = Twin("desk", lambda seed: {}, reducers={}, tools=(), reactors=reactors)
    world = _world(None, MAIL, desk)
    ok(world, "browser_open", url=POLICY)
    _fill(world, **_COMPLETE)
    sub_id = ok(world, "browser_submit", form_id=FORM)["submission_id"]
    newest = ok(world, "mail_list")["messages"][0]
    assert newest["subject"] == f"Received {sub_id}"


def test_browser_passes_the_twin_contract() -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("browser_read", {}),
        ("browser_open", {"url": "https://intranet.company.example"}),
        ("browser_read", {}),
        ("browser_click", {"node_id": "nav-purchasing"}),
        ("browser_find", {"query": "approval"}),
        ("browser_type", {"node_id": "field-purchase-request-email", "text": "a@b.example"}),
        ("browser_type", {"node_id": "field-purchase-request-quantity", "text": "lots"}),
        ("browser_submit", {"form_id": FORM}),
        ("browser_type", {"node_id": "field-purchase-request-item", "text": "Laptop"}),
        ("browser_type", {"node_id": "field-purchase-request-quantity", "text": "5"}),
        ("browser_type", {"node_id": "field-purchase-request-total_usd", "text": "5900"}),
        ("browser_click", {"node_id": "submit-purchase-request"}),
        ("browser_click", {"node_id": "button-1"}),
        ("browser_open", {"url": "https://intranet.company.example/missing"}),
        ("browser_back", {}),
        ("browser_back", {}),
        ("vei_tick", {}),
    ]
    check_twin(TWIN, calls=calls, error_codes=ERROR_CODES)
