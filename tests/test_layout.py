"""Architecture rules from DESIGN.md that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "vei"
FORBIDDEN_FOR_PURE = (
    "vei.adapters",
    "vei.cli",
    "vei.runners",
    "vei.store.sqlite",
    "vei.store.rundir",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_twins_import_no_adapters_store_backends_or_cli() -> None:
    for package in ("core", "twins"):
        for path in (SRC / package).rglob("*.py"):
            bad = [m for m in _imports(path) if m.startswith(FORBIDDEN_FOR_PURE)]
            assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_only_the_config_module_reads_the_environment() -> None:
    for path in SRC.rglob("*.py"):
        if path.name == "config.py" and path.parent == SRC:
            continue
        text = path.read_text()
        assert "os.environ" not in text and "getenv" not in text, (
            f"{path.relative_to(SRC)} reads the environment"
        )


def test_modules_stay_small() -> None:
    for path in SRC.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 800, f"{path.relative_to(SRC)} has {lines} lines"
