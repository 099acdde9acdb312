"""VEI, the Virtual Enterprise Internet: a deterministic simulated company for AI agents.

The public Python API::

    from vei import Session, load_settings

    session = Session(load_settings({"seed": 7}))
    outcome = session.call("mail_list", {})
    outcome.ok, outcome.result, outcome.receipt.hash

``Session`` starts runs from validated settings (``load_settings`` reads ``VEI_*`` and
flags); ``World`` is one run; ``VeiError`` is the one error type handlers raise;
``TextEnv`` is the plain text interface for RL (docs/gym.md).

Importing ``vei`` registers the Gymnasium ids ``vei/<scenario>-v0`` and ``vei/World-v0``
(``vei.adapters.gym_ids``): at once if Gymnasium is loaded, else when it is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import wrapt

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Session",
    "Settings",
    "TextEnv",
    "VeiError",
    "World",
    "__version__",
    "load_settings",
]

if TYPE_CHECKING:
    from vei.adapters.text import TextEnv
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
    "TextEnv": "vei.adapters.text",
}


def __getattr__(name: str) -> Any:
    # Lazy so that `import vei` (and `vei --help`) stays fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vei' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def _register_gymnasium(module: Any) -> None:
    from vei.adapters.gym_ids import on_gymnasium_import

    on_gymnasium_import(module)


wrapt.register_post_import_hook(_register_gymnasium, "gymnasium")
