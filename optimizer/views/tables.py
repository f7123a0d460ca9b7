"""Per-session, per-patient and per-therapist tables of a roster (pandas at the edge).

These tables feed the CSV files, the on-screen summary and the richer views (workbook,
HTML board, calendars): every sum a view shows is computed here once, so the views
cannot disagree. They present the roster and verify nothing (that is ``check``'s job).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pandas as pd

from ..roster import Roster, Session
from ..scenario import DAYS, Scenario, clock_minutes

UNKNOWN_BLOCK = "?"

# What a shortfall's numbers count, by the SPEC rule it falls short of.
SHORTFALL_MEASURES = {"H4": "hours", "H5": "days", "H8": "appointments", "H9": "group sessions"}
PATIENT_COLUMNS = [
    "patient",
    "name",
    "level",
    "track",
    "hours_min",
    "hours_max",
    "hours_scheduled",
    "hours_met",
    "hours_short",
    "days",
    "day_list",
    "blocks_used",
    "group_sessions",
    "group_leaders",
    "appointments",
    "primary_therapist",
    "shortfalls",
]
THERAPIST_COLUMNS = [
    "therapist",
    "name",
    "role",
    "qualifications",
    "hours_scheduled",
    "max_hours",
    "load_pct",
    "groups_led",
    "groups_co_led",
    "appointments",
]


def _length(s: Session) -> int:
    return clock_minutes(s.end) - clock_minutes(s.start)


def block_of(scenario: Scenario, s: Session) -> str:
    """The block a session starts in (``?`` for one outside every block, as in a hand-made roster)."""
    start = clock_minutes(s.start)
    for name, block in scenario.program.blocks.items():
        if block.start_min <= start < block.end_min:
            return name
    return UNKNOWN_BLOCK


def ordered_blocks(scenario: Scenario) -> list[str]:
    """Block names in clock order (a scenario may list them in any order)."""
    blocks = scenario.program.blocks
    return sorted(blocks, key=lambda name: blocks[name].start_min)


def day_dates(scenario: Scenario) -> dict[str, dt.date]:
    """The calendar date of each program day of the week (``week_of`` is its Monday)."""
    return {
        day: scenario.program.week_of + dt.timedelta(days=DAYS.index(day)) for day in scenario.program.days
    }


def week_grid(scenario: Scenario, sessions: list[Session]) -> dict[tuple[str, str], list[Session]]:
    """Sessions by (day, block), each cell in chronological order: the grid every board draws."""
    grid: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for s in sorted(sessions, key=Session.sort_key):
        grid[(s.day, block_of(scenario, s))].append(s)
    return dict(grid)


def type_label(scenario: Scenario, s: Session) -> str:
    """What a manager calls a session: the group type's name, or the appointment kind."""
    if s.is_group:
        names = {g.id: g.name for g in scenario.group_types if g.name}
        return names.get(s.type, s.type)
    return s.kind.replace("-", " ").replace("_", " ").capitalize()


def patient_names(scenario: Scenario) -> dict[str, str]:
    """Patient id -> the name shown in views (the id when the scenario gives no name)."""
    return {p.id: p.name or p.id for p in scenario.patients}


def therapist_names(scenario: Scenario) -> dict[str, str]:
    """Clinician id -> the name shown in views (the id when the scenario gives no name)."""
    return {t.id: t.name or t.id for t in scenario.therapists}


def sessions_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """One row per session, in roster order."""
    rows = [
        {
            "id": s.id,
            "kind": s.kind,
            "type": s.type,
            "day": s.day,
            "block": block_of(scenario, s),
            "start": s.start,
            "end": s.end,
            "room": s.room or "",
            "track": s.track or "",
            "therapists": ";".join(s.therapists),
            "patients": ";".join(s.patients),
            "size": len(s.patients),
            "capacity": session_capacity(scenario, s),
        }
        for s in roster.sessions
    ]
    columns = [
        "id",
        "kind",
        "type",
        "day",
        "block",
        "start",
        "end",
        "room",
        "track",
        "therapists",
        "patients",
        "size",
        "capacity",
    ]
    return pd.DataFrame(rows, columns=columns)


def session_capacity(scenario: Scenario, s: Session) -> int | None:
    """Seats a group session can hold (its type's max size, or less in a smaller room)."""
    if not s.is_group:
        return None
    max_size = next((g.max_size for g in scenario.group_types if g.id == s.type), 0)
    rooms = {r.id: r.capacity for r in scenario.rooms}
    return min(max_size, rooms.get(s.room or "", max_size))


