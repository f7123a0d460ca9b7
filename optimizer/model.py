"""The CP-SAT model of a week: variables, one function per SPEC rule, the objective.

Formulation in one paragraph. A group session is identified by (day, block, group
type, track, leader): a clinician leads at most one session at a time, so the leader
tells parallel sessions apart and there is no symmetry between identical sessions.
``open[s]`` says session ``s`` runs and ``room[s, c]`` gives it a room of class ``c``
(rooms of equal capacity and use are pooled, and numbered only when the roster is
written). Patients are seated by *family*: ``attend[p, d, b, g]`` says patient ``p``
attends a ``g`` group in block ``b`` of day ``d``, and the seats of each (day, block,
type, track) must lie between ``min_size`` per open session and the sum of the open
sessions' room-limited capacities. Any head count in that range splits into sessions
of legal sizes, so the aggregation is exact, and the model grows with patients, not
with patients x possible leaders. Who sits with which leader is decided when the
roster is written, keeping patients with the leader and cohort of their earlier days
wherever capacity allows. Appointments sit on the grid of their kind inside blocks;
an individual session with a named primary therapist is a personal variable
``appt[p, k, slot, th]``; every other request joins a pool per kind and slot
(``pooled[p, k, slot]``) matched by ``give[th, k, slot]`` from eligible clinicians,
exact because eligibility then depends on the kind alone. Time conflicts (H1) are
linear: for every person and block, the items covering each elementary time segment
sum to at most one.

Every function below adds one family of the SPEC §3 catalogue and says so in its name;
``HARD_RULES`` and ``SOFT_GOALS`` list them in order.

Requirements — a patient's hours (H4) and days (H5), appointments (H8), group-type
counts (H9) and a clinician's hours (H3) — go through ``RosterModel.require``, which
builds them in one of three modes: ``strict`` (hard, the normal case), ``assume``
(each guarded by an assumption literal, so CP-SAT can name a set of requirements that
cannot hold together) and ``relax`` (H4, H5, H8, H9 get slack variables whose weighted
sum is the shortfall penalty of a best-effort roster; H1–H3, H6, H7 stay hard).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ortools.sat.python import cp_model

from .instance import Instance, SessionCandidate, Slot
from .roster import Session
from .scenario import minutes_clock

Var = cp_model.IntVar
LinearTerms = list[tuple[Var, int]]


Mode = Literal["strict", "assume", "relax"]

# Penalty per unit of shortfall in a best-effort roster: hours first, then appointments,
# then curriculum (group types' weekly minimums), then days (README, "When a week cannot
# be rostered"). An hour short outweighs 12 missing appointments, and so on down.
SHORTFALL_WEIGHTS = {"H4": 100, "H8": 500, "H9": 50, "H5": 5}  # H4 per minute, others per unit


@dataclass(frozen=True)
class Requirement:
    """One requirement of the week, as a manager would name it.

    ``subject`` is a patient or clinician index; ``what`` says which requirement of
    theirs (``hours``, ``days``, an appointment kind or a group type id).
    """

    rule: str
    kind: Literal["patient", "therapist"]
    subject: int
    what: str
    low: int
    high: int


@dataclass
class Guard:
    """How a requirement was built: its expression and, by mode, its literal or slacks."""

    requirement: Requirement
    expr: cp_model.LinearExprT
    literal: Var | None = None
    under: Var | None = None
    over: Var | None = None


@dataclass(frozen=True)
class Item:
    """Something occupying a person during [start, end) of one block on one day."""

    var: Var
    start: int
    end: int
    minutes: int  # counted toward weekly hours
    group: bool


class RosterModel:
    """Builds the CP-SAT model of an instance and turns solver values into sessions."""

    def __init__(
        self, instance: Instance, weights: dict[str, int] | None = None, mode: Mode = "strict"
    ) -> None:
        self.inst = instance
        self.mode = mode
        self.guards: list[Guard] = []
        self.sc = instance.scenario
        self.model = cp_model.CpModel()
        self.model.name = self.sc.program.name
        defaults = self.sc.objective.model_dump()
        self.weights: dict[str, int] = {**defaults, **(weights or {})}
        self.candidates: list[SessionCandidate] = instance.session_candidates
        self.open: dict[int, Var] = {}
        self.attend: dict[tuple[int, int, int, int], Var] = {}  # (patient, day, block, type)
        self.room: dict[tuple[int, int], Var] = {}
        self.co: dict[tuple[int, int, int, int, int, int], Var] = {}
        self.appt: dict[tuple[int, int, Slot, int], Var] = {}
        self.pooled: dict[tuple[int, int, Slot], Var] = {}
        self.give: dict[tuple[int, int, Slot], Var] = {}
        self.terms: dict[str, cp_model.LinearExprT] = {}
        self._make_group_variables()
        self._make_appointment_variables()
        self._index_items()
        for _, rule in HARD_RULES:
            rule(self)
        for name, goal in SOFT_GOALS:
            if mode != "assume":  # a conflict search asks only whether the rules can hold
                self.terms[name] = goal(self)
        self.objective = sum(
            self.weights[name] * term for name, term in self.terms.items() if self.weights[name]
        )
        self.penalty = sum(
            SHORTFALL_WEIGHTS[g.requirement.rule] * (g.under + g.over)
            for g in self.guards
            if g.under is not None and g.over is not None
        )
        if mode == "relax":
            self.model.minimize(self.penalty)  # then the objective, with the penalty fixed (solve.py)
        elif mode == "strict":
            self.model.minimize(self.objective)

    # -- variables ----------------------------------------------------------------------

    def _name(self, kind: str, *parts: object) -> str:
        return f"{kind}[{','.join(str(p) for p in parts)}]"

    def _session_label(self, c: SessionCandidate) -> tuple[str, ...]:
        inst = self.inst
        return (
            inst.days[c.day], inst.blocks[c.block], self.sc.group_types[c.group_type].id,
            inst.tracks[c.track], self.sc.therapists[c.lead].id,
        )  # fmt: skip

    def _make_group_variables(self) -> None:
        """open, room, attend and co-staff variables, made only where H2/H6/H7 allow."""
        inst = self.inst
        new = self.model.new_bool_var
        for index, c in enumerate(self.candidates):
            label = self._session_label(c)
            self.open[index] = new(self._name("open", *label))
            classes = inst.room_classes_for(c.group_type)
            if len(classes) == 1:
                self.room[(index, classes[0])] = self.open[index]
            else:
                for cls in classes:
                    self.room[(index, cls)] = new(self._name("room", *label, f"class{cls}"))
        for d, b, g, t in self.families:
            type_id = self.sc.group_types[g].id
            for p in inst.attendable_periods[(g, t, d, b)]:
                where = (self.sc.patients[p].id, inst.days[d], inst.blocks[b], type_id)
                self.attend[(p, d, b, g)] = new(self._name("attend", *where))
            for role, (qualification, _) in enumerate(inst.co_roles(g)):
                for th in range(len(self.sc.therapists)):
                    if (d, b) in inst.therapist_periods[th] and inst.holds(th, qualification):
                        label = (
                            self.sc.therapists[th].id,
                            inst.days[d],
                            inst.blocks[b],
                            type_id,
                            inst.tracks[t],
                            f"role{role}",
                        )
                        self.co[(th, d, b, g, t, role)] = new(self._name("co", *label))

    def _make_appointment_variables(self) -> None:
        """Personal and pooled appointment variables on each kind's grid (H2, H7 domains)."""
        inst = self.inst
        new = self.model.new_bool_var
        pooled_slots: set[tuple[int, Slot]] = set()
        for p, info in enumerate(inst.patients):
            pid = self.sc.patients[p].id
            for k in info.appointments:
                givers = inst.appointment_givers(p, k)
                for d, b in sorted(info.periods):
                    for slot in inst.slots(k, d, b):
                        where = (pid, inst.kinds[k], inst.days[d], inst.blocks[b], minutes_clock(slot.start))
                        if givers is None:
                            self.pooled[(p, k, slot)] = new(self._name("pooled", *where))
                            pooled_slots.add((k, slot))
                            continue
                        for th in givers:
                            if (d, b) in inst.therapist_periods[th] and inst.can_give(th, k):
                                name = self._name("appt", *where, self.sc.therapists[th].id)
                                self.appt[(p, k, slot, th)] = new(name)
        for k, slot in sorted(pooled_slots, key=lambda ks: (ks[0], ks[1].day, ks[1].block, ks[1].index)):
            for th in inst.kind_pool[k]:
                if (slot.day, slot.block) in inst.therapist_periods[th]:
                    name = self._name(
                        "give",
                        self.sc.therapists[th].id,
                        inst.kinds[k],
                        inst.days[slot.day],
                        inst.blocks[slot.block],
                        minutes_clock(slot.start),
                    )
                    self.give[(th, k, slot)] = new(name)

    @cached_property
    def families(self) -> dict[tuple[int, int, int, int], list[int]]:
        """(day, block, group type, track) -> its candidate sessions, one per possible leader."""
        groups: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
        for index, c in enumerate(self.candidates):
            groups[(c.day, c.block, c.group_type, c.track)].append(index)
        return dict(groups)

    def _index_items(self) -> None:
        """What occupies each patient and clinician, per (person, day, block)."""
        inst = self.inst
        self.patient_items: dict[tuple[int, int, int], list[Item]] = defaultdict(list)
        self.therapist_items: dict[tuple[int, int, int], list[Item]] = defaultdict(list)
        self.seats: dict[tuple[int, int, int, int], list[Var]] = defaultdict(list)
        for (p, d, b, g), var in self.attend.items():
            duration = inst.group_durations[g][b] or 0
            start = inst.block_start[b]
            self.patient_items[(p, d, b)].append(Item(var, start, start + duration, duration, True))
            self.seats[(d, b, g, inst.patient_track[p])].append(var)
        for s, var in self.open.items():
            c = self.candidates[s]
            start = inst.block_start[c.block]
            self.therapist_items[(c.lead, c.day, c.block)].append(
                Item(var, start, start + c.duration, c.duration, True)
            )
        for (th, d, b, g, _t, _role), var in self.co.items():
            duration = inst.group_durations[g][b] or 0
            start = inst.block_start[b]
            self.therapist_items[(th, d, b)].append(Item(var, start, start + duration, duration, True))
        counts = [self.sc.appointments[k].counts_toward_hours for k in inst.kinds]
        for (p, k, slot, th), var in self.appt.items():
            minutes = slot.end - slot.start
            self.patient_items[(p, slot.day, slot.block)].append(
                Item(var, slot.start, slot.end, minutes if counts[k] else 0, False)
            )
            self.therapist_items[(th, slot.day, slot.block)].append(
                Item(var, slot.start, slot.end, minutes, False)
            )
        for (p, k, slot), var in self.pooled.items():
            minutes = slot.end - slot.start
            self.patient_items[(p, slot.day, slot.block)].append(
                Item(var, slot.start, slot.end, minutes if counts[k] else 0, False)
            )
        for (th, _k, slot), var in self.give.items():
            minutes = slot.end - slot.start
            self.therapist_items[(th, slot.day, slot.block)].append(
                Item(var, slot.start, slot.end, minutes, False)
            )
        self.patient_days: dict[int, dict[int, list[list[Item]]]] = defaultdict(lambda: defaultdict(list))
        for (p, d, _b), items in sorted(self.patient_items.items()):
            self.patient_days[p][d].append(items)
        self.room_by_session: dict[int, list[tuple[int, Var]]] = defaultdict(list)
        for (s, cls), var in self.room.items():
            self.room_by_session[s].append((cls, var))
        self.co_by_role: dict[tuple[int, int, int, int, int], list[tuple[int, Var]]] = defaultdict(list)
        for (th, d, b, g, t, role), var in self.co.items():
            self.co_by_role[(d, b, g, t, role)].append((th, var))

    # -- helpers ------------------------------------------------------------------------

    def add_between(self, terms: Iterable[Var] | LinearTerms, low: int, high: int) -> None:
        """Low <= sum(terms) <= high, also for an empty sum (which is 0)."""
        self.model.add_linear_constraint(_linear(list(terms)), low, high)

    def require(self, requirement: Requirement, terms: Iterable[Var] | LinearTerms) -> None:
        """Add low <= sum(terms) <= high as this model's mode says (see the module docstring)."""
        items = list(terms)
        expr = _linear(items)
        guard = Guard(requirement, expr)
        low, high = requirement.low, requirement.high
        relaxable = requirement.rule != "H3"  # a best-effort roster never overworks a clinician
        if self.mode == "assume":
            guard.literal = self.model.new_bool_var(self._name("assume", *self.describe(requirement)))
            self.model.add_linear_constraint(expr, low, high).only_enforce_if(guard.literal)
        elif self.mode == "relax" and relaxable:
            label = self.describe(requirement)
            guard.under = self.model.new_int_var(0, max(low, 0), self._name("short", *label))
            guard.over = self.model.new_int_var(
                0, max(0, self._upper(items) - high), self._name("excess", *label)
            )
            self.model.add(expr + guard.under >= low)
            self.model.add(expr - guard.over <= high)
        else:
            self.model.add_linear_constraint(expr, low, high)
        self.guards.append(guard)

    @staticmethod
    def _upper(items: list[Var] | LinearTerms) -> int:
        """The largest value a sum of 0/1 terms can take."""
        return sum(w for _, w in items) if items and isinstance(items[0], tuple) else len(items)

    def describe(self, requirement: Requirement) -> tuple[str, str, str]:
        """(rule, person id, what) of a requirement, for names and messages."""
        people = self.sc.patients if requirement.kind == "patient" else self.sc.therapists
        return (requirement.rule, people[requirement.subject].id, requirement.what)

    def minutes(self, items: Iterable[Item]) -> LinearTerms:
        """Weighted terms giving the minutes the items count toward hours."""
        return [(item.var, item.minutes) for item in items if item.minutes]

    def patient_minutes(self, p: int) -> LinearTerms:
        """Terms of a patient's counted weekly minutes (H4)."""
        return [
            t for blocks in self.patient_days[p].values() for items in blocks for t in self.minutes(items)
        ]

    def therapist_minutes(self) -> dict[int, LinearTerms]:
        """Terms of each clinician's weekly minutes (H3, S4)."""
        result: dict[int, LinearTerms] = defaultdict(list)
        for (th, _, _), items in self.therapist_items.items():
            result[th].extend(self.minutes(items))
        return result

    # -- extraction ---------------------------------------------------------------------

    def extract(self, value: Callable[[Var], int]) -> list[Session]:
        """The sessions of a solution, as plain roster objects (no solver types leak out)."""
        return _Extractor(self, value).sessions()


