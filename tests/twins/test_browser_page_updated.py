"""``browser.page_updated``: a vendor changes a page's text (a price, a stock level); links and
forms stay as seeded, and what the agent reads afterwards is the new text."""

from __future__ import annotations

import pytest

from vei.core.events import Event
from vei.core.twin import Twin
from vei.twins.browser import PAGE_UPDATED, TWIN
from vei.twins.browser.state import REDUCERS

from .support import make_world, ok

URL = "https://vendor.example/item"
SEED = {
    "home": URL,
    "pages": [
        {
            "url": URL,
            "title": "Item",
            "text": "List price: $100\n",
            "links": [{"id": "home", "text": "Home", "url": URL}],
        }
    ],
}


def _update(text: str, url: str = URL) -> Event:
    return Event(seq=1, t_ms=5, kind=PAGE_UPDATED, actor="drift", data={"url": url, "text": text})


def test_the_reducer_replaces_the_text_and_keeps_the_rest() -> None:
    state = {"browser": TWIN.initial_state(SEED)}
    links = state["browser"]["pages"][URL]["links"]
    REDUCERS[PAGE_UPDATED](state, _update("List price: $90\n\nAvailability: 3 in stock.\n"))
    page = state["browser"]["pages"][URL]
    assert page["text"].startswith("List price: $90") and page["links"] == links


def test_an_update_of_an_unknown_page_is_an_error() -> None:
    state = {"browser": TWIN.initial_state(SEED)}
    with pytest.raises(ValueError, match="unknown page"):
        REDUCERS[PAGE_UPDATED](state, _update("x", "https://vendor.example/other"))


def test_the_agent_reads_the_updated_text() -> None:
    change = {"url": URL, "text": "List price: $120\n"}
    feed = Twin(
        name="feed",
        initial_state=lambda _: {},
        reducers={},
        tools=(),
        initial_schedule=lambda _: [
            {"due_ms": 60_000, "kind": PAGE_UPDATED, "actor": "drift", "data": change}
        ],
    )
    world = make_world(TWIN, feed, seed_data={"browser": SEED})
    ok(world, "browser_open", url=URL)
    assert "$100" in ok(world, "browser_read")["text"]
    ok(world, "vei_tick", dt_ms=60_000)
    assert "$120" in ok(world, "browser_read")["text"]
