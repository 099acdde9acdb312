"""The receipt body written out directly hashes exactly like the generic canonical encoder."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vei.receipts import chain
from vei.receipts.chain import CHAINED_FIELDS, chain_hash


def _reference_hash(body: dict[str, Any]) -> str:
    text = json.dumps(
        {k: body[k] for k in CHAINED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _world_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "index": 7,
        "tool": "slack_send_message",
        "args_digest": "a" * 64,
        "result_digest": "b" * 64,
        "ok": True,
        "error_code": None,
        "rev_before": 3,
        "rev_after": 5,
        "events": [4, 5],
        "events_digest": "c" * 64,
        "t_ms": 1_700,
        "latency_ms": 150,
        "cost_cents": 0,
        "fault": None,
        "prev": "d" * 64,
    }
    body.update(changes)
    return body


def test_the_written_encoder_covers_every_chained_field() -> None:
    # If this fails, CHAINED_FIELDS changed: update _WRITTEN_ORDER and _written_chain_json.
    assert chain._WRITTEN, "receipt hashing fell back to the slower generic encoder"


def test_bodies_the_world_writes_take_the_written_path() -> None:
    for body in (
        _world_body(),
        _world_body(ok=False, error_code="slack.not_in_channel", events=None, fault="timeout"),
        _world_body(tool='quote"and\\slash', error_code="é\x7f\n"),
    ):
        text = chain._written_chain_json(body)
        assert text is not None
        assert chain_hash(body) == _reference_hash(body)


any_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple),
    max_leaves=4,
)


@given(st.fixed_dictionaries({name: any_value for name in CHAINED_FIELDS}))
def test_any_body_hashes_like_the_reference_encoder(body: dict[str, Any]) -> None:
    # Stored receipts read back for verification may hold anything at all.
    assert chain_hash(body) == _reference_hash(body)


@given(
    st.fixed_dictionaries(
        {
            "index": st.integers(),
            "tool": st.text(),
            "args_digest": st.text(),
            "result_digest": st.text(),
            "ok": st.booleans(),
            "error_code": st.none() | st.text(),
            "rev_before": st.integers(),
            "rev_after": st.integers(),
            "events": st.none() | st.lists(st.integers(), min_size=2, max_size=2),
            "events_digest": st.text(),
            "t_ms": st.integers(),
            "latency_ms": st.integers(),
            "cost_cents": st.integers(),
            "fault": st.none() | st.text(),
            "prev": st.text(),
        }
    )
)
def test_well_typed_bodies_are_written_byte_for_byte(body: dict[str, Any]) -> None:
    text = chain._written_chain_json(body)
    assert text is not None
    assert text == json.dumps(
        {k: body[k] for k in CHAINED_FIELDS}, sort_keys=True, separators=(",", ":")
    )
