"""The scenario as dense indices and time grids: what the model builder works on.

External ids stay at the edges; inside, people, blocks and group types are small
integers and every candidate (a session that could run, a seat a patient could take,
an appointment slot) is enumerated once here. Availability (H2), tracks and
qualifications already rule most combinations out, and no candidate is made for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .roster import Roster
from .scenario import Scenario, clock_minutes

Period = tuple[int, int]  # (day index, block index)


@dataclass(frozen=True)
class PreviousWeek:
    """Last week's roster as this week's indices, for patients present in both weeks (S6).

    Sessions of last week are placed by day name and by the block of this week that
    holds their start time; ids unknown this week are dropped.
    """

    periods: dict[int, frozenset[Period]]  # patient -> (day, block) with a group last week
    leaders: dict[tuple[int, int], frozenset[int]]  # (patient, group type) -> leaders (maybe none left)
    day_leaders: dict[tuple[int, int, int, int], frozenset[int]]  # (patient, day, block, type) -> leaders
    individual: dict[int, frozenset[int]]  # patient -> individual therapists
    slots: dict[tuple[int, int], frozenset[tuple[int, int]]]  # (patient, kind) -> (day, start minute)
    mates: tuple[tuple[int, int], ...]  # patient pairs who shared a group session
    rooms: dict[tuple[int, int, int, int, int], int]  # (day, block, type, track, leader) -> room
    co_staff: dict[tuple[int, int, int, int], frozenset[int]]  # (day, block, type, track) -> co-facilitators
    co_with: dict[tuple[int, int, int, int, int], frozenset[int]]  # (..., leader) -> who co-led with them
    givers: dict[tuple[int, int], frozenset[int]]  # (patient, kind) -> clinicians who saw them

    def leaders_to_keep(self, patient: int, day: int, block: int, group_type: int) -> frozenset[int] | None:
        """Whom a patient should be seated with to count as unchanged (S6), or None if free.

        The leader of the same (day, block, type) last week if the patient was there;
        otherwise any of last week's leaders of that type. None: no such type last week.
        """
        here = self.day_leaders.get((patient, day, block, group_type))
        return here if here is not None else self.leaders.get((patient, group_type))


@dataclass(frozen=True)
class SessionCandidate:
    """A group session that could run: keyed by its leader, so parallel sessions differ."""

    day: int
    block: int
    group_type: int
    track: int
    lead: int
    duration: int


@dataclass(frozen=True)
class Slot:
    """An appointment time on the grid of its kind inside a block."""

    day: int
    block: int
    index: int
    start: int  # minutes after midnight
    end: int


@dataclass(frozen=True)
class PatientInfo:
    """A patient's resolved requirements (level with overrides), in minutes and days."""

    min_minutes: int
    max_minutes: int
    min_days: int
    max_days: int
    max_blocks_per_day: int
    periods: frozenset[Period]
    appointments: dict[int, int]  # kind index -> count
    preferred_blocks: frozenset[int] | None
    primary: int | None


