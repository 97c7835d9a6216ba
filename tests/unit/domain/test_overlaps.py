from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.appointment import Appointment
from shared.domain.overlaps import group_key, overlap_groups, resolve_group

from .factories import all_day_event, appt

BASE = datetime(2026, 11, 24, tzinfo=UTC)


def ids(appts: list[Appointment]) -> list[str]:
    return [a.id for a in appts]


def test_chain_under_a_long_meeting_is_one_group() -> None:
    groups = overlap_groups([appt("a", "09:00", "12:00"), appt("b", "09:30", "10:00"), appt("c", "11:00", "11:30")])
    assert [ids(g) for g in groups] == [["a", "b", "c"]]


def test_touching_events_do_not_overlap() -> None:
    assert overlap_groups([appt("a", "09:00", "10:00"), appt("b", "10:00", "11:00")]) == []


def test_separate_groups_in_start_order() -> None:
    groups = overlap_groups(
        [
            appt("d", "14:00", "15:00"),
            appt("a", "09:00", "10:00"),
            appt("c", "14:30", "15:30"),
            appt("b", "09:59", "10:30"),
            appt("e", "16:00", "17:00"),
        ]
    )
    assert [ids(g) for g in groups] == [["a", "b"], ["d", "c"]]


def test_free_and_all_day_items_are_left_out() -> None:
    groups = overlap_groups(
        [
            appt("busy", "09:00", "10:00"),
            appt("free", "09:00", "10:00", show_as="Free"),
            Appointment.from_graph(all_day_event("holiday", "Holiday")),
        ]
    )
    assert groups == []


@pytest.mark.parametrize(
    ("items", "kept", "dropped", "unresolved"),
    [
        # busy vs tentative -> busy wins
        ([("busy", "busy", "normal"), ("tent", "tentative", "normal")], ["busy"], ["tent"], []),
        # high/normal/low all busy -> high wins
        (
            [("high", "busy", "high"), ("normal", "busy", "normal"), ("low", "busy", "low")],
            ["high"],
            ["normal", "low"],
            [],
        ),
        # two busy/high -> conflict
        ([("h1", "busy", "high"), ("h2", "busy", "high")], [], [], ["h1", "h2"]),
        # free + tentative + busy/low + busy/high -> busy/high wins (free is not part of any group)
        (
            [("free", "free", "high"), ("tent", "tentative", "high"), ("low", "busy", "low"), ("high", "busy", "high")],
            ["high"],
            ["tent", "low"],
            [],
        ),
        # all tentative with high and low -> high wins
        ([("th", "tentative", "high"), ("tl", "tentative", "low")], ["th"], ["tl"], []),
    ],
)
def test_rules_resolution_examples(
    items: list[tuple[str, str, str]], kept: list[str], dropped: list[str], unresolved: list[str]
) -> None:
    appts = [
        appt(name, "10:00", "11:00", show_as=show_as, importance=importance) for name, show_as, importance in items
    ]
    groups = overlap_groups(appts)
    assert len(groups) == 1
    assert all(a.id != "free" for a in groups[0])
    resolution = resolve_group(groups[0])
    assert sorted(ids(resolution.kept)) == sorted(kept)
    assert sorted(ids(resolution.dropped)) == sorted(dropped)
    assert sorted(ids(resolution.unresolved)) == sorted(unresolved)
    assert resolution.resolved is (not unresolved)


def test_unresolved_keeps_lower_scored_items_with_the_tied_winners() -> None:
    group = [
        appt("a", "10:00", "11:00", importance="high"),
        appt("b", "10:00", "11:00", importance="high"),
        appt("c", "10:00", "11:00", importance="low"),
    ]
    resolution = resolve_group(group)
    assert (ids(resolution.kept), ids(resolution.dropped), ids(resolution.unresolved)) == ([], [], ["a", "b", "c"])


