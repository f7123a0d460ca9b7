"""Benchmark weeks: families of generated weeks with fixed seeds, plus the examples.

The families are declared in ``benchmarks/suites.yaml``; a generated week is made on
demand and cached as a scenario file, so every peer's process loads the same file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import generate as generator
from ..generate import GeneratorSettings, generate
from ..scenario import Scenario, load_scenario, scenario_from_dict
from ..scenario.write import write_scenario
from .timeline import CHECKPOINTS

ROOT = Path(__file__).resolve().parent.parent.parent
SUITES_FILE = ROOT / "benchmarks" / "suites.yaml"
CACHE_DIR = ROOT / "benchmarks" / "cache"
RESULTS_DIR = ROOT / "benchmarks" / "results"
FAMILY_KEYS = {"description", "generate", "seeds", "scenarios", "targets"}
SETTING_NAMES = {f.name for f in dataclasses.fields(GeneratorSettings)} - {"seed", "week_of"}


class SuiteError(ValueError):
    """The suites file is malformed; the message names the family and the field."""


@dataclass(frozen=True)
class Targets:
    """What a family's runs of our CP-SAT should reach (issue 8's targets), each optional.

    Declared with the family so that every bench summary says, run by run, which were
    met: no figure is judged by hand. Gaps are the report's (against the best bound any
    run of the week proved), read at one of the runner's checkpoints.
    """

    proven_within_s: float | None = None  # the roster proven optimal by then
    gap_at: dict[float, float] = field(default_factory=dict)  # checkpoint seconds -> largest gap
    first_roster_within_s: float | None = None
    peak_memory_gib: float | None = None  # below this
    sooner_to_gap: float | None = None  # to this gap before every plain peer of the run

    @classmethod
    def parse(cls, spec: object, where: str) -> Targets:
        """The targets of one family's ``targets`` mapping; anything else is a ``SuiteError``."""
        names = {f.name for f in dataclasses.fields(cls)}
        if not isinstance(spec, dict) or not set(spec) <= names:
            raise SuiteError(
                f"{where}: targets: expected a mapping with keys among {', '.join(sorted(names))}"
            )
        values: dict[str, Any] = {}
        for name, value in spec.items():
            if name == "gap_at":
                values[name] = _gaps_at(value, f"{where}: targets: gap_at")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SuiteError(f"{where}: targets: {name}: expected a positive number, got {value!r}")
            else:
                values[name] = float(value)
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (recorded with a run's settings, so a merged report still judges it)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Targets:
        """The inverse of ``as_dict`` (JSON turns the checkpoints into strings)."""
        gaps = {float(t): float(g) for t, g in (data.get("gap_at") or {}).items()}
        return cls(**{**data, "gap_at": gaps})


def _gaps_at(value: object, where: str) -> dict[float, float]:
    """``{seconds: gap}`` with each seconds a checkpoint the runner reads gaps at."""
    if not isinstance(value, dict):
        raise SuiteError(f"{where}: expected a mapping of seconds to a gap (0.02 for 2 %)")
    gaps: dict[float, float] = {}
    for seconds, gap in value.items():
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or float(seconds) not in CHECKPOINTS
        ):
            known = ", ".join(f"{t:g}" for t in CHECKPOINTS)
            raise SuiteError(f"{where}: {seconds!r}: expected one of the checkpoints {known}")
        if isinstance(gap, bool) or not isinstance(gap, int | float) or not 0 <= gap < 1:
            raise SuiteError(f"{where}: {seconds:g}: expected a gap between 0 and 1, got {gap!r}")
        gaps[float(seconds)] = float(gap)
    return gaps


