"""Pydantic models of a scenario: one week of one program (SPEC §2).

The models check what a single item can know about itself (types, ranges, formats).
Checks that need the whole scenario (references between items, overlapping blocks)
live in ``validate.py`` so that every problem is reported with its location.
Models are frozen: variants for what-if studies are made with ``model_copy(update=...)``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Role = Literal["therapist", "prescriber", "coach"]

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

# Identifiers end up in session ids and file names (one calendar per therapist), so
# they are restricted to a safe alphabet; names are free text shown only in views.
Ident = Annotated[str, Field(pattern=_ID_PATTERN)]
Name = Annotated[str, Field(max_length=200)]


def _check_clock(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"expected a time of day as HH:MM (24 h), got {value!r}")
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"


Clock = Annotated[str, AfterValidator(_check_clock)]


def _whole_minutes(value: float) -> float:
    if abs(value * 60 - round(value * 60)) > 1e-6:
        raise ValueError(f"expected hours in whole minutes (such as 9, 9.5 or 10.25), got {value}")
    return value


Hours = Annotated[float, Field(ge=0, le=168), AfterValidator(_whole_minutes)]


def clock_minutes(value: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def minutes_clock(minutes: int) -> str:
    """``HH:MM`` of a number of minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Strict(BaseModel):
    """Base of every scenario model: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Block(Strict):
    """A time window that is the same on every program day."""

    start: Clock
    end: Clock

    @property
    def start_min(self) -> int:
        """Start in minutes after midnight."""
        return clock_minutes(self.start)

    @property
    def end_min(self) -> int:
        """End in minutes after midnight."""
        return clock_minutes(self.end)

    @property
    def length_min(self) -> int:
        """Length in minutes."""
        return self.end_min - self.start_min

    @model_validator(mode="after")
    def _not_empty(self) -> Block:
        if self.start_min >= self.end_min:
            raise ValueError(f"block must end after it starts, got {self.start}–{self.end}")
        return self


class Program(Strict):
    """The program's name, week, time zone, days and blocks."""

    name: Name
    week_of: dt.date
    timezone: str = "UTC"
    days: list[Day] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    blocks: dict[Ident, Block]
    tracks: list[Ident] | None = None


class Level(Strict):
    """A level of care: weekly hours and days a patient on it must get."""

    min_hours: Hours
    max_hours: Hours
    min_days: int = Field(default=1, ge=0, le=7)
    max_days: int = Field(default=7, ge=0, le=7)
    max_blocks_per_day: int = Field(default=1, ge=1, le=24)

    @model_validator(mode="after")
    def _ordered(self) -> Level:
        if self.min_hours > self.max_hours:
            raise ValueError(f"min_hours {self.min_hours:g} exceeds max_hours {self.max_hours:g}")
        if self.min_days > self.max_days:
            raise ValueError(f"min_days {self.min_days} exceeds max_days {self.max_days}")
        return self


DEFAULT_LEVELS: dict[str, dict[str, float]] = {
    "IOP": {"min_hours": 9, "max_hours": 12, "min_days": 3, "max_days": 5, "max_blocks_per_day": 1},
    "PHP": {"min_hours": 20, "max_hours": 30, "min_days": 5, "max_days": 5, "max_blocks_per_day": 2},
}


class Bounds(Strict):
    """How often a patient attends one group type in a week."""

    min: int = Field(default=0, ge=0, le=50)
    max: int = Field(default=7, ge=0, le=50)

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min > self.max:
            raise ValueError(f"min {self.min} exceeds max {self.max}")
        return self


