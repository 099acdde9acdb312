"""VEI, the Virtual Enterprise Internet: a deterministic simulated company for AI agents.

The public Python API: ``Session`` (start a run from settings and call tools),
``World`` (one run), ``load_settings`` and the error types.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
