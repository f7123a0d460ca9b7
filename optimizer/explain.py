"""Why a week cannot be rostered, in words a manager understands.

Two layers. ``prechecks`` are fast necessary conditions computed from the scenario
alone — when one fails, the week is certainly infeasible, and the message names the
people, blocks, qualifications and numbers involved. When they all pass but the full
model is still infeasible, ``conflict.find_conflict`` names a small set of requirements
that cannot hold together, and ``conflict_sentences`` turns it into sentences.
``shortfall_entries`` gives each unmet requirement of a best-effort roster its
``shortfalls`` entry (SPEC §4) with the most specific reason known.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from .roster import Shortfall
from .scenario import DAYS, GroupType, Patient, Scenario, Therapist
from .solve import Need


@dataclass(frozen=True)
class Finding:
    """A certain cause of infeasibility, found before any solve."""

    cause: str  # patient-hours, patient-days, appointment, curriculum, no-leader, clinician-time, seats
    message: str
    patients: tuple[str, ...] = ()
    therapists: tuple[str, ...] = ()
    what: str = ""  # the appointment kind or group type concerned, where there is one


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def _names(ids: Iterable[str], limit: int = 6) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


class _Week:
    """What the scenario allows, computed once for all checks."""

    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        self.days = [d for d in DAYS if d in scenario.program.days]
        self.blocks = scenario.program.blocks
        self.tracks = scenario.tracks()
        # Memos: the checks ask about every patient's blocks, and the answers depend on the
        # (group type, day, block) or the patient alone (1,500 patients: 26 s without them).
        self._runs: dict[tuple[str, str, str], bool] = {}
        self._options: dict[str, dict[tuple[str, str], int]] = {}

    def periods(self, person: Patient | Therapist) -> list[tuple[str, str]]:
        return [(d, b) for d in self.days for b in person.availability.get(d, []) if b in self.blocks]

    def where(self, person: Patient | Therapist) -> str:
        periods = self.periods(person)
        return ", ".join(f"{d} {b}" for d, b in periods) if periods else "no block at all"

    def holds(self, t: Therapist, qualification: str | None) -> bool:
        return t.role == "therapist" if qualification is None else qualification in t.qualifications

    def serves(self, g: GroupType, track: str) -> bool:
        return g.per_patient_week.max > 0 and track in self.sc.group_tracks(g)

    def can_run(self, g: GroupType, day: str, block: str) -> bool:
        """A session of ``g`` fits the block and every role has someone available (distinct people)."""
        key = (g.id, day, block)
        if key not in self._runs:
            self._runs[key] = self._fits(g, day, block)
        return self._runs[key]

    def _fits(self, g: GroupType, day: str, block: str) -> bool:
        if self.sc.group_duration(g, block) is None:
            return False
        if not any(
            (r.group_types is None or g.id in r.group_types) and r.capacity >= g.min_size
            for r in self.sc.rooms
        ):
            return False
        here = [t for t in self.sc.therapists if block in t.availability.get(day, [])]
        roles = g.staffing()
        return len(here) >= sum(n for _, n in roles) and all(
            sum(self.holds(t, q) for t in here) >= n for q, n in roles
        )

    def level(self, p: Patient) -> tuple[int, int, int, int, int]:
        lvl = self.sc.level_of(p)
        return (
            round(lvl.min_hours * 60),
            round(lvl.max_hours * 60),
            lvl.min_days,
            lvl.max_days,
            lvl.max_blocks_per_day,
        )

    def counted_appointment_minutes(self, p: Patient) -> int:
        return sum(
            n * self.sc.appointments[k].duration_min
            for k, n in p.appointment_counts().items()
            if k in self.sc.appointments and self.sc.appointments[k].counts_toward_hours
        )

    def group_options(self, p: Patient) -> dict[tuple[str, str], int]:
        """(day, block) -> longest group the patient could attend there (0: none)."""
        if p.id in self._options:
            return self._options[p.id]
        options = self._options[p.id] = {}
        for d, b in self.periods(p):
            lengths = [
                self.sc.group_duration(g, b) or 0
                for g in self.sc.group_types
                if self.serves(g, p.track) and self.can_run(g, d, b)
            ]
            options[(d, b)] = max(lengths, default=0)
        return options

    def max_group_minutes(self, p: Patient) -> int:
        """At most this many minutes of groups a week (blocks per day and weekly caps respected)."""
        per_day: dict[str, list[int]] = defaultdict(list)
        for (d, _), minutes in self.group_options(p).items():
            per_day[d].append(minutes)
        limit = self.level(p)[4]
        by_days = sum(sum(sorted(v, reverse=True)[:limit]) for v in per_day.values())
        longest = {b: self.blocks[b].length_min for b in self.blocks}
        by_caps = sum(
            g.per_patient_week.max * max((self.sc.group_duration(g, b) or 0) for b in longest)
            for g in self.sc.group_types
            if self.serves(g, p.track)
        )
        return min(by_days, by_caps)

    def min_group_sessions(self, p: Patient) -> int:
        """At least this many group sessions (weekly minimums, and hours beyond appointments)."""
        by_type = sum(
            g.per_patient_week.min for g in self.sc.group_types if p.track in self.sc.group_tracks(g)
        )
        missing = self.level(p)[0] - self.counted_appointment_minutes(p)
        longest = max(self.group_options(p).values(), default=0)
        by_hours = math.ceil(missing / longest) if missing > 0 and longest else 0
        return max(by_type, by_hours)

    def eligible(self, p: Patient, kind: str) -> list[Therapist]:
        spec = self.sc.appointments[kind]
        if kind == "individual" and p.primary_therapist:
            return [t for t in self.sc.therapists if t.id == p.primary_therapist]
        return [
            t
            for t in self.sc.therapists
            if t.role == spec.role and (spec.qualification is None or spec.qualification in t.qualifications)
        ]


def prechecks(scenario: Scenario) -> list[Finding]:
    """Certain causes of infeasibility, each in a sentence (empty: none found)."""
    week = _Week(scenario)
    findings: list[Finding] = []
    findings += _unleadable_types(week)
    for p in scenario.patients:
        findings += _patient_checks(week, p)
    findings += _clinician_time(week)
    findings += _seats(week)
    findings += _lock_checks(week)
    return findings


def _lock_checks(week: _Week) -> list[Finding]:
    """Locks that cannot hold: people away or unavailable, unqualified, or locks clashing."""
    sc = week.sc
    findings = []
    away: dict[str, dict[str, int]] = defaultdict(dict)
    for number, lock in enumerate(sc.locked):
        for day in lock.absent or []:
            away[lock.therapist or ""][day] = number
    therapists = {t.id: t for t in sc.therapists}
    patients = {p.id: p for p in sc.patients}
    types = {g.id: g for g in sc.group_types}
    taken_rooms: dict[tuple[str, str, str], int] = {}
    attending: dict[tuple[str, str, str], int] = {}

    def problem(number: int, why: str, people: tuple[str, ...] = ()) -> None:
        lock = sc.locked[number]
        findings.append(
            Finding(
                "lock",
                f"Lock {number} ({lock.describe()}) cannot hold: {why}.",
                tuple(p for p in people if p in patients),
                tuple(p for p in people if p in therapists),
            )
        )

    def clinician(
        number: int,
        who: str,
        day: str,
        block: str,
        qualification: str | None = None,
        check_qualification: bool = False,
    ) -> None:
        if day in away.get(who, {}):
            problem(number, f"{who} is away on {day} (lock {away[who][day]})", (who,))
        elif block not in therapists[who].availability.get(day, []):
            problem(number, f"{who} does not work {day} {block}", (who,))
        elif check_qualification and not week.holds(therapists[who], qualification):
            problem(number, f"{who} does not hold {qualification or 'the therapist role'}", (who,))

    for number, lock in enumerate(sc.locked):
        session = lock.session
        if session is not None:
            g = types[session.type]
            if session.leader is not None:
                clinician(number, session.leader, session.day, session.block, g.staffing()[0][0], True)
            if session.room is not None:
                room = next(r for r in sc.rooms if r.id == session.room)
                if room.group_types is not None and g.id not in room.group_types:
                    problem(number, f"room {room.id} is reserved for {', '.join(room.group_types)}")
                where = (session.day, session.block, room.id)
                if where in taken_rooms:
                    problem(number, f"lock {taken_rooms[where]} puts another session in room {room.id} then")
                taken_rooms[where] = number
            if lock.patient is not None:
                p = patients[lock.patient]
                if session.block not in p.availability.get(session.day, []):
                    problem(number, f"{p.id} is not available {session.day} {session.block}", (p.id,))
                elif not week.serves(g, p.track):
                    problem(number, f"{g.id} does not take {p.track} patients", (p.id,))
                key = (p.id, session.day, session.block)
                if key in attending:
                    problem(number, f"lock {attending[key]} already puts {p.id} in a group then", (p.id,))
                attending[key] = number
        appointment = lock.appointment
        if appointment is not None and lock.patient is not None:
            p = patients[lock.patient]
            start = next(
                (
                    b
                    for b, w in sc.program.blocks.items()
                    if w.start_min <= _clock(appointment.start) < w.end_min
                ),
                None,
            )
            if start is None or start not in p.availability.get(appointment.day, []):
                problem(number, f"{p.id} is not available then", (p.id,))
            if p.appointment_counts().get(appointment.kind, 0) == 0:
                problem(number, f"{p.id} needs no {appointment.kind} appointment this week", (p.id,))
            if appointment.therapist is not None and start is not None:
                clinician(number, appointment.therapist, appointment.day, start)
        if lock.forbid_therapist is not None and lock.patient is not None:
            p = patients[lock.patient]
            if p.primary_therapist == lock.forbid_therapist and p.appointment_counts().get("individual"):
                problem(number, f"{lock.forbid_therapist} is {p.id}'s primary therapist", (p.id,))
    return findings


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _unleadable_types(week: _Week) -> list[Finding]:
    findings = []
    for g in week.sc.group_types:
        needing = [p.id for p in week.sc.patients if g.per_patient_week.min > 0 and week.serves(g, p.track)]
        if not needing:
            continue
        for qualification, count in g.staffing():
            holders = [t.id for t in week.sc.therapists if week.holds(t, qualification)]
            if len(holders) < count:
                what = f"qualification {qualification!r}" if qualification else "the role of therapist"
                findings.append(
                    Finding(
                        "no-leader",
                        f"Group type {g.id} needs {count} clinician(s) with {what} per session, but "
                        f"{'only ' + _names(holders) + ' hold' if holders else 'nobody holds'} it; "
                        f"{len(needing)} patient(s) must attend it at "
                        f"least {g.per_patient_week.min} time(s) a week "
                        f"({_names(needing)}).",
                        tuple(needing),
                        tuple(holders),
                        g.id,
                    )
                )
    return findings


def _patient_checks(week: _Week, p: Patient) -> list[Finding]:
    findings = []
    sc = week.sc
    low, _, min_days, _, _ = week.level(p)
    days = {d for d, _ in week.periods(p)}
    if len(days) < min_days:
        findings.append(
            Finding(
                "patient-days",
                f"{p.id} is available on {len(days)} day(s) "
                f"({', '.join(sorted(days, key=DAYS.index)) or 'none'}) "
                f"but {p.level} needs at least {min_days} days a week.",
                (p.id,),
            )
        )
    groups = week.max_group_minutes(p)
    appointments = week.counted_appointment_minutes(p)
    if groups + appointments < low:
        findings.append(
            Finding(
                "patient-hours",
                f"{p.id} is available only in {week.where(p)}: at most {_hours(groups)} of groups there "
                f"plus {_hours(appointments)} of appointments, but "
                f"{p.level} needs at least {_hours(low)} a week.",
                (p.id,),
            )
        )
    for kind, count in p.appointment_counts().items():
        if kind not in sc.appointments:
            continue
        spec = sc.appointments[kind]
        eligible = week.eligible(p, kind)
        slots = 0
        helpers = set()
        for d, b in week.periods(p):
            here = [t for t in eligible if b in t.availability.get(d, [])]
            if here:
                slots += sc.program.blocks[b].length_min // spec.duration_min
                helpers.update(t.id for t in here)
        if slots < count:
            if kind == "individual" and p.primary_therapist:
                who = f"their primary therapist {p.primary_therapist}"
            else:
                qual = f" with qualification {spec.qualification!r}" if spec.qualification else ""
                who = f"a {spec.role}{qual}"
            findings.append(
                Finding(
                    "appointment",
                    f"{p.id} needs {count} {kind} appointment(s) with {who}, but "
                    f"{'no such clinician works' if not helpers else 'too few slots are free'} "
                    f"in {p.id}'s blocks "
                    f"({week.where(p)}).",
                    (p.id,),
                    tuple(sorted(helpers)),
                    kind,
                )
            )
    for g in sc.group_types:
        if g.per_patient_week.min == 0 or p.track not in sc.group_tracks(g):
            continue
        possible_days = {d for d, b in week.periods(p) if week.can_run(g, d, b)}
        if len(possible_days) < g.per_patient_week.min:
            roles = " and ".join(f"{q!r}" for q, _ in g.staffing() if q) or "a therapist"
            findings.append(
                Finding(
                    "curriculum",
                    f"{p.id} must attend {g.id} at least "
                    f"{g.per_patient_week.min} time(s) a week, but it can run "
                    f"on only {len(possible_days)} of {p.id}'s days: "
                    f"{g.id} needs {roles} and a suitable room, "
                    f"and {p.id} is available in {week.where(p)}.",
                    (p.id,),
                    what=g.id,
                )
            )
    return findings


def _block_sets(week: _Week) -> list[tuple[str, ...]]:
    names = list(week.blocks)
    sets = [tuple(c) for size in range(1, len(names) + 1) for c in combinations(names, size)]
    return sets if len(names) <= 4 else [(b,) for b in names] + [tuple(names)]


def _clinician_time(week: _Week) -> list[Finding]:
    """Patients confined to some blocks need clinician time that clinicians there must have."""
    findings = []
    sc = week.sc
    for blocks in _block_sets(week):
        confined = [
            p for p in sc.patients if week.periods(p) and all(b in blocks for _, b in week.periods(p))
        ]
        if not confined:
            continue
        appointments = sum(
            n * sc.appointments[k].duration_min
            for p in confined
            for k, n in p.appointment_counts().items()
            if k in sc.appointments
        )
        psychiatric = sum(
            n * sc.appointments[k].duration_min
            for p in confined
            for k, n in p.appointment_counts().items()
            if k in sc.appointments and sc.appointments[k].role == "prescriber"
        )
        leading = 0
        for track in {p.track for p in confined}:
            seats = sum(week.min_group_sessions(p) for p in confined if p.track == track)
            types = [g for g in sc.group_types if week.serves(g, track)]
            if not seats or not types:
                continue
            biggest = max(g.max_size for g in types)
            shortest = min((sc.group_duration(g, b) or 10**6) for g in types for b in blocks)
            if shortest < 10**6:
                leading += math.ceil(seats / biggest) * shortest
        supply: dict[str, int] = {}
        for t in sc.therapists:
            there = sum(week.blocks[b].length_min for d, b in week.periods(t) if b in blocks)
            supply[t.id] = min(round(t.max_hours * 60), there)
        total = sum(supply.values())
        prescribers = {t.id: supply[t.id] for t in sc.therapists if t.role == "prescriber"}
        where = " or ".join(blocks)
        ids = [p.id for p in confined]
        if appointments + leading > total:
            offered = ", ".join(f"{t} {_hours(m)}" for t, m in supply.items() if m) or "nobody"
            findings.append(
                Finding(
                    "clinician-time",
                    f"The {len(confined)} patient(s) who can come only "
                    f"in the {where} block ({_names(ids)}) need at "
                    f"least {_hours(appointments + leading)} of "
                    f"clinician time a week ({_hours(leading)} leading "
                    f"groups, {_hours(appointments)} of appointments), but clinicians can give at most "
                    f"{_hours(total)} in the {where} block ({offered}).",
                    tuple(ids),
                    tuple(t for t, m in supply.items() if m),
                )
            )
        elif psychiatric > sum(prescribers.values()):
            findings.append(
                Finding(
                    "clinician-time",
                    f"The patient(s) who can come only in the {where} block ({_names(ids)}) need "
                    f"{_hours(psychiatric)} of prescriber visits, but prescribers can give at most "
                    f"{_hours(sum(prescribers.values()))} there "
                    f"({_names(prescribers) or 'none works then'}).",
                    tuple(ids),
                    tuple(prescribers),
                )
            )
    return findings


def _seats(week: _Week) -> list[Finding]:
    """Group seats a track needs in some blocks against the seats leaders and rooms can offer there."""
    findings = []
    sc = week.sc
    for blocks in _block_sets(week):
        for track in week.tracks:
            confined = [
                p
                for p in sc.patients
                if p.track == track and week.periods(p) and all(b in blocks for _, b in week.periods(p))
            ]
            needed = sum(week.min_group_sessions(p) for p in confined)
            types = [g for g in sc.group_types if week.serves(g, track)]
            if not needed:
                continue
            leaders: set[str] = set()
            seats = 0
            for d in week.days:
                for b in blocks:
                    runnable = [g for g in types if week.can_run(g, d, b)]
                    if not runnable:
                        continue
                    here = {
                        t.id
                        for t in sc.therapists
                        if b in t.availability.get(d, [])
                        and any(week.holds(t, g.staffing()[0][0]) for g in runnable)
                    }
                    rooms = sum(
                        1
                        for r in sc.rooms
                        if any(
                            (r.group_types is None or g.id in r.group_types) and r.capacity >= g.min_size
                            for g in runnable
                        )
                    )
                    size = max(min(g.max_size, max(r.capacity for r in sc.rooms)) for g in runnable)
                    seats += min(len(here), rooms) * size
                    leaders |= here
            if needed > seats:
                quals = sorted({q or "therapist" for g in types for q, _ in g.staffing()[:1]})
                where = " or ".join(blocks)
                findings.append(
                    Finding(
                        "seats",
                        f"{len(confined)} {track} patient(s) who can "
                        f"come only in the {where} block need at least "
                        f"{needed} group seats a week, but the leaders "
                        f"holding {', '.join(quals)} who work then "
                        f"({_names(sorted(leaders)) or 'none'}) and the rooms can offer at most {seats}.",
                        tuple(p.id for p in confined),
                        tuple(sorted(leaders)),
                    )
                )
    return findings


# -- conflicts found by the solver ------------------------------------------------------------


def describe_need(scenario: Scenario, need: Need) -> str:
    """One requirement as a phrase: 'P017 needs at least 9 h a week (IOP)'."""
    week = _Week(scenario)
    if need.rule == "H10":
        return f"{need.person} holds: {need.what}"
    if need.rule == "H3":
        t = next(t for t in scenario.therapists if t.id == need.person)
        return f"{t.id} works at most {_hours(need.high)} a week (available {week.where(t)})"
    p = next(p for p in scenario.patients if p.id == need.person)
    if need.rule == "H4":
        return (
            f"{p.id} needs {_hours(need.low)}–{_hours(need.high)} "
            f"a week ({p.level}; available {week.where(p)}){_group_context(week, p)}"
        )
    if need.rule == "H5":
        return f"{p.id} must come on {need.low}–{need.high} days a week"
    if need.rule == "H8":
        helpers = ", ".join(t.id for t in week.eligible(p, need.what)) or "no eligible clinician"
        return f"{p.id} needs {need.low} {need.what} appointment(s) (with {helpers})"
    return f"{p.id} must attend {need.what} {need.low}–{need.high} time(s) a week"


def _group_context(week: _Week, p: Patient) -> str:
    """Why groups are scarce for a patient: too few patients of their track share their blocks."""
    sizes = [g.min_size for g in week.sc.group_types if week.serves(g, p.track)]
    if not sizes:
        return f"; no group type serves track {p.track!r}"
    smallest = min(sizes)
    company = max(
        (
            sum(1 for q in week.sc.patients if q.track == p.track and b in q.availability.get(d, []))
            for d, b in week.periods(p)
        ),
        default=0,
    )
    if company < smallest:
        return (
            f"; groups need at least {smallest} patients, but at most {company} {p.track} patient(s) "
            f"share any of {p.id}'s blocks"
        )
    return ""


def conflict_sentences(scenario: Scenario, needs: list[Need]) -> list[str]:
    """The requirements of a conflict, as a manager reads them (grouped when there are many)."""
    if not needs:
        return []
    if len(needs) == 1:
        return [f"This requirement cannot be met even on its own: {describe_need(scenario, needs[0])}."]
    people = sorted({n.person for n in needs})
    lines = [f"These {len(needs)} requirements, involving {_names(people, 10)}, cannot all be met together:"]
    if len(needs) <= 10:
        return lines + [f"  - {describe_need(scenario, n)}" for n in needs]
    alike: dict[tuple[str, str, int, int], list[str]] = defaultdict(list)
    for n in needs:
        if n.rule == "H3":
            lines.append(f"  - {describe_need(scenario, n)}")
        else:
            alike[(n.rule, n.what, n.low, n.high)].append(n.person)
    for (rule, what, low, high), who in alike.items():
        sample = describe_need(scenario, Need(rule, who[0], what, low, high))
        plain = sample.split(" (")[0].replace(f"{who[0]} ", "", 1)
        lines.append(f"  - {len(who)} patient(s) each {plain}: {_names(who, 10)}")
    return lines


# -- shortfalls of a best-effort roster ------------------------------------------------------------


def shortfall_entries(
    scenario: Scenario, unmet: list[Need], findings: list[Finding], conflict: list[Need] | None = None
) -> list[Shortfall]:
    """SPEC §4 shortfall entries (hours in hours, days and counts as they are), with reasons.

    The reason is the most specific one known: a pre-check finding about this patient
    and this requirement, else the clinicians whose weekly hours bind in the conflict,
    else a general pointer to ``iop-roster explain``.
    """
    reasons: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for pid in finding.patients:
            reasons[pid].append(finding)
    binding = [n for n in conflict or [] if n.rule == "H3"]
    fallback = (
        "the clinicians who could see this patient are fully booked ("
        + ", ".join(f"{n.person} at most {_hours(n.high)} a week" for n in binding)
        + ")"
        if binding
        else "not enough staff, rooms or time in this patient's blocks once every other patient's "
        "requirements are met; `iop-roster explain` says more"
    )
    entries = []
    for need in unmet:
        scheduled = need.scheduled if need.scheduled is not None else 0
        required = need.low if scheduled < need.low else need.high
        direction = "short of" if scheduled < need.low else "over"
        subject = {
            "H4": "hours",
            "H5": "days",
            "H8": f"{need.what} appointments",
            "H9": f"{need.what} sessions",
        }.get(need.rule, need.what)
        known = [f.message for f in reasons.get(need.person, []) if _relevant(f, need)]
        because = known[0] if known else fallback
        scale = 60 if need.rule == "H4" else 1  # hours are reported in hours
        entries.append(
            Shortfall(
                patient=need.person,
                rule=need.rule,
                required=required / scale,
                scheduled=scheduled / scale,
                reason=f"{subject}: {direction} the requirement. {because[0].upper()}{because[1:]}",
            )
        )
    return entries


def _relevant(finding: Finding, need: Need) -> bool:
    """Whether a finding explains this unmet requirement (same kind of cause, same subject)."""
    causes = {
        "H4": {"patient-hours", "clinician-time", "seats", "no-leader", "curriculum"},
        "H5": {"patient-days", "patient-hours"},
        "H8": {"appointment", "clinician-time"},
        "H9": {"curriculum", "no-leader", "seats"},
    }
    if finding.cause not in causes.get(need.rule, set()):
        return False
    return not finding.what or need.rule not in ("H8", "H9") or finding.what == need.what
