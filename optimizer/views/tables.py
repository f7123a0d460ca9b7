"""Per-session, per-patient and per-therapist tables of a roster (pandas at the edge).

These tables feed the CSV files, the on-screen summary and the richer views; they
present the roster and verify nothing (that is ``check``'s job).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pandas as pd

from ..roster import Roster, Session
from ..scenario import DAYS, Scenario, clock_minutes


def _length(s: Session) -> int:
    return clock_minutes(s.end) - clock_minutes(s.start)


def _block(scenario: Scenario, s: Session) -> str:
    start = clock_minutes(s.start)
    for name, block in scenario.program.blocks.items():
        if block.start_min <= start < block.end_min:
            return name
    return "?"


def sessions_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """One row per session, in roster order."""
    rows = [
        {
            "id": s.id,
            "kind": s.kind,
            "type": s.type,
            "day": s.day,
            "block": _block(scenario, s),
            "start": s.start,
            "end": s.end,
            "room": s.room or "",
            "track": s.track or "",
            "therapists": ";".join(s.therapists),
            "patients": ";".join(s.patients),
            "size": len(s.patients),
            "capacity": _capacity(scenario, s),
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


def _capacity(scenario: Scenario, s: Session) -> int | None:
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
                blocks[p].add(_block(scenario, s))
                leaders[p].update(s.therapists[:1])
            else:
                appointments[p][s.kind] += 1
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
                "days": len(days[p.id]),
                "day_list": ";".join(d for d in DAYS if d in days[p.id]),
                "blocks_used": ";".join(b for b in scenario.program.blocks if b in blocks[p.id]),
                "group_sessions": groups[p.id],
                "group_leaders": len(leaders[p.id]),
                "appointments": ";".join(f"{k}:{n}" for k, n in sorted(appointments[p.id].items())),
                "primary_therapist": p.primary_therapist or "",
            }
        )
    return pd.DataFrame(rows)


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
    return pd.DataFrame(rows)
