"""The call journal: what each tool call was sent and what it answered, beside the log.

Receipts keep only digests of a call's arguments and result, so a stored run alone cannot
show them. ``Session.call`` therefore appends one line per call to
``<run dir>/calls.jsonl`` (whichever adapter made the call)::

    {"args": {...}, "index": 7, "result": {...}, "tool": "slack_send_message"}

``index`` is the receipt's; a call made inside ``vei_act_and_observe`` gets its own line
with ``"via": <index of the outer call>``. The journal is not part of the signed chain:
``check_entry`` compares an entry with its receipt's ``args_digest`` and
``result_digest``, so the report can say which entries match the signed record. A line is
written after its call has committed; a process killed in between loses that line (the
report then says the call's arguments were not recorded), never a call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from vei.core.canonical import digest_unchecked
from vei.core.registry import Registry
from vei.core.world import IDEMPOTENCY_KEY, CallOutcome
from vei.store.rundir import InvalidRunIdError, run_path

JOURNAL = "calls.jsonl"
# Fields the session adds to a vei_reset result after its receipt was sealed.
_RESET_ADDED = ("previous_run", "run")

log = logging.getLogger("vei.journal")


def _line(entry: Mapping[str, Any]) -> str:
    # ASCII so that any string an agent sends (a lone surrogate included) can be written;
    # repr() for a value that is not JSON, so journaling never fails a committed call.
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), default=repr) + "\n"


class CallJournal:
    """Appends each call of a session's runs to ``calls.jsonl`` in the run's directory.

    Nothing is written for runs kept in memory (no state dir). A journal that cannot be
    written is logged once per run and then left alone: the call itself has committed.
    """

    def __init__(self, state_dir: Path | None) -> None:
        self.state_dir = state_dir
        self._broken: set[str] = set()
        self._paths: dict[str, str] = {}

    def record(self, outcome: CallOutcome, args: Mapping[str, Any]) -> None:
        """Journal ``outcome`` (and, for ``vei_act_and_observe``, its inner call)."""
        run = outcome.receipt.run
        if self.state_dir is None or run in self._broken:
            return
        body = outcome.receipt.body
        lines = []
        result = outcome.result
        if body["tool"] == "vei_act_and_observe" and outcome.ok:
            inner = {
                "index": result["receipt_index"],
                "tool": str(args.get("tool", "")),
                "args": args.get("args") or {},
                "result": result["result"],
                "via": outcome.receipt.index,
            }
            lines.append(_line(inner))
        lines.append(
            _line(
                {
                    "index": outcome.receipt.index,
                    "tool": body["tool"],
                    "args": args,
                    "result": result,
                }
            )
        )
        try:
            path = self._paths.get(run)
            if path is None:
                path = self._paths[run] = str(run_path(self.state_dir, run) / JOURNAL)
            # One O_APPEND write per call: no file object to set up, and a line is never
            # interleaved with another writer's.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, "".join(lines).encode("ascii"))
            finally:
                os.close(fd)
        except (OSError, InvalidRunIdError) as exc:
            self._broken.add(run)
            log.warning("cannot write the call journal of run %s: %s", run, exc)


def read_journal(run_dir: Path) -> dict[int, dict[str, Any]]:
    """The journal of a run directory by receipt index (empty when there is none).

    A line that is not a JSON object with an integer ``index`` (a torn last line) is
    skipped; the first entry for an index wins.
    """
    path = Path(run_dir) / JOURNAL
    entries: dict[int, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return entries
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        index = entry.get("index") if isinstance(entry, dict) else None
        if isinstance(index, int) and not isinstance(index, bool) and index not in entries:
            entries[index] = entry
    return entries


def _lenient_digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _args_digests(args: Any, tool: str, registry: Registry) -> set[str]:
    """Every digest the World may have sealed for these raw arguments: of the validated
    arguments (an accepted call), or of the raw ones, with or without the idempotency key
    (a rejected call)."""
    found = {_lenient_digest(args)}
    if not isinstance(args, dict):
        return found
    bare = {k: v for k, v in args.items() if k != IDEMPOTENCY_KEY}
    found.add(_lenient_digest(bare))
    if tool in registry:
        try:
            parsed = registry.resolve(tool).args.model_validate(bare)
            found.add(digest_unchecked(parsed.model_dump(mode="json")))
        except (ValidationError, TypeError, ValueError):
            pass
    return found


def check_entry(entry: Mapping[str, Any], receipt: Mapping[str, Any], registry: Registry) -> bool:
    """True when the entry's arguments and result hash to its receipt's digests."""
    tool = str(receipt.get("tool", ""))
    result = entry.get("result")
    if tool == "vei_reset" and isinstance(result, dict):
        result = {k: v for k, v in result.items() if k not in _RESET_ADDED}
    if _lenient_digest(result) != receipt.get("result_digest"):
        return False
    return receipt.get("args_digest") in _args_digests(entry.get("args"), tool, registry)
