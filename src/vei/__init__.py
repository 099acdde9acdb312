"""VEI, the Virtual Enterprise Internet: a deterministic simulated company for AI agents.

The public Python API::

    from vei import Session, load_settings

    session = Session(load_settings({"seed": 7}))
    outcome = session.call("mail_list", {})
    outcome.ok, outcome.result, outcome.receipt.hash

``Session`` starts runs from validated settings (``load_settings`` reads ``VEI_*`` and
flags); ``World`` is one run; ``VeiError`` is the one error type handlers raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Session",
    "Settings",
    "VeiError",
    "World",
    "__version__",
    "load_settings",
]

if TYPE_CHECKING:
    from vei.config import ConfigError, Settings, load_settings
    from vei.core.errors import VeiError
    from vei.core.world import World
    from vei.session import Session

_LAZY = {
    "ConfigError": "vei.config",
    "Settings": "vei.config",
    "load_settings": "vei.config",
    "VeiError": "vei.core.errors",
    "World": "vei.core.world",
    "Session": "vei.session",
}


def __getattr__(name: str) -> Any:
    # Lazy so that `import vei` (and `vei --help`) stays fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vei' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
