"""`vei scenarios list | show | schema` for a newcomer choosing a world."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from vei.cli.main import app
from vei.scenarios import known_scenarios

runner = CliRunner()


def test_list_names_every_scenario_of_the_core_pack() -> None:
    result = runner.invoke(app, ["scenarios", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in known_scenarios("core"):
        assert name in result.output


def test_show_prints_the_task_and_criteria() -> None:
    result = runner.invoke(app, ["scenarios", "show", "procurement"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "sales@macrocompute.example" in result.output and "Success criteria" in result.output
    as_json = runner.invoke(app, ["scenarios", "show", "procurement", "--json"])
    assert json.loads(as_json.output)["name"] == "procurement"


def test_show_unknown_scenario_lists_the_known_ones() -> None:
    result = runner.invoke(app, ["scenarios", "show", "atlantis"])
    assert result.exit_code == 2 and "procurement" in result.output


def test_show_finds_a_scenario_of_another_pack_by_its_name() -> None:
    result = runner.invoke(app, ["scenarios", "show", "it_vague_request", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["name"] == "it_vague_request"
    elsewhere = runner.invoke(app, ["scenarios", "show", "it_vague_request", "--pack", "finance"])
    assert elsewhere.exit_code == 2 and "fin_vendor_comparison" in elsewhere.output


def test_schema_is_json_schema_of_an_object() -> None:
    result = runner.invoke(app, ["scenarios", "schema"])
    schema = json.loads(result.output)
    assert schema["type"] == "object" and "criteria" in schema["required"]
