"""Week to week: stability against last week (S6) and locked assignments (H10)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from optimizer.check import check_roster
from optimizer.instance import Instance
from optimizer.roster import Roster, roster_from_dict
from optimizer.scenario import ScenarioError, scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.workflow import explain_week, explanation_lines, solve_verified
from tests.factories import make_patient, make_therapist, tiny_document


def week(**sections: Any) -> dict[str, Any]:
    """Three days, two leaders, eight patients who could come any evening; individual sessions too."""
    document = tiny_document(**sections)
    document.pop("objective")  # the default weights, stability included
    document["program"]["days"] = ["mon", "tue", "wed"]
    if "therapists" not in sections:
        document["therapists"] = [
            make_therapist("T1", ["SUD"], days=("mon", "tue", "wed")),
            make_therapist("T2", ["SUD"], days=("mon", "tue", "wed")),
        ]
    if "patients" not in sections:
        document["patients"] = [
            make_patient(
                f"P{i}",
                days=("mon", "tue", "wed"),
                min_hours=6,
                max_hours=9,
                max_days=3,
                individual_per_week=1 if i < 3 else 0,
            )
            for i in range(1, 9)
        ]
    if "rooms" not in sections:
        document["rooms"] = [{"id": "A", "capacity": 8}, {"id": "B", "capacity": 8}]
    return document


def solve(document: dict[str, Any], previous=None, time_limit: float = 20):
    scenario = scenario_from_dict(document)
    outcome = solve_verified(scenario, SolveOptions(time_limit=time_limit, workers=2), previous=previous)
    assert outcome.roster is not None and not outcome.roster.shortfalls  # every rule met
    return scenario, outcome


def test_unchanged_week_with_its_own_roster_as_previous_gives_the_same_assignments() -> None:
    """Re-solving a week against its own roster changes nothing: same sessions, stability 0."""
    _, first = solve(week())
    _, again = solve(week(), previous=first.roster)
    assert again.roster.sessions == first.roster.sessions
    assert again.report.terms["stability"] == 0


def test_stability_counts_what_changed() -> None:
    """Patients who can no longer come on Wednesday lose last week's Wednesday: each is a counted change."""
    _, first = solve(week())
    fewer = week()
    for p in fewer["patients"][2:6]:  # P3-P6 have no individual session to fit beside two groups
        p["availability"] = {"mon": ["evening"], "tue": ["evening"]}
    fewer_scenario = scenario_from_dict(fewer)
    _, moved = solve(fewer, previous=first.roster)
    report = check_roster(fewer_scenario, moved.roster, previous=first.roster)
    lost = sum(
        1
        for s in first.roster.groups()
        if s.day == "wed"
        for p in s.patients
        if p in {"P3", "P4", "P5", "P6"}
    )
    assert report.terms["stability"] >= lost > 0
    assert report.terms["stability"] == moved.report.terms["stability"]


def _last_week() -> Roster:
    """A roster of ``week()`` in which P3 and P6 sat with different leaders on Monday and Tuesday."""

    def group(day: str, room: str, leader: str, patients: str) -> dict[str, Any]:
        return {"id": f"G-{day}-evening-process-{room}", "kind": "group", "type": "process", "day": day,
                "start": "17:00", "end": "20:00", "room": room, "track": "adult", "therapists": [leader],
                "patients": patients.split()}  # fmt: skip

    def individual(patient: str, day: str, therapist: str) -> dict[str, Any]:
        return {"id": f"A-{patient}-individual-1", "kind": "individual", "type": "individual", "day": day,
                "start": "17:00", "end": "18:00", "room": None, "track": None, "therapists": [therapist],
                "patients": [patient]}  # fmt: skip

    sessions = [
        group("mon", "A", "T1", "P1 P3 P5 P7"), group("mon", "B", "T2", "P2 P4 P6 P8"),
        group("tue", "A", "T1", "P1 P5 P6 P7"), group("wed", "A", "T2", "P2 P3 P4 P8"),
        individual("P2", "tue", "T2"), individual("P1", "wed", "T1"),
    ]  # fmt: skip
    solver = {"status": "FEASIBLE", "objective": 0, "best_bound": None, "wall_time_s": 0}
    document = {"format": "iop-roster/1", "scenario": "Tiny", "week_of": "2026-11-23", "solver": solver}
    return roster_from_dict({**document, "sessions": sessions, "shortfalls": []})


