"""An independent verifier of rosters: every hard rule of SPEC §3, and the objective.

A best-effort roster may fall short of H4, H5 (days), H8 and H9 (weekly counts) only
where its ``shortfalls`` declare it, with the right required and scheduled numbers
(hours in hours); each declared shortfall must match one such breach, and vice versa.

It reads only the scenario's fields and the roster's sessions and clock times. It
shares no code with the model builder (``instance.py``, ``model.py``) on purpose:
a misreading of the SPEC there must not be repeated here, so the rules are written
again, plainly, from the SPEC's text, in terms of intervals rather than indices.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .roster import Roster, Session
from .scenario import Lock, LockedSession, Patient, Scenario, Therapist

_TIME = re.compile(r"^(\d{2}):(\d{2})$")
OBJECTIVE_TERMS = ("block_consistency", "continuity", "sessions", "load_balance", "preferences", "stability")


@dataclass(frozen=True)
class Violation:
    """One broken rule, naming the people and the session."""

    rule: str
    message: str
    session: str | None = None

    def __str__(self) -> str:
        where = f" [{self.session}]" if self.session else ""
        return f"{self.rule}{where}: {self.message}"


@dataclass
class CheckReport:
    """Violations found, and the soft terms and objective recomputed from the roster."""

    violations: list[Violation] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)  # shortfalls the roster declares, verified
    terms: dict[str, int] = field(default_factory=dict)
    objective: int = 0

    @property
    def ok(self) -> bool:
        """True when the roster breaks no hard rule."""
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        """Violations counted per rule id, for one-line summaries."""
        counts: dict[str, int] = defaultdict(int)
        for v in self.violations:
            counts[v.rule] += 1
        return dict(counts)


def _minutes(text: str) -> int | None:
    match = _TIME.match(text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def _span(s: Session) -> str:
    return f"{s.day} {s.start}–{s.end}"


class _Verifier:
    def __init__(
        self, scenario: Scenario, roster: Roster, weights: dict[str, int] | None, previous: Roster | None
    ) -> None:
        self.sc = scenario
        self.roster = roster
        self.previous = previous
        self.weights = {**scenario.objective.model_dump(), **(weights or {})}
        self.report = CheckReport()
        self.patients = {p.id: p for p in scenario.patients}
        self.therapists = {t.id: t for t in scenario.therapists}
        self.rooms = {r.id: r for r in scenario.rooms}
        self.types = {g.id: g for g in scenario.group_types}
        self.blocks = {
            name: (self._clock(b.start), self._clock(b.end)) for name, b in scenario.program.blocks.items()
        }
        self.breaches: list[tuple[str, str, float, float, str]] = []  # H4/H5/H8/H9 requirements not met
        self.valid: list[Session] = []  # sessions whose ids and times can be read
        self.block_of: dict[int, str | None] = {}  # id(session) -> the block containing it

    @staticmethod
    def _clock(text: str) -> int:
        hours, minutes = text.split(":")
        return int(hours) * 60 + int(minutes)

    def short(self, patient: str, rule: str, low: float, high: float, value: float, message: str) -> None:
        """A requirement not met: a violation unless the roster declares it as a shortfall."""
        required = low if value < low else high
        self.breaches.append((patient, rule, required, value, message))

    def shortfalls(self) -> None:
        """Accept each breach the roster declares with the right numbers; flag the rest, both ways."""
        declared = list(self.roster.shortfalls)
        for patient, rule, required, value, message in self.breaches:
            match = next(
                (d for d in declared if (d.patient, d.rule) == (patient, rule)
                 and abs(d.required - required) < 1e-6 and abs(d.scheduled - value) < 1e-6),
                None,
            )  # fmt: skip
            if match is None:
                self.flag(rule, message)
            else:
                declared.remove(match)
                self.report.declared.append(message)
        for d in declared:
            self.flag(
                d.rule,
                f"declared shortfall of patient {d.patient} (required {d.required:g}, scheduled "
                f"{d.scheduled:g}) does not match the roster",
            )

    def flag(self, rule: str, message: str, session: Session | None = None) -> None:
        self.report.violations.append(Violation(rule, message, session.id if session else None))

    # -- level of care, recomputed from the scenario's text ----------------------------------

    def requirement(self, patient: Patient, name: str) -> float:
        own = getattr(patient, name)
        return own if own is not None else getattr(self.sc.levels[patient.level], name)

    def source(self, patient: Patient) -> str:
        """Where a patient's limits come from, for messages."""
        own = [
            f
            for f in ("min_hours", "max_hours", "min_days", "max_days", "max_blocks_per_day")
            if getattr(patient, f) is not None
        ]
        return f"level {patient.level}" + (f", own {', '.join(own)}" if own else "")

    def needs(self, patient: Patient) -> dict[str, int]:
        counts = {
            "individual": patient.individual_per_week,
            "family": patient.family_per_week,
            "psychiatric": patient.psychiatric_per_week,
        }
        counts.update(patient.appointments or {})
        return counts

    @staticmethod
    def available(person: Patient | Therapist, day: str, block: str) -> bool:
        return block in person.availability.get(day, [])

    # -- structure --------------------------------------------------------------------------

    def structure(self) -> None:
        """Known ids, sensible clock times, groups at block start, appointments on their grid."""
        seen: set[str] = set()
        for s in self.roster.sessions:
            if s.id in seen:
                self.flag("FORMAT", f"session id {s.id!r} used twice", s)  # still checked below
            seen.add(s.id)
            unknown = [f"patient {p}" for p in s.patients if p not in self.patients]
            unknown += [f"therapist {t}" for t in s.therapists if t not in self.therapists]
            if s.room is not None and s.room not in self.rooms:
                unknown.append(f"room {s.room}")
            if s.is_group and s.type not in self.types:
                unknown.append(f"group type {s.type}")
            if not s.is_group and s.kind not in self.sc.appointments:
                unknown.append(f"appointment kind {s.kind}")
            if s.day not in self.sc.program.days:
                unknown.append(f"day {s.day}")
            if unknown:
                self.flag("FORMAT", "unknown " + ", ".join(unknown), s)
                continue
            if not s.is_group and s.type != s.kind:
                self.flag(
                    "FORMAT", f"an appointment's type must repeat its kind ({s.kind!r}), got {s.type!r}", s
                )
            start, end = _minutes(s.start), _minutes(s.end)
            if start is None or end is None or start >= end:
                self.flag("FORMAT", f"times {s.start}–{s.end} are not a HH:MM interval", s)
                continue
            block = next((n for n, (lo, hi) in self.blocks.items() if lo <= start and end <= hi), None)
            self.valid.append(s)
            self.block_of[id(s)] = block
            if block is None:
                self.flag("H2", f"{_span(s)} does not lie inside any block", s)
                continue
            lo, hi = self.blocks[block]
            if s.is_group:
                duration = self.types[s.type].duration_min or (hi - lo)
                if start != lo or end - start != duration:
                    self.flag(
                        "TIME",
                        f"group must start at the {block} block's start and last "
                        f"{duration} min; it runs {s.start}–{s.end}",
                        s,
                    )
            else:
                duration = self.sc.appointments[s.kind].duration_min
                if end - start != duration or (start - lo) % duration:
                    self.flag(
                        "TIME",
                        f"{s.kind} must last {duration} min on a {duration}-min grid "
                        f"from {block} start; it runs {s.start}–{s.end}",
                        s,
                    )

    # -- hard rules ---------------------------------------------------------------------------

    def h1_no_double_booking(self) -> None:
        """No patient, therapist or room in two sessions at once."""
        timelines: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for s in self.valid:
            for p in dict.fromkeys(s.patients):
                timelines[(f"patient {p}", s.day)].append(s)
            for t in dict.fromkeys(s.therapists):
                timelines[(f"therapist {t}", s.day)].append(s)
            if s.room is not None:
                timelines[(f"room {s.room}", s.day)].append(s)
        for (who, _day), sessions in timelines.items():
            for a, b in combinations(sorted(sessions, key=lambda x: x.start), 2):
                if _minutes(b.start) < _minutes(a.end):  # type: ignore[operator]
                    self.flag("H1", f"{who} is in {a.id} ({_span(a)}) and {b.id} ({_span(b)}) at once", b)
        for s in self.valid:
            for label, people in (("patient", s.patients), ("therapist", s.therapists)):
                for person in {x for x in people if people.count(x) > 1}:
                    self.flag("H1", f"{label} {person} is listed twice", s)

    def h2_within_availability(self) -> None:
        """Everyone in a session is available in its block that day."""
        for s in self.valid:
            block = self.block_of[id(s)]
            if block is None:
                continue  # reported by structure()
            for p in s.patients:
                if not self.available(self.patients[p], s.day, block):
                    self.flag("H2", f"patient {p} is not available {s.day} {block}", s)
            for t in s.therapists:
                if not self.available(self.therapists[t], s.day, block):
                    self.flag("H2", f"therapist {t} is not available {s.day} {block}", s)

    def therapist_minutes(self) -> dict[str, int]:
        load: dict[str, int] = defaultdict(int)
        for s in self.valid:
            for t in set(s.therapists):
                load[t] += _minutes(s.end) - _minutes(s.start)  # type: ignore[operator]
        return load

    def h3_therapist_hours(self) -> None:
        for t, minutes in sorted(self.therapist_minutes().items()):
            limit = self.therapists[t].max_hours
            if minutes > limit * 60 + 1e-6:
                self.flag("H3", f"therapist {t} works {minutes / 60:g} h; max_hours is {limit:g}")

    def patient_minutes(self) -> dict[str, int]:
        counted: dict[str, int] = defaultdict(int)
        for s in self.valid:
            if s.is_group or self.sc.appointments[s.kind].counts_toward_hours:
                for p in set(s.patients):
                    counted[p] += _minutes(s.end) - _minutes(s.start)  # type: ignore[operator]
        return counted

    def h4_patient_hours(self) -> None:
        counted = self.patient_minutes()
        for p in self.sc.patients:
            hours = counted.get(p.id, 0) / 60
            low, high = self.requirement(p, "min_hours"), self.requirement(p, "max_hours")
            if not low - 1e-6 <= hours <= high + 1e-6:
                message = f"patient {p.id} gets {hours:g} h; needs {low:g}–{high:g} h ({self.source(p)})"
                self.short(p.id, "H4", low, high, hours, message)

    def h5_days(self) -> None:
        days: dict[str, set[str]] = defaultdict(set)
        group_blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
        for s in self.valid:
            for p in s.patients:
                days[p].add(s.day)
                block = self.block_of[id(s)]
                if s.is_group and block is not None:
                    group_blocks[(p, s.day)].add(block)
        for p in self.sc.patients:
            count = len(days.get(p.id, set()))
            low, high = self.requirement(p, "min_days"), self.requirement(p, "max_days")
            if not low <= count <= high:
                message = f"patient {p.id} attends on {count} days; needs {low}–{high} ({self.source(p)})"
                self.short(p.id, "H5", low, high, count, message)
        for (p, day), blocks in sorted(group_blocks.items()):
            limit = self.requirement(self.patients[p], "max_blocks_per_day")
            if len(blocks) > limit:
                self.flag(
                    "H5",
                    f"patient {p} has groups in {len(blocks)} blocks on {day} "
                    f"({', '.join(sorted(blocks))}); at most {limit} allowed",
                )

    def h6_group_size(self) -> None:
        tracks_in_use = {p.track for p in self.sc.patients} | set(self.sc.program.tracks or [])
        for s in self.valid:
            if not s.is_group:
                continue
            gt = self.types[s.type]
            size = len(set(s.patients))
            if not gt.min_size <= size <= gt.max_size:
                self.flag("H6", f"{size} patients; {gt.id} needs {gt.min_size}–{gt.max_size}", s)
            allowed = gt.tracks if gt.tracks is not None else sorted(tracks_in_use)
            if s.track not in allowed:
                self.flag("H6", f"track {s.track!r} is not allowed in {gt.id} ({', '.join(allowed)})", s)
            for p in s.patients:
                if self.patients[p].track != s.track:
                    self.flag(
                        "H6",
                        f"patient {p} is on track {self.patients[p].track!r}, the session on {s.track!r}",
                        s,
                    )
            if s.room is None:
                self.flag("H6", "a group needs a room", s)
            elif self.rooms[s.room].capacity < size:
                self.flag("H6", f"room {s.room} seats {self.rooms[s.room].capacity}, the group has {size}", s)

    def h7_staffing(self) -> None:
        for s in self.valid:
            if s.is_group:
                self._group_staff(s)
            else:
                self._appointment_staff(s)

    def _holds(self, therapist: str, qualification: str | None) -> bool:
        t = self.therapists[therapist]
        return t.role == "therapist" if qualification is None else qualification in t.qualifications

    def _group_staff(self, s: Session) -> None:
        gt = self.types[s.type]
        roles = list(gt.staff.items()) if gt.staff else [(gt.qualification, 1)]
        seats = [q for q, n in roles for _ in range(n)]
        staff = list(dict.fromkeys(s.therapists))
        wanted = ", ".join(f"{n} x {q or 'therapist'}" for q, n in roles)
        if len(staff) != len(seats):
            self.flag(
                "H7", f"staffed by {len(staff)} ({', '.join(staff) or 'nobody'}); {gt.id} needs {wanted}", s
            )
        elif not _assignable(staff, seats, self._holds):
            self.flag("H7", f"staff {', '.join(staff)} cannot cover {wanted}", s)
        if s.room is not None:
            room = self.rooms[s.room]
            if room.group_types is not None and gt.id not in room.group_types:
                self.flag("H7", f"room {room.id} is reserved for {', '.join(room.group_types)}", s)

    def _appointment_staff(self, s: Session) -> None:
        kind = self.sc.appointments[s.kind]
        if len(s.therapists) != 1 or len(s.patients) != 1:
            self.flag(
                "H7",
                f"an appointment has one clinician and one patient; found "
                f"{len(s.therapists)} and {len(s.patients)}",
                s,
            )
            return
        t = self.therapists[s.therapists[0]]
        if t.role != kind.role:
            self.flag("H7", f"{t.id} is a {t.role}; {s.kind} needs a {kind.role}", s)
        if kind.qualification and kind.qualification not in t.qualifications:
            self.flag("H7", f"{t.id} lacks qualification {kind.qualification!r} for {s.kind}", s)
        primary = self.patients[s.patients[0]].primary_therapist
        if s.kind == "individual" and primary and primary != t.id:
            self.flag(
                "H7",
                f"individual session of {s.patients[0]} is with {t.id}, not the primary therapist {primary}",
                s,
            )

    def h8_appointments(self) -> None:
        got: dict[tuple[str, str], int] = defaultdict(int)
        for s in self.valid:
            if not s.is_group:
                for p in s.patients:
                    got[(p, s.kind)] += 1
        for p in self.sc.patients:
            needs = self.needs(p)
            for kind in sorted(set(needs) | {k for q, k in got if q == p.id}):
                want, have = needs.get(kind, 0), got.get((p.id, kind), 0)
                if want != have:
                    message = f"patient {p.id} has {have} {kind} appointment(s); needs {want}"
                    self.short(p.id, "H8", want, want, have, message)

    def h9_group_attendance(self) -> None:
        weekly: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for s in self.valid:
            if s.is_group:
                for p in set(s.patients):
                    weekly[(p, s.type)].append(s)
        for p in self.sc.patients:
            for gt in self.sc.group_types:
                sessions = weekly.get((p.id, gt.id), [])
                allowed = gt.tracks is None or p.track in gt.tracks
                low = gt.per_patient_week.min if allowed else 0
                if not low <= len(sessions) <= gt.per_patient_week.max:
                    message = (
                        f"patient {p.id} attends {gt.id} {len(sessions)} time(s); "
                        f"allowed {low}–{gt.per_patient_week.max}"
                    )
                    self.short(p.id, "H9", low, gt.per_patient_week.max, len(sessions), message)
                per_day: dict[str, list[str]] = defaultdict(list)
                for s in sessions:
                    per_day[s.day].append(s.id)
                for day, ids in sorted(per_day.items()):
                    if len(ids) > 1:
                        self.flag(
                            "H9",
                            f"patient {p.id} attends {gt.id} {len(ids)} times on {day} ({', '.join(ids)})",
                        )

    def h10_locks(self) -> None:
        """Each lock holds in the roster exactly as written."""
        for number, lock in enumerate(self.sc.locked):
            if not self._lock_holds(lock):
                self.flag("H10", f"lock {number} does not hold: {lock.describe()}")

    def _matches(self, s: Session, want: LockedSession) -> bool:
        return (
            s.is_group and s.day == want.day and self.block_of[id(s)] == want.block and s.type == want.type
            and (want.leader is None or s.therapists[:1] == (want.leader,))
            and (want.room is None or s.room == want.room)
            and (want.track is None or s.track == want.track)
        )  # fmt: skip

    def _lock_holds(self, lock: Lock) -> bool:
        kind = lock.kind
        if kind == "session":
            return any(self._matches(s, lock.session) for s in self.valid)  # type: ignore[arg-type]
        if kind == "patient-session":
            return any(self._matches(s, lock.session) and lock.patient in s.patients for s in self.valid)  # type: ignore[arg-type]
        if kind == "forbid-session":
            return not any(
                self._matches(s, lock.forbid_session) and lock.patient in s.patients for s in self.valid
            )  # type: ignore[arg-type]
        if kind == "forbid-therapist":
            return not any(
                lock.patient in s.patients and lock.forbid_therapist in s.therapists for s in self.valid
            )
        if kind == "absent":
            return not any(
                lock.therapist in s.therapists and s.day in (lock.absent or []) for s in self.valid
            )
        a = lock.appointment
        assert a is not None
        return any(
            s.kind == a.kind and s.day == a.day and s.start == a.start and lock.patient in s.patients
            and (a.therapist is None or a.therapist in s.therapists)
            for s in self.valid
        )  # fmt: skip

    def _changes(self) -> int:
        """S6: changes against the previous roster, per patient present in both weeks (README)."""
        if self.previous is None:
            return 0
        present = set(self.patients)
        before_groups: dict[str, set[tuple[str, str]]] = defaultdict(set)
        before_leaders: dict[tuple[str, str], set[str]] = defaultdict(set)
        day_leaders: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
        before_times: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        before_individual: dict[str, set[str]] = defaultdict(set)
        before_mates: set[tuple[str, str]] = set()
        for s in self.previous.sessions:
            start = _minutes(s.start)
            block = next(
                (n for n, (lo, hi) in self.blocks.items() if start is not None and lo <= start < hi), None
            )
            here = sorted(p for p in set(s.patients) if p in present)
            if s.is_group:
                for p in here:
                    if s.day in self.sc.program.days and block is not None:
                        before_groups[p].add((s.day, block))
                    if s.type in self.types:
                        lead = [t for t in s.therapists[:1] if t in self.therapists]
                        before_leaders[(p, s.type)].update(lead)
                        if s.day in self.sc.program.days and block is not None:
                            day_leaders[(p, s.day, block, s.type)].update(lead)
                before_mates.update((a, b) for i, a in enumerate(here) for b in here[i + 1 :])
            elif s.kind in self.sc.appointments:
                for p in here:
                    if s.day in self.sc.program.days:
                        before_times[(p, s.kind)].add((s.day, s.start))
                    if s.kind == "individual":
                        before_individual[p].update(t for t in s.therapists if t in self.therapists)
        now_groups: dict[str, set[tuple[str, str]]] = defaultdict(set)
        together: set[tuple[str, str]] = set()
        changes = 0
        for s in self.valid:
            block = self.block_of[id(s)]
            people = sorted(set(s.patients))
            if s.is_group:
                together.update((a, b) for i, a in enumerate(people) for b in people[i + 1 :])
                for p in people:
                    if block is not None:
                        now_groups[p].add((s.day, block))
                    here = (p, s.day, block, s.type)
                    keep = day_leaders[here] if here in day_leaders else before_leaders.get((p, s.type))
                    if keep is not None and s.therapists[:1] and s.therapists[0] not in keep:
                        changes += 1
            else:
                for p in people:
                    if (p, s.kind) in before_times and (s.day, s.start) not in before_times[(p, s.kind)]:
                        changes += 1
                    if (
                        s.kind == "individual"
                        and p in before_individual
                        and not (set(s.therapists) & before_individual[p])
                    ):
                        changes += 1
        changes += sum(len(periods - now_groups[p]) for p, periods in before_groups.items())
        changes += len(before_mates - together)
        return changes + self._staff_and_room_changes()

    def _staff_and_room_changes(self) -> int:
        """S6, per session: another room than the same session last week; new co-facilitators."""
        assert self.previous is not None
        rooms: dict[tuple[str, str, str, str | None, str], str | None] = {}
        co: dict[tuple[str, str, str, str | None], set[str]] = defaultdict(set)
        for s in self.previous.sessions:
            start = _minutes(s.start)
            block = next(
                (n for n, (lo, hi) in self.blocks.items() if start is not None and lo <= start < hi), None
            )
            if s.is_group and s.therapists and block is not None:
                rooms[(s.day, block, s.type, s.track, s.therapists[0])] = s.room
                co[(s.day, block, s.type, s.track)].update(s.therapists[1:])
        changes = 0
        for s in self.valid:
            block = self.block_of[id(s)]
            if not s.is_group or not s.therapists or block is None:
                continue
            key = (s.day, block, s.type, s.track, s.therapists[0])
            if key in rooms and rooms[key] in self.rooms and s.room != rooms[key]:
                changes += 1
            changes += len(set(s.therapists[1:]) - co.get(key[:4], set()))
        return changes

    # -- objective ------------------------------------------------------------------------------

    def objective(self) -> None:
        """S1–S5 recomputed from the roster, as documented in the README ('Objective')."""
        group_blocks: dict[str, set[str]] = defaultdict(set)
        leaders: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
        outside = 0
        for s in self.valid:
            block = self.block_of[id(s)]
            if block is None:
                continue
            if s.is_group and s.therapists:
                leaders[(block, s.type, s.track)].add(s.therapists[0])
            for p in set(s.patients):
                preferred = self.patients[p].preferred_blocks
                if preferred and block not in preferred:
                    outside += 1
                if s.is_group:
                    group_blocks[p].add(block)
        terms = {
            "block_consistency": sum(
                max(0, len(blocks) - self.requirement(self.patients[p], "max_blocks_per_day"))
                for p, blocks in group_blocks.items()
            ),
            "continuity": sum(len(leads) - 1 for leads in leaders.values() if leads),
            "sessions": sum(1 for s in self.valid if s.is_group),
            "load_balance": self._load_peaks(),
            "preferences": outside,
            "stability": self._changes(),
        }
        self.report.terms = terms
        self.report.objective = sum(self.weights[name] * value for name, value in terms.items())

    def _load_peaks(self) -> int:
        """Per role with two or more clinicians able to work: the highest load, in whole percent."""
        load = self.therapist_minutes()
        by_role: dict[str, list[int]] = defaultdict(list)
        for t in self.sc.therapists:
            works = t.max_hours > 0 and any(
                blocks for day, blocks in t.availability.items() if day in self.sc.program.days
            )
            if works:
                by_role[t.role].append(math.ceil(100 * load.get(t.id, 0) / (t.max_hours * 60) - 1e-9))
        return sum(max(percents) for percents in by_role.values() if len(percents) >= 2)


