"""The comparison every chart's upstream test relies on fails for each way a difference can go unexplained."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .upstream import ABSENT, Allowed, allow, assert_matches, differences, leaves

WHY = "a reason"


def test_leaves_descend_maps_and_keep_lists_and_empty_maps_whole() -> None:
    tree = {"a": {"b": 1, "c": [1, {"d": 2}], "e": {}}, "f.g": {"h": None}}
    assert leaves(tree) == {("a", "b"): 1, ("a", "c"): [1, {"d": 2}], ("a", "e"): {}, ("f.g", "h"): None}


def test_a_map_on_one_side_only_differs_leaf_by_leaf() -> None:
    assert differences({"auth": {"x": 1, "y": {"z": 2}}}, {}) == {
        ("auth", "x"): (1, ABSENT),
        ("auth", "y", "z"): (2, ABSENT),
    }


def test_values_compare_by_type_but_quantities_by_value() -> None:
    assert differences({"a": 1, "b": True, "c": 1.0}, {"a": "1", "b": 1, "c": 1}).keys() == {("a",), ("b",), ("c",)}
    assert differences({"q": Decimal("1")}, {"q": 1}) == {}
    assert differences({"l": [1, True]}, {"l": [1, 1]}) == {("l",): ([1, True], [1, 1])}


def test_equal_trees_pass_and_each_allowed_leaf_is_matched_exactly() -> None:
    assert_matches({"a": {"b": 1}}, {"a": {"b": 1}}, [])
    assert_matches({"a": {"b": 1}}, {"a": {"b": 2}}, [allow("a.b", 1, 2, WHY)])
    assert_matches({"k": {"x.io/y": "v"}}, {}, [allow(("k", "x.io/y"), "v", ABSENT, WHY)])


@pytest.mark.parametrize(
    ("emitted", "upstream", "entries", "message"),
    [
        ({"a": 1}, {"a": 2}, [], "no allow-list entry"),
        ({"a": 1}, {"a": 2}, [allow("a", 1, 3, WHY)], "the entry pins"),
        ({"a": 1}, {"a": 2}, [allow("a", "1", 2, WHY)], "the entry pins"),
        ({"a": 1}, {"a": 1}, [allow("a", 1, 2, WHY)], "stale entry"),
        ({"a": {"b": 1, "c": 1}}, {}, [allow("a", {"b": 1, "c": 1}, ABSENT, WHY)], "no allow-list entry"),
    ],
    ids=["unexplained", "wrong-upstream", "wrong-type", "stale", "prefix-entry-covers-nothing"],
)
def test_every_unexplained_or_stale_difference_fails(
    emitted: dict[str, object], upstream: dict[str, object], entries: list[Allowed], message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_matches(emitted, upstream, entries)


def test_an_entry_needs_a_reason_and_a_leaf_only_once() -> None:
    with pytest.raises(AssertionError, match="says why"):
        assert_matches({"a": 1}, {"a": 2}, [allow("a", 1, 2, " ")])
    with pytest.raises(AssertionError, match="twice"):
        assert_matches({"a": 1}, {"a": 2}, [allow("a", 1, 2, WHY), allow("a", 1, 2, WHY)])
