"""Incumbent/bound timelines and the one gap formula used for every peer.

A peer reports events ``(seconds, incumbent, bound)`` as it works; either number may
be None (no roster yet, or a peer that proves nothing). Gaps are always measured
against the best bound known from *any* peer on the same week, so that a peer which
proves little is not flattered by its own weak bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Bounds may exceed incumbents by a solver's feasibility tolerance; beyond this it is a bug.
TOLERANCE = 1e-6
CHECKPOINTS = (10.0, 60.0, 300.0)  # every run's gap is read at 10 s, 60 s and (largest weeks) 300 s


@dataclass(frozen=True)
class Event:
    """What a peer knew at one moment: its best objective and its best bound."""

    time: float
    incumbent: float | None
    bound: float | None


def relative_gap(incumbent: float | None, bound: float | None) -> float | None:
    """(incumbent − bound) / max(1, |incumbent|), on the objective as the checker prices it.

    None without an incumbent or a bound. A negative gap beyond the tolerance is kept
    (never clamped): it means some bound was wrong, and the report must show that.
    """
    if incumbent is None or bound is None:
        return None
    gap = (incumbent - bound) / max(1.0, abs(incumbent))
    return 0.0 if -TOLERANCE < gap < 0 else gap


def incumbent_at(events: Sequence[Event], t: float) -> float | None:
    """The best incumbent reported at or before ``t`` seconds (None before the first)."""
    best = None
    for e in events:
        if e.time > t:
            break
        if e.incumbent is not None and (best is None or e.incumbent < best):
            best = e.incumbent
    return best


def best_bound(events: Sequence[Event]) -> float | None:
    """The highest bound a peer reported (bounds of a minimisation only ever rise)."""
    bounds = [e.bound for e in events if e.bound is not None]
    return max(bounds) if bounds else None


def gap_at(events: Sequence[Event], t: float, reference_bound: float | None) -> float | None:
    """Gap of the incumbent held at ``t`` seconds against ``reference_bound``."""
    return relative_gap(incumbent_at(events, t), reference_bound)


def time_to_first(events: Sequence[Event]) -> float | None:
    """Seconds until the first incumbent."""
    return next((e.time for e in events if e.incumbent is not None), None)


def time_to_best(events: Sequence[Event]) -> float | None:
    """Seconds until the final incumbent value was first reached."""
    final = incumbent_at(events, float("inf"))
    if final is None:
        return None
    return next(e.time for e in events if e.incumbent is not None and e.incumbent <= final + TOLERANCE)


def _running_best(events: Sequence[Event]) -> list[tuple[float, float | None]]:
    """(time, best incumbent so far) at every event, in one pass."""
    best: float | None = None
    out = []
    for e in events:
        if e.incumbent is not None and (best is None or e.incumbent < best):
            best = e.incumbent
        out.append((e.time, best))
    return out


def time_to_proof(events: Sequence[Event]) -> float | None:
    """First time the peer's own best roster met its own best bound: when it knew the optimum.

    Not a status: a run stopped by the time limit has proven the optimum if both had met,
    and a proof's time is the later of the roster's and the bound's (issue 8's S target).
    """
    bound: float | None = None
    for (t, best), e in zip(_running_best(events), events, strict=True):
        if e.bound is not None and (bound is None or e.bound > bound):
            bound = e.bound
        if best is not None and bound is not None and bound >= best - TOLERANCE:
            return t
    return None


def time_to_gap(events: Sequence[Event], target: float, reference_bound: float | None) -> float | None:
    """First time the incumbent's gap against ``reference_bound`` is at most ``target``."""
    for t, best in _running_best(events):
        gap = relative_gap(best, reference_bound)
        if gap is not None and gap <= target + TOLERANCE:
            return t
    return None


def gap_curve(
    events: Sequence[Event], reference_bound: float | None, horizon: float
) -> list[tuple[float, float]]:
    """Step points (time, gap) of the incumbent's gap from the first roster to ``horizon``."""
    points: list[tuple[float, float]] = []
    for t, best in _running_best(events):
        if t > horizon:
            break
        gap = relative_gap(best, reference_bound)
        if gap is not None and (not points or gap != points[-1][1]):
            points.append((t, gap))
    if points:
        points.append((horizon, points[-1][1]))
    return points