class GroupType(Strict):
    """A kind of therapy group; its sessions start at a block's start."""

    id: Ident
    name: Name | None = None
    duration_min: int | None = Field(default=None, ge=15, le=24 * 60)
    min_size: int = Field(default=3, ge=1, le=500)
    max_size: int = Field(default=8, ge=1, le=500)
    tracks: list[Ident] | None = None
    qualification: Ident | None = None
    staff: dict[Ident, Annotated[int, Field(ge=1, le=10)]] | None = None
    per_patient_week: Bounds = Field(default_factory=Bounds)

    @model_validator(mode="after")
    def _consistent(self) -> GroupType:
        if self.min_size > self.max_size:
            raise ValueError(f"min_size {self.min_size} exceeds max_size {self.max_size}")
        if self.staff is not None and self.qualification is not None:
            raise ValueError("give either qualification (one leader) or staff (co-facilitated)")
        if self.staff is not None and not self.staff:
            raise ValueError("staff must name at least one qualification")
        return self

    def staffing(self) -> list[tuple[str | None, int]]:
        """(qualification or None for any therapist, how many) pairs; the first leads."""
        if self.staff:
            return list(self.staff.items())
        return [(self.qualification, 1)]


class AppointmentKind(Strict):
    """A kind of one-to-one appointment, placed on a grid of its duration inside blocks."""

    duration_min: int = Field(ge=5, le=24 * 60)
    counts_toward_hours: bool = True
    role: Role = "therapist"
    qualification: Ident | None = None


DEFAULT_APPOINTMENTS: dict[str, dict[str, object]] = {
    "individual": {"duration_min": 60, "counts_toward_hours": True, "role": "therapist"},
    "family": {
        "duration_min": 60,
        "counts_toward_hours": True,
        "role": "therapist",
        "qualification": "family",
    },
    "psychiatric": {"duration_min": 30, "counts_toward_hours": False, "role": "prescriber"},
}

Availability = dict[Day, list[Ident]]


class Room(Strict):
    """A room for group sessions; appointments need none."""

    id: Ident
    name: Name | None = None
    capacity: int = Field(ge=1, le=1000)
    group_types: list[Ident] | None = None


class Therapist(Strict):
    """A clinician: therapist, prescriber or coach."""

    id: Ident
    name: Name | None = None
    role: Role = "therapist"
    qualifications: list[Ident] = Field(default_factory=list)
    max_hours: Hours
    availability: Availability = Field(default_factory=dict)


class Patient(Strict):
    """A patient enrolled this week; level fields given here override the level's."""

    id: Ident
    name: Name | None = None
    level: Ident
    track: Ident
    availability: Availability = Field(default_factory=dict)
    individual_per_week: int = Field(default=1, ge=0, le=14)
    family_per_week: int = Field(default=0, ge=0, le=14)
    psychiatric_per_week: int = Field(default=0, ge=0, le=14)
    appointments: dict[Ident, Annotated[int, Field(ge=0, le=14)]] | None = None
    primary_therapist: Ident | None = None
    preferred_blocks: list[Ident] | None = None
    min_hours: Hours | None = None
    max_hours: Hours | None = None
    min_days: int | None = Field(default=None, ge=0, le=7)
    max_days: int | None = Field(default=None, ge=0, le=7)
    max_blocks_per_day: int | None = Field(default=None, ge=1, le=24)

    def appointment_counts(self) -> dict[str, int]:
        """Appointments of each kind this patient needs this week (H8)."""
        counts = {
            "individual": self.individual_per_week,
            "family": self.family_per_week,
            "psychiatric": self.psychiatric_per_week,
        }
        counts.update(self.appointments or {})
        return {kind: n for kind, n in counts.items() if n > 0}


class LockedSession(Strict):
    """A group session as a manager names it; leader, room and track are optional."""

    day: Day
    block: Ident
    type: Ident
    leader: Ident | None = None
    room: Ident | None = None
    track: Ident | None = None


class LockedAppointment(Strict):
    """An appointment at a fixed time; the clinician is optional."""

    kind: Ident
    day: Day
    start: Clock
    therapist: Ident | None = None


LOCK_SHAPES = {
    ("session",): "session",
    ("patient", "session"): "patient-session",
    ("appointment", "patient"): "appointment",
    ("forbid_session", "patient"): "forbid-session",
    ("forbid_therapist", "patient"): "forbid-therapist",
    ("absent", "therapist"): "absent",
}


