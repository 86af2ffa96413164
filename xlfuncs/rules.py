"""The promotion policy evaluated for every employee at once, as of a review month.

Pure functions of plain frames (the roster, the monthly records) and a Policy: no Excel, no files.
`evaluate` reads the inputs through the schema, then lays the monthly records out as an
employee × month matrix, newest month first, so that every trailing window ("the last N months")
is a prefix of a row and costs one cumulative sum, whatever N each employee's rung asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema, values
from .policy import Policy, Role, default_policy
from .problems import Problem

_SEP = {"zh": "；", "en": "; "}


@dataclass
class Review:
    """One row per roster employee (index: employee id) and the problems found on the way."""

    month: int | None
    table: pd.DataFrame
    problems: list[Problem]

    @property
    def month_label(self) -> str:
        return values.month_label(self.month) if self.month is not None else ""


def item_fields(policy: Policy) -> tuple[schema.Field, ...]:
    """The KPI item columns the monthly records may carry, one per distinct item name."""
    seen = {}
    for role in policy.roles:
        for item in role.items:
            seen.setdefault(item.name, schema.Field(item.name, item.name, item.name_en, "number"))
    return tuple(seen.values())


def kpi_scores(items: pd.DataFrame, role: Role) -> pd.Series:
    """The weighted 0-100 score of each row of item scores, given in the role's item order."""
    weights = np.array([item.weight for item in role.items]) / 100.0
    return pd.Series(items.to_numpy(dtype=float) @ weights, index=items.index)


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
        for i, rung in enumerate(ladder.rungs):
            role = policy.role(rung.role)
            nxt = ladder.rungs[i + 1] if i + 1 < len(ladder.rungs) else None
            raise_range = policy.raise_range(ladder, i, i + 1) or (np.nan, np.nan)
            rows.append({
                "ladder": ladder.id, "rung": float(i), "level": rung.name, "level_en": rung.name_en,
                "role": role.id, "metric": role.metric, "cycle": role.cycle_months or 0,
                "bottom": i == 0, "top": nxt is None,
                "next_level": nxt.name if nxt else "",
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
                "horizontal": "、".join(h.name for h in rung.horizontal),
                "horizontal_en": ", ".join(h.name_en for h in rung.horizontal),
            })
    return pd.DataFrame(rows)


def _or_nan(value):
    return np.nan if value is None or value is False else float(value)


def evaluate(roster: pd.DataFrame, records: pd.DataFrame, policy: Policy | None = None,
             as_of=None) -> Review:
    """The review of every roster employee as of `as_of` (default: the latest month on record)."""
    policy = policy or default_policy()
    roster, problems = schema.clean(schema.ROSTER, roster)
    records, record_problems = schema.clean(schema.RECORDS, records, item_fields(policy))
    problems += record_problems

    people = _people(roster, policy, problems)
    records = _records(records, people, policy, problems)

    month = _review_month(as_of, records, problems)
    if month is None:
        return Review(None, _empty_table(people), problems)

    table = _Evaluation(people, records, policy, month, problems).table()
    return Review(month, table, problems)


def _review_month(as_of, records: pd.DataFrame, problems: list[Problem]) -> int | None:
    if as_of is not None and not values.is_blank(as_of):
        month = values.month(as_of)
        if month is None or month is values._INVALID:
            problems.append(Problem(f"评审月份「{as_of}」无法识别（应如 2026-10）",
                                    f"Review month '{as_of}' is not a month (e.g. 2026-10)"))
            return None
        return int(month)
    if records["month"].notna().any():
        return int(records["month"].max())
    problems.append(Problem("没有任何月度记录，无法确定评审月份",
                            "There are no monthly records to choose a review month from"))
    return None