def _linear(items: list[Var] | LinearTerms) -> cp_model.LinearExprT:
    """A sum of variables, or of (variable, weight) pairs; 0 when empty."""
    if items and isinstance(items[0], tuple):
        return cp_model.LinearExpr.weighted_sum([v for v, _ in items], [w for _, w in items])
    return cp_model.LinearExpr.sum(items)


def _no_overlap(model: cp_model.CpModel, items: Sequence[Item]) -> None:
    """At most one of ``items`` covers any instant: one clique per maximal segment set."""
    if len(items) < 2:
        return
    points = sorted({i.start for i in items} | {i.end for i in items})
    cliques: list[frozenset[int]] = []
    for lo, hi in itertools.pairwise(points):
        covering = frozenset(n for n, i in enumerate(items) if i.start <= lo and hi <= i.end)
        if len(covering) >= 2:
            cliques.append(covering)
    maximal = [c for c in set(cliques) if not any(c < other for other in cliques)]
    for clique in sorted(maximal, key=sorted):
        model.add_at_most_one(items[n].var for n in sorted(clique))


# -- hard rules (SPEC §3) -------------------------------------------------------------


def H1_no_double_booking(m: RosterModel) -> None:
    """No person and no room is in two sessions at once.

    For each person and block: sum of items covering each time segment <= 1.
    Rooms: for each (day, block, room class), sessions using the class <= its rooms
    (all groups start at the block start, so sessions in one block always overlap).
    """
    for items in m.patient_items.values():
        _no_overlap(m.model, items)
    for items in m.therapist_items.values():
        _no_overlap(m.model, items)
    per_class: dict[tuple[int, int, int], list[Var]] = defaultdict(list)
    for (s, cls), var in m.room.items():
        c = m.candidates[s]
        per_class[(c.day, c.block, cls)].append(var)
    for (_, _, cls), variables in per_class.items():
        rooms = len(m.inst.room_classes[cls][2])
        if len(variables) > rooms:
            m.add_between(variables, 0, rooms)


