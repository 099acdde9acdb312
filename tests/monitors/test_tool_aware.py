"""The tool_aware monitor: loops, repeated writes, writes without reading, cost spikes."""

from __future__ import annotations

from dataclasses import replace

from tests.core.kv_twin import KV
from tests.monitors.support import OUTSIDE, codes, mail, session
from vei.core.world import World
from vei.monitors import MONITORS, MonitorSet
from vei.monitors.twin import TWIN as MONITOR
from vei.policy.section import PolicyContext
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore

PRICEY = replace(
    KV.tools[0], name="kv_bulkset", description="Store a value, expensively.", cost_cents=900
)


def _kv_world() -> World:
    twin = replace(KV, tools=[*KV.tools, PRICEY])
    return World(
        twins=[twin, MONITOR],
        seed=1,
        store=MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        run_id="kv",
        seed_data={"monitor": {"enabled": ["tool_aware"]}},
        middleware=[MonitorSet([MONITORS["tool_aware"]], PolicyContext())],
    )


def _codes(world: World) -> list[str]:
    return [f["code"] for f in world.state["monitor"]["findings"]]


def test_the_third_identical_call_with_nothing_changed_is_a_loop_reported_once() -> None:
    world = session("tool_aware")
    for _ in range(5):
        world.call("mail_list", {})
    assert codes(world) == ["tool_aware.loop"]
    (finding,) = world.world.state["monitor"]["findings"]
    assert finding["receipt"] == 3


def test_polling_while_the_world_changes_is_not_a_loop() -> None:
    world = session("tool_aware")
    mail(world, "sales@macrocompute.example", "Could you send a quote?")
    for _ in range(3):
        world.call("mail_list", {"unread_only": True})
        world.call("vei_tick", {"until_next_event": True})
    assert "tool_aware.loop" not in codes(world)


def test_sending_the_same_mail_twice_is_a_repeated_write() -> None:
    world = session("tool_aware")
    mail(world, OUTSIDE, "Hello there")
    mail(world, OUTSIDE, "Another message")
    assert codes(world) == []
    mail(world, OUTSIDE, "Hello there")
    assert codes(world) == ["tool_aware.repeated_write"]


def test_reading_pages_and_opening_channels_again_is_not_a_repeated_write() -> None:
    world = session("tool_aware")
    for url in (
        "https://macrocompute.example/",
        "https://macrocompute.example/products/macrobook-air-13",
    ):
        world.call("browser_open", {"url": url})
        world.call("browser_read", {})
    assert codes(world) == []


def test_posting_where_messages_are_unread_is_a_write_without_read_once() -> None:
    world = session("tool_aware")
    world.call("slack_send_message", {"channel": "#procurement", "text": "Hi all"})
    world.call("slack_send_message", {"channel": "#procurement", "text": "Anyone?"})
    assert codes(world) == ["tool_aware.write_without_read"]
    assert world.world.state["monitor"]["findings"][0]["subject"] == "slack:procurement"
    world.call("slack_open_channel", {"channel": "#procurement"})
    world.call("slack_send_message", {"channel": "#procurement", "text": "Read it now"})
    assert codes(world) == ["tool_aware.write_without_read"]


def test_replying_to_unopened_mail_is_a_write_without_read_and_opened_mail_is_not() -> None:
    world = session("tool_aware")
    (message,) = world.call("mail_list", {}).result["messages"]
    world.call("mail_reply", {"id": message["id"], "body": "On it"})
    assert codes(world) == ["tool_aware.write_without_read"]
    world.call("mail_open", {"id": message["id"]})
    world.call("mail_reply", {"id": message["id"], "body": "Done"})
    assert codes(world) == ["tool_aware.write_without_read"]


def test_an_expensive_call_after_cheap_ones_is_a_cost_spike() -> None:
    world = _kv_world()
    for value in range(3):
        world.call("kv_set", {"key": "a", "value": value})
    assert _codes(world) == []
    world.call("kv_bulkset", {"key": "b", "value": 1})
    assert _codes(world) == ["tool_aware.cost_spike"]


def test_an_expensive_call_among_expensive_ones_is_not_a_spike() -> None:
    world = _kv_world()
    world.call("kv_bulkset", {"key": "a", "value": 1})
    world.call("kv_bulkset", {"key": "b", "value": 2})
    assert _codes(world) == ["tool_aware.cost_spike"]  # only the first: the mean was 0


def test_history_comes_from_the_receipts_so_a_restarted_monitor_agrees() -> None:
    world = _kv_world()
    world.call("kv_get", {"key": "a"})
    world.call("kv_get", {"key": "a"})
    world.middleware = [MonitorSet([MONITORS["tool_aware"]], PolicyContext())]  # restarted
    world.call("kv_get", {"key": "a"})
    assert _codes(world) == ["tool_aware.loop"]
