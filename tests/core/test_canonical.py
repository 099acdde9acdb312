from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.core.canonical import NotCanonicalError, canonical_json, digest, digest_unchecked

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_sorted_compact_ascii() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["\\u00e9",null],"b":1}'


@pytest.mark.parametrize("bad", [1.5, {"x": [0.0]}, {1: "non-string key"}, {"s": {1, 2}}])
def test_floats_and_non_json_are_refused_with_their_path(bad: object) -> None:
    with pytest.raises(NotCanonicalError):
        canonical_json(bad)


@given(json_values)
def test_checked_and_unchecked_digests_agree(value: object) -> None:
    assert digest(value) == digest_unchecked(value)


@given(st.dictionaries(st.text(), st.integers(), max_size=8))
def test_key_order_does_not_matter(value: dict[str, int]) -> None:
    reordered = dict(reversed(list(value.items())))
    assert canonical_json(value) == canonical_json(reordered)
