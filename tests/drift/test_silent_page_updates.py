"""A vendor editing its page is not announced to the agent; reading the page shows it."""

from __future__ import annotations

from vei import Session, load_settings


def test_page_updates_are_applied_but_not_announced() -> None:
    session = Session(load_settings({}, env={"VEI_DRIFT_MODE": "aggressive"}))
    shown = session.call("vei_tick", {"dt_ms": 3_600_000}).result["delivered"]
    updates = [e for e in session.world.store.events() if e.kind == "browser.page_updated"]
    assert updates, "aggressive drift edits vendor pages within an hour"
    assert all(e["kind"] != "browser.page_updated" for e in shown)
    assert shown, "other drift (mail, chat) is still announced"
