"""§2, §3: a demotion due, with the reason."""

from __future__ import annotations

import numpy as np

from .inputs import leading_run
from .reasons import g, verdict


def demotion(ev, outcome: dict, cycle_avg: np.ndarray) -> np.ndarray:
    p = ev.people
    bottom = p["bottom"].to_numpy(bool)

    run, below = p["demote_run"].to_numpy(int), p["demote_below"].to_numpy(float)
    scores = ev.matrix.scores
    streak = np.minimum(leading_run(scores < below[:, None]), ev.on_rung)
    low = ~bottom & (run > 0) & (streak >= run)

    def run_values(r, sep):  # the run's coefficients, oldest first
        return np.array([sep.join(f"{v:g}" for v in scores[i, :run[i]][::-1]) for i in r], object)

    ev.say("demotion", low,
           lambda r: "连续 " + g(run[r]) + " 个月绩效系数低于 " + g(below[r]) + "（"
           + run_values(r, "、") + "）",
           lambda r: "coefficient below " + g(below[r]) + " for " + g(run[r])
           + " months in a row (" + run_values(r, ", ") + ")",
           by=(run, below, *scores[:, :max(run.max(initial=0), 1)].T))

    error = ev.matrix.this_month("serious_error", False).astype(bool)
    on_error = ~bottom & error & p["demote_on_error"].to_numpy(bool)
    ev.say("demotion", on_error, lambda r: f"{ev.label} 有严重失误",
           lambda r: f"serious error in {ev.label}")

    down = ~bottom & (outcome["outcome_move"] < 0)
    ev.say("demotion", down, *verdict(outcome, cycle_avg))
    return (low | on_error | down) & ev.valid
