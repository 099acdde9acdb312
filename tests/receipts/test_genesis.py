"""The genesis binds the run's inputs into the chain without making heads machine-bound."""

from __future__ import annotations

from pathlib import Path

from vei.config import load_settings
from vei.receipts.genesis import Genesis, run_inputs
from vei.receipts.signing import Signer
from vei.session import Session

CALLS = [
    ("slack_send_message", {"channel": "#general", "text": "hello"}),
    ("vei_tick", {"dt_ms": 60_000}),
    ("mail_list", {}),
]


def _head(session: Session) -> str:
    for name, args in CALLS:
        session.call(name, args)
    head = session.world.chain_head
    session.close()
    return head


def test_chain_head_does_not_depend_on_store_run_id_time_or_key(tmp_path: Path) -> None:
    memory = _head(Session(load_settings({"seed": 3}, env={})))
    stored = _head(Session(load_settings({"seed": 3, "state_dir": tmp_path / "a"}, env={})))
    named = _head(
        Session(load_settings({"seed": 3, "state_dir": tmp_path / "b"}, env={}), run_id="other")
    )
    assert memory == stored == named


def test_another_seed_or_setting_changes_the_chain_from_its_start() -> None:
    base = Session(load_settings({"seed": 3}, env={})).world.genesis.hash
    seed = Session(load_settings({"seed": 4}, env={})).world.genesis.hash
    mode = Session(load_settings({"seed": 3, "policy_mode": "warn"}, env={})).world.genesis.hash
    assert len({base, seed, mode}) == 3


def test_whatever_the_manifest_holds_is_digested() -> None:
    signer = Signer.from_seed(bytes(32))
    manifest = {
        "run_id": "r",
        "scenario_spec": {"criteria": [1]},
        "public_key": signer.public_key_hex,
    }
    plain = Genesis.create(manifest, run="r", state_hash="s", snapshot_every=10, signer=signer)
    with_facts = Genesis.create(
        {**manifest, "scenario_spec": {"criteria": [1], "facts": {"price": 3199}}},
        run="r",
        state_hash="s",
        snapshot_every=10,
        signer=signer,
    )
    new_field = Genesis.create(
        {**manifest, "drawn": {"eta_days": 5}}, run="r", state_hash="s", snapshot_every=10,
        signer=signer,
    )  # fmt: skip
    assert len({plain.hash, with_facts.hash, new_field.hash}) == 3
    assert run_inputs(manifest) == {"scenario_spec": {"criteria": [1]}}
    assert with_facts.manifest_differences(manifest) == ["scenario_spec"]
    assert plain.problem(signer.public_key_hex) is None