class Lock(Strict):
    """Something fixed by hand (H10). Exactly one of these shapes:

    - ``session``: this session runs (with this leader, in this room, if given);
    - ``patient`` + ``session``: the patient attends it;
    - ``patient`` + ``appointment``: the patient has this appointment;
    - ``patient`` + ``forbid_session``: the patient does not attend such a session;
    - ``patient`` + ``forbid_therapist``: the patient is never with this clinician;
    - ``therapist`` + ``absent``: the clinician is away on these days.
    """

    patient: Ident | None = None
    therapist: Ident | None = None
    session: LockedSession | None = None
    appointment: LockedAppointment | None = None
    forbid_session: LockedSession | None = None
    forbid_therapist: Ident | None = None
    absent: list[Day] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Lock:
        given = tuple(sorted(name for name in type(self).model_fields if getattr(self, name) is not None))
        if given not in LOCK_SHAPES:
            shapes = "; ".join(" + ".join(shape) for shape in LOCK_SHAPES)
            raise ValueError(
                f"a lock has one of these shapes: {shapes}; got {' + '.join(given) or 'nothing'}"
            )
        return self

    @property
    def kind(self) -> str:
        """Which shape this lock has (see the class docstring)."""
        given = tuple(sorted(name for name in type(self).model_fields if getattr(self, name) is not None))
        return LOCK_SHAPES[given]

    def describe(self) -> str:
        """The lock in a manager's words."""

        def session(s: LockedSession) -> str:
            extra = "".join(
                f" {k} {v}" for k, v in (("led by", s.leader), ("in room", s.room), ("for", s.track)) if v
            )
            return f"{s.day} {s.block} {s.type}{extra}"

        if self.session is not None and self.patient is None:
            return f"session {session(self.session)} runs"
        if self.session is not None:
            return f"{self.patient} attends {session(self.session)}"
        if self.appointment is not None:
            a = self.appointment
            with_whom = f" with {a.therapist}" if a.therapist else ""
            return f"{self.patient} has {a.kind} on {a.day} at {a.start}{with_whom}"
        if self.forbid_session is not None:
            return f"{self.patient} does not attend {session(self.forbid_session)}"
        if self.forbid_therapist is not None:
            return f"{self.patient} is never with {self.forbid_therapist}"
        return f"{self.therapist} is away on {', '.join(self.absent or [])}"


NonNegativeWeight = Annotated[int, Field(ge=0, le=1_000_000)]


class Objective(Strict):
    """Weights of the soft goals S1–S6 (see README, 'Objective')."""

    block_consistency: NonNegativeWeight = 5
    continuity: NonNegativeWeight = 2
    sessions: NonNegativeWeight = 10
    load_balance: NonNegativeWeight = 1
    preferences: NonNegativeWeight = 1
    stability: NonNegativeWeight = 3


class Scenario(Strict):
    """One week of one program, validated; build it with ``load_scenario``."""

    program: Program
    levels: dict[Ident, Level]
    group_types: list[GroupType]
    appointments: dict[Ident, AppointmentKind]
    rooms: list[Room]
    therapists: list[Therapist]
    patients: list[Patient]
    objective: Objective = Field(default_factory=Objective)
    previous_roster: str | None = None
    locked: list[Lock] = Field(default_factory=list)

    def level_of(self, patient: Patient) -> Level:
        """The patient's level with the patient's own overrides applied (H4, H5)."""
        level = self.levels[patient.level]
        overrides = {
            field: getattr(patient, field)
            for field in Level.model_fields
            if getattr(patient, field) is not None
        }
        return level.model_copy(update=overrides) if overrides else level

    def tracks(self) -> list[str]:
        """Tracks in use: declared ones, else every patient's and group type's track."""
        if self.program.tracks is not None:
            return list(self.program.tracks)
        seen = dict.fromkeys(p.track for p in self.patients)
        for group_type in self.group_types:
            seen.update(dict.fromkeys(group_type.tracks or []))
        return list(seen)

    def group_tracks(self, group_type: GroupType) -> list[str]:
        """Tracks a group type may serve (all tracks when it names none)."""
        return list(group_type.tracks) if group_type.tracks is not None else self.tracks()

    def group_duration(self, group_type: GroupType, block: str) -> int | None:
        """Minutes a session of this type lasts in this block, or None if it cannot fit."""
        length = self.program.blocks[block].length_min
        duration = group_type.duration_min or length
        return duration if duration <= length else None
