"""Merge several `iop-roster bench` runs of one machine into one report.

A full run of every family at every setting takes hours; it can be run in parts (say
the 60 s families, then XL at 300 s) and merged. Gaps are derived again over the
merged runs, so every week's reference bound is the best any run of it proved.
Runs measured on different machines are refused: their timings do not compare.
Runs made before the families had targets can be judged by today's
benchmarks/suites.yaml with --targets-from-suites.

Run: .venv/bin/python benchmarks/merge_results.py benchmarks/results/S-M-L \
         benchmarks/results/XL -o benchmarks/results/all
"""

from __future__ import annotations

import argparse
from pathlib import Path

from optimizer.bench.command import merge_results
from optimizer.bench.report import write_report
from optimizer.bench.suites import load_suites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="bench output folders (with results.json)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder for the merged report")
    parser.add_argument(
        "--targets-from-suites",
        action="store_true",
        help="judge weeks recorded without targets by their family's targets in benchmarks/suites.yaml",
    )
    args = parser.parse_args()
    records, settings, finished = merge_results(args.folders)
    if args.targets_from_suites:
        targets = {family: weeks[0].targets for family, weeks in load_suites().items() if weeks}
        for week in settings["weeks"].values():
            if "targets" not in week and week.get("family") in targets:
                week["targets"] = targets[week["family"]].as_dict()
    for path in write_report(records, settings, args.output, finished=finished):
        print(path)


if __name__ == "__main__":
    main()
