"""Planning commands of the CLI: ``whatif``, ``capacity`` and ``batch``. Parse, call the library, print.

Kept apart from ``cli.py`` (which registers them) so the core commands stay short.
Exit codes beyond ``cli``'s: 6 — some task failed twice (each failure is reported with
its scenario's name and error; the other results are written).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .batch import (
    Backend,
    DaskBackend,
    Event,
    TaskOptions,
    TaskReport,
    check_local_sizing,
    dask_client,
    default_timeout,
    local_backend,
    make_task,
    run_tasks,
    usable_cores,
    write_task_outputs,
)
from .capacity import Capacity, Probe, find_capacity
from .cli import (
    EXIT_INPUT,
    EXIT_NO_ROSTER,
    EXIT_SHORTFALLS,
    _load,
    _weights,
    err,
    main,
    out,
    reports_input_errors,
    workers_option,
)
from .comparison import Row, comparison_csv, write_comparison
from .files import write_atomic
from .scenario import Problem, Scenario, ScenarioError, load_scenario
from .scenario.write import write_scenario
from .solve import SolveOptions
from .study import (
    PatientProfile,
    Study,
    StudyError,
    load_patient_profile,
    load_study,
    merge_quick_variants,
    quick_variants,
    study_variants,
)
from .views import write_views

EXIT_TASKS_FAILED = 6
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def _runner_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every many-week command shares: solve limits and where tasks run."""
    options = [
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds of search per week (CP-SAT's deterministic time with one worker).",
        ),
        click.option(
            "--task-workers",
            type=click.IntRange(min=1, max=64),
            default=2,
            show_default=True,
            help="CP-SAT search workers inside each task (1: reproducible with --seed, but slower "
            "to find a first roster on mid-size weeks).",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1, max=256),
            help="Local processes (default: cores ÷ --task-workers).",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Random seed of every search."),
        click.option("--strict", is_flag=True, help="No best-effort roster for an infeasible week."),
        click.option(
            "--weight", "weights", multiple=True, metavar="NAME=N", help="Override an objective weight."
        ),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            help="Run the tasks on this Dask scheduler's workers instead of local processes.",
        ),
        click.option(
            "--dask-local",
            type=click.IntRange(min=1, max=256),
            metavar="N",
            help="Run the tasks on an in-process Dask LocalCluster of N single-threaded workers.",
        ),
        click.option(
            "--task-timeout",
            type=click.FloatRange(min=1),
            help="Seconds before a task is given up and retried (default: 4 × time limit + 120).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def _backend(
    jobs: int | None, task_workers: int, scheduler: str | None, dask_local: int | None
) -> Iterator[Backend]:
    """Local processes by default; a Dask cluster when asked. Sizing errors are bad input (exit 2)."""
    if scheduler is not None and dask_local is not None:
        raise click.BadParameter("give --scheduler or --dask-local, not both", param_hint="--scheduler")
    stack = ExitStack()
    backend: Backend
    try:
        if scheduler is not None or dask_local is not None:
            if jobs is not None:
                raise click.BadParameter("--jobs sizes the local pool; a Dask cluster has its own workers")
            client = stack.enter_context(dask_client(scheduler, dask_local, task_workers))
            backend = DaskBackend(client, task_workers)
        else:
            jobs = jobs or max(1, usable_cores() // task_workers)
            check_local_sizing(jobs, 1, task_workers)
            backend = stack.enter_context(local_backend(jobs))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    except (OSError, TimeoutError) as exc:  # no scheduler there, or no worker joined in time
        raise click.ClickException(f"cannot use the Dask cluster: {exc}") from None
    with stack:  # the tasks run while we are suspended here; errors there are not input errors
        yield backend


def _run_with_progress(tasks: list[Any], backend: Backend, timeout: float) -> list[TaskReport]:
    """Run tasks with a progress bar on a terminal; retries and failures are always printed."""

    def report(event: Event, task: TaskReport, detail: str) -> None:
        if event == "retry":
            err.print(Text(f"{task.name}: failed ({detail}); retrying once"), style="yellow")
        elif event == "failed":
            err.print(Text(f"{task.name}: failed again ({detail}); no result"), style="red")

    if not err.is_terminal:
        return run_tasks(tasks, backend, timeout=timeout, on_event=report)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        bar = progress.add_task("solving", total=len(tasks))

        def tick(event: Event, task: TaskReport, detail: str) -> None:
            report(event, task, detail)
            if event != "retry":
                progress.advance(bar)
                progress.update(bar, description=f"solved {task.name}")

        return run_tasks(tasks, backend, timeout=timeout, on_event=tick)


def _numbers(report: TaskReport) -> dict[str, Any]:
    numbers = dict(report.result or {"verdict": "failed"})
    numbers.pop("roster_json", None)
    numbers["attempts"] = report.attempts
    if report.error:
        numbers["error"] = report.error
    return numbers


SHORT_VERDICTS = {
    "ok": "ok", "best-effort": "best effort", "infeasible": "infeasible",
    "unknown": "no roster", "failed": "FAILED",
}  # fmt: skip
HEADERS = ("", "result", "short h", "served", "groups", "staff h", "util %", "objective", "s")


def _print_table(title: str, rows: list[Row]) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for header in HEADERS:
        table.add_column(header, justify="left" if header in ("", "result") else "right", no_wrap=True)
    for row in rows:
        n = row.numbers

        def shown(key: str, numbers: dict[str, Any] = n) -> str:
            value = numbers.get(key)
            return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

        served = f"{n['patients_served']}/{n['patients']}" if n.get("patients_served") is not None else ""
        table.add_row(
            row.name,
            SHORT_VERDICTS.get(n.get("verdict", ""), ""),
            shown("shortfall_hours"),
            served,
            shown("sessions"),
            shown("staff_hours"),
            shown("utilisation_pct"),
            shown("objective"),
            shown("time_s"),
        )
    # On a terminal the table fits the window; into a file or pipe it keeps its natural width.
    if out.is_terminal:
        out.print(table)
    else:  # a console caps tables at its width (80 off a terminal): print at the table's own
        natural = out.measure(table, options=out.options.update_width(1000)).maximum
        Console(width=max(out.width, natural)).print(table)
    out.print(
        Text(
            "short h: hours short of patients' minimums (best-effort rosters); served: patients with every "
            "requirement met; util %: clinician hours scheduled / available",
            style="dim",
        )
    )
    for row in rows:
        if row.numbers.get("error"):
            out.print(Text(f"{row.name}: {row.numbers['error']}"), style="red")


def _task_options(
    time_limit: float, task_workers: int, seed: int, strict: bool, weights: tuple[str, ...]
) -> TaskOptions:
    return TaskOptions(
        time_limit=time_limit, workers=task_workers, seed=seed, strict=strict, weights=_weights(weights)
    )


def _solve_weeks(
    weeks: list[tuple[str, Scenario]],
    out_dir: Path,
    options: TaskOptions,
    backend_choice: tuple[int | None, int, str | None, int | None],
    task_timeout: float | None,
) -> list[dict[str, Any]]:
    """Solve each named week as a task, write its folder OUT_DIR/NAME, and return its numbers.

    ``backend_choice`` is (jobs, task workers, scheduler, dask_local) as given. A roster
    that fails the check here is written nowhere and its week counts as failed.
    """
    if not weeks:
        return []
    tasks = [make_task(name, week, options) for name, week in weeks]
    with _backend(*backend_choice) as backend:
        reports = _run_with_progress(tasks, backend, task_timeout or default_timeout(options))
    results = []
    for (name, week), report in zip(weeks, reports, strict=True):
        numbers = _numbers(report)
        try:
            write_task_outputs(week, report, out_dir / name)
        except ValueError as exc:
            numbers.update(verdict="failed", error=str(exc))
        results.append(numbers)
    return results


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--study",
    "study_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The study file: profiles and named variants (see README, What-if studies).",
)
@click.option(
    "--add-therapist",
    multiple=True,
    metavar="PROFILE",
    help="Variant(s) hiring clinicians of PROFILE: a study profile, or BLOCK-QUALIFICATION "
    "such as evening-SUD (that block every program day, hours = the shift's).",
)
@click.option(
    "--add-patients",
    multiple=True,
    metavar="PROFILE",
    help="Variant(s) admitting patients of PROFILE: a study profile or a profile file (.yaml).",
)
@click.option(
    "--count",
    default="1",
    show_default=True,
    metavar="N[,N...]",
    help="How many to hire or admit: one variant per number, e.g. --count 1,2.",
)
@click.option("--remove-therapist", multiple=True, metavar="ID", help="A variant without this clinician.")
@click.option("--remove-room", multiple=True, metavar="ID", help="A variant without this room.")
@click.option("--max-size", multiple=True, metavar="TYPE=N", help="A variant capping a group type at N.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Default: out/<scenario>-whatif.",
)
@_runner_options
@reports_input_errors
def whatif(
    scenario: Path,
    study_path: Path | None,
    add_therapist: tuple[str, ...],
    add_patients: tuple[str, ...],
    count: str,
    remove_therapist: tuple[str, ...],
    remove_room: tuple[str, ...],
    max_size: tuple[str, ...],
    out_dir: Path | None,
    time_limit: float,
    task_workers: int,
    jobs: int | None,
    seed: int,
    strict: bool,
    weights: tuple[str, ...],
    scheduler: str | None,
    dask_local: int | None,
    task_timeout: float | None,
) -> None:
    """Compare variants of the week in SCENARIO: each solved on its own, the unchanged week included.

    Writes comparison.csv, comparison.xlsx and comparison.html, and each variant's
    scenario and roster in a folder of its own.
    """
    counts = _counts(count)
    base = _load(scenario)
    study = load_study(study_path) if study_path is not None else Study()
    profiles, patient_names = _profile_files(add_patients)
    quick = quick_variants(add_therapist, patient_names, counts, remove_therapist, remove_room, max_size)
    study = merge_quick_variants(study, quick, profiles)
    if not study.variants:
        raise click.UsageError("nothing to compare: give --study or a quick variant such as --add-therapist")
    applied = study_variants(base, study, str(study_path or "<command line>"))
    out_dir = out_dir or Path("out") / f"{scenario.stem}-whatif"
    options = _task_options(time_limit, task_workers, seed, strict, weights)
    weeks = [(v.name, v.scenario) for v in applied]
    results = _solve_weeks(weeks, out_dir, options, (jobs, task_workers, scheduler, dask_local), task_timeout)
    rows = []
    for variant, numbers in zip(applied, results, strict=True):
        # JSON, not YAML: write_scenario's YAML of an `objective` section does not load back (a bug there)
        write_scenario(variant.scenario, out_dir / variant.name / "scenario.json")
        rows.append(Row(variant.name, numbers, variant.description, variant.notes))
    title = study.study or f"What if — {base.program.name}"
    subtitle = (
        f"{base.program.name}, week of {base.program.week_of}; {time_limit:g} s per variant, seed {seed}"
    )
    written = write_comparison(out_dir, title, subtitle, rows)
    _print_table(title, rows)
    for row in rows:
        for note in row.notes:
            out.print(Text(f"{row.name}: {note}"))
    out.print(f"wrote {', '.join(str(p) for p in written)} and a folder per variant in {out_dir}")
    if any(r.numbers.get("verdict") == "failed" for r in rows):
        sys.exit(EXIT_TASKS_FAILED)


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or any(n < 1 or n > 1000 for n in counts):
        raise click.BadParameter(
            f"{text!r}: expected whole numbers 1–1000 separated by commas", param_hint="--count"
        )
    return counts