def test_a_leader_of_the_same_day_and_block_is_the_one_to_keep() -> None:
    """P3 led by T1 on Monday last week: T2 on Monday is a change, though T2 led P3 on Wednesday.

    The model once kept only each patient's leaders of the week, so it counted no change
    where the checker (rightly) counted one, and the solve stopped on the mismatch.
    """
    scenario = scenario_from_dict(week())
    previous = Instance(scenario, _last_week()).previous
    assert previous is not None
    p3, mon, t1, t2 = 2, 0, 0, 1
    assert previous.leaders_to_keep(p3, mon, 0, 0) == frozenset({t1})
    assert previous.leaders[(p3, 0)] == frozenset({t1, t2})
    fewer = week()
    for p in fewer["patients"][2:6]:
        p["availability"] = {"mon": ["evening"], "tue": ["evening"]}
    for _ in range(3):  # each solve is checked against the model's own count (solve_verified)
        _, outcome = solve(fewer, previous=_last_week())
        assert outcome.report.terms["stability"] == outcome.result.terms["stability"]


def test_locks_are_held() -> None:
    """Each kind of lock appears in the roster exactly as locked."""
    document = week(
        locked=[
            {"session": {"day": "tue", "block": "evening", "type": "process", "leader": "T2", "room": "B"}},
            {
                "patient": "P3",
                "session": {"day": "mon", "block": "evening", "type": "process", "leader": "T1"},
            },
            {
                "patient": "P1",
                "appointment": {"kind": "individual", "day": "mon", "start": "18:00", "therapist": "T2"},
            },
            {"patient": "P4", "forbid_session": {"day": "tue", "block": "evening", "type": "process"}},
            {"patient": "P5", "forbid_therapist": "T1"},
            {"therapist": "T1", "absent": ["wed"]},
        ],
        # groups of up to 8, so that the locks leave room for everyone's two groups
        group_types=[{"id": "process", "qualification": "SUD", "min_size": 2, "max_size": 8}],
    )
    scenario, outcome = solve(document)
    roster = outcome.roster
    assert check_roster(scenario, roster).ok
    groups = roster.groups()
    assert any((s.day, s.therapists[0], s.room) == ("tue", "T2", "B") for s in groups)
    assert any(s.day == "mon" and s.therapists[0] == "T1" and "P3" in s.patients for s in groups)
    assert any(
        s.kind == "individual"
        and (s.day, s.start, s.therapists) == ("mon", "18:00", ("T2",))
        and s.patients == ("P1",)
        for s in roster.sessions
    )
    assert not any(s.day == "tue" and "P4" in s.patients for s in groups)
    assert not any("P5" in s.patients and "T1" in s.therapists for s in roster.sessions)
    assert not any("T1" in s.therapists and s.day == "wed" for s in roster.sessions)


def test_checker_reports_a_broken_lock() -> None:
    """A roster that ignores a lock is rejected with rule H10, naming the lock."""
    _, outcome = solve(week())
    locked = week(
        locked=[{"patient": "P1", "forbid_session": {"day": "mon", "block": "evening", "type": "process"}}]
    )
    mondays = [s for s in outcome.roster.groups() if s.day == "mon" and "P1" in s.patients]
    report = check_roster(scenario_from_dict(locked), outcome.roster)
    assert bool(mondays) == ("H10" in report.by_rule())
    if mondays:
        assert "P1 does not attend mon evening process" in str(report.violations)


def test_conflicting_locks_are_named() -> None:
    """P1 locked into T1's Monday group while T1 is locked away on Monday: both locks are named."""
    document = week(
        locked=[
            {
                "patient": "P1",
                "session": {"day": "mon", "block": "evening", "type": "process", "leader": "T1"},
            },
            {"therapist": "T1", "absent": ["mon"]},
        ]
    )
    scenario = scenario_from_dict(document)
    findings, conflict, verdict = explain_week(scenario, time_limit=20)
    assert verdict == "infeasible"
    text = "\n".join(explanation_lines(scenario, findings, conflict))
    assert "P1 attends mon evening process led by T1" in text
    outcome = solve_verified(scenario, SolveOptions(time_limit=10, workers=2))
    assert outcome.roster is None  # locks are never relaxed: no best-effort roster breaks one


@pytest.mark.parametrize(
    ("lock", "field"),
    [
        ({"patient": "P99", "forbid_therapist": "T1"}, "patient"),
        ({"therapist": "T1", "absent": ["sun"]}, "absent"),
        (
            {"patient": "P1", "appointment": {"kind": "individual", "day": "mon", "start": "17:30"}},
            "appointment.start",
        ),
        ({"patient": "P1"}, None),
    ],
)
def test_bad_locks_are_input_errors(lock: dict[str, Any], field: str | None) -> None:
    """A lock naming unknown people, days or off-grid times is a located input error."""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(week(locked=[copy.deepcopy(lock)]))
    assert any(p.item == "locked[0]" and (field is None or p.field == field) for p in caught.value.problems)
