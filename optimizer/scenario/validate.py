"""Checks that need the whole scenario: references between items, blocks, unique ids.

Each finding is a ``Problem`` that names the file and item it comes from. Likely typos
that still leave a usable week (a qualification nobody holds) are warnings; whether the
week can be rostered at all is the solver's question, not the validator's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable

from .errors import Problem, one_of
from .models import Scenario, clock_minutes

Locate = Callable[[str, int], tuple[str, str]]


def validate_scenario(scenario: Scenario, locate: Locate) -> list[Problem]:
    """Every cross-reference problem of ``scenario``; ``locate`` names items' files and rows."""
    checker = _Checker(scenario, locate)
    checker.program()
    checker.unique_ids()
    checker.group_types()
    checker.appointment_kinds()
    checker.rooms()
    checker.therapists()
    checker.patients()
    checker.locks()
    return checker.problems


class _Checker:
    def __init__(self, scenario: Scenario, locate: Locate) -> None:
        self.sc = scenario
        self.locate = locate
        self.file = locate("program", -1)[0]
        self.problems: list[Problem] = []
        self.blocks = list(scenario.program.blocks)
        self.days = list(scenario.program.days)
        self.tracks = scenario.tracks()
        self.qualifications = {q for t in scenario.therapists for q in t.qualifications}

    def add(
        self, section: str, index: int | None, field: str | None, message: str, warn: bool = False
    ) -> None:
        if index is None:
            file, item = self.file, section
        else:
            file, item = self.locate(section, index)
        severity = "warning" if warn else "error"
        self.problems.append(Problem(file, item, field, message, severity))

    def program(self) -> None:
        program = self.sc.program
        if program.week_of.weekday() != 0:
            monday = program.week_of - dt.timedelta(days=program.week_of.weekday())
            self.add(
                "program",
                None,
                "week_of",
                f"expected a Monday, got a {program.week_of:%A} (the Monday is {monday})",
            )
        try:
            zoneinfo.ZoneInfo(program.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
            self.add(
                "program",
                None,
                "timezone",
                f"unknown time zone {program.timezone!r}; expected an IANA name such as America/Chicago",
            )
        if not self.days:
            self.add("program", None, "days", "expected at least one day")
        for day, count in Counter(self.days).items():
            if count > 1:
                self.add("program", None, "days", f"day {day!r} listed {count} times")
        if not self.blocks:
            self.add("program", None, "blocks", "expected at least one block")
        if len(self.blocks) > 12:
            self.add("program", None, "blocks", f"{len(self.blocks)} blocks; the limit is 12")
        ordered = sorted(program.blocks.items(), key=lambda kv: kv[1].start_min)
        for (name_a, a), (name_b, b) in itertools.pairwise(ordered):
            if b.start_min < a.end_min:
                self.add(
                    "program",
                    None,
                    f"blocks.{name_b}",
                    f"overlaps block {name_a!r} ({a.start}–{a.end}); expected blocks that do not overlap",
                )
        if program.tracks is not None:
            for track, count in Counter(program.tracks).items():
                if count > 1:
                    self.add("program", None, "tracks", f"track {track!r} listed {count} times")

    def unique_ids(self) -> None:
        for section, items in (
            ("group_types", self.sc.group_types),
            ("rooms", self.sc.rooms),
            ("therapists", self.sc.therapists),
            ("patients", self.sc.patients),
        ):
            first: dict[str, int] = {}
            for index, item in enumerate(items):
                if item.id in first:
                    where = self.locate(section, first[item.id])[1]
                    self.add(
                        section,
                        index,
                        "id",
                        f"duplicate id {item.id!r} (first used by {where}); expected unique ids",
                    )
                else:
                    first[item.id] = index

    def group_types(self) -> None:
        longest = max((b.length_min for b in self.sc.program.blocks.values()), default=0)
        for index, gt in enumerate(self.sc.group_types):
            if gt.duration_min is not None and gt.duration_min > longest:
                self.add(
                    "group_types",
                    index,
                    "duration_min",
                    f"{gt.duration_min} min does not fit any block; the longest block is {longest} min",
                )
            self._known_tracks("group_types", index, "tracks", gt.tracks or [])
            for qualification, _ in gt.staffing():
                if qualification is not None and qualification not in self.qualifications:
                    field = "qualification" if gt.staff is None else f"staff.{qualification}"
                    self.add(
                        "group_types",
                        index,
                        field,
                        f"no therapist holds qualification {qualification!r}",
                        warn=True,
                    )

    def appointment_kinds(self) -> None:
        for kind, spec in self.sc.appointments.items():
            fits = [b for b, block in self.sc.program.blocks.items() if spec.duration_min <= block.length_min]
            if not fits:
                self.add(
                    f"appointments.{kind}",
                    None,
                    "duration_min",
                    f"{spec.duration_min} min does not fit any block; the longest block is "
                    f"{max((b.length_min for b in self.sc.program.blocks.values()), default=0)} min",
                )
            needed = any(kind in p.appointment_counts() for p in self.sc.patients)
            if needed and spec.qualification is not None and spec.qualification not in self.qualifications:
                self.add(
                    f"appointments.{kind}",
                    None,
                    "qualification",
                    f"no clinician holds qualification {spec.qualification!r}",
                    warn=True,
                )

    def rooms(self) -> None:
        known = [gt.id for gt in self.sc.group_types]
        for index, room in enumerate(self.sc.rooms):
            for group_type in room.group_types or []:
                if group_type not in known:
                    self.add(
                        "rooms", index, "group_types", f"unknown group type {group_type!r}; {one_of(known)}"
                    )

    def therapists(self) -> None:
        for index, therapist in enumerate(self.sc.therapists):
            self._availability("therapists", index, therapist.availability)

    def patients(self) -> None:
        therapists = {t.id: t for t in self.sc.therapists}
        for index, patient in enumerate(self.sc.patients):
            if patient.level not in self.sc.levels:
                self.add(
                    "patients", index, "level", f"unknown level {patient.level!r}; {one_of(self.sc.levels)}"
                )
            else:
                self._level_overrides(index)
            self._known_tracks("patients", index, "track", [patient.track])
            self._availability("patients", index, patient.availability)
            if patient.primary_therapist is not None:
                primary = therapists.get(patient.primary_therapist)
                if primary is None:
                    self.add(
                        "patients",
                        index,
                        "primary_therapist",
                        f"unknown therapist {patient.primary_therapist!r}; {one_of(therapists)}",
                    )
                elif primary.role != self.sc.appointments["individual"].role:
                    self.add(
                        "patients",
                        index,
                        "primary_therapist",
                        f"{primary.id} is a {primary.role}; expected a clinician with role "
                        f"{self.sc.appointments['individual'].role}",
                    )
            for block in patient.preferred_blocks or []:
                if block not in self.sc.program.blocks:
                    self.add(
                        "patients",
                        index,
                        "preferred_blocks",
                        f"unknown block {block!r}; {one_of(self.blocks)}",
                    )
            for kind in patient.appointments or {}:
                if kind not in self.sc.appointments:
                    self.add(
                        "patients",
                        index,
                        f"appointments.{kind}",
                        f"unknown appointment kind; {one_of(self.sc.appointments)}",
                    )

    def _level_overrides(self, index: int) -> None:
        patient = self.sc.patients[index]
        level = self.sc.levels[patient.level]
        low = patient.min_hours if patient.min_hours is not None else level.min_hours
        high = patient.max_hours if patient.max_hours is not None else level.max_hours
        if low > high:
            self.add("patients", index, "min_hours", f"min_hours {low:g} exceeds max_hours {high:g}")
        low_d = patient.min_days if patient.min_days is not None else level.min_days
        high_d = patient.max_days if patient.max_days is not None else level.max_days
        if low_d > high_d:
            self.add("patients", index, "min_days", f"min_days {low_d} exceeds max_days {high_d}")

    def locks(self) -> None:
        """Every id, day, block and time a lock names must exist (H10 locks what exists)."""
        patients = {p.id for p in self.sc.patients}
        therapists = {t.id for t in self.sc.therapists}
        rooms = {r.id for r in self.sc.rooms}
        types = {g.id for g in self.sc.group_types}
        for index, lock in enumerate(self.sc.locked):
            if lock.patient is not None and lock.patient not in patients:
                self.add(
                    "locked",
                    index,
                    "patient",
                    f"unknown patient {lock.patient!r}; {one_of(sorted(patients))}",
                )
            for field, who in (("therapist", lock.therapist), ("forbid_therapist", lock.forbid_therapist)):
                if who is not None and who not in therapists:
                    self.add(
                        "locked", index, field, f"unknown therapist {who!r}; {one_of(sorted(therapists))}"
                    )
            for field, session in (("session", lock.session), ("forbid_session", lock.forbid_session)):
                if session is None:
                    continue
                self._day(index, f"{field}.day", session.day)
                if session.block not in self.sc.program.blocks:
                    self.add(
                        "locked",
                        index,
                        f"{field}.block",
                        f"unknown block {session.block!r}; {one_of(self.blocks)}",
                    )
                if session.type not in types:
                    self.add(
                        "locked",
                        index,
                        f"{field}.type",
                        f"unknown group type {session.type!r}; {one_of(sorted(types))}",
                    )
                if session.leader is not None and session.leader not in therapists:
                    self.add(
                        "locked",
                        index,
                        f"{field}.leader",
                        f"unknown therapist {session.leader!r}; {one_of(sorted(therapists))}",
                    )
                if session.room is not None and session.room not in rooms:
                    self.add(
                        "locked",
                        index,
                        f"{field}.room",
                        f"unknown room {session.room!r}; {one_of(sorted(rooms))}",
                    )
                if session.track is not None and session.track not in self.tracks:
                    self.add(
                        "locked",
                        index,
                        f"{field}.track",
                        f"unknown track {session.track!r}; {one_of(self.tracks)}",
                    )
            if lock.appointment is not None:
                self._appointment_lock(index)
            for day in lock.absent or []:
                self._day(index, "absent", day)

    def _day(self, index: int, field: str, day: str) -> None:
        if day not in self.days:
            self.add("locked", index, field, f"{day!r} is not a program day; {one_of(self.days)}")

    def _appointment_lock(self, index: int) -> None:
        appointment = self.sc.locked[index].appointment
        assert appointment is not None
        self._day(index, "appointment.day", appointment.day)
        if appointment.therapist is not None and appointment.therapist not in {
            t.id for t in self.sc.therapists
        }:
            self.add("locked", index, "appointment.therapist", f"unknown therapist {appointment.therapist!r}")
        kind = self.sc.appointments.get(appointment.kind)
        if kind is None:
            self.add(
                "locked",
                index,
                "appointment.kind",
                f"unknown appointment kind; {one_of(self.sc.appointments)}",
            )
            return
        start = clock_minutes(appointment.start)
        on_grid = [
            name
            for name, b in self.sc.program.blocks.items()
            if b.start_min <= start
            and start + kind.duration_min <= b.end_min
            and (start - b.start_min) % kind.duration_min == 0
        ]
        if not on_grid:
            self.add(
                "locked",
                index,
                "appointment.start",
                f"{appointment.start} is not on the {kind.duration_min}-min grid of any block "
                f"(appointments start at a block's start plus whole multiples of their length)",
            )

    def _known_tracks(self, section: str, index: int, field: str, tracks: Iterable[str]) -> None:
        for track in tracks:
            if self.sc.program.tracks is not None and track not in self.sc.program.tracks:
                self.add(section, index, field, f"unknown track {track!r}; {one_of(self.sc.program.tracks)}")
            elif section == "group_types" and track not in {p.track for p in self.sc.patients}:
                self.add(section, index, field, f"no patient is on track {track!r} this week", warn=True)

    def _availability(self, section: str, index: int, availability: dict[str, list[str]]) -> None:
        for day, blocks in availability.items():
            if day not in self.days:
                self.add(
                    section,
                    index,
                    f"availability.{day}",
                    f"{day!r} is not a program day; {one_of(self.days)}",
                )
            for block in blocks:
                if block not in self.sc.program.blocks:
                    self.add(
                        section,
                        index,
                        f"availability.{day}",
                        f"unknown block {block!r}; {one_of(self.blocks)}",
                    )