def _people(roster: pd.DataFrame, policy: Policy, problems: list[Problem]) -> pd.DataFrame:
    """The roster keyed by employee id, each with its rung's parameters, or a problem."""
    roster = roster[roster["employee"].notna()]
    dup = roster["employee"].duplicated(keep="first")
    for emp in roster.loc[dup, "employee"].unique():
        problems.append(Problem(f"员工名册中工号 {emp} 重复，只采用第一行",
                                f"Employee {emp} appears more than once in the roster; "
                                f"the first row is used", emp))
    roster = roster[~dup].set_index("employee", drop=False)

    ladder_ids = {}
    for ladder in policy.ladders:
        ladder_ids[ladder.id.casefold()] = ladder.id
        ladder_ids[ladder.name.casefold()] = ladder.id
    ladder = roster["ladder"].map(lambda v: ladder_ids.get(v.casefold()) if isinstance(v, str) else None)

    rungs = rung_table(policy)
    by_name = {(r.ladder, r.level.casefold()): r.rung for r in rungs.itertuples()}
    by_name.update({(r.ladder, r.level_en.casefold()): r.rung for r in rungs.itertuples() if r.level_en})
    rung = pd.Series([by_name.get((lad, lev.casefold())) if isinstance(lev, str) else None
                      for lad, lev in zip(ladder, roster["level"])], index=roster.index, dtype=float)

    problem = pd.Series("", index=roster.index, dtype=object)
    for emp, raw in roster.loc[ladder.isna(), "ladder"].items():
        names = "、".join(ld.name for ld in policy.ladders)
        p = Problem(f"工号 {emp}：未知序列「{raw}」（可选：{names}）",
                    f"Employee {emp}: unknown ladder '{raw}' (one of {', '.join(ld.id for ld in policy.ladders)})",
                    emp)
        problems.append(p)
        problem[emp] = str(p)
    for emp in roster.index[ladder.notna() & rung.isna()]:
        lad = policy.ladder(ladder[emp])
        p = Problem(f"工号 {emp}：序列「{lad.name}」没有职级「{roster.at[emp, 'level']}」"
                    f"（可选：{'、'.join(r.name for r in lad.rungs)}）",
                    f"Employee {emp}: ladder {lad.id} has no level '{roster.at[emp, 'level']}'", emp)
        problems.append(p)
        problem[emp] = str(p)
    for p in problems:
        if p.employee in problem.index and not problem[p.employee]:
            problem[p.employee] = str(p)

    people = roster.assign(ladder=ladder, rung=rung, problem=problem)
    people = people.merge(rungs.drop(columns=["level"]), how="left", on=["ladder", "rung"])
    people = people.fillna({"top": False, "bottom": False, "cycle": 0, "leave_window": 0,
                            "demote_run": 0, "demote_on_error": False, "next_level": ""})
    return people.set_index(roster.index)


def _records(records: pd.DataFrame, people: pd.DataFrame, policy: Policy,
             problems: list[Problem]) -> pd.DataFrame:
    """Known employees' records, one per month, with the monthly metric filled from KPI items."""
    records = records[records["employee"].notna() & records["month"].notna()]
    unknown = ~records["employee"].isin(people.index)
    for emp in records.loc[unknown, "employee"].unique():
        problems.append(Problem(f"月度记录中的工号 {emp} 不在员工名册中，已忽略",
                                f"Monthly records name employee {emp}, who is not on the roster; "
                                f"ignored", emp))
    records = records[~unknown]
    dup = records.duplicated(["employee", "month"], keep="first")
    for emp, month in records.loc[dup, ["employee", "month"]].drop_duplicates().itertuples(index=False):
        problems.append(Problem(f"工号 {emp} 在 {values.month_label(month)} 有多条记录，只采用第一条",
                                f"Employee {emp} has more than one record for "
                                f"{values.month_label(month)}; the first is used", emp))
    records = records[~dup]

    role = records["employee"].map(people["role"])
    score = records["score"].copy()
    for r in policy.roles:
        columns = [item.name for item in r.items]
        rows = (role == r.id) & score.isna() & records[columns].notna().all(axis=1) if columns else None
        if rows is not None and rows.any():
            score[rows] = kpi_scores(records.loc[rows, columns], r)

    metric = role.map(people.drop_duplicates("role").set_index("role")["metric"])
    for m in policy.metrics:
        out = (metric == m.id) & ((score < m.min) | (score > m.max))
        for row in records.index[out]:
            emp = records.at[row, "employee"]
            problems.append(Problem(
                f"「{schema.RECORDS.zh}」第 {row} 行（工号 {emp}）：{m.name} {score[row]:g} "
                f"超出范围 {m.min:g}–{m.max:g}，未计入",
                f"'{schema.RECORDS.en}' row {row} (employee {emp}): {m.name_en} {score[row]:g} is "
                f"outside {m.min:g}–{m.max:g}; left out", emp))
        score[out] = np.nan
    return records.assign(score=score)


def _empty_table(people: pd.DataFrame) -> pd.DataFrame:
    return people[["name", "ladder", "level", "problem"]].copy()