def H2_within_availability(m: RosterModel) -> None:
    """Every session lies inside the available blocks of everyone in it.

    Enforced by the variables' domains: ``Instance`` makes no session, seat or
    appointment variable outside a person's availability, so nothing is added here.
    """


def H3_therapist_hours(m: RosterModel) -> None:
    """Each clinician's weekly minutes (groups led or co-led, appointments) <= max_hours."""
    for th, terms in m.therapist_minutes().items():
        cap = m.inst.therapist_max_minutes[th]
        m.require(Requirement("H3", "therapist", th, "hours", 0, cap), terms)


def H4_patient_hours(m: RosterModel) -> None:
    """Each patient's counted minutes lie within their level's [min_hours, max_hours]."""
    for p, info in enumerate(m.inst.patients):
        requirement = Requirement("H4", "patient", p, "hours", info.min_minutes, info.max_minutes)
        m.require(requirement, m.patient_minutes(p))


def H5_days(m: RosterModel) -> None:
    """min_days <= attended days <= max_days; at most max_blocks_per_day group blocks a day.

    ``day[p, d]`` is 1 exactly when the patient has any session on day d: each
    appointment and each block's group seat implies it, and it needs one of them.
    """
    for p, info in enumerate(m.inst.patients):
        day_vars = []
        for d, blocks in sorted(m.patient_days[p].items()):
            day = m.model.new_bool_var(m._name("day", m.sc.patients[p].id, m.inst.days[d]))
            day_vars.append(day)
            group_blocks: list[list[Var]] = []
            for items in blocks:
                groups = [i.var for i in items if i.group]
                if groups:
                    m.model.add(sum(groups) <= day)
                    group_blocks.append(groups)
                for item in items:
                    if not item.group:
                        m.model.add_implication(item.var, day)
            m.model.add(sum(i.var for items in blocks for i in items) >= day)
            if len(group_blocks) > info.max_blocks_per_day:
                m.add_between([v for g in group_blocks for v in g], 0, info.max_blocks_per_day)
        m.require(Requirement("H5", "patient", p, "days", info.min_days, info.max_days), day_vars)


