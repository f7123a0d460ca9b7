"""Views of a roster: roster.json and the tables a manager reads (CSV)."""

from __future__ import annotations

from pathlib import Path

from ..files import write_atomic
from ..roster import Roster
from ..scenario import Scenario
from .tables import patients_table, sessions_table, shortfalls_table, therapists_table

FORMATS = ("json", "csv")


def write_views(
    scenario: Scenario, roster: Roster, out_dir: str | Path, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write the chosen views of ``roster`` into ``out_dir``, each file atomically."""
    out = Path(out_dir)
    written = []
    if "json" in formats:
        written.append(write_atomic(out / "roster.json", roster.to_json()))
    if "csv" in formats:
        for name, table in (
            ("sessions.csv", sessions_table(scenario, roster)),
            ("patients.csv", patients_table(scenario, roster)),
            ("therapists.csv", therapists_table(scenario, roster)),
            ("shortfalls.csv", shortfalls_table(roster)),
        ):
            written.append(write_atomic(out / name, table.to_csv(index=False)))
    return written


__all__ = [
    "FORMATS",
    "patients_table",
    "sessions_table",
    "shortfalls_table",
    "therapists_table",
    "write_views",
]
