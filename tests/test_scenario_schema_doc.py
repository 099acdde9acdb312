"""The published scenario JSON Schema is the one the loader validates against, and the
shipped scenario files (templates with facts and placeholders) conform to it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from vei.scenarios import known_scenarios, load_scenario
from vei.scenarios.schema import template_schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario.schema.json"


def test_published_schema_matches_the_model() -> None:
    published = json.loads(DOC.read_text())
    assert published == template_schema(), "run: vei scenarios schema > docs/scenario.schema.json"


@pytest.mark.parametrize("name", known_scenarios("core"))
def test_every_shipped_file_conforms_to_the_published_schema(name: str) -> None:
    path = load_scenario(name).path
    assert path is not None
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(raw, json.loads(DOC.read_text()))
