"""Run directories: safe ids, manifests, opening by id or path, listing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vei.store import rundir
from vei.store.rundir import (
    InvalidRunIdError,
    RunExistsError,
    RunNotFoundError,
    create_run,
    list_runs,
    new_run_id,
    open_run,
    validate_run_id,
)

MANIFEST = {
    "scenario": "procurement",
    "seed": 42042,
    "twins": ["slack", "mail"],
    "configuration": {"seed": 42042, "durability": "full"},
    "vei_version": "0.1.0",
    "public_key": "ab" * 32,
}


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "a/b",
        "",
        "run\n",
        ".hidden",
        "a..b",
        "..",
        "a\\b",
        "x y",
        "a\x00b",
        "-dash",
        "é",
        "a" * 129,
    ],
)
def test_unsafe_run_ids_are_refused_naming_the_id(bad: str) -> None:
    with pytest.raises(InvalidRunIdError) as caught:
        validate_run_id(bad)
    assert isinstance(caught.value, ValueError)
    assert repr(bad) in str(caught.value)


@pytest.mark.parametrize(
    "good", ["a", "run-1", "procurement-s42042-20261129T141500Z-3f9a", "A.b_c"]
)
def test_safe_run_ids_pass(good: str) -> None:
    assert validate_run_id(good) == good


def test_create_run_refuses_an_unsafe_id_without_touching_disk(tmp_path: Path) -> None:
    with pytest.raises(InvalidRunIdError):
        create_run(tmp_path / "state", "../escape", dict(MANIFEST))
    assert not (tmp_path / "escape").exists()
    assert not (tmp_path / "state").exists()


def test_new_run_id_is_readable_and_valid() -> None:
    run_id = new_run_id("procurement", 42042)
    assert re.fullmatch(r"procurement-s42042-\d{8}T\d{6}Z-[0-9a-f]{4}", run_id)
    assert validate_run_id(run_id) == run_id


def test_new_run_id_sanitises_the_scenario_name() -> None:
    run_id = new_run_id("../Pro cure/ment!", 1)
    assert validate_run_id(run_id).startswith("Pro-cure-ment-s1-")


def test_new_run_id_skips_ids_already_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([b"\x00\x01", b"\x00\x01", b"\x00\x02"])
    monkeypatch.setattr(rundir.os, "urandom", lambda n: next(draws))
    first = new_run_id("kv", 1, state_dir=tmp_path)
    (tmp_path / "runs" / first).mkdir(parents=True)
    second = new_run_id("kv", 1, state_dir=tmp_path)
    assert second != first
    assert not (tmp_path / "runs" / second).exists()


def test_create_run_writes_a_sorted_pretty_manifest(tmp_path: Path) -> None:
    run_dir, store = create_run(tmp_path, "run-1", dict(MANIFEST), "fast")
    store.close()
    assert run_dir == tmp_path / "runs" / "run-1"
    assert (run_dir / "events.sqlite").is_file()
    text = (run_dir / "manifest.json").read_text()
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert {k: manifest[k] for k in MANIFEST} == MANIFEST
    assert manifest["run_id"] == "run-1"
    assert manifest["manifest_version"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])


def test_create_run_refuses_an_existing_run(tmp_path: Path) -> None:
    _, store = create_run(tmp_path, "run-1", dict(MANIFEST))
    store.close()
    with pytest.raises(RunExistsError, match="run-1"):
        create_run(tmp_path, "run-1", dict(MANIFEST))


def test_create_run_refuses_a_manifest_naming_another_run(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="other"):
        create_run(tmp_path, "run-1", {**MANIFEST, "run_id": "other"})


def test_create_run_leaves_no_half_run_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rundir, "SqliteStore", broken)
    with pytest.raises(rundir.StateDirError, match="No space left on device"):
        create_run(tmp_path, "run-1", dict(MANIFEST))
    assert not (tmp_path / "runs" / "run-1").exists()
    assert list((tmp_path / "runs").iterdir()) == []  # nor its hidden staging directory


def test_open_run_by_id_or_by_path(tmp_path: Path) -> None:
    run_dir, store = create_run(tmp_path, "run-1", dict(MANIFEST))
    store.close()
    for ref in ("run-1", run_dir, str(run_dir)):
        with open_run(ref, tmp_path) as handle:
            assert handle.run_dir == run_dir
            assert handle.run_id == "run-1"
            assert handle.manifest["seed"] == 42042
            assert handle.store.counts() == {"events": 0, "receipts": 0, "snapshots": 0}
    with open_run(run_dir) as handle:  # a path needs no state dir
        assert handle.run_id == "run-1"


def test_open_run_reports_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(RunNotFoundError, match="nope"):
        open_run("nope", tmp_path)
    (tmp_path / "runs" / "empty").mkdir(parents=True)
    with pytest.raises(RunNotFoundError):
        open_run(tmp_path / "runs" / "empty")
    run_dir, store = create_run(tmp_path, "no-db", dict(MANIFEST))
    store.close()
    (run_dir / "events.sqlite").unlink()
    with pytest.raises(RunNotFoundError, match="events.sqlite"):
        open_run("no-db", tmp_path)
    assert not (run_dir / "events.sqlite").exists()  # opening never creates a database


def test_list_runs_lists_every_run_and_flags_damaged_ones(tmp_path: Path) -> None:
    assert list_runs(tmp_path) == []
    for run_id, created in (("b-run", "2026-01-02T00:00:00Z"), ("a-run", "2026-01-01T00:00:00Z")):
        _, store = create_run(tmp_path, run_id, {**MANIFEST, "created_at": created})
        store.close()
    broken = tmp_path / "runs" / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    (tmp_path / "runs" / "stray-file.txt").write_text("ignored")
    found = {s.run_id: s for s in list_runs(tmp_path)}
    assert set(found) == {"a-run", "b-run", "broken"}
    assert [s.run_id for s in list_runs(tmp_path)][-2:] == ["a-run", "b-run"]
    assert found["broken"].problem is not None
    assert found["a-run"].problem is None and not found["a-run"].closed
    assert found["a-run"].to_dict()["scenario"] == "procurement"
