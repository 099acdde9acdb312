"""A broken scenario file is refused, naming the file and the field, by the loader and by
``vei scenarios validate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from vei.cli.main import app
from vei.scenarios import ScenarioError, load_scenario, load_scenario_file

Edit = Callable[[dict[str, Any]], None]


def _procurement() -> dict[str, Any]:
    path = load_scenario("procurement").path
    assert path is not None
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw


def _write(tmp_path: Path, edit: Edit) -> Path:
    raw = _procurement()
    edit(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _drop_sender(raw: dict[str, Any]) -> None:
    del raw["criteria"][2]["sender"]


def _cap_as_text(raw: dict[str, Any]) -> None:
    raw["npcs"][0]["cap_cents"] = "three thousand"


def _unknown_key(raw: dict[str, Any]) -> None:
    raw["owner"] = "finance"


def _unknown_channel(raw: dict[str, Any]) -> None:
    raw["twins"]["slack"]["messages"][1]["channel"] = "purchasing"


def _future_mail(raw: dict[str, Any]) -> None:
    raw["twins"]["mail"]["messages"][0]["date_ms"] = 5000


def _unknown_placeholder(raw: dict[str, Any]) -> None:
    raw["npcs"][1]["templates"][0] += "\nRebate: {rebate}\n"


def _bad_after(raw: dict[str, Any]) -> None:
    raw["criteria"][-1]["after"] = "quote_sent"


def _empty_range(raw: dict[str, Any]) -> None:
    raw["facts"]["eta_days"] = {"range": [9, 3]}


def _unknown_fact_in_a_page(raw: dict[str, Any]) -> None:
    raw["twins"]["browser"]["pages"][1]["text"] += "\nShipping: {shipping}\n"


def _expr_of_a_later_fact(raw: dict[str, Any]) -> None:
    raw["facts"]["quote_cents"] = {"expr": "list_price_cents - rebate_cents"}


def _npc_of_the_wrong_kind(raw: dict[str, Any]) -> None:
    raw["criteria"][0]["npc"] = "macrocompute_sales"


BROKEN: dict[str, tuple[Edit, tuple[str, ...]]] = {
    "criterion without sender": (
        _drop_sender,
        ("criteria.2.mail_received.sender", "Field required"),
    ),
    "cap_cents not a number": (
        _cap_as_text,
        ("npcs.0.chat_approver.cap_cents", "valid integer"),
    ),
    "unknown top-level key": (_unknown_key, ("owner", "Extra inputs are not permitted")),
    "message in an unknown channel": (
        _unknown_channel,
        ("twins.slack", "message 1", "unknown channel 'purchasing'"),
    ),
    "mail from the future": (_future_mail, ("twins.mail.messages.0.date_ms", "less than or equal")),
    "unknown template placeholder": (
        _unknown_placeholder,
        ("npcs.1.templates", "unknown placeholder {rebate}"),
    ),
    "after names no earlier criterion": (
        _bad_after,
        ("criteria.3.after", "'quote_sent' must name an earlier criterion"),
    ),
    "a range with nothing in it": (_empty_range, ("facts.eta_days", "range 9..3 is empty")),
    "a page naming an unknown fact": (
        _unknown_fact_in_a_page,
        ("twins.browser.pages.1.text", "unknown fact {shipping}", "list_price"),
    ),
    "an expression of an undeclared fact": (
        _expr_of_a_later_fact,
        ("facts.quote_cents", "'rebate_cents' is not an integer fact declared before it"),
    ),
    "an approval by a vendor": (
        _npc_of_the_wrong_kind,
        ("criteria.0.npc", "'macrocompute_sales' is not a chat_approver (known: finance)"),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_refused_naming_the_file_and_the_field(tmp_path: Path, case: str) -> None:
    edit, expected = BROKEN[case]
    path = _write(tmp_path, edit)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid scenario")
    for part in expected:
        assert part in message, message


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_vei_scenarios_validate_exits_1_with_the_loader_message(tmp_path: Path, case: str) -> None:
    edit, expected = BROKEN[case]
    path = _write(tmp_path, edit)
    result = CliRunner().invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.stderr
    for part in expected:
        assert part in result.stderr, result.stderr


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "oops.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"oops\.yaml: not valid YAML"):
        load_scenario_file(path)


def test_a_valid_copy_validates_and_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda raw: None)
    result = CliRunner().invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid scenario 'procurement'" in result.stdout
    missing = CliRunner().invoke(app, ["scenarios", "validate", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 1
    assert "none.yaml: cannot read" in missing.stderr


@pytest.mark.parametrize("name", ["procurement", "procurement_over_budget", "vendor_webform"])
def test_the_shipped_scenarios_validate(name: str) -> None:
    path = load_scenario(name).path
    result = CliRunner().invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 0, result.output
