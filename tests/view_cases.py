"""Weeks and rosters for the view tests: one worked out by hand, one solved example.

The hand-made week runs Monday to Sunday from 2026-10-26 in America/Chicago, so its
weekend straddles the end of daylight-saving time (Sun 2026-11-01, 02:00 CDT -> 01:00
CST): Saturday's 09:00 is 14:00 UTC, Sunday's 09:00 is 15:00 UTC. A clinician and a
patient carry names that would break or inject into a careless view.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from optimizer.roster import Roster, roster_from_dict
from optimizer.scenario import Scenario, load_scenario, scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.workflow import solve_verified
from tests.factories import NO_OBJECTIVE, SCENARIOS

HOSTILE = '<script>alert(1)</script> & "quotes"'
HOSTILE_THERAPIST = f"Dr {HOSTILE}"
HOSTILE_PATIENT = f"Pat {HOSTILE}'s"
WEEKEND = {"sat": ["morning", "evening"], "sun": ["morning", "evening"]}

# Session ids of the hand-made roster, with what a view should show for them.
SAT_GROUP = "G-sat-morning-process-1"  # Sat 31 Oct 09:00–12:00 CDT, room A, T1, P1 P2 P3 (3/4)
SUN_GROUP = "G-sun-morning-process-1"  # Sun 01 Nov 09:00–12:00 CST, room A, T2, P1 P2 P4 (3/4)
SUN_INDIVIDUAL = "A-P1-individual-1"  # Sun 01 Nov 17:00–18:00 CST, T1 with P1


def dst_week_document(shortfall: bool = False) -> dict[str, Any]:
    """The hand-made week; with ``shortfall`` P3 needs 6 hours but the roster gives 3."""
    patients = [
        {"id": "P1", "name": HOSTILE_PATIENT, "individual_per_week": 1},
        {"id": "P2", "name": "Bo Chen"},
        {"id": "P3", "name": "Cy Diaz", **({"min_hours": 6} if shortfall else {})},
        {"id": "P4", "name": "Di Egan"},
    ]
    return {
        "program": {
            "name": "Harbor & Co <IOP>",
            "week_of": "2026-10-26",
            "timezone": "America/Chicago",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "blocks": {
                "morning": {"start": "09:00", "end": "12:00"},
                "evening": {"start": "17:00", "end": "20:00"},
            },
        },
        "levels": {"L": {"min_hours": 3, "max_hours": 9, "min_days": 1, "max_days": 3}},
        "group_types": [
            {
                "id": "process",
                "name": "Process group",
                "qualification": "SUD",
                "min_size": 2,
                "max_size": 4,
                "per_patient_week": {"min": 0, "max": 3},
            },
        ],
        "rooms": [{"id": "A", "capacity": 6}, {"id": "B", "capacity": 6}],
        "therapists": [
            {
                "id": "T1",
                "name": HOSTILE_THERAPIST,
                "qualifications": ["SUD"],
                "max_hours": 20,
                "availability": copy.deepcopy(WEEKEND),
            },
            {
                "id": "T2",
                "name": "Ana Ruiz",
                "qualifications": ["SUD"],
                "max_hours": 10,
                "availability": copy.deepcopy(WEEKEND),
            },
            {"id": "T3", "name": "Idle Ivo", "qualifications": ["SUD"], "max_hours": 10, "availability": {}},
        ],
        "patients": [
            {
                "level": "L",
                "track": "adult",
                "availability": copy.deepcopy(WEEKEND),
                "individual_per_week": 0,
                **p,
            }
            for p in patients
        ],
        "objective": dict(NO_OBJECTIVE),
    }


def dst_roster_document(shortfall: bool = False) -> dict[str, Any]:
    """The roster of the hand-made week: P1 7 h, P2 6 h, P3 3 h, P4 3 h; T1 4 h, T2 3 h."""

    def group(ident: str, day: str, therapist: str, patients: list[str]) -> dict[str, Any]:
        return {"id": ident, "kind": "group", "type": "process", "day": day, "start": "09:00",
                "end": "12:00", "room": "A", "track": "adult", "therapists": [therapist],
                "patients": patients}  # fmt: skip

    shortfalls = [
        {"patient": "P3", "rule": "H4", "required": 6, "scheduled": 3,
         "reason": "P3 (Cy Diaz) is available only on weekends and the Sunday group is full"},
    ]  # fmt: skip
    return {
        "format": "iop-roster/1",
        "scenario": "Harbor & Co <IOP>",
        "week_of": "2026-10-26",
        "solver": {"status": "FEASIBLE", "objective": 0.0, "best_bound": 0.0, "wall_time_s": 0.1},
        "sessions": [
            group(SAT_GROUP, "sat", "T1", ["P1", "P2", "P3"]),
            group(SUN_GROUP, "sun", "T2", ["P1", "P2", "P4"]),
            {
                "id": SUN_INDIVIDUAL,
                "kind": "individual",
                "type": "individual",
                "day": "sun",
                "start": "17:00",
                "end": "18:00",
                "room": None,
                "track": None,
                "therapists": ["T1"],
                "patients": ["P1"],
            },
        ],
        "shortfalls": shortfalls if shortfall else [],
    }


def dst_week(shortfall: bool = False) -> tuple[Scenario, Roster]:
    """The hand-made week and its roster as objects."""
    return scenario_from_dict(dst_week_document(shortfall)), roster_from_dict(dst_roster_document(shortfall))


@functools.cache
def solved_small() -> tuple[Scenario, Roster]:
    """The small example solved once per test run (first checked roster: a few seconds)."""
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    options = SolveOptions(time_limit=20, workers=2, parameters={"stop_after_first_solution": True})
    outcome = solve_verified(scenario, options)
    assert outcome.roster is not None
    return scenario, outcome.roster
