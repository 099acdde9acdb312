"""LLM-worded actors: an OpenAI-compatible endpoint writes the wording, the run records every
completion by prompt digest, and the run replays byte for byte with no endpoint reachable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.drift.support import MINUTE
from vei.actors import RecordedBackend, recordings_from_events
from vei.actors.engine import actors_twin
from vei.assembly import world_twins
from vei.config import ConfigError, Settings, load_settings
from vei.core.events import Event
from vei.core.world import World
from vei.receipts.signing import load_or_create_signer
from vei.scenarios import Scenario
from vei.session import Session
from vei.store.memory import MemoryStore
from vei.store.rundir import open_run

from .fake_llm import fake_llm
from .support import with_actors

CALLS: list[tuple[str, dict[str, Any]]] = [
    (
        "mail_compose",
        {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "A MacroBook Pro 16?"},
    ),
    ("vei_tick", {"dt_ms": 3 * 60 * MINUTE}),
]


def _settings(state_dir: Path | None, backend: str) -> Settings:
    return load_settings(
        {"drift_mode": "light", "state_dir": state_dir, "actor_backend": backend}, env={}
    )


def _run(settings: Settings, scenario: Scenario) -> list[Event]:
    s = Session(settings, scenario=scenario, run_id="worded")
    for name, args in CALLS:
        s.call(name, args)
    found = list(s.world.store.events())
    s.close()
    return found


def _actor_texts(events: list[Event]) -> list[str]:
    return [
        str(e.data.get("text") or e.data.get("body"))
        for e in events
        if e.actor.startswith("actor:")
        and e.kind in ("slack.message_posted", "mail.message_received")
    ]


def test_llm_worded_actors_replay_byte_identically_with_no_endpoint(tmp_path: Path) -> None:
    scenario = with_actors()
    with fake_llm() as llm:
        recorded = _run(_settings(tmp_path, f"{llm.base_url}#fake-model"), scenario)
        assert len(llm.requests) == 4 and {r["model"] for r in llm.requests} == {"fake-model"}
    # The endpoint is gone from here on.
    texts = _actor_texts(recorded)
    assert len(texts) == 4 and all("via LLM]" in t for t in texts)
    assert any("new_price=$3,253" in t for t in texts)  # the state machine's facts
    completions = [e for e in recorded if e.kind == "actors.completion_recorded"]
    assert len(completions) == 4 and len({c.data["digest"] for c in completions}) == 4

    runner = CliRunner()
    from vei.cli.state import app as state_app

    verify = runner.invoke(state_app, ["verify", "worded", "--state-dir", str(tmp_path)])
    assert verify.exit_code == 0, verify.output
    replay = runner.invoke(state_app, ["replay", "worded", "--state-dir", str(tmp_path), "--json"])
    assert replay.exit_code == 0, replay.output
    assert json.loads(replay.stdout)["matches"] is True

    # The same calls again, the wording served from the recording: the same bytes.
    settings = _settings(None, "off")
    names, seed_data, middleware = Session._components(settings, scenario)
    backend = RecordedBackend(recordings_from_events(recorded))
    twins = [actors_twin(backend) if t.name == "actors" else t for t in world_twins(names)]
    with open_run("worded", tmp_path) as handle:
        stored_receipts = list(handle.store.receipts())
        manifest = handle.manifest
    world = World(
        twins=twins,
        seed=settings.seed,
        store=MemoryStore(),
        signer=load_or_create_signer(tmp_path),
        run_id="worded",
        seed_data=seed_data,
        middleware=middleware,
        manifest=manifest,  # the same signed inputs: the chain starts where the run's did
    )
    for name, args in CALLS:
        world.call(name, args)
    again = list(world.store.events())
    assert [e.to_json() for e in again] == [e.to_json() for e in recorded]
    assert world.chain_head == stored_receipts[-1].hash


def test_a_completion_that_drops_a_fact_gives_way_to_the_template() -> None:
    with fake_llm() as llm:
        llm.drop_facts = True
        events = _run(_settings(None, f"{llm.base_url}#fake-model"), with_actors())
    notices = [t for t in _actor_texts(events) if "expired" in t]
    assert notices and "$3,253" in notices[0]
    models = {e.data["model"] for e in events if e.kind == "actors.completion_recorded"}
    assert "template (unusable completion)" in models


def test_an_unreachable_endpoint_falls_back_to_the_template_and_says_so() -> None:
    with fake_llm() as llm:
        url = f"{llm.base_url}#fake-model"
    events = _run(_settings(None, url), with_actors())
    completions = [e for e in events if e.kind == "actors.completion_recorded"]
    assert completions and all(c.data["model"].startswith("template (") for c in completions)
    assert all("via LLM" not in t for t in _actor_texts(events))


def test_without_a_backend_actors_use_their_templates_and_record_nothing() -> None:
    events = _run(_settings(None, "off"), with_actors())
    assert len(_actor_texts(events)) == 4
    assert not [e for e in events if e.kind == "actors.completion_recorded"]


def test_the_backend_setting_is_validated_and_kept_out_of_the_manifest() -> None:
    assert load_settings(env={}).actor_backend == "off"
    settings = load_settings(env={"VEI_ACTOR_BACKEND": "http://127.0.0.1:8000/v1#small"})
    assert settings.to_manifest()["actor_backend"] == "openai-compatible#small"
    for bad in ("ftp://host/v1", "localhost:8000", ""):
        with pytest.raises(ConfigError, match="VEI_ACTOR_BACKEND"):
            load_settings(env={"VEI_ACTOR_BACKEND": bad})
    keyed = load_settings(env={"VEI_ACTOR_API_KEY": "sk-test"})
    assert "sk-test" not in json.dumps(keyed.to_manifest()) and "sk-test" not in repr(keyed)
