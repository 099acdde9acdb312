"""The one error shape: ``{"error": {"code", "message", "retryable", "retry_after_ms"}}``.

Codes are ``<twin>.<code>`` and stable; docs/errors.md lists them. A handler raises
``VeiError``; the world turns it into a rejected call that changes no state.
"""

from __future__ import annotations

from typing import Any


class VeiError(Exception):
    """A typed, agent-facing error. Raising it inside a handler rejects the call."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool = False,
        retry_after_ms: int | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.retry_after_ms = retry_after_ms

    def to_dict(self) -> dict[str, Any]:
        """The wire shape sent to agents as structured content."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "retryable": self.retryable,
                "retry_after_ms": self.retry_after_ms,
            }
        }


class UnknownToolError(LookupError):
    """No tool of that name (or alias) is registered. MCP maps it to invalid params."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown tool {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


def not_found(twin: str, what: str, key: str) -> VeiError:
    """The standard ``<twin>.<what>_not_found`` error."""
    return VeiError(f"{twin}.{what}_not_found", f"no {what} {key!r}")


def invalid(twin: str, message: str) -> VeiError:
    """The standard ``<twin>.invalid_argument`` error for semantically bad input."""
    return VeiError(f"{twin}.invalid_argument", message)
