"""One peer on one week, in a process of its own: load, solve, check, write the result.

The runner starts ``python -m optimizer.bench.child PEER SCENARIO RESULT ...``. Events
``[seconds, incumbent, bound]`` are appended to ``RESULT.events`` as JSON lines while
the search runs, so a peer killed at its timeout still leaves its timeline; the
result document is written (atomically) only at the end. The clock starts once the
scenario is loaded: model building is part of every peer's time.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..check import check_roster
from ..files import write_atomic
from ..scenario import load_scenario
from .peers import PeerOptions, load_peer


class _Recorder:
    """Stamps and appends events, thread-safe (solver callbacks come from their own threads)."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.last: tuple[float | None, float | None] | None = None
        self.events: list[list[float | None]] = []

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def emit(self, incumbent: float | None, bound: float | None) -> None:
        with self.lock:
            if (incumbent, bound) == self.last:
                return
            self.last = (incumbent, bound)
            event = [round(self.elapsed(), 4), incumbent, bound]
            self.events.append(event)
            self.handle.write(json.dumps(event) + "\n")


def priced_timeline(
    events: list[list[float | None]], solver_objective: float | None, priced: float | None, end: float
) -> list[list[float | None]]:
    """The timeline with the returned roster at the checker's price from the moment it was found.

    Solvers may report more than the checker (slack in auxiliary variables); the roster
    they return is the one found at the first event showing their final value. A peer
    reporting no incumbents (the greedy) gets one event at ``end``.
    """
    if priced is None:
        return events
    found = next(
        (n for n, (_, inc, _) in enumerate(events) if inc is not None and inc == solver_objective), None
    )
    if solver_objective is None or found is None:
        bound = events[-1][2] if events else None
        return [*events, [round(end, 4), priced, bound]]
    return [[t, priced if n >= found and inc is not None else inc, b] for n, (t, inc, b) in enumerate(events)]


def peak_memory_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory of a process since its exec (VmHWM), None where /proc has no answer.

    Not ``ru_maxrss``: Linux carries the parent's high-water mark into a forked child
    across exec, so a child of a large parent would report the parent's size.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    return round(int(line.split()[1]) / 1024, 1) if line else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Solve and check; the returned document is what the runner reads."""
    scenario = load_scenario(args.scenario)
    solve_week = load_peer(args.peer)
    recorder = _Recorder(Path(str(args.result) + ".events"))
    parameters = {}
    if args.param:  # only CP-SAT runs get parameters; the HiGHS process must never load ortools
        from ..solve import parse_parameter

        parameters = dict(parse_parameter(text) for text in args.param)
    options = PeerOptions(args.time_limit, args.workers, args.seed, parameters)
    output = solve_week(scenario, options, recorder.emit)
    solve_end = recorder.elapsed()
    report = check_roster(scenario, output.roster) if output.roster is not None else None
    clean = report is not None and report.ok
    shortfalls = len(output.roster.shortfalls) if output.roster is not None else 0
    # Only a roster meeting every rule has a price to compare; one with declared shortfalls
    # (the greedy's) is checked, but it answers an easier question.
    priced = float(report.objective) if clean and not shortfalls else None  # type: ignore[union-attr]
    if output.roster is not None and report is not None and args.roster is not None:
        solver = replace(output.roster.solver, objective=float(report.objective))
        write_atomic(args.roster, replace(output.roster, solver=solver).to_json())
    return {
        "status": output.status,
        "build_time_s": output.build_time_s,
        "solve_end_s": solve_end,
        "objective": report.objective if report is not None else None,
        "terms": report.terms if report is not None else {},
        "solver_objective": output.solver_objective,
        "best_bound": output.best_bound,
        "lp_bound": output.lp_bound,
        "lp_time_s": output.lp_time_s,
        "num_variables": output.num_variables,
        "num_constraints": output.num_constraints,
        "has_roster": output.roster is not None,
        "checker_ok": clean,
        "violations": len(report.violations) if report is not None else None,
        "violations_by_rule": report.by_rule() if report is not None else {},
        "shortfalls_declared": shortfalls,
        "ortools_loaded": "ortools" in sys.modules,
        "peak_rss_mb": peak_memory_mb(),
        "events": priced_timeline(recorder.events, output.solver_objective, priced, solve_end),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry of the child process."""
    parser = argparse.ArgumentParser(prog="python -m optimizer.bench.child", description=__doc__)
    parser.add_argument("peer")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--roster", type=Path, default=None, help="Also write the roster here.")
    parser.add_argument("--param", action="append", default=[], help="A CP-SAT parameter, NAME=VALUE.")
    args = parser.parse_args(argv)
    document = run(args)
    write_atomic(args.result, json.dumps(document, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
