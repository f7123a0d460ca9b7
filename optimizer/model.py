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

Appointments by block. Where it loses no roster (``Instance.slots_needed`` says when),
the grid is left out: ``appt``, ``pooled`` and ``give`` say how many appointments a
person has in a block, a group fills its block, and a block holds as many appointments
per person as its units allow. The times are dealt out when the roster is written
(``appointment_times``: an edge colouring, which König's theorem says always exists
then). The model loses a third of its variables and the slot permutations of every
block, which the search would otherwise try one by one.

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

from .appointment_times import place_in_block
from .instance import Instance, SessionCandidate, Slot
from .roster import Roster, Session, appointment_id, group_session_id
from .scenario import Lock, LockedSession, clock_minutes, minutes_clock
from .strengthen import STRENGTHENINGS, strengthen

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
    kind: Literal["patient", "therapist", "lock"]
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
    minutes: int  # counted toward weekly hours, per unit of ``var``
    group: bool
    most: int = 1  # the largest value of ``var``: 1, or a count of appointments placed by block


class RosterModel:
    """Builds the CP-SAT model of an instance and turns solver values into sessions."""

    def __init__(
        self,
        instance: Instance,
        weights: dict[str, int] | None = None,
        mode: Mode = "strict",
        improvements: tuple[str, ...] = STRENGTHENINGS,
        appointments_by_block: bool = True,
    ) -> None:
        self.inst = instance
        self.mode = mode
        # Appointments per block, their times dealt out when the roster is written, where
        # that loses no roster (Instance.slots_needed); otherwise on their grid slots.
        self.by_block = appointments_by_block and instance.slots_needed is None
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
        self.counts: dict[int, int] = {}  # variable index -> largest count, for variables not 0/1
        # seat[p, d, b, g, lead]: patient p sits in ``lead``'s session of that family. Made
        # only where it matters: to stay with last week's leader (S6) or to honour a lock
        # that names a leader or forbids one (H10).
        self.seat: dict[tuple[int, int, int, int, int], Var] = {}
        self.room_locks: list[tuple[list[int], int, int]] = []  # (sessions, room class, room) from H10
        self.terms: dict[str, cp_model.LinearExprT] = {}
        self.load_peaks: dict[str, tuple[cp_model.IntVar, list[int]]] = {}  # role -> (S4 peak, clinicians)
        # The model's constraints each hard rule added, by rule id: the LP bound leaves some out (solve.py).
        self.rule_rows: dict[str, range] = {}
        self._make_group_variables()
        self._make_seat_variables()
        self._make_appointment_variables()
        self._index_items()
        for name, rule in HARD_RULES:
            first = len(self.model.proto.constraints)
            rule(self)
            self.rule_rows[name] = range(first, len(self.model.proto.constraints))
        if mode == "strict":  # valid only when every requirement holds
            strengthen(self, improvements)
        for name, goal in SOFT_GOALS:
            if mode != "assume":  # a conflict search asks only whether the rules can hold
                self.terms[name] = goal(self)
        if mode == "strict":
            strengthen(self, improvements, goals=True)
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
        """Personal and pooled appointment variables, per grid slot or per block (H2, H7 domains)."""
        inst = self.inst
        pooled_slots: set[tuple[int, Slot]] = set()
        for p, info in enumerate(inst.patients):
            pid = self.sc.patients[p].id
            for k in sorted(set(info.appointments) | self._locked_kinds(p)):
                personal, pooled = inst.appointment_givers(p, k)
                for d, b in sorted(info.periods):
                    for slot in self.windows(k, d, b):
                        where = (pid, inst.kinds[k], inst.days[d], inst.blocks[b], self._when(slot))
                        needed = info.appointments.get(k, 1)
                        if pooled:
                            name = self._name("pooled", *where)
                            self.pooled[(p, k, slot)] = self._appointment_var(k, b, name, needed)
                            pooled_slots.add((k, slot))
                        for th in personal:
                            if (d, b) in inst.therapist_periods[th] and inst.can_give(th, k):
                                name = self._name("appt", *where, self.sc.therapists[th].id)
                                self.appt[(p, k, slot, th)] = self._appointment_var(k, b, name, needed)
        for k, slot in sorted(pooled_slots, key=lambda ks: (ks[0], ks[1].day, ks[1].block, ks[1].index)):
            for th in inst.kind_pool[k]:
                if (slot.day, slot.block) in inst.therapist_periods[th]:
                    name = self._name(
                        "give",
                        self.sc.therapists[th].id,
                        inst.kinds[k],
                        inst.days[slot.day],
                        inst.blocks[slot.block],
                        self._when(slot),
                    )
                    self.give[(th, k, slot)] = self._appointment_var(k, slot.block, name)

    def windows(self, kind: int, day: int, block: int) -> Sequence[Slot]:
        """Where an appointment of ``kind`` may go in (day, block): grid slots, or the block.

        By block, one window covers the whole block (none if the kind does not fit in it).
        """
        slots = self.inst.slots(kind, day, block)
        if self.by_block and slots:
            return [Slot(day, block, 0, self.inst.block_start[block], self.inst.block_end[block])]
        return slots

    def _appointment_var(self, kind: int, block: int, name: str, needed: int | None = None) -> Var:
        """A 0/1 variable on the grid; by block, a count of appointments.

        By block a clinician gives up to the kind's slots in the block there, and a
        patient no more than they ``needed``.
        """
        most = len(self.inst.slots(kind, 0, block)) if self.by_block else 1
        if needed is not None:
            most = min(most, needed)
        if most <= 1:
            return self.model.new_bool_var(name)
        var = self.model.new_int_var(0, most, name)
        self.counts[var.index] = most
        return var

    def _when(self, slot: Slot) -> str:
        """A slot's start time for variable names, or 'block' for a whole block."""
        return "block" if self.by_block else minutes_clock(slot.start)

    @cached_property
    def session_of(self) -> dict[tuple[int, int, int, int, int], int]:
        """(day, block, group type, track, leader) -> candidate session index."""
        return {(c.day, c.block, c.group_type, c.track, c.lead): s for s, c in enumerate(self.candidates)}

    def _make_seat_variables(self) -> None:
        """Seats with a named leader, where last week's leader or a lock asks for one."""
        inst, sc = self.inst, self.sc
        wanted: dict[tuple[int, int, int, int], set[int]] = defaultdict(set)
        previous = inst.previous
        for p, d, b, g in self.attend:
            if previous is not None:
                wanted[(p, d, b, g)] |= previous.leaders_to_keep(p, d, b, g) or frozenset()
            forbidden = inst.forbidden_therapists.get(p, set()) | self._forbidden_leaders(p, d, b, g)
            if forbidden:
                family = (d, b, g, inst.patient_track[p])
                leads = {self.candidates[s].lead for s in self.families.get(family, [])}
                if leads & forbidden:  # then the patient must be seated with someone else
                    wanted[(p, d, b, g)] |= leads - forbidden
        for lock in sc.locked:
            if lock.patient is not None and lock.session is not None and lock.session.leader is not None:
                key = self._lock_family(lock.session, self._patient_index[lock.patient])
                if key is not None and key in self.attend:
                    wanted[key].add(self._therapist_index[lock.session.leader])
        for (p, d, b, g), leads in sorted(wanted.items()):
            t = inst.patient_track[p]
            for lead in sorted(leads):
                if (d, b, g, t, lead) in self.session_of:
                    where = (
                        sc.patients[p].id,
                        inst.days[d],
                        inst.blocks[b],
                        sc.group_types[g].id,
                        sc.therapists[lead].id,
                    )
                    self.seat[(p, d, b, g, lead)] = self.model.new_bool_var(self._name("seat", *where))

    @cached_property
    def _patient_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.sc.patients)}

    @cached_property
    def _therapist_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.sc.therapists)}

    def _lock_family(self, session: LockedSession, patient: int) -> tuple[int, int, int, int] | None:
        """(patient, day, block, type) a patient lock names, or None if it is not on this week's grid."""
        inst = self.inst
        if session.day not in inst.days or session.block not in inst.blocks:
            return None
        types = {g.id: i for i, g in enumerate(self.sc.group_types)}
        return (patient, inst.days.index(session.day), inst.blocks.index(session.block), types[session.type])

    def _forbidden_leaders(self, p: int, d: int, b: int, g: int) -> set[int]:
        """Leaders a forbid_session lock names for this patient in this family."""
        result = set()
        pid = self.sc.patients[p].id
        for lock in self.sc.locked:
            fs = lock.forbid_session
            named = lock.patient == pid and fs is not None and fs.leader is not None
            if named and self._lock_family(fs, p) == (p, d, b, g):  # type: ignore[arg-type]
                result.add(self._therapist_index[fs.leader])  # type: ignore[union-attr, index]
        return result

    def locked_sessions(self, session: LockedSession) -> list[int]:
        """Candidate sessions a session lock could be met by (any track or leader it leaves open)."""
        inst = self.inst
        if session.day not in inst.days or session.block not in inst.blocks:
            return []
        d, b = inst.days.index(session.day), inst.blocks.index(session.block)
        return [
            s
            for s, c in enumerate(self.candidates)
            if (c.day, c.block) == (d, b)
            and self.sc.group_types[c.group_type].id == session.type
            and (session.leader is None or self.sc.therapists[c.lead].id == session.leader)
            and (session.track is None or inst.tracks[c.track] == session.track)
        ]

    def locked_appointment_vars(self, lock: Lock) -> LinearTerms:
        """Variables that would give the patient the locked appointment (with the clinician named)."""
        a = lock.appointment
        assert a is not None and lock.patient is not None
        p = self._patient_index[lock.patient]
        inst = self.inst
        if a.kind not in inst.kinds or a.day not in inst.days:
            return []
        k, d, start = inst.kinds.index(a.kind), inst.days.index(a.day), clock_minutes(a.start)
        terms: LinearTerms = [
            (var, 1)
            for (q, k2, slot, th), var in self.appt.items()
            if (q, k2, slot.day, slot.start) == (p, k, d, start)
            and (a.therapist is None or self.sc.therapists[th].id == a.therapist)
        ]
        if a.therapist is None:
            terms += [
                (var, 1)
                for (q, k2, slot), var in self.pooled.items()
                if (q, k2, slot.day, slot.start) == (p, k, d, start)
            ]
        return terms

    def _locked_kinds(self, p: int) -> set[int]:
        """Appointment kinds a lock gives this patient (variables must exist to honour it)."""
        pid = self.sc.patients[p].id
        kinds = {k: i for i, k in enumerate(self.inst.kinds)}
        return {
            kinds[lock.appointment.kind]
            for lock in self.sc.locked
            if lock.patient == pid and lock.appointment is not None and lock.appointment.kind in kinds
        }

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

        def appointment(var: Var, slot: Slot, minutes: int) -> Item:
            return Item(var, slot.start, slot.end, minutes, False, self.counts.get(var.index, 1))

        for (p, k, slot, th), var in self.appt.items():
            minutes = inst.kind_duration[k]
            self.patient_items[(p, slot.day, slot.block)].append(appointment(var, slot, minutes * counts[k]))
            self.therapist_items[(th, slot.day, slot.block)].append(appointment(var, slot, minutes))
        for (p, k, slot), var in self.pooled.items():
            minutes = inst.kind_duration[k] * counts[k]
            self.patient_items[(p, slot.day, slot.block)].append(appointment(var, slot, minutes))
        for (th, k, slot), var in self.give.items():
            minutes = inst.kind_duration[k]
            self.therapist_items[(th, slot.day, slot.block)].append(appointment(var, slot, minutes))
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
        relaxable = requirement.rule not in ("H3", "H10")  # a best-effort roster keeps these
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

    def require_all(self, requirement: Requirement, parts: list[tuple[LinearTerms, int, int]]) -> None:
        """A requirement made of several linear constraints (a lock); never relaxed.

        In ``assume`` mode one literal enforces them all, so a conflict names the lock.
        """
        literal = None
        if self.mode == "assume":
            literal = self.model.new_bool_var(self._name("assume", *self.describe(requirement)))
        for terms, low, high in parts:
            constraint = self.model.add_linear_constraint(_linear(list(terms)), low, high)
            if literal is not None:
                constraint.only_enforce_if(literal)
        self.guards.append(Guard(requirement, 0, literal=literal))

    @staticmethod
    def _upper(items: list[Var] | LinearTerms) -> int:
        """The largest value a sum of 0/1 terms can take."""
        return sum(w for _, w in items) if items and isinstance(items[0], tuple) else len(items)

    def describe(self, requirement: Requirement) -> tuple[str, str, str]:
        """(rule, person id or lock number, what) of a requirement, for names and messages."""
        if requirement.kind == "lock":
            return (requirement.rule, f"lock {requirement.subject}", requirement.what)
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

    def roster_values(self, roster: Roster) -> set[Var]:
        """The variables a roster sets to 1 (last week's, usually), as far as this week has them.

        Sessions are matched by day, block, type, track and leader; seats, rooms and
        appointments likewise. What the roster had and this week cannot (a patient gone,
        a block closed) has no variable and is left out.
        """
        inst, sc = self.inst, self.sc
        days = {d: i for i, d in enumerate(inst.days)}
        types = {g.id: i for i, g in enumerate(sc.group_types)}
        tracks = {t: i for i, t in enumerate(inst.tracks)}
        kinds = {k: i for i, k in enumerate(inst.kinds)}
        on: set[Var] = set()
        for s in roster.sessions:
            start = clock_minutes(s.start)
            block = next(
                (b for b in range(len(inst.blocks)) if inst.block_start[b] <= start < inst.block_end[b]), None
            )
            if s.day not in days or block is None:
                continue
            d = days[s.day]
            patients = [self._patient_index[p] for p in s.patients if p in self._patient_index]
            therapists = [self._therapist_index[t] for t in s.therapists if t in self._therapist_index]
            if s.is_group and s.type in types and s.track in tracks and therapists:
                g, lead = types[s.type], therapists[0]
                index = self.session_of.get((d, block, g, tracks[s.track], lead))
                if index is not None:
                    on.add(self.open[index])
                    room = next((i for i, r in enumerate(sc.rooms) if r.id == s.room), None)
                    on.update(
                        var for cls, var in self.room_by_session[index]
                        if room is not None and room in inst.room_classes[cls][2]
                    )  # fmt: skip
                for p in patients:
                    on.update(
                        v for v in (self.attend.get((p, d, block, g)), self.seat.get((p, d, block, g, lead)))
                        if v is not None
                    )  # fmt: skip
            elif not s.is_group and s.kind in kinds and patients and therapists:
                k, p, th = kinds[s.kind], patients[0], therapists[0]
                slot = next((x for x in inst.slots(k, d, block) if x.start == start), None)
                personal = self.appt.get((p, k, slot, th)) if slot else None
                if personal is not None:
                    on.add(personal)
                elif slot is not None and (p, k, slot) in self.pooled:
                    on.add(self.pooled[(p, k, slot)])
                    if (th, k, slot) in self.give:
                        on.add(self.give[(th, k, slot)])
        return on

    def decisions(self) -> list[dict]:
        """The groups of 0/1 decision variables a roster fixes (for hints and freezing)."""
        return [
            self.open,
            self.attend,
            self.seat,
            self.appt,
            self.pooled,
            self.give,
            {key: v for key, v in self.room.items() if v is not self.open[key[0]]},
        ]

    def hint_roster(self, roster: Roster) -> None:
        """Hint the solver with a roster: each decision it knows gets the roster's value."""
        on = self.roster_values(roster)
        self.model.clear_hints()
        for group in self.decisions():
            for var in group.values():
                self.model.add_hint(var, var in on)

    def freeze_others(self, roster: Roster, patient: int) -> None:
        """Keep everyone but ``patient`` exactly where ``roster`` has them.

        Their seats and appointments are fixed; sessions, rooms and appointment givers
        the roster uses stay, and new ones may be added (for the newcomer).
        """
        on = self.roster_values(roster)
        for group in (self.attend, self.seat, self.appt, self.pooled):
            for key, var in group.items():
                if key[0] != patient:
                    self.model.add(var == int(var in on))
        for group in (self.open, self.give, self.decisions()[-1]):
            for var in group.values():
                if var in on:
                    self.model.add(var == 1)

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


