"""Python's cycle collector, run less often while a month end or a recalc runs.

A month end reads History whole (5,000 people × 24 months: 100,000 rows, a list each) and holds
it to the end, and at Python's default thresholds (700, 10, 10) every full collection walks all
of it again: 0.8 s of a 5,000-person recalc, 1.6 s of its close-month, against 0.2 and 0.4 s at
these (bench/recalc_bench.py prints it). Reference counting still frees everything the moment it
is let go; only objects in cycles (openpyxl's workbooks) wait longer, and the peak memory of
recalc and of the month end measured the same.
"""

import gc
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 100)


@contextmanager
def collecting_less():
    """The collector at `THRESHOLDS` inside, as it was after: a macro runs in Excel's own Python
    process, which goes on after it."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
