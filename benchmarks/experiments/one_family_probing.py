"""Experiment: the XL one-family search without presolve's probing, or with it.

On XL weeks the search kept to one family per block starts from nothing after the first
roster (``_one_family_next`` in solve.py) and its own first roster comes late; presolve is
part of that wait. Without probing, the first roster's step presolved sooner and found
its roster sooner (JOURNAL, "XL's first roster without presolve's probing"); this search
improves rosters, though, where probing helps its LP. Arms, each a solve through ``solve``
with the same seed: ``base`` (as shipped) and ``probing0`` (``cp_model_probing_level`` 0 in
that search alone).

Run: cd benchmarks/experiments && ../../.venv/bin/python one_family_probing.py XL --seconds 120
"""

from __future__ import annotations

from typing import Any

from presolve import arms_main, solve_row  # the experiment beside this one

import optimizer.solve as solve_module
from optimizer.bench.suites import BenchWeek
from optimizer.solve import SolveOptions

SHIPPED = solve_module._one_family_next


def without_probing(*args: Any) -> Any:
    """``_one_family_next`` with probing off in its parameters (the last but one argument)."""
    *head, params, started = args
    return SHIPPED(*head, {**params, "cp_model_probing_level": 0}, started)


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm: ``solve`` with the one-family search as shipped or without probing."""
    scenario = week.scenario()
    for arm in arms:
        solve_module._one_family_next = without_probing if arm == "probing0" else SHIPPED
        try:
            solve_row(week, scenario, arm, SolveOptions(time_limit=seconds, workers=2, seed=seed))
        finally:
            solve_module._one_family_next = SHIPPED


if __name__ == "__main__":
    arms_main(__doc__, "base,probing0", 120.0, search)
