"""The end-of-solve summary: the few numbers a manager looks at first."""

from __future__ import annotations

from ..scenario import Scenario
from ..workflow import Outcome
from .tables import patients_table, therapists_table


def summary_rows(scenario: Scenario, outcome: Outcome) -> list[tuple[str, str]]:
    """(label, value) pairs describing a solve and its roster."""
    result, roster = outcome.result, outcome.roster
    status = result.status + (" (interrupted)" if result.interrupted else "")
    if outcome.best_effort:
        status += " (best effort: relaxed model)"
    rows = [("status", status)]
    if roster is not None and roster.solver.objective is not None:
        rows.append(("objective", f"{roster.solver.objective:g}"))
    if result.best_bound is not None:
        rows.append(("best bound", f"{result.best_bound:g}"))
    if roster is not None and roster.solver.objective is not None and result.best_bound is not None:
        gap = max(0.0, roster.solver.objective - result.best_bound) / max(1.0, abs(roster.solver.objective))
        rows.append(("gap", f"{100 * gap:.2f}%"))
    rows.append(("time", f"{result.wall_time_s:.1f} s solve + {result.build_time_s:.1f} s build"))
    if roster is None:
        return rows
    rows.append(("sessions opened", str(len(roster.groups()))))
    if roster.shortfalls:
        people = sorted({s.patient for s in roster.shortfalls})
        rows.append(
            ("shortfalls", f"{len(roster.shortfalls)} for {len(people)} patient(s): {', '.join(people[:8])}")
        )
    rows.append(("appointments", str(len(roster.appointments()))))
    patients = patients_table(scenario, roster)
    if len(patients):
        met = patients.groupby("level")["hours_met"].agg(["sum", "count"])
        rows.append(
            ("hours met", ", ".join(f"{lvl} {int(r['sum'])}/{int(r['count'])}" for lvl, r in met.iterrows()))
        )
    therapists = therapists_table(scenario, roster)
    working = therapists[therapists["max_hours"] > 0]
    if len(working):
        low = working.loc[working["load_pct"].idxmin()]
        high = working.loc[working["load_pct"].idxmax()]
        rows.append(
            (
                "therapist load",
                f"{low['load_pct']:.0f}% ({low['therapist']}) – "
                f"{high['load_pct']:.0f}% ({high['therapist']}); "
                f"{working['hours_scheduled'].min():g}–{working['hours_scheduled'].max():g} h",
            )
        )
    if outcome.report is not None:
        terms = outcome.report.terms
        rows.append(("objective terms", ", ".join(f"{k} {v}" for k, v in terms.items())))
    return rows
