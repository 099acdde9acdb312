"""The plain text interface: prompt and tools, text steps, and the examples in docs/gym.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vei import TextEnv
from vei.adapters.text import DONE_TOOL, parse_action
from vei.core.errors import VeiError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "gym.md"


def test_reset_gives_instructions_task_and_the_mcp_tool_list() -> None:
    env = TextEnv("vendor_webform")
    prompt, tools = env.reset(seed=3)
    assert "Your task:" in prompt and "Lumen" in prompt and '{"tool": "vei_done"}' in prompt
    names = [t["name"] for t in tools]
    assert names[-1] == DONE_TOOL and "vei_reset" not in names and "browser_submit" in names
    assert all(t["input_schema"]["type"] == "object" for t in tools)
    env.close()


def test_step_returns_the_mcp_text_reward_and_done() -> None:
    env = TextEnv("procurement", max_steps=2)
    env.reset(seed=1)
    text, reward, done = env.step(
        {"tool": "browser_open", "args": {"url": "https://macrocompute.example/"}}
    )
    assert "MacroCompute — laptops" in text and (reward, done) == (0.0, False)  # not escaped
    text, reward, done = env.step("{")
    assert json.loads(text)["error"]["code"] == "core.invalid_action" and done  # the budget
    with pytest.raises(RuntimeError, match="reset"):
        env.step({"tool": "vei_observe"})
    env.close()


def test_a_step_before_reset_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="reset"):
        TextEnv().step({"tool": "vei_observe"})


def test_parse_action_accepts_only_tool_calls() -> None:
    assert parse_action('{"tool": "mail_list"}') == ("mail_list", {})
    assert parse_action({"tool": "mail_open", "args": {"id": "m1"}}) == ("mail_open", {"id": "m1"})
    for bad in ('"mail_list"', '{"name": "mail_list"}', '{"tool": ""}', '{"tool": "x", "args": 1}'):
        with pytest.raises(VeiError) as info:
            parse_action(bad)
        assert info.value.code == "core.invalid_action"


@pytest.mark.parametrize("index", range(3))
def test_the_examples_in_docs_gym_md_run(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    assert len(blocks) == 3
    exec(compile(blocks[index], f"docs/gym.md example {index + 1}", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip()
    if index == 0:
        assert "We need a new laptop" in printed and '"done":true' in printed
    if index == 2:
        assert '{"done":true,"success":false' in printed
