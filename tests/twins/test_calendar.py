"""The calendar twin: times in people's own zones on a UTC clock, working hours, free/busy,
conflicts, weekly repeats, invitations, answers, and attendees who answer by their own
calendars."""

from __future__ import annotations

from typing import Any

import pytest

from tests.twins.support import make_world, ok, rejected
from vei.assembly import world_twins
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.calendar import TWIN
from vei.twins.calendar.seed import DEFAULT_SEED
from vei.twins.calendar.state import initial_state
from vei.twins.calendar.times import iso, parse_time

ME = "agent@company.example"
PRIYA = "priya.nair@company.example"
KENJI = "kenji.sato@company.example"


def _world() -> World:
    return make_world(TWIN)


def test_check_twin_passes_with_calls_across_every_tool() -> None:
    check_twin(
        TWIN,
        calls=[
            ("calendar_free_busy", {"people": [PRIYA, KENJI], "start": "2023-11-20"}),
            (
                "calendar_create_event",
                {"title": "Sync", "start": "2023-11-20T10:00", "attendees": [PRIYA]},
            ),
            ("calendar_create_event", {"title": "Bad", "start": "20 Nov", "attendees": [PRIYA]}),
            ("calendar_update_event", {"event": "EV-3", "start": "2023-11-20T11:00"}),
            ("calendar_update_event", {"event": "EV-1", "start": "2023-11-20T11:00"}),
            ("calendar_respond", {"event": "EV-1", "response": "declined"}),
            ("calendar_respond", {"event": "EV-3", "response": "accepted"}),
            ("calendar_cancel_event", {"event": "EV-3", "message": "No longer needed"}),
            ("calendar_cancel_event", {"event": "EV-3"}),
            ("calendar_get_event", {"event": "EV-2", "time_zone": "Asia/Tokyo"}),
            ("calendar_list_events", {"start": "2023-11-13", "days": 14}),
        ],
    )


def test_the_clock_is_utc_and_times_show_in_each_persons_zone() -> None:
    world = _world()
    people = {p["email"]: p for p in ok(world, "calendar_list_people")["people"]}
    # Virtual time 0 is 2023-11-14T22:13:20Z.
    assert people[ME]["local_now"] == "2023-11-14T17:13-05:00"
    assert people[KENJI]["local_now"] == "2023-11-15T07:13+09:00"
    assert people[KENJI]["working_hours"] == "08:00-18:00 mon-fri Asia/Tokyo"
    event = ok(world, "calendar_get_event", event="EV-2")
    assert (event["start"], event["time_zone"]) == ("2023-11-16T19:00-05:00", "America/New_York")
    assert event["attendees"][0]["local_start"] == "Fri 17 Nov 09:00 Asia/Tokyo"
    in_london = ok(world, "calendar_get_event", event="EV-2", time_zone="Europe/London")
    assert in_london["start"] == "2023-11-17T00:00+00:00"
    assert in_london["start_ms"] == event["start_ms"]


def test_times_are_read_in_the_zone_given_or_by_their_offset() -> None:
    ny = parse_time("2023-11-20T10:00", "America/New_York")
    assert parse_time("2023-11-20T15:00Z", "Asia/Tokyo") == ny
    assert parse_time("2023-11-20 16:00+01:00", "UTC") == ny
    assert iso(ny, "Europe/Berlin") == "2023-11-20T16:00+01:00"
    world = _world()
    assert (
        rejected(world, "calendar_create_event", title="x", start="next monday")["code"]
        == "calendar.invalid_time"
    )
    error = rejected(world, "calendar_list_events", time_zone="Mars/Olympus")
    assert error["code"] == "calendar.unknown_time_zone"


