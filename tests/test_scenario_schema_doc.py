"""The published scenario JSON Schema is the one the loader validates against."""

from __future__ import annotations

import json
from pathlib import Path

from vei.scenarios.schema import ScenarioFile

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario.schema.json"


def test_published_schema_matches_the_model() -> None:
    published = json.loads(DOC.read_text())
    assert published == ScenarioFile.model_json_schema(by_alias=True), (
        "run: vei scenarios schema > docs/scenario.schema.json"
    )
