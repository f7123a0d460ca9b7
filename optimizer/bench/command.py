"""``iop-roster bench`` as a library call: plan the runs, run them, write the report."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import speed
from .report import write_report
from .runner import add_gaps, plan, run_all
from .suites import CACHE_DIR, RESULTS_DIR, ROOT, SUITES_FILE, load_suites, select


@dataclass(frozen=True)
class BenchConfig:
    """Everything a bench run depends on; recorded with its results."""

    suites: list[str] = field(default_factory=lambda: ["S"])
    peers: list[str] = field(default_factory=lambda: ["cpsat", "cpsat-ref", "highs", "greedy"])
    time_limit: float = 60.0
    workers: list[int] = field(default_factory=lambda: [1, 2])
    seeds: list[int] = field(default_factory=lambda: [0])  # every run once per seed
    week_seeds: list[int] | None = None  # generate the families' weeks from these, not the file's
    timeout: float | None = None
    memory_limit_mb: float | None = None
    suites_file: Path = SUITES_FILE
    cache_dir: Path = CACHE_DIR
    out_dir: Path | None = None
    keep_rosters: bool = False
    cpsat_parameters: tuple[str, ...] = ()  # NAME=VALUE, for the cpsat peer

    def command(self) -> str:
        """The command line that repeats this run."""
        return (
            f"iop-roster bench --suite {','.join(self.suites)} --peers {','.join(self.peers)} "
            f"--time-limit {self.time_limit:g} --workers {','.join(map(str, self.workers))}"
            + (f" --seed {','.join(map(str, self.seeds))}" if self.seeds != [0] else "")
            + (f" --week-seeds {','.join(map(str, self.week_seeds))}" if self.week_seeds is not None else "")
            + "".join(f" --cpsat-param {shlex.quote(p)}" for p in self.cpsat_parameters)
        )

    def output(self) -> Path:
        """Where results go: benchmarks/results/<suites> (-weeks-<seeds> for other weeks) unless given."""
        held_out = "" if self.week_seeds is None else "-weeks-" + "-".join(map(str, self.week_seeds))
        return self.out_dir or RESULTS_DIR / ("-".join(self.suites) + held_out)


def run_bench(
    config: BenchConfig, on_record: Callable[[int, int, dict[str, Any]], None] | None = None
) -> tuple[list[dict[str, Any]], list[Path]]:
    """Run every peer on every week of the chosen suites and write the report; return both."""
    weeks = select(load_suites(config.suites_file, config.week_seeds), config.suites)
    specs = plan(
        weeks, config.peers, config.workers, config.time_limit, config.seeds, config.cache_dir,
        config.cpsat_parameters,
    )  # fmt: skip
    done = 0

    def progress(record: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        if on_record is not None:
            on_record(done, len(specs), record)

    roster_dir = config.cache_dir / "rosters" if config.keep_rosters else None
    before = speed.measure()  # how fast the machine was around these runs
    records = run_all(specs, config.timeout, roster_dir, progress, config.memory_limit_mb)
    probes = {"before": before, "after": speed.measure()}
    settings = {
        "command": config.command(),
        "suites": config.suites,
        "peers": config.peers,
        "time_limit_s": config.time_limit,
        "cpsat_workers": config.workers,
        "seeds": config.seeds,
        "week_seeds": config.week_seeds,
        "cpsat_parameters": list(config.cpsat_parameters),
        "timeout_s": config.timeout,
        "memory_limit_mb": config.memory_limit_mb,
        "speed": probes,
        "weeks": {
            w.name: {
                "family": w.family,
                "settings": w.settings,
                "file": _relative(w.path),
                "targets": w.targets.as_dict(),
            }
            for w in weeks
        },
    }
    return records, write_report(records, settings, config.output())


def merge_results(folders: list[Path]) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """The runs of every folder with their gaps derived afresh, merged settings, last finish."""
    documents = [json.loads((folder / "results.json").read_text(encoding="utf-8")) for folder in folders]
    cores = {(d["machine"]["cores"], d["machine"]["cpu"], d["machine"]["ortools"]) for d in documents}
    if len(cores) > 1:
        raise ValueError(f"runs from different machines or versions cannot be merged: {sorted(cores)}")
    records = [record for document in documents for record in document["runs"]]
    add_gaps(records)  # overwrites every figure derived from another run's bound
    settings = {
        "command": " && ".join(d["settings"]["command"] for d in documents),
        "merged_from": [str(folder) for folder in folders],
        "speed": {
            f"{folder.name} {when}": probe
            for folder, d in zip(folders, documents, strict=True)
            for when, probe in d["settings"].get("speed", {}).items()
        },
        "weeks": {name: week for d in documents for name, week in d["settings"].get("weeks", {}).items()},
    }
    return records, settings, max(d["finished"] for d in documents)


def _relative(path: Path | None) -> str:
    """An example's file as the repository names it (no machine-specific prefix)."""
    if path is None:
        return ""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
