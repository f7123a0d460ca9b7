"""Experiment: HiGHS's neighbourhood MIPs after the whole week's search stalls, through ``solve``.

``mip_lns.py`` compared the rounds with CP-SAT's continued search from one roster; this
measures the hand-over as ``solve`` does it (``MIP_NEIGHBOURHOODS``, neighbourhoods.py).
Arms, each a solve through ``solve``, joined with ``+``:

- ``off``: no hand-over (``neighbourhoods=None``, the solve before it);
- ``on``: the hand-over as shipped, for the shipped patient counts;
- ``every``: the hand-over at any patient count (L weeks too);
- ``stall:S``: the hand-over after S seconds without a better roster (``NEIGHBOURHOOD_STALL_S``);
- ``from:F``: never before F of the time limit (``NEIGHBOURHOOD_FROM``);
- ``beside``: no hand-over, the rounds on one thread beside the whole week's search from
  its start, each from the best roster known (``NEIGHBOURHOODS_BESIDE``); ``beside:W``
  with that search on W workers (``BESIDE_WORKERS``; 1: the rounds take the second core).

The hand-over was left out (benchmarks/JOURNAL.md, "Neighbourhoods of the best roster solved by
HiGHS"): this needs the code of ``patches/mip_neighbourhoods.patch``, applied first with
``git apply benchmarks/experiments/patches/mip_neighbourhoods.patch``.

Run: cd benchmarks/experiments && ../../.venv/bin/python neighbourhood_arms.py M --arms off,on --seed 0
"""

from __future__ import annotations

from dataclasses import replace

from presolve import arms_main, solve_row

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek
from optimizer.solve import SolveOptions

SHIPPED = {
    name: getattr(solving, name)
    for name in ("NEIGHBOURHOOD_STALL_S", "NEIGHBOURHOOD_FROM", "NEIGHBOURHOODS_BESIDE", "BESIDE_WORKERS")
}


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm (see the module docstring)."""
    scenario = week.scenario()
    for arm in arms:
        for name, value in SHIPPED.items():
            setattr(solving, name, value)
        options = SolveOptions(time_limit=seconds, workers=2, seed=seed)
        for part in arm.split("+"):
            kind, _, value = part.partition(":")
            if kind == "off":
                options = replace(options, neighbourhoods=None)
            elif kind == "every":
                options = replace(options, neighbourhoods=range(10**6))
            elif kind == "stall":
                solving.NEIGHBOURHOOD_STALL_S = float(value)
            elif kind == "beside":
                solving.NEIGHBOURHOODS_BESIDE = True
                solving.BESIDE_WORKERS = int(value) if value else None
            elif kind == "from":
                solving.NEIGHBOURHOOD_FROM = float(value)
            elif kind != "on":
                raise SystemExit(f"unknown arm {part!r}")
        solve_row(week, scenario, arm, options)


if __name__ == "__main__":
    arms_main(__doc__.splitlines()[0], "off,on", 60.0, search)