def _profile_files(names: tuple[str, ...]) -> tuple[dict[str, PatientProfile], list[str]]:
    """``--add-patients`` values that are files become profiles named after the file."""
    profiles: dict[str, PatientProfile] = {}
    resolved = []
    for name in names:
        path = Path(name)
        if path.suffix.lower() in SCENARIO_SUFFIXES:
            if not path.is_file():
                raise click.BadParameter(f"{name}: no such profile file", param_hint="--add-patients")
            profiles[path.stem] = load_patient_profile(path)
            resolved.append(path.stem)
        else:
            resolved.append(name)
    return profiles, resolved


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    "profile_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The patient profile to admit more of (level, track, blocks, appointments).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    default=20.0,
    show_default=True,
    help="Seconds per probe; a probe that runs out is 'undecided', never counted as infeasible.",
)
@workers_option
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--max", "ceiling", type=click.IntRange(min=1, max=20000), default=1000, show_default=True)
@click.option(
    "--explain-time",
    type=click.FloatRange(min=1),
    default=20.0,
    show_default=True,
    help="Seconds to find why the first number that does not fit cannot be rostered.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the week with the added patients (scenario.json) and its roster here.",
)
@reports_input_errors
def capacity(
    scenario: Path,
    profile_path: Path,
    time_limit: float,
    workers: int,
    seed: int,
    ceiling: int,
    explain_time: float,
    out_dir: Path | None,
) -> None:
    """How many more patients of a profile the staff and rooms of SCENARIO can take, and what binds."""
    base = _load(scenario)
    profile = load_patient_profile(profile_path)
    name = profile_path.stem
    _check_profile(base, profile, profile_path)
    out.print(f"{base.program.name}: room for more {name} patients ({profile.level}, {profile.track})?")

    def show(probe: Probe) -> None:
        err.print(f"  {probe.added:>5} more: {probe.verdict:<10} ({probe.by}, {probe.seconds:.1f} s)")

    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    result = find_capacity(base, profile, options, ceiling, explain_time, f"new-{name}-"[:40], show)
    _print_capacity(result, name, time_limit)
    if out_dir is not None and result.roster is not None:
        written = write_scenario(result.scenario, out_dir / "scenario.json")
        written += write_views(result.scenario, result.roster, out_dir)
        out.print(f"wrote {', '.join(str(p) for p in written)}")
    if result.best is None:
        sys.exit(EXIT_NO_ROSTER)


