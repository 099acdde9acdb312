"""The ``openai:MODEL`` agent against a scripted fake endpoint on loopback: real tool calls,
every completion recorded in the run, and a score that follows what the model did."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest

from tests.eval.fake_openai import fake_openai, stops_early
from vei.agents.openai import ChatEndpoint, ChatOptions, EndpointError
from vei.eval import AgentOptions, EvalPlan, parse_agent, run_eval
from vei.scenarios import load_scenario
from vei.store.rundir import open_run


def _plan(out: Path, base_url: str, **options: object) -> EvalPlan:
    given = {"base_url": base_url, "api_key": "sk-test", "max_steps": 20, **options}
    agent = parse_agent("openai:fake-model", AgentOptions(**given))  # type: ignore[arg-type]
    return EvalPlan(agent, [("core", "procurement")], [3], 1, out)


def test_the_model_completes_procurement_and_every_completion_is_in_the_run(
    tmp_path: Path,
) -> None:
    with fake_openai() as fake:
        plan = _plan(
            tmp_path / "eval", fake.base_url, temperature=0.3, price_input=1.0, price_output=2.0
        )
        fake.fail_next = [429, 503]  # retried after the server's Retry-After (0 s)
        (result,) = run_eval(plan, workers=1).results

    assert result.success and result.error is None, result.error
    assert result.score is not None
    assert result.score["task"]["met"] == result.score["task"]["total"] > 0
    assert result.tool_calls == 12 and result.completions == 13
    assert result.agent_notes["stop"] == "answered"

    first = fake.requests[0]
    task = load_scenario("procurement", "core", 3).task  # the task of the episode's seed
    assert first["model"] == "fake-model" and first["temperature"] == 0.3
    assert first["seed"] == result.agent_notes["model_seed"]
    assert first["messages"][-1] == {"role": "user", "content": task}
    assert first["messages"][0]["role"] == "system"
    names = {tool["function"]["name"] for tool in first["tools"]}
    assert {"browser_open", "slack_send_message", "mail_compose", "vei_tick"} <= names
    assert "vei_reset" not in names
    assert fake.headers[0]["Authorization"] == "Bearer sk-test"

    assert result.run_dir is not None
    run_dir = plan.out / result.run_dir
    with open_run(run_dir) as handle:
        assert handle.manifest["files"] == {"completions": "completions.jsonl"}
        assert "sk-test" not in json.dumps(handle.manifest)
        receipts = {r.index: r.hash for r in handle.store.receipts()}
    header, *completions = [
        json.loads(line) for line in (run_dir / "completions.jsonl").read_text().splitlines()
    ]
    assert header["kind"] == "request" and header["tools"] == first["tools"]
    assert completions[0]["attempts"] == 3
    assert completions[0]["input"][-1]["content"] == task
    made = [call for c in completions for call in c["tool_calls"]]
    assert len(made) == len(receipts) == 12
    assert all(receipts[call["receipt"]["index"]] == call["receipt"]["hash"] for call in made)
    said = completions[-1]["response"]["choices"][0]["message"]["content"]
    assert said.startswith("Done")

    assert result.tokens["completion"] == 25 * 13
    prompt = result.tokens["prompt"]
    assert result.cost_usd == pytest.approx((prompt * 1.0 + 25 * 13 * 2.0) / 1e6)


def test_a_model_that_stops_early_scores_only_what_it_did(tmp_path: Path) -> None:
    with fake_openai(stops_early) as fake:
        (result,) = run_eval(_plan(tmp_path / "eval", fake.base_url), workers=1).results
    assert not result.success and result.error is None
    assert result.tool_calls == 8
    assert result.score is not None
    met = [c["id"] for c in result.score["task"]["criteria"] if c["met"]]
    assert met == ["approved", "vendor_asked"]
    assert result.axes["task_met"] == pytest.approx(2 / len(result.score["task"]["criteria"]))


def test_the_same_model_decisions_give_the_same_chain_head(tmp_path: Path) -> None:
    heads = []
    for name in ("a", "b"):
        with fake_openai() as fake:
            (result,) = run_eval(_plan(tmp_path / name, fake.base_url), workers=1).results
        heads.append(result.chain_head)
    assert heads[0] is not None and heads[0] == heads[1]


def test_an_endpoint_that_refuses_is_an_episode_error_and_a_failure(tmp_path: Path) -> None:
    with fake_openai() as fake:
        fake.fail_next = [400]
        (result,) = run_eval(_plan(tmp_path / "eval", fake.base_url), workers=1).results
    assert not result.success
    assert (
        result.error is not None and "EndpointError" in result.error and "HTTP 400" in result.error
    )
    assert result.score is not None and result.tool_calls == 0  # the run exists, empty


def test_retries_back_off_doubling_and_then_give_up() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def attempt(base_url: str) -> None:
        options = ChatOptions(model="m", base_url=base_url, max_attempts=3, backoff_s=0.5)
        endpoint = ChatEndpoint(options, sleep=sleep)
        try:
            await endpoint.complete({"model": "m", "messages": []})
        finally:
            await endpoint.aclose()

    with fake_openai() as fake:
        fake.fail_next, fake.no_retry_after = [503, 502, 500], True
        with pytest.raises(EndpointError, match="no completion after 3 attempts.*HTTP 500"):
            anyio.run(attempt, fake.base_url)
    assert waits == [0.5, 1.0]
