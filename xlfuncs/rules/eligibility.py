"""§1, §2: who meets every criterion of the next rung, and when those only waiting would."""

from __future__ import annotations

import numpy as np

from .reasons import fixed, g, plain, rounded, verdict


def eligibility(ev, tenure, in_level, avg, avg_n, cycle_avg, outcome) -> tuple[np.ndarray, np.ndarray]:
    """Who meets every criterion of the next rung, and in how many months each would if
    only time served (tenure, months in level) stands in the way (NaN: more than that)."""
    p, s = ev.people, ev.policy.settings
    ok = ev.valid.copy()
    untimed = ev.valid.copy()  # every criterion but time served is met

    def need(mask, zh, en, by=(), timed=False):
        nonlocal ok, untimed
        ok &= ~(np.asarray(mask, bool) & ev.valid)
        if not timed:
            untimed &= ~(np.asarray(mask, bool) & ev.valid)
        ev.say("eligible", mask, zh, en, by)

    top = p["top"].to_numpy(bool)
    need(top, lambda r: "已是最高职级", lambda r: "already at the top rung")
    go = ~top

    need_tenure = p["need_tenure"].to_numpy(float)
    need(go & ~(tenure >= need_tenure),
         lambda r: "司龄 " + g(tenure[r]) + " 个月 < " + g(need_tenure[r]) + " 个月",
         lambda r: "tenure " + g(tenure[r]) + " months < " + g(need_tenure[r]) + " months",
         by=(tenure, need_tenure), timed=True)

    gm = p["gm_approval"].to_numpy(bool)
    wait = s.min_months_between_moves
    need(go & ~gm & ~(in_level >= wait),
         lambda r: "本职级 " + g(in_level[r]) + f" 个月 < {wait} 个月（总经理特批可免）",
         lambda r: g(in_level[r]) + f" months in level < {wait} months (GM approval waives this)",
         by=(in_level,), timed=True)

    need_avg = p["need_average"].to_numpy(float)
    metric_zh, metric_en = plain(p["metric_name"]), plain(p["metric_name_en"])
    window_zh, window_en = window_text(ev)
    has_need = go & ~np.isnan(need_avg)
    need(has_need & (avg_n == 0),
         lambda r: window_zh + "无" + metric_zh[r] + "记录",
         lambda r: "no " + metric_en[r] + " on record in " + window_en, by=(metric_zh,))
    need(has_need & (avg_n > 0) & ~(avg >= need_avg - 1e-9),
         lambda r: "平均" + metric_zh[r] + " " + fixed(avg[r], 2) + " < " + g(need_avg[r]),
         lambda r: metric_en[r] + " average " + fixed(avg[r], 2) + " < " + g(need_avg[r]),
         by=(metric_zh, rounded(avg, 2), need_avg))

    window = p["leave_window"].to_numpy(int)
    for column, limit, zh, en in (("sick_days", "max_sick", "病假", "sick leave"),
                                  ("personal_days", "max_personal", "事假", "personal leave")):
        taken, cap = ev.matrix.window_sum(column, window), p[limit].to_numpy(float)
        need(go & (window > 0) & ~np.isnan(cap) & (taken > cap + 1e-9),
             lambda r, t=taken, c=cap, z=zh: "近 " + g(window[r]) + " 个月" + z + " "
             + g(t[r]) + " 天 > " + g(c[r]) + " 天",
             lambda r, t=taken, c=cap, e=en: e + " " + g(t[r]) + " days > " + g(c[r])
             + " days in the last " + g(window[r]) + " months", by=(window, taken, cap))

    duties, need_duties = p["duties"].to_numpy(float), p["need_duties"].to_numpy(float)
    has_duty_need = go & ~np.isnan(need_duties)
    need(has_duty_need & np.isnan(duties),
         lambda r: "未填写掌握技能数（需 " + g(need_duties[r]) + " 项）",
         lambda r: "duties mastered not filled in (" + g(need_duties[r]) + " needed)",
         by=(need_duties,))
    need(has_duty_need & (duties < need_duties),
         lambda r: "掌握职责 " + g(duties[r]) + " 项 < " + g(need_duties[r]) + " 项",
         lambda r: "duties mastered " + g(duties[r]) + " < " + g(need_duties[r]),
         by=(duties, need_duties))

    cycled = p["cycle"].to_numpy() > 0
    decided = outcome["outcome"] != ""
    need(go & cycled & decided & ~(outcome["outcome_move"] > 0), *verdict(outcome, cycle_avg))
    need(go & cycled & ~decided, lambda r: outcome["outcome_note"][r],
         lambda r: outcome["outcome_note_en"][r])
    waiting = np.maximum(need_tenure - tenure, np.where(gm, 0, wait - in_level))
    return ok, np.where(ok, 0.0, np.where(untimed & go, np.maximum(waiting, 0), np.nan))


def window_text(ev) -> tuple[str, str]:
    """The promotion average's window, as the reasons name it."""
    s = ev.policy.settings
    if s.average_basis == "calendar_year":
        return "本年度", "this calendar year"
    return f"近 {s.average_window_months} 个月", f"the last {s.average_window_months} months"
