"""Views of a roster: roster.json and what a manager reads (CSV, workbook, HTML board, calendars).

Each view lives in its own module (``tables`` for CSV and every shared number,
``workbook``, ``board``, ``calendars``); this module decides which to write and writes
each file atomically. With pseudonymization, every shared view is rendered from an
aliased copy of the scenario and roster (``aliases``); roster.json stays the real record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..changes import changes_table, roster_changes
from ..files import write_atomic
from ..roster import Roster
from ..scenario import Scenario
from .aliases import AliasMap, pseudonymize, pseudonymize_changes
from .board import board_html
from .calendars import CALENDAR_FOLDER, calendar_files
from .tables import patients_table, sessions_table, shortfalls_table, therapists_table
from .workbook import workbook_bytes

FORMATS = ("json", "csv", "xlsx", "html", "ics")
SHARED_FORMATS = ("csv", "xlsx", "html", "ics")  # views meant to be shared: these get pseudonymized
FILES = {
    "json": ("roster.json",),
    "csv": ("sessions.csv", "patients.csv", "therapists.csv", "shortfalls.csv", "changes.csv"),
    "xlsx": ("roster.xlsx",),
    "html": ("roster.html",),
    "ics": (),  # calendars/<who>-<id>.ics, one per person with sessions
}


def parse_formats(text: str, allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """``"json,csv"`` -> ``("json", "csv")``; raises ValueError naming unknown or missing formats."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        problem = f"unknown format(s) {', '.join(unknown)}" if unknown else "no format given"
        raise ValueError(f"{problem}; choose from {', '.join(allowed)}")
    return chosen


def output_names(formats: tuple[str, ...]) -> list[str]:
    """The files (relative to the output folder) that ``write_views`` writes beside calendars/."""
    return [name for f in formats for name in FILES[f]]


def write_views(
    scenario: Scenario,
    roster: Roster,
    out_dir: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    patient_calendars: bool = False,
    aliases: Path | None = None,
    stamp: dt.datetime | None = None,
    previous: Roster | None = None,
) -> list[Path]:
    """Write the chosen views of ``roster`` into ``out_dir``, each file atomically.

    ``aliases``: pseudonymize the shared views with the alias map in this file (read if
    it exists, extended with new patients, written before any view that uses it).
    ``stamp``: the calendars' DTSTAMP (default: now).
    ``previous``: last week's roster; the views then show the changes from it
    (changes.csv, a Changes sheet, a section of the page).
    """
    out = Path(out_dir)
    written = []
    if "json" in formats:
        written.append(write_atomic(out / "roster.json", roster.to_json()))
    shared = [f for f in formats if f in SHARED_FORMATS]
    if not shared:
        return written
    changes = roster_changes(previous, roster, scenario) if previous is not None else None
    if aliases is not None:
        alias_map = AliasMap.load(aliases)
        if changes is not None:
            changes = pseudonymize_changes(changes, scenario, alias_map)
        scenario, roster = pseudonymize(scenario, roster, alias_map)
        written.append(alias_map.save(aliases))
    if "csv" in formats:
        for name, table in (
            ("sessions.csv", sessions_table(scenario, roster)),
            ("patients.csv", patients_table(scenario, roster)),
            ("therapists.csv", therapists_table(scenario, roster)),
            ("shortfalls.csv", shortfalls_table(scenario, roster)),
            *([("changes.csv", changes_table(changes))] if changes is not None else []),
        ):
            written.append(write_atomic(out / name, _inert(table).to_csv(index=False)))
    if "xlsx" in formats:
        written.append(write_atomic(out / "roster.xlsx", workbook_bytes(scenario, roster, changes)))
    if "html" in formats:
        written.append(write_atomic(out / "roster.html", board_html(scenario, roster, changes)))
    if "ics" in formats:
        files = calendar_files(scenario, roster, patients=patient_calendars, stamp=stamp)
        for name, data in files.items():
            written.append(write_atomic(out / name, data))
        _remove_stale_calendars(out / CALENDAR_FOLDER, {out / name for name in files})
    return written


def _inert(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula (=, +, -, @ first) get a leading quote.

    Names and reasons come from the scenario, which is untrusted input; opening a CSV in
    Excel must not execute anything (CSV injection).
    """

    def guard(value: object) -> object:
        return (
            f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
        )

    return table.apply(
        lambda column: (
            column.map(guard) if pd.api.types.is_string_dtype(column) or column.dtype == object else column
        )
    )


def _remove_stale_calendars(folder: Path, keep: set[Path]) -> None:
    """Drop calendars an earlier render left that this one did not write.

    A person no longer on the roster must not keep last render's file, and after a
    pseudonymized render no calendar may still carry a real patient id in its name.
    Only files named as this module names them are touched.
    """
    if not folder.is_dir():
        return
    for pattern in ("therapist-*.ics", "patient-*.ics"):
        for path in folder.glob(pattern):
            if path not in keep:
                path.unlink()


__all__ = [
    "FORMATS",
    "SHARED_FORMATS",
    "output_names",
    "parse_formats",
    "patients_table",
    "sessions_table",
    "shortfalls_table",
    "therapists_table",
    "write_views",
]