def H6_group_size(m: RosterModel) -> None:
    """Sessions seat min_size..max_size patients of their track, in rooms that hold them.

    Per (day, block, type, track): min_size x sessions open <= seats taken <= the sum
    of each open session's capacity, min(max_size, its room's capacity). Any head
    count in that range splits into sessions of legal sizes (every usable room class
    seats at least min_size), so this is exact. Tracks never mix: seats are per track.
    """
    inst = m.inst
    for family, sessions in m.families.items():
        gt = m.sc.group_types[family[2]]
        seats = sum(m.seats.get(family, []))
        capacity = []
        for s in sessions:
            rooms = m.room_by_session[s]
            if len(rooms) > 1:
                m.model.add(sum(var for _, var in rooms) == m.open[s])
            capacity.extend(min(gt.max_size, inst.room_classes[cls][0]) * var for cls, var in rooms)
        m.model.add(seats <= sum(capacity))
        m.model.add(seats >= gt.min_size * sum(m.open[s] for s in sessions))


def H7_staffing(m: RosterModel) -> None:
    """Sessions staffed as their type requires; appointments with an eligible clinician.

    The leader is part of the session's identity (qualified by construction). Extra
    roles: for each (day, block, type, track) and role, the clinicians taking it number
    ``count x sessions open``; H1 keeps each clinician to one role at a time, so the
    roles can be dealt out to the sessions with distinct staff in each. Pooled
    appointments: each slot has as many eligible givers as patients booked.
    """
    for (d, b, g, t), sessions in m.families.items():
        for role, (_, count) in enumerate(m.inst.co_roles(g)):
            takers = [var for _, var in m.co_by_role.get((d, b, g, t, role), [])]
            m.model.add(sum(takers) == count * sum(m.open[s] for s in sessions))
    booked: dict[tuple[int, Slot], list[Var]] = defaultdict(list)
    for (_, k, slot), var in m.pooled.items():
        booked[(k, slot)].append(var)
    givers: dict[tuple[int, Slot], list[Var]] = defaultdict(list)
    for (_, k, slot), var in m.give.items():
        givers[(k, slot)].append(var)
    for key in booked.keys() | givers.keys():
        m.model.add(sum(booked.get(key, [])) == sum(givers.get(key, [])))


