"""A catalogue of weeks made infeasible on purpose, each around a known cause.

For each: the explanation names that cause (the patient, the block, the qualification),
and the best-effort roster is checker-clean apart from the shortfalls it declares.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from optimizer.check import check_roster
from optimizer.scenario import scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.workflow import explain_week, explanation_lines, solve_verified
from tests.factories import make_patient, make_therapist, tiny_document

BOTH = {"mon": ["morning", "evening"], "tue": ["morning", "evening"]}


def two_blocks(**sections: Any) -> dict[str, Any]:
    """The tiny week with a morning block too; two SUD therapists; six IOP-like patients."""
    document = tiny_document(**sections)
    document["program"]["blocks"]["morning"] = {"start": "09:00", "end": "12:00"}
    document["program"]["days"] = ["mon", "tue", "wed"]
    if "therapists" not in sections:
        document["therapists"] = [
            make_therapist("T1", ["SUD", "family"], days=("mon", "tue", "wed")),
            make_therapist("T2", ["SUD"], days=("mon", "tue", "wed"), block="morning"),
            make_therapist("MD", [], days=("mon",), role="prescriber"),
        ]
    if "patients" not in sections:
        document["patients"] = [make_patient(f"P{i}", days=("mon", "tue", "wed")) for i in range(1, 7)]
    return document


def edit(document: dict[str, Any], patient: str, **fields: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for p in changed["patients"]:
        if p["id"] == patient:
            p.update(fields)
    return changed


def with_therapists(document: dict[str, Any], *therapists: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["therapists"] = list(therapists)
    return changed


BASE = two_blocks()
ONE_EVENING = {"tue": ["evening"]}

CASES = [
    # One cause each.
    pytest.param(
        edit(BASE, "P3", availability=ONE_EVENING, min_hours=6),
        ["P3", "tue evening", "6 h"],
        id="patient-hours",
    ),
    pytest.param(
        edit(BASE, "P2", min_days=3, max_days=3, availability={"mon": ["evening"], "tue": ["evening"]}),
        ["P2", "2 day(s)", "3 days"],
        id="patient-days",
    ),
    pytest.param(
        edit(
            BASE,
            "P4",
            family_per_week=1,
            availability={"mon": ["morning"], "tue": ["morning"], "wed": ["morning"]},
        ),
        ["P4", "family", "'family'", "mon morning"],
        id="no-family-clinician-in-blocks",
    ),
    pytest.param(
        edit(
            BASE,
            "P5",
            individual_per_week=1,
            primary_therapist="T2",
            availability={"mon": ["evening"], "tue": ["evening"]},
        ),
        ["P5", "primary therapist T2"],
        id="primary-therapist-never-there",
    ),
    pytest.param(
        edit(
            with_therapists(BASE, make_therapist("T1", ["SUD"], days=("mon", "tue", "wed"))),
            "P1",
            psychiatric_per_week=1,
        ),
        ["P1", "psychiatric", "prescriber"],
        id="no-prescriber",
    ),
    pytest.param(
        two_blocks(
            group_types=[
                {"id": "dbt", "qualification": "DBT", "min_size": 2, "per_patient_week": {"min": 1, "max": 2}}
            ]
        ),
        ["dbt", "'DBT'", "nobody holds"],
        id="nobody-can-lead",
    ),
    pytest.param(
        two_blocks(
            group_types=[
                {
                    "id": "process",
                    "qualification": "SUD",
                    "min_size": 2,
                    "per_patient_week": {"min": 3, "max": 3},
                }
            ],
            therapists=[make_therapist("T1", ["SUD"], days=("mon", "tue"))],
        ),
        ["process", "at least 3 time(s)", "'SUD'"],
        id="curriculum-needs-more-days",
    ),
    pytest.param(
        two_blocks(
            patients=[make_patient(f"Y{i}", track="teen", days=("mon",)) for i in range(1, 10)],
            group_types=[
                {
                    "id": "teen",
                    "qualification": "adolescent",
                    "min_size": 2,
                    "max_size": 4,
                    "per_patient_week": {"min": 1, "max": 1},
                }
            ],
            therapists=[make_therapist("T1", ["adolescent"], days=("mon",))],
        ),
        ["teen", "group seats", "adolescent", "T1"],
        id="too-few-seats",
    ),
    pytest.param(
        two_blocks(
            therapists=[
                make_therapist("T1", ["SUD"], days=("mon", "tue", "wed"), max_hours=6),
                make_therapist("T2", ["SUD"], days=("mon",), block="morning", max_hours=3),
            ],
            patients=[make_patient(f"P{i}", days=("mon", "tue", "wed"), min_hours=6) for i in range(1, 7)],
        ),
        ["evening", "clinician time", "T1"],
        id="clinician-hours-in-the-evening",
    ),
    pytest.param(
        two_blocks(
            rooms=[{"id": "Studio", "capacity": 8, "group_types": ["art"]}],
            group_types=[
                {
                    "id": "process",
                    "qualification": "SUD",
                    "min_size": 2,
                    "per_patient_week": {"min": 1, "max": 2},
                },
                {"id": "art", "min_size": 2},
            ],
        ),
        ["process", "suitable room"],
        id="only-room-reserved-for-another-type",
    ),
    # Found by the solver, not by a pre-check: each track alone is below min_size.
    pytest.param(
        two_blocks(
            patients=[
                make_patient("A1", days=("mon",)),
                make_patient("A2", days=("mon",)),
                make_patient("Y1", track="teen", days=("mon",)),
            ],
            group_types=[{"id": "process", "qualification": "SUD", "min_size": 3}],
        ),
        ["A1", "at least 3 patients", "at most 2 adult"],
        id="groups-below-min-size",
    ),
    # Found by the solver: two weekly minimums, one available block.
    pytest.param(
        two_blocks(
            patients=[make_patient(f"P{i}", days=("mon",), max_hours=9) for i in range(1, 4)],
            group_types=[
                {
                    "id": "process",
                    "qualification": "SUD",
                    "min_size": 2,
                    "per_patient_week": {"min": 1, "max": 1},
                },
                {
                    "id": "skills",
                    "qualification": "SUD",
                    "min_size": 2,
                    "per_patient_week": {"min": 1, "max": 1},
                },
            ],
        ),
        ["process", "skills"],
        id="two-types-one-block",
    ),
    # Two causes at once.
    pytest.param(
        edit(
            edit(BASE, "P3", availability=ONE_EVENING, min_hours=6),
            "P6",
            family_per_week=1,
            availability={"mon": ["morning"], "tue": ["morning"], "wed": ["morning"]},
        ),
        ["P3", "tue evening", "P6", "'family'"],
        id="two-causes-hours-and-family",
    ),
    pytest.param(
        edit(
            edit(BASE, "P1", min_days=3, max_days=3, availability={"mon": ["evening"]}),
            "P2",
            psychiatric_per_week=1,
            availability={"tue": ["evening"], "wed": ["evening"]},
        ),
        ["P1", "3 days", "P2", "psychiatric"],
        id="two-causes-days-and-prescriber-absent",
    ),
]


@pytest.mark.parametrize(("document", "named"), CASES)
def test_explanation_names_the_cause(document: dict[str, Any], named: list[str]) -> None:
    """`explain` says the week is infeasible and names the people, blocks and qualifications involved."""
    scenario = scenario_from_dict(document)
    findings, conflict, verdict = explain_week(scenario, time_limit=20)
    assert verdict == "infeasible"
    text = "\n".join(explanation_lines(scenario, findings, conflict))
    for fragment in named:
        assert fragment in text, text


@pytest.mark.parametrize(("document", "named"), CASES)
def test_best_effort_roster_is_clean_but_for_declared_shortfalls(
    document: dict[str, Any], named: list[str]
) -> None:
    """The best-effort roster passes the checker, and only thanks to the shortfalls it declares."""
    scenario = scenario_from_dict(document)
    outcome = solve_verified(scenario, SolveOptions(time_limit=10, workers=2))
    assert outcome.infeasible and outcome.roster is not None
    assert outcome.roster.shortfalls
    report = check_roster(scenario, outcome.roster)
    assert report.ok and len(report.declared) == len(outcome.roster.shortfalls)
    assert all(s.reason for s in outcome.roster.shortfalls)
    undeclared = type(outcome.roster)(**{**outcome.roster.__dict__, "shortfalls": ()})
    assert not check_roster(scenario, undeclared).ok  # without its declarations it would be rejected


def test_shortfall_is_as_small_as_the_week_allows() -> None:
    """One patient free only on Tuesday evening gets that evening's 3 h group: 3 h of 6, not less."""
    scenario = scenario_from_dict(edit(BASE, "P3", availability=ONE_EVENING, min_hours=6))
    outcome = solve_verified(scenario, SolveOptions(time_limit=10, workers=2))
    assert [(s.patient, s.rule, s.required, s.scheduled) for s in outcome.roster.shortfalls] == [
        ("P3", "H4", 6, 3)
    ]


def test_explain_says_a_feasible_week_can_be_rostered() -> None:
    """A week with a roster is not explained away: the verdict is 'feasible'."""
    _, conflict, verdict = explain_week(scenario_from_dict(BASE), time_limit=10)
    assert verdict == "feasible" and conflict is None


def test_one_worker_best_effort_rosters_repeat() -> None:
    """With one worker and a seed, a best-effort roster (and its reasons) comes out the same twice."""
    scenario = scenario_from_dict(edit(BASE, "P3", availability=ONE_EVENING, min_hours=6))
    runs = [solve_verified(scenario, SolveOptions(time_limit=5, workers=1, seed=4)).roster for _ in range(2)]
    assert runs[0].sessions == runs[1].sessions and runs[0].shortfalls == runs[1].shortfalls
