"""The ``iop-roster`` command line: parses, calls the library, prints. Nothing more.

Exit codes: 0 a roster meeting every rule; 1 the checker found violations (``check``,
``render``); 2 bad input; 3 a best-effort roster with declared shortfalls; 4 no roster
(infeasible with --strict, or nothing found in time); 5 internal error (model and
checker disagree).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from . import __version__
from .changes import changes_table, roster_changes
from .check import check_roster
from .files import write_atomic
from .generate import GeneratorSettings, generate
from .roll import Census, next_week, parse_leave
from .roster import Roster, load_roster
from .scenario import Problem, Scenario, ScenarioError, load_scenario, scenario_from_dict, scenario_warnings
from .scenario.load import load_items, previous_roster_path, scenario_files
from .scenario.write import scenario_document, write_scenario
from .solve import Progress, SolveOptions, parse_parameter
from .views import FORMATS, SHARED_FORMATS, output_names, parse_formats, write_views
from .views.summary import summary_rows
from .workflow import (
    ModelCheckerMismatchError,
    explain_week,
    explanation_lines,
    place_patient,
    solve_verified,
)

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_SHORTFALLS, EXIT_NO_ROSTER, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
WEIGHT_NAMES = ("block_consistency", "continuity", "sessions", "load_balance", "preferences", "stability")

# soft_wrap: one violation or problem per line even when piped (no wrapping at 80 columns)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def reports_input_errors(command: F) -> F:
    """Turn bad input into a clear message and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                err.print(Text(str(problem)), style="red")
            err.print(f"{len(exc.problems)} problem(s) in the input; nothing was written.")
            sys.exit(EXIT_INPUT)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iop-roster")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Weekly roster optimizer for IOP and PHP behavioral-health programs."""
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


def previous_option(command: F) -> F:
    """``--previous ROSTER``: last week's roster, for the stability goal (S6)."""
    return click.option(
        "--previous",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Last week's roster.json (default: the scenario's previous_roster).",
    )(command)


def workers_option(command: F) -> F:
    """``--workers N``: CP-SAT search workers of every solve a command runs."""
    return click.option(
        "--workers",
        type=click.IntRange(min=0, max=64),
        default=0,
        show_default=True,
        help="CP-SAT search workers (0: one per core, up to 8).",
    )(command)


def _previous(sc: Scenario, scenario: Path, given: Path | None) -> Roster | None:
    """Last week's roster: the one given on the command line, else the scenario's."""
    path = given or previous_roster_path(sc, scenario)
    return load_roster(path) if path is not None else None


def _load(path: Path) -> Scenario:
    scenario = load_scenario(path)
    for warning in scenario_warnings(scenario, path):
        err.print(Text(str(warning)), style="yellow")
    return scenario


def _weights(pairs: tuple[str, ...]) -> dict[str, int]:
    weights = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in WEIGHT_NAMES or not value.isdigit():
            raise click.BadParameter(
                f"{pair!r}: expected NAME=WHOLE_NUMBER with NAME one of {', '.join(WEIGHT_NAMES)}",
                param_hint="--weight",
            )
        weights[name] = int(value)
    return weights


def _progress_line(p: Progress) -> Text:
    if p.objective is None:
        best = "searching for a first roster"
    else:
        gap = max(0.0, p.objective - (p.bound or 0)) / max(1.0, abs(p.objective))
        best = f"best {p.objective:g}  bound {p.bound:g}  gap {100 * gap:.1f}%  rosters {p.solutions}"
    return Text(f"⏱ {p.elapsed:6.1f}s  {best}")


def _check_outputs_are_not_inputs(outputs: list[Path], inputs: list[Path]) -> None:
    """Refuse to overwrite anything the user gave us."""
    taken = {p.resolve() for p in inputs}
    for path in outputs:
        if path.resolve() in taken:
            raise click.BadParameter(f"{path} is an input file; choose another output folder")