def H8_appointments(m: RosterModel) -> None:
    """Each patient gets exactly the appointments of each kind their plan names."""
    chosen: dict[tuple[int, int], list[Var]] = defaultdict(list)
    for (p, k, _, _), var in m.appt.items():
        chosen[(p, k)].append(var)
    for (p, k, _), var in m.pooled.items():
        chosen[(p, k)].append(var)
    for p, info in enumerate(m.inst.patients):
        for k, count in info.appointments.items():
            requirement = Requirement("H8", "patient", p, m.inst.kinds[k], count, count)
            m.require(requirement, chosen.get((p, k), []))


def H9_group_attendance(m: RosterModel) -> None:
    """Each group type attended within per_patient_week bounds, at most once a day."""
    per_type: dict[tuple[int, int], list[Var]] = defaultdict(list)
    per_day: dict[tuple[int, int, int], list[Var]] = defaultdict(list)
    for (p, d, _b, g), var in m.attend.items():
        per_type[(p, g)].append(var)
        per_day[(p, g, d)].append(var)
    for p in range(len(m.sc.patients)):
        track = m.inst.patient_track[p]
        for g, gt in enumerate(m.sc.group_types):
            variables = per_type.get((p, g), [])
            low = gt.per_patient_week.min if track in m.inst.group_tracks[g] else 0
            if low or len(variables) > gt.per_patient_week.max:
                m.require(Requirement("H9", "patient", p, gt.id, low, gt.per_patient_week.max), variables)
    for variables in per_day.values():
        if len(variables) > 1:
            m.add_between(variables, 0, 1)


