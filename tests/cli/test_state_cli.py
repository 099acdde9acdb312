"""vei-state: list, show, events, receipts, verify, replay and export a stored run."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from typer.testing import CliRunner, Result

from vei.assembly import world_twins as real_get_twins
from vei.cli.state import app
from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import State, Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.base import StateStore
from vei.store.rundir import create_run, prepare_manifest

SIGNER = Signer.from_seed(b"\x09" * 32)


class NoteArgs(ToolArgs):
    text: str


def _add(state: State, args: NoteArgs, ctx: CallContext) -> dict[str, Any]:
    ctx.emit("notes.added", {"text": args.text})
    ctx.schedule(500, "notes.read", {"text": args.text}, actor="npc:boss")
    return {"count": len(state["notes"]["items"]) + 1}


def _added(state: State, event: Event) -> None:
    state["notes"]["items"].append(event.data["text"])


def _read(state: State, event: Event) -> None:
    state["notes"]["read"] += 1


NOTES = Twin(
    name="notes",
    initial_state=lambda seed: {"items": [], "read": 0},
    reducers={"notes.added": _added, "notes.read": _read},
    tools=[ToolSpec("notes_add", "Add a note.", NoteArgs, "write", _add, latency_ms=10)],
)


def fake_get_twins(names: Sequence[str]) -> list[Twin]:
    """The twin registry plus the notes twin."""
    return [NOTES if name == "notes" else real_get_twins([name])[0] for name in names]


@pytest.fixture(autouse=True)
def twin_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vei.assembly.world_twins", fake_get_twins, raising=False)


def make_run(state_dir: Path, run_id: str, *, close: bool = True) -> Path:
    manifest: Mapping[str, Any] = {
        "scenario": "notes",
        "seed": 3,
        "twins": ["notes"],
        "configuration": {"seed": 3},
        "vei_version": "test",
        "public_key": SIGNER.public_key_hex,
    }
    full = prepare_manifest(run_id, dict(manifest))
    worlds: list[World] = []

    def begin(store: StateStore) -> None:
        worlds.append(
            World(twins=[NOTES], seed=3, store=store, signer=SIGNER, run_id=run_id, manifest=full)
        )

    run_dir, store = create_run(state_dir, run_id, full, begin=begin)
    world = worlds[0]
    world.call("notes_add", {"text": "ship it"})
    world.call("notes_add", {"text": ""})
    world.call("notes_add", {"wrong": 1})  # rejected: no events
    world.call("vei_tick", {"dt_ms": 1_000})
    if close:
        world.close()
    else:
        store.close()
    return run_dir


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    make_run(tmp_path, "notes-run")
    return tmp_path


def invoke(*args: str | Path) -> Result:
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(app, [str(a) for a in args])


def test_runs_lists_runs_as_table_and_json(state_dir: Path) -> None:
    make_run(state_dir, "still-open", close=False)
    table = invoke("runs", "--state-dir", state_dir)
    assert table.exit_code == 0, table.output
    assert "notes-run" in table.output and "closed" in table.output
    assert "still-open" in table.output and "not closed" in table.output
    rows = json.loads(invoke("runs", "--state-dir", state_dir, "--json").output)
    by_id = {r["run_id"]: r for r in rows}
    assert by_id["notes-run"]["receipts"] == 4 and by_id["notes-run"]["events"] == 6
    assert by_id["notes-run"]["closed"] and not by_id["still-open"]["closed"]
    assert (by_id["notes-run"]["status"], by_id["still-open"]["status"]) == ("closed", "not closed")


def test_runs_in_an_empty_state_dir(tmp_path: Path) -> None:
    result = invoke("runs", "--state-dir", tmp_path)
    assert result.exit_code == 0 and "no runs" in result.output


def test_show_prints_manifest_and_counts(state_dir: Path) -> None:
    result = invoke("show", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 0, result.output
    assert SIGNER.public_key_hex in result.output and "signed, at close" in result.output
    info = json.loads(invoke("show", "notes-run", "--state-dir", state_dir, "--json").output)
    assert info["manifest"]["scenario"] == "notes"
    assert (info["events"], info["receipts"]) == (6, 4)
    assert info["checkpoint"]["head"] == info["chain_head"]


def test_events_lists_events_with_filters(state_dir: Path) -> None:
    table = invoke("events", "notes-run", "--state-dir", state_dir)
    assert table.exit_code == 0, table.output
    assert "notes.added" in table.output and "npc:boss" in table.output
    lines = invoke("events", "notes-run", "--state-dir", state_dir, "--json").output.splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    picked = invoke(
        "events", "notes-run", "--state-dir", state_dir, "--json", "--after", "2", "--limit", "2"
    )
    assert [json.loads(line)["seq"] for line in picked.output.splitlines()] == [3, 4]
    kinds = invoke("events", "notes-run", "--state-dir", state_dir, "--json", "--kind", "notes.r")
    assert {json.loads(line)["kind"] for line in kinds.output.splitlines()} == {"notes.read"}


def test_receipts_lists_calls_with_errors(state_dir: Path) -> None:
    table = invoke("receipts", "notes-run", "--state-dir", state_dir)
    assert table.exit_code == 0, table.output
    assert "core.invalid_arguments" in table.output and "vei_tick" in table.output
    lines = invoke("receipts", "notes-run", "--state-dir", state_dir, "--json").output.splitlines()
    assert [json.loads(line)["index"] for line in lines] == [1, 2, 3, 4]


def test_verify_ok_by_id_and_by_path(state_dir: Path) -> None:
    result = invoke("verify", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "OK notes-run (closed, checkpoint verified): 4 receipts, 6 events"
    )
    by_path = invoke("verify", state_dir / "runs" / "notes-run", "--json")
    assert by_path.exit_code == 0, by_path.output
    assert json.loads(by_path.output)["ok"] is True


def test_verify_of_an_unclosed_run_fails_until_recover_seals_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_run(tmp_path, "open-run", close=False)
    result = invoke("verify", "open-run", "--state-dir", tmp_path)
    assert result.exit_code == 1, result.output
    assert "checkpoint: missing: the run was not closed" in result.output
    assert "receipts 1-4 verify" in result.output
    key = tmp_path / "key.pem"
    key.write_bytes(SIGNER._key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    monkeypatch.setenv("VEI_RECEIPT_KEY", str(key))
    sealed = invoke("recover", "open-run", "--state-dir", tmp_path)
    assert sealed.exit_code == 0, sealed.output
    assert "ended by a crash at receipt 4" in sealed.output
    result = invoke("verify", "open-run", "--state-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "ended by a crash, sealed afterwards" in result.output
    again = invoke("recover", "open-run", "--state-dir", tmp_path)
    assert again.exit_code == 1 and "closed already" in again.output


def test_verify_fails_naming_the_first_bad_record(state_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "notes-run"  # a copy keeps the run's name
    shutil.copytree(state_dir / "runs" / "notes-run", copy)
    with sqlite3.connect(copy / "events.sqlite") as conn:
        (body,) = conn.execute("SELECT body FROM events WHERE seq = 3").fetchone()
        conn.execute(
            "UPDATE events SET body = ? WHERE seq = 3", (body.replace('"text"', '"texT"'),)
        )
    conn.close()
    result = invoke("verify", copy)
    assert result.exit_code == 1
    # notes_add emits two events (the note and its scheduled reading): the digest covers both
    assert "FAILED notes-run: receipt 2: events 3-4 do not match its events_digest" in result.output


def test_unknown_run_exits_2(state_dir: Path) -> None:
    result = invoke("verify", "no-such-run", "--state-dir", state_dir)
    assert result.exit_code == 2
    assert "no-such-run" in result.output


def test_damaged_database_exits_1(state_dir: Path) -> None:
    (state_dir / "runs" / "notes-run" / "events.sqlite").write_bytes(b"not a database" * 100)
    result = invoke("verify", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 1
    assert "cannot open run 'notes-run'" in result.output


def test_manifest_without_twins_exits_2(state_dir: Path) -> None:
    path = state_dir / "runs" / "notes-run" / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["twins"]
    path.write_text(json.dumps(manifest))
    result = invoke("replay", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 2 and "'twins'" in result.output


def test_unknown_twin_exits_2(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vei.assembly.world_twins", real_get_twins)  # knows no "notes" twin
    result = invoke("replay", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 2 and "cannot load twins" in result.output


def test_replay_prints_the_state_hash_and_match(state_dir: Path) -> None:
    result = invoke("replay", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 0, result.output
    assert "(checkpoint): matches" in result.output
    data = json.loads(invoke("replay", "notes-run", "--state-dir", state_dir, "--json").output)
    assert data["matches"] is True and data["revision"] == 6


def test_replay_reports_a_mismatch(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vei.assembly.world_twins", lambda names: [])
    result = invoke("replay", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 1
    assert "DOES NOT MATCH" in result.output


def test_export_writes_typed_json_lines(state_dir: Path) -> None:
    result = invoke("export", "notes-run", "--state-dir", state_dir)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    types = [r["type"] for r in records]
    assert types == ["manifest", "genesis"] + ["event"] * 6 + ["receipt"] * 4 + ["checkpoint"]
    assert records[0]["manifest"]["run_id"] == "notes-run"
    assert records[1]["genesis"]["hash"] == records[8]["receipt"]["prev"]  # receipt 1
    assert [r["event"]["seq"] for r in records if r["type"] == "event"] == [1, 2, 3, 4, 5, 6]
    assert records[-1]["checkpoint"]["size"] == 4
    with_snapshots = invoke("export", "notes-run", "--state-dir", state_dir, "--snapshots")
    snaps = [json.loads(line) for line in with_snapshots.output.splitlines()][2:4]
    assert [s["snapshot"]["revision"] for s in snaps] == [0, 6]


def test_state_dir_defaults_to_the_vei_state_dir_setting(state_dir: Path) -> None:
    result = CliRunner(env={"VEI_STATE_DIR": str(state_dir)}).invoke(app, ["verify", "notes-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "OK notes-run (closed, checkpoint verified): 4 receipts, 6 events, 2 snapshots"
    )


def test_invalid_configuration_exits_2_naming_the_variable(state_dir: Path) -> None:
    env = {"VEI_STATE_DIR": str(state_dir), "VEI_DURABILITY": "bogus"}
    result = CliRunner(env=env).invoke(app, ["runs"])
    assert result.exit_code == 2
    assert "VEI_DURABILITY" in result.output


def test_a_path_needs_no_configuration(state_dir: Path) -> None:
    env = {"VEI_DURABILITY": "bogus"}  # would stop any command that reads the settings
    run_dir = str(state_dir / "runs" / "notes-run")
    result = CliRunner(env=env).invoke(app, ["verify", run_dir])
    assert result.exit_code == 0, result.output


def test_a_real_session_run_verifies_with_the_real_twins(tmp_path: Path) -> None:
    from vei.config import load_settings
    from vei.session import Session

    session = Session(load_settings({"state_dir": tmp_path}))
    world = session.world
    session.call("slack_send_message", {"channel": "procurement", "text": "on it"})
    session.call("vei_tick", {"dt_ms": 3_600_000})
    session.close()
    result = invoke("verify", world.run_id, "--state-dir", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["checkpoint"] and report["receipts"] == 2
