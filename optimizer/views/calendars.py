"""Calendar files (iCalendar, RFC 5545): clinicians live in their calendars.

One file per clinician with sessions (and, on request, one per patient), each event at
the right local time on its date in ``program.timezone``, with a VTIMEZONE describing
that zone's offsets around the week, so that an event on the Sunday a daylight-saving
change happens lands at the right instant in any calendar app.

UIDs are derived from the program, the week, the session and the calendar's owner, so
re-rendering the same roster gives the same UIDs and an app updates events in place
rather than duplicating them. DTSTAMP is the time of rendering, as RFC 5545 asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import icalendar

from .. import __version__
from ..roster import Roster, Session
from ..scenario import Scenario, clock_minutes
from .tables import day_dates, patient_names, therapist_names, type_label

PRODID = f"-//iop-roster//iop-roster {__version__}//EN"
CALENDAR_FOLDER = "calendars"
UTC_NAMES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"}


def therapist_file(ident: str) -> str:
    """Where a clinician's calendar goes, relative to the output folder."""
    return f"{CALENDAR_FOLDER}/therapist-{ident}.ics"


def patient_file(ident: str) -> str:
    """Where a patient's calendar goes, relative to the output folder."""
    return f"{CALENDAR_FOLDER}/patient-{ident}.ics"


def event_uid(scenario: Scenario, session_id: str, owner: str) -> str:
    """A UID that is the same every time this session is rendered into this owner's calendar.

    Hashed, so that a UID reveals neither the owner nor the session (session ids can
    carry patient ids), and the week is part of it: next week's sessions reuse ids.
    """
    key = "\x1f".join((scenario.program.name, str(scenario.program.week_of), session_id, owner))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@iop-roster"


class _Writer:
    def __init__(self, scenario: Scenario, roster: Roster, stamp: dt.datetime) -> None:
        self.sc = scenario
        self.roster = roster
        self.stamp = stamp.astimezone(dt.UTC)
        self.zone_name = scenario.program.timezone
        self.zone = ZoneInfo(self.zone_name)
        self.utc = self.zone_name in UTC_NAMES
        self.dates = day_dates(scenario)
        self.patients = patient_names(scenario)
        self.therapists = therapist_names(scenario)
        self.rooms = {r.id: r.name or r.id for r in scenario.rooms}

    def when(self, s: Session, clock: str) -> dt.datetime:
        """The session's local wall-clock time on its date, in the program's zone."""
        minutes = clock_minutes(clock)
        local = dt.datetime.combine(self.dates[s.day], dt.time(minutes // 60, minutes % 60), self.zone)
        return local.astimezone(dt.UTC) if self.utc else local

    def staff(self, ids: tuple[str, ...]) -> str:
        return ", ".join(self.therapists.get(t, t) for t in ids)

    def event(self, s: Session, owner: str, for_patient: bool) -> icalendar.Event:
        title = type_label(self.sc, s)
        room = self.rooms.get(s.room, s.room) if s.room else None
        if for_patient:
            summary = f"{title} with {self.staff(s.therapists)}"
            description = [f"{title}, {s.start}–{s.end}", f"with {self.staff(s.therapists)}"]
        elif s.is_group:
            summary = f"{title} ({len(s.patients)} patients)"
            description = [f"{title}, {s.start}–{s.end}", f"staff: {self.staff(s.therapists)}"]
            if s.track:
                description.append(f"track: {s.track}")
            description.append("patients: " + ", ".join(sorted(self.patients.get(p, p) for p in s.patients)))
        else:
            who = ", ".join(self.patients.get(p, p) for p in s.patients)
            summary = f"{title}: {who}"
            description = [f"{title}, {s.start}–{s.end}", f"patient: {who}"]
        if room:
            description.insert(1, f"room: {room}")
        description.append(f"session {s.id} · {self.sc.program.name}")
        event = icalendar.Event()
        event.add("uid", event_uid(self.sc, s.id, owner))
        event.add("dtstamp", self.stamp)
        event.add("dtstart", self.when(s, s.start))
        event.add("dtend", self.when(s, s.end))
        event.add("summary", summary)
        event.add("description", "\n".join(description))
        if room:
            event.add("location", f"Room {room}")
        event.add("categories", [s.kind])
        event.add("transp", "OPAQUE")
        return event

    def calendar(self, name: str, sessions: list[Session], owner: str, for_patient: bool) -> bytes:
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", f"{name} — {self.sc.program.name}, week of {self.sc.program.week_of}")
        cal.add("x-wr-timezone", self.zone_name)
        if not self.utc:
            # The zone's transitions from a week before to a week after the roster's week:
            # enough for every event, and small enough to stay readable.
            week = self.sc.program.week_of
            cal.add_component(
                icalendar.Timezone.from_tzinfo(
                    self.zone,
                    tzid=self.zone_name,
                    first_date=week - dt.timedelta(days=7),
                    last_date=week + dt.timedelta(days=14),
                )
            )
        for s in sorted(sessions, key=Session.sort_key):
            cal.add_component(self.event(s, owner, for_patient))
        return cal.to_ical()


def calendar_files(
    scenario: Scenario, roster: Roster, *, patients: bool = False, stamp: dt.datetime | None = None
) -> dict[str, bytes]:
    """Calendar documents by relative path: one per clinician with sessions, one per patient if asked.

    A person with no session this week gets no file (a calendar must hold an event).
    """
    writer = _Writer(scenario, roster, stamp or dt.datetime.now(dt.UTC))
    by_therapist: dict[str, list[Session]] = {}
    by_patient: dict[str, list[Session]] = {}
    for s in roster.sessions:
        for t in dict.fromkeys(s.therapists):
            by_therapist.setdefault(t, []).append(s)
        for p in dict.fromkeys(s.patients):
            by_patient.setdefault(p, []).append(s)
    files = {}
    for t in scenario.therapists:
        if t.id in by_therapist:
            files[therapist_file(t.id)] = writer.calendar(
                writer.therapists[t.id], by_therapist[t.id], f"therapist:{t.id}", for_patient=False
            )
    if patients:
        for p in scenario.patients:
            if p.id in by_patient:
                files[patient_file(p.id)] = writer.calendar(
                    writer.patients[p.id], by_patient[p.id], f"patient:{p.id}", for_patient=True
                )
    return files


__all__ = ["CALENDAR_FOLDER", "PRODID", "calendar_files", "event_uid", "patient_file", "therapist_file"]
