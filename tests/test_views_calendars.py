"""Calendar files parse back with icalendar and put each session at the right instant across DST."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from optimizer.views.calendars import PRODID, calendar_files, patient_file, therapist_file
from tests.view_cases import HOSTILE_PATIENT, SAT_GROUP, SUN_GROUP, SUN_INDIVIDUAL, dst_week

STAMP = dt.datetime(2026, 10, 20, 8, 30, tzinfo=dt.UTC)
UTC = dt.UTC


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events_by_session(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """Events keyed by the session id their description ends with."""
    found = {}
    for event in cal.walk("VEVENT"):
        session = str(event["DESCRIPTION"]).rsplit("session ", 1)[1].split(" ·")[0]
        found[session] = event
    return found


def test_one_file_per_clinician_with_sessions_and_patients_only_on_request() -> None:
    """T1 and T2 get calendars, idle T3 none; patient calendars appear only when asked for."""
    scenario, roster = dst_week()
    assert sorted(calendar_files(scenario, roster, stamp=STAMP)) == [
        therapist_file("T1"),
        therapist_file("T2"),
    ]
    with_patients = calendar_files(scenario, roster, patients=True, stamp=STAMP)
    assert sorted(with_patients) == sorted(
        [therapist_file("T1"), therapist_file("T2")] + [patient_file(p) for p in ("P1", "P2", "P3", "P4")]
    )


def test_calendar_is_importable_shape() -> None:
    """PRODID, VERSION 2.0, a VTIMEZONE for the program's zone, and UID, DTSTAMP, DTSTART, DTEND per event."""
    scenario, roster = dst_week()
    cal = parse(calendar_files(scenario, roster, stamp=STAMP)[therapist_file("T1")])
    assert str(cal["PRODID"]) == PRODID and str(cal["VERSION"]) == "2.0"
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Chicago"
    events = cal.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in event, prop
        assert event.decoded("DTSTAMP") == STAMP
        assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert len({str(e["UID"]) for e in events}) == 2
    cal.validate()  # icalendar's own check: PRODID, VERSION and at least one component


@pytest.mark.parametrize(
    ("owner", "session", "start_utc", "end_utc"),
    [
        # Saturday 31 Oct is still daylight time (UTC-5): 09:00 local is 14:00 UTC
        ("T1", SAT_GROUP, "2026-10-31T14:00Z", "2026-10-31T17:00Z"),
        # Sunday 1 Nov, after 02:00 the clocks went back (UTC-6): 09:00 local is 15:00 UTC
        ("T2", SUN_GROUP, "2026-11-01T15:00Z", "2026-11-01T18:00Z"),
        ("T1", SUN_INDIVIDUAL, "2026-11-01T23:00Z", "2026-11-02T00:00Z"),
    ],
)
def test_right_utc_instants_across_the_end_of_daylight_saving(
    owner: str, session: str, start_utc: str, end_utc: str
) -> None:
    """Local block times on each date become the right UTC instants, read through the file's own VTIMEZONE."""
    start, end = dt.datetime.fromisoformat(start_utc), dt.datetime.fromisoformat(end_utc)
    scenario, roster = dst_week()
    cal = parse(calendar_files(scenario, roster, stamp=STAMP)[therapist_file(owner)])
    event = events_by_session(cal)[session]
    assert event.decoded("DTSTART").astimezone(UTC) == start
    assert event.decoded("DTEND").astimezone(UTC) == end
    # The same instants from the VTIMEZONE written in the file, not the reader's own tz database.
    (zone,) = cal.walk("VTIMEZONE")
    own = zone.to_tz(lookup_tzid=False)  # built from the STANDARD/DAYLIGHT parts, not by name
    local = event.decoded("DTSTART").replace(tzinfo=None)
    assert local.replace(tzinfo=own).astimezone(UTC) == start


def test_uids_are_stable_across_renders_and_distinct_per_owner() -> None:
    """Rendering again (later) keeps every UID; the same session differs between two owners' files."""
    scenario, roster = dst_week()
    first = calendar_files(scenario, roster, patients=True, stamp=STAMP)
    again = calendar_files(scenario, roster, patients=True, stamp=STAMP + dt.timedelta(days=2))
    for name in first:
        assert [str(e["UID"]) for e in parse(first[name]).walk("VEVENT")] == [
            str(e["UID"]) for e in parse(again[name]).walk("VEVENT")
        ]
    assert first[therapist_file("T1")] != again[therapist_file("T1")]  # DTSTAMP moved on
    t1 = events_by_session(parse(first[therapist_file("T1")]))[SAT_GROUP]
    p1 = events_by_session(parse(first[patient_file("P1")]))[SAT_GROUP]
    assert str(t1["UID"]) != str(p1["UID"])
    assert "P1" not in str(p1["UID"]) and "T1" not in str(t1["UID"])


def test_event_text_names_people_and_room() -> None:
    """A clinician's event lists the patients (names verbatim); a patient's names the clinician and room."""
    scenario, roster = dst_week()
    files = calendar_files(scenario, roster, patients=True, stamp=STAMP)
    group = events_by_session(parse(files[therapist_file("T1")]))[SAT_GROUP]
    assert str(group["SUMMARY"]) == "Process group (3 patients)"
    assert HOSTILE_PATIENT in str(group["DESCRIPTION"]) and str(group["LOCATION"]) == "Room A"
    individual = events_by_session(parse(files[therapist_file("T1")]))[SUN_INDIVIDUAL]
    assert str(individual["SUMMARY"]) == f"Individual: {HOSTILE_PATIENT}"
    mine = events_by_session(parse(files[patient_file("P2")]))[SUN_GROUP]
    assert str(mine["SUMMARY"]) == "Process group with Ana Ruiz" and str(mine["LOCATION"]) == "Room A"


def test_utc_program_writes_utc_times_without_a_timezone() -> None:
    """A program kept in UTC needs no VTIMEZONE: times are written as UTC instants."""
    scenario, roster = dst_week()
    program = scenario.program.model_copy(update={"timezone": "UTC"})
    data = calendar_files(scenario.model_copy(update={"program": program}), roster, stamp=STAMP)
    cal = parse(data[therapist_file("T2")])
    assert cal.walk("VTIMEZONE") == []
    assert b"DTSTART:20261101T090000Z" in data[therapist_file("T2")]
