"""Where episodes run: in this process, in a local process pool, or as Ray tasks.

Every runner calls the same ``run_episode(spec)`` and hands each result to ``on_result`` as
it finishes (in the coordinating process, which alone writes the journal). Local workers
write their runs straight into the eval directory, one run directory each. A Ray task
writes its run into a scratch directory on its node and sends it back packed, so a remote
cluster needs no shared filesystem.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Any

from vei.eval.episode import EpisodeResult, run_episode
from vei.eval.plan import EpisodeSpec, EvalInputError
from vei.store.rundir import RUNS

OnResult = Callable[[EpisodeResult], None]


class BackendError(RuntimeError):
    """The backend cannot run episodes (Ray would not start, or its cluster is unreachable)."""


KEY_FILE = "receipt-key.pem"


def run_local(specs: Sequence[EpisodeSpec], workers: int, on_result: OnResult) -> None:
    """Run ``specs`` with ``workers`` processes: in this process for one worker, else in a
    spawn-started pool (no state inherited from this process by fork)."""
    if workers < 1:
        raise EvalInputError("--workers: must be at least 1")
    if workers == 1 or len(specs) <= 1:
        for spec in specs:
            on_result(run_episode(spec))
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(specs)), mp_context=context)
    try:
        pending: set[Future[EpisodeResult]] = {pool.submit(run_episode, s) for s in specs}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                on_result(future.result())
    except BaseException:
        # An interrupt stops at once; the episodes that were running are redone on resume.
        # (3.11 has no public way to end a pool's workers; 3.14 adds terminate_workers.)
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def pack_run(state_dir: Path, run_id: str) -> bytes:
    """The run directory ``<state_dir>/runs/<run_id>`` as a gzipped tar (empty if none)."""
    run_dir = state_dir / RUNS / run_id
    if not run_dir.is_dir():
        return b""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(run_dir, arcname=run_id)
    return buffer.getvalue()


def unpack_run(data: bytes, out: Path, run_id: str) -> None:
    """Put a packed run at ``<out>/runs/<run_id>``, replacing what was there."""
    target = out / RUNS / run_id
    if target.exists():
        shutil.rmtree(target)
    if not data:
        return
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        names = archive.getnames()
        if any(n != run_id and not n.startswith(run_id + "/") for n in names):
            raise ValueError(f"a packed run for {run_id!r} holds other paths")
        archive.extractall(out / RUNS, filter="data")


def episode_in_scratch(spec: EpisodeSpec, key_pem: bytes) -> tuple[EpisodeResult, bytes]:
    """Run ``spec`` in a fresh scratch state dir signed with ``key_pem``; the result and
    the packed run. What a Ray task runs on whichever node it lands."""
    scratch = Path(tempfile.mkdtemp(prefix="vei-episode-"))
    try:
        fd = os.open(scratch / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key_pem)
        settings = replace(spec.settings, state_dir=scratch, receipt_key=None)
        result = run_episode(replace(spec, settings=settings))
        return result, pack_run(scratch, spec.run_id)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise EvalInputError(
            "--backend ray needs Ray: pip install 'vei[ray]' (or use --backend local)"
        ) from None
    return ray


def run_ray(
    specs: Sequence[EpisodeSpec],
    workers: int,
    on_result: OnResult,
    *,
    out: Path,
    key_pem: bytes,
    address: str | None = None,
) -> None:
    """Run ``specs`` as Ray tasks, at most ``workers`` at a time, unpacking each run into
    ``out/runs``. ``address`` (``ray://host:port``, ``host:port`` or ``auto``) joins a
    cluster; None starts a local Ray bound to 127.0.0.1 for the duration."""
    if workers < 1:
        raise EvalInputError("--workers: must be at least 1")
    ray = _ray()
    started_here = not ray.is_initialized()
    if started_here:
        try:
            if address is None:
                ray.init(
                    num_cpus=workers,
                    _node_ip_address="127.0.0.1",
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except Exception as exc:  # Ray raises many kinds; the user needs to know which Ray
            where = address or "a local Ray on 127.0.0.1"
            raise BackendError(f"--backend ray: cannot start or join {where}: {exc}") from None
    try:
        task = ray.remote(num_cpus=1)(episode_in_scratch)
        queue: Iterator[EpisodeSpec] = iter(specs)
        running: dict[Any, EpisodeSpec] = {}
        for spec in queue:
            running[task.remote(spec, key_pem)] = spec
            if len(running) >= workers:
                break
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                spec = running.pop(ref)
                result, packed = ray.get(ref)
                unpack_run(packed, out, spec.run_id)
                on_result(result)
                follow = next(queue, None)
                if follow is not None:
                    running[task.remote(follow, key_pem)] = follow
    finally:
        if started_here:
            ray.shutdown()
