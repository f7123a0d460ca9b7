"""Experiment: neighbourhoods of the best roster solved by HiGHS's MIP instead of CP-SAT.

On M-120p-s3 CP-SAT's search stayed at 727 for fifteen minutes, where HiGHS's MIP below
727 found the optimum, 725, in its tree at 171 s (benchmarks/JOURNAL.md, "M-120p-s3's
optimum is 725"): the MIP's cuts see packings CP-SAT's neighbourhoods do not. The
question: do small MIPs, each the week with every decision outside a neighbourhood fixed
to the best roster (MIP-based large neighbourhood search), improve a roster where CP-SAT's
own neighbourhoods from the same roster do not?

Both arms start from one roster: CP-SAT (two workers, the tuned portfolio) on the week
for ``--first`` seconds. Then, for the rest of ``--seconds``:
- ``cpsat``: CP-SAT on the whole week, every variable hinted with that roster;
- ``mip``: rounds on one core, each freeing the decisions of some (day, block) periods
  (whole days, whole blocks over some days, or periods at random) and solving that
  MIP below the best roster (the row *objective <= best - 1*) for at most ``--round``
  seconds; a roster it finds is checked exactly (CP-SAT, every variable fixed) before
  it becomes the best. The number of periods grows when a round ends proven and shrinks
  when it runs out of time;
- ``mipN``: the same rounds on N threads, sharing the best roster.

With ``--stall S`` instead of ``--first``, CP-SAT searches the week for all ``--seconds``
(its end is the ``cpsat`` arm) and the other arms start from the roster it had when it
first went S seconds without a better one, for the seconds that were left then.

Run (in benchmarks/experiments):
     ../../.venv/bin/python mip_lns.py M-120p-s3 --first 30 --seconds 60 --arms cpsat,mip,mip2
     ../../.venv/bin/python mip_lns.py M-120p-s1 M-120p-s2 M-120p-s3 --seconds 60 --stall 5 --arms mip2
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from common import add_week_seeds_option, rounds_parser, tuned_solver, week_seeds, weeks_by_name
from ortools.sat.python import cp_model
from own_lns import decision_owners

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, Relaxation, linearize
from optimizer.solve import _checked

Period = tuple[int, int]


def neighbourhood(rng: random.Random, periods: list[Period], size: int) -> set[Period]:
    """``size`` periods or more: whole days, one block over several days, or periods at random."""
    days = sorted({d for d, _ in periods})
    blocks = sorted({b for _, b in periods})
    kind = rng.choice(("days", "blocks", "random"))
    if kind == "days":
        chosen = rng.sample(days, min(len(days), max(1, size // len(blocks))))
        return {p for p in periods if p[0] in chosen}
    if kind == "blocks":
        block = rng.choice(blocks)
        chosen = rng.sample(days, min(len(days), size))
        return {p for p in periods if p[1] == block and p[0] in chosen}
    return set(rng.sample(periods, min(len(periods), size)))


class Incumbent:
    """The best roster so far, shared by the rounds' threads."""

    def __init__(self, values: np.ndarray, objective: float) -> None:
        self.values, self.objective = values, objective
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.lines: list[str] = []


def mip_rounds(
    built: RosterModel,
    relaxation: Relaxation,
    best: Incumbent,
    deadline: float,
    seed: int,
    args: argparse.Namespace,
) -> tuple[int, int]:
    """Neighbourhood MIPs until ``deadline``, each better roster into ``best``: (rounds, final size)."""
    rng = random.Random(seed)
    period, _ = decision_owners(built)
    periods = sorted(set(period.values()))
    by_period: dict[Period, list[int]] = {}
    for index, p in period.items():
        by_period.setdefault(p, []).append(index)
    size, rounds = args.size, 0
    while time.monotonic() < deadline - 1.0:
        freed = neighbourhood(rng, periods, size)
        fixed = np.array([i for p in periods if p not in freed for i in by_period[p]], dtype=np.int64)
        with best.lock:
            values, objective = best.values, best.objective
        lower, upper = relaxation.lower.copy(), relaxation.upper.copy()
        lower[fixed] = upper[fixed] = values[fixed]
        sub = dataclasses.replace(relaxation, lower=lower, upper=upper)
        found: list[tuple[float, np.ndarray]] = []
        keep = found.append
        limit = min(args.round, deadline - time.monotonic())
        began = time.monotonic()
        BoundSolver().branch_and_bound(
            sub, limit, lambda _b: None, lambda o, x, keep=keep: keep((o, x)), objective
        )
        took = time.monotonic() - began
        rounds += 1
        improved = False
        for _, x in sorted(found, key=lambda f: f[0]):
            solver = _checked(built.model, x)
            if solver is None:
                continue
            with best.lock:
                if solver.objective_value < best.objective:
                    best.objective = solver.objective_value
                    best.values = np.array(solver.response_proto.solution, dtype=float)
                    best.lines.append(
                        f"{time.monotonic() - best.started:.1f} s {best.objective:g} ({len(freed)} periods)"
                    )
                    improved = True
            break
        if not improved and took < limit - 0.2:
            size += 1  # proven: no better roster there, so look wider
        elif not improved:
            size = max(1, size - 1)
    return rounds, size


