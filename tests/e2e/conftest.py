from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from mcp import StdioServerParameters


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without VEI_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEI_")}
    env.update(extra or {})
    return env


def vei_server(
    *args: str, state_dir: Path | None = None, env: Mapping[str, str] | None = None
) -> StdioServerParameters:
    """Parameters that start the real `vei serve` as a subprocess over stdio."""
    extra = dict(env or {})
    if state_dir is not None:
        extra["VEI_STATE_DIR"] = str(state_dir)
    return StdioServerParameters(
        command=sys.executable, args=["-m", "vei", "serve", *args], env=clean_env(extra)
    )
