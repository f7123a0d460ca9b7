"""Experiment: a bigger share of the two cores for HiGHS's MIP on small weeks, by niceness.

Below ``MIP_BELOW`` patients three busy threads share two cores: CP-SAT's two workers and
HiGHS's branch and bound, which proves the S weeks (and finds S-30p-s1's optimum). One
CP-SAT worker gives HiGHS a core of its own but leaves the search one thread
(journal, *One CP-SAT worker beside the MIP*). Here CP-SAT keeps both workers, at a
higher niceness: Linux gives each thread its own nice value and CP-SAT's workers inherit
the one of the thread that calls ``solve``, so HiGHS (at 0) gets the larger share of
the CPU while the two workers share the rest. Linux only; an unprivileged process can
raise its threads' niceness but never lower it again, so the patch sets it inside the
short-lived ``cp-sat`` thread of ``optimizer.solve._run``.

Each arm solves each week through ``solve`` (as ``iop-roster solve`` does) and prints
the first roster's time, the proof's time (``time_to_proof``: the later of the best
roster and a bound meeting it, as the benchmark's *proven* column) and the best roster
and bound at the end.

Run: .venv/bin/python benchmarks/experiments/cpu_share.py S-30p-s1 S-30p-s2 S-30p-s3 lighthouse-small \
         --arms 0,2 --seeds 0,1,2 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from common import weeks_by_name
from ortools.sat.python import cp_model

from optimizer.bench.timeline import Event, time_to_first, time_to_proof
from optimizer.scenario import Scenario
from optimizer.solve import Progress, SolveOptions, solve

_NICE = {"value": 0}
_original_solve = cp_model.CpSolver.solve


def _niced_solve(self: cp_model.CpSolver, *args: object, **kwargs: object) -> object:
    """CP-SAT's solve, with the calling thread (and so the workers it starts) niced."""
    if _NICE["value"] and threading.current_thread().name == "cp-sat":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _NICE["value"])
    return _original_solve(self, *args, **kwargs)


def _run(scenario: Scenario, seconds: float, seed: int) -> tuple[float | None, float | None, float, float]:
    """(first roster s, proof s, best roster, best bound) of one solve, timed as the benchmark times it."""
    started = time.monotonic()
    events: list[Event] = []

    def progress(p: Progress) -> None:
        events.append(Event(time.monotonic() - started, p.objective, p.bound))

    result = solve(scenario, SolveOptions(time_limit=seconds, workers=2, seed=seed), on_progress=progress)
    events.append(Event(time.monotonic() - started, result.objective, result.best_bound))  # the final proof
    return (
        time_to_first(events),
        time_to_proof(events),
        result.objective if result.objective is not None else float("nan"),
        result.best_bound if result.best_bound is not None else float("nan"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. S-30p-s1")
    parser.add_argument("--arms", default="0,2", help="niceness of CP-SAT's threads, per arm")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    cp_model.CpSolver.solve = _niced_solve  # type: ignore[method-assign]
    weeks = weeks_by_name()
    for name in args.weeks:
        scenario = weeks[name].scenario()
        for arm in (int(a) for a in args.arms.split(",")):
            _NICE["value"] = arm
            for seed in (int(s) for s in args.seeds.split(",")):
                first, proof, roster, bound = _run(scenario, args.seconds, seed)
                shown = f"{proof:.1f} s" if proof is not None else "-"
                print(
                    f"{name} nice {arm} seed {seed}: first roster {first or float('nan'):.2f} s, "
                    f"proven {shown}, roster {roster:g}, bound {bound:g}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
