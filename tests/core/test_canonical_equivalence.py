"""The fast canonical paths give exactly the bytes of the documented json.dumps recipe."""

from __future__ import annotations

import enum
import hashlib
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.core.canonical import (
    NotCanonicalError,
    _check,
    _is_canonical,
    canonical_json,
    digest_unchecked,
    encode_unchecked,
)
from vei.core.events import Event


class Color(enum.IntEnum):
    RED = 1


class Name(enum.StrEnum):
    ADA = "ada"


# Everything json.dumps meets in practice, and the things it refuses or formats oddly:
# floats (finite, huge, tiny, NaN, infinities), big integers, tuples, non-string keys,
# enum subclasses of int and str, sets, any Unicode including controls and DEL.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**200)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x7F))
    | st.sampled_from([Color.RED, Name.ADA, "\x7f", "\x00\x1f", "é\u2028😀"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, min_size=1, max_size=2)
        | st.frozensets(st.integers(), max_size=2)
    ),
    max_leaves=25,
)


def _reference(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _check_passes(value: object) -> bool:
    try:
        _check(value, "")
    except NotCanonicalError:
        return False
    return True


@given(values)
def test_fast_walk_accepts_exactly_what_the_path_walk_accepts(value: object) -> None:
    assert _is_canonical(value) == _check_passes(value)


@given(values)
def test_canonical_json_is_the_json_dumps_recipe_or_refuses(value: object) -> None:
    if _check_passes(value):
        assert canonical_json(value) == _reference(value)
    else:
        with pytest.raises(NotCanonicalError):
            canonical_json(value)


@given(values)
def test_unchecked_encoding_matches_the_standard_encoder_and_its_refusals(value: object) -> None:
    try:
        expected = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            encode_unchecked(value)
        return
    assert encode_unchecked(value) == expected
    assert digest_unchecked(value) == hashlib.sha256(expected.encode("ascii")).hexdigest()


@pytest.mark.parametrize("bad", [math.nan, math.inf, [1, -math.inf]])
def test_out_of_range_floats_are_still_refused_by_unchecked_digests(bad: object) -> None:
    with pytest.raises(ValueError):
        digest_unchecked(bad)


def test_the_refusal_names_the_path() -> None:
    with pytest.raises(NotCanonicalError, match=r"float at \.a\[1\]\.b"):
        canonical_json({"a": [0, {"b": 0.5}]})


@given(
    data=st.dictionaries(st.text(max_size=6), values, max_size=4),
    seq=st.integers(min_value=1, max_value=2**40),
    cause=st.none() | st.integers(min_value=-5, max_value=2**40),
    kind=st.text(max_size=20),
    actor=st.text(max_size=12),
)
def test_an_event_envelope_is_written_as_the_json_dumps_recipe_or_refused(
    data: dict[str, object], seq: int, cause: int | None, kind: str, actor: str
) -> None:
    event = Event(seq=seq, t_ms=seq * 3, kind=kind, actor=actor, data=data, cause=cause)
    if _check_passes(event.to_dict()):
        assert event.to_json() == _reference(event.to_dict())
    else:
        with pytest.raises(NotCanonicalError) as refused:
            event.to_json()
        with pytest.raises(NotCanonicalError) as generic:
            canonical_json(event.to_dict())
        assert str(refused.value) == str(generic.value)
