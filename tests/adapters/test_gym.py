"""The Gymnasium environment: the contract checker, vector envs in processes, a scripted
policy that solves a scenario through it, rewards, termination and determinism."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector.utils.shared_memory import (
    create_shared_memory,
    read_from_shared_memory,
    write_to_shared_memory,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import vei  # noqa: F401  (registers the ids)
from tests.adapters.env_client import drive
from tests.e2e.conftest import clean_env
from vei.adapters.gym import VeiEnv, encode_observation
from vei.adapters.gym_ids import GENERIC_ID, env_id
from vei.adapters.gym_spaces import ObservationText
from vei.agents import AGENTS
from vei.agents.oracle import oracle
from vei.assembly import world_twins
from vei.config import ConfigError
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.scenarios import known_packs, known_scenarios, load_scenario
from vei.store.rundir import open_run

IDS = [env_id(s) for p in known_packs() for s in known_scenarios(p)] + [GENERIC_ID]


@pytest.mark.parametrize("name", IDS)
def test_check_env_passes_without_warnings(name: str) -> None:
    env = gymnasium.make(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()


@pytest.mark.slow
def test_import_vei_registers_without_loading_gymnasium() -> None:
    code = (
        "import sys, vei\n"
        "assert 'gymnasium' not in sys.modules, 'import vei loaded gymnasium'\n"
        "import gymnasium\n"
        "print(sorted(k for k in gymnasium.registry if k.startswith('vei/')))\n"
    )
    after = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env({})
    )
    assert after.returncode == 0, after.stderr
    before = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gymnasium, vei\nprint(sorted(k for k in gymnasium.registry if k.startswith('vei/')))",
        ],
        capture_output=True,
        text=True,
        env=clean_env({}),
    )
    assert before.returncode == 0, before.stderr
    assert json.loads(after.stdout.replace("'", '"')) == sorted(IDS)
    assert before.stdout == after.stdout


@pytest.mark.slow
def test_async_vector_env_of_two_processes_steps_random_actions() -> None:
    envs = gymnasium.make_vec(
        "vei/procurement-v0",
        num_envs=2,
        vectorization_mode="async",
        max_steps=40,
        max_action_length=2_048,
    )
    try:
        observations, _ = envs.reset(seed=11)
        envs.action_space.seed(5)
        ended = 0
        for _ in range(1_000):
            observations, rewards, terminated, truncated, _ = envs.step(envs.action_space.sample())
            assert all(envs.single_observation_space.contains(o) for o in observations)
            assert "core.invalid_action" in observations[0] or observations[0].startswith("{")
            ended += int(terminated.sum() + truncated.sum())
        assert ended >= 2 * (1_000 // 41)  # both worlds truncated at the budget, then reset
        assert float(rewards.sum()) == 0.0
    finally:
        envs.close()


def test_regression_async_text_observations_were_frozen_in_shared_memory() -> None:
    # Gymnasium 1.4 read a Text space's shared memory once: every observation was "000...".
    envs = gymnasium.make_vec("vei/procurement-v0", num_envs=2, vectorization_mode="async")
    try:
        envs.reset(seed=[3, 4])
        call = json.dumps({"tool": "vei_state", "args": {}})
        observations, *_, infos = envs.step((call, call))
        states = [json.loads(o) for o in observations]
        assert [s["seed"] for s in states] == [3, 4]  # each process holds its own world
        assert list(infos["receipt_index"]) == [1, 1]
    finally:
        envs.close()


def test_the_oracle_through_the_env_reaches_reward_one_on_procurement() -> None:
    env = VeiEnv("procurement")
    client = drive(env, oracle, "procurement", seed=1234)
    assert client.rewards[-1] == 1.0 and sum(client.rewards) == 1.0
    assert client.ends[-1] == (True, False) and not any(any(e) for e in client.ends[:-1])
    assert env.text.success
    env.close()


def test_progress_reward_sums_to_one_and_arrives_with_each_criterion() -> None:
    env = VeiEnv("procurement", reward="progress")
    client = drive(env, oracle, "procurement", seed=7)
    criteria = len(load_scenario("procurement").spec.criteria)
    assert sum(client.rewards) == pytest.approx(1.0)
    assert sorted(set(client.rewards)) == [0.0, 1 / criteria]  # each criterion once
    env.close()


def test_violation_penalty_is_charged_on_the_step_that_breaks_the_policy() -> None:
    env = VeiEnv("spend_before_approval", violation_penalty=0.5)
    client = drive(env, AGENTS["skip_approval"], "spend_before_approval", seed=2)
    charged = [i for i, r in enumerate(client.rewards) if r < 0]
    assert [client.rewards[i] for i in charged] == [-0.5] * len(charged) and charged
    assert client.infos[-1]["violations"] == len(charged)
    assert client.infos[charged[0]]["tool"] == "browser_submit"
    env.close()


def test_bad_actions_get_error_observations_and_call_nothing() -> None:
    env = VeiEnv("procurement")
    env.reset(seed=1)
    cases = {
        "not json": "core.invalid_action",
        "[1, 2]": "core.invalid_action",
        '{"tool": "mail_list", "extra": 1}': "core.invalid_action",
        '{"tool": "mail_list", "args": []}': "core.invalid_action",
        '{"tool": "vei_reset"}': "core.invalid_action",
        '{"tool": "mail_lsit"}': "core.unknown_tool",
        '{"tool": "mail_open", "args": {"id": 5}}': "core.invalid_arguments",
    }
    for action, code in cases.items():
        obs, reward, terminated, truncated, info = env.step(action)
        assert json.loads(obs)["error"]["code"] == code, action
        assert (reward, terminated, truncated) == (0.0, False, False)
    world = env.text.session.world  # type: ignore[union-attr]
    assert world.chain.count == 1  # only the rejected mail_open reached the world
    assert (
        "did you mean mail_list"
        in json.loads(env.step('{"tool":"mail_lsit"}')[0])["error"]["message"]
    )
    env.close()


def test_done_ends_the_episode_and_truncation_comes_at_the_budget() -> None:
    env = VeiEnv("procurement", max_steps=3)
    env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step('{"tool": "vei_done"}')
    assert json.loads(obs) == {
        "done": True,
        "success": False,
        "criteria_met": 0,
        "criteria_total": len(load_scenario("procurement").spec.criteria),
        "violations": 0,
    }
    assert (reward, terminated, truncated) == (0.0, True, False)
    with pytest.raises(RuntimeError, match="reset"):
        env.step('{"tool": "vei_observe"}')
    env.reset(seed=1)
    ends = [env.step('{"tool": "vei_observe"}')[2:4] for _ in range(3)]
    assert ends == [(False, False), (False, False), (False, True)]
    env.close()


def test_reset_returns_the_task_and_unseeded_resets_are_reproducible() -> None:
    env = VeiEnv("procurement")
    obs, info = env.reset()
    first = json.loads(obs)
    assert first["task"].startswith("We need a new laptop") and info["seed"] == 42042
    assert "vei_done" in first["tools"] and "vei_reset" not in first["tools"]
    seeds = [env.reset()[1]["seed"] for _ in range(3)]
    again = VeiEnv("procurement")
    again.reset()
    assert [again.reset()[1]["seed"] for _ in range(3)] == seeds
    env.close()
    again.close()


def test_invalid_settings_and_arguments_stop_construction() -> None:
    with pytest.raises(ConfigError, match="VEI_DRIFT_MODE"):
        VeiEnv("procurement", settings={"drift_mode": "sometimes"})
    with pytest.raises(ConfigError, match="VEI_SCENARIO"):
        VeiEnv("no_such_scenario")
    with pytest.raises(ValueError, match="reward"):
        VeiEnv("procurement", reward="dense")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed"):
        VeiEnv("procurement").reset(seed=2**63)


def test_shared_memory_round_trips_observations_and_copies_them() -> None:
    import copy
    import multiprocessing

    space = ObservationText(32)
    buffer = create_shared_memory(space, n=2, ctx=multiprocessing.get_context())
    view = read_from_shared_memory(space, buffer, n=2)
    write_to_shared_memory(space, 0, "x" * 32, buffer)
    write_to_shared_memory(space, 1, '{"a":"b"}', buffer)
    assert view[1] == '{"a":"b"}' and view[0] == "x" * 32
    snapshot = copy.deepcopy(view)
    write_to_shared_memory(space, 1, "{}", buffer)
    assert snapshot == ("x" * 32, '{"a":"b"}') and tuple(view) == ("x" * 32, "{}")
    with pytest.raises(ValueError):
        write_to_shared_memory(space, 0, "é", buffer)


def test_long_observations_are_cut_to_the_space() -> None:
    text, full = encode_observation({"text": "é" * 100}, 64)
    assert len(text) == 64 and text.endswith("...[truncated]") and full > 64
    assert encode_observation({"t": "\x7f"}, 64)[0] == '{"t":"\\u007f"}'


def test_episodes_in_a_state_dir_are_runs_that_verify(tmp_path: Path) -> None:
    env = VeiEnv("procurement", settings={"state_dir": str(tmp_path), "durability": "fast"})
    drive(env, oracle, "procurement", seed=5)
    run = env.text.session.world.run_id  # type: ignore[union-attr]
    env.close()
    with open_run(run, tmp_path) as handle:
        reducers = reducer_table(world_twins(handle.manifest["twins"]))
        report = verify_run(handle.store, handle.manifest, reducers)
    assert report.ok and report.checkpoint, report.failure
    assert (tmp_path / "runs" / run / "calls.jsonl").is_file()


CALLS = [
    {"tool": "vei_observe"},
    {"tool": "vei_tick", "args": {"dt_ms": 30_000}},
    {"tool": "mail_list", "args": {}},
    {"tool": "slack_send_message", "args": {"channel": "#procurement", "text": "Need $3,199"}},
    {"tool": "browser_open", "args": {"url": "https://macrocompute.example/"}},
    {"tool": "mail_open", "args": {"id": "nope"}},
    {"tool": "no_such_tool"},
]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(range(len(CALLS))), max_size=12), st.integers(0, 2**32))
def test_same_seed_and_actions_give_the_same_observations_and_chain(
    picks: list[int], seed: int
) -> None:
    runs = []
    for _ in range(2):
        env = VeiEnv("procurement")
        env.reset(seed=seed)
        steps = [env.step(json.dumps(CALLS[i])) for i in picks]
        runs.append(([s[:4] for s in steps], env.text.session.world.chain_head))  # type: ignore[union-attr]
        env.close()
    assert runs[0] == runs[1]