def _formats(text: str, allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    try:
        return parse_formats(text, allowed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--formats") from None


def view_options(command: F) -> F:
    """The options every command that writes views shares (solve, render)."""
    options = [
        click.option(
            "--patient-calendars",
            is_flag=True,
            help="Also write one calendar per patient (calendars/patient-<id>.ics).",
        ),
        click.option(
            "--pseudonymize",
            is_flag=True,
            help="Replace patient names and ids with stable aliases in every shared view "
            "(csv, xlsx, html, ics); the alias map goes to its own file (see --aliases).",
        ),
        click.option(
            "--aliases",
            "aliases",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Alias map to read and extend; reuse it to keep aliases stable "
            "(default: OUTPUT/aliases.json; implies --pseudonymize).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _aliases_file(out_dir: Path, pseudonymize: bool, aliases: Path | None) -> Path | None:
    if aliases is not None:
        return aliases
    return out_dir / "aliases.json" if pseudonymize else None


def _report_written(written: list[Path], aliases: Path | None) -> str:
    """One line naming what was written, the calendars counted rather than listed."""
    calendars = [p for p in written if p.suffix == ".ics"]
    names = [str(p) for p in written if p.suffix != ".ics" and p != aliases]
    if calendars:
        names.append(f"{len(calendars)} calendar(s) in {calendars[0].parent}")
    line = ", ".join(names) or "nothing"
    if aliases is not None and aliases in written:
        line += f"; alias map (private, do not share): {aliases}"
    return line


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for roster.json and views (default: out/<scenario name>).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to search before returning the best roster found.",
)
@workers_option
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=N",
    help="Override an objective weight, e.g. --weight sessions=20 (repeatable).",
)
@click.option(
    "--formats",
    default=",".join(FORMATS),
    show_default=True,
    help=f"Comma-separated views to write, from {', '.join(FORMATS)}.",
)
@view_options
@click.option("--log-search", is_flag=True, help="Print CP-SAT's search log.")
@click.option(
    "--strict", is_flag=True, help="No best-effort roster when the week is infeasible: explain and stop."
)
@click.option(
    "--gap",
    type=click.FloatRange(0, 1),
    default=None,
    help="Stop once the roster is proven within this relative gap of optimal (0.01 = 1 %).",
)
@click.option(
    "--stall",
    type=click.FloatRange(min=1),
    default=None,
    help="Stop after this many seconds without a better roster.",
)
@previous_option
@reports_input_errors
def solve(
    scenario: Path,
    out_dir: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    weights: tuple[str, ...],
    formats: str,
    patient_calendars: bool,
    pseudonymize: bool,
    aliases: Path | None,
    log_search: bool,
    strict: bool,
    gap: float | None,
    stall: float | None,
    previous: Path | None,
) -> None:
    """Roster the week in SCENARIO; write roster.json and views, checked first.

    When the week cannot be rostered, say why and (unless --strict) write the best
    roster possible, with every shortfall declared in it.
    """
    chosen = _formats(formats)
    out_dir = out_dir or Path("out") / scenario.stem
    alias_file = _aliases_file(out_dir, pseudonymize, aliases)
    outputs = [out_dir / name for name in output_names(chosen)] + ([alias_file] if alias_file else [])
    _check_outputs_are_not_inputs(outputs, [*scenario_files(scenario), *([previous] if previous else [])])
    sc = _load(scenario)
    last_week = _previous(sc, scenario, previous)
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        log_search=log_search,
        weights=_weights(weights),
        gap=gap,
        stall=stall,
    )
    live = err.is_terminal and not log_search
    try:
        if live:
            with Live(
                Text("building the model…"), console=err, transient=True, refresh_per_second=4
            ) as display:
                outcome = solve_verified(
                    sc,
                    options,
                    on_tick=lambda p: display.update(_progress_line(p)),
                    strict=strict,
                    previous=last_week,
                )
        else:
            outcome = solve_verified(sc, options, strict=strict, previous=last_week)
    except ModelCheckerMismatchError as exc:
        err.print(Text(f"INTERNAL ERROR: {exc}"), style="bold red")
        sys.exit(EXIT_INTERNAL)
    table = Table(title=f"{sc.program.name} — week of {sc.program.week_of}", show_header=False)
    for label, value in summary_rows(sc, outcome):
        table.add_row(label, value)
    out.print(table)
    if outcome.infeasible:
        out.print("[bold]This week cannot be rostered with every rule met:[/bold]")
        for line in outcome.explanation:
            out.print(Text(line))
    if outcome.roster is None:
        if outcome.infeasible:
            err.print("No roster: INFEASIBLE. Nothing was written.")
        elif outcome.result.interrupted:
            err.print("No roster: interrupted before the first roster was found. Nothing was written.")
        else:
            err.print(
                f"No roster ({outcome.result.status}): none found and none proven impossible within "
                f"{time_limit:g} s; try a longer --time-limit. Nothing was written."
            )
        sys.exit(EXIT_NO_ROSTER)
    written = write_views(
        sc,
        outcome.roster,
        out_dir,
        chosen,
        patient_calendars=patient_calendars,
        aliases=alias_file,
        previous=last_week,
    )
    if outcome.best_effort:
        out.print(f"Best-effort roster with {len(outcome.roster.shortfalls)} declared shortfall(s):")
        for s in outcome.roster.shortfalls:
            line = f"  {s.patient} {s.rule}: required {s.required:g}, scheduled {s.scheduled:g} — {s.reason}"
            out.print(Text(line))
    out.print(Text(f"checked: 0 violations; wrote {_report_written(written, alias_file)}"))
    if outcome.best_effort:
        sys.exit(EXIT_SHORTFALLS)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the views (default: the roster's folder).",
)
@click.option(
    "--formats",
    default=",".join(SHARED_FORMATS),
    show_default=True,
    help=f"Comma-separated views to write, from {', '.join(FORMATS)}.",
)
@view_options
@reports_input_errors
def render(
    scenario: Path,
    roster: Path,
    out_dir: Path | None,
    formats: str,
    patient_calendars: bool,
    pseudonymize: bool,
    aliases: Path | None,
) -> None:
    """Re-render the views of ROSTER (checked against SCENARIO first) without solving."""
    chosen = _formats(formats)
    out_dir = out_dir or roster.parent
    alias_file = _aliases_file(out_dir, pseudonymize, aliases)
    outputs = [out_dir / name for name in output_names(chosen)] + ([alias_file] if alias_file else [])
    _check_outputs_are_not_inputs(outputs, [*scenario_files(scenario), roster])
    sc = _load(scenario)
    loaded = load_roster(roster)
    report = check_roster(sc, loaded)
    if report.violations:
        # Every roster the product writes has passed the checker: this one has not.
        for violation in report.violations:
            out.print(Text(str(violation)))
        err.print(f"{len(report.violations)} violation(s); nothing was written. See `iop-roster check`.")
        sys.exit(EXIT_VIOLATIONS)
    written = write_views(
        sc, loaded, out_dir, chosen, patient_calendars=patient_calendars, aliases=alias_file
    )
    out.print(Text(f"checked: 0 violations; wrote {_report_written(written, alias_file)}"))


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@previous_option
@reports_input_errors
def check(scenario: Path, roster: Path, previous: Path | None) -> None:
    """Verify ROSTER against every hard rule of SCENARIO; exit 1 on any violation."""
    sc = _load(scenario)
    report = check_roster(sc, load_roster(roster), previous=_previous(sc, scenario, previous))
    for violation in report.violations:
        out.print(Text(str(violation)))
    terms = ", ".join(f"{k} {v}" for k, v in report.terms.items())
    if report.violations:
        counts = ", ".join(f"{rule} {n}" for rule, n in sorted(report.by_rule().items()))
        out.print(f"{len(report.violations)} violation(s) ({counts})")
        sys.exit(EXIT_VIOLATIONS)
    declared = f"; {len(report.declared)} declared shortfall(s) verified" if report.declared else ""
    out.print(f"OK: 0 violations{declared}; objective {report.objective} ({terms})")


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds to spend looking for a roster and then for the cause.",
)
@workers_option
@reports_input_errors
def explain(scenario: Path, time_limit: float, workers: int) -> None:
    """Say in plain words why the week in SCENARIO cannot be rostered (exit 4), or that it can (exit 0)."""
    sc = _load(scenario)
    resolved = SolveOptions(workers=workers).resolved_workers()
    findings, conflict, verdict = explain_week(sc, time_limit, resolved)
    if verdict == "feasible":
        out.print(f"{sc.program.name}: the week can be rostered with every rule met (a roster was found).")
        return
    if verdict == "unknown":
        out.print(
            f"{sc.program.name}: no roster and no proof of infeasibility within {time_limit:g} s; "
            "try a longer --time-limit."
        )
        sys.exit(EXIT_NO_ROSTER)
    out.print(f"{sc.program.name}: this week cannot be rostered with every rule met:")
    for line in explanation_lines(sc, findings, conflict):
        out.print(Text(line))
    sys.exit(EXIT_NO_ROSTER)


