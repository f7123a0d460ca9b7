"""Realistic synthetic weeks of any size, feasible by construction.

How feasibility is guaranteed: the generator first *plants* a roster and only then
writes the scenario around it. Patients are admitted in cohorts (3-hour groups on 3
days for adult IOP, 2 days for adolescents, 8 blocks over 5 days for PHP), each
cohort day becomes a group session, a qualified leader (and a peer-support coach for
co-facilitated types) is found among the staff hired so far or a new clinician is
hired, and appointments are placed in free grid slots. Availability, max_hours and
rooms are then set to cover the planted roster, plus slack (``slack=0`` gives a tight
week where staff are just sufficient). The planted roster is returned too; tests
check it with the independent checker, so every generated week provably has a roster.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .roster import FORMAT, appointment_id, group_session_id

DAYS = ["mon", "tue", "wed", "thu", "fri"]
BLOCKS = {"morning": (540, 720), "afternoon": (780, 960), "evening": (1020, 1200)}
GROUP_MIN = 180

FIRST = (
    "Alex",
    "Amara",
    "Ben",
    "Carmen",
    "Dana",
    "Eli",
    "Farah",
    "Gabe",
    "Hana",
    "Ivan",
    "Jada",
    "Kai",
    "Lena",
    "Marco",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zane",
    "Ada",
    "Bruno",
    "Chloe",
    "Diego",
    "Esme",
    "Felix",
    "Grace",
    "Hugo",
    "Iris",
    "Jonah",
    "Kira",
    "Luis",
    "Maya",
    "Noah",
    "Olive",
    "Paul",
    "Rhea",
    "Seth",
    "Tess",
    "Vera",
    "Will",
    "Yusuf",
    "Zoe",
)
LAST = (
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Haddad",
    "Nakamura",
    "Petrov",
    "Alvarez",
    "Brennan",
    "Chen",
    "Duarte",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoang",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Mendez",
    "Novak",
    "Ortiz",
    "Patel",
    "Quinn",
    "Rossi",
    "Sato",
    "Torres",
    "Usman",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zhang",
    "Abbott",
    "Baptiste",
    "Castillo",
    "Dubois",
    "Evans",
    "Ferreira",
)

GROUP_TYPES: list[dict[str, Any]] = [
    {"id": "process", "name": "Process group", "qualification": "SUD", "tracks": ["adult"],
     "per_patient_week": {"min": 1, "max": 3}},
    {"id": "relapse-prevention", "name": "Relapse prevention", "qualification": "SUD",
     "tracks": ["adult"], "per_patient_week": {"min": 0, "max": 2}},
    {"id": "dbt-skills", "name": "DBT skills", "qualification": "DBT",
     "tracks": ["adult", "adolescent"], "per_patient_week": {"min": 0, "max": 2}},
    {"id": "trauma", "name": "Trauma recovery (co-facilitated)", "staff": {"trauma": 1, "peer-support": 1},
     "tracks": ["adult"], "per_patient_week": {"min": 0, "max": 2}},
    {"id": "expressive-arts", "name": "Expressive arts", "tracks": ["adult", "adolescent"],
     "per_patient_week": {"min": 0, "max": 2}},
    {"id": "teen-process", "name": "Adolescent process group", "qualification": "adolescent",
     "tracks": ["adolescent"], "per_patient_week": {"min": 1, "max": 3}},
]  # fmt: skip
TYPE_BY_ID = {g["id"]: g for g in GROUP_TYPES}
ADULT_TYPES = ["process", "relapse-prevention", "dbt-skills", "trauma", "expressive-arts"]
TEEN_TYPES = ["teen-process", "dbt-skills", "expressive-arts"]
THERAPIST_QUALIFICATIONS = ["SUD", "DBT", "trauma", "family", "adolescent"]
LEVELS = {
    "IOP-A": {"min_hours": 6, "max_hours": 10, "min_days": 2, "max_days": 4, "max_blocks_per_day": 1},
}


@dataclass(frozen=True)
class GeneratorSettings:
    """Knobs of a synthetic week; the defaults give a typical mid-size program."""

    patients: int = 80
    seed: int = 0
    php_share: float = 0.15
    adolescent_share: float = 0.15
    family_share: float = 0.2
    psychiatric_share: float = 0.35
    primary_share: float = 0.7
    max_size: int = 8
    slack: float = 1.0  # 0: tight (staff just sufficient); 1: a normal week's spare capacity
    name: str | None = None
    week_of: date = date(2026, 11, 30)


@dataclass
class _Clinician:
    id: str
    name: str
    role: str
    qualifications: list[str]
    max_hours: float
    shift: list[str]
    workdays: list[str]
    busy: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    minutes: int = 0

    def free(self, day: str, block: str, start: int, end: int) -> bool:
        if block not in self.shift or day not in self.workdays:
            return False
        if self.minutes + (end - start) > self.max_hours * 60:
            return False
        return all(end <= s or e <= start for s, e in self.busy[(day, block)])

    def book(self, day: str, block: str, start: int, end: int) -> None:
        self.busy[(day, block)].append((start, end))
        self.minutes += end - start


@dataclass
class _Patient:
    id: str
    name: str
    level: str
    track: str
    home: list[str]
    needs: dict[str, int]
    group_days: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # day -> blocks
    busy: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    minutes: int = 0
    primary: str | None = None
    periods: set[tuple[str, str]] = field(default_factory=set)

    @property
    def days(self) -> set[str]:
        return {d for d, _ in self.periods}


class _Planter:
    def __init__(self, settings: GeneratorSettings) -> None:
        self.s = settings
        self.rng = random.Random(settings.seed)
        self.clinicians: list[_Clinician] = []
        self.patients: list[_Patient] = []
        self.sessions: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.counter: dict[str, int] = defaultdict(int)

    # -- people ----------------------------------------------------------------------------

    def name(self) -> str:
        for _ in range(1000):
            candidate = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)} {len(self.names)}"

    def hire(self, role: str, qualification: str | None, day: str, block: str) -> _Clinician:
        """A new clinician who can take a session in (day, block) needing ``qualification``."""
        prefix = {"therapist": "T", "prescriber": "MD", "coach": "C"}[role]
        self.counter[prefix] += 1
        ident = f"{prefix}{self.counter[prefix]:02d}"
        if role == "therapist":
            extra = self.rng.sample(THERAPIST_QUALIFICATIONS, k=self.rng.randint(1, 2))
            qualifications = sorted({*(q for q in [qualification] if q), *extra})
        elif role == "coach":
            qualifications = ["peer-support"]
        else:
            qualifications = ["psychiatry"]
        shifts = [["morning", "afternoon"], ["afternoon", "evening"], ["morning", "evening"]]
        shift = next(s for s in self.rng.sample(shifts, len(shifts)) if block in s)
        others = [d for d in DAYS if d != day]
        workdays = sorted([day, *self.rng.sample(others, self.rng.choice([3, 4]))], key=DAYS.index)
        full_time = self.rng.random() < 0.75
        max_hours = {"therapist": 36 if full_time else 24, "prescriber": 16, "coach": 30}[role]
        clinician = _Clinician(ident, self.name(), role, qualifications, max_hours, shift, workdays)
        self.clinicians.append(clinician)
        return clinician

    def staff_for(
        self, role: str, qualification: str | None, day: str, block: str, start: int, end: int,
        prefer: list[str], exclude: set[str],
    ) -> _Clinician:  # fmt: skip
        """A clinician free then: the preferred one, a colleague already hired, or a new hire."""

        def able(c: _Clinician) -> bool:
            if c.id in exclude or not c.free(day, block, start, end):
                return False
            if qualification is None:  # SPEC: a type without a qualification takes any therapist
                return c.role == "therapist"
            return qualification in c.qualifications

        for ident in prefer:
            found = next((c for c in self.clinicians if c.id == ident and able(c)), None)
            if found:
                return found
        pool = [c for c in self.clinicians if able(c)]
        if pool:  # pack work onto colleagues already hired: the busiest one who still fits
            return max(pool, key=lambda c: (c.minutes, c.id))
        return self.hire(role, qualification, day, block)

    # -- cohorts and groups -------------------------------------------------------------------

    def admit(self) -> None:
        s = self.s
        n_php = round(s.patients * s.php_share)
        n_teen = round(s.patients * s.adolescent_share)
        low = 3 + 1
        n_php = n_php if n_php >= low else 0
        n_teen = n_teen if n_teen >= low else 0
        n_adult = s.patients - n_php - n_teen
        for level, track, count in (
            ("PHP", "adult", n_php),
            ("IOP-A", "adolescent", n_teen),
            ("IOP", "adult", n_adult),
        ):
            for size in self.cohort_sizes(count):
                self.cohort(level, track, size)

    def cohort_sizes(self, total: int) -> list[int]:
        low, high = 4, self.s.max_size
        sizes = []
        while total > 0:
            if total <= high:
                size = total
            else:
                size = self.rng.randint(max(low, high - 3), high)
                if 0 < total - size < low:
                    size = total - low
            sizes.append(size)
            total -= size
        return sizes

    def cohort(self, level: str, track: str, size: int) -> None:
        rng = self.rng
        if level == "PHP":
            home = ["morning", "afternoon"]
            afternoons = set(rng.sample(DAYS, 3))
            plan = [(d, b) for d in DAYS for b in home if b == "morning" or d in afternoons]
        elif track == "adolescent":
            home = [rng.choices(["evening", "afternoon"], [0.8, 0.2])[0]]
            plan = [(d, home[0]) for d in sorted(rng.sample(DAYS, 2), key=DAYS.index)]
        else:
            home = [rng.choices(["evening", "morning", "afternoon"], [0.55, 0.3, 0.15])[0]]
            plan = [(d, home[0]) for d in sorted(rng.sample(DAYS, 3), key=DAYS.index)]
        members = [self.new_patient(level, track, home) for _ in range(size)]
        types = self.session_types(track, plan)
        leaders: list[str] = []
        for (day, block), type_id in zip(plan, types, strict=True):
            session = self.group(day, block, type_id, track, members, leaders)
            leaders.insert(0, session["therapists"][0])

    def session_types(self, track: str, plan: list[tuple[str, str]]) -> list[str]:
        first, choices = ("teen-process", TEEN_TYPES) if track == "adolescent" else ("process", ADULT_TYPES)
        used: dict[str, int] = defaultdict(int)
        per_day: dict[str, set[str]] = defaultdict(set)
        types = []
        for n, (day, _) in enumerate(plan):
            options = [
                t
                for t in choices
                if used[t] < TYPE_BY_ID[t]["per_patient_week"]["max"] and t not in per_day[day]
            ]
            pick = first if n == 0 else self.rng.choice(options)
            used[pick] += 1
            per_day[day].add(pick)
            types.append(pick)
        return types

    def new_patient(self, level: str, track: str, home: list[str]) -> _Patient:
        s = self.s
        ident = f"P{len(self.patients) + 1:04d}"
        needs = {"individual": 1}
        if self.rng.random() < s.family_share * (2 if track == "adolescent" else 1):
            needs["family"] = 1
        if self.rng.random() < s.psychiatric_share:
            needs["psychiatric"] = 1
        patient = _Patient(ident, self.name(), level, track, home, needs)
        self.patients.append(patient)
        return patient

    def group(
        self, day: str, block: str, type_id: str, track: str, members: list[_Patient], leaders: list[str]
    ) -> dict[str, Any]:
        spec = TYPE_BY_ID[type_id]
        start, end = BLOCKS[block][0], BLOCKS[block][0] + GROUP_MIN
        roles = list(spec["staff"].items()) if "staff" in spec else [(spec.get("qualification"), 1)]
        staff: list[str] = []
        for n, (qualification, count) in enumerate(roles):
            for _ in range(count):
                role = "coach" if qualification == "peer-support" else "therapist"
                chosen = self.staff_for(
                    role,
                    qualification,
                    day,
                    block,
                    start,
                    end,
                    prefer=leaders if n == 0 else [],
                    exclude=set(staff),
                )
                chosen.book(day, block, start, end)
                staff.append(chosen.id)
        for p in members:
            p.busy[(day, block)].append((start, end))
            p.group_days[day].append(block)
            p.periods.add((day, block))
            p.minutes += GROUP_MIN
        session = {
            "kind": "group",
            "type": type_id,
            "day": day,
            "start": _clock(start),
            "end": _clock(end),
            "room": None,
            "track": track,
            "therapists": staff,
            "patients": [p.id for p in members],
            "block": block,
        }
        self.sessions.append(session)
        return session

    # -- appointments -------------------------------------------------------------------------

    def appointments(self) -> None:
        durations = {"individual": 60, "family": 60, "psychiatric": 30}
        for p in self.patients:
            for kind in ("individual", "family", "psychiatric"):
                for _ in range(p.needs.get(kind, 0)):
                    self.appointment(p, kind, durations[kind])

    def appointment(self, p: _Patient, kind: str, duration: int) -> None:
        max_days = {"IOP": 5, "PHP": 5, "IOP-A": 4}[p.level]
        role = "prescriber" if kind == "psychiatric" else "therapist"
        qualification = "family" if kind == "family" else None
        for day, block in self.appointment_periods(p):
            if day not in p.days and len(p.days) >= max_days:
                continue
            lo, hi = BLOCKS[block]
            for start in range(lo, hi - duration + 1, duration):
                end = start + duration
                if any(not (end <= s or e <= start) for s, e in p.busy[(day, block)]):
                    continue
                prefer = [p.primary] if kind == "individual" and p.primary else []
                clinician = self.available(role, qualification, day, block, start, end, prefer)
                if clinician is None:
                    continue
                self.book_appointment(p, kind, clinician, day, block, start, end)
                return
        # nobody free in any of the patient's periods: hire for the patient's home block
        day, block = next(
            (d, b)
            for d in DAYS
            for b in BLOCKS
            if not p.busy[(d, b)] and (d in p.days or len(p.days) < max_days)
        )
        start = BLOCKS[block][0]
        clinician = self.hire(
            role, qualification or ("psychiatry" if role == "prescriber" else None), day, block
        )
        self.book_appointment(p, kind, clinician, day, block, start, start + duration)

    def appointment_periods(self, p: _Patient) -> list[tuple[str, str]]:
        """Where a patient would take an appointment, most natural first."""
        non_group_days = [d for d in DAYS if d not in p.group_days]
        home = [(d, b) for d in non_group_days for b in p.home]
        other = [
            (d, b) for d in DAYS for b in BLOCKS if b not in p.group_days.get(d, []) and (d, b) not in home
        ]
        self.rng.shuffle(home)
        self.rng.shuffle(other)
        used_days = [x for x in home + other if x[0] in p.days]
        return used_days + [x for x in home + other if x not in used_days]

    def available(
        self,
        role: str,
        qualification: str | None,
        day: str,
        block: str,
        start: int,
        end: int,
        prefer: list[str],
    ) -> _Clinician | None:
        able = [
            c
            for c in self.clinicians
            if c.role == role
            and (qualification is None or qualification in c.qualifications)
            and c.free(day, block, start, end)
        ]
        for c in able:
            if c.id in prefer:
                return c
        if prefer:
            return None
        return min(able, key=lambda c: (c.minutes / (c.max_hours * 60), c.id)) if able else None

    def book_appointment(
        self, p: _Patient, kind: str, c: _Clinician, day: str, block: str, start: int, end: int
    ) -> None:
        c.book(day, block, start, end)
        p.busy[(day, block)].append((start, end))
        p.periods.add((day, block))
        if kind != "psychiatric":
            p.minutes += end - start
        if kind == "individual" and p.primary is None and self.rng.random() < self.s.primary_share:
            p.primary = c.id
        self.sessions.append(
            {
                "kind": kind,
                "type": kind,
                "day": day,
                "start": _clock(start),
                "end": _clock(end),
                "room": None,
                "track": None,
                "therapists": [c.id],
                "patients": [p.id],
                "block": block,
            }
        )

    def ensure_prescriber(self) -> None:
        """Programs have a prescriber from the first patient needing psychiatry."""
        if any(p.needs.get("psychiatric") for p in self.patients) and not any(
            c.role == "prescriber" for c in self.clinicians
        ):
            prescriber = self.hire("prescriber", None, "mon", "morning")
            prescriber.shift = ["morning", "afternoon", "evening"]
            prescriber.workdays = ["mon", "tue", "wed", "thu"]

    # -- rooms and the scenario -----------------------------------------------------------------

    def rooms(self) -> list[dict[str, Any]]:
        by_period: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for session in self.sessions:
            if session["kind"] == "group":
                by_period[(session["day"], session["block"])].append(session)
        general = 0
        for sessions in by_period.values():
            studio_taken = False
            count = 0
            for session in sessions:
                if session["type"] == "expressive-arts" and not studio_taken:
                    session["room"] = "Studio"
                    studio_taken = True
                else:
                    count += 1
                    session["room"] = f"R{count}"
            general = max(general, count)
        spare = math.ceil(general * 0.15 * self.s.slack)
        capacity = self.s.max_size + (2 if self.s.slack else 0)
        rooms = [{"id": f"R{n}", "capacity": capacity} for n in range(1, general + spare + 1)]
        if any(s["room"] == "Studio" for sessions in by_period.values() for s in sessions):
            rooms.append({"id": "Studio", "capacity": self.s.max_size, "group_types": ["expressive-arts"]})
        return rooms

    def availability_of_patient(self, p: _Patient) -> dict[str, list[str]]:
        periods = set(p.periods)
        for day in DAYS:
            for block in p.home:
                if self.rng.random() < 0.6 * self.s.slack:
                    periods.add((day, block))
            for block in BLOCKS:
                if self.rng.random() < 0.1 * self.s.slack:
                    periods.add((day, block))
        return _as_availability(periods)

    def availability_of_clinician(self, c: _Clinician) -> dict[str, list[str]]:
        used = {period for period, spans in c.busy.items() if spans}
        if self.s.slack <= 0:
            return _as_availability(used)
        contract = {(d, b) for d in c.workdays for b in c.shift}
        return _as_availability(used | contract)

    def scenario(self) -> dict[str, Any]:
        rooms = self.rooms()
        therapists = []
        for c in self.clinicians:
            planted_hours = c.minutes / 60
            max_hours = c.max_hours if self.s.slack > 0 else max(1, math.ceil(planted_hours))
            therapists.append(
                {
                    "id": c.id,
                    "name": c.name,
                    "role": c.role,
                    "qualifications": c.qualifications,
                    "max_hours": max_hours,
                    "availability": self.availability_of_clinician(c),
                }
            )
        patients = []
        for p in self.patients:
            entry: dict[str, Any] = {
                "id": p.id,
                "name": p.name,
                "level": p.level,
                "track": p.track,
                "availability": self.availability_of_patient(p),
            }
            for kind in ("family", "psychiatric"):
                if p.needs.get(kind):
                    entry[f"{kind}_per_week"] = p.needs[kind]
            if p.primary:
                entry["primary_therapist"] = p.primary
            entry["preferred_blocks"] = list(p.home)
            patients.append(entry)
        used_types = {s["type"] for s in self.sessions if s["kind"] == "group"}
        group_types = [
            {**g, "max_size": self.s.max_size, "min_size": 3} for g in GROUP_TYPES if g["id"] in used_types
        ]
        tracks = sorted({p.track for p in self.patients})
        for g in group_types:
            g["tracks"] = [t for t in g["tracks"] if t in tracks]
        levels = {k: v for k, v in LEVELS.items() if any(p.level == k for p in self.patients)}
        document: dict[str, Any] = {
            "program": {
                "name": self.s.name or f"Synthetic program ({self.s.patients} patients, seed {self.s.seed})",
                "week_of": self.s.week_of.isoformat(),
                "timezone": "America/Chicago",
                "days": DAYS,
                "blocks": {b: {"start": _clock(lo), "end": _clock(hi)} for b, (lo, hi) in BLOCKS.items()},
                "tracks": tracks,
            },
            "levels": levels,
            "group_types": group_types,
            "rooms": rooms,
            "therapists": therapists,
            "patients": patients,
        }
        if not levels:
            del document["levels"]
        return document

    def roster(self, scenario_name: str) -> dict[str, Any]:
        numbered: dict[tuple[str, ...], int] = defaultdict(int)
        sessions = []
        for s in sorted(
            self.sessions, key=lambda x: (DAYS.index(x["day"]), x["start"], x["kind"] != "group")
        ):
            if s["kind"] == "group":
                key = ("G", s["day"], s["block"], s["type"])
                numbered[key] += 1
                ident = group_session_id(s["day"], s["block"], s["type"], numbered[key])
            else:
                key = ("A", s["patients"][0], s["kind"])
                numbered[key] += 1
                ident = appointment_id(s["patients"][0], s["kind"], numbered[key])
            sessions.append({"id": ident, **{k: v for k, v in s.items() if k != "block"}})
        return {
            "format": FORMAT,
            "scenario": scenario_name,
            "week_of": self.s.week_of.isoformat(),
            "solver": {"status": "FEASIBLE", "objective": None, "best_bound": None, "wall_time_s": 0.0},
            "sessions": sessions,
            "shortfalls": [],
        }


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _as_availability(periods: set[tuple[str, str]]) -> dict[str, list[str]]:
    availability: dict[str, list[str]] = {}
    for day in DAYS:
        blocks = [b for b in BLOCKS if (day, b) in periods]
        if blocks:
            availability[day] = blocks
    return availability


def generate(settings: GeneratorSettings) -> tuple[dict[str, Any], dict[str, Any]]:
    """A scenario document and the planted roster that proves it feasible."""
    if settings.patients < 4:
        raise ValueError("a synthetic week needs at least 4 patients (one group of minimum size)")
    planter = _Planter(settings)
    planter.admit()
    planter.ensure_prescriber()
    planter.appointments()
    scenario = planter.scenario()
    return scenario, planter.roster(scenario["program"]["name"])
