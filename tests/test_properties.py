"""Property: any small week either gets a roster the checker accepts, or is reported infeasible."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_roster
from optimizer.scenario import scenario_from_dict
from optimizer.solve import SolveOptions, solve
from optimizer.strengthen import STRENGTHENINGS
from optimizer.workflow import solve_verified

DAYS = ["mon", "tue", "wed"]
BLOCKS = {"morning": {"start": "09:00", "end": "12:00"}, "evening": {"start": "17:00", "end": "19:00"}}
QUALIFICATIONS = ["SUD", "DBT", "family"]


@st.composite
def small_weeks(draw: st.DrawFn) -> dict[str, Any]:
    """Random weeks of 1–3 days, 1–2 blocks, a few clinicians and up to 7 patients."""
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    blocks = draw(st.lists(st.sampled_from(list(BLOCKS)), min_size=1, max_size=2, unique=True))
    everything = {d: list(blocks) for d in days}
    some = st.dictionaries(
        st.sampled_from(days), st.lists(st.sampled_from(blocks), min_size=1, unique=True), max_size=len(days)
    )
    periods = st.one_of(st.just(everything), some)  # about half the people are free all week
    group_types = []
    for n in range(draw(st.integers(1, 2))):
        low = draw(st.integers(1, 2))
        kind: dict[str, Any] = {
            "id": f"g{n}",
            "min_size": low,
            "max_size": draw(st.integers(low, 5)),
            "duration_min": draw(st.sampled_from([None, 60, 120])),
            "per_patient_week": {"min": draw(st.sampled_from([0, 0, 1])), "max": draw(st.integers(1, 3))},
        }
        if draw(st.integers(0, 3)) == 0:
            kind["staff"] = {"SUD": 1, "family": 1}
        else:
            kind["qualification"] = draw(st.sampled_from([None, *QUALIFICATIONS]))
        group_types.append({k: v for k, v in kind.items() if v is not None})
    therapists = [
        {
            "id": f"T{n}",
            "role": draw(st.sampled_from(["therapist", "therapist", "prescriber"])),
            "qualifications": draw(
                st.one_of(st.just(QUALIFICATIONS), st.lists(st.sampled_from(QUALIFICATIONS), unique=True))
            ),
            "max_hours": draw(st.integers(2, 12)),
            "availability": draw(periods),
        }
        for n in range(draw(st.integers(1, 4)))
    ]
    patients = []
    for n in range(draw(st.integers(1, 7))):
        low = draw(st.sampled_from([0, 0, 1, 2]))
        patients.append(
            {
                "id": f"P{n}",
                "level": "L",
                "track": draw(st.sampled_from(["adult", "adult", "adult", "teen"])),
                "availability": draw(periods),
                "min_hours": low,
                "max_hours": low + draw(st.integers(0, 4)),
                "individual_per_week": draw(st.sampled_from([0, 0, 1])),
                "psychiatric_per_week": draw(st.sampled_from([0, 0, 1])),
                "family_per_week": draw(st.sampled_from([0, 0, 1])),
            }
        )
    return {
        "program": {
            "name": "random",
            "week_of": "2026-11-30",
            "days": days,
            "blocks": {b: BLOCKS[b] for b in blocks},
        },
        "levels": {
            "L": {
                "min_hours": 0,
                "max_hours": 40,
                "min_days": draw(st.integers(0, 1)),
                "max_days": 3,
                "max_blocks_per_day": draw(st.integers(1, 2)),
            }
        },
        "group_types": group_types,
        "rooms": [
            {"id": f"R{n}", "capacity": draw(st.integers(2, 6))} for n in range(draw(st.integers(1, 2)))
        ],
        "therapists": therapists,
        "patients": patients,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_weeks())
def test_small_weeks_give_a_checked_roster_or_infeasible(document: dict[str, Any]) -> None:
    """The solver never returns a roster the checker rejects, and decides every small week."""
    scenario = scenario_from_dict(document)
    outcome = solve_verified(scenario, SolveOptions(time_limit=30, workers=2), strict=True)
    assert outcome.result.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")
    if outcome.roster is not None:
        report = check_roster(scenario, outcome.roster)
        assert report.ok, report.violations
        assert report.objective <= (outcome.result.objective or 0) + 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_weeks())
def test_every_small_week_gets_a_roster_checked_with_its_declared_shortfalls(
    document: dict[str, Any],
) -> None:
    """Without --strict every week gets a roster; the checker accepts it only with its shortfalls declared."""
    scenario = scenario_from_dict(document)
    outcome = solve_verified(scenario, SolveOptions(time_limit=6, workers=2))
    assert outcome.roster is not None
    report = check_roster(scenario, outcome.roster)
    assert report.ok, report.violations
    assert len(report.declared) == len(outcome.roster.shortfalls)
    assert bool(outcome.roster.shortfalls) == outcome.infeasible  # a proven-infeasible week falls short


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_weeks())
def test_valid_inequalities_cut_no_roster_away(document: dict[str, Any]) -> None:
    """The strengthened model decides every small week as the plain one does, with the same optimum.

    A strengthening that cut a feasible roster away would turn a week infeasible or
    raise its optimum; the counting arguments in strengthen.py say neither can happen.
    """
    scenario = scenario_from_dict(document)
    plain = solve(scenario, SolveOptions(time_limit=30, workers=2, improvements=()))
    strong = solve(scenario, SolveOptions(time_limit=30, workers=2, improvements=STRENGTHENINGS))
    decided = ("OPTIMAL", "INFEASIBLE")
    if plain.status in decided and strong.status in decided:
        assert strong.status == plain.status
        assert strong.objective == plain.objective
