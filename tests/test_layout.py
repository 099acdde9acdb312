"""Architecture rules from docs/architecture.md that a reviewer would otherwise have to
remember."""

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


# What a twin may import: the kernel, the leaf modules and other twins' public names.
TWIN_MAY_IMPORT = (
    "vei.core",
    "vei.types",
    "vei.money",
    "vei.claims",
    "vei.understand",
    "vei.verdict",
    "vei.twins",
)


def _module(path: Path) -> str:
    return ".".join(("vei", *path.relative_to(SRC).with_suffix("").parts))


def test_twins_import_only_the_kernel_leaf_modules_and_other_twins() -> None:
    for path in (SRC / "twins").rglob("*.py"):
        bad = [
            m for m in _imports(path) if m.startswith("vei") and not m.startswith(TWIN_MAY_IMPORT)
        ]
        assert not bad, f"{path.relative_to(SRC)} imports {bad} (a twin is a plug-in)"


def test_configuration_and_leaf_modules_import_no_scenarios_twins_or_monitors() -> None:
    upper = ("vei.scenarios", "vei.twins", "vei.monitors", "vei.policy", "vei.npc", "vei.scoring")
    for name in ("config.py", "types.py", "money.py", "understand.py", "verdict.py"):
        bad = [m for m in _imports(SRC / name) if m.startswith(upper)]
        assert not bad, f"{name} imports {bad}"
    for path in (SRC / "core").rglob("*.py"):
        bad = [m for m in _imports(path) if m.startswith(upper)]
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_no_private_names_are_imported_across_packages() -> None:
    for path in SRC.rglob("*.py"):
        package = _module(path).rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.module):
                continue
            if node.module == package or node.module.startswith(package + "."):
                continue
            private = [a.name for a in node.names if a.name.startswith("_") and a.name[1:2] != "_"]
            assert not private, f"{path.relative_to(SRC)} imports {private} from {node.module}"


def test_every_app_is_registered_by_its_package_name() -> None:
    from vei.twins import TWINS

    packages = {p.name for p in (SRC / "twins").iterdir() if (p / "__init__.py").exists()}
    assert set(TWINS) == packages
    assert all(name == twin.name for name, twin in TWINS.items())
