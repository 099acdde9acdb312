"""A fork's link to its parent, as ``verify_run`` checks it.

A fork (``vei.fork``) signs its parent into its genesis: the manifest field ``parent``
holds the parent's run id, the revision and receipt count of the fork point, the parent's
chain hash and virtual time there and the state hash the fork starts from. The fork's own
checks prove that its log continues from that state. Whether the state really was the
parent's is a question about the parent, answered when the parent is reachable: a run of
that id in the same runs directory. Then the parent is verified in full (its own parent
too, if it is a fork), its receipt at the fork point must carry the recorded chain hash,
revision and time, and a full replay of its log up to the fork point must give the state
the fork starts from. When it is not reachable, the report says so (``checked`` False and
the reason) and what is proven stops at the fork point.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vei.core.twin import Reducer
from vei.receipts.genesis import Genesis

_FIELDS: dict[str, type] = {
    "run": str,
    "revision": int,
    "receipt": int,
    "chain_head": str,
    "t_ms": int,
    "state_hash": str,
}


def link_of(genesis: Genesis) -> dict[str, Any] | None:
    """The signed ``parent`` link of a fork's genesis (None for a run that is no fork);
    BadRecord when it is not a well-formed link."""
    from vei.fork import parent_link
    from vei.receipts.verify import BadRecord

    link = parent_link(genesis)
    if link is None:
        if '"parent"' in genesis.inputs and _has_parent_field(genesis.inputs):
            raise BadRecord("genesis: the signed 'parent' is not a parent link")
        return None
    for name, kind in _FIELDS.items():
        value = link.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise BadRecord(f"genesis: the signed parent link's {name!r} is not {kind.__name__}")
        if isinstance(value, int) and value < 0:
            raise BadRecord(f"genesis: the signed parent link's {name!r} is negative")
    if genesis.state_hash != link["state_hash"]:
        raise BadRecord("genesis: its state hash is not the parent link's state_hash")
    return link


def _has_parent_field(inputs: str) -> bool:
    import json

    try:
        return "parent" in json.loads(inputs)
    except (ValueError, TypeError):
        return False


def check_parent(
    link: Mapping[str, Any],
    genesis: Genesis,
    manifest: Mapping[str, Any],
    run_dir: Path | None,
    reducers: Mapping[str, Reducer],
) -> dict[str, Any]:
    """Check the fork's parent link against the parent when it is reachable; returns the
    link with ``checked`` (and ``reason`` when it could not be); BadRecord when the parent
    does not verify or does not match the link."""
    from vei.fork import ForkError, ForkSourceError, fork_point
    from vei.receipts.verify import BadRecord, verify_run
    from vei.store.rundir import MANIFEST, is_safe_run_id, open_run

    found = dict(link)
    parent = str(link["run"])
    if run_dir is None:
        return {**found, "checked": False, "reason": "the fork is not in a state dir"}
    parent_dir = run_dir.parent / parent
    if not is_safe_run_id(parent) or not (parent_dir / MANIFEST).is_file():
        reason = f"run {parent} is not in {run_dir.parent}"
        return {**found, "checked": False, "reason": reason}
    where = f"parent {parent}"
    with open_run(parent_dir) as handle:
        if handle.manifest.get("twins") != manifest.get("twins"):
            raise BadRecord(f"{where}: its twins are not the fork's")
        report = verify_run(handle.store, handle.manifest, reducers, run_dir=parent_dir)
        if not report.ok:
            raise BadRecord(f"{where}: does not verify: {report.failure}")
        try:
            point = fork_point(
                handle.store,
                link["revision"],
                reducers,
                run=parent,
                receipt=link["receipt"],
                nearest=False,  # a full replay: every event up to the fork point counts
            )
        except (ForkError, ForkSourceError) as exc:
            message = exc.message if isinstance(exc, ForkError) else str(exc)
            raise BadRecord(f"{where}: has no fork point as linked: {message}") from None
    for name, got in (
        ("chain_head", point.chain_head),
        ("t_ms", point.t_ms),
        ("state_hash", point.state_hash),
    ):
        if link[name] != got:
            raise BadRecord(
                f"{where}: its {name} at receipt {link['receipt']} (revision "
                f"{link['revision']}) is {got}, the fork's link says {link[name]}"
            )
    return {**found, "checked": True, "parent_status": report.status}