@dataclass(frozen=True)
class BenchWeek:
    """One benchmark week: generated from settings and a seed, or an example file."""

    name: str
    family: str
    settings: dict[str, Any] = field(default_factory=dict)  # generator settings, seed included
    path: Path | None = None  # an example scenario instead of generated
    targets: Targets = field(default_factory=Targets)  # its family's

    def key(self) -> str:
        """Short hash of the settings and the generator's source: the cache file's identity."""
        digest = hashlib.sha256(json.dumps(self.settings, sort_keys=True).encode())
        digest.update(inspect.getsource(generator).encode())
        return digest.hexdigest()[:12]

    def scenario(self) -> Scenario:
        """The week as a validated scenario (generated in memory, or loaded from its file)."""
        if self.path is not None:
            return load_scenario(self.path)
        document, _ = generate(GeneratorSettings(**self.settings))
        return scenario_from_dict(document, self.name)

    def materialize(self, cache_dir: Path = CACHE_DIR) -> Path:
        """A scenario file of this week, writing the generated one to the cache if missing."""
        if self.path is not None:
            return self.path
        target = cache_dir / f"{self.name}-{self.key()}.json"
        if not target.exists():
            document, _ = generate(GeneratorSettings(**self.settings))
            write_scenario(document, target)
        return target


def load_suites(path: Path = SUITES_FILE, week_seeds: list[int] | None = None) -> dict[str, list[BenchWeek]]:
    """Families and their weeks, in file order; unknown keys and settings are errors.

    ``week_seeds`` generates each family's weeks from those seeds instead of the file's
    and leaves the example scenarios out: weeks the code was never tuned on, drawn
    from the same families, which is how a reviewer checks the benchmark's figures.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    families = data.get("families")
    if not isinstance(families, dict) or set(data) != {"families"}:
        raise SuiteError(f"{path}: expected one top-level mapping 'families'")
    suites: dict[str, list[BenchWeek]] = {}
    for family, spec in families.items():
        where = f"{path}: family {family}"
        if not isinstance(spec, dict) or not set(spec) <= FAMILY_KEYS:
            raise SuiteError(f"{where}: expected a mapping with keys among {', '.join(sorted(FAMILY_KEYS))}")
        settings = spec.get("generate") or {}
        unknown = set(settings) - SETTING_NAMES
        if unknown:
            raise SuiteError(f"{where}: unknown generator setting(s) {', '.join(sorted(unknown))}")
        targets = Targets.parse(spec.get("targets") or {}, where)
        seeds = spec.get("seeds") or []
        if settings and not (isinstance(seeds, list) and all(isinstance(s, int) for s in seeds)):
            raise SuiteError(f"{where}: seeds must be a list of whole numbers")
        weeks = [
            BenchWeek(
                name=f"{family}-{settings.get('patients', GeneratorSettings.patients)}p-s{seed}",
                family=family,
                settings={**settings, "seed": seed},
                targets=targets,
            )
            for seed in ((seeds if week_seeds is None else week_seeds) if settings else [])
        ]
        for example in (spec.get("scenarios") or []) if week_seeds is None else []:
            example_path = (ROOT / example).resolve()
            if not example_path.is_file():
                raise SuiteError(f"{where}: scenario {example} not found")
            weeks.append(BenchWeek(name=example_path.stem, family=family, path=example_path, targets=targets))
        suites[str(family)] = weeks
    return suites


def select(suites: dict[str, list[BenchWeek]], names: list[str]) -> list[BenchWeek]:
    """The weeks of the named families ('all' for every one), in the file's order."""
    if "all" in names:
        names = list(suites)
    unknown = [n for n in names if n not in suites]
    if unknown:
        raise SuiteError(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join([*suites, 'all'])}")
    return [week for name in suites if name in names for week in suites[name]]


def week_named(name: str, suites: dict[str, list[BenchWeek]] | None = None) -> BenchWeek:
    """The week called ``name`` (e.g. ``L-400p-s1`` or ``riverbend``) in any family."""
    suites = load_suites() if suites is None else suites
    weeks = {week.name: week for family in suites.values() for week in family}
    if name not in weeks:
        raise SuiteError(f"unknown week {name}; choose from {', '.join(weeks)}")
    return weeks[name]
