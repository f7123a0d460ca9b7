"""Factories for tests: tiny weeks whose right answer can be worked out by hand."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from optimizer.check import check_roster
from optimizer.scenario import Scenario, scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.workflow import Outcome, solve_verified

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# Every soft goal off: tests of hard rules only ask "is there a roster?".
NO_OBJECTIVE = {
    "block_consistency": 0, "continuity": 0, "sessions": 0,
    "load_balance": 0, "preferences": 0, "stability": 0,
}  # fmt: skip


def tiny_document(**sections: Any) -> dict[str, Any]:
    """A one-block, two-day week with one SUD group type, one room and one therapist.

    Patients come via ``patients=[...]``; any section given replaces the default.
    A custom level 'L' keeps hour sums small: 3 h a week on at least one day.
    """
    document: dict[str, Any] = {
        "program": {
            "name": "Tiny",
            "week_of": "2026-11-30",
            "timezone": "America/Chicago",
            "days": ["mon", "tue"],
            "blocks": {"evening": {"start": "17:00", "end": "20:00"}},
        },
        "levels": {"L": {"min_hours": 3, "max_hours": 6, "min_days": 1, "max_days": 2}},
        "group_types": [
            {"id": "process", "qualification": "SUD", "min_size": 2, "max_size": 4,
             "per_patient_week": {"min": 0, "max": 2}},
        ],
        "rooms": [{"id": "A", "capacity": 8}],
        "therapists": [
            {"id": "T1", "qualifications": ["SUD"], "max_hours": 20,
             "availability": {"mon": ["evening"], "tue": ["evening"]}},
        ],
        "patients": [],
        "objective": dict(NO_OBJECTIVE),
    }  # fmt: skip
    document.update(copy.deepcopy(sections))
    return document


def make_patient(
    ident: str, days: tuple[str, ...] = ("mon", "tue"), block: str = "evening", **fields: Any
) -> dict[str, Any]:
    """A patient on level L, track adult, no appointments unless given."""
    patient = {
        "id": ident, "level": "L", "track": "adult",
        "availability": {d: [block] for d in days}, "individual_per_week": 0,
    }  # fmt: skip
    patient.update(fields)
    return patient


def make_therapist(ident: str, qualifications: list[str], days: tuple[str, ...] = ("mon", "tue"),
                   block: str = "evening", **fields: Any) -> dict[str, Any]:  # fmt: skip
    """A therapist available in one block on the given days."""
    therapist = {"id": ident, "qualifications": qualifications, "max_hours": 20,
                 "availability": {d: [block] for d in days}}  # fmt: skip
    therapist.update(fields)
    return therapist


def solve_document(
    document: dict[str, Any], time_limit: float = 20.0, workers: int = 2, strict: bool = True, **options: Any
) -> tuple[Scenario, Outcome]:
    """Validate and solve a scenario document; the roster (if any) has passed the checker.

    ``strict`` (the default here): an infeasible week gives no roster, status INFEASIBLE.
    """
    scenario = scenario_from_dict(document)
    options = SolveOptions(time_limit=time_limit, workers=workers, **options)
    outcome = solve_verified(scenario, options, strict=strict)
    if outcome.roster is not None:
        assert check_roster(scenario, outcome.roster).ok
    return scenario, outcome