# -- soft goals (SPEC §3), each returns its unweighted term ---------------------------


def S1_block_consistency(m: RosterModel) -> cp_model.LinearExprT:
    """Per patient: distinct group blocks used beyond max_blocks_per_day (0 = same block daily)."""
    used: dict[tuple[int, int], list[list[Var]]] = defaultdict(list)
    for (p, _d, b), items in m.patient_items.items():
        groups = [i.var for i in items if i.group]
        if groups:
            used[(p, b)].append(groups)
    blocks_of: dict[int, list[int]] = defaultdict(list)
    for p, b in used:
        blocks_of[p].append(b)
    excess = []
    for p, blocks in blocks_of.items():
        limit = m.inst.patients[p].max_blocks_per_day
        if len(blocks) <= limit:
            continue
        pid = m.sc.patients[p].id
        flags = []
        for b in sorted(blocks):
            flag = m.model.new_bool_var(m._name("uses_block", pid, m.inst.blocks[b]))
            for groups in used[(p, b)]:
                m.model.add(sum(groups) <= flag)
            flags.append(flag)
        extra = m.model.new_int_var(0, len(blocks) - limit, m._name("extra_blocks", pid))
        m.model.add(extra >= sum(flags) - limit)
        excess.append(extra)
    return sum(excess)


def S2_continuity(m: RosterModel) -> cp_model.LinearExprT:
    """Per (block, group type, track): distinct clinicians leading it in the week, beyond one.

    A family led by the same clinician all week lets its patients keep their leader
    and their cohort; the roster then seats each patient with the leader and cohort
    of their earlier days wherever capacity allows (see ``_Extractor.seat``).
    """
    leads: dict[tuple[int, int, int], dict[int, list[Var]]] = defaultdict(lambda: defaultdict(list))
    for s, c in enumerate(m.candidates):
        leads[(c.block, c.group_type, c.track)][c.lead].append(m.open[s])
    parts = []
    for (b, g, t), by_lead in sorted(leads.items()):
        if len(by_lead) < 2:
            continue
        family = (m.inst.blocks[b], m.sc.group_types[g].id, m.inst.tracks[t])
        flags = []
        for lead, opened in sorted(by_lead.items()):
            flag = m.model.new_bool_var(m._name("leads", m.sc.therapists[lead].id, *family))
            for var in opened:
                m.model.add_implication(var, flag)
            flags.append(flag)
        runs = m.model.new_bool_var(m._name("runs", *family))
        m.model.add(runs <= sum(flags))
        parts.append(sum(flags) - runs)
    return sum(parts)


def S3_sessions(m: RosterModel) -> cp_model.LinearExprT:
    """Group sessions opened (staff time); fewer sessions means fuller groups."""
    return sum(m.open.values())


def S4_load_balance(m: RosterModel) -> cp_model.LinearExprT:
    """Per role: the busiest clinician's load, in whole percent of their max_hours.

    ``peak >= ceil(100 x minutes / max)`` for every clinician of the role (with a max
    above zero and any availability). Pushing the peak down spreads work in proportion
    to each clinician's max_hours, i.e. towards their share; its LP bound is the
    role's average load, so the term does not blind the solver's bound.
    """
    minutes = m.therapist_minutes()
    pools: dict[str, list[int]] = defaultdict(list)
    for th, t in enumerate(m.sc.therapists):
        if m.inst.therapist_max_minutes[th] > 0 and m.inst.therapist_periods[th]:
            pools[t.role].append(th)
    peaks = []
    for role, members in sorted(pools.items()):
        if len(members) < 2:
            continue
        # Not capped at 100: H3 alone limits hours, so that relaxing it (conflict search) frees them.
        peak = m.model.new_int_var(0, 100 * 168, m._name("load_peak", role))
        for th in members:
            cap = m.inst.therapist_max_minutes[th]
            load = sum(w * v for v, w in minutes.get(th, []))
            m.model.add(100 * load <= cap * peak)
        peaks.append(peak)
    return sum(peaks)


