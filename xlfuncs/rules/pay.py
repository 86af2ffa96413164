"""§3, §4: the month's pay items, base pay and performance pay."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import pay_formula
from .reasons import g, signed


def pay(ev, tenure) -> dict:
    """§4: the review month's allowances and penalties, base pay, and the absence flag."""
    p, pay = ev.people, ev.policy.pay

    def this_month(key):
        return ev.matrix.this_month(key, 0).astype(float)

    computer = this_month("own_computer") * pay.own_computer_allowance
    overtime, offsite = this_month("overtime_days"), this_month("offsite_days")
    unreachable, late = this_month("unreachable"), this_month("late_replies")
    major = this_month("major_complaints")
    others = np.maximum(late - major, 0)  # late replies without a major complaint, in order
    late_penalty = (np.minimum(others, 1) * pay.late_reply_first_penalty
                    + np.maximum(others - 1, 0) * pay.late_reply_repeat_penalty)
    items = [  # (amount, count, zh, en): one line of the detail each; {} is the count
        (computer, None, "自备电脑", "own computer"),
        (overtime * pay.overtime_day_allowance, overtime, "非法定节日加班 {} 天", "overtime {} days"),
        (offsite * pay.offsite_day_allowance, offsite, "外出办公 {} 天", "off-site {} days"),
        (-unreachable * pay.unreachable_penalty, unreachable, "热线无法接通 {} 次", "hotline unreachable {} times"),
        (-late_penalty, others, "超时未回复 {} 次", "late replies {} times"),
        (-major * pay.major_complaint_penalty, major, "引起重大投诉 {} 次（通报批评）",
         "major complaints caused {} times (public notice)"),
    ]

    def line(text, amount, count):
        head, _, tail = text.partition("{}")
        if count is None:
            return lambda r: head + " " + signed(amount[r])
        return lambda r: head + g(count[r]) + tail + " " + signed(amount[r])

    for amount, count, zh, en in items:
        ev.say("pay", amount != 0, line(zh, amount, count), line(en, amount, count),
               by=(amount,) if count is None else (amount, count))

    on_probation = tenure < ev.policy.settings.new_staff_probation_months
    base = np.where(on_probation, pay.probation_pay, p["base_pay"].to_numpy(float))
    absence = this_month("absence_days")
    return {"pay_adjust": np.where(ev.valid, sum(a for a, *_ in items), np.nan),
            "base_pay": np.where(ev.valid, base, np.nan),
            "perf_pay": np.where(ev.valid, performance_pay(ev), np.nan),
            "on_probation": on_probation,
            "position_allowance": p["position_allowance"].to_numpy(float),
            "absence_days": absence,
            "absence_flag": pd.Series(absence > pay.absence_resignation_days).astype(object)
            .where(ev.valid, None).to_numpy()}


def performance_pay(ev) -> np.ndarray:
    """§3: the metric's pay formula on the rung's base and the review month's metric."""
    p, out = ev.people, np.full(ev.n, np.nan)
    for metric in ev.policy.metrics:
        rows = (p["metric"] == metric.id).to_numpy()
        if metric.pay_formula and rows.any():
            formula = pay_formula.parse(metric.pay_formula)
            out[rows] = formula(p["perf_pay_base"].to_numpy(float)[rows], ev.matrix.scores[rows, 0])
    return out