class _Evaluation:
    """The review computed column by column; each method answers for all employees."""

    def __init__(self, people: pd.DataFrame, records: pd.DataFrame, policy: Policy, month: int,
                 problems: list[Problem]):
        self.people = people
        self.problems = problems
        self.policy = policy
        self.month = month
        self.end = values.month_end(month)
        self.valid = (people["problem"] == "").to_numpy()
        self.n = len(people)
        s = policy.settings
        rungs = rung_table(policy)
        self.depth = int(max(
            12 if s.average_basis == "calendar_year" else s.average_window_months,
            s.training_window_months, rungs["cycle"].max(), rungs["leave_window"].max(),
            rungs["demote_run"].max(), 1))
        self.matrix = _Matrix(records, people.index, month, self.depth)
        self.reasons = {"eligible": ([], []), "demotion": ([], []), "training": ([], [])}

    def say(self, kind: str, mask, zh, en) -> None:
        """Record a reason for the employees in `mask`; zh/en are callables of a row position."""
        mask = np.asarray(mask, bool) & self.valid
        zh_col, en_col = np.full(self.n, "", object), np.full(self.n, "", object)
        rows = np.flatnonzero(mask)
        zh_col[rows] = [zh(i) for i in rows]
        en_col[rows] = [en(i) for i in rows]
        self.reasons[kind][0].append(zh_col)
        self.reasons[kind][1].append(en_col)

    def joined(self, kind: str, lang: str) -> np.ndarray:
        out = np.full(self.n, "", object)
        for col in self.reasons[kind][0 if lang == "zh" else 1]:
            both = (out != "") & (col != "")
            out = np.where(both, out + _SEP[lang] + col, np.where(col != "", col, out))
        return out

    def table(self) -> pd.DataFrame:
        p = self.people
        tenure = months_completed(p["hire_date"], self.end).to_numpy()
        in_level = months_completed(p["level_since"].fillna(p["hire_date"]), self.end).to_numpy()
        avg, avg_n = self.window_average()
        cycle_avg, cycle_n = self.matrix.window_mean(p["cycle"].fillna(0).to_numpy(int))
        outcome = self.review_outcome(cycle_avg, cycle_n)
        eligible = self.eligibility(tenure, in_level, avg, avg_n, cycle_avg, outcome)
        demotion = self.demotion(outcome)
        training = self.training(tenure)

        table = pd.DataFrame({
            "name": p["name"], "ladder": p["ladder"], "level": p["level"],
            "next_level": p["next_level"], "metric": p["metric"],
            "tenure_months": tenure, "months_in_level": in_level,
            "average": avg, "average_months": avg_n,
            "cycle_average": np.where(p["cycle"] > 0, cycle_avg, np.nan),
            "cycle_months": np.where(p["cycle"] > 0, cycle_n, np.nan),
            **outcome,
            "eligible": eligible,
            "reasons": self.joined("eligible", "zh"), "reasons_en": self.joined("eligible", "en"),
            "demotion_due": demotion,
            "demotion_reasons": self.joined("demotion", "zh"),
            "demotion_reasons_en": self.joined("demotion", "en"),
            "raise_min": p["raise_min"], "raise_max": p["raise_max"],
            "training_required": training,
            "training_reasons": self.joined("training", "zh"),
            "training_reasons_en": self.joined("training", "en"),
            "horizontal": p["horizontal"], "horizontal_en": p["horizontal_en"],
            "problem": p["problem"],
        }, index=p.index)
        for column in ("eligible", "demotion_due", "training_required"):
            table[column] = table[column].astype(object).where(self.valid, None)
        return table

    def window_average(self):
        s = self.policy.settings
        window = self.month % 12 + 1 if s.average_basis == "calendar_year" else s.average_window_months
        return self.matrix.window_mean(np.full(self.n, window))

    def review_outcome(self, avg: np.ndarray, count: np.ndarray) -> dict:
        """§3: the band of the cycle average, the probation repeat, HR's override, and notes."""
        p, bands, dismissal = self.people, self.policy.bands, self.policy.dismissal
        reviewed = (p["cycle"] > 0).to_numpy() & self.valid & (count > 0)

        def band_of(values_):
            conditions = [(values_ > b.lower) if not b.inclusive else (values_ >= b.lower)
                          for b in bands[:-1]] + [np.isfinite(values_)]
            return np.select(conditions, list(range(len(bands))), -1)

        band = np.where(reviewed, band_of(avg), -1)
        outcome = np.array([""] + [b.outcome for b in bands], object)[band + 1]
        outcome_en = np.array([""] + [b.outcome_en for b in bands], object)[band + 1]
        move = np.array([0] + [b.move for b in bands])[band + 1]

        this_month = self.matrix.scores[:, 0]
        month_band = band_of(this_month)
        probation_band = np.array([False] + [b.probation for b in bands])[month_band + 1]
        until = p["probation_until"]
        on_probation = (until.notna() & (until >= self.end.replace(day=1))).to_numpy()
        repeat = reviewed & on_probation & probation_band
        outcome = np.where(repeat, dismissal.name, outcome)
        outcome_en = np.where(repeat, dismissal.name_en, outcome_en)

        override = self.matrix.this_month(p.index, "override")
        known = {b.outcome for b in bands} | {dismissal.name}
        overridden = override.notna().to_numpy() & self.valid & (p["cycle"] > 0).to_numpy()
        bad = overridden & ~override.isin(known).to_numpy()
        for i in np.flatnonzero(bad):
            emp = p.index[i]
            problem = Problem(
                f"工号 {emp}：部门审核结果「{override.iloc[i]}」不是评审结果（可选：{'、'.join(sorted(known))}）",
                f"Employee {emp}: review override '{override.iloc[i]}' is not an outcome", emp)
            self.problems.append(problem)
        overridden &= ~bad
        by_name = {b.outcome: b for b in bands}
        outcome = np.where(overridden, override.to_numpy(), outcome)
        outcome_en = np.where(overridden, [by_name[o].outcome_en if o in by_name else dismissal.name_en
                                           for o in override.fillna("")], outcome_en)
        move = np.where(overridden, [by_name[o].move if o in by_name else -1
                                     for o in override.fillna("")], move)
        move = np.where(outcome == dismissal.name, -1, move)

        top, bottom = p["top"].to_numpy(bool), p["bottom"].to_numpy(bool)
        note = np.full(self.n, "", object)
        note_en = np.full(self.n, "", object)
        at_top = (outcome != "") & (move > 0) & top
        at_bottom = (outcome != "") & (move < 0) & bottom
        note[at_top], note_en[at_top] = "已是最高职级，职级不变", "Already at the top rung; level unchanged"
        note[at_bottom], note_en[at_bottom] = "已是最低职级，职级不变", "Already at the bottom rung; level unchanged"
        no_record = (p["cycle"] > 0).to_numpy() & self.valid & (count == 0)
        note[no_record] = "评审周期内没有绩效记录"
        note_en[no_record] = "No scores on record in the review cycle"
        return {"outcome": outcome, "outcome_en": outcome_en, "outcome_move": move,
                "overridden": overridden, "outcome_note": note, "outcome_note_en": note_en}

    def eligibility(self, tenure, in_level, avg, avg_n, cycle_avg, outcome) -> np.ndarray:
        p, s = self.people, self.policy.settings
        ok = self.valid.copy()

        def need(mask, zh, en):
            nonlocal ok
            mask = np.asarray(mask, bool) & self.valid
            ok &= ~mask
            self.say("eligible", mask, zh, en)

        top = p["top"].to_numpy(bool)
        need(top, lambda i: "已是最高职级", lambda i: "already at the top rung")
        go = ~top

        need_tenure = p["need_tenure"].to_numpy(float)
        need(go & ~(tenure >= need_tenure),
             lambda i: f"司龄 {_n(tenure[i])} 个月 < {_n(need_tenure[i])} 个月",
             lambda i: f"tenure {_n(tenure[i])} months < {_n(need_tenure[i])} months")

        gm = p["gm_approval"].to_numpy(bool)
        wait = s.min_months_between_moves
        need(go & ~gm & ~(in_level >= wait),
             lambda i: f"本职级 {_n(in_level[i])} 个月 < {wait} 个月（总经理特批可免）",
             lambda i: f"{_n(in_level[i])} months in level < {wait} months (GM approval waives this)")

        need_avg = p["need_average"].to_numpy(float)
        metric = p["metric"].map({m.id: (m.name, m.name_en) for m in self.policy.metrics})
        has_need = go & ~np.isnan(need_avg)
        need(has_need & (avg_n == 0),
             lambda i: f"{self._window_text()[0]}无{metric.iloc[i][0]}记录",
             lambda i: f"no {metric.iloc[i][1]} on record in {self._window_text()[1]}")
        need(has_need & (avg_n > 0) & ~(avg >= need_avg - 1e-9),
             lambda i: f"平均{metric.iloc[i][0]} {avg[i]:.2f} < {_n(need_avg[i])}",
             lambda i: f"{metric.iloc[i][1]} average {avg[i]:.2f} < {_n(need_avg[i])}")

        window = p["leave_window"].to_numpy(int)
        for column, limit, zh, en in (("sick_days", "max_sick", "病假", "sick leave"),
                                      ("personal_days", "max_personal", "事假", "personal leave")):
            taken = self.matrix.window_sum(column, window)
            cap = p[limit].to_numpy(float)
            need(go & (window > 0) & ~np.isnan(cap) & (taken > cap + 1e-9),
                 lambda i, t=taken, c=cap, z=zh: f"近 {window[i]} 个月{z} {_n(t[i])} 天 > {_n(c[i])} 天",
                 lambda i, t=taken, c=cap, e=en: f"{e} {_n(t[i])} days > {_n(c[i])} days "
                                                 f"in the last {window[i]} months")

        duties = p["duties"].to_numpy(float)
        need_duties = p["need_duties"].to_numpy(float)
        has_duty_need = go & ~np.isnan(need_duties)
        need(has_duty_need & np.isnan(duties),
             lambda i: f"未填写掌握技能数（需 {_n(need_duties[i])} 项）",
             lambda i: f"duties mastered not filled in ({_n(need_duties[i])} needed)")
        need(has_duty_need & (duties < need_duties),
             lambda i: f"掌握职责 {_n(duties[i])} 项 < {_n(need_duties[i])} 项",
             lambda i: f"duties mastered {_n(duties[i])} < {_n(need_duties[i])}")

        band_reviewed = (p["cycle"] > 0).to_numpy()
        up = outcome["outcome_move"] > 0
        need(go & band_reviewed & ~up & (outcome["outcome"] != ""),
             lambda i: f"周期评审结果为「{outcome['outcome'][i]}」（周期平均 {cycle_avg[i]:.1f}）",
             lambda i: f"the cycle review says '{outcome['outcome_en'][i]}' "
                       f"(cycle average {cycle_avg[i]:.1f})")
        need(go & band_reviewed & (outcome["outcome"] == ""),
             lambda i: "评审周期内没有绩效记录", lambda i: "no scores on record in the review cycle")
        return ok

    def _window_text(self) -> tuple[str, str]:
        s = self.policy.settings
        if s.average_basis == "calendar_year":
            return "本年度", "this calendar year"
        return f"近 {s.average_window_months} 个月", f"the last {s.average_window_months} months"

    def demotion(self, outcome: dict) -> np.ndarray:
        p = self.people
        bottom = p["bottom"].to_numpy(bool)
        due = np.zeros(self.n, bool)

        run = p["demote_run"].to_numpy(int)
        below = p["demote_below"].to_numpy(float)
        scores = self.matrix.scores
        streak = self.matrix.leading_run(scores < below[:, None])
        low = ~bottom & (run > 0) & (streak >= run)
        due |= low
        self.say("demotion", low,
                 lambda i: f"连续 {run[i]} 个月绩效系数低于 {_n(below[i])}（"
                           + "、".join(f"{v:g}" for v in scores[i, :run[i]][::-1]) + "）",
                 lambda i: f"coefficient below {_n(below[i])} for {run[i]} months in a row ("
                           + ", ".join(f"{v:g}" for v in scores[i, :run[i]][::-1]) + ")")

        error = self.matrix.this_month(p.index, "serious_error").fillna(False).to_numpy(bool)
        on_error = ~bottom & error & p["demote_on_error"].fillna(False).to_numpy(bool)
        due |= on_error
        self.say("demotion", on_error, lambda i: f"{self.label} 有严重失误",
                 lambda i: f"serious error in {self.label}")

        down = ~bottom & (outcome["outcome_move"] < 0)
        due |= down
        self.say("demotion", down, lambda i: f"周期评审结果为「{outcome['outcome'][i]}」",
                 lambda i: f"the cycle review says '{outcome['outcome_en'][i]}'")
        return due & self.valid

    @property
    def label(self) -> str:
        return values.month_label(self.month)

    def training(self, tenure) -> np.ndarray:
        """§5: bottom share of the ladder's ranking on the window average, a deduction, or new."""
        p, s = self.people, self.policy.settings
        w = s.training_window_months
        avg, n = self.matrix.window_mean(np.full(self.n, w))
        ranked = pd.DataFrame({"ladder": p["ladder"].to_numpy(), "avg": np.where(n > 0, avg, np.nan)})
        ranked = ranked[self.valid]
        rank = ranked.groupby("ladder")["avg"].rank(ascending=False, method="min")
        size = ranked.groupby("ladder")["avg"].transform("count")
        bottom_rows = rank > size - np.floor(size * s.training_bottom_share)
        bottom = np.zeros(self.n, bool)
        bottom[ranked.index[bottom_rows.to_numpy()]] = True
        rank_all = np.full(self.n, np.nan)
        size_all = np.full(self.n, np.nan)
        rank_all[ranked.index] = rank.to_numpy()
        size_all[ranked.index] = size.to_numpy()
        self.say("training", bottom,
                 lambda i: f"近 {w} 个月排名 {_n(rank_all[i])}/{_n(size_all[i])}，"
                           f"位于后 {s.training_bottom_share:.0%}",
                 lambda i: f"ranked {_n(rank_all[i])} of {_n(size_all[i])} over the last {w} months, "
                           f"in the bottom {s.training_bottom_share:.0%}")

        deduction = self.matrix.window_sum("business_deduction", np.full(self.n, w))
        deducted = deduction > 0
        self.say("training", deducted,
                 lambda i: f"近 {w} 个月业务扣分 {_n(deduction[i])}",
                 lambda i: f"business deduction of {_n(deduction[i])} in the last {w} months")

        new = tenure < s.training_new_staff_months
        self.say("training", new,
                 lambda i: f"入职 {_n(tenure[i])} 个月，不满 {s.training_new_staff_months} 个月",
                 lambda i: f"employed {_n(tenure[i])} months, under {s.training_new_staff_months}")
        return (bottom | deducted | new) & self.valid


