"""Appointments placed by block: when that is exact, times dealt out afterwards, same optima."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.appointment_times import place_in_block
from optimizer.instance import Instance
from optimizer.model import Item, RosterModel, _share_block
from optimizer.relaxation import BoundSolver, linearize
from optimizer.roster import Roster, SolverInfo
from optimizer.scenario import load_scenario, scenario_from_dict
from optimizer.solve import SolveOptions, solve
from tests.factories import SCENARIOS, make_patient, make_therapist, solve_document, tiny_document
from tests.test_properties import small_weeks


@st.composite
def block_graphs(draw: st.DrawFn) -> tuple[list[tuple[str, str]], int, dict[str, int]]:
    """Random patient–clinician multigraphs within what a block of ``units`` holds."""
    units = draw(st.integers(1, 4))
    lanes = {f"c{i}": draw(st.sampled_from([1, 2, 3])) for i in range(draw(st.integers(1, 5)))}
    patients = [f"p{i}" for i in range(draw(st.integers(1, 10)))]
    edges: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 40))):
        p, c = draw(st.sampled_from(patients)), draw(st.sampled_from(sorted(lanes)))
        degree = Counter(x for edge in edges for x in edge)
        if degree[p] < units and degree[c] < units * lanes[c]:
            edges.append((p, c))
    return edges, units, lanes


@settings(max_examples=300, deadline=None)
@given(block_graphs())
def test_every_block_within_its_units_gets_times_nobody_holds_twice(
    graph: tuple[list[tuple[str, str]], int, dict[str, int]],
) -> None:
    """König: patients with at most ``units`` appointments, lanes with at most ``units``, always fit."""
    edges, units, lanes = graph
    placed = place_in_block(edges, units, lanes)
    patient_busy = Counter((p, where.unit) for (p, _), where in zip(edges, placed, strict=True))
    lane_busy = Counter((c, where.unit, where.lane) for (_, c), where in zip(edges, placed, strict=True))
    assert all(n == 1 for n in patient_busy.values())
    assert all(n == 1 for n in lane_busy.values())
    pairs = zip(edges, placed, strict=True)
    assert all(0 <= w.unit < units and 0 <= w.lane < lanes[c] for (_, c), w in pairs)


def test_a_block_holding_more_than_its_units_is_refused() -> None:
    with pytest.raises(ValueError, match="3 appointments"):
        place_in_block([("p", "a"), ("p", "b"), ("p", "c")], 2, {"a": 1, "b": 1, "c": 1})


def _clinic(**changes: Any) -> dict[str, Any]:
    """One Monday morning of 3 h: T1 gives individual sessions, MD1 psychiatric visits.

    Three patients need one of each and nothing else: T1's three hours and three of
    MD1's six half hours, all in one block, with every patient seeing both.
    """
    day = ("mon",)
    patients = [
        make_patient(f"P{i}", days=day, block="morning", individual_per_week=1, psychiatric_per_week=1,
                     level="A", primary_therapist="T1")
        for i in range(1, 4)
    ]  # fmt: skip
    document = tiny_document(
        program={
            "name": "Clinic", "week_of": "2026-11-30", "days": ["mon"],
            "blocks": {"morning": {"start": "09:00", "end": "12:00"}},
        },
        levels={"A": {"min_hours": 1, "max_hours": 3, "min_days": 1, "max_days": 1}},
        therapists=[
            make_therapist("T1", ["SUD"], days=day, block="morning"),
            make_therapist("MD1", [], days=day, block="morning", role="prescriber"),
        ],
        patients=patients,
    )  # fmt: skip
    document.update(changes)
    return document


def test_a_full_block_of_appointments_is_placed_by_block_and_timed_without_overlap() -> None:
    """Placed by block, the three individual sessions fill T1's morning; times pass the checker."""
    document = _clinic()
    assert Instance(scenario_from_dict(document)).slots_needed is None
    _, outcome = solve_document(document)
    roster = outcome.roster
    assert roster is not None and not roster.shortfalls
    individual = sorted(s.start for s in roster.sessions if s.kind == "individual")
    assert individual == ["09:00", "10:00", "11:00"]
    assert len([s for s in roster.sessions if s.kind == "psychiatric"]) == 3


def test_one_more_appointment_than_the_block_holds_is_infeasible_by_block_too() -> None:
    """A fourth individual session does not fit T1's three hours, however it is modelled."""
    document = _clinic()
    document["patients"].append(copy.deepcopy(document["patients"][0]) | {"id": "P4"})
    _, outcome = solve_document(document)
    assert outcome.roster is None and outcome.result.status == "INFEASIBLE"