def _share_block(model: cp_model.CpModel, items: Sequence[Item], capacity: int) -> None:
    """One person's block, appointments placed by block: a group leaves room for nothing else.

    Otherwise the appointments number at most ``capacity``: capacity x groups +
    appointments <= capacity, and each appointment variable alone excludes a group
    (the same on whole numbers, tighter on fractions).
    """
    groups = [i.var for i in items if i.group]
    appointments = [i for i in items if not i.group]
    if len(groups) > 1:
        model.add_at_most_one(groups)
    if not appointments:
        return
    for item in appointments if groups else []:
        model.add(item.most * sum(groups) + item.var <= item.most)
    if groups or sum(i.most for i in appointments) > capacity:
        model.add(capacity * sum(groups) + sum(i.var for i in appointments) <= capacity)


# -- hard rules (SPEC §3) -------------------------------------------------------------


def H1_no_double_booking(m: RosterModel) -> None:
    """No person and no room is in two sessions at once.

    For each person and block: sum of items covering each time segment <= 1. With
    appointments placed by block, a group fills the person's block and their
    appointments share it: a patient has at most one per unit of the block, a clinician
    at most as many as their appointments' slots in it (``appointment_times`` then
    deals out times). Rooms: for each (day, block, room class), sessions using the
    class <= its rooms (all groups start at the block start, so sessions in one block
    always overlap).
    """
    inst = m.inst
    for (_, _, b), items in m.patient_items.items():
        if m.by_block:
            _share_block(m.model, items, inst.block_units(b))
        else:
            _no_overlap(m.model, items)
    for (th, _, b), items in m.therapist_items.items():
        if m.by_block and inst.giver_lengths[th]:
            length = inst.block_end[b] - inst.block_start[b]
            _share_block(m.model, items, length // min(inst.giver_lengths[th]))
        else:
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
                    if item.group:
                        continue
                    if item.most == 1:
                        m.model.add_implication(item.var, day)
                    else:  # several appointments counted by one variable (placed by block)
                        m.model.add(item.var <= item.most * day)
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

    Seats with a named leader (``seat``) must fit that leader's session, and the
    split must still work around them: the sessions' sizes, each at least min_size
    and at least its named seats, must add up to no more than the seats taken.
    """
    inst = m.inst
    named: dict[int, list[Var]] = defaultdict(list)
    for (p, d, b, g, lead), var in m.seat.items():
        s = m.session_of[(d, b, g, inst.patient_track[p], lead)]
        named[s].append(var)
        m.model.add_implication(var, m.open[s])
    by_patient: dict[tuple[int, int, int, int], list[Var]] = defaultdict(list)
    for (p, d, b, g, _lead), var in m.seat.items():
        by_patient[(p, d, b, g)].append(var)
    for key, variables in by_patient.items():
        m.model.add(sum(variables) <= m.attend[key])
    for family, sessions in m.families.items():
        gt = m.sc.group_types[family[2]]
        seats = sum(m.seats.get(family, []))
        capacity = []
        floors = []
        for s in sessions:
            rooms = m.room_by_session[s]
            if len(rooms) > 1:
                m.model.add(sum(var for _, var in rooms) == m.open[s])
            own = [min(gt.max_size, inst.room_classes[cls][0]) * var for cls, var in rooms]
            capacity.extend(own)
            if named.get(s):
                m.model.add(sum(named[s]) <= sum(own))
                floor = m.model.new_int_var(
                    0, gt.max_size, m._name("floor", *m._session_label(m.candidates[s]))
                )
                m.model.add(floor >= gt.min_size * m.open[s])
                m.model.add(floor >= sum(named[s]))
                floors.append(floor)
            else:
                floors.append(gt.min_size * m.open[s])
        m.model.add(seats <= sum(capacity))
        m.model.add(seats >= sum(floors))


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
    offered: dict[int, set[int]] = defaultdict(set)  # per patient, the kinds with a variable
    for p, k in chosen:
        offered[p].add(k)
    for p, info in enumerate(m.inst.patients):
        for k in sorted(set(info.appointments) | offered[p]):
            count = info.appointments.get(k, 0)
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


def H10_locks(m: RosterModel) -> None:
    """Locked items appear exactly as locked.

    Absences are taken out of the clinician's availability up front (``Instance``);
    every other lock adds its constraints under one requirement, so that a conflict
    between locks, or with the rules, names the lock.
    """
    inst, sc = m.inst, m.sc
    for index, lock in enumerate(sc.locked):
        parts: list[tuple[LinearTerms, int, int]] = []
        kind = lock.kind
        if kind == "session":
            sessions = m.locked_sessions(lock.session)  # type: ignore[arg-type]
            parts.append(([(m.open[s], 1) for s in sessions], 1, max(1, len(sessions))))
            if lock.session.room is not None:  # type: ignore[union-attr]
                room = next(i for i, r in enumerate(sc.rooms) if r.id == lock.session.room)  # type: ignore[union-attr]
                cls = next(c for c, (_, _, rooms) in enumerate(inst.room_classes) if room in rooms)
                using = [(m.room[(s, cls)], 1) for s in sessions if (s, cls) in m.room]
                parts.append((using, 1, max(1, len(using))))
                m.room_locks.append((sessions, cls, room))
        elif kind in ("patient-session", "forbid-session"):
            session = lock.session if kind == "patient-session" else lock.forbid_session
            p = m._patient_index[lock.patient]  # type: ignore[index]
            key = m._lock_family(session, p)  # type: ignore[arg-type]
            attend = m.attend.get(key) if key is not None else None  # type: ignore[arg-type]
            leader = m._therapist_index[session.leader] if session.leader else None  # type: ignore[union-attr]
            if kind == "patient-session":
                parts.append(([(attend, 1)] if attend is not None else [], 1, 1))
                if leader is not None:
                    seat = m.seat.get((*key, leader)) if key is not None else None  # type: ignore[misc]
                    parts.append(([(seat, 1)] if seat is not None else [], 1, 1))
            elif attend is not None and leader is None:
                parts.append(([(attend, 1)], 0, 0))
            elif attend is not None:
                others = [
                    (v, 1)
                    for (q, d, b, g, lead), v in m.seat.items()
                    if (q, d, b, g) == key and lead != leader
                ]
                parts.append(([*others, (attend, -1)], 0, 0))
        elif kind == "appointment":
            parts.append((m.locked_appointment_vars(lock), 1, 1))
        elif kind == "forbid-therapist":
            p = m._patient_index[lock.patient]  # type: ignore[index]
            th = m._therapist_index[lock.forbid_therapist]  # type: ignore[index]
            for (q, d, b, g), attend in m.attend.items():
                if q != p:
                    continue
                family = (d, b, g, inst.patient_track[p])
                if th in {m.candidates[s].lead for s in m.families.get(family, [])}:
                    others = [
                        (v, 1)
                        for (q2, d2, b2, g2, lead), v in m.seat.items()
                        if (q2, d2, b2, g2) == (p, d, b, g) and lead != th
                    ]
                    parts.append(([*others, (attend, -1)], 0, 0))
                for role in range(len(inst.co_roles(g))):
                    co = m.co.get((th, d, b, g, family[3], role))
                    if co is not None:
                        parts.append(([(co, 1), (attend, 1)], 0, 1))
        if parts:
            m.require_all(Requirement("H10", "lock", index, lock.describe(), 0, 0), parts)


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


def load_pools(m: RosterModel) -> dict[str, list[int]]:
    """Role -> its clinicians whose load S4 balances, for roles with two or more of them.

    A clinician counts with a max_hours above zero and any availability; a role of one
    has nobody to share with, so it has no peak to push down.
    """
    pools: dict[str, list[int]] = defaultdict(list)
    for th, t in enumerate(m.sc.therapists):
        if m.inst.therapist_max_minutes[th] > 0 and m.inst.therapist_periods[th]:
            pools[t.role].append(th)
    return {role: members for role, members in sorted(pools.items()) if len(members) >= 2}


def S4_load_balance(m: RosterModel) -> cp_model.LinearExprT:
    """Per role: the busiest clinician's load, in whole percent of their max_hours.

    ``peak >= ceil(100 x minutes / max)`` for every clinician of the role (with a max
    above zero and any availability). Pushing the peak down spreads work in proportion
    to each clinician's max_hours, i.e. towards their share; its LP bound is the
    role's average load, so the term does not blind the solver's bound.
    """
    minutes = m.therapist_minutes()
    peaks = []
    for role, members in load_pools(m).items():
        # Not capped at 100: H3 alone limits hours, so that relaxing it (conflict search) frees them.
        peak = m.model.new_int_var(0, 100 * 168, m._name("load_peak", role))
        for th in members:
            cap = m.inst.therapist_max_minutes[th]
            load = sum(w * v for v, w in minutes.get(th, []))
            m.model.add(100 * load <= cap * peak)
        m.load_peaks[role] = (peak, members)
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


def S6_stability(m: RosterModel) -> cp_model.LinearExprT:
    """Changes against last week (0 without a previous roster).

    Per patient present in both weeks, one unit each for: a (day, block) of last
    week's groups the patient no longer attends; a group session not led by last
    week's leader of the same (day, block, type), or, in a new (day, block), by one of
    last week's leaders of that type; an appointment not at one of last week's times
    of its kind; an individual session with a therapist other than last week's; and
    a pair of last week's session-mates who share no group session any more. Per
    session that ran last week (same day, block, type, track and leader): one unit
    for another room; per co-facilitator who did not co-lead that (day, block, type,
    track) last week: one unit. Staying with a leader is only counted when
    the model seats the patient with that leader (``seat``), and a pair only stays
    together when both are seated with the same leader in the same family — so the
    model's count is never below the roster's, which the checker recomputes.
    """
    prev = m.inst.previous
    if prev is None:
        return 0
    attend_at: dict[tuple[int, int, int], list[Var]] = defaultdict(list)
    for (p, d, b, _g), var in m.attend.items():
        attend_at[(p, d, b)].append(var)
    parts: list[cp_model.LinearExprT] = []
    for p, periods in sorted(prev.periods.items()):
        parts.extend(1 - sum(attend_at.get((p, d, b), [])) for d, b in sorted(periods))
    for (p, d, b, g), var in m.attend.items():
        leaders = prev.leaders_to_keep(p, d, b, g)
        if leaders is not None:
            parts.append(
                var - sum(m.seat[(p, d, b, g, lead)] for lead in leaders if (p, d, b, g, lead) in m.seat)
            )
    booked: dict[tuple[int, int], list[tuple[Slot, int | None, Var]]] = defaultdict(list)
    for (p, k, slot, th), var in m.appt.items():
        booked[(p, k)].append((slot, th, var))
    for (p, k, slot), var in m.pooled.items():
        booked[(p, k)].append((slot, None, var))
    for (p, k), times in sorted(prev.slots.items()):
        parts.extend(var for slot, _, var in booked.get((p, k), []) if (slot.day, slot.start) not in times)
    if "individual" in m.inst.kinds:
        individual = m.inst.kinds.index("individual")
        for p, therapists in sorted(prev.individual.items()):
            parts.extend(var for _, th, var in booked.get((p, individual), []) if th not in therapists)
    seats_of: dict[int, dict[tuple[int, int, int, int], Var]] = defaultdict(dict)
    for (p, d, b, g, lead), var in m.seat.items():
        seats_of[p][(d, b, g, lead)] = var
    for p, q in prev.mates:
        shared = sorted(set(seats_of[p]) & set(seats_of[q]))
        if not shared:
            parts.append(1)
            continue
        pid, qid = m.sc.patients[p].id, m.sc.patients[q].id
        both = []
        for key in shared:
            var = m.model.new_bool_var(m._name("together", pid, qid, *key))
            m.model.add_implication(var, seats_of[p][key])
            m.model.add_implication(var, seats_of[q][key])
            both.append(var)
        apart = m.model.new_bool_var(m._name("apart", pid, qid))
        m.model.add(apart + sum(both) >= 1)
        parts.append(apart)
    locked_rooms = {
        (m.candidates[s].day, m.candidates[s].block, room) for ss, _, room in m.room_locks for s in ss
    }
    for key, room in prev.rooms.items():
        s = m.session_of.get(key)
        if s is None:
            continue
        same = [var for cls, var in m.room_by_session[s] if room in m.inst.room_classes[cls][2]]
        free = (key[0], key[1], room) not in locked_rooms  # a locked room goes to its lock first
        parts.append(m.open[s] - (sum(same) if free else 0))
    for (th, d, b, g, t, _role), var in m.co.items():
        if th not in prev.co_staff.get((d, b, g, t), frozenset()):
            parts.append(var)
    return sum(parts)


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
    ("H10", H10_locks),
]

SOFT_GOALS: list[tuple[str, Callable[[RosterModel], cp_model.LinearExprT]]] = [
    ("block_consistency", S1_block_consistency),
    ("continuity", S2_continuity),
    ("sessions", S3_sessions),
    ("load_balance", S4_load_balance),
    ("preferences", S5_preferences),
    ("stability", S6_stability),
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
        partners = inst.previous.co_with if inst.previous is not None else {}
        for (d, b, g, t, role), takers in sorted(m.co_by_role.items()):
            count = inst.co_roles(g)[role][1]
            free = sorted((th for th, var in takers if self.on(var)), key=lambda th: sc.therapists[th].id)
            sessions = opened.get((d, b, g, t), [])
            dealt: dict[int, list[int]] = {s: [] for s in sessions}
            for s in sessions:  # last week's partners of this leader first
                before = partners.get((d, b, g, t, m.candidates[s].lead), frozenset())
                for th in [th for th in free if th in before][:count]:
                    dealt[s].append(th)
                    free.remove(th)
            for s in sessions:
                while len(dealt[s]) < count and free:
                    dealt[s].append(free.pop(0))
                staff[s].extend(sc.therapists[th].id for th in dealt[s])
        rooms: dict[int, str] = {}
        capacity: dict[int, int] = {}
        class_of = {
            s: next(cls for cls, var in m.room_by_session[s] if self.on(var))
            for sessions in opened.values()
            for s in sessions
        }
        taken: dict[tuple[int, int, int], set[int]] = defaultdict(set)
        for sessions, cls, room in m.room_locks:  # locked rooms first (H10)
            s = next((s for s in sessions if s in class_of and class_of[s] == cls and s not in rooms), None)
            if s is not None:
                rooms[s] = sc.rooms[room].id
                taken[(m.candidates[s].day, m.candidates[s].block, cls)].add(room)
        previous = inst.previous
        for key, room in previous.rooms.items() if previous else []:  # then last week's rooms (S6)
            s = m.session_of.get(key)
            if s in class_of and s not in rooms and room in inst.room_classes[class_of[s]][2]:
                slot = (key[0], key[1], class_of[s])
                if room not in taken[slot]:
                    rooms[s] = sc.rooms[room].id
                    taken[slot].add(room)
        for (d, b, g, _t), sessions in sorted(opened.items()):
            for s in sessions:
                cap, _, class_rooms = inst.room_classes[class_of[s]]
                capacity[s] = min(cap, sc.group_types[g].max_size)
                if s not in rooms:
                    room = next(r for r in class_rooms if r not in taken[(d, b, class_of[s])])
                    taken[(d, b, class_of[s])].add(room)
                    rooms[s] = sc.rooms[room].id
        attendees: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
        for (p, d, b, g), var in m.attend.items():
            if self.on(var):
                attendees[(d, b, g, inst.patient_track[p])].append(p)
        pinned: dict[int, list[int]] = defaultdict(list)
        for (p, d, b, g, lead), var in m.seat.items():
            if self.on(var):
                pinned[m.session_of[(d, b, g, inst.patient_track[p], lead)]].append(p)
        last_lead: dict[tuple[int, int], int] = {
            key: min(leads) for key, leads in (previous.leaders.items() if previous else []) if leads
        }
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
                attendees[(d, b, g, t)],
                leads,
                capacity,
                sc.group_types[g].min_size,
                history,
                mates,
                {s: pinned[s] for s in sessions if pinned.get(s)},
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
                    id=group_session_id(day, block, type_id, numbered[(c.day, c.block, c.group_type)]),
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
            booked.extend([(slot, k, p, th)] * self.value(var))  # by block, a variable may count several
        waiting: dict[tuple[int, Slot], list[int]] = defaultdict(list)
        for (p, k, slot), var in m.pooled.items():
            waiting[(k, slot)].extend([p] * self.value(var))
        free: dict[tuple[int, Slot], list[int]] = defaultdict(list)
        for (th, k, slot), var in m.give.items():
            free[(k, slot)].extend([th] * self.value(var))
        seen: dict[int, set[int]] = defaultdict(set)
        for _, _, p, th in booked:
            seen[p].add(th)
        if m.inst.previous is not None:  # prefer whoever saw the patient last week
            for (p, _k), therapists in m.inst.previous.givers.items():
                seen[p] |= therapists
        chronological = sorted(waiting, key=lambda ks: (ks[1].day, ks[1].start, ks[0]))
        for key in chronological:
            givers = sorted(free[key])
            for p in sorted(waiting[key]):
                th = next((g for g in givers if g in seen[p]), givers[0])
                givers.remove(th)
                seen[p].add(th)
                booked.append((key[1], key[0], p, th))
        if m.by_block:
            booked = self._deal_times(booked)
        counter: dict[tuple[int, int], int] = defaultdict(int)
        result = []
        for slot, k, p, th in sorted(booked, key=lambda e: (e[2], e[1], e[0].day, e[0].start)):
            counter[(p, k)] += 1
            pid, kind = sc.patients[p].id, inst.kinds[k]
            result.append(
                Session(
                    id=appointment_id(pid, kind, counter[(p, k)]),
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

    def _deal_times(self, booked: list[tuple[Slot, int, int, int]]) -> list[tuple[Slot, int, int, int]]:
        """Grid times for appointments placed by block: an edge colouring per block (appointment_times)."""
        inst = self.m.inst
        unit = inst.appointment_unit
        blocks: dict[tuple[int, int], list[tuple[Slot, int, int, int]]] = defaultdict(list)
        for entry in sorted(booked, key=lambda e: (e[0].day, e[0].block, e[3], e[2], e[1])):
            blocks[(entry[0].day, entry[0].block)].append(entry)
        timed = []
        for (d, b), entries in blocks.items():
            lanes = {th: unit // min(inst.giver_lengths[th]) for _, _, _, th in entries}
            placed = place_in_block([(p, th) for _, _, p, th in entries], inst.block_units(b), lanes)
            for (_, k, p, th), where in zip(entries, placed, strict=True):
                length = inst.kind_duration[k]
                offset = where.unit * unit + where.lane * length
                start = inst.block_start[b] + offset
                timed.append((Slot(d, b, offset // length, start, start + length), k, p, th))
        return timed


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
    pinned: dict[int, list[int]] | None = None,
) -> dict[int, list[int]]:
    """Split one family's attendees over its open sessions, keeping leaders and cohorts.

    Patients the model seated with a named leader (``pinned``) stay there. Each other
    patient first goes back to the leader they had last time for this group type,
    then to the session holding most of their previous cohort; sessions left under
    ``min_size`` take unpinned patients from the fullest ones. The model guarantees
    ``sum(max(min_size, pinned)) <= len(patients) <= total capacity`` with pins within
    capacity, so this always succeeds.
    """
    pinned = pinned or {}
    groups: dict[int, list[int]] = {s: sorted(pinned.get(s, [])) for s in sorted(leads)}
    fixed = {p for members in pinned.values() for p in members}
    by_lead = {lead: s for s, lead in leads.items()}
    rest = []
    for p in sorted(set(patients) - fixed):
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
        donors = [s for s in groups if len(groups[s]) > min_size and set(groups[s]) - fixed]
        donor = max(donors, key=lambda s: (len(groups[s]), -s))
        mover = min(set(groups[donor]) - fixed, key=lambda p: (history.get(p) == leads[donor], p))
        groups[donor].remove(mover)
        groups[short[0]].append(mover)
    return groups
