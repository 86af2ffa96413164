"""§5: differentiated training required, with the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .reasons import g


def training(ev, tenure) -> np.ndarray:
    """§5: bottom share of the ladder's ranking on the window average, a deduction, or new."""
    p, s = ev.people, ev.policy.settings
    w = s.training_window_months
    avg, n = ev.matrix.window_mean(np.full(ev.n, w))
    ranked = np.flatnonzero(ev.valid)
    ladder = pd.factorize(p["ladder"].to_numpy(object)[ranked])[0]
    by_ladder = pd.Series(np.where(n > 0, avg, np.nan)[ranked]).groupby(ladder)
    rank = np.full(ev.n, np.nan)
    size = np.full(ev.n, np.nan)
    rank[ranked] = by_ladder.rank(ascending=False, method="min")
    size[ranked] = by_ladder.transform("count")
    bottom = rank > size - np.floor(size * s.training_bottom_share)
    share = f"{s.training_bottom_share:.0%}"
    ev.say("training", bottom,
           lambda r: f"近 {w} 个月排名 " + g(rank[r]) + "/" + g(size[r]) + f"，位于后 {share}",
           lambda r: "ranked " + g(rank[r]) + " of " + g(size[r])
           + f" over the last {w} months, in the bottom {share}", by=(rank, size))

    deduction = ev.matrix.window_sum("business_deduction", np.full(ev.n, w))
    deducted = deduction > 0
    ev.say("training", deducted,
           lambda r: f"近 {w} 个月业务扣分 " + g(deduction[r]),
           lambda r: "business deduction of " + g(deduction[r]) + f" in the last {w} months",
           by=(deduction,))

    new = tenure < s.training_new_staff_months
    ev.say("training", new,
           lambda r: "入职 " + g(tenure[r]) + f" 个月，不满 {s.training_new_staff_months} 个月",
           lambda r: "employed " + g(tenure[r]) + f" months, under {s.training_new_staff_months}",
           by=(tenure,))
    return (bottom | deducted | new) & ev.valid