def _n(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


class _Matrix:
    """Monthly records as employee × month arrays, column 0 the review month, then backwards."""

    def __init__(self, records: pd.DataFrame, employees: pd.Index, month: int, depth: int):
        self.depth = depth
        age = month - records["month"].to_numpy(float)
        keep = (age >= 0) & (age < depth)
        records = records[keep]
        self.records = records
        self.rows = employees.get_indexer(records["employee"])
        self.cols = age[keep].astype(int)
        self.shape = (len(employees), depth)
        self.scores = self.grid("score")
        self._sums = {}

    def grid(self, column: str) -> np.ndarray:
        out = np.full(self.shape, np.nan)
        out[self.rows, self.cols] = self.records[column].to_numpy(float)
        return out

    def _prefix(self, column: str):
        if column not in self._sums:
            grid = self.scores if column == "score" else self.grid(column)
            present = ~np.isnan(grid)
            self._sums[column] = (np.cumsum(np.where(present, grid, 0.0), axis=1),
                                  np.cumsum(present, axis=1))
        return self._sums[column]

    def window_sum(self, column: str, window: np.ndarray) -> np.ndarray:
        """Sum over each employee's last `window` months (0: nothing), blanks counting 0."""
        sums, _ = self._prefix(column)
        out = np.zeros(self.shape[0])
        has = window > 0
        rows = np.flatnonzero(has)
        out[rows] = sums[rows, np.minimum(window[has], self.depth) - 1]
        return out

    def window_mean(self, window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean score over each employee's last `window` months, and how many months had one."""
        sums, counts = self._prefix("score")
        total = np.zeros(self.shape[0])
        count = np.zeros(self.shape[0])
        has = window > 0
        rows = np.flatnonzero(has)
        idx = np.minimum(window[has], self.depth) - 1
        total[rows], count[rows] = sums[rows, idx], counts[rows, idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan), count

    @staticmethod
    def leading_run(hit: np.ndarray) -> np.ndarray:
        """How many months in a row, back from the review month, `hit` holds."""
        misses = ~hit
        first_miss = np.where(misses.any(axis=1), misses.argmax(axis=1), hit.shape[1])
        return first_miss

    def this_month(self, employees: pd.Index, column: str) -> pd.Series:
        current = self.records[self.cols == 0]
        return current.set_index("employee")[column].reindex(employees)
