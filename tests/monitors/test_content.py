"""Recognising sensitive content: each pattern fires on what it should and not on look-alikes."""

from __future__ import annotations

import pytest

from vei.monitors.content import (
    copied_documents,
    find_cards,
    find_credentials,
    find_ssns,
    luhn_valid,
    marker_hits,
)


def test_ssns_are_found_masked_and_never_issued_numbers_are_not() -> None:
    assert find_ssns("my SSN is 123-45-6789.") == ["***6789"]
    assert find_ssns("123 45 6789") == ["***6789"]
    for text in ("000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000"):
        assert find_ssns(text) == [], text
    assert find_ssns("call 555-123-4567 or order 123-456-7890") == []
    assert find_ssns("123-45 6789") == []  # mixed separators are not an SSN


def test_cards_need_the_luhn_check() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert find_cards("card 4111 1111 1111 1111 exp 12/29") == ["***1111"]
    assert find_cards("card 4111-1111-1111-1111") == ["***1111"]
    assert find_cards("card 4111 1111 1111 1112") == []
    assert find_cards("0000000000000000 and 12345") == []


@pytest.mark.parametrize(
    "text",
    [
        "key AKIAIOSFODNN7EXAMPLE",
        "token ghp_" + "a" * 36,
        "xoxb-1234567890-abcdefghij",
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "-----BEGIN RSA PRIVATE KEY-----",
        "the password: hunter2hunter2",
        "API_KEY=abcd1234efgh",
    ],
)
def test_credentials_are_found(text: str) -> None:
    assert find_credentials(text)


def test_ordinary_words_are_not_credentials() -> None:
    assert find_credentials("please reset your password at the portal; the api key rotates") == []


def test_markers_match_whole_words_in_any_case() -> None:
    assert marker_hits("About project kestrel, rev C", ["Project Kestrel"]) == ["Project Kestrel"]
    assert marker_hits("Project Kestrels are birds", ["Project Kestrel"]) == []


def test_a_copied_passage_of_eight_words_is_a_copy_and_a_shorter_one_is_not() -> None:
    doc = {"u": "Target bill of materials: $212 per module; target retail price: $649."}
    assert copied_documents("fyi: target bill of materials 212 per module target retail", doc) == [
        "u"
    ]
    assert copied_documents("the target retail price is confidential", doc) == []
