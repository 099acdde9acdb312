"""The same episodes give the same runs, chain heads included, with one worker (in this
process), two workers (a spawn pool) and Ray (tasks on a local Ray bound to 127.0.0.1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vei.eval import EvalPlan, parse_agent, run_eval
from vei.eval.runners import BackendError, pack_run, unpack_run
from vei.store.rundir import open_run


def _plan(out: Path) -> EvalPlan:
    return EvalPlan(
        parse_agent("oracle"), [("core", "procurement"), ("core", "vendor_webform")], [1, 2], 2, out
    )


def _heads(plan: EvalPlan, **how: object) -> dict[str, str | None]:
    outcome = run_eval(plan, **how)  # type: ignore[arg-type]
    assert all(r.success for r in outcome.results), [r.error for r in outcome.results]
    return {r.run_id: r.chain_head for r in outcome.results}


@pytest.fixture(scope="module")
def local_heads(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, str | None]]:
    root = tmp_path_factory.mktemp("backends")
    return {n: _heads(_plan(root / f"w{n}"), workers=n) for n in (1, 2)}


@pytest.mark.slow
def test_one_and_two_workers_give_the_same_chain_heads(
    local_heads: dict[int, dict[str, str | None]],
) -> None:
    assert len(local_heads[1]) == 8 and len(set(local_heads[1].values())) == 4  # per seed
    assert local_heads[1] == local_heads[2]


def _cannot_run_ray(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"on CI Ray must run: {reason}")
    pytest.skip(reason)


def _ray_or_skip() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        _cannot_run_ray("Ray is not installed here (pip install 'vei[ray]'; CI installs it)")


@pytest.mark.slow
def test_ray_gives_the_same_chain_heads_as_local_workers(
    tmp_path: Path, local_heads: dict[int, dict[str, str | None]]
) -> None:
    _ray_or_skip()
    plan = _plan(tmp_path / "ray")
    try:
        heads = _heads(plan, workers=2, backend="ray")
    except BackendError as exc:
        _cannot_run_ray(f"a local Ray cannot start on this machine: {exc}")
    assert heads == local_heads[1]
    # The runs came back from the Ray workers whole: they verify where they landed.
    with open_run(plan.out / "runs" / "procurement-s1-t0") as handle:
        assert handle.manifest["public_key"]
        assert handle.store.checkpoint() is not None


def test_a_packed_run_unpacks_to_the_same_files(tmp_path: Path) -> None:
    source = tmp_path / "a" / "runs" / "r1"
    source.mkdir(parents=True)
    (source / "manifest.json").write_text("{}")
    (source / "events.sqlite").write_bytes(b"\x00\x01")
    unpack_run(pack_run(tmp_path / "a", "r1"), tmp_path / "b", "r1")
    copied = tmp_path / "b" / "runs" / "r1"
    assert sorted(p.name for p in copied.iterdir()) == ["events.sqlite", "manifest.json"]
    assert (copied / "events.sqlite").read_bytes() == b"\x00\x01"
    with pytest.raises(ValueError, match="holds other paths"):
        unpack_run(pack_run(tmp_path / "a", "r1"), tmp_path / "c", "r2")
