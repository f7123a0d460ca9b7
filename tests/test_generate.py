"""Synthetic weeks: feasible by construction, and written tables load back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_roster
from optimizer.generate import GeneratorSettings, generate
from optimizer.roster import roster_from_dict
from optimizer.scenario import load_scenario, scenario_from_dict
from optimizer.scenario.write import write_scenario
from optimizer.solve import SolveOptions
from optimizer.workflow import solve_verified


@pytest.mark.parametrize(
    ("patients", "seed", "slack"), [(4, 0, 1.0), (24, 1, 1.0), (80, 3, 1.0), (120, 2, 0.0), (300, 7, 0.5)]
)
def test_planted_roster_passes_the_checker(patients: int, seed: int, slack: float) -> None:
    """The roster the generator plants satisfies every hard rule of the week it writes."""
    document, planted = generate(GeneratorSettings(patients=patients, seed=seed, slack=slack))
    scenario = scenario_from_dict(document)
    assert len(scenario.patients) == patients
    report = check_roster(scenario, roster_from_dict(planted))
    assert report.ok, report.violations[:5]


def test_generation_is_reproducible() -> None:
    """The same settings give the same week."""
    a = generate(GeneratorSettings(patients=50, seed=5))
    b = generate(GeneratorSettings(patients=50, seed=5))
    assert a == b
    assert generate(GeneratorSettings(patients=50, seed=6))[0] != a[0]


def test_tight_week_has_no_spare_hours() -> None:
    """With slack 0, each clinician's max_hours is what the planted roster needs (rounded up)."""
    document, planted = generate(GeneratorSettings(patients=60, seed=4, slack=0))
    scenario = scenario_from_dict(document)
    worked: dict[str, int] = {}
    for s in roster_from_dict(planted).sessions:
        for t in s.therapists:
            h0, m0 = map(int, s.start.split(":"))
            h1, m1 = map(int, s.end.split(":"))
            worked[t] = worked.get(t, 0) + (h1 * 60 + m1) - (h0 * 60 + m0)
    for t in scenario.therapists:
        assert t.max_hours * 60 - worked.get(t.id, 0) < 60


@pytest.mark.parametrize("tables", ["inline", "csv", "xlsx"])
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_written_scenario_loads_back_equal(tmp_path: Path, tables: str, suffix: str) -> None:
    """Inline YAML/JSON and CSV/XLSX tables all round-trip to an equal Scenario."""
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=2))[0])
    path = tmp_path / f"week{suffix}"
    write_scenario(scenario, path, tables)  # type: ignore[arg-type]
    assert load_scenario(path) == scenario


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patients=st.integers(min_value=4, max_value=28),
    seed=st.integers(min_value=0, max_value=10_000),
    slack=st.sampled_from([0.0, 0.5, 1.0]),
    max_size=st.sampled_from([6, 8, 12]),
)
def test_weeks_with_a_roster_are_never_reported_infeasible(
    patients: int, seed: int, slack: float, max_size: int
) -> None:
    """A week that provably has a roster (a planted one) is solved, and the roster is checker-clean."""
    document, _ = generate(GeneratorSettings(patients=patients, seed=seed, slack=slack, max_size=max_size))
    scenario = scenario_from_dict(document)
    first = SolveOptions(time_limit=30, workers=2, parameters={"stop_after_first_solution": True})
    outcome = solve_verified(scenario, first)
    assert outcome.result.status in ("OPTIMAL", "FEASIBLE")
    assert outcome.report is not None and outcome.report.ok
