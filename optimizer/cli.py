"""The ``iop-roster`` command line: parses, calls the library, prints. Nothing more.

Exit codes: 0 a roster meeting every rule; 1 the checker found violations (``check``);
2 bad input; 3 a best-effort roster with declared shortfalls; 4 no roster (infeasible
with --strict, or nothing found in time); 5 internal error (model and checker disagree).
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
from .check import check_roster
from .files import write_atomic
from .generate import GeneratorSettings, generate
from .roster import load_roster
from .scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict, scenario_warnings
from .scenario.write import write_scenario
from .solve import Progress, SolveOptions
from .views import FORMATS, write_views
from .views.summary import summary_rows
from .workflow import ModelCheckerMismatchError, explain_week, explanation_lines, solve_verified

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


def _check_outputs_are_not_inputs(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse to overwrite anything the user gave us."""
    taken = {p.resolve() for p in inputs}
    for name in ("roster.json", "sessions.csv", "patients.csv", "therapists.csv", "shortfalls.csv"):
        if (out_dir / name).resolve() in taken:
            raise click.BadParameter(f"{out_dir / name} is an input file; choose another output folder")


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
@click.option(
    "--workers",
    type=click.IntRange(min=0, max=64),
    default=0,
    show_default=True,
    help="CP-SAT search workers (0: one per core, up to 8).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=N",
    help="Override an objective weight, e.g. --weight sessions=20 (repeatable).",
)
@click.option(
    "--formats", default=",".join(FORMATS), show_default=True, help="Comma-separated views to write."
)
@click.option("--log-search", is_flag=True, help="Print CP-SAT's search log.")
@click.option(
    "--strict", is_flag=True, help="No best-effort roster when the week is infeasible: explain and stop."
)
@reports_input_errors
def solve(
    scenario: Path,
    out_dir: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    weights: tuple[str, ...],
    formats: str,
    log_search: bool,
    strict: bool,
) -> None:
    """Roster the week in SCENARIO; write roster.json and views, checked first.

    When the week cannot be rostered, say why and (unless --strict) write the best
    roster possible, with every shortfall declared in it.
    """
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.BadParameter(
            f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}",
            param_hint="--formats",
        )
    out_dir = out_dir or Path("out") / scenario.stem
    inputs = [
        p
        for pattern in ("*.yaml", "*.yml", "*.json", "*.csv", "*.xlsx")
        for p in scenario.parent.glob(pattern)
    ]
    _check_outputs_are_not_inputs(out_dir, [scenario, *inputs])
    sc = _load(scenario)
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, log_search=log_search, weights=_weights(weights)
    )
    live = err.is_terminal and not log_search
    try:
        if live:
            with Live(
                Text("building the model…"), console=err, transient=True, refresh_per_second=4
            ) as display:
                outcome = solve_verified(
                    sc, options, on_tick=lambda p: display.update(_progress_line(p)), strict=strict
                )
        else:
            outcome = solve_verified(sc, options, strict=strict)
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
        status = "INFEASIBLE" if outcome.infeasible else outcome.result.status
        err.print(f"No roster: {status}. Nothing was written.")
        sys.exit(EXIT_NO_ROSTER)
    written = write_views(sc, outcome.roster, out_dir, chosen)
    if outcome.best_effort:
        out.print(f"Best-effort roster with {len(outcome.roster.shortfalls)} declared shortfall(s):")
        for s in outcome.roster.shortfalls:
            out.print(
                Text(
                    f"  {s.patient} {s.rule}: required {s.required:g}, scheduled {s.scheduled:g} — {s.reason}"
                )
            )
    out.print(f"checked: 0 violations; wrote {', '.join(str(p) for p in written)}")
    if outcome.best_effort:
        sys.exit(EXIT_SHORTFALLS)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@reports_input_errors
def check(scenario: Path, roster: Path) -> None:
    """Verify ROSTER against every hard rule of SCENARIO; exit 1 on any violation."""
    sc = _load(scenario)
    report = check_roster(sc, load_roster(roster))
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
@click.option("--workers", type=click.IntRange(min=0, max=64), default=0, show_default=True)
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


# The planning commands (whatif, capacity, batch) register themselves on ``main``.
from . import cli_planning  # noqa: E402, F401
