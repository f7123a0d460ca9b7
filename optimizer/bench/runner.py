"""Runs every peer on every week, one process at a time, and derives the comparable figures.

Each run is a child process (``optimizer.bench.child``): OR-Tools and highspy cannot
share a process, and a process of its own is also the honest way to measure a peer's
peak memory (the child's VmHWM, see ``child.peak_memory_mb``). Runs go one after the
other, never side by side, so that peers do not compete for the cores. A run that
crashes, outlives its timeout or grows past the memory limit is recorded as such,
with whatever timeline it left.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..scenario import load_scenario
from . import timeline
from .child import peak_memory_mb
from .peers import PEERS, USES_WORKERS
from .suites import CACHE_DIR, BenchWeek
from .timeline import CHECKPOINTS, Event

log = logging.getLogger(__name__)
GAP_TARGET = 0.01  # time to a gap of at most 1 %


@dataclass(frozen=True)
class RunSpec:
    """One peer (with a worker count, for CP-SAT) on one week."""

    week: BenchWeek
    scenario: Path
    patients: int
    peer: str
    workers: int | None
    time_limit: float
    seed: int = 0
    parameters: tuple[str, ...] = ()  # NAME=VALUE CP-SAT parameters of the cpsat peer

    def label(self) -> str:
        """The peer as tables and plots name it: 'cpsat/2w', 'highs', 'greedy'."""
        return peer_label(self.peer, self.workers, self.parameters)


def peer_label(peer: str, workers: int | None, parameters: tuple[str, ...] = ()) -> str:
    """'cpsat/2w', 'cpsat[linearization_level=2]/2w', 'highs': a run's name in tables and plots."""
    name = f"{peer}[{' '.join(parameters)}]" if parameters else peer
    return f"{name}/{workers}w" if workers is not None else name


def default_timeout(time_limit: float) -> float:
    """Wall-clock seconds before a run is killed: search, LP relaxation, and building at XL size."""
    return 2.0 * time_limit + 300.0


def default_memory_limit_mb() -> float:
    """Three fifths of the machine's memory: a peer past it is stopped before it starves the machine."""
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        kib = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration, ValueError):
        return 8192.0
    return round(0.6 * kib / 1024)


def run_one(
    spec: RunSpec, timeout: float, roster_dir: Path | None = None, memory_limit_mb: float | None = None
) -> dict[str, Any]:
    """Run one peer in a child process and return its record (never raises for a peer's failure)."""
    with tempfile.TemporaryDirectory(prefix="iop-bench-") as tmp:
        result_path = Path(tmp) / "result.json"
        stderr_path = Path(tmp) / "stderr.txt"
        command = [
            sys.executable, "-m", "optimizer.bench.child", spec.peer, str(spec.scenario), str(result_path),
            "--time-limit", str(spec.time_limit), "--seed", str(spec.seed),
        ]  # fmt: skip
        if spec.workers is not None:
            command += ["--workers", str(spec.workers)]
        for parameter in spec.parameters:
            command += ["--param", parameter]
        if roster_dir is not None:
            command += [
                "--roster",
                str(roster_dir / f"{spec.week.name}-{spec.label().replace('/', '-')}.json"),
            ]
        started = time.monotonic()
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
            status, usage, stopped, polled = _wait(
                process, timeout, memory_limit_mb or default_memory_limit_mb()
            )
        wall = time.monotonic() - started
        record = _base_record(spec)
        # The child's own VmHWM when it finishes; what polling saw when it crashed or was
        # killed; ru_maxrss only where /proc is missing (it may include this process's size).
        fallback = polled if polled is not None else round(usage.ru_maxrss / 1024, 1)
        record.update(wall_s=round(wall, 3), peak_rss_mb=fallback)
        record["events"] = _read_events(Path(str(result_path) + ".events"))  # replaced by a finished run's
        exit_code = os.waitstatus_to_exitcode(status)
        if stopped is not None:
            record.update(run=stopped[0], error=stopped[1])
        elif exit_code != 0 or not result_path.exists():
            record.update(run="crashed", error=_last_line(stderr_path) or f"exit code {exit_code}")
        else:
            record.update(run="ok", **json.loads(result_path.read_text(encoding="utf-8")))
    return record


def _wait(
    process: subprocess.Popen[bytes], timeout: float, memory_limit_mb: float
) -> tuple[int, Any, tuple[str, str] | None, float | None]:
    """Reap the child, watching its peak memory; kill it at the timeout or past the memory limit.

    Returns the wait status, resource usage, (run state, reason) if it was stopped, and the peak seen.
    """
    deadline = time.monotonic() + timeout
    stopped = None
    peak = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = peak_memory_mb(process.pid) or peak
        if time.monotonic() > deadline:
            stopped = ("timeout", f"killed after {timeout:g} s")
        elif peak is not None and peak > memory_limit_mb:
            stopped = ("memory", f"killed past {memory_limit_mb:g} MB of memory")
        if stopped is not None:
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return status, usage, stopped, peak


