"""Time to a first checker-clean roster, and model build time against patients.

Run: .venv/bin/python benchmarks/first_roster.py [--workers 2]
Prints a Markdown table. Timings are of this machine; compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from optimizer.check import check_roster
from optimizer.generate import GeneratorSettings, generate
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.scenario import Scenario, load_scenario, scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.workflow import solve_verified

ROOT = Path(__file__).resolve().parent.parent


def first_roster(scenario: Scenario, workers: int, limit: float) -> tuple[float, str]:
    """Seconds from scenario to a first roster that passed the checker, and the status."""
    started = time.perf_counter()
    options = SolveOptions(time_limit=limit, workers=workers, parameters={"stop_after_first_solution": True})
    outcome = solve_verified(scenario, options)
    elapsed = time.perf_counter() - started
    ok = outcome.roster is not None and check_roster(scenario, outcome.roster).ok
    return elapsed, outcome.result.status if ok else "none"


def build_time(scenario: Scenario) -> tuple[float, int]:
    started = time.perf_counter()
    model = RosterModel(Instance(scenario))
    return time.perf_counter() - started, len(model.model.proto.variables)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, CP-SAT workers: {args.workers}\n")
    print("| week | patients | first checked roster (s) | status |")
    print("|---|---:|---:|---|")
    weeks = [("scenarios/riverbend.yaml (b)", load_scenario(ROOT / "scenarios" / "riverbend.yaml"))]
    for patients, seed in ((300, 7), (300, 8)):
        document, _ = generate(GeneratorSettings(patients=patients, seed=seed))
        weeks.append((f"generate --patients {patients} --seed {seed}", scenario_from_dict(document)))
    for name, scenario in weeks:
        seconds, status = first_roster(scenario, args.workers, args.limit)
        print(f"| {name} | {len(scenario.patients)} | {seconds:.1f} | {status} |")
    print("\n| patients | build (s) | variables | build ms per patient |")
    print("|---:|---:|---:|---:|")
    for patients in (100, 200, 400, 800, 1500):
        scenario = scenario_from_dict(generate(GeneratorSettings(patients=patients, seed=1))[0])
        seconds, variables = build_time(scenario)
        print(f"| {patients} | {seconds:.2f} | {variables} | {1000 * seconds / patients:.2f} |")


if __name__ == "__main__":
    main()
