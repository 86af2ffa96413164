"""The ladders' rungs as one table (what holding each means, what the next step asks), and
whole months served."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policy import Policy


def months_completed(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    """Whole months from `start` to `end`: hired 2024-11-01, on 2026-10-31, 23 months."""
    start = pd.to_datetime(start)
    months = (end.year - start.dt.year) * 12 + (end.month - start.dt.month)
    anniversary = np.minimum(start.dt.day, end.days_in_month)
    return (months - (end.day < anniversary)).astype(float)


def rung_table(policy: Policy) -> pd.DataFrame:
    """One row per (ladder, rung): what holding it means and what the next step up asks."""
    rows = []
    for ladder in policy.ladders:
        side = next((j for j, r in enumerate(ladder.rungs) if r.horizontal), None)  # §5: where they open
        for i, rung in enumerate(ladder.rungs):
            role = policy.role(rung.role)
            nxt = ladder.rungs[i + 1] if i + 1 < len(ladder.rungs) else None
            opens = ladder.rungs[side] if side is not None else None
            raise_range = policy.raise_range(ladder, i, i + 1) or (np.nan, np.nan)
            rows.append({
                "ladder": ladder.id, "ladder_name": ladder.name, "ladder_name_en": ladder.name_en,
                "rung": float(i), "level": rung.name, "level_en": rung.name_en,
                "role": role.id, "metric": role.metric, "cycle": role.cycle_months or 0,
                "metric_name": policy.metric(role.metric).name,
                "metric_name_en": policy.metric(role.metric).name_en,
                "bottom": i == 0, "top": nxt is None,
                "next_level": nxt.name if nxt else "", "next_level_en": nxt.name_en if nxt else "",
                "side_options": "、".join(h.name for h in opens.horizontal) if opens else "",
                "side_options_en": ", ".join(h.name_en for h in opens.horizontal) if opens else "",
                "side_from": opens.name if opens else "", "side_from_en": opens.name_en if opens else "",
                "side_open": opens is not None and i >= side,
                "need_tenure": max(policy.settings.min_months_at_company,
                                   (nxt.tenure_months or 0) if nxt else 0),
                "need_average": _or_nan(nxt and nxt.min_average),
                "leave_window": (nxt.leave_window_months or 0) if nxt else 0,
                "max_sick": _or_nan(nxt and nxt.max_sick_days),
                "max_personal": _or_nan(nxt and nxt.max_personal_days),
                "need_duties": _or_nan(nxt and policy.required_duties(nxt)),
                "demote_below": _or_nan(rung.demote_below),
                "demote_run": rung.demote_consecutive or 0,
                "demote_on_error": rung.demote_on_serious_error,
                "raise_min": raise_range[0], "raise_max": raise_range[1],
                "base_pay": _or_nan(rung.base_pay), "perf_pay_base": _or_nan(rung.perf_pay_base),
                "position_allowance": _or_nan(rung.position_allowance),
                "horizontal": "、".join(h.name for h in rung.horizontal),
                "horizontal_en": ", ".join(h.name_en for h in rung.horizontal),
            })
    return pd.DataFrame(rows)


def _or_nan(value):
    return np.nan if value is None or value is False else float(value)
