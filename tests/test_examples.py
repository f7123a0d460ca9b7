"""The shipped example scenarios load, agree with each other, and solve to checked rosters."""

from __future__ import annotations

import pytest

from optimizer.check import check_roster
from optimizer.scenario import load_scenario
from optimizer.solve import SolveOptions
from optimizer.workflow import solve_verified
from tests.factories import SCENARIOS

# scenarios/studies/ holds what-if studies and patient profiles, not weeks (tests/test_study.py).
EXAMPLES = sorted(p for p in SCENARIOS.rglob("*.yaml") if "studies" not in p.relative_to(SCENARIOS).parts)


def test_there_are_three_examples() -> None:
    """Small single-track, mid-size, and the mid-size kept as CSV tables."""
    names = {p.relative_to(SCENARIOS).as_posix() for p in EXAMPLES}
    assert {"lighthouse-small.yaml", "riverbend.yaml", "riverbend-tables/riverbend.yaml"} <= names


def test_csv_tables_example_equals_the_yaml_one() -> None:
    """Example (c) is example (b) kept as CSV tables: the same week."""
    assert load_scenario(SCENARIOS / "riverbend.yaml") == load_scenario(
        SCENARIOS / "riverbend-tables" / "riverbend.yaml"
    )


def test_small_example_matches_the_field_material() -> None:
    """Lighthouse: single adult track, morning and evening blocks, 3 h groups of at most 8, ~24 patients."""
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    assert set(scenario.program.blocks) == {"morning", "evening"}
    assert {p.track for p in scenario.patients} == {"adult"}
    assert all(g.max_size <= 8 for g in scenario.group_types)
    assert all(scenario.group_duration(g, "morning") == 180 for g in scenario.group_types)
    assert 20 <= len(scenario.patients) <= 30


def test_midsize_example_has_what_the_issue_names() -> None:
    """Riverbend: ~80 patients, ~10 clinicians, a prescriber, 3 blocks, 2 tracks, PHP, family, psychiatry."""
    scenario = load_scenario(SCENARIOS / "riverbend.yaml")
    assert len(scenario.patients) == 80 and len(scenario.program.blocks) == 3
    assert {p.track for p in scenario.patients} == {"adult", "adolescent"}
    assert any(p.level == "PHP" for p in scenario.patients)
    assert any(p.family_per_week for p in scenario.patients)
    assert any(p.psychiatric_per_week for p in scenario.patients)
    roles = [t.role for t in scenario.therapists]
    assert roles.count("prescriber") >= 1 and 8 <= roles.count("therapist") <= 14


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.relative_to(SCENARIOS).as_posix())
def test_example_solves_to_a_checked_roster(path) -> None:
    """Every example gets a roster that the checker accepts."""
    scenario = load_scenario(path)
    options = SolveOptions(time_limit=20, workers=2, parameters={"stop_after_first_solution": True})
    outcome = solve_verified(scenario, options)
    assert outcome.roster is not None
    assert check_roster(scenario, outcome.roster).ok
