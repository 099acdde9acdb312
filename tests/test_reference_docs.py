"""The committed reference docs are exactly what the registry generates."""

from __future__ import annotations

from pathlib import Path

from vei.reference import errors_markdown, tools_markdown
from vei.twins import TWINS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_tools_md_matches_registry() -> None:
    assert (DOCS / "tools.md").read_text() == tools_markdown(list(TWINS.values())), (
        "run: vei reference tools > docs/tools.md"
    )


def test_errors_md_matches_declared_codes() -> None:
    assert (DOCS / "errors.md").read_text() == errors_markdown(list(TWINS.values())), (
        "run: vei reference errors > docs/errors.md"
    )