@dataclass
class Instance:
    """Dense view of one scenario; built once, read by the model and the extractor."""

    scenario: Scenario
    previous_roster: Roster | None = None
    days: list[str] = field(init=False)
    blocks: list[str] = field(init=False)
    block_start: list[int] = field(init=False)
    block_end: list[int] = field(init=False)
    tracks: list[str] = field(init=False)
    kinds: list[str] = field(init=False)

    def __post_init__(self) -> None:
        sc = self.scenario
        self.days = list(sc.program.days)
        self.blocks = list(sc.program.blocks)
        self.block_start = [sc.program.blocks[b].start_min for b in self.blocks]
        self.block_end = [sc.program.blocks[b].end_min for b in self.blocks]
        self.tracks = sc.tracks()
        self.kinds = list(sc.appointments)

    # -- people ---------------------------------------------------------------------

    def _periods(self, availability: dict[str, list[str]]) -> frozenset[Period]:
        day_index = {d: i for i, d in enumerate(self.days)}
        block_index = {b: i for i, b in enumerate(self.blocks)}
        return frozenset(
            (day_index[d], block_index[b])
            for d, names in availability.items()
            if d in day_index
            for b in names
        )

    @cached_property
    def therapist_periods(self) -> list[frozenset[Period]]:
        """Periods each therapist is available in (H2), minus days a lock says they are away (H10)."""
        away: dict[str, set[str]] = {}
        for lock in self.scenario.locked:
            if lock.therapist is not None:
                away.setdefault(lock.therapist, set()).update(lock.absent or [])
        day_index = {d: i for i, d in enumerate(self.days)}
        result = []
        for t in self.scenario.therapists:
            gone = {day_index[d] for d in away.get(t.id, set()) if d in day_index}
            result.append(frozenset(pb for pb in self._periods(t.availability) if pb[0] not in gone))
        return result

    @cached_property
    def therapist_max_minutes(self) -> list[int]:
        """Weekly limit of each clinician in minutes (H3); hours are whole minutes."""
        return [round(t.max_hours * 60) for t in self.scenario.therapists]

    @cached_property
    def patients(self) -> list[PatientInfo]:
        """Each patient's requirements with level and overrides resolved once."""
        sc = self.scenario
        therapist_index = {t.id: i for i, t in enumerate(sc.therapists)}
        kind_index = {k: i for i, k in enumerate(self.kinds)}
        block_index = {b: i for i, b in enumerate(self.blocks)}
        infos = []
        for patient in sc.patients:
            level = sc.level_of(patient)
            preferred = patient.preferred_blocks
            infos.append(
                PatientInfo(
                    min_minutes=round(level.min_hours * 60),
                    max_minutes=round(level.max_hours * 60),
                    min_days=level.min_days,
                    max_days=level.max_days,
                    max_blocks_per_day=level.max_blocks_per_day,
                    periods=self._periods(patient.availability),
                    appointments={kind_index[k]: n for k, n in patient.appointment_counts().items()},
                    preferred_blocks=(frozenset(block_index[b] for b in preferred) if preferred else None),
                    primary=therapist_index.get(patient.primary_therapist or ""),
                )
            )
        return infos

    @cached_property
    def patient_track(self) -> list[int]:
        """Track index of each patient."""
        track_index = {t: i for i, t in enumerate(self.tracks)}
        return [track_index[p.track] for p in self.scenario.patients]

    # -- groups ---------------------------------------------------------------------

    @cached_property
    def group_durations(self) -> list[list[int | None]]:
        """Minutes of each group type in each block, None where it does not fit."""
        sc = self.scenario
        return [[sc.group_duration(g, b) for b in self.blocks] for g in sc.group_types]

    @cached_property
    def group_tracks(self) -> list[list[int]]:
        """Track indices each group type may serve."""
        track_index = {t: i for i, t in enumerate(self.tracks)}
        return [
            [track_index[t] for t in self.scenario.group_tracks(g) if t in track_index]
            for g in self.scenario.group_types
        ]

    def holds(self, therapist: int, qualification: str | None) -> bool:
        """Whether a clinician can fill a group role needing ``qualification``.

        A named qualification may be held by anyone; with none, the role is for a
        therapist (SPEC: 'omit: any therapist').
        """
        t = self.scenario.therapists[therapist]
        if qualification is None:
            return t.role == "therapist"
        return qualification in t.qualifications

    @cached_property
    def staffing(self) -> list[list[tuple[str | None, int]]]:
        """Per group type: (qualification, count) roles; role 0's first holder leads."""
        return [g.staffing() for g in self.scenario.group_types]

    @cached_property
    def room_classes(self) -> list[tuple[int, frozenset[str] | None, list[int]]]:
        """Rooms grouped by (capacity, allowed group types): rooms in a class are interchangeable."""
        classes: dict[tuple[int, frozenset[str] | None], list[int]] = {}
        for index, room in enumerate(self.scenario.rooms):
            allowed = frozenset(room.group_types) if room.group_types is not None else None
            classes.setdefault((room.capacity, allowed), []).append(index)
        return [
            (cap, allowed, rooms)
            for (cap, allowed), rooms in sorted(
                classes.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1] or []))
            )
        ]

    def room_classes_for(self, group_type: int) -> list[int]:
        """Room classes a group type may use (suited to it and able to seat its minimum)."""
        gt = self.scenario.group_types[group_type]
        return [
            c
            for c, (cap, allowed, _) in enumerate(self.room_classes)
            if (allowed is None or gt.id in allowed) and cap >= gt.min_size
        ]

    @cached_property
    def session_candidates(self) -> list[SessionCandidate]:
        """Every session that could run (H2, H6 and H7 filters applied up front)."""
        sc = self.scenario
        candidates = []
        attendable = self.attendable_periods
        for g, gt in enumerate(sc.group_types):
            if gt.per_patient_week.max == 0 or not self.room_classes_for(g):
                continue
            roles = self.staffing[g]
            lead_qualification = roles[0][0]
            for t in self.group_tracks[g]:
                for d in range(len(self.days)):
                    for b in range(len(self.blocks)):
                        duration = self.group_durations[g][b]
                        if duration is None or len(attendable.get((g, t, d, b), ())) < gt.min_size:
                            continue
                        leaders = [
                            th
                            for th in range(len(sc.therapists))
                            if (d, b) in self.therapist_periods[th]
                            and self.holds(th, lead_qualification)
                            and self.therapist_max_minutes[th] >= duration
                        ]
                        if not self._co_staff_possible(g, d, b):
                            continue
                        candidates.extend(SessionCandidate(d, b, g, t, th, duration) for th in leaders)
        return candidates

    def _co_staff_possible(self, g: int, d: int, b: int) -> bool:
        """Whether enough distinct clinicians are available to staff one session of ``g``."""
        roles = self.staffing[g]
        needed = sum(count for _, count in roles)
        if needed == 1:
            return True
        available = [
            th for th in range(len(self.scenario.therapists)) if (d, b) in self.therapist_periods[th]
        ]
        if len(available) < needed:
            return False
        return all(sum(self.holds(th, q) for th in available) >= n for q, n in roles)

    def co_roles(self, g: int) -> list[tuple[str | None, int]]:
        """Roles of a group type beyond its leader: (qualification, count per session)."""
        roles = [(q, n) for q, n in self.staffing[g]]
        first_q, first_n = roles[0]
        rest = [(first_q, first_n - 1)] if first_n > 1 else []
        return [*rest, *roles[1:]]

    @cached_property
    def attendable_periods(self) -> dict[tuple[int, int, int, int], list[int]]:
        """(group type, track, day, block) -> patients who could attend such a session."""
        result: dict[tuple[int, int, int, int], list[int]] = {}
        for p, info in enumerate(self.patients):
            t = self.patient_track[p]
            for g in range(len(self.scenario.group_types)):
                if t not in self.group_tracks[g]:
                    continue
                for d, b in info.periods:
                    if self.group_durations[g][b] is not None:
                        result.setdefault((g, t, d, b), []).append(p)
        return result

    # -- appointments ---------------------------------------------------------------

    @cached_property
    def kind_duration(self) -> list[int]:
        """Minutes of each appointment kind."""
        return [self.scenario.appointments[k].duration_min for k in self.kinds]

    def slots(self, kind: int, day: int, block: int) -> tuple[Slot, ...]:
        """Grid slots of an appointment kind inside one block (SPEC §2).

        Made once per (kind, day, block): the model asks for them per patient.
        """
        key = (kind, day, block)
        if key not in self._slots:
            duration = self.kind_duration[kind]
            start, end = self.block_start[block], self.block_end[block]
            count = (end - start) // duration
            self._slots[key] = tuple(
                Slot(day, block, i, start + i * duration, start + (i + 1) * duration) for i in range(count)
            )
        return self._slots[key]

    @cached_property
    def _slots(self) -> dict[tuple[int, int, int], tuple[Slot, ...]]:
        return {}

    @cached_property
    def kinds_in_use(self) -> list[int]:
        """Appointment kinds some patient needs this week."""
        return sorted({k for info in self.patients for k, n in info.appointments.items() if n > 0})

    @cached_property
    def appointment_unit(self) -> int:
        """The longest appointment in use (minutes): a block holds whole units of it."""
        return max((self.kind_duration[k] for k in self.kinds_in_use), default=0)

    def block_units(self, block: int) -> int:
        """Units (see ``appointment_unit``) in one block: the most appointments a patient has in it."""
        unit = self.appointment_unit
        return (self.block_end[block] - self.block_start[block]) // unit if unit else 0

    @cached_property
    def giver_lengths(self) -> list[frozenset[int]]:
        """Per clinician, the lengths (minutes) of the appointments in use they could give."""
        return [
            frozenset(self.kind_duration[k] for k in self.kinds_in_use if self.can_give(th, k))
            for th in range(len(self.scenario.therapists))
        ]

    @cached_property
    def slots_needed(self) -> str | None:
        """Why appointments must be modelled on their grid slots; None when per block is exact.

        Per block, a variable says an appointment happens in a block and its time is
        dealt out when the roster is written (``appointment_times``). That loses no
        roster when, in every block, the appointments people can have form a bipartite
        multigraph (patients, clinicians) whose edges can always be given distinct
        times at both ends once the counts fit — König's edge-colouring theorem — which
        holds when:

        - every group fills its block as far as appointments go (a person in a group
          has no appointment in that block, so appointments are a block's own matter);
        - each clinician gives appointments of one length only, and every length in use
          divides the longest, ``appointment_unit`` U, with no kind fitting more slots
          into a block than its U-units hold (a clinician of length d is then U/d lanes
          of whole units, and a patient takes one unit per appointment);
        - no patient needs more appointments a week than a block has units (so counting
          a whole unit per appointment never binds where the grid would not);
        - nothing ties an appointment to a time: no previous roster (S6 counts times)
          and no appointment lock (H10).
        """
        sc = self.scenario
        if self.previous_roster is not None:
            return "a previous roster (stability counts appointment times)"
        if any(lock.appointment is not None for lock in sc.locked):
            return "an appointment lock (it fixes a time)"
        unit = self.appointment_unit
        if not unit:
            return None
        for k in self.kinds_in_use:
            for b in range(len(self.blocks)):
                length = self.block_end[b] - self.block_start[b]
                duration = self.kind_duration[k]
                if unit % duration or (length // duration) * duration > self.block_units(b) * unit:
                    return f"appointment lengths that do not divide {unit} min ({self.blocks[b]} block)"
                last_start = (length // duration - 1) * duration
                for g in range(len(sc.group_types)):
                    group = self.group_durations[g][b]
                    if group is not None and length // duration and last_start >= group:
                        gid = sc.group_types[g].id
                        return f"group {gid} leaves room for appointments in the {self.blocks[b]} block"
        for th, lengths in enumerate(self.giver_lengths):
            if len(lengths) > 1:
                return f"clinician {sc.therapists[th].id} gives appointments of different lengths"
        for p, info in enumerate(self.patients):
            needed = sum(info.appointments.values())
            if any(needed > self.block_units(b) for _, b in info.periods):
                return f"patient {sc.patients[p].id} needs more appointments a week than a block holds"
        return None

    def can_give(self, therapist: int, kind: int) -> bool:
        """Whether a clinician has the role and qualification an appointment kind needs (H7)."""
        spec = self.scenario.appointments[self.kinds[kind]]
        t = self.scenario.therapists[therapist]
        return t.role == spec.role and (spec.qualification is None or spec.qualification in t.qualifications)

    def appointment_givers(self, patient: int, kind: int) -> tuple[list[int], bool]:
        """(clinicians with a personal variable, whether the kind's shared pool may serve too).

        A primary therapist gives the individual sessions alone. A patient with a
        forbidden clinician (H10) is served only personally, by everyone else eligible.
        Otherwise requests join the pool of their kind, and last week's individual
        therapist and any clinician a lock names get personal variables beside it (S6,
        H10), so that the model knows who gives the session.
        """
        info = self.patients[patient]
        eligible = self.kind_pool[kind]
        if self.kinds[kind] == "individual" and info.primary is not None:
            return [info.primary], False
        forbidden = self.forbidden_therapists.get(patient, set())
        if forbidden:
            return [th for th in eligible if th not in forbidden], False
        personal = set(self.locked_givers.get((patient, kind), set()))
        if self.kinds[kind] == "individual" and self.previous is not None:
            personal |= {th for th in self.previous.individual.get(patient, frozenset()) if th in eligible}
        return sorted(personal), True

    @cached_property
    def forbidden_therapists(self) -> dict[int, set[int]]:
        """Patient -> clinicians they must never be with (H10 forbid_therapist)."""
        patients = {p.id: i for i, p in enumerate(self.scenario.patients)}
        therapists = {t.id: i for i, t in enumerate(self.scenario.therapists)}
        result: dict[int, set[int]] = {}
        for lock in self.scenario.locked:
            if lock.forbid_therapist is not None and lock.patient in patients:
                result.setdefault(patients[lock.patient], set()).add(therapists[lock.forbid_therapist])
        return result

    @cached_property
    def locked_givers(self) -> dict[tuple[int, int], set[int]]:
        """(patient, kind) -> clinicians an appointment lock names."""
        patients = {p.id: i for i, p in enumerate(self.scenario.patients)}
        therapists = {t.id: i for i, t in enumerate(self.scenario.therapists)}
        kinds = {k: i for i, k in enumerate(self.kinds)}
        result: dict[tuple[int, int], set[int]] = {}
        for lock in self.scenario.locked:
            a = lock.appointment
            if a is not None and a.therapist is not None and a.kind in kinds:
                result.setdefault((patients[lock.patient or ""], kinds[a.kind]), set()).add(
                    therapists[a.therapist]
                )
        return result

    # -- last week ----------------------------------------------------------------------

    @cached_property
    def previous(self) -> PreviousWeek | None:
        """Last week's roster in this week's indices (None without a previous roster)."""
        roster = self.previous_roster
        if roster is None:
            return None
        sc = self.scenario
        patients = {p.id: i for i, p in enumerate(sc.patients)}
        therapists = {t.id: i for i, t in enumerate(sc.therapists)}
        types = {g.id: i for i, g in enumerate(sc.group_types)}
        kinds = {k: i for i, k in enumerate(self.kinds)}
        days = {d: i for i, d in enumerate(self.days)}
        periods: dict[int, set[Period]] = {}
        leaders: dict[tuple[int, int], set[int]] = {}
        day_leaders: dict[tuple[int, int, int, int], set[int]] = {}
        individual: dict[int, set[int]] = {}
        slots: dict[tuple[int, int], set[tuple[int, int]]] = {}
        mates: set[tuple[int, int]] = set()
        rooms: dict[tuple[int, int, int, int, int], int] = {}
        co_staff: dict[tuple[int, int, int, int], set[int]] = {}
        co_with: dict[tuple[int, int, int, int, int], set[int]] = {}
        givers: dict[tuple[int, int], set[int]] = {}
        room_index = {r.id: i for i, r in enumerate(sc.rooms)}
        track_index = {t: i for i, t in enumerate(self.tracks)}
        for s in roster.sessions:
            start = clock_minutes(s.start)
            block = next(
                (b for b in range(len(self.blocks)) if self.block_start[b] <= start < self.block_end[b]), None
            )
            present = sorted(patients[p] for p in set(s.patients) if p in patients)
            if s.is_group:
                lead = therapists.get(s.therapists[0]) if s.therapists else None
                for p in present:
                    if s.day in days and block is not None:
                        periods.setdefault(p, set()).add((days[s.day], block))
                    if s.type in types:  # the type counts even if its leader has left the program
                        leaders.setdefault((p, types[s.type]), set()).update(
                            [lead] if lead is not None else []
                        )
                        if s.day in days and block is not None:  # the same (day, block) keeps its leader
                            day_leaders.setdefault((p, days[s.day], block, types[s.type]), set()).update(
                                [lead] if lead is not None else []
                            )
                mates.update((a, b) for i, a in enumerate(present) for b in present[i + 1 :])
                known = s.day in days and block is not None and s.type in types and s.track in track_index
                if known and lead is not None:
                    key = (days[s.day], block, types[s.type], track_index[s.track])
                    if s.room in room_index:
                        rooms[(*key, lead)] = room_index[s.room]
                    co = {therapists[t] for t in s.therapists[1:] if t in therapists}
                    co_staff.setdefault(key, set()).update(co)
                    co_with.setdefault((*key, lead), set()).update(co)
            elif s.kind in kinds:
                for p in present:
                    if s.day in days:
                        slots.setdefault((p, kinds[s.kind]), set()).add((days[s.day], start))
                    if s.kind == "individual":
                        individual.setdefault(p, set()).update(
                            therapists[t] for t in s.therapists if t in therapists
                        )
                    givers.setdefault((p, kinds[s.kind]), set()).update(
                        therapists[t] for t in s.therapists if t in therapists
                    )
        return PreviousWeek(
            periods={p: frozenset(v) for p, v in periods.items()},
            leaders={k: frozenset(v) for k, v in leaders.items()},
            day_leaders={k: frozenset(v) for k, v in day_leaders.items()},
            individual={p: frozenset(v) for p, v in individual.items()},
            slots={k: frozenset(v) for k, v in slots.items()},
            mates=tuple(sorted(mates)),
            rooms=rooms,
            co_staff={k: frozenset(v) for k, v in co_staff.items()},
            co_with={k: frozenset(v) for k, v in co_with.items()},
            givers={k: frozenset(v) for k, v in givers.items()},
        )

    @cached_property
    def kind_pool(self) -> list[list[int]]:
        """Eligible clinicians per appointment kind."""
        return [
            [th for th in range(len(self.scenario.therapists)) if self.can_give(th, k)]
            for k in range(len(self.kinds))
        ]