def _read_events(path: Path) -> list[list[float | None]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut short by a kill
            break
    return events


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip()[:500] if lines else ""


def _base_record(spec: RunSpec) -> dict[str, Any]:
    return {
        "week": spec.week.name,
        "family": spec.week.family,
        "patients": spec.patients,
        "peer": spec.peer,
        "workers": spec.workers,
        "label": spec.label(),
        "time_limit_s": spec.time_limit,
        "seed": spec.seed,
        "cpsat_parameters": list(spec.parameters),
        "status": None,
        "objective": None,
        "best_bound": None,
        "lp_bound": None,
        "checker_ok": False,
        "violations": None,
        "error": None,
    }


def plan(
    weeks: Iterable[BenchWeek],
    peers: list[str],
    workers: list[int],
    time_limit: float,
    seeds: Iterable[int] = (0,),
    cache_dir: Path = CACHE_DIR,
    cpsat_parameters: tuple[str, ...] = (),
) -> list[RunSpec]:
    """Every (week, seed, peer, worker count) to run, generating weeks into the cache as needed.

    Several seeds measure the same settings more than once: one run's roster at a time
    limit varies by a few percent with the seed, more than many changes to the search.
    ``cpsat_parameters`` (NAME=VALUE) apply to the ``cpsat`` peer alone.
    """
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        raise ValueError(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    specs = []
    for week in weeks:
        path = week.materialize(cache_dir)
        patients = len(load_scenario(path).patients)
        for seed in seeds:
            for peer in peers:
                for count in workers if peer in USES_WORKERS else [None]:
                    own = cpsat_parameters if peer == "cpsat" else ()
                    specs.append(RunSpec(week, path, patients, peer, count, time_limit, seed, own))
    return specs


def run_all(
    specs: list[RunSpec],
    timeout: float | None = None,
    roster_dir: Path | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    memory_limit_mb: float | None = None,
) -> list[dict[str, Any]]:
    """Run the plan one process at a time, then add the gaps (which need every peer's bound)."""
    records = []
    for spec in specs:
        log.info("running %s on %s", spec.label(), spec.week.name)
        record = run_one(spec, timeout or default_timeout(spec.time_limit), roster_dir, memory_limit_mb)
        records.append(record)
        if on_record is not None:
            on_record(record)
    add_gaps(records)
    return records


def events_of(record: dict[str, Any]) -> list[Event]:
    """A run record's timeline as events (the JSON keeps them as lists)."""
    return [Event(*e) for e in record.get("events", [])]


def complete(record: dict[str, Any]) -> bool:
    """Whether the run's roster passed the checker and meets every rule (no declared shortfalls).

    A run that was stopped before it returned a roster keeps the incumbents it reported.
    """
    if not record.get("has_roster"):
        return record.get("run") != "ok"
    return bool(record.get("checker_ok")) and not record.get("shortfalls_declared")


def add_gaps(records: list[dict[str, Any]]) -> None:
    """Gaps of every run against the best bound any peer proved on the same week.

    The final gap uses the checker's objective of a roster that passed the checker. A
    gap at a checkpoint is given only where the run shows it: within the time limit,
    or later for a run that stopped on its own (proof, infeasibility, or one pass).
    """
    best: dict[str, float] = {}
    for r in records:
        bounds = [
            b
            for b in (r.get("best_bound"), r.get("lp_bound"), timeline.best_bound(events_of(r)))
            if b is not None
        ]
        if bounds:
            best[r["week"]] = max(best.get(r["week"], -float("inf")), *bounds)
    for r in records:
        reference = best.get(r["week"])
        events = events_of(r)
        if not complete(r):  # its incumbents are not rosters meeting every rule: no times, no gaps
            events = [Event(e.time, None, e.bound) for e in events]
        r["reference_bound"] = reference
        r["time_to_first_s"] = timeline.time_to_first(events)
        r["time_to_best_s"] = timeline.time_to_best(events)
        final = r["objective"] if complete(r) else None
        r["gap"] = timeline.relative_gap(final, reference)
        r["time_to_gap_1pct_s"] = timeline.time_to_gap(events, GAP_TARGET, reference)
        r["time_to_proof_s"] = timeline.time_to_proof(events)
        stopped_on_its_own = r.get("run") == "ok" and r.get("status") in (
            "OPTIMAL",
            "INFEASIBLE",
            "HEURISTIC",
        )
        seen_until = r["time_limit_s"] if r.get("run") == "ok" else r.get("wall_s", 0.0)
        for t in CHECKPOINTS:
            shown = stopped_on_its_own or t <= seen_until
            r[f"gap_{t:g}s"] = timeline.gap_at(events, t, reference) if shown else None