class Snapshot(cp_model.CpSolverSolutionCallback):
    """Each roster's values; a watcher thread keeps the roster standing when the search first stalls."""

    def __init__(self, stall: float) -> None:
        super().__init__()
        self.stall = stall
        self.started = self.last = time.monotonic()
        self.values: np.ndarray | None = None
        self.objective = math.inf
        self.kept: tuple[float, float, np.ndarray] | None = None  # (seconds, objective, values)

    def on_solution_callback(self) -> None:
        self.values = np.array(self.response_proto.solution, dtype=float)
        self.objective, self.last = self.objective_value, time.monotonic()

    def watch(self, until: float) -> None:
        while time.monotonic() < until and self.kept is None:
            time.sleep(0.05)
            if self.values is not None and time.monotonic() - self.last >= self.stall:
                self.kept = (time.monotonic() - self.started, self.objective, self.values)


def main() -> None:
    parser = rounds_parser(__doc__.splitlines()[0], "cpsat,mip")
    parser.add_argument("--size", type=int, default=3, help="periods freed at first")
    add_week_seeds_option(parser)
    parser.add_argument(
        "--stall",
        type=float,
        help="instead of --first: CP-SAT for all --seconds (the cpsat arm), the other arms from its "
        "roster when it first went this many seconds without a better one",
    )
    args = parser.parse_args()
    weeks = weeks_by_name(week_seeds(args.week_seeds))
    for name in args.weeks:
        built = RosterModel(Instance(weeks[name].scenario()))
        if args.stall is not None:
            snapshot = Snapshot(args.stall)
            watcher = threading.Thread(target=snapshot.watch, args=(time.monotonic() + args.seconds,))
            watcher.start()
            whole = tuned_solver(args.seed, args.seconds)
            whole.solve(built.model, snapshot)
            watcher.join()
            if snapshot.kept is None:
                print(f"{name}: cpsat {whole.objective_value:g}, never stalled {args.stall:g} s", flush=True)
                continue
            at, start, values = snapshot.kept
            rest = args.seconds - at
            print(
                f"{name}: {start:g} at {at:.1f} s, stalled; cpsat {whole.objective_value:g} at "
                f"{args.seconds:g} s (bound {whole.best_objective_bound:g})",
                flush=True,
            )
            arms = [arm for arm in args.arms.split(",") if arm != "cpsat"]
        else:
            first = tuned_solver(args.seed, args.first)
            status = first.status_name(first.solve(built.model))
            if status not in ("OPTIMAL", "FEASIBLE"):
                print(f"{name}: {status} after {args.first} s")
                continue
            values = np.array(first.response_proto.solution, dtype=float)
            start = first.objective_value
            bound = first.best_objective_bound
            print(f"{name}: {start:g} after {args.first:g} s (bound {bound:g})", flush=True)
            rest = args.seconds - args.first
            arms = args.arms.split(",")
        for arm in arms:
            if arm == "cpsat":
                built.model.clear_hints()
                for index, value in enumerate(values):
                    built.model.add_hint(built.model.get_int_var_from_proto_index(index), int(value))
                solver = tuned_solver(args.seed, rest)
                solver.solve(built.model)
                print(f"  cpsat: {solver.objective_value:g} after {rest:g} s more", flush=True)
            elif arm.startswith("mip"):
                threads = int(arm[3:] or 1)
                relaxation = linearize(built.model)
                best = Incumbent(values, start)
                deadline = time.monotonic() + rest
                with ThreadPoolExecutor(threads) as pool:
                    jobs = [
                        pool.submit(mip_rounds, built, relaxation, best, deadline, args.seed + k, args)
                        for k in range(threads)
                    ]
                    results = [job.result() for job in jobs]
                rounds = "; ".join(f"{r} rounds, {z} periods at the end" for r, z in results)
                print(
                    f"  {arm}: {best.objective:g} after {rest:g} s more; {'; '.join(best.lines)}; {rounds}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
