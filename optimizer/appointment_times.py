"""Times for a block's appointments, when the model only said which block they are in.

The model places appointments per block where that is exact (``Instance.slots_needed``):
each appointment is an edge between a patient and a clinician, a block holds ``units``
whole units of the longest appointment, and a clinician whose appointments are d
minutes long works U/d *lanes*, each taking one appointment per unit (lane i starts
i x d minutes into the unit). Giving every edge a unit so that no patient and no lane
has two in the same unit is an edge colouring of a bipartite multigraph with
``units`` colours, which exists whenever no vertex has more than ``units`` edges
(König). This module finds one with the classic alternating-path method.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Placed:
    """Where one appointment goes inside its block: the unit, and the clinician's lane in it."""

    unit: int
    lane: int


def place_in_block(
    edges: Sequence[tuple[Hashable, Hashable]], units: int, lanes: dict[Hashable, int]
) -> list[Placed]:
    """A (unit, lane) for each (patient, clinician) edge, so nobody has two at once.

    ``lanes``: per clinician, how many appointments fit in one unit side by side.
    Raises ValueError if a patient has more than ``units`` edges or a clinician more
    than ``units x lanes`` (the model's constraints rule both out).
    """
    seen: dict[Hashable, int] = {}
    lane_of: list[int] = []
    for _, clinician in edges:  # deal each clinician's appointments round the lanes
        lane_of.append(seen.get(clinician, 0) % lanes[clinician])
        seen[clinician] = seen.get(clinician, 0) + 1
    ends = [
        (("patient", patient), ("lane", clinician, lane))
        for (patient, clinician), lane in zip(edges, lane_of, strict=True)
    ]
    for end, degree in Counter(v for pair in ends for v in pair).items():
        if degree > units:
            raise ValueError(f"{degree} appointments for {end} in a block of {units} units")
    colour_at: dict[Hashable, dict[int, int]] = {}  # vertex -> colour -> edge
    colour: list[int] = [-1] * len(ends)

    def free(vertex: Hashable) -> int:
        taken = colour_at.setdefault(vertex, {})
        return next(c for c in range(units) if c not in taken)

    def other(edge: int, vertex: Hashable) -> Hashable:
        u, v = ends[edge]
        return v if vertex == u else u

    for edge, (u, v) in enumerate(ends):
        a, b = free(u), free(v)
        if a in colour_at[v]:  # swap a and b along the path from v alternating a, b (never reaches u)
            path, vertex, c = [], v, a
            while c in colour_at.setdefault(vertex, {}):
                step = colour_at[vertex][c]
                path.append(step)
                vertex = other(step, vertex)
                c = b if c == a else a
            for step in path:
                for end in ends[step]:
                    del colour_at[end][colour[step]]
            for step in path:
                colour[step] = b if colour[step] == a else a
                for end in ends[step]:
                    colour_at[end][colour[step]] = step
        colour[edge] = a
        colour_at[u][a] = edge
        colour_at[v][a] = edge
    return [Placed(c, lane) for c, lane in zip(colour, lane_of, strict=True)]
