"""How fast the machine is right now: one fixed workload, timed before and after a bench run.

Why: the machines are shared. The same code on the same kind of machine built an XL
week's model in 2.1 s one hour and 9-11.5 s another (benchmarks/JOURNAL.md), and every
timing in a run moves with it. Two runs compare only if the machine was about as fast
during both; a run's own build times mix the week's size with the machine's speed, and
change whenever the model's code does. So the workload here depends on neither: a
generalised assignment model written out below, built through CP-SAT's Python API (the
Python side of a solve) and searched by one CP-SAT worker for a fixed amount of
CP-SAT's deterministic time, which is the same work on any machine (the C++ side).
Lower is faster; the figures compare across commits as long as ortools is the same.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

from ortools.sat.python import cp_model

TASKS, AGENTS = 120, 12
"""The probe's size: about 1,400 Booleans, large enough for timer noise to vanish."""
BUILDS = 40
"""How many times the model is built: Python's side is timed over all of them."""
SEARCH_DETERMINISTIC_S = 2.0
"""CP-SAT deterministic seconds the one worker searches: about 1-3 s of wall clock."""


def probe_model(seed: int = 7) -> cp_model.CpModel:
    """A fixed generalised assignment week: every task to one agent, agents' capacities, least cost."""
    rng = random.Random(seed)
    model = cp_model.CpModel()
    sizes = [[rng.randint(5, 25) for _ in range(AGENTS)] for _ in range(TASKS)]
    costs = [[rng.randint(10, 50) for _ in range(AGENTS)] for _ in range(TASKS)]
    capacity = sum(min(row) for row in sizes) * 13 // (10 * AGENTS)  # tight: a hard search
    assign = [[model.new_bool_var(f"t{t}a{a}") for a in range(AGENTS)] for t in range(TASKS)]
    for row in assign:
        model.add_exactly_one(row)
    for a in range(AGENTS):
        model.add(sum(sizes[t][a] * assign[t][a] for t in range(TASKS)) <= capacity)
    model.minimize(sum(costs[t][a] * assign[t][a] for t in range(TASKS) for a in range(AGENTS)))
    return model


def measure() -> dict[str, Any]:
    """Seconds to build the probe ``BUILDS`` times, and for one worker's fixed search of it."""
    started = time.perf_counter()
    for _ in range(BUILDS):
        model = probe_model()
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = SEARCH_DETERMINISTIC_S
    solver.parameters.max_time_in_seconds = 120.0  # a guard against a stalled machine only
    solver.solve(model)
    searched = time.perf_counter()
    return {
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "build_s": round(built - started, 3),
        "search_s": round(searched - built, 3),
        "deterministic_s": round(solver.deterministic_time, 3),
    }


def describe(probes: dict[str, dict[str, Any]]) -> str:
    """One line for a summary: each probe's two timings, by when it ran."""
    parts = [f"{when} {p['build_s']:.2f} s / {p['search_s']:.2f} s ({p['at']})" for when, p in probes.items()]
    return (
        "Machine speed (`optimizer/bench/speed.py`: a fixed model built "
        f"{BUILDS} times / searched for {SEARCH_DETERMINISTIC_S:g} deterministic seconds by one "
        "CP-SAT worker; lower is faster): " + "; ".join(parts) + ".\n"
    )