def S5_preferences(m: RosterModel) -> cp_model.LinearExprT:
    """Sessions and appointments a patient has outside their preferred blocks."""
    outside = []
    for (p, _d, b), items in m.patient_items.items():
        preferred = m.inst.patients[p].preferred_blocks
        if preferred is not None and b not in preferred:
            outside.extend(i.var for i in items)
    return sum(outside)


HARD_RULES: list[tuple[str, Callable[[RosterModel], None]]] = [
    ("H1", H1_no_double_booking),
    ("H2", H2_within_availability),
    ("H3", H3_therapist_hours),
    ("H4", H4_patient_hours),
    ("H5", H5_days),
    ("H6", H6_group_size),
    ("H7", H7_staffing),
    ("H8", H8_appointments),
    ("H9", H9_group_attendance),
]

SOFT_GOALS: list[tuple[str, Callable[[RosterModel], cp_model.LinearExprT]]] = [
    ("block_consistency", S1_block_consistency),
    ("continuity", S2_continuity),
    ("sessions", S3_sessions),
    ("load_balance", S4_load_balance),
    ("preferences", S5_preferences),
]


class _Extractor:
    """Reads a solution into sessions.

    Numbers parallel sessions and deals out rooms, co-facilitators and pooled
    appointment givers, deterministically.
    """

    def __init__(self, m: RosterModel, value: Callable[[Var], int]) -> None:
        self.m = m
        self.value = value

    def on(self, var: Var) -> bool:
        return self.value(var) > 0

    def sessions(self) -> list[Session]:
        return [*self.groups(), *self.appointments()]

    def groups(self) -> list[Session]:
        m, inst, sc = self.m, self.m.inst, self.m.sc
        opened = {
            family: [s for s in sessions if self.on(m.open[s])] for family, sessions in m.families.items()
        }
        staff: dict[int, list[str]] = {
            s: [sc.therapists[m.candidates[s].lead].id] for sessions in opened.values() for s in sessions
        }
        for (d, b, g, t, role), takers in sorted(m.co_by_role.items()):
            count = inst.co_roles(g)[role][1]
            chosen = sorted(sc.therapists[th].id for th, var in takers if self.on(var))
            for n, s in enumerate(opened.get((d, b, g, t), [])):
                staff[s].extend(chosen[n * count : (n + 1) * count])
        rooms: dict[int, str] = {}
        capacity: dict[int, int] = {}
        used: dict[tuple[int, int, int], int] = defaultdict(int)
        for (d, b, g, _t), sessions in sorted(opened.items()):
            for s in sessions:
                cls = next(cls for cls, var in m.room_by_session[s] if self.on(var))
                cap, _, class_rooms = inst.room_classes[cls]
                rooms[s] = sc.rooms[class_rooms[used[(d, b, cls)]]].id
                used[(d, b, cls)] += 1
                capacity[s] = min(cap, sc.group_types[g].max_size)
        attendees: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
        for (p, d, b, g), var in m.attend.items():
            if self.on(var):
                attendees[(d, b, g, inst.patient_track[p])].append(p)
        last_lead: dict[tuple[int, int], int] = {}
        last_mates: dict[tuple[int, int], set[int]] = {}
        seated: dict[int, list[int]] = {}
        for d, b, g, t in sorted(opened, key=lambda f: (f[2], f[3], f[0], f[1])):
            sessions = opened[(d, b, g, t)]
            if not sessions:
                continue
            leads = {s: m.candidates[s].lead for s in sessions}
            history = {p: last_lead[(p, g)] for p in attendees[(d, b, g, t)] if (p, g) in last_lead}
            mates = {p: last_mates.get((p, g), set()) for p in attendees[(d, b, g, t)]}
            seating = _seat(
                attendees[(d, b, g, t)], leads, capacity, sc.group_types[g].min_size, history, mates
            )
            for s, members in seating.items():
                seated[s] = members
                for p in members:
                    last_lead[(p, g)] = leads[s]
                    last_mates[(p, g)] = set(members) - {p}
        numbered: dict[tuple[int, int, int], int] = defaultdict(int)
        result = []
        ordered = sorted(
            (s for sessions in opened.values() for s in sessions),
            key=lambda s: (*astuple_key(m.candidates[s]), sc.therapists[m.candidates[s].lead].id),
        )
        for s in ordered:
            c = m.candidates[s]
            numbered[(c.day, c.block, c.group_type)] += 1
            day, block, type_id = inst.days[c.day], inst.blocks[c.block], sc.group_types[c.group_type].id
            start = inst.block_start[c.block]
            result.append(
                Session(
                    id=f"G-{day}-{block}-{type_id}-{numbered[(c.day, c.block, c.group_type)]}",
                    kind="group",
                    type=type_id,
                    day=day,
                    start=minutes_clock(start),
                    end=minutes_clock(start + c.duration),
                    room=rooms[s],
                    track=inst.tracks[c.track],
                    therapists=tuple(staff[s]),
                    patients=tuple(sorted(sc.patients[p].id for p in seated[s])),
                )
            )
        return result

    def appointments(self) -> list[Session]:
        m, inst, sc = self.m, self.m.inst, self.m.sc
        booked: list[tuple[Slot, int, int, int]] = []  # (slot, kind, patient, therapist)
        for (p, k, slot, th), var in m.appt.items():
            if self.on(var):
                booked.append((slot, k, p, th))
        waiting: dict[tuple[int, Slot], list[int]] = defaultdict(list)
        for (p, k, slot), var in m.pooled.items():
            if self.on(var):
                waiting[(k, slot)].append(p)
        free: dict[tuple[int, Slot], list[int]] = defaultdict(list)
        for (th, k, slot), var in m.give.items():
            if self.on(var):
                free[(k, slot)].append(th)
        seen: dict[int, set[int]] = defaultdict(set)
        for _, _, p, th in booked:
            seen[p].add(th)
        chronological = sorted(waiting, key=lambda ks: (ks[1].day, ks[1].start, ks[0]))
        for key in chronological:
            givers = sorted(free[key])
            for p in sorted(waiting[key]):
                th = next((g for g in givers if g in seen[p]), givers[0])
                givers.remove(th)
                seen[p].add(th)
                booked.append((key[1], key[0], p, th))
        counter: dict[tuple[int, int], int] = defaultdict(int)
        result = []
        for slot, k, p, th in sorted(booked, key=lambda e: (e[2], e[1], e[0].day, e[0].start)):
            counter[(p, k)] += 1
            pid, kind = sc.patients[p].id, inst.kinds[k]
            result.append(
                Session(
                    id=f"A-{pid}-{kind}-{counter[(p, k)]}",
                    kind=kind,
                    type=kind,
                    day=inst.days[slot.day],
                    start=minutes_clock(slot.start),
                    end=minutes_clock(slot.end),
                    room=None,
                    track=None,
                    therapists=(sc.therapists[th].id,),
                    patients=(pid,),
                )
            )
        return result


