"""The promotion policy evaluated for every employee at once, as of a review month.

Pure functions of plain frames (the roster, the monthly records) and a Policy: no Excel, no
files. `evaluate` (review.py) reads the inputs (inputs.py), then runs the policy's sections,
one module each: outcome (§3), eligibility (§1, §2), demotion, training (§5), pay (§3, §4),
careers (§5); reasons.py turns what they say into text, kpi.py scores KPI items, rungs.py
holds the ladders' rungs as one table.
"""

from .inputs import HISTORY, THIS_MONTH, bad_month, latest_month
from .kpi import item_fields, item_weights, kpi_scores, metric_bounds
from .review import Review, evaluate
from .rungs import months_completed, rung_table

__all__ = ["HISTORY", "THIS_MONTH", "Review", "bad_month", "evaluate", "item_fields", "item_weights",
           "kpi_scores", "latest_month", "metric_bounds", "months_completed", "rung_table"]
