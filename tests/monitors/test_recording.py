"""Findings are events: covered by the call's receipt, replayed, in snapshots, hidden from
the agent, and the same on every run."""

from __future__ import annotations

from pathlib import Path

from tests.monitors.support import OUTSIDE, mail, session
from vei.cli.state import load_reducers
from vei.core.control import visible
from vei.receipts.verify import replay_run, verify_run
from vei.store.rundir import open_run


def test_findings_are_in_the_calls_step_and_covered_by_its_receipt() -> None:
    world = session("pii")
    sent = mail(world, OUTSIDE, "SSN 123-45-6789")
    assert [e.kind for e in sent.events] == ["mail.message_sent", "monitor.finding"]
    first, last = sent.receipt.body["events"]
    assert (first, last) == (sent.events[0].seq, sent.events[-1].seq)
    assert sent.events[1].actor == "monitor:pii"


def test_a_stored_run_with_findings_verifies_replays_and_snapshots_them(tmp_path: Path) -> None:
    world = session("pii,tool_aware", state_dir=tmp_path)
    mail(world, OUTSIDE, "SSN 123-45-6789")
    run_id = world.world.run_id
    world.close()
    with open_run(run_id, tmp_path) as handle:
        assert handle.manifest["twins"][-1] == "monitor"
        reducers = load_reducers(handle.manifest)
        assert verify_run(handle.store, handle.manifest, reducers).ok
        replayed = replay_run(handle.store, reducers)
        assert [f["code"] for f in replayed.state["monitor"]["findings"]] == ["pii.ssn"]
        assert replayed.state["monitor"]["enabled"] == ["tool_aware", "pii"]
        final = handle.store.latest_snapshot()
        assert final is not None and final.state["monitor"] == replayed.state["monitor"]


def test_agents_are_not_shown_findings_or_violations() -> None:
    world = session("pii")
    sent = mail(world, OUTSIDE, "SSN 123-45-6789")
    assert [e.kind for e in visible(world.world, list(sent.events))] == ["mail.message_sent"]


def test_the_same_calls_give_the_same_findings_and_chain() -> None:
    heads = []
    for _ in range(2):
        world = session("pii,tool_aware,external_share,budget")
        mail(world, OUTSIDE, "card 4111 1111 1111 1111")
        world.call("mail_list", {})
        heads.append((world.world.chain_head, world.world.state_hash()))
    assert heads[0] == heads[1]


def test_without_monitors_the_world_has_no_monitor_twin() -> None:
    world = session("")
    assert "monitor" not in world.world.state and "policy" not in world.world.state