def astuple_key(c: SessionCandidate) -> tuple[int, int, int, int]:
    """Order of sessions within a roster: day, block, group type, track."""
    return (c.day, c.block, c.group_type, c.track)


def _seat(
    patients: list[int],
    leads: dict[int, int],
    capacity: dict[int, int],
    min_size: int,
    history: dict[int, int],
    mates: dict[int, set[int]],
) -> dict[int, list[int]]:
    """Split one family's attendees over its open sessions, keeping leaders and cohorts.

    Each patient first goes back to the leader they had last time for this group type,
    then to the session holding most of their previous cohort; sessions left under
    ``min_size`` take patients from the fullest ones. The model guarantees that
    ``min_size x sessions <= len(patients) <= total capacity``, so this always succeeds.
    """
    groups: dict[int, list[int]] = {s: [] for s in sorted(leads)}
    by_lead = {lead: s for s, lead in leads.items()}
    rest = []
    for p in sorted(patients):
        s = by_lead.get(history.get(p, -1))
        if s is not None and len(groups[s]) < capacity[s]:
            groups[s].append(p)
        else:
            rest.append(p)
    for p in rest:
        open_seats = [s for s in groups if len(groups[s]) < capacity[s]]
        best = max(
            open_seats,
            key=lambda s: (len(mates.get(p, set()) & set(groups[s])), capacity[s] - len(groups[s]), -s),
        )
        groups[best].append(p)
    while short := [s for s in groups if len(groups[s]) < min_size]:
        donor = max((s for s in groups if len(groups[s]) > min_size), key=lambda s: (len(groups[s]), -s))
        mover = min(groups[donor], key=lambda p: (history.get(p) == leads[donor], p))
        groups[donor].remove(mover)
        groups[short[0]].append(mover)
    return groups
