"""Determinism is the product: same seed + same calls => same log and chain head."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import clean_env
from vei.config import load_settings
from vei.core.state import fold, state_hash
from vei.session import Session

CHANNELS = ["#general", "general", "#random", "#procurement", "#nope", "@dana"]
ADDRESSES = ["sales@macrocompute.example", "dana@company.example", "not-an-address", "x@y.example"]
short_text = st.text(max_size=40)

calls = st.one_of(
    st.tuples(
        st.just("slack_send_message"),
        st.fixed_dictionaries({"channel": st.sampled_from(CHANNELS), "text": short_text}),
    ),
    st.tuples(
        st.just("slack_open_channel"), st.fixed_dictionaries({"channel": st.sampled_from(CHANNELS)})
    ),
    st.tuples(st.just("slack_list_channels"), st.just({})),
    st.tuples(
        st.just("mail_compose"),
        st.fixed_dictionaries(
            {
                "to": st.lists(st.sampled_from(ADDRESSES), min_size=1, max_size=2),
                "subject": short_text,
                "body": short_text,
            }
        ),
    ),
    st.tuples(st.just("mail_list"), st.just({})),
    st.tuples(st.just("mail_search"), st.fixed_dictionaries({"query": short_text})),
    st.tuples(st.just("vei_tick"), st.fixed_dictionaries({"dt_ms": st.integers(0, 120_000)})),
    st.tuples(st.just("vei_observe"), st.just({})),
)
sequences = st.lists(calls, max_size=12)


def run_calls(
    seed: int, seq: list[tuple[str, dict[str, Any]]], snapshot_every: int = 1000
) -> Session:
    session = Session(load_settings({"seed": seed}, env={}))
    session.world.snapshot_every = snapshot_every
    for name, args in seq:
        session.call(name, args)
    return session


def fingerprint(session: Session) -> tuple[str, list[str]]:
    return session.world.chain_head, [e.to_json() for e in session.world.store.events()]


RUNNER = """
import json, sys
from vei.config import load_settings
from vei.session import Session
spec = json.load(sys.stdin)
session = Session(load_settings({"seed": spec["seed"]}, env=spec["env"]))
for name, args in spec["calls"]:
    session.call(name, args)
events = [e.to_json() for e in session.world.store.events()]
print(json.dumps({"head": session.world.chain_head, "events": events, "state": session.world.state_hash()}))
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), seq=sequences)
def test_same_seed_and_calls_give_identical_log_and_chain_head(
    seed: int, seq: list[tuple[str, dict[str, Any]]]
) -> None:
    assert fingerprint(run_calls(seed, seq)) == fingerprint(run_calls(seed, seq))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=sequences)
def test_replaying_the_log_reproduces_the_live_state_hash(
    seq: list[tuple[str, dict[str, Any]]],
) -> None:
    session = run_calls(5, seq, snapshot_every=2)
    world = session.world
    snapshots = world.store.snapshots()
    events = list(world.store.events())
    full = fold(snapshots[0].state, events, world.reducers)
    assert state_hash(full) == world.state_hash()
    for snap in snapshots:
        tail = [e for e in events if e.seq > snap.revision]
        assert state_hash(fold(snap.state, tail, world.reducers)) == world.state_hash()
        assert (
            state_hash(
                fold(
                    snapshots[0].state,
                    [e for e in events if e.seq <= snap.revision],
                    world.reducers,
                )
            )
            == snap.state_hash
        )


json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
)
junk = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_malformed_arguments_get_typed_error_receipt_and_change_nothing(
    data: st.DataObject,
) -> None:
    session = run_calls(3, [("slack_send_message", {"channel": "#general", "text": "seed"})])
    world = session.world
    names = sorted(spec.name for spec in world.registry if spec.name != "vei_reset")
    name = data.draw(st.sampled_from(names))
    args = data.draw(st.dictionaries(st.text(min_size=1, max_size=8), junk, max_size=4))
    args["__bogus__"] = data.draw(junk)  # an unknown field makes any argument set malformed
    before = (world.state_hash(), world.revision, world.clock_ms, world.chain.count)
    outcome = session.call(name, args)
    assert not outcome.ok
    assert outcome.result["error"]["code"] == "core.invalid_arguments"
    assert (world.state_hash(), world.revision, world.clock_ms) == before[:3]
    assert world.chain.count == before[3] + 1 and outcome.receipt.body["ok"] is False


FIXED_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("slack_send_message", {"channel": "#general", "text": "hello"}),
    ("slack_send_message", {"channel": "#procurement", "text": "Can I buy a laptop for $3,199?"}),
    (
        "mail_compose",
        {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Please quote."},
    ),
    ("vei_tick", {"dt_ms": 60_000}),
    ("mail_list", {}),
    ("slack_open_channel", {"channel": "procurement"}),
    ("vei_observe", {}),
    ("slack_send_message", {"channel": "#nope", "text": "x"}),
]


EVERYTHING_ON = {
    "VEI_DRIFT_MODE": "aggressive",
    "VEI_FAULT_PROFILE": "aggressive",
    "VEI_MONITORS": "tool_aware,pii,external_share,budget",
    "VEI_POLICY_MODE": "warn",
    "VEI_POLICY_PROMOTE": "pii.ssn:error,tool_aware.loop:warning",
}


@pytest.mark.parametrize(
    "env", [{}, EVERYTHING_ON], ids=["defaults", "drift-faults-monitors-policy"]
)
def test_fresh_processes_with_other_hash_seeds_agree(env: dict[str, str]) -> None:
    calls = FIXED_CALLS + [
        ("mail_compose", {"to": ["x@y.example"], "subject": "ssn", "body": "SSN 123-45-6789"}),
        ("vei_tick", {"dt_ms": 1_800_000}),
        ("mail_list", {}),
    ]
    local = Session(load_settings({"seed": 11}, env=env))
    for name, args in calls:
        local.call(name, args)
    expected = {
        "head": local.world.chain_head,
        "events": fingerprint(local)[1],
        "state": local.world.state_hash(),
    }
    spec = json.dumps({"seed": 11, "calls": calls, "env": env})
    for hash_seed in ("0", "1", "4242"):
        proc = subprocess.run(
            [sys.executable, "-c", RUNNER],
            input=spec,
            capture_output=True,
            text=True,
            env=clean_env({"PYTHONHASHSEED": hash_seed}),
            timeout=120,
            check=True,
        )
        assert json.loads(proc.stdout) == expected, f"PYTHONHASHSEED={hash_seed} diverged"
