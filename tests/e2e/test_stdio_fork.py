"""``vei serve --from RUN@REV`` over real stdio: the served run starts in the parent's state."""

from __future__ import annotations

from pathlib import Path

import anyio
from mcp import Client

from vei.config import load_settings
from vei.session import Session
from vei.store.rundir import open_run

from .conftest import vei_server


def test_serve_from_a_revision_serves_a_fork(tmp_path: Path) -> None:
    parent = Session(load_settings({"state_dir": tmp_path}, env={}), run_id="parent")
    parent.call("slack_send_message", {"channel": "#general", "text": "one"})
    at, expected = parent.world.revision, parent.world.state_hash()
    parent.call("slack_send_message", {"channel": "#general", "text": "two"})
    parent.close()

    async def main() -> dict[str, object]:
        server = vei_server("--from", f"parent@{at}", "--run-id", "what-if", state_dir=tmp_path)
        async with Client(server, cache=None) as client:
            state = await client.call_tool("vei_state", {})
            assert state.structured_content is not None
            sent = await client.call_tool(
                "slack_send_message", {"channel": "#general", "text": "instead"}
            )
            assert not sent.is_error
            return dict(state.structured_content)

    state = anyio.run(main)
    assert state["run"] == "what-if"
    assert (state["revision"], state["state_hash"], state["receipt_count"]) == (at, expected, 1)
    with open_run("what-if", tmp_path) as handle:
        assert handle.manifest["parent"]["run"] == "parent"
        assert [e.seq for e in handle.store.events()] == [at + 1]