def test_weekly_repeats_keep_their_wall_time_across_daylight_saving() -> None:
    seed: dict[str, Any] = {
        **DEFAULT_SEED,
        "events": [
            {"title": "Standup", "organizer": ME, "start": "2023-10-30T09:00", "weekly_count": 3}
        ],
    }
    world = make_world(TWIN, seed_data={"calendar": seed})
    rows = ok(world, "calendar_list_events", start="2023-10-29", days=21)["events"]
    # US clocks went back on 5 November: 09:00 local stays 09:00, the UTC hour moves.
    assert [r["start"] for r in rows] == [
        "2023-10-30T09:00-04:00",
        "2023-11-06T09:00-05:00",
        "2023-11-13T09:00-05:00",
    ]
    assert rows[1]["start_ms"] - rows[0]["start_ms"] == 7 * 86_400_000 + 3_600_000


def test_free_busy_shows_busy_blocks_and_working_hours_without_titles() -> None:
    world = _world()
    result = ok(
        world, "calendar_free_busy", people=[PRIYA, ME], start="2023-11-15", days=1, time_zone="UTC"
    )
    priya, me = result["people"]
    assert priya["busy"] == [
        {
            "start": "2023-11-15T14:00+00:00",
            "end": "2023-11-15T15:00+00:00",
            "start_ms": priya["busy"][0]["start_ms"],
            "end_ms": priya["busy"][0]["end_ms"],
        }
    ]
    assert [(w["start"], w["end"]) for w in priya["working"]] == [
        ("2023-11-15T09:00+00:00", "2023-11-15T17:00+00:00")
    ]
    assert [(w["start"], w["end"]) for w in me["working"]] == [
        ("2023-11-15T14:00+00:00", "2023-11-15T22:00+00:00")
    ]
    assert "title" not in str(result)
    assert (
        rejected(world, "calendar_free_busy", people=["who@x.example"], start="2023-11-15")["code"]
        == "calendar.unknown_person"
    )


def test_creating_reports_conflicts_and_mails_the_invitation() -> None:
    world = _world()
    outcome = world.call(
        "calendar_create_event",
        {
            "title": "Budget",
            "start": "2023-11-22T09:30",
            "duration_minutes": 60,
            "attendees": [PRIYA, KENJI],
        },
    )
    assert outcome.ok
    result = outcome.result
    # 09:30 New York is 14:30 London (during the weekly) and 23:30 Tokyo.
    assert [(c["email"], c["kind"]) for c in result["conflicts"]] == [
        (ME, "busy"),
        (PRIYA, "busy"),
        (KENJI, "outside_working_hours"),
    ]
    assert result["conflicts"][0]["event"] == "EV-1" and result["conflicts"][1]["event"] == "EV-1"
    assert result["invitations_sent"] == [PRIYA, KENJI]
    from vei.monitors.outflow import outward_of

    out = outward_of(world.state, outcome.events[0])
    assert (
        out is not None
        and out.destinations == (PRIYA, KENJI)
        and out.text.startswith("Invitation: Budget")
    )
    fine = ok(
        world,
        "calendar_update_event",
        event=result["id"],
        start="2023-11-22T16:00Z",
        duration_minutes=30,
    )
    assert fine["conflicts"] == [
        {
            "email": KENJI,
            "kind": "outside_working_hours",
            "event": None,
            "start": "2023-11-23T01:00+09:00",
            "end": "2023-11-23T01:30+09:00",
        }
    ]


def test_only_the_organizer_changes_an_event_and_answers_reset_when_it_moves() -> None:
    world = _world()
    assert (
        rejected(world, "calendar_update_event", event="EV-1", title="Mine now")["code"]
        == "calendar.not_organizer"
    )
    assert (
        rejected(world, "calendar_respond", event="EV-2", response="accepted")["code"]
        == "calendar.not_invited"
    )
    assert ok(world, "calendar_respond", event="EV-1", response="tentative")["organizer"] == PRIYA
    assert world.state["calendar"]["events"]["EV-1"]["attendees"][0]["response"] == "tentative"
    ok(world, "calendar_update_event", event="EV-2", title="Vendor review (final)")
    assert (
        rejected(world, "calendar_update_event", event="EV-2", title="Vendor review (final)")[
            "code"
        ]
        == "calendar.invalid_argument"
    )
    ok(world, "calendar_cancel_event", event="EV-2")
    assert (
        rejected(world, "calendar_update_event", event="EV-2", title="again")["code"]
        == "calendar.cancelled"
    )
    assert ok(world, "calendar_list_events", start="2023-11-16", days=2)["events"] == []


