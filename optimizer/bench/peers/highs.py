"""The week as a textbook mixed-integer program, solved by HiGHS.

Written from the SPEC's text, not from ``model.py``, the way a practitioner would
write it: a candidate group session is (day, block, group type, track, leader), and
``x[p, s]`` says patient ``p`` sits in session ``s`` (no aggregation by family);
``room[s, r]`` picks one room, ``co[s, th, role]`` the co-facilitators, and every
appointment is ``a[p, kind, day, block, slot, clinician]``. Time conflicts are set
packing rows over the elementary time segments of each person's block. The objective
is S1–S5 as the README ("Objective") and ``check.py`` define them, with the scenario's
weights, so its values are comparable with CP-SAT's.

This module must never import ``ortools`` (see ``optimizer.bench.peers``).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

from ...relaxation import highs_lp
from ...roster import Roster, Session, SolverInfo, appointment_id, group_session_id
from ...scenario import Scenario, Therapist, minutes_clock
from . import Emit, PeerOptions, PeerOutput

INF = highspy.kHighsInf
Period = tuple[str, str]  # (day, block)


@dataclass
class _Matrix:
    """Columns and rows gathered in plain lists and handed to HiGHS in one call."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def var(self, upper: float = 1.0, cost: float = 0.0, integer: bool = True) -> int:
        self.lower.append(0.0)
        self.upper.append(upper)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float = -INF, upper: float = INF) -> None:
        for col, coef in terms:
            self.index.append(col)
            self.value.append(coef)
        self.starts.append(len(self.index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def lp(self) -> highspy.HighsLp:
        rows = (self.row_lower, self.row_upper, self.starts, self.index, self.value)
        lp = highs_lp(self.cost, self.lower, self.upper, *rows)
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in self.integer]
        return lp


@dataclass(frozen=True)
class _Group:
    """A candidate group session: it runs when ``open`` is 1."""

    day: str
    block: str
    type: str
    track: str
    lead: str
    start: int
    end: int
    open: int


@dataclass(frozen=True)
class _Item:
    """A column that occupies a person during [start, end) and counts ``minutes``."""

    col: int
    start: int
    end: int
    minutes: int


@dataclass(frozen=True)
class _Appointment:
    patient: str
    kind: str
    day: str
    start: int
    end: int
    therapist: str


def _holds(t: Therapist, qualification: str | None) -> bool:
    """SPEC: a group role names a qualification; with none, any therapist may take it."""
    return t.role == "therapist" if qualification is None else qualification in t.qualifications


class _Formulation:
    """Builds the MIP of one week and reads a solution back into roster sessions."""

    def __init__(self, scenario: Scenario) -> None:
        self.sc = sc = scenario
        self.m = _Matrix()
        self.w = sc.objective.model_dump()
        self.days = list(sc.program.days)
        self.blocks = {name: (b.start_min, b.end_min) for name, b in sc.program.blocks.items()}
        self.groups: list[_Group] = []
        self.seats: dict[int, list[tuple[str, int]]] = defaultdict(list)  # session -> (patient, col)
        self.rooms: dict[int, list[tuple[str, int]]] = defaultdict(list)  # session -> (room, col)
        self.co: dict[int, list[tuple[str, int]]] = defaultdict(list)  # session -> (clinician, col)
        self.appointments: list[tuple[_Appointment, int]] = []
        self.patient_items: dict[tuple[str, str, str], list[_Item]] = defaultdict(list)
        self.therapist_items: dict[tuple[str, str, str], list[_Item]] = defaultdict(list)
        self.group_cols: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (patient, day, block)
        self.by_type: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)  # (patient, type)
        self.appointment_cols: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        self.patients = {p.id: p for p in sc.patients}
        self.patient_available = {p.id: self._periods(p.availability) for p in sc.patients}
        self.therapist_available = {t.id: self._periods(t.availability) for t in sc.therapists}
        self._group_columns()
        self._appointment_columns()
        self._rules()
        self._objective()

    def _periods(self, availability: dict[str, list[str]]) -> set[Period]:
        return {(d, b) for d, names in availability.items() if d in self.days for b in names}

    # -- columns ------------------------------------------------------------------------

    def _group_columns(self) -> None:
        """Sessions, seats, rooms and co-facilitators wherever availability allows them (H2)."""
        sc, m = self.sc, self.m
        for gt in sc.group_types:
            if gt.per_patient_week.max == 0:
                continue
            rooms = [
                r
                for r in sc.rooms
                if (r.group_types is None or gt.id in r.group_types) and r.capacity >= gt.min_size
            ]
            roles = gt.staffing()
            extra_roles = ([(roles[0][0], roles[0][1] - 1)] if roles[0][1] > 1 else []) + roles[1:]
            for track in sc.group_tracks(gt):
                for day in self.days:
                    for block, (block_start, _) in self.blocks.items():
                        duration = sc.group_duration(gt, block)
                        if duration is None or not rooms:
                            continue
                        here = [
                            p.id
                            for p in sc.patients
                            if p.track == track and (day, block) in self.patient_available[p.id]
                        ]
                        if len(here) < gt.min_size:
                            continue
                        staff = [t for t in sc.therapists if (day, block) in self.therapist_available[t.id]]
                        for lead in staff:
                            if not _holds(lead, roles[0][0]) or lead.max_hours * 60 < duration:
                                continue
                            end = block_start + duration
                            s = len(self.groups)
                            session = _Group(
                                day,
                                block,
                                gt.id,
                                track,
                                lead.id,
                                block_start,
                                end,
                                m.var(cost=self.w["sessions"]),
                            )
                            self.groups.append(session)
                            self.therapist_items[(lead.id, day, block)].append(
                                _Item(session.open, block_start, end, duration)
                            )
                            for pid in here:
                                col = m.var(cost=self._outside(pid, block))
                                self.seats[s].append((pid, col))
                                self.patient_items[(pid, day, block)].append(
                                    _Item(col, block_start, end, duration)
                                )
                                self.group_cols[(pid, day, block)].append(col)
                                self.by_type[(pid, gt.id)].append((day, col))
                            for room in rooms:
                                self.rooms[s].append((room.id, m.var()))
                            for qualification, count in extra_roles:
                                takers = []
                                for t in staff:
                                    if t.id != lead.id and _holds(t, qualification):
                                        col = m.var()
                                        takers.append((col, 1.0))
                                        self.co[s].append((t.id, col))
                                        self.therapist_items[(t.id, day, block)].append(
                                            _Item(col, block_start, end, duration)
                                        )
                                m.row([*takers, (session.open, -float(count))], 0, 0)  # H7

    def _outside(self, patient: str, block: str) -> float:
        """S5 cost of one session in ``block``: the weight when it is not a preferred block."""
        preferred = self.patients[patient].preferred_blocks
        return float(self.w["preferences"]) if preferred and block not in preferred else 0.0

    def _appointment_columns(self) -> None:
        """One column per (patient, kind, slot on the kind's grid, eligible clinician) (H2, H7)."""
        sc, m = self.sc, self.m
        for p in sc.patients:
            for kind in p.appointment_counts():
                spec = sc.appointments[kind]
                eligible = [
                    t
                    for t in sc.therapists
                    if t.role == spec.role
                    and (spec.qualification is None or spec.qualification in t.qualifications)
                    and t.max_hours * 60 >= spec.duration_min
                ]
                if kind == "individual" and p.primary_therapist:
                    eligible = [t for t in eligible if t.id == p.primary_therapist]
                counted = spec.duration_min if spec.counts_toward_hours else 0
                for day, block in sorted(self.patient_available[p.id]):
                    block_start, block_end = self.blocks[block]
                    for start in range(block_start, block_end - spec.duration_min + 1, spec.duration_min):
                        end = start + spec.duration_min
                        for t in eligible:
                            if (day, block) not in self.therapist_available[t.id]:
                                continue
                            col = m.var(cost=self._outside(p.id, block))
                            self.appointments.append((_Appointment(p.id, kind, day, start, end, t.id), col))
                            self.appointment_cols[(p.id, kind)].append((day, col))
                            self.patient_items[(p.id, day, block)].append(_Item(col, start, end, counted))
                            self.therapist_items[(t.id, day, block)].append(
                                _Item(col, start, end, spec.duration_min)
                            )

    # -- hard rules ---------------------------------------------------------------------

    def _rules(self) -> None:
        self._h1_no_double_booking()
        self._h3_h4_hours()
        self._h5_days()
        self._h6_group_size_and_rooms()
        self._h8_appointments()
        self._h9_group_attendance()

    def _no_overlap(self, items: list[_Item]) -> None:
        """At most one item covers any instant: one row per maximal set of overlapping items."""
        if len(items) < 2:
            return
        points = sorted({i.start for i in items} | {i.end for i in items})
        covers = {
            frozenset(n for n, i in enumerate(items) if i.start <= lo and hi <= i.end)
            for lo, hi in itertools.pairwise(points)
        }
        for cover in covers:
            if len(cover) > 1 and not any(cover < other for other in covers):
                self.m.row(((items[n].col, 1.0) for n in sorted(cover)), upper=1)

    def _h1_no_double_booking(self) -> None:
        """H1 for every patient and clinician, and one session per room per block."""
        for items in self.patient_items.values():
            self._no_overlap(items)
        for items in self.therapist_items.values():
            self._no_overlap(items)
        per_room: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for s, rooms in self.rooms.items():
            g = self.groups[s]
            for room, col in rooms:
                per_room[(g.day, g.block, room)].append(col)
        for cols in per_room.values():
            if len(cols) > 1:
                self.m.row(((c, 1.0) for c in cols), upper=1)

    def _h3_h4_hours(self) -> None:
        """H3: clinicians' minutes within max_hours. H4: patients' counted minutes within their level."""
        minutes: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for (who, _, _), items in self.therapist_items.items():
            minutes[who].extend((i.col, float(i.minutes)) for i in items)
        self.therapist_minutes = minutes
        for t in self.sc.therapists:
            if minutes.get(t.id):
                self.m.row(minutes[t.id], upper=round(t.max_hours * 60))
        counted: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for (who, _, _), items in self.patient_items.items():
            counted[who].extend((i.col, float(i.minutes)) for i in items if i.minutes)
        for p in self.sc.patients:
            level = self.sc.level_of(p)
            self.m.row(counted.get(p.id, []), round(level.min_hours * 60), round(level.max_hours * 60))

    def _h5_days(self) -> None:
        """H5: attended days within [min_days, max_days]; group blocks a day at most max_blocks_per_day.

        ``day[p, d]`` is 1 exactly when p has a session on d: each block's seats (at most
        one by H1) and each kind's appointments that day (at most its weekly count) imply
        it, and it needs at least one of them.
        """
        m = self.m
        appointments_on: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for appointment, col in self.appointments:
            appointments_on[(appointment.patient, appointment.day, appointment.kind)].append(col)
        for p in self.sc.patients:
            level = self.sc.level_of(p)
            counts = p.appointment_counts()
            day_cols = []
            for day in self.days:
                seats = {b: self.group_cols.get((p.id, day, b), []) for b in self.blocks}
                kinds = {k: appointments_on.get((p.id, day, k), []) for k in counts}
                everything = [c for cols in [*seats.values(), *kinds.values()] for c in cols]
                if not everything:
                    continue
                attends = m.var()
                day_cols.append(attends)
                for cols in seats.values():
                    if cols:
                        m.row([*((c, 1.0) for c in cols), (attends, -1.0)], upper=0)
                for kind, cols in kinds.items():
                    if cols:
                        m.row([*((c, 1.0) for c in cols), (attends, -float(counts[kind]))], upper=0)
                m.row([*((c, 1.0) for c in everything), (attends, -1.0)], lower=0)
                used_blocks = [cols for cols in seats.values() if cols]
                if len(used_blocks) > level.max_blocks_per_day:
                    m.row(((c, 1.0) for cols in used_blocks for c in cols), upper=level.max_blocks_per_day)
            m.row(((c, 1.0) for c in day_cols), level.min_days, level.max_days)

    def _h6_group_size_and_rooms(self) -> None:
        """H6/H7: seats only in open sessions, min_size..room-limited max_size, one suited room."""
        m = self.m
        sizes = {g.id: (g.min_size, g.max_size) for g in self.sc.group_types}
        capacity = {r.id: r.capacity for r in self.sc.rooms}
        for s, g in enumerate(self.groups):
            low, high = sizes[g.type]
            seats = self.seats[s]
            for _, col in seats:
                m.row([(col, 1.0), (g.open, -1.0)], upper=0)
            m.row([*((c, 1.0) for _, c in seats), (g.open, -float(low))], lower=0)
            m.row(
                [
                    *((c, 1.0) for _, c in seats),
                    *((c, -float(min(high, capacity[r]))) for r, c in self.rooms[s]),
                ],
                upper=0,
            )
            m.row([*((c, 1.0) for _, c in self.rooms[s]), (g.open, -1.0)], 0, 0)

    def _h8_appointments(self) -> None:
        """H8: exactly the number of appointments of each kind the patient needs."""
        for p in self.sc.patients:
            for kind, count in p.appointment_counts().items():
                self.m.row(((c, 1.0) for _, c in self.appointment_cols.get((p.id, kind), [])), count, count)

    def _h9_group_attendance(self) -> None:
        """H9: each group type within per_patient_week (min only where the track is allowed), once a day."""
        for p in self.sc.patients:
            for gt in self.sc.group_types:
                seats = self.by_type.get((p.id, gt.id), [])
                allowed = gt.tracks is None or p.track in gt.tracks
                low = gt.per_patient_week.min if allowed else 0
                self.m.row(((c, 1.0) for _, c in seats), low, gt.per_patient_week.max)
                per_day: dict[str, list[int]] = defaultdict(list)
                for day, col in seats:
                    per_day[day].append(col)
                for cols in per_day.values():
                    if len(cols) > 1:
                        self.m.row(((c, 1.0) for c in cols), upper=1)

    # -- objective (S3 and S5 are already column costs) ----------------------------------

    def _objective(self) -> None:
        self._s1_block_consistency()
        self._s2_continuity()
        self._s4_load_balance()

    def _s1_block_consistency(self) -> None:
        """S1: per patient, distinct group blocks used in the week beyond max_blocks_per_day."""
        m = self.m
        for p in self.sc.patients:
            limit = self.sc.level_of(p).max_blocks_per_day
            per_block: dict[str, list[list[int]]] = defaultdict(list)
            for day in self.days:
                for block in self.blocks:
                    cols = self.group_cols.get((p.id, day, block))
                    if cols:
                        per_block[block].append(cols)
            if len(per_block) <= limit:
                continue
            uses = {}
            for block, days in per_block.items():
                uses[block] = m.var()
                for cols in days:  # at most one seat per (day, block) by H1
                    m.row([*((c, 1.0) for c in cols), (uses[block], -1.0)], upper=0)
            extra = m.var(upper=len(per_block) - limit, cost=self.w["block_consistency"], integer=False)
            m.row([(extra, 1.0), *((u, -1.0) for u in uses.values())], lower=-limit)

    def _s2_continuity(self) -> None:
        """S2: per (block, group type, track), distinct leaders during the week beyond one."""
        m = self.m
        families: dict[tuple[str, str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for g in self.groups:
            families[(g.block, g.type, g.track)][g.lead].append(g.open)
        weight = float(self.w["continuity"])
        for by_lead in families.values():
            if len(by_lead) < 2:
                continue
            flags = []
            for opened in by_lead.values():
                flag = m.var(cost=weight)
                flags.append(flag)
                for col in opened:
                    m.row([(col, 1.0), (flag, -1.0)], upper=0)
            runs = m.var(cost=-weight)
            m.row([(runs, 1.0), *((f, -1.0) for f in flags)], upper=0)

    def _s4_load_balance(self) -> None:
        """S4: per role with two or more working clinicians, the highest load in whole percent."""
        m = self.m
        roles: dict[str, list[Therapist]] = defaultdict(list)
        for t in self.sc.therapists:
            if t.max_hours > 0 and self.therapist_available[t.id]:
                roles[t.role].append(t)
        for members in roles.values():
            if len(members) < 2:
                continue
            peak = m.var(upper=100, cost=self.w["load_balance"])
            for t in members:  # minutes <= max_minutes x peak / 100 (scaled for the LP's sake)
                terms = self.therapist_minutes.get(t.id, [])
                m.row([*terms, (peak, -round(t.max_hours * 60) / 100)], upper=0)

    # -- solution -> roster --------------------------------------------------------------

    def sessions(self, values: np.ndarray) -> list[Session]:
        """Open sessions and chosen appointments as roster sessions (leader listed first)."""
        on = values > 0.5
        result = []
        numbered: dict[tuple[str, str, str], int] = defaultdict(int)
        for s, g in enumerate(self.groups):
            if not on[g.open]:
                continue
            numbered[(g.day, g.block, g.type)] += 1
            room = next(r for r, c in self.rooms[s] if on[c])
            result.append(
                Session(
                    id=group_session_id(g.day, g.block, g.type, numbered[(g.day, g.block, g.type)]),
                    kind="group",
                    type=g.type,
                    day=g.day,
                    start=minutes_clock(g.start),
                    end=minutes_clock(g.end),
                    room=room,
                    track=g.track,
                    therapists=(g.lead, *(t for t, c in self.co[s] if on[c])),
                    patients=tuple(sorted(p for p, c in self.seats[s] if on[c])),
                )
            )
        counter: dict[tuple[str, str], int] = defaultdict(int)
        for a, col in self.appointments:
            if not on[col]:
                continue
            counter[(a.patient, a.kind)] += 1
            result.append(
                Session(
                    id=appointment_id(a.patient, a.kind, counter[(a.patient, a.kind)]),
                    kind=a.kind,
                    type=a.kind,
                    day=a.day,
                    start=minutes_clock(a.start),
                    end=minutes_clock(a.end),
                    room=None,
                    track=None,
                    therapists=(a.therapist,),
                    patients=(a.patient,),
                )
            )
        return sorted(result, key=Session.sort_key)


STATUS = {
    highspy.HighsModelStatus.kOptimal: "OPTIMAL",
    highspy.HighsModelStatus.kInfeasible: "INFEASIBLE",
}


def solve_week(scenario: Scenario, options: PeerOptions, emit: Emit) -> PeerOutput:
    """Build the MIP, solve it with HiGHS under the time limit, then its LP relaxation.

    HiGHS's default relative gap tolerance (1e-4) is set to 0 so that OPTIMAL means
    what it means for CP-SAT. The LP relaxation is solved after the MIP, so it does not
    delay the MIP's timeline, with the same time limit.
    """
    started = time.perf_counter()
    formulation = _Formulation(scenario)
    lp = formulation.m.lp()
    h = highspy.Highs()
    h.setOptionValue("output_flag", True)  # MIP logging callbacks need it; nothing reaches the console
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("random_seed", options.seed)
    h.passModel(lp)
    build_time = time.perf_counter() - started

    def improving(event: highspy.cb.HighsCallbackEvent) -> None:
        emit(event.data_out.objective_function_value, _finite(event.data_out.mip_dual_bound))

    def logging(event: highspy.cb.HighsCallbackEvent) -> None:
        emit(_finite(event.data_out.mip_primal_bound), _finite(event.data_out.mip_dual_bound))

    h.cbMipImprovingSolution.subscribe(improving)
    h.cbMipLogging.subscribe(logging)
    h.run()
    info = h.getInfo()
    model_status = h.getModelStatus()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    status = STATUS.get(model_status, "FEASIBLE" if has_solution else "UNKNOWN")
    if model_status == highspy.HighsModelStatus.kModelEmpty:  # nothing can be scheduled at all
        empty_fits = all(lo <= 0 <= hi for lo, hi in zip(lp.row_lower_, lp.row_upper_, strict=True))
        status, has_solution = ("OPTIMAL", True) if empty_fits else ("INFEASIBLE", False)
    objective = info.objective_function_value if has_solution else None
    bound = _finite(info.mip_dual_bound) if status != "INFEASIBLE" else None
    wall = h.getRunTime()
    emit(objective, bound)  # the search's last word, before the LP relaxation runs
    roster = None
    if has_solution:
        values = np.asarray(h.getSolution().col_value)
        solver = SolverInfo(status=status, objective=objective, best_bound=bound, wall_time_s=round(wall, 3))  # type: ignore[arg-type]
        roster = Roster.for_week(scenario, solver, formulation.sessions(values))
    lp_bound, lp_time = _lp_relaxation(lp, options.time_limit)
    return PeerOutput(
        status=status,
        roster=roster,
        solver_objective=objective,
        best_bound=bound,
        build_time_s=build_time,
        lp_bound=lp_bound,
        lp_time_s=lp_time,
        num_variables=lp.num_col_,
        num_constraints=lp.num_row_,
    )


def _lp_relaxation(lp: highspy.HighsLp, time_limit: float) -> tuple[float | None, float]:
    """The optimum of the MIP with integrality dropped: what the formulation alone knows.

    A fresh solver: HiGHS counts its time limit over every run of one instance.
    Interior point with crossover (the default) gives the same optimum as simplex.
    """
    started = time.perf_counter()
    lp.integrality_ = []
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("solver", "ipm")  # several times faster than simplex on these LPs
    h.passModel(lp)
    h.run()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return (h.getInfo().objective_function_value if optimal else None), time.perf_counter() - started


def _finite(value: float) -> float | None:
    """HiGHS reports 'none yet' as ±infinity."""
    return float(value) if abs(value) < INF else None
