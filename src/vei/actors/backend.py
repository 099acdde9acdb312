"""Optional actor backends: let a language model write what a background actor says.

The actor's state machine decides whether, when and with which facts an actor speaks; a
backend only rewords the template text. It is off unless ``VEI_ACTOR_BACKEND`` names an
OpenAI-compatible endpoint. Every completion is recorded in the run as an
``actors.completion_recorded`` event keyed by the digest of its prompt, so a run replays
byte for byte with no model reachable, and ``RecordedBackend`` can serve those recordings
to a new run that makes the same calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from vei.core.canonical import canonical_json, digest
from vei.core.events import Event

COMPLETION_RECORDED = "actors.completion_recorded"
MAX_WORDS = 120
MAX_CHARS = 2_000
INSTRUCTION = (
    "You write one short workplace message for the person described. Keep every fact "
    "exactly as given (names, amounts, dates); add no new facts. Use the reference "
    f"message's meaning, in your own words, in at most {MAX_WORDS} words. Reply with "
    "the message text only."
)


class BackendError(RuntimeError):
    """The backend gave no usable completion (unreachable, bad answer, no recording)."""


@dataclass(frozen=True)
class Completion:
    """What a backend wrote and which model wrote it."""

    text: str
    model: str


class ActorBackend(Protocol):
    """Writes an actor's message for a prompt (see ``build_prompt``)."""

    def complete(self, prompt: Mapping[str, Any]) -> Completion:
        """The wording for ``prompt``; raise BackendError when there is none."""
        ...


def build_prompt(
    actor: str, role: str, facts: Mapping[str, str], required: Iterable[str], reference: str
) -> dict[str, Any]:
    """The prompt for one message: who speaks, the facts, what must appear verbatim, and
    the template wording as a reference. Its digest keys the recording."""
    return {
        "actor": actor,
        "role": role,
        "facts": dict(sorted(facts.items())),
        "required": sorted(set(required)),
        "reference": reference,
        "instruction": INSTRUCTION,
    }


def prompt_digest(prompt: Mapping[str, Any]) -> str:
    """SHA-256 of the prompt's canonical JSON."""
    return digest(dict(prompt))


def usable(text: str, prompt: Mapping[str, Any]) -> bool:
    """Whether a completion keeps every required fact and is a sensible length."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_CHARS:
        return False
    return all(fact in stripped for fact in prompt["required"])


class OpenAICompatibleBackend:
    """Chat completions from any OpenAI-compatible endpoint (``<base>/chat/completions``).

    ``base_url`` is e.g. ``http://127.0.0.1:8000/v1``; ``model`` is sent as given. The
    request asks for temperature 0; the HTTP client ignores proxy variables (VEI reads the
    environment only in ``vei.config``).
    """

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, timeout_s: int = 30
    ) -> None:
        import httpx2

        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx2.Client(timeout=timeout_s, headers=headers, trust_env=False)

    def complete(self, prompt: Mapping[str, Any]) -> Completion:
        """One chat completion; BackendError for any transport or format problem."""
        import httpx2

        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": prompt["instruction"]},
                {"role": "user", "content": canonical_json({k: prompt[k] for k in _SHOWN})},
            ],
        }
        try:
            response = self._client.post(self.url, json=body)
            response.raise_for_status()
            answer = response.json()
            text = answer["choices"][0]["message"]["content"]
            model = str(answer.get("model") or self.model)
        except (httpx2.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise BackendError(f"{self.url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(text, str):
            raise BackendError(f"{self.url}: the completion has no text")
        return Completion(text.strip(), model)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()


_SHOWN = ("role", "facts", "required", "reference")


class RecordedBackend:
    """Serves completions recorded in an earlier run; never touches the network."""

    def __init__(self, recordings: Mapping[str, Completion]) -> None:
        self.recordings = dict(recordings)

    def complete(self, prompt: Mapping[str, Any]) -> Completion:
        """The recorded completion for this prompt; BackendError if there is none."""
        found = self.recordings.get(prompt_digest(prompt))
        if found is None:
            raise BackendError(f"no recorded completion for prompt {prompt_digest(prompt)}")
        return found


def recordings_from_events(events: Iterable[Event]) -> dict[str, Completion]:
    """Prompt digest -> completion, from a run's ``actors.completion_recorded`` events."""
    found: dict[str, Completion] = {}
    for event in events:
        if event.kind == COMPLETION_RECORDED:
            data = event.data
            found[data["digest"]] = Completion(data["text"], data["model"])
    return found


def parse_backend_url(value: str) -> tuple[str, str]:
    """``(base_url, model)`` from ``http(s)://host[:port]/path[#model]``; ValueError saying
    why otherwise. The model defaults to ``default``."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    base = parts._replace(fragment="").geturl()
    return base, parts.fragment or "default"


def backend_from_setting(value: str, api_key: str | None = None) -> ActorBackend | None:
    """The backend ``VEI_ACTOR_BACKEND`` names: None for ``off``, else an
    ``OpenAICompatibleBackend`` for the URL."""
    if value == "off":
        return None
    base, model = parse_backend_url(value)
    return OpenAICompatibleBackend(base, model, api_key=api_key)