def patients_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """Per patient: hours required and scheduled, days, blocks used, appointments."""
    minutes: dict[str, int] = defaultdict(int)
    days: dict[str, set[str]] = defaultdict(set)
    blocks: dict[str, set[str]] = defaultdict(set)
    groups: dict[str, int] = defaultdict(int)
    leaders: dict[str, set[str]] = defaultdict(set)
    appointments: dict[str, Counter[str]] = defaultdict(Counter)
    for s in roster.sessions:
        counts = s.is_group or scenario.appointments[s.kind].counts_toward_hours
        for p in s.patients:
            days[p].add(s.day)
            if counts:
                minutes[p] += _length(s)
            if s.is_group:
                groups[p] += 1
                blocks[p].add(block_of(scenario, s))
                leaders[p].update(s.therapists[:1])
            else:
                appointments[p][s.kind] += 1
    short: dict[str, list[str]] = defaultdict(list)
    for f in roster.shortfalls:
        if f.rule not in short[f.patient]:
            short[f.patient].append(f.rule)
    rows = []
    for p in scenario.patients:
        level = scenario.level_of(p)
        hours = minutes[p.id] / 60
        rows.append(
            {
                "patient": p.id,
                "name": p.name or "",
                "level": p.level,
                "track": p.track,
                "hours_min": level.min_hours,
                "hours_max": level.max_hours,
                "hours_scheduled": hours,
                "hours_met": level.min_hours <= hours <= level.max_hours,
                "hours_short": max(0.0, level.min_hours - hours),
                "days": len(days[p.id]),
                "day_list": ";".join(d for d in DAYS if d in days[p.id]),
                "blocks_used": ";".join(b for b in scenario.program.blocks if b in blocks[p.id]),
                "group_sessions": groups[p.id],
                "group_leaders": len(leaders[p.id]),
                "appointments": ";".join(f"{k}:{n}" for k, n in sorted(appointments[p.id].items())),
                "primary_therapist": p.primary_therapist or "",
                "shortfalls": ";".join(short[p.id]),
            }
        )
    return pd.DataFrame(rows, columns=PATIENT_COLUMNS)


def therapists_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """Per clinician: hours scheduled against max, groups led or co-led, appointments."""
    minutes: dict[str, int] = defaultdict(int)
    led: dict[str, int] = defaultdict(int)
    co_led: dict[str, int] = defaultdict(int)
    appointments: dict[str, int] = defaultdict(int)
    for s in roster.sessions:
        for position, t in enumerate(s.therapists):
            minutes[t] += _length(s)
            if not s.is_group:
                appointments[t] += 1
            elif position == 0:
                led[t] += 1
            else:
                co_led[t] += 1
    rows = []
    for t in scenario.therapists:
        hours = minutes[t.id] / 60
        rows.append(
            {
                "therapist": t.id,
                "name": t.name or "",
                "role": t.role,
                "qualifications": ";".join(t.qualifications),
                "hours_scheduled": hours,
                "max_hours": t.max_hours,
                "load_pct": round(100 * hours / t.max_hours, 1) if t.max_hours else 0.0,
                "groups_led": led[t.id],
                "groups_co_led": co_led[t.id],
                "appointments": appointments[t.id],
            }
        )
    return pd.DataFrame(rows, columns=THERAPIST_COLUMNS)


def shortfalls_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """The roster's declared shortfalls (SPEC §4), one row each, with what is missing."""
    names = {p.id: p.name or "" for p in scenario.patients}
    rows = [
        {
            "patient": f.patient,
            "name": names.get(f.patient, ""),
            "rule": f.rule,
            "measure": SHORTFALL_MEASURES.get(f.rule, ""),
            "required": f.required,
            "scheduled": f.scheduled,
            "missing": max(0.0, f.required - f.scheduled),
            "reason": f.reason,
        }
        for f in roster.shortfalls
    ]
    columns = ["patient", "name", "rule", "measure", "required", "scheduled", "missing", "reason"]
    return pd.DataFrame(rows, columns=columns)


def fill_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """Per day and block with groups: sessions run, seats taken and seats offered (group fill)."""
    cells: dict[tuple[str, str], list[int]] = {}
    for s in roster.groups():
        cell = cells.setdefault((s.day, block_of(scenario, s)), [0, 0, 0])
        cell[0] += 1
        cell[1] += len(s.patients)
        cell[2] += session_capacity(scenario, s) or 0
    order = {b: i for i, b in enumerate([*ordered_blocks(scenario), UNKNOWN_BLOCK])}
    rows = [
        {
            "day": day,
            "block": block,
            "sessions": n,
            "seats_taken": taken,
            "seats_offered": offered,
            "fill_pct": round(100 * taken / offered, 1) if offered else 0.0,
        }
        for (day, block), (n, taken, offered) in sorted(
            cells.items(), key=lambda kv: (DAYS.index(kv[0][0]) if kv[0][0] in DAYS else 7, order[kv[0][1]])
        )
    ]
    columns = ["day", "block", "sessions", "seats_taken", "seats_offered", "fill_pct"]
    return pd.DataFrame(rows, columns=columns)
