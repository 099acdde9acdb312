"""A real headless Chromium from the system packages, driven by Playwright.

Playwright never downloads a browser here: it starts ``/usr/bin/chromium`` with a fresh
profile and the flags that keep Chromium off the network. On CI Chromium must be there
(``.ci/run`` installs it); on a machine without it the tests skip and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip (fail on CI) when the system Chromium is missing."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs it on CI")
    pytest.skip(message)


@dataclass
class Page:
    """An opened report page and everything that went wrong or out while it ran."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 1000},
        )
        yield context
        context.close()


def open_page(context: Any, path: Path) -> Page:
    """Open ``path`` from disk and wait until the report says it is drawn."""
    page = context.new_page()
    seen = Page(page)
    page.on("pageerror", lambda exc: seen.errors.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            seen.errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("request", lambda request: seen.requests.append(request.url))

    def dismiss(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(path.resolve().as_uri())
    return seen