def _assignable(staff: list[str], seats: list[str | None], holds: object) -> bool:
    """Whether distinct staff can fill the seats (a small bipartite matching)."""
    match: dict[int, int] = {}

    def place(person: int, tried: set[int]) -> bool:
        for seat, qualification in enumerate(seats):
            if seat in tried or not holds(staff[person], qualification):  # type: ignore[operator]
                continue
            tried.add(seat)
            if seat not in match or place(match[seat], tried):
                match[seat] = person
                return True
        return False

    return all(place(person, set()) for person in range(len(staff)))


def check_roster(
    scenario: Scenario, roster: Roster, weights: dict[str, int] | None = None, previous: Roster | None = None
) -> CheckReport:
    """Verify ``roster`` against every hard rule of ``scenario`` and recompute its objective.

    ``previous``: last week's roster, for the stability term (S6).
    """
    verifier = _Verifier(scenario, roster, weights, previous)
    verifier.structure()
    verifier.h1_no_double_booking()
    verifier.h2_within_availability()
    verifier.h3_therapist_hours()
    verifier.h4_patient_hours()
    verifier.h5_days()
    verifier.h6_group_size()
    verifier.h7_staffing()
    verifier.h8_appointments()
    verifier.h9_group_attendance()
    verifier.h10_locks()
    verifier.shortfalls()
    verifier.objective()
    return verifier.report