def _reason(document: dict[str, Any], previous: Roster | None = None) -> str | None:
    return Instance(scenario_from_dict(document), previous).slots_needed


def test_weeks_that_tie_appointments_to_times_keep_the_grid() -> None:
    """Each condition of Instance.slots_needed, broken once."""
    assert _reason(_clinic()) is None
    previous = Roster("Clinic", "2026-11-23", SolverInfo("FEASIBLE", 0, None, 0), ())
    assert "previous roster" in (_reason(_clinic(), previous) or "")
    lock = {"patient": "P1", "appointment": {"kind": "individual", "day": "mon", "start": "09:00"}}
    assert "appointment lock" in (_reason(_clinic(locked=[lock])) or "")
    group = {"id": "process", "duration_min": 120, "per_patient_week": {"min": 0, "max": 1}}
    short = _clinic(group_types=[group])
    assert "leaves room" in (_reason(short) or "")
    both = _clinic(appointments={"individual": {"duration_min": 60}, "family": {"duration_min": 30}})
    both["patients"][0]["family_per_week"] = 1
    both["therapists"][0]["qualifications"].append("family")  # T1: 60-minute and 30-minute sessions
    assert "different lengths" in (_reason(both) or "")
    odd = _clinic(appointments={"psychiatric": {"duration_min": 45}})
    assert "do not divide" in (_reason(odd) or "")
    busy = _clinic()
    busy["patients"][0].update(individual_per_week=2, family_per_week=1)
    assert "P1 needs more appointments" in (_reason(busy) or "")


def _by_block_exact(document: dict[str, Any]) -> dict[str, Any]:
    """The week with groups filling their blocks and at most two appointments per patient."""
    document = copy.deepcopy(document)
    for group in document["group_types"]:
        group.pop("duration_min", None)
    for patient in document["patients"]:
        if patient["individual_per_week"] + patient["psychiatric_per_week"] + patient["family_per_week"] > 2:
            patient["family_per_week"] = 0
    return document


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_weeks())
def test_placing_appointments_by_block_loses_no_roster(document: dict[str, Any]) -> None:
    """By block and on the grid, every small week gets the same verdict and optimum."""
    scenario = scenario_from_dict(_by_block_exact(document))
    by_block = RosterModel(Instance(scenario)).by_block
    assert by_block, Instance(scenario).slots_needed
    grid = solve(scenario, SolveOptions(time_limit=30, workers=2, appointments_by_block=False))
    block = solve(scenario, SolveOptions(time_limit=30, workers=2))
    decided = ("OPTIMAL", "INFEASIBLE")
    if grid.status in decided and block.status in decided:
        assert block.status == grid.status
        assert block.objective == grid.objective


@pytest.mark.parametrize("path", ["lighthouse-small.yaml", "riverbend.yaml"])
def test_placing_appointments_by_block_never_weakens_the_lp_bound(path: str) -> None:
    """Any fractional grid solution sums to a block one, so the block LP's optimum is no lower."""
    scenario = load_scenario(SCENARIOS / path)
    bounds = [
        BoundSolver().lower_bound(
            linearize(RosterModel(Instance(scenario), appointments_by_block=b).model), 30
        )
        for b in (False, True)
    ]
    assert bounds[0] is not None and bounds[1] is not None
    assert bounds[1] >= bounds[0]


def test_groups_and_appointments_share_a_block_even_in_fractions() -> None:
    """Half a group leaves half the block: 1.5 appointments of 3 units, not 2.

    Capping each appointment variable by the group alone allowed 0.5 + 1.5 = 2, which
    cost 50 units of LP bound on a 400-patient week.
    """
    model = cp_model.CpModel()
    group, own, pooled = model.new_bool_var("g"), model.new_bool_var("a"), model.new_int_var(0, 3, "c")
    model.add(2 * group == 1)  # infeasible on whole numbers; the LP takes g = 0.5
    items = [Item(group, 0, 180, 180, True), Item(own, 0, 180, 60, False), Item(pooled, 0, 180, 60, False, 3)]
    _share_block(model, items, 3)
    model.minimize(-2 * own - 2 * pooled)  # doubled: an integral objective's bound is rounded up
    assert BoundSolver().lower_bound(linearize(model), 10) == -3
