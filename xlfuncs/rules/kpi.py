"""KPI items: which columns the monthly records may carry, and the one function that scores them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..policy import Policy, Role


DECIMALS = 10  # computed numbers are kept to this many decimals: float noise is not a value


def item_fields(policy: Policy) -> tuple[schema.Field, ...]:
    """The KPI item columns the monthly records may carry, one per distinct item name."""
    seen = {}
    for role in policy.roles:
        for item in role.items:
            seen.setdefault(item.name, schema.Field(item.name, item.name, item.name_en, "number"))
    return tuple(seen.values())


def kpi_scores(items: pd.DataFrame, weights, bounds: tuple[float, float]) -> tuple[pd.Series, pd.DataFrame]:
    """The weighted score of each row of item scores (columns in the weights' order; weights
    as fractions), and which items lie outside `bounds`, the range of the role's metric (0-100
    by default): a row with one has no score. The rules, KPI_SCORE and the close all score
    items here. Scores are rounded to 10 decimals, as HR would type them: 84.7, never the
    84.69999999999999 a weighted sum of floats gives, in every file and frame downstream."""
    cells = items.to_numpy(dtype=float)
    outside = (cells < bounds[0]) | (cells > bounds[1])
    score = np.round(cells @ np.asarray(weights, float), DECIMALS)
    score[outside.any(axis=1)] = np.nan
    return (pd.Series(score, index=items.index),
            pd.DataFrame(outside, index=items.index, columns=items.columns))


def item_weights(role: Role) -> list[float]:
    return [item.weight / 100.0 for item in role.items]


def metric_bounds(policy: Policy, role: Role) -> tuple[float, float]:
    metric = policy.metric(role.metric)
    return metric.min, metric.max
