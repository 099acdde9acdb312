from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class HttpServer:
    """A running `vei serve --transport http` subprocess: where it listens, its token."""

    proc: subprocess.Popen[str]
    url: str
    token: str | None
    stderr: list[str]

    def auth(self) -> dict[str, str]:
        """The header every request needs."""
        return {"Authorization": f"Bearer {self.token}"}

    def stop(self) -> int:
        """SIGTERM, as a supervisor stops it; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        assert self.proc.stderr is not None
        self.stderr += self.proc.stderr.read().splitlines()
        return code


@contextmanager
def http_server(
    *args: str, state_dir: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[HttpServer]:
    """Start `vei serve --transport http --port 0` and wait for the line naming its URL."""
    extra = dict(env or {})
    if state_dir is not None:
        extra["VEI_STATE_DIR"] = str(state_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve", "--transport", "http", "--port", "0", *args],
        env=clean_env(extra),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        lines: list[str] = []
        token = extra.get("VEI_HTTP_TOKEN")
        url = None
        while url is None:
            line = proc.stderr.readline()
            assert line, f"vei serve exited: {lines}"
            lines.append(line.rstrip("\n"))
            if "bearer token" in line:
                token = line.rsplit(" ", 1)[1].strip()
            if "serving MCP at " in line:
                url = line.split("serving MCP at ", 1)[1].strip()
        server = HttpServer(proc, url, token, lines)
        yield server
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
