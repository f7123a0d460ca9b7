"""Scenario: the week to roster (SPEC §2), loaded from YAML/JSON/CSV/XLSX and validated."""

from .errors import Problem, ScenarioError
from .load import load_scenario, scenario_from_dict, scenario_warnings
from .models import (
    DAYS,
    AppointmentKind,
    Block,
    GroupType,
    Level,
    Lock,
    LockedAppointment,
    LockedSession,
    Objective,
    Patient,
    Program,
    Room,
    Scenario,
    Therapist,
    clock_minutes,
    minutes_clock,
)

__all__ = [
    "DAYS",
    "AppointmentKind",
    "Block",
    "GroupType",
    "Level",
    "Lock",
    "LockedAppointment",
    "LockedSession",
    "Objective",
    "Patient",
    "Problem",
    "Program",
    "Room",
    "Scenario",
    "ScenarioError",
    "Therapist",
    "clock_minutes",
    "load_scenario",
    "minutes_clock",
    "scenario_from_dict",
    "scenario_warnings",
]
