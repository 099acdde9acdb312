"""A small external agent program for the ``cmd:`` agent tests.

It connects the official MCP client to the server command line it is given (``--server``,
as VEI fills the ``{server}`` placeholder) and then, by ``--mode``: runs the scenario's
scripted solution (``oracle``), makes one call and exits with code 3 (``crash``), or exits
without connecting at all (``never``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex

from mcp import Client, StdioServerParameters


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--mode", choices=("oracle", "crash", "never"), default="oracle")
    args = parser.parse_args()
    argv = shlex.split(args.server)
    # The same command line comes in the environment, also as a JSON list.
    assert os.environ["VEI_EVAL_SERVER"] == args.server
    assert json.loads(os.environ["VEI_EVAL_SERVER_ARGV"]) == argv
    if args.mode == "never":
        return 0
    from vei.agents import AGENTS
    from vei.agents.base import ToolClient
    from vei.scenarios import load_scenario

    server = StdioServerParameters(command=argv[0], args=argv[1:])
    async with Client(server, cache=None) as client:
        tools = ToolClient(client)
        if args.mode == "crash":
            await tools.call("vei_observe")
            return 3
        seed = int(os.environ["VEI_EVAL_SEED"])  # the facts of the task are drawn per seed
        await AGENTS["oracle"](tools, load_scenario(os.environ["VEI_EVAL_SCENARIO"], seed=seed))
    print(f"done in {tools.calls} calls")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
