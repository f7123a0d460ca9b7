"""What a bench run leaves behind: JSON and CSV of every run, a Markdown summary, plots.

Every file names the machine it was measured on (cores, CPU, memory, library
versions): timings only compare within one run on one machine, so the summary also
gives ratios measured in the same run (our CP-SAT against HiGHS and against the
plain CP-SAT reference, on the same week).
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
from collections import defaultdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..files import write_atomic
from . import speed, timeline
from .runner import complete, events_of, peer_label
from .suites import Targets
from .timeline import CHECKPOINTS

GAP_COLUMNS = " | ".join(f"gap@{t:g}s" for t in CHECKPOINTS)
"""The Markdown headers of the gaps read off the timeline at each checkpoint."""

CSV_COLUMNS = [
    "family", "week", "seed", "patients", "peer", "workers", "label", "run", "status", "time_limit_s",
    "time_to_first_s", "time_to_best_s", "time_to_gap_1pct_s", "time_to_proof_s", "objective",
    "solver_objective", "best_bound", "lp_bound", "reference_bound", "gap",
    *[f"gap_{t:g}s" for t in CHECKPOINTS], "build_time_s", "lp_time_s", "peak_rss_mb", "wall_s",
    "num_variables", "num_constraints", "checker_ok", "violations", "violations_by_rule",
    "shortfalls_declared", "error",
]  # fmt: skip


def machine() -> dict[str, Any]:
    """The machine and library versions the numbers were measured with."""
    cpu = platform.processor() or ""
    memory_gib = None
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line), cpu)
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        kib = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
        memory_gib = round(kib / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for package in ("ortools", "highspy", "matplotlib", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "platform": platform.platform(),
        "python": platform.python_version(),
        **versions,
    }


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def checker_cell(r: dict[str, Any]) -> str:
    """What the checker said, in a few words: OK, violations by rule, or why there is nothing."""
    if r.get("run") != "ok":
        return f"{r.get('run')}: {r.get('error') or ''}".strip()
    if not r.get("has_roster"):
        return "no roster"
    if r.get("checker_ok"):
        short = r.get("shortfalls_declared")
        return f"OK, {short} shortfalls declared" if short else "OK"
    rules = ", ".join(f"{rule} {n}" for rule, n in sorted((r.get("violations_by_rule") or {}).items()))
    return f"{r.get('violations')} violations ({rules})"


def markdown_table(records: list[dict[str, Any]]) -> str:
    """One row per run: the numbers the README's Benchmarks table shows."""
    head = (
        "| week | seed | patients | peer | status | first roster (s) | best (s) | proven (s) | objective | "
        f"best bound | LP bound | gap | {GAP_COLUMNS} | build (s) | peak MB | checker |"
    )
    rows = [head, "|" + "|".join(["---"] * 5 + ["---:"] * (9 + len(CHECKPOINTS)) + ["---"]) + "|"]
    for r in records:
        rows.append(
            "| "
            + " | ".join(
                [
                    r["week"],
                    str(r.get("seed", 0)),
                    str(r["patients"]),
                    r["label"],
                    _fmt(r.get("status")),
                    _fmt(r.get("time_to_first_s")),
                    _fmt(r.get("time_to_best_s")),
                    _fmt(r.get("time_to_proof_s")),
                    _fmt(r.get("objective")),
                    _fmt(r.get("best_bound")),
                    _fmt(r.get("lp_bound")),
                    _pct(r.get("gap")),
                    *[_pct(r.get(f"gap_{t:g}s")) for t in CHECKPOINTS],
                    _fmt(r.get("build_time_s"), 2),
                    _fmt(r.get("peak_rss_mb"), 0),
                    checker_cell(r),
                ]
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def _median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _proofs(runs: list[dict[str, Any]]) -> str:
    """How many runs proved their roster optimal, and the median time they took ("2/4, 4.2 s")."""
    times = [r["time_to_proof_s"] for r in runs if r.get("time_to_proof_s") is not None]
    if not times:
        return f"0/{len(runs)}"
    return f"{len(times)}/{len(runs)}, {_fmt(_median(times))} s"


def family_table(records: list[dict[str, Any]]) -> str:
    """Per family and peer: medians over its runs, every week and seed (blank where none has the figure).

    The checker column counts the weeks whose roster passed the checker and meets every
    rule; rosters accepted only with declared shortfalls are counted apart.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r["family"], r["label"])].append(r)
    lines = [
        f"| family | patients | peer | first roster (s) | {GAP_COLUMNS} | proven | build (s) | peak MB "
        "| checker |",
        "|---|---:|---|" + "---:|" * (4 + len(CHECKPOINTS)) + "---|",
    ]

    def median(runs: list[dict[str, Any]], key: str) -> float | None:
        return _median([r[key] for r in runs if r.get(key) is not None])

    order = {family: n for n, family in enumerate(dict.fromkeys(r["family"] for r in records))}
    for (family, label), runs in sorted(groups.items(), key=lambda item: order[item[0][0]]):
        patients = median(runs, "patients")
        passed = sum(1 for r in runs if complete(r) and r.get("has_roster"))
        short = sum(1 for r in runs if r.get("checker_ok") and r.get("shortfalls_declared"))
        cells = [
            family,
            _fmt(int(patients) if patients is not None else None),
            label,
            _fmt(median(runs, "time_to_first_s")),
            *[_pct(median(runs, f"gap_{t:g}s")) for t in CHECKPOINTS],
            _proofs(runs),
            _fmt(median(runs, "build_time_s"), 2),
            _fmt(median(runs, "peak_rss_mb"), 0),
            f"{passed}/{len(runs)} OK" + (f" ({short} with shortfalls)" if short else ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


PLAIN_PEERS = ("highs", "cpsat-ref")
"""The plain formulations our CP-SAT solve is measured against in every run."""
RATIO_TIMES = ("time_to_first_s", "time_to_gap_1pct_s")


def _time_to_gap(record: dict[str, Any], gap: float | None) -> float | None:
    """Seconds until ``record``'s incumbent was within ``gap`` of its week's reference bound."""
    if gap is None or not complete(record):
        return None
    return timeline.time_to_gap(events_of(record), gap, record.get("reference_bound"))


def _ours_and_plain_peers(
    records: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], dict[str, dict[str, Any] | None]]]:
    """Each run of our CP-SAT with the plain peers' runs of the same week and seed (None if not run).

    The reference CP-SAT peer is the one at the same worker count.
    """
    by_run: dict[tuple[str, int], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in records:
        by_run[(r["week"], r.get("seed", 0))][r["label"]] = r
    return [
        (r, {"highs": runs.get("highs"), "cpsat-ref": runs.get(peer_label("cpsat-ref", r["workers"]))})
        for runs in by_run.values()
        for r in runs.values()
        if r["peer"] == "cpsat"
    ]


def ratios(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per week, seed and CP-SAT worker count: our CP-SAT's times divided by each plain peer's.

    The reference CP-SAT peer is compared at the same worker count and seed. A ratio
    below 1 means ours got there first; None where either never got there. Besides the
    first roster and a 1 % gap, which the plain peers rarely reach on large weeks, each
    pair is timed to the plain peer's own final gap (``to_their_gap``): how much sooner
    ours had a roster as good as the best the peer ended with, defined wherever the
    peer has a roster and ours gets that close.
    """
    out = []
    for r, peers in _ours_and_plain_peers(records):
        row: dict[str, Any] = {
            "week": r["week"],
            "seed": r.get("seed", 0),
            "cpsat": r["label"],
            "gap": r.get("gap"),
        }
        row.update((key, r.get(key)) for key in RATIO_TIMES)
        for name in PLAIN_PEERS:
            theirs = peers[name]
            row[f"gap_{name}"] = theirs.get("gap") if theirs else None
            for key in RATIO_TIMES:
                a, b = r.get(key), theirs.get(key) if theirs else None
                row[f"{key}/{name}"] = a / b if a is not None and b else None
                row[f"{key}/{name}:only_ours"] = a is not None and theirs is not None and b is None
            target = row[f"gap_{name}"]
            a, b = _time_to_gap(r, target), _time_to_gap(theirs, target) if theirs else None
            row[f"to_their_gap/{name}"] = a / b if a is not None and b else None
        out.append(row)
    return out


def ratio_table(rows: list[dict[str, Any]]) -> str:
    """The ratios as Markdown."""
    lines = [
        "| week | seed | CP-SAT | first roster ÷ HiGHS | gap ≤ 1 % ÷ HiGHS | HiGHS's final gap ÷ HiGHS "
        "| first roster ÷ cpsat-ref | gap ≤ 1 % ÷ cpsat-ref | cpsat-ref's final gap ÷ cpsat-ref "
        "| final gap: ours | HiGHS | cpsat-ref |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [row["week"], str(row["seed"]), row["cpsat"]]
        for name in PLAIN_PEERS:
            for key in RATIO_TIMES:
                only_ours = row[f"{key}/{name}:only_ours"]
                cells.append(
                    f"only ours ({_fmt(row[key])} s)" if only_ours else _fmt(row[f"{key}/{name}"], 2)
                )
            cells.append(_fmt(row[f"to_their_gap/{name}"], 2))
        cells += [_pct(row["gap"]), _pct(row["gap_highs"]), _pct(row["gap_cpsat-ref"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


Verdict = tuple[bool | None, str]
"""Whether a run met one target (None: not judged in this run), and the figure that says so."""


def _within(seconds: float | None, limit: float, never: str) -> Verdict:
    """A time target: met when the run got there by ``limit``; ``never`` says what it lacked."""
    return (False, never) if seconds is None else (seconds <= limit, f"{seconds:.1f} s")


def _sooner_to_gap(r: dict[str, Any], peers: dict[str, dict[str, Any] | None], gap: float) -> Verdict:
    """Ours within ``gap`` before every plain peer that ran (one that never got there counts as later)."""
    ran = {name: theirs for name, theirs in peers.items() if theirs is not None}
    if not ran:
        return None, "no plain peer in this run"
    ours = _time_to_gap(r, gap)
    times = {name: _time_to_gap(theirs, gap) for name, theirs in ran.items()}
    if ours is None:
        return False, "not reached"
    parts = [f"{name} {'never' if t is None else f'{ours / t:.2f}×'}" for name, t in times.items()]
    return all(t is None or ours < t for t in times.values()), f"{ours:.1f} s ({', '.join(parts)})"


def verdicts(
    r: dict[str, Any], peers: dict[str, dict[str, Any] | None], targets: Targets
) -> dict[str, Verdict]:
    """One run of our CP-SAT against its family's targets, keyed by each target's column heading."""
    out: dict[str, Verdict] = {}
    if targets.proven_within_s is not None:
        out[f"proven ≤ {targets.proven_within_s:g} s"] = _within(
            r.get("time_to_proof_s"), targets.proven_within_s, "not proven"
        )
    if targets.first_roster_within_s is not None:
        out[f"first roster ≤ {targets.first_roster_within_s:g} s"] = _within(
            r.get("time_to_first_s"), targets.first_roster_within_s, "no roster"
        )
    for seconds, most in sorted(targets.gap_at.items()):
        gap = r.get(f"gap_{seconds:g}s")
        if gap is not None:
            verdict: Verdict = (gap <= most + timeline.TOLERANCE, _pct(gap))
        elif r.get("time_limit_s", 0.0) < seconds:
            verdict = (None, f"a {r.get('time_limit_s', 0.0):g} s run")
        else:
            verdict = (False, "no roster")
        out[f"gap ≤ {100 * most:g}% at {seconds:g} s"] = verdict
    if targets.peak_memory_gib is not None:
        mb = r.get("peak_rss_mb")
        out[f"peak < {targets.peak_memory_gib:g} GiB"] = (
            (None, "not measured")
            if mb is None
            else (mb < 1024 * targets.peak_memory_gib, f"{mb / 1024:.2f} GiB")
        )
    if targets.sooner_to_gap is not None:
        heading = f"{100 * targets.sooner_to_gap:g}% gap before the plain peers (our time ÷ theirs)"
        out[heading] = _sooner_to_gap(r, peers, targets.sooner_to_gap)
    return out


def targets_section(records: list[dict[str, Any]], weeks: dict[str, dict[str, Any]]) -> str:
    """Per family with targets: each run of our CP-SAT, target by target, and how many met them all.

    Empty where no week of the run has targets (an older run's results, or the tight family).
    """
    by_family: dict[str, list[tuple[dict[str, Any], dict[str, Verdict]]]] = defaultdict(list)
    for r, peers in _ours_and_plain_peers(records):
        targets = Targets.from_dict(weeks.get(r["week"], {}).get("targets") or {})
        judged = verdicts(r, peers, targets)
        if judged:
            by_family[r["family"]].append((r, judged))
    parts = []
    for family, rows in by_family.items():
        headings = list(dict.fromkeys(h for _, judged in rows for h in judged))
        met = sum(all(ok is not False for ok, _ in judged.values()) for _, judged in rows)
        parts.append(f"**{family}**: every target met in {met} of {len(rows)} runs.\n")
        parts.append("| week | seed | CP-SAT | " + " | ".join(headings) + " |")
        parts.append("|---|---|---|" + "---|" * len(headings))
        for r, judged in rows:
            cells = []
            for heading in headings:
                ok, text = judged.get(heading, (None, "—"))
                cells.append(text if ok is None else f"{'yes' if ok else 'no'}: {text}")
            parts.append(f"| {r['week']} | {r.get('seed', 0)} | {r['label']} | " + " | ".join(cells) + " |")
        parts.append("")
    return "\n".join(parts)


def write_csv(records: list[dict[str, Any]]) -> str:
    """One row per run; the timeline stays in the JSON."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in records:
        row = dict(r)
        row["violations_by_rule"] = ";".join(
            f"{k}:{v}" for k, v in sorted((r.get("violations_by_rule") or {}).items())
        )
        writer.writerow(row)
    return buffer.getvalue()


def plot_gaps(records: list[dict[str, Any]], family: str, path: Path) -> Path:
    """Gap over time, one panel per week of the family, one line per peer (and worker count)."""
    weeks = list(dict.fromkeys(r["week"] for r in records if r["family"] == family))
    columns = min(len(weeks), 4) or 1
    rows = (len(weeks) + columns - 1) // columns or 1
    figure = _figure(4.2 * columns, 3.2 * rows)
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    labels = sorted({r["label"] for r in records})
    colours = {label: f"C{n}" for n, label in enumerate(labels)}
    for n, week in enumerate(weeks):
        ax = axes[n // columns][n % columns]
        named: set[str] = set()  # one legend entry per peer, however many seeds
        for r in (r for r in records if r["week"] == week):
            events = events_of(r)
            horizon = max(r["time_limit_s"], max((e.time for e in events), default=0.0))
            points = timeline.gap_curve(events, r.get("reference_bound"), horizon)
            if points:
                legend = r["label"] if r["label"] not in named else "_nolegend_"
                named.add(r["label"])
                ax.step([t for t, _ in points], [100 * g for _, g in points], where="post", label=legend,
                        color=colours[r["label"]])  # fmt: skip
        patients = next(r["patients"] for r in records if r["week"] == week)
        ax.set_title(f"{week} ({patients} patients)", fontsize=9)
        ax.set_xlabel("seconds (model build included)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if n % columns == 0:
            ax.set_ylabel("gap to best bound of any peer (%)")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
        else:
            ax.text(0.5, 0.5, "no checked roster", ha="center", va="center", transform=ax.transAxes)
    for n in range(len(weeks), rows * columns):
        axes[n // columns][n % columns].axis("off")
    figure.suptitle(f"Family {family}: gap over time (lower is better)", fontsize=11)
    figure.tight_layout()
    return _save(figure, path)


def plot_scaling(records: list[dict[str, Any]], path: Path) -> Path:
    """Model build time and peak memory against patients, per peer."""
    figure = _figure(10, 4)
    build_ax, memory_ax = figure.subplots(1, 2)
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_label[r["label"]].append(r)
    for n, (label, runs) in enumerate(sorted(by_label.items())):
        for ax, key in ((build_ax, "build_time_s"), (memory_ax, "peak_rss_mb")):
            points = [(r["patients"], r[key]) for r in runs if r.get(key) is not None]
            if not points:
                continue
            ax.scatter(*zip(*points, strict=True), color=f"C{n}", alpha=0.5, s=14)
            sizes = sorted({x for x, _ in points})
            medians = [_median([y for x, y in points if x == size]) for size in sizes]
            ax.plot(sizes, medians, "-", color=f"C{n}", label=f"{label} (median)")
    spread = [r["patients"] for r in records if r.get("patients")]
    if spread and max(spread) > 10 * min(spread):
        build_ax.set_xscale("log")
        memory_ax.set_xscale("log")
    build_ax.set(xlabel="patients", ylabel="model build (s)", title="Model build time")
    memory_ax.set(
        xlabel="patients", ylabel="peak resident memory (MB)", title="Peak memory of the peer's process"
    )
    for ax in (build_ax, memory_ax):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    figure.tight_layout()
    return _save(figure, path)


def _figure(width: float, height: float) -> Figure:
    """A figure drawn by the Agg backend: files only, no display, no pyplot global state."""
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return write_atomic(path, buffer.getvalue())


def write_report(
    records: list[dict[str, Any]], settings: dict[str, Any], out_dir: Path, finished: str | None = None
) -> list[Path]:
    """Write results.json, results.csv, summary.md and the plots into ``out_dir``."""
    described = machine()
    stamp = finished or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    document = {"machine": described, "settings": settings, "finished": stamp, "runs": records}
    written = [
        write_atomic(out_dir / "results.json", json.dumps(document, indent=1) + "\n"),
        write_atomic(out_dir / "results.csv", write_csv(records)),
    ]
    families = list(dict.fromkeys(r["family"] for r in records))
    plots = [plot_gaps(records, family, out_dir / f"gap-{family}.png") for family in families]
    plots.append(plot_scaling(records, out_dir / "build-and-memory.png"))
    targets = targets_section(records, settings.get("weeks") or {})
    cpu = f"{described['cores']} cores, {described['cpu']}, {described['memory_gib']} GiB"
    versions = ", ".join(f"{k} {described[k]}" for k in ("python", "ortools", "highspy"))
    summary = [
        f"# Benchmark results ({stamp})\n",
        f"Machine: {cpu}; {versions}.\n",
        *([speed.describe(settings["speed"])] if settings.get("speed") else []),
        f"Command: `{settings['command']}`\n",
        "## By family (medians over its weeks, and seeds where several; proven: runs that "
        "proved their roster optimal, and their median time to the proof)\n",
        family_table(records),
        "## Runs\n",
        markdown_table(records),
        *(
            [
                "## Targets (benchmarks/suites.yaml; gaps against the week's best bound from any run)\n",
                targets,
            ]
            if targets
            else []
        ),
        "## Our CP-SAT against the plain peers, same week, same run (ratio < 1: ours first)\n",
        ratio_table(ratios(records)),
        "## Plots\n",
        *[f"![{p.stem}]({p.name})\n" for p in plots],
    ]
    written.append(write_atomic(out_dir / "summary.md", "\n".join(summary)))
    return [*written, *plots]