def test_missing_or_unknown_importance_counts_as_normal() -> None:
    group = [appt("odd", "10:00", "11:00", importance="urgent"), appt("normal", "10:00", "11:00")]
    assert ids(resolve_group(group).unresolved) == ["normal", "odd"]
    group = [appt("odd", "10:00", "11:00", importance="urgent"), appt("low", "10:00", "11:00", importance="low")]
    assert ids(resolve_group(group).kept) == ["odd"]


def test_show_as_compares_case_insensitively() -> None:
    group = [appt("busy", "10:00", "11:00", show_as="Busy"), appt("tent", "10:00", "11:00", show_as="TENTATIVE")]
    assert ids(resolve_group(group).dropped) == ["tent"]


def test_free_items_given_to_resolution_are_kept_not_dropped() -> None:
    group = [appt("free", "10:00", "11:00", show_as="free"), appt("busy", "10:00", "11:00")]
    resolution = resolve_group(group)
    assert sorted(ids(resolution.kept)) == ["busy", "free"]
    assert resolution.dropped == [] and resolution.unresolved == []


def test_group_key_is_stable_and_safe() -> None:
    group = [appt("b", "10:00", "11:00"), appt("a", "10:00", "10:30"), appt("c", "10:15", "11:00")]
    key = group_key(group)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
    assert key == group_key(list(reversed(group)))
    assert key == group_key([appt("a", "10:00", "10:30"), appt("z", "10:20", "12:00")])  # same earliest item
    assert key != group_key([appt("b", "10:00", "11:00"), appt("c", "10:15", "11:00")])


def test_group_key_of_empty_group_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        group_key([])


def _brute_force_groups(appts: list[Appointment]) -> set[frozenset[str]]:
    parent = {a.id: a.id for a in appts}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, first in enumerate(appts):
        for second in appts[i + 1 :]:
            if first.start < second.end and second.start < first.end:
                parent[find(first.id)] = find(second.id)
    components: dict[str, set[str]] = {}
    for a in appts:
        components.setdefault(find(a.id), set()).add(a.id)
    return {frozenset(c) for c in components.values() if len(c) > 1}


intervals = st.lists(st.tuples(st.integers(0, 96), st.integers(1, 24)), max_size=25)


@settings(max_examples=200, deadline=None)
@given(intervals)
def test_sweep_matches_pairwise_overlap_components(spans: list[tuple[int, int]]) -> None:
    appts = [
        Appointment(id=f"e{i}", start=BASE + timedelta(minutes=15 * s), end=BASE + timedelta(minutes=15 * (s + d)))
        for i, (s, d) in enumerate(spans)
    ]
    assert {frozenset(ids(g)) for g in overlap_groups(appts)} == _brute_force_groups(appts)


def test_zero_length_items_block_no_time() -> None:
    assert overlap_groups([appt("a", "09:00", "11:00"), appt("reminder", "10:00", "10:00")]) == []


def test_show_as_and_importance_are_case_insensitive_on_direct_construction() -> None:
    start = BASE + timedelta(hours=10)
    group = [
        Appointment(id="t", start=start, end=start + timedelta(hours=1), show_as="Tentative", importance="HIGH"),
        Appointment(id="b", start=start, end=start + timedelta(hours=1), show_as="Busy", importance="Low"),
        Appointment(id="f", start=start, end=start + timedelta(hours=1), show_as="FREE"),
    ]
    assert ids(overlap_groups(group)[0]) == ["b", "t"]
    resolution = resolve_group(group)
    assert (ids(resolution.kept), ids(resolution.dropped)) == (["b", "f"], ["t"])


def test_group_members_come_in_start_end_id_order_whatever_the_input_order() -> None:
    items = [
        appt("c", "10:00", "12:00"),
        appt("b", "10:00", "11:00"),
        appt("a", "10:00", "11:00"),
        appt("d", "09:00", "10:30"),
    ]
    assert [ids(g) for g in overlap_groups(items)] == [["d", "a", "b", "c"]]
    assert [ids(g) for g in overlap_groups(list(reversed(items)))] == [["d", "a", "b", "c"]]