def _check_profile(base: Scenario, profile: PatientProfile, path: Path) -> None:
    """The profile must fit the scenario (its level, track and blocks); errors name the file."""
    problems = []
    if profile.level not in base.levels:
        problems.append(
            Problem(str(path), None, "level", f"unknown level {profile.level!r} in this scenario")
        )
    if profile.track not in base.tracks():
        problems.append(
            Problem(str(path), None, "track", f"no group type or patient uses track {profile.track!r}")
        )
    for day, blocks in profile.resolve(base).items():
        for block in blocks:
            if block not in base.program.blocks or day not in base.program.days:
                problems.append(
                    Problem(
                        str(path), None, "blocks", f"{day} {block} is not a block of this scenario's week"
                    )
                )
                break
    if problems:
        raise StudyError(problems)


def _print_capacity(result: Capacity, name: str, time_limit: float) -> None:
    table = Table(title="Probes", show_lines=False)
    for header in ("more patients", "verdict", "decided by", "seconds"):
        table.add_column(header, justify="right" if header != "verdict" else "left")
    for probe in sorted(result.probes, key=lambda p: p.added):
        table.add_row(str(probe.added), probe.verdict, probe.by, f"{probe.seconds:.1f}")
    out.print(table)
    out.print(Text(f"Method: {result.method}."))
    if result.best is None:
        out.print(
            "[bold]The week as it is cannot be rostered with every rule met[/bold], "
            "so there is no room to add anyone:"
        )
        for line in result.explanation:
            out.print(Text(line))
        return
    if result.exact:
        answer = f"{result.best} more {name} patient(s) fit with every rule met; {result.limit} do not."
    elif result.capped:
        answer = f"at least {result.best} more {name} patient(s) fit (the search stopped at --max)."
    else:
        top = f"at most {result.limit - 1}" if result.limit is not None else "no upper bound proven"
        undecided = ", ".join(str(n) for n in result.undecided)
        answer = (
            f"at least {result.best} more {name} patient(s) fit (a checked roster); {top}. "
            f"Undecided within {time_limit:g} s per probe: {undecided or 'none'}; "
            "a longer --time-limit narrows this."
        )
    out.print(Text(f"Answer: {answer}"), style="bold")
    if result.binding:
        out.print(f"What binds with {result.best} more (from that roster):")
        for binding in result.binding:
            out.print(Text(f"  - {binding.resource}: {binding.detail}"))
    if result.explanation:
        out.print(f"Why {result.limit} more cannot be rostered:")
        for line in result.explanation:
            out.print(Text(f"  {line}"))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--study",
    "study_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Solve this study's variants of the one scenario given (baseline included).",
)
@click.option(
    "-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Default: out/batch."
)
@_runner_options
@reports_input_errors
def batch(
    paths: tuple[Path, ...],
    study_path: Path | None,
    out_dir: Path | None,
    time_limit: float,
    task_workers: int,
    jobs: int | None,
    seed: int,
    strict: bool,
    weights: tuple[str, ...],
    scheduler: str | None,
    dask_local: int | None,
    task_timeout: float | None,
) -> None:
    """Solve many weeks: scenario files, folders of them, or .txt lists of paths (one per line).

    Each roster goes to a folder of its own with the usual views; summary.csv lists them
    all. A scenario that does not load is reported and the others are still solved.
    """
    out_dir = out_dir or Path("out") / "batch"
    options = _task_options(time_limit, task_workers, seed, strict, weights)
    broken: list[tuple[str, list[Problem]]] = []
    weeks: list[tuple[str, Scenario]] = []
    if study_path is not None:
        if len(paths) != 1 or not paths[0].is_file():
            raise click.BadParameter("--study takes exactly one scenario file", param_hint="--study")
        weeks = [
            (v.name, v.scenario)
            for v in study_variants(_load(paths[0]), load_study(study_path), str(study_path))
        ]
    else:
        for name, path in _named(_scenario_files(paths)):
            try:
                weeks.append((name, load_scenario(path)))
            except ScenarioError as exc:
                broken.append((name, exc.problems))
    for name, problems in broken:
        err.print(Text(f"{name}: not solved, the scenario has {len(problems)} problem(s):"), style="red")
        for problem in problems:
            err.print(Text(f"  {problem}"), style="red")
    results = _solve_weeks(weeks, out_dir, options, (jobs, task_workers, scheduler, dask_local), task_timeout)
    rows = [Row(name, numbers) for (name, _), numbers in zip(weeks, results, strict=True)]
    for name, problems in broken:
        rows.append(Row(name, {"verdict": "failed", "error": f"input: {problems[0]}", "attempts": 0}))
    written = write_atomic(out_dir / "summary.csv", comparison_csv(rows))
    _print_table(f"Batch of {len(rows)} week(s)", rows)
    out.print(f"wrote {written} and a folder per week in {out_dir}")
    verdicts = {r.numbers.get("verdict") for r in rows}
    if any(r.numbers.get("verdict") == "failed" and r.numbers.get("attempts") for r in rows):
        sys.exit(EXIT_TASKS_FAILED)
    if broken:
        sys.exit(EXIT_INPUT)
    if verdicts & {"infeasible", "unknown"}:
        sys.exit(EXIT_NO_ROSTER)
    if "best-effort" in verdicts:
        sys.exit(EXIT_SHORTFALLS)


def _scenario_files(paths: tuple[Path, ...]) -> list[Path]:
    """Scenario files named directly, found in folders (not recursively), or listed in .txt files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SCENARIO_SUFFIXES
            )
        elif path.suffix.lower() == ".txt":
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    files.append(path.parent / line)
        else:
            files.append(path)
    if not files:
        raise click.BadParameter("no scenario files (.yaml, .yml, .json) found", param_hint="PATHS")
    return files


def _named(files: list[Path]) -> list[tuple[str, Path]]:
    """A folder name per scenario: its file name, with its parent's name where two share one."""
    stems = [f.stem for f in files]
    named = []
    for file in files:
        name = file.stem if stems.count(file.stem) == 1 else f"{file.parent.name}-{file.stem}"
        base, n = name, 1
        while name in (m for m, _ in named):
            n += 1
            name = f"{base}-{n}"
        named.append((name, file))
    return named
