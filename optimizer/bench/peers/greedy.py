"""The baseline users have today: a manager filling the week by hand, in one pass.

Block by block through the week, the patients who still need hours and can come are
put into groups (the types they must attend first, the most constrained patients
first), each with the least-loaded qualified clinician and a free suitable room;
then every appointment goes into the first slot where patient and an eligible
clinician are both free, on a day the patient already comes when possible. Nothing
is ever revisited, so the roster never double-books (H1), leaves availability (H2),
overloads a clinician (H3) or breaks a group's size, staffing or room (H6, H7); what
it cannot fit shows up as shortfalls against H4, H5, H8 and H9, which the roster
declares and the checker reports.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ...roster import Roster, Session, Shortfall, SolverInfo, appointment_id, group_session_id
from ...scenario import Patient, Scenario, Therapist, minutes_clock
from . import Emit, PeerOptions, PeerOutput

Span = tuple[int, int]


@dataclass
class _Person:
    """What is booked for one patient or clinician so far."""

    minutes: int = 0
    busy: dict[tuple[str, str], list[Span]] = field(default_factory=lambda: defaultdict(list))
    days: set[str] = field(default_factory=set)

    def free(self, day: str, block: str, start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in self.busy[(day, block)])

    def book(self, day: str, block: str, start: int, end: int, minutes: int) -> None:
        self.busy[(day, block)].append((start, end))
        self.minutes += minutes
        self.days.add(day)


class _Manager:
    def __init__(self, scenario: Scenario) -> None:
        self.sc = sc = scenario
        self.days = list(sc.program.days)
        self.blocks = {name: (b.start_min, b.end_min) for name, b in sc.program.blocks.items()}
        self.patients = {p.id: _Person() for p in sc.patients}
        self.staff = {t.id: _Person() for t in sc.therapists}
        self.type_count: dict[tuple[str, str], int] = defaultdict(int)  # (patient, type)
        self.type_days: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.group_blocks: dict[tuple[str, str], int] = defaultdict(int)  # (patient, day)
        self.rooms_taken: set[tuple[str, str, str]] = set()
        self.sessions: list[Session] = []
        self.numbered: dict[tuple[str, ...], int] = defaultdict(int)
        self.appointment_minutes = {p.id: self._appointment_minutes(p) for p in sc.patients}
        # A manager keeps time free for each clinician's own caseload (individual sessions).
        self.caseload: dict[str, int] = defaultdict(int)
        individual = sc.appointments.get("individual")
        for p in sc.patients:
            if p.primary_therapist and individual is not None:
                self.caseload[p.primary_therapist] += individual.duration_min * p.individual_per_week

    def _appointment_minutes(self, p: Patient) -> int:
        kinds = self.sc.appointments
        return sum(
            kinds[k].duration_min * n
            for k, n in p.appointment_counts().items()
            if kinds[k].counts_toward_hours
        )

    @staticmethod
    def available(person: Patient | Therapist, day: str, block: str) -> bool:
        return block in person.availability.get(day, [])

    def holds(self, t: Therapist, qualification: str | None) -> bool:
        return t.role == "therapist" if qualification is None else qualification in t.qualifications

    def has_room_for(
        self, t: Therapist, day: str, block: str, start: int, end: int, own_caseload: bool = False
    ) -> bool:
        """Free then, with hours left beyond the time kept for their caseload (unless this is it)."""
        person = self.staff[t.id]
        kept = 0 if own_caseload else self.caseload[t.id]
        return (
            self.available(t, day, block)
            and person.free(day, block, start, end)
            and person.minutes + kept + (end - start) <= t.max_hours * 60
        )

    def least_loaded(self, candidates: list[Therapist]) -> Therapist | None:
        return min(
            candidates,
            key=lambda t: (self.staff[t.id].minutes / max(1.0, t.max_hours * 60), t.id),
            default=None,
        )

    # -- groups ------------------------------------------------------------------------

    def fill_groups(self) -> None:
        for day in self.days:
            for block in self.blocks:
                for track in self.sc.tracks():
                    self.fill_block(day, block, track)

    def needs_groups(self, p: Patient, day: str, block: str) -> bool:
        level = self.sc.level_of(p)
        person = self.patients[p.id]
        wanted = level.min_hours * 60 - self.appointment_minutes[p.id]
        new_day = day not in person.days
        return (
            person.minutes < wanted
            and self.available(p, day, block)
            and person.free(day, block, *self.blocks[block])
            and self.group_blocks[(p.id, day)] < level.max_blocks_per_day
            and (not new_day or len(person.days) < level.max_days)
        )

    def chances_left(self, p: Patient, day: str) -> int:
        """Periods from ``day`` on in which the patient can still come: the fewer, the sooner."""
        later = self.days[self.days.index(day) :]
        return sum(len(p.availability.get(d, [])) for d in later)

    def fill_block(self, day: str, block: str, track: str) -> None:
        sc = self.sc
        candidates = sorted(
            (p for p in sc.patients if p.track == track and self.needs_groups(p, day, block)),
            key=lambda p: (self.chances_left(p, day), p.id),
        )
        types = [g for g in sc.group_types if track in sc.group_tracks(g) and g.per_patient_week.max > 0]

        def unmet(g_id: str, minimum: int) -> list[Patient]:
            return [p for p in candidates if self.type_count[(p.id, g_id)] < minimum]

        types.sort(key=lambda g: (-len(unmet(g.id, g.per_patient_week.min)), g.id))
        placed: set[str] = set()
        for gt in types:
            duration = sc.group_duration(gt, block)
            if duration is None:
                continue
            start = self.blocks[block][0]
            eligible = [
                p
                for p in candidates
                if p.id not in placed
                and self.type_count[(p.id, gt.id)] < gt.per_patient_week.max
                and day not in self.type_days[(p.id, gt.id)]
                and self.patients[p.id].minutes + duration + self.appointment_minutes[p.id]
                <= sc.level_of(p).max_hours * 60
            ]
            eligible.sort(key=lambda p: self.type_count[(p.id, gt.id)] >= gt.per_patient_week.min)
            while len(eligible) >= gt.min_size:
                staff = self.staff_group(gt.staffing(), day, block, start, start + duration)
                room = self.room_for(gt.id, gt.min_size, min(len(eligible), gt.max_size), day, block)
                if staff is None or room is None:
                    break
                size = min(len(eligible), gt.max_size, room[1])
                members, eligible = eligible[:size], eligible[size:]
                self.book_group(gt.id, track, day, block, start, duration, staff, room[0], members)
                placed.update(p.id for p in members)

    def staff_group(
        self, roles: list[tuple[str | None, int]], day: str, block: str, start: int, end: int
    ) -> list[str] | None:
        """Distinct clinicians for every role, the leader first; None if any role stays empty."""
        chosen: list[str] = []
        for qualification, count in roles:
            for _ in range(count):
                pick = self.least_loaded(
                    [
                        t
                        for t in self.sc.therapists
                        if t.id not in chosen
                        and self.holds(t, qualification)
                        and self.has_room_for(t, day, block, start, end)
                    ]
                )
                if pick is None:
                    return None
                chosen.append(pick.id)
        return chosen

    def room_for(self, type_id: str, low: int, size: int, day: str, block: str) -> tuple[str, int] | None:
        """The smallest free suited room seating ``size``, else the largest seating ``low``."""
        free = [
            r
            for r in self.sc.rooms
            if (day, block, r.id) not in self.rooms_taken
            and (r.group_types is None or type_id in r.group_types)
            and r.capacity >= low
        ]
        if not free:
            return None
        fitting = [r for r in free if r.capacity >= size]
        room = min(fitting, key=lambda r: r.capacity) if fitting else max(free, key=lambda r: r.capacity)
        return room.id, room.capacity

    def book_group(
        self,
        type_id: str,
        track: str,
        day: str,
        block: str,
        start: int,
        duration: int,
        staff: list[str],
        room: str,
        members: list[Patient],
    ) -> None:
        end = start + duration
        for t in staff:
            self.staff[t].book(day, block, start, end, duration)
        for p in members:
            self.patients[p.id].book(day, block, start, end, duration)
            self.type_count[(p.id, type_id)] += 1
            self.type_days[(p.id, type_id)].add(day)
            self.group_blocks[(p.id, day)] += 1
        self.rooms_taken.add((day, block, room))
        key = ("G", day, block, type_id)
        self.numbered[key] += 1
        self.sessions.append(
            Session(
                id=group_session_id(day, block, type_id, self.numbered[key]),
                kind="group",
                type=type_id,
                day=day,
                start=minutes_clock(start),
                end=minutes_clock(end),
                room=room,
                track=track,
                therapists=tuple(staff),
                patients=tuple(sorted(p.id for p in members)),
            )
        )

    # -- appointments --------------------------------------------------------------------

    def place_appointments(self) -> list[Shortfall]:
        missing = []
        for p in sorted(self.sc.patients, key=lambda p: (sum(map(len, p.availability.values())), p.id)):
            for kind, count in p.appointment_counts().items():
                for n in range(count):
                    if not self.place(p, kind):
                        missing.append(
                            Shortfall(
                                p.id, "H8", count, n, f"no free slot with an eligible clinician for {kind}"
                            )
                        )
                        break
        return missing

    def periods_for(self, p: Patient) -> list[tuple[str, str]]:
        """Where to try an appointment: days the patient comes (or new days if short), preferred blocks."""
        person, level = self.patients[p.id], self.sc.level_of(p)
        want_new_day = len(person.days) < level.min_days
        periods = [(d, b) for d in self.days for b in self.blocks if self.available(p, d, b)]
        preferred = set(p.preferred_blocks or [])

        def order(period: tuple[str, str]) -> tuple[bool, bool]:
            day, block = period
            comes = day in person.days
            return (comes if want_new_day else not comes, block not in preferred)

        return sorted(periods, key=order)

    def place(self, p: Patient, kind: str) -> bool:
        spec = self.sc.appointments[kind]
        person, level = self.patients[p.id], self.sc.level_of(p)
        minutes = spec.duration_min if spec.counts_toward_hours else 0
        eligible = [
            t
            for t in self.sc.therapists
            if t.role == spec.role and (spec.qualification is None or spec.qualification in t.qualifications)
        ]
        own = kind == "individual" and bool(p.primary_therapist)
        if own:
            eligible = [t for t in eligible if t.id == p.primary_therapist]
        for day, block in self.periods_for(p):
            if day not in person.days and len(person.days) >= level.max_days:
                continue
            lo, hi = self.blocks[block]
            for start in range(lo, hi - spec.duration_min + 1, spec.duration_min):
                end = start + spec.duration_min
                if not person.free(day, block, start, end):
                    continue
                giver = self.least_loaded(
                    [t for t in eligible if self.has_room_for(t, day, block, start, end, own)]
                )
                if giver is None:
                    continue
                if own:
                    self.caseload[giver.id] -= spec.duration_min
                person.book(day, block, start, end, minutes)
                self.staff[giver.id].book(day, block, start, end, spec.duration_min)
                key = ("A", p.id, kind)
                self.numbered[key] += 1
                self.sessions.append(
                    Session(
                        id=appointment_id(p.id, kind, self.numbered[key]),
                        kind=kind,
                        type=kind,
                        day=day,
                        start=minutes_clock(start),
                        end=minutes_clock(end),
                        room=None,
                        track=None,
                        therapists=(giver.id,),
                        patients=(p.id,),
                    )
                )
                return True
        return False

    # -- what it could not do --------------------------------------------------------------

    def shortfalls(self) -> list[Shortfall]:
        """H4, H5 and H9 requirements the roster misses, per patient, in the SPEC's form."""
        found = []
        for p in self.sc.patients:
            person, level = self.patients[p.id], self.sc.level_of(p)
            hours = person.minutes / 60
            if hours < level.min_hours:
                found.append(
                    Shortfall(p.id, "H4", level.min_hours, hours, "not enough groups could be formed")
                )
            if len(person.days) < level.min_days:
                found.append(Shortfall(p.id, "H5", level.min_days, len(person.days), "too few days attended"))
            for gt in self.sc.group_types:
                low = gt.per_patient_week.min if p.track in self.sc.group_tracks(gt) else 0
                if self.type_count[(p.id, gt.id)] < low:
                    found.append(
                        Shortfall(p.id, "H9", low, self.type_count[(p.id, gt.id)], f"too few {gt.id} groups")
                    )
        return found


def solve_week(scenario: Scenario, options: PeerOptions, emit: Emit) -> PeerOutput:
    """One pass, no search: the time limit does not apply and nothing is proven."""
    started = time.perf_counter()
    manager = _Manager(scenario)
    manager.fill_groups()
    missing = manager.place_appointments()
    shortfalls = [*missing, *manager.shortfalls()]
    elapsed = time.perf_counter() - started
    roster = Roster.for_week(
        scenario,
        SolverInfo(status="FEASIBLE", objective=None, best_bound=None, wall_time_s=round(elapsed, 3)),
        manager.sessions,
        sorted(shortfalls, key=lambda s: (s.patient, s.rule)),
    )
    return PeerOutput(
        status="HEURISTIC",
        roster=roster,
        solver_objective=None,
        best_bound=None,
        build_time_s=0.0,
        num_variables=0,
        num_constraints=0,
    )
