"""Error codes raised by the kernel, the control tools and the policy engine (twins declare
their own)."""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "core.invalid_arguments": "The arguments do not match the tool's input schema (the message lists each problem).",
    "core.unknown_tool": "A tool named inside vei_act_and_observe or vei_help (or by an action of the Gymnasium or text interface) does not exist.",
    "core.invalid_action": 'An action of the Gymnasium or text interface is not a tool call {"tool": NAME, "args": {...}} (or names vei_reset, which reset() replaces); nothing was called.',
    "core.unknown_scenario": "vei_reset named a scenario that is not in the configured pack.",
    "core.reset_failed": "vei_reset could not start the new run (for example the state dir is not writable); the current run goes on unchanged.",
    "core.unsupported": "The operation needs something this world was not started with (vei_reset outside a session).",
    "core.invalid_revision": "Session.fork, vei-state fork, vei serve --from or vei eval --from named a revision with no fork point: not a non-negative integer, inside one call's events, before the run's own start (a fork) or beyond its head (the message names the revisions around it). Nothing was created.",
    "core.idempotency_conflict": "The idempotency_key was already used for a different tool or different arguments.",
    "core.internal_error": "The tool failed unexpectedly; nothing changed. Please report it with the receipt.",
    "core.unavailable": "Injected fault (fault profiles): the service was briefly unavailable; nothing changed. Retryable: try again shortly.",
    "core.rate_limited": "Injected fault (fault profiles): too many calls to this tool or app; nothing changed. Retryable: wait retry_after_ms of virtual time (vei_tick), then retry.",
    "core.timeout": "Injected fault (fault profiles): the write was applied but its answer timed out. Retryable: retry with the same idempotency_key to get the first result without acting twice.",
    "policy.scope_denied": "The tool needs a permission scope the scenario does not grant the agent (policy.scopes in the scenario); the message names the missing scope. Nothing changed.",
    "policy.violation": "VEI_POLICY_MODE=block refused the call because it would break a policy rule; the message names the rule and what broke it (docs/policy.md). Nothing changed.",
}
