"""Suite-wide guards."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_swallowed_failures(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A failing reactor or handler is logged and contained so agents are not hurt by it;
    in the test suite it is a bug, so any such log fails the test (unless it expects it)."""
    caplog.set_level(logging.ERROR, logger="vei")
    yield
    if any(getattr(m, "name", "") == "expects_logged_errors" for m in _markers(caplog)):
        return
    failures = [
        r
        for r in caplog.get_records("call")
        if r.name.startswith("vei") and r.levelno >= logging.ERROR
    ]
    assert not failures, f"errors were logged: {[r.getMessage() for r in failures]}"


def _markers(caplog: pytest.LogCaptureFixture) -> list[pytest.Mark]:
    node = getattr(caplog, "_item", None)
    return list(node.iter_markers()) if node is not None else []