@main.command()
@click.option("--patients", type=click.IntRange(min=4, max=20000), default=80, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--slack",
    type=click.FloatRange(0, 3),
    default=1.0,
    show_default=True,
    help="Spare staff hours, availability and rooms (0: staff just sufficient).",
)
@click.option("--max-size", type=click.IntRange(4, 30), default=8, show_default=True, help="Group size cap.")
@click.option("--php-share", type=click.FloatRange(0, 1), default=0.15, show_default=True)
@click.option("--adolescent-share", type=click.FloatRange(0, 1), default=0.15, show_default=True)
@click.option("--name", help="Program name (default: describes the settings).")
@click.option(
    "--tables",
    type=click.Choice(["inline", "csv", "xlsx"]),
    default="inline",
    show_default=True,
    help="Write patients, therapists, rooms and group types inline or as tables beside the file.",
)
@click.option(
    "--planted",
    "planted_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the planted roster that proves the week feasible.",
)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def generate_command(
    patients: int,
    seed: int,
    slack: float,
    max_size: int,
    php_share: float,
    adolescent_share: float,
    name: str | None,
    tables: str,
    planted_path: Path | None,
    output: Path,
) -> None:
    """Write a realistic synthetic week, feasible by construction (see README)."""
    settings = GeneratorSettings(
        patients=patients,
        seed=seed,
        slack=slack,
        max_size=max_size,
        php_share=php_share,
        adolescent_share=adolescent_share,
        name=name,
    )
    document, planted = generate(settings)
    scenario = scenario_from_dict(document)
    written = write_scenario(scenario, output, tables)  # type: ignore[arg-type]
    if planted_path is not None:
        written.append(write_atomic(planted_path, json.dumps(planted, indent=2) + "\n"))
    roles = Counter(t.role for t in scenario.therapists)
    plural = {"therapist": "therapists", "prescriber": "prescribers", "coach": "coaches"}
    staff = ", ".join(f"{roles[r]} {r if roles[r] == 1 else plural[r]}" for r in plural if roles[r])
    out.print(
        f"{len(scenario.patients)} patients, {staff}, {len(scenario.rooms)} rooms; "
        f"wrote {', '.join(str(p) for p in written)}"
    )


