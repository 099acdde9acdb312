"""``--agent``: scripted names, ``cmd:`` programs that speak MCP, ``py:`` callables, and
the errors for agents and options that do not exist."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest

from vei import agents
from vei.agents.noop import noop
from vei.config import Settings
from vei.eval import AgentOptions, EvalInputError, EvalPlan, parse_agent, run_eval
from vei.eval.drivers import server_argv
from vei.eval.episode import EpisodeResult
from vei.eval.plan import episode_specs

PROGRAM = Path(__file__).with_name("mcp_agent_program.py")


def _one(agent: str, out: Path, scenario: str = "procurement", **options: object) -> EpisodeResult:
    spec = parse_agent(agent, AgentOptions(**options))  # type: ignore[arg-type]
    (result,) = run_eval(EvalPlan(spec, [("core", scenario)], [5], 1, out), workers=1).results
    return result


def _program(mode: str) -> str:
    return f"cmd:{shlex.quote(sys.executable)} {shlex.quote(str(PROGRAM))} --server {{server}} --mode {mode}"


@pytest.mark.slow
def test_an_external_mcp_program_solves_the_scenario_like_the_oracle_in_process(
    tmp_path: Path,
) -> None:
    external = _one(_program("oracle"), tmp_path / "cmd", "vendor_webform")
    assert external.success and external.error is None, external.error
    assert external.agent_notes == {"returncode": 0}
    assert external.run_dir is not None
    log = tmp_path / "cmd" / external.run_dir / "program.log"
    assert "done in" in log.read_text()
    inside = _one("oracle", tmp_path / "oracle", "vendor_webform")
    assert external.chain_head == inside.chain_head  # the transport changes nothing hashed


@pytest.mark.slow
def test_a_program_that_fails_is_an_error_and_its_run_is_still_scored(tmp_path: Path) -> None:
    crashed = _one(_program("crash"), tmp_path / "crash")
    assert not crashed.success
    assert crashed.error is not None and "exited with code 3" in crashed.error
    assert crashed.tool_calls == 1 and crashed.verified
    never = _one(_program("never"), tmp_path / "never")
    assert not never.success and never.score is None and never.run_dir is None
    assert never.error is not None and "no run was recorded" in never.error


def test_the_server_command_carries_the_settings_that_differ_from_the_defaults(
    tmp_path: Path,
) -> None:
    settings = Settings(drift_mode="light", monitors=("pii",), actor_api_key="secret")
    (spec,) = episode_specs(
        parse_agent("cmd:true"), [("core", "procurement")], [9], 1, settings, tmp_path
    )
    argv = server_argv(spec)
    assert argv[:3] == ["env", "VEI_DRIFT_MODE=light", "VEI_MONITORS=pii"]
    assert argv[3:7] == [sys.executable, "-m", "vei", "serve"]
    assert argv[argv.index("--run-id") :][:2] == ["--run-id", "procurement-s9-t0"]
    assert "--seed" in argv and "9" in argv and "secret" not in " ".join(argv)


def test_a_python_coroutine_gets_an_mcp_client_and_reports_its_usage(tmp_path: Path) -> None:
    result = _one("py:tests.eval.py_agents:browse", tmp_path / "py")
    assert result.error is None and not result.success
    assert result.tool_calls == 2
    assert result.tokens == {"prompt": 100, "completion": 10, "total": 110}
    assert result.cost_usd == 0.01 and result.completions == 2


def test_a_python_function_gets_the_session(tmp_path: Path) -> None:
    result = _one("py:tests.eval.py_agents:observe", tmp_path / "py")
    assert result.error is None and result.tool_calls == 1
    bad = _one("py:tests.eval.py_agents:chatty", tmp_path / "bad")
    assert bad.error is not None and "return None or a vei.agents.usage.Usage" in bad.error


def test_any_registered_scripted_agent_is_an_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(agents.AGENTS, "adversary:idle", noop)
    result = _one("adversary:idle", tmp_path / "adv")
    assert result.agent == "adversary:idle" and not result.success and result.tool_calls == 1


@pytest.mark.parametrize(
    ("label", "options", "message"),
    [
        ("oracel", {}, "unknown agent 'oracel'.*oracle"),
        ("openai:", {}, "needs a model name"),
        ("oracle", {"base_url": "http://127.0.0.1:1/v1"}, "--base-url applies only to openai"),
        ("openai:m", {"base_url": "ftp://x"}, "is not an http"),
        ("openai:m", {"temperature": 3.0}, "--temperature"),
        ("openai:m", {"max_steps": 0}, "--max-steps"),
        ("cmd:", {}, "the command is empty"),
        ("cmd:'unbalanced", {}, "No closing quotation"),
        ("noop", {"timeout_s": 5.0}, "--timeout applies only to cmd"),
        ("py:nowhere_at_all:run", {}, "cannot import 'nowhere_at_all'"),
        ("py:tests.eval.py_agents:missing", {}, "has no 'missing'"),
        ("py:tests.eval.py_agents", {}, "use py:module:function"),
    ],
)
def test_bad_agents_and_options_are_refused_by_name(
    label: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(EvalInputError, match=message):
        parse_agent(label, AgentOptions(**options))  # type: ignore[arg-type]


def test_the_agent_description_keeps_secrets_and_addresses_out() -> None:
    options = AgentOptions(base_url="http://10.1.2.3:8000/v1", api_key="sk-secret")
    described = json.dumps(parse_agent("openai:m", options).describe())
    assert "sk-secret" not in described and "10.1.2.3" not in described
    assert '"model": "m"' in described


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")  # a zombie is gone


@pytest.mark.slow
def test_a_program_past_its_timeout_is_ended_with_what_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    command = f"cmd:sh -c 'sleep 60 & echo $! > {pidfile}; wait'"
    result = _one(command, tmp_path / "slow", timeout_s=0.5)
    assert result.error is not None and "did not finish within 0.5 s" in result.error
    assert not _alive(int(pidfile.read_text()))
