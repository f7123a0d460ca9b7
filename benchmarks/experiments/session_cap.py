"""Experiment: the search kept to the fewest sessions counting allows (S3 at its floor).

S3 weighs each session 10, and the best rosters known of the M weeks open exactly the
sessions ``session_count_floor`` counts (52 on M-120p-s1 and s2, 53 on s3; CP-SAT reaches
that count in under a second when it minimises sessions alone), while a run that ends a
session above it loses those 10 points (session-30's M-120p-s1: 738 with 53 sessions,
against 720 with 52). The arm ``cap:K`` adds ``sessions <= floor + K`` to the week, so
that the search never leaves the floor's rosters. A restriction, not a valid
inequality: a week whose optimum opens more sessions loses it, and the bound of the
restricted week (the relaxation thread's included, which sees the same model) is not a
bound of the week; this measures only the rosters. ``base`` runs the solve as shipped.
Each arm is a solve through ``solve``, seed ``--seed``.

Run: cd benchmarks/experiments && ../../.venv/bin/python session_cap.py M --arms base,cap:0,cap:1
"""

from __future__ import annotations

from presolve import arms_main, solve_row

from optimizer import strengthen
from optimizer.bench.suites import BenchWeek
from optimizer.model import RosterModel
from optimizer.solve import SolveOptions


def session_cap(above: int):  # noqa: ANN201 - a strengthen.py-style function
    """The restriction ``sessions <= counted floor + above``, as a strengthen.py entry."""

    def add(m: RosterModel, floors: dict) -> None:
        least = sum(strengthen._track_session_floors(m, floors).values())
        m.model.add(sum(m.open.values()) <= least + above)

    return add


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm: the shipped solve, or with the session count capped over its floor."""
    scenario = week.scenario()
    for arm in arms:
        improvements = strengthen.STRENGTHENINGS
        if arm != "base":
            strengthen.VALID_INEQUALITIES["session_cap"] = session_cap(int(arm.split(":")[1]))
            improvements = (*improvements, "session_cap")
        options = SolveOptions(time_limit=seconds, workers=2, seed=seed, improvements=improvements)
        solve_row(week, scenario, arm, options)


if __name__ == "__main__":
    arms_main(__doc__.splitlines()[0], "base,cap:0,cap:1", 60.0, search)