def _npc_world(rule: dict[str, Any]) -> World:
    twins = world_twins(["calendar", "mail", "npc"])
    seed = {
        "npc": {
            "rules": [{"id": "people", "kind": "calendar_attendee", "delay_ms": 60_000, **rule}],
            "facts": {},
        }
    }
    return make_world(*twins, seed_data=seed)


def test_attendees_accept_or_decline_by_their_own_calendars_by_mail() -> None:
    world = _npc_world({"people": [PRIYA, KENJI]})
    # 16:00 UTC: inside Priya's hours, but 01:00 in Tokyo for Kenji.
    created = ok(
        world,
        "calendar_create_event",
        title="Plan",
        start="2023-11-21T16:00Z",
        attendees=[PRIYA, KENJI],
    )
    ok(world, "vei_tick", dt_ms=120_000)
    answers = {
        a["email"]: a["response"]
        for a in world.state["calendar"]["events"][created["id"]]["attendees"]
    }
    assert answers == {PRIYA: "accepted", KENJI: "declined"}
    mail = sorted(
        (m["subject"], m["from"], m["body"])
        for m in world.state["mail"]["messages"].values()
        if m["folder"] == "INBOX" and m["subject"].endswith("Plan")
    )
    assert [(s, f) for s, f, _ in mail] == [("Accepted: Plan", PRIYA), ("Declined: Plan", KENJI)]
    assert "outside my working hours (08:00-18:00 mon-fri Asia/Tokyo)" in mail[1][2]


def test_a_commitment_booked_on_the_first_invite_makes_them_decline_once() -> None:
    world = _npc_world({"people": [PRIYA], "booked_on_first_invite": "Board prep"})
    first = ok(
        world, "calendar_create_event", title="Plan", start="2023-11-21T11:00Z", attendees=[PRIYA]
    )
    ok(world, "vei_tick", dt_ms=120_000)
    cal = world.state["calendar"]
    assert cal["events"][first["id"]]["attendees"][0]["response"] == "declined"
    busy = ok(
        world, "calendar_free_busy", people=[PRIYA], start="2023-11-21", days=1, time_zone="UTC"
    )["people"][0]["busy"]
    assert [(b["start"], b["end"]) for b in busy] == [
        ("2023-11-21T11:00+00:00", "2023-11-21T11:30+00:00")
    ]
    ok(world, "calendar_update_event", event=first["id"], start="2023-11-21T12:00Z")
    ok(world, "vei_tick", dt_ms=120_000)
    assert cal["events"][first["id"]]["attendees"][0]["response"] == "accepted"


def test_an_answer_to_a_time_the_event_no_longer_has_is_ignored() -> None:
    world = _npc_world({"people": [PRIYA]})
    created = ok(
        world, "calendar_create_event", title="Plan", start="2023-11-21T11:00Z", attendees=[PRIYA]
    )
    ok(world, "calendar_update_event", event=created["id"], start="2023-11-21T02:00Z")
    ok(world, "vei_tick", dt_ms=120_000)
    # The acceptance of 11:00 arrived after the move to 02:00 (outside hours): declined stands.
    assert (
        world.state["calendar"]["events"][created["id"]]["attendees"][0]["response"] == "declined"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"people": [{"email": ME, "name": "A", "time_zone": "Nowhere/Land"}]},
            "unknown time zone",
        ),
        (
            {"people": [{"email": ME, "name": "A", "work_start": "18:00", "work_end": "09:00"}]},
            "after work_start",
        ),
        (
            {"events": [{"title": "x", "organizer": "who@x.example", "start": "2023-11-20T10:00"}]},
            "organizer",
        ),
    ],
)
def test_bad_seeds_are_refused_naming_the_entry(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        initial_state({**DEFAULT_SEED, **change})
