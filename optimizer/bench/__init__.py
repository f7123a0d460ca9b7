"""Benchmarks of the solver against its peers on the same weeks (``iop-roster bench``).

``suites`` makes the weeks, ``peers`` solve them (each in its own process, started by
``runner``, entered through ``child``), ``timeline`` turns what a peer reported over
time into gaps, and ``report`` writes the tables and plots. Nothing in this package
imports ``ortools`` at module level: the HiGHS peer's process must never load it.
"""