generate_command.name = "generate"


def _names(text: str, option: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("give at least one name", param_hint=option)
    return names


def _whole_numbers(text: str, option: str, least: int) -> list[int]:
    """A comma-separated list of whole numbers, each at least ``least`` (usage error otherwise)."""
    items = _names(text, option)
    if not all(item.isdigit() and int(item) >= least for item in items):
        raise click.BadParameter(
            f"{text!r}: expected whole numbers ≥ {least}, e.g. {least},{least + 1}", param_hint=option
        )
    return [int(item) for item in items]


def _distinct_seeds(text: str, option: str) -> list[int]:
    """Seeds for ``option``: whole numbers, each once (a repeated seed would repeat a run)."""
    seeds = _whole_numbers(text, option, least=0)
    if len(set(seeds)) < len(seeds):
        raise click.BadParameter(f"{text!r}: each seed once, e.g. 0,1,2", param_hint=option)
    return seeds


@main.command()
@click.option(
    "--suite",
    "suites",
    default="S",
    show_default=True,
    help="Families of benchmarks/suites.yaml: S, M, L, XL, tight, or all (comma-separated).",
)
@click.option(
    "--peers",
    default="cpsat,cpsat-ref,highs,greedy",
    show_default=True,
    help="Peers to run (comma-separated).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Search seconds per peer and week (wall clock).",
)
@click.option("--workers", default="1,2", show_default=True, help="CP-SAT worker counts to measure.")
@click.option(
    "--seed",
    "seeds",
    default="0",
    show_default=True,
    help="Random seeds of the searches; several (e.g. 0,1,2) run everything once per seed.",
)
@click.option(
    "--week-seeds",
    default=None,
    help="Generate each family's weeks from these seeds instead of benchmarks/suites.yaml's "
    "(e.g. 4,5,6: weeks of your own in the same families; the example scenarios are left out).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=None,
    help="Kill a run after this many seconds (default: twice the time limit plus 300).",
)
@click.option(
    "--memory-limit",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Stop a run past this many GB of memory (default: 60% of the machine's).",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for results (default: benchmarks/results/<suite>).",
)
@click.option("--keep-rosters", is_flag=True, help="Also keep every roster, in benchmarks/cache/rosters/.")
@click.option(
    "--cpsat-param",
    "cpsat_params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A CP-SAT parameter for the cpsat peer, over its tuned portfolio (repeatable; lists "
    "comma-separated, e.g. subsolvers=max_lp_sym,default_lp). The cpsat-ref peer keeps CP-SAT's defaults.",
)
def bench(
    suites: str,
    peers: str,
    time_limit: float,
    workers: str,
    seeds: str,
    week_seeds: str | None,
    timeout: float | None,
    memory_limit: float | None,
    out_dir: Path | None,
    keep_rosters: bool,
    cpsat_params: tuple[str, ...],
) -> None:
    """Solve benchmark weeks with CP-SAT, a HiGHS MIP and a greedy baseline; write tables and plots."""
    from .bench.command import BenchConfig, run_bench  # matplotlib and friends only when benchmarking
    from .bench.report import checker_cell
    from .bench.suites import SuiteError

    for text in cpsat_params:
        try:
            parse_parameter(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--cpsat-param") from exc
    seed_list = _distinct_seeds(seeds, "--seed")
    week_seed_list = None if week_seeds is None else _distinct_seeds(week_seeds, "--week-seeds")
    config = BenchConfig(
        suites=_names(suites, "--suite"),
        peers=_names(peers, "--peers"),
        time_limit=time_limit,
        workers=_whole_numbers(workers, "--workers", least=1),
        seeds=seed_list,
        week_seeds=week_seed_list,
        timeout=timeout,
        memory_limit_mb=memory_limit * 1024 if memory_limit else None,
        out_dir=out_dir,
        keep_rosters=keep_rosters,
        cpsat_parameters=tuple(cpsat_params),
    )

    def progress(done: int, total: int, r: dict[str, Any]) -> None:
        objective = "" if r.get("objective") is None else f", objective {r['objective']}"
        seed = f" seed {r['seed']}" if len(config.seeds) > 1 else ""
        out.print(
            Text(
                f"[{done}/{total}] {r['week']} {r['label']}{seed}: "
                f"{r.get('status') or r['run']}{objective}, "
                f"checker {checker_cell(r)} ({r['wall_s']:.1f} s)"
            )
        )

    try:
        _, written = run_bench(config, progress)
    except (SuiteError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    out.print(f"wrote {', '.join(str(p) for p in written)}")


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--admit",
    "admit",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="New patients: a CSV/XLSX table or YAML/JSON list in the patients format.",
)
@click.option("--discharge", default="", help="Comma-separated ids of patients who leave.")
@click.option(
    "--leave",
    "leave",
    multiple=True,
    metavar="THERAPIST:DAYS",
    help="A clinician away next week, e.g. --leave T04:wed,thu (repeatable).",
)
@click.option("--tables", type=click.Choice(["inline", "csv", "xlsx"]), default="inline", show_default=True)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@reports_input_errors
def roll(scenario: Path, roster: Path, admit: Path | None, discharge: str, leave: tuple[str, ...],
         tables: str, output: Path) -> None:  # fmt: skip
    """Write next week's scenario: a week later, census updated, this week's roster as previous."""
    sc = _load(scenario)
    this_week = load_roster(roster)
    report = check_roster(sc, this_week)
    if not report.ok:
        for violation in report.violations:
            err.print(Text(str(violation)))
        err.print("This week's roster breaks the rules above; roll forward from a checked roster.")
        sys.exit(EXIT_VIOLATIONS)
    try:
        away = tuple(parse_leave(item) for item in leave)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--leave") from None
    census = Census(
        admit=tuple(load_items(admit)) if admit else (),
        discharge=tuple(p.strip() for p in discharge.split(",") if p.strip()),
        leave=away,
    )
    kept = output.parent / f"{output.stem}.previous-roster.json"
    _check_outputs_are_not_inputs([output, kept], [*scenario_files(scenario), roster])
    following = next_week(sc, census, kept.name)
    scenario_from_dict(scenario_document(following))  # validate before writing anything
    written = [write_atomic(kept, this_week.to_json()), *write_scenario(following, output, tables)]  # type: ignore[arg-type]
    out.print(
        f"Week of {following.program.week_of}: {len(following.patients)} patients "
        f"(-{len(census.discharge)} discharged, +{len(census.admit)} admitted)"
        + "".join(f"; {t} away {', '.join(days)}" for t, days in away)
        + f". Wrote {', '.join(str(p) for p in written)}"
    )


@main.command()
@click.argument("before", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("after", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scenario",
    "scenario",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The scenario of AFTER, to say why things moved.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the changes as CSV.",
)
@reports_input_errors
def diff(before: Path, after: Path, scenario: Path | None, output: Path | None) -> None:
    """Report who moved block, day, leader or cohort between two rosters, and why where known."""
    sc = _load(scenario) if scenario else None
    changes = roster_changes(load_roster(before), load_roster(after), sc)
    table = Table(title=f"{len(changes)} change(s)")
    for column in ("patient", "what", "before", "after", "reason"):
        table.add_column(column)
    for c in changes:
        table.add_row(c.patient, c.what, c.before, c.after, c.reason)
    out.print(table if changes else "No changes.")
    if output is not None:
        write_atomic(output, changes_table(changes).to_csv(index=False))


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--patient",
    "patient_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The new patient (YAML/JSON mapping in the patients format, or a one-row table).",
)
@click.option("--top", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    default=20.0,
    show_default=True,
    help="Seconds per placement searched.",
)
@workers_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each placement's roster to OUTPUT/placement-N/roster.json.",
)
@reports_input_errors
def place(scenario: Path, roster: Path, patient_file: Path, top: int, time_limit: float, workers: int,
          out_dir: Path | None) -> None:  # fmt: skip
    """Fit a new patient into a published roster: the best few placements, least disturbing first."""
    sc = _load(scenario)
    current = load_roster(roster)
    newcomers = load_items(patient_file)
    if len(newcomers) != 1:
        raise ScenarioError([Problem(str(patient_file), None, None, "expected exactly one patient")])
    options = SolveOptions(time_limit=time_limit, workers=workers)
    try:
        found, findings = place_patient(sc, current, newcomers[0], top, options)
    except ModelCheckerMismatchError as exc:
        err.print(Text(f"INTERNAL ERROR: {exc}"), style="bold red")
        sys.exit(EXIT_INTERNAL)
    if not found:
        out.print(f"No placement for {newcomers[0].id} meets every rule.")
        for finding in findings:
            out.print(Text(f"- {finding.message}"))
        sys.exit(EXIT_NO_ROSTER)
    for n, option in enumerate(found, start=1):
        sessions = ", ".join(
            f"{s.day} {s.start} {s.type}" + (f" ({s.therapists[0]})" if s.therapists else "")
            for s in option.sessions
        )
        out.print(
            f"[bold]{n}.[/bold] moves {len(option.moves)} assignment(s) of others; objective "
            f"{option.objective:g}; {newcomers[0].id}: {sessions}"
        )
        for move in option.moves:
            out.print(
                Text(
                    f"     {move.patient} {move.what}: {move.before} -> {move.after}"
                    + (f" ({move.reason})" if move.reason else "")
                )
            )
        if out_dir is not None:
            write_atomic(out_dir / f"placement-{n}" / "roster.json", option.roster.to_json())


# The planning commands (whatif, capacity, batch) register themselves on ``main``.
from . import cli_planning  # noqa: E402, F401
