"""Experiment: each objective term in the LP relaxation's optimum against a CP-SAT roster.

Where is the bound weak? Each term gets a probe variable equal to it; HiGHS solves the
LP (interior point), then CP-SAT searches the week on the tuned portfolio for the given
seconds, and both sets of term values are printed, with each S4 role's peak. ``--fix
TERM=VALUE`` holds a term at a value in both (what does the week cost with 14 sessions?).

Run: .venv/bin/python benchmarks/experiments/lp_terms.py M-120p-s1 M-120p-s3 S-30p-s3 --seconds 60
     .venv/bin/python benchmarks/experiments/lp_terms.py S-30p-s3 --seconds 40 --fix sessions=14
"""

from __future__ import annotations

import argparse

from common import tuned_solver, weeks_by_name
from load_steps import solve_lp

from optimizer.instance import Instance
from optimizer.model import RosterModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. M-120p-s1")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fix", action="append", default=[], metavar="TERM=VALUE")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        built = RosterModel(Instance(weeks[name].scenario()))
        probes = {}
        for term, expr in built.terms.items():
            probes[term] = built.model.new_int_var(-(10**7), 10**7, f"probe[{term}]")
            built.model.add(probes[term] == expr)
        for fixed in args.fix:
            term, _, value = fixed.partition("=")
            built.model.add(probes[term] == int(value))
        peaks = {role: peak for role, (peak, _) in built.load_peaks.items()}
        value, x, seconds = solve_lp(built.model, solver="ipm")
        lp_terms = {t: round(float(x[v.index]), 2) for t, v in probes.items()}
        lp_peaks = {r: round(float(x[p.index]), 2) for r, p in peaks.items()}
        print(f"{name} LP {value:.2f} ({seconds:.1f} s): {lp_terms} peaks {lp_peaks}", flush=True)
        solver = tuned_solver(args.seed, args.seconds)
        status = solver.status_name(solver.solve(built.model))
        roster = {t: solver.value(v) for t, v in probes.items()}
        roster_peaks = {r: solver.value(p) for r, p in peaks.items()}
        print(
            f"{name} CP-SAT {status} {solver.objective_value:g} (bound {solver.best_objective_bound:g}): "
            f"{roster} peaks {roster_peaks}",
            flush=True,
        )


if __name__ == "__main__":
    main()
