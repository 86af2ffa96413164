"""The promotion policy evaluated for every employee at once, as of a review month.

Pure functions of plain frames (the roster, the monthly records) and a Policy: no Excel, no files.
`evaluate` reads the inputs through the schema, then lays the monthly records out as an
employee × month matrix, newest month first, so that every trailing window ("the last N months")
is a prefix of a row and costs one cumulative sum, whatever N each employee's rung asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from . import pay_formula, schema, values
from .policy import Policy, Role, default_policy
from .problems import Problem

_SEP = {"zh": "；", "en": "; "}
# What a review reads of the monthly records besides the month and employee of every row:
# these over the months its windows reach back, and these of the review month alone.
HISTORY = ("score", "sick_days", "personal_days", "business_deduction")
THIS_MONTH = ("serious_error", "override", "absence_days", "own_computer", "overtime_days",
              "offsite_days", "unreachable", "late_replies", "major_complaints")


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


def kpi_scores(items: pd.DataFrame, weights, bounds: tuple[float, float]) -> tuple[pd.Series, pd.DataFrame]:
    """The weighted score of each row of item scores (columns in the weights' order; weights
    as fractions), and which items lie outside `bounds`, the range of the role's metric (0-100
    by default): a row with one has no score. The rules, KPI_SCORE and the close all score
    items here."""
    cells = items.to_numpy(dtype=float)
    outside = (cells < bounds[0]) | (cells > bounds[1])
    score = cells @ np.asarray(weights, float)
    score[outside.any(axis=1)] = np.nan
    return (pd.Series(score, index=items.index),
            pd.DataFrame(outside, index=items.index, columns=items.columns))


def item_weights(role: Role) -> list[float]:
    return [item.weight / 100.0 for item in role.items]


def metric_bounds(policy: Policy, role: Role) -> tuple[float, float]:
    metric = policy.metric(role.metric)
    return metric.min, metric.max


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


def evaluate(roster: pd.DataFrame, records: pd.DataFrame, policy: Policy | None = None,
             as_of=None) -> Review:
    """The review of every roster employee as of `as_of` (default: the latest month on record).

    Of the monthly records it reads the month of every row and the rest only where the review
    looks (its windows back from the review month), which is most of its speed: a cell it does
    not read, such as a record of someone who left long ago, is not checked here but by the
    reviews of its own months.
    """
    policy = policy or default_policy()
    roster, problems = schema.clean(schema.ROSTER, roster)
    people = _people(roster, policy, problems)
    months, more = _months(records)
    problems += more
    unreadable = list(problems)  # what their employees' reviews would rest on
    month = _review_month(as_of, months, problems)
    if month is None:
        return Review(None, _empty_table(_blocked(people, unreadable)), problems)

    found, bad_ids = _found(records, months, month, _depth(people, policy), people, problems)
    matrix, bad_cells = _history(records, found, people, policy)
    problems += bad_ids + bad_cells
    table = _Evaluation(_blocked(people, unreadable + bad_cells), matrix, policy, month,
                        problems).table()
    return Review(month, table, problems)


def bad_month(as_of) -> Problem:
    return Problem(f"评审月份「{as_of}」无法识别（应如 2026-10）",
                   f"Review month '{as_of}' is not a month (e.g. 2026-10)")


def _review_month(as_of, months: np.ndarray, problems: list[Problem]) -> int | None:
    if as_of is not None and not values.is_blank(as_of):
        month = values.month(as_of)
        if month is None or month is values.INVALID:
            problems.append(bad_month(as_of))
            return None
        return int(month)
    if (~np.isnan(months)).any():
        return int(np.nanmax(months))
    problems.append(Problem("没有任何月度记录，无法确定评审月份",
                            "There are no monthly records to choose a review month from"))
    return None


def _people(roster: pd.DataFrame, policy: Policy, problems: list[Problem]) -> pd.DataFrame:
    """The roster keyed by employee id, each with its rung's parameters, or a problem."""
    roster = roster[roster["employee"].notna().to_numpy()]
    dup = roster["employee"].duplicated(keep="first").to_numpy()  # on the category codes
    for emp in roster.loc[dup, "employee"].unique():
        problems.append(Problem(f"员工名册中工号 {emp} 重复，只采用第一行",
                                f"Employee {emp} appears more than once in the roster; "
                                f"the first row is used", emp))
    roster = roster[~dup].astype({"employee": object}).set_index("employee", drop=False)

    ladder = values.by_distinct(roster["ladder"], lambda v: getattr(policy.ladder(v), "id", None))[0]

    rungs = rung_table(policy)
    by_name = {(lad, values.fold(name)): i for i, (lad, *names) in
               enumerate(zip(rungs["ladder"], rungs["level"], rungs["level_en"])) for name in names}
    raw_ladder, raw_level = roster["ladder"].to_numpy(object), roster["level"].to_numpy(object)
    row = _looked_up((ladder, raw_level), lambda i: by_name.get(  # -1: none
        (ladder[i], values.fold(raw_level[i]) if isinstance(raw_level[i], str) else None), -1))

    problem = np.full(len(roster), "", object)
    for i in np.flatnonzero(pd.isna(ladder) & pd.notna(raw_ladder)):
        emp, names = roster.index[i], "、".join(ld.name for ld in policy.ladders)
        p = Problem(f"工号 {emp}：未知序列「{raw_ladder[i]}」（可选：{names}）",
                    f"Employee {emp}: unknown ladder '{raw_ladder[i]}' (one of {', '.join(ld.id for ld in policy.ladders)})",
                    emp)
        problems.append(p)
        problem[i] = str(p)
    for i in np.flatnonzero(pd.notna(ladder) & (row < 0) & pd.notna(raw_level)):
        emp, lad = roster.index[i], policy.ladder(ladder[i])
        p = Problem(f"工号 {emp}：序列「{lad.name}」没有职级「{raw_level[i]}」"
                    f"（可选：{'、'.join(r.name for r in lad.rungs)}）",
                    f"Employee {emp}: ladder {lad.id} has no level '{raw_level[i]}'", emp)
        problems.append(p)
        problem[i] = str(p)

    rung = rungs.drop(columns=["ladder"]).rename(columns={"level": "rung_level"}).reindex(row)  # -1: blanks
    rung = rung.fillna({"top": False, "bottom": False, "cycle": 0, "leave_window": 0,
                        "demote_run": 0, "demote_on_error": False, "next_level": ""})
    rung.index = roster.index
    plain = {"ladder": ladder, "problem": problem}  # object columns, not inferred as str
    roster = roster.assign(**{k: pd.Series(v, roster.index, dtype=object) for k, v in plain.items()})
    return pd.concat([roster.assign(rung_row=row), rung], axis=1)


def _blocked(people: pd.DataFrame, unreadable: list[Problem]) -> pd.DataFrame:
    """People with the first unreadable input of each, if any, in `problem`: their review is
    not computed, as it would rest on it."""
    problem = people["problem"].to_numpy(object).copy()
    at = pd.Series(np.arange(len(people)), index=people.index)
    for p in unreadable:
        if p.employee in at.index and not problem[at[p.employee]]:
            problem[at[p.employee]] = str(p)
    return people.assign(problem=pd.Series(problem, people.index, dtype=object))


def _months(records: pd.DataFrame) -> tuple[np.ndarray, list[Problem]]:
    """The month of every record (NaN: none), and a problem naming the employee for each
    record whose month cannot be read."""
    months, problems = schema.clean(schema.RECORDS, records, keys=("month",))
    if problems:
        bad = np.flatnonzero(months["month"].isna().to_numpy())
        problems = schema.clean(schema.RECORDS, records, keys=("month", "employee"), rows=bad)[1]
    return months["month"].to_numpy(float), problems


@dataclass
class _Found:
    """The records the review reads, one per employee and month: their positions in the
    records, their employee ids (by row label), the employee's row in `people`, and how many
    months before the review month each is (0 to depth - 1)."""

    rows: np.ndarray
    ids: pd.Series
    pos: np.ndarray
    age: np.ndarray
    depth: int


def _found(records: pd.DataFrame, months: np.ndarray, month: int, depth: int,
           people: pd.DataFrame, problems: list[Problem]) -> tuple[_Found, list[Problem]]:
    """The records of the `depth` months up to `month` and whose they are, and the id cells
    that cannot be read; strangers and repeats are left out and said in `problems`."""
    rows = np.flatnonzero((months <= month) & (months > month - depth))
    keys, unreadable = schema.clean(schema.RECORDS, records, keys=("employee",), rows=rows)
    employees = keys["employee"].astype("category")
    codes, ids = employees.cat.codes.to_numpy(), employees.cat.categories
    known = people.index.get_indexer(ids)
    pos = np.append(known, -2)[codes]  # -1: not on the roster, -2: blank (said by the schema)
    for emp in ids[known < 0]:
        problems.append(Problem(f"月度记录中的工号 {emp} 不在员工名册中，已忽略",
                                f"Monthly records name employee {emp}, who is not on the roster; "
                                f"ignored", emp))
    age = month - months[rows].astype(np.int64)
    kept = np.flatnonzero(pos >= 0)
    dup = _repeated(pos[kept], age[kept], depth)
    for i in kept[dup]:
        emp, label = ids[codes[i]], values.month_label(month - age[i])
        problems.append(Problem(f"工号 {emp} 在 {label} 有多条记录，只采用第一条",
                                f"Employee {emp} has more than one record for {label}; "
                                f"the first is used", emp))
    if len(kept) < len(rows) or dup.any():  # else, as usual, no copies
        kept = kept[~dup]
        rows, pos, age = rows[kept], pos[kept], age[kept]
    return _Found(rows, keys["employee"], pos, age, depth), unreadable


def _history(records: pd.DataFrame, found: _Found, people: pd.DataFrame,
             policy: Policy) -> tuple[_Matrix, list[Problem]]:
    """The records of the months the review looks at, read, with the monthly metric filled in
    from the role's KPI items where blank, as a matrix; and the cells that could not be read,
    scores and items outside their metric's range among them (no verdict rests on them)."""
    rows, pos, age, ids = found.rows, found.pos, found.age, found.ids
    window, unreadable = schema.clean(schema.RECORDS, records, keys=HISTORY, rows=rows, ids=ids)
    now = np.flatnonzero(age == 0)
    this, more = schema.clean(schema.RECORDS, records, keys=THIS_MONTH, rows=rows[now], ids=ids)
    unreadable += more

    score = window["score"].to_numpy(float, copy=True)
    missing = np.flatnonzero(np.isnan(score))
    role = people["role"].to_numpy(object)[pos[missing]]
    for r in policy.roles:
        columns = [item.name for item in r.items]
        blank = missing[role == r.id] if columns else []
        if len(blank):
            scored, more = schema.clean(schema.RECORDS, records, item_fields(policy), keys=columns,
                                        rows=rows[blank], ids=ids)
            unreadable += more
            complete = scored.notna().all(axis=1).to_numpy()
            bounds = metric_bounds(policy, r)
            kpi, outside = kpi_scores(scored[columns][complete], item_weights(r), bounds)
            score[blank[complete]] = kpi.to_numpy()
            for at, item in zip(*np.nonzero(outside.to_numpy())):
                emp, value = people.index[pos[blank[complete][at]]], outside.index[at]
                at_zh, at_en = schema.where(schema.RECORDS, value, emp)
                given = scored.at[value, columns[item]]
                unreadable.append(Problem(
                    f"{at_zh}：「{r.items[item].name}」{given:g} 超出范围 {bounds[0]:g}–{bounds[1]:g}",
                    f"{at_en}: '{r.items[item].name_en}' {given:g} is outside {bounds[0]:g}–{bounds[1]:g}",
                    emp))

    metric_codes, metric_ids = pd.factorize(people["metric"].to_numpy(object))
    metrics = [policy.metric(m) for m in metric_ids]
    low = np.array([m.min for m in metrics] + [np.nan])[metric_codes]
    high = np.array([m.max for m in metrics] + [np.nan])[metric_codes]
    for i in np.flatnonzero((score < low[pos]) | (score > high[pos])):
        emp, m = people.index[pos[i]], metrics[metric_codes[pos[i]]]
        at_zh, at_en = schema.where(schema.RECORDS, window.index[i], emp)
        unreadable.append(Problem(  # never a verdict on a score the policy's range does not allow
            f"{at_zh}：{m.name} {score[i]:g} 超出范围 {m.min:g}–{m.max:g}",
            f"{at_en}: {m.name_en} {score[i]:g} is outside {m.min:g}–{m.max:g}", emp))
        score[i] = np.nan

    history = {"score": score, **{key: window[key].to_numpy() for key in HISTORY[1:]}}
    matrix = _Matrix((len(people), found.depth), pos, age, history, pos[now],
                     {key: this[key].to_numpy() for key in THIS_MONTH})
    return matrix, unreadable


def _depth(people: pd.DataFrame, policy: Policy) -> int:
    """How many months back from the review month any rule looks, the review month included."""
    s = policy.settings
    windows = people[["cycle", "leave_window", "demote_run"]].max().fillna(0)
    return int(max(12 if s.average_basis == "calendar_year" else s.average_window_months,
                   s.training_window_months, *windows, 1))


def _repeated(pos: np.ndarray, age: np.ndarray, depth: int) -> np.ndarray:
    """True for each (employee, month) pair seen before; counted on an employees × months
    grid, as hashing millions of pairs costs ten times more and repeats are rare."""
    if not len(pos):
        return np.zeros(0, bool)
    key = pos * depth + age
    if (pos.max() + 1) * depth > 50_000_000:  # a policy window of decades: hash after all
        return pd.Series(key).duplicated().to_numpy()
    counts = np.bincount(key)
    dup = np.zeros(len(key), bool)
    suspects = np.flatnonzero(counts[key] > 1)
    dup[suspects] = pd.Series(key[suspects]).duplicated().to_numpy()
    return dup


def _empty_table(people: pd.DataFrame) -> pd.DataFrame:
    return people[["name", "ladder", "level", "problem"]].copy()


class _Evaluation:
    """The review computed column by column; each method answers for all employees."""

    def __init__(self, people: pd.DataFrame, matrix: _Matrix, policy: Policy, month: int,
                 problems: list[Problem]):
        self.people = people
        self.problems = problems
        self.policy = policy
        self.month = month
        self.end = values.month_end(month)
        self.label = values.month_label(month)
        self.valid = (people["problem"] == "").to_numpy()
        self.n = len(people)
        self.matrix = matrix
        self.reasons = {"eligible": [], "demotion": [], "training": [], "pay": []}
        self._said, self._joined = {}, {}

    def say(self, kind: str, mask, zh, en, by=()) -> None:
        """Record a reason for the employees in `mask`. zh and en take row positions and return
        those rows' texts; `by` are the arrays the texts depend on, so that each distinct
        combination is written once and shared (most reasons repeat the same few numbers)."""
        rows = np.flatnonzero(np.asarray(mask, bool) & self.valid)
        if not len(rows):
            return
        inverse, first = _combinations([np.asarray(b)[rows] for b in by], len(rows))
        shown = rows[first]
        self.reasons[kind].append((rows, inverse, _texts(zh(shown), shown), _texts(en(shown), shown)))

    def said(self, kind: str) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Which reasons of `kind` each employee has, as a code per distinct combination; the
        first employee of each code; and per reason said, its text for each combination
        (-1: the combination lacks it)."""
        if kind not in self._said:
            codes = []
            for rows, inverse, *_ in self.reasons[kind]:
                codes.append(np.full(self.n, -1, np.int64))
                codes[-1][rows] = inverse
            combination, first = _combinations(codes, self.n)
            self._said[kind] = combination, first, [code[first] for code in codes]
        return self._said[kind]

    def joined(self, kind: str, lang: str) -> np.ndarray:
        """Each employee's reasons of `kind` in the order said, joined: put together once per
        distinct combination of reasons (a few thousand), then spread."""
        if (kind, lang) not in self._joined:
            combination, first, codes = self.said(kind)
            out = np.full(len(first), "", object)
            said = np.zeros(len(first), bool)
            for code, (_, _, *texts) in zip(codes, self.reasons[kind]):
                text = texts[lang == "en"]
                has = np.flatnonzero(code >= 0)
                code, more = code[has], said[has]
                out[has[~more]] = text[code[~more]]
                out[has[more]] += (_SEP[lang] + text)[code[more]]
                said[has] = True
            self._joined[kind, lang] = out[combination]
        return self._joined[kind, lang]

    def table(self) -> pd.DataFrame:
        p = self.people
        tenure = months_completed(p["hire_date"], self.end).to_numpy()
        in_level = months_completed(p["level_since"].fillna(p["hire_date"]), self.end).to_numpy()
        avg, avg_n = self.window_average()
        cycle_avg, cycle_n = self.matrix.window_mean(np.minimum(p["cycle"].to_numpy(int), self.on_rung))
        outcome = self.review_outcome(cycle_avg, cycle_n)
        eligible, eligible_in = self.eligibility(tenure, in_level, avg, avg_n, cycle_avg, outcome)
        demotion = self.demotion(outcome, cycle_avg)
        training = self.training(tenure)
        pay = self.pay(tenure)

        cycled = p["cycle"].to_numpy() > 0
        columns = {
            "name": p["name"], "ladder": p["ladder"], "ladder_name": p["ladder_name"],
            "ladder_name_en": p["ladder_name_en"], "rung": p["rung"],  # the rung held: its index on the ladder
            "level": np.where(p["rung_level"].notna(), p["rung_level"], p["level"]),  # as the policy names it
            "next_level": p["next_level"], "top": p["top"].astype(bool), "metric": p["metric"],
            "tenure_months": tenure, "months_in_level": in_level,
            "score": self.matrix.scores[:, 0],  # the review month's metric
            "average": avg, "average_months": avg_n,
            "cycle_average": np.where(cycled, cycle_avg, np.nan),
            "cycle_months": np.where(cycled, cycle_n, np.nan),
            **outcome,
            "eligible": eligible,
            "eligible_in": eligible_in,  # months until eligible if only time served stands in the way
            "reasons": self.joined("eligible", "zh"), "reasons_en": self.joined("eligible", "en"),
            "demotion_due": demotion,
            "demotion_reasons": self.joined("demotion", "zh"),
            "demotion_reasons_en": self.joined("demotion", "en"),
            "raise_min": p["raise_min"], "raise_max": p["raise_max"],
            "training_required": training,
            "training_reasons": self.joined("training", "zh"),
            "training_reasons_en": self.joined("training", "en"),
            "horizontal": p["horizontal"].fillna(""), "horizontal_en": p["horizontal_en"].fillna(""),
            **self.careers(eligible),
            **pay,
            "pay_detail": self.joined("pay", "zh"), "pay_detail_en": self.joined("pay", "en"),
            "problem": p["problem"],
        }
        # texts stay plain object columns, as in `people`; pandas would infer and copy them
        table = pd.DataFrame({k: pd.Series(v, p.index, dtype=object, copy=False)
                              if isinstance(v, np.ndarray) and v.dtype == object else v
                              for k, v in columns.items()}, index=p.index)
        for column in ("eligible", "demotion_due", "training_required"):
            table[column] = table[column].astype(object).where(self.valid, None)
        return table

    @cached_property
    def on_rung(self) -> np.ndarray:
        """Months of records that belong to the rung held: from the month 本职级起始日 (or the
        hire date) falls in to the review month; 0 when the rung begins after it. A rung is
        judged on its own months only (the cycle, the promotion average, the demotion run):
        someone just moved has no verdict on the new rung until its first month is on record."""
        start = self.people["level_since"].fillna(self.people["hire_date"])
        p_months = (start.dt.year * 12 + start.dt.month - 1).to_numpy(float)
        served = np.where(np.isnan(p_months), self.matrix.depth, self.month - p_months + 1)
        return np.clip(served, 0, self.matrix.depth).astype(int)

    def window_average(self):
        s = self.policy.settings
        window = self.month % 12 + 1 if s.average_basis == "calendar_year" else s.average_window_months
        return self.matrix.window_mean(np.minimum(np.full(self.n, window), self.on_rung))

    def review_outcome(self, avg: np.ndarray, count: np.ndarray) -> dict:
        """§3: the band of the cycle average, the probation repeat, HR's override, and notes."""
        p, bands, dismissal = self.people, self.policy.bands, self.policy.dismissal
        cycled = p["cycle"].to_numpy() > 0
        reviewed = cycled & self.valid & (count > 0)

        def band_of(x):
            conditions = [(x >= b.lower) if b.inclusive else (x > b.lower) for b in bands[:-1]]
            return np.select(conditions + [np.isfinite(x)], list(range(len(bands))), -1)

        def pick(values_, band):  # values_[band], with band -1 giving the first entry
            return np.asarray(values_, object)[band + 1]

        band = np.where(reviewed, band_of(avg), -1)
        outcome = pick([""] + [b.outcome for b in bands], band)
        outcome_en = pick([""] + [b.outcome_en for b in bands], band)
        move = np.array([0] + [b.move for b in bands])[band + 1]

        month_band = band_of(self.matrix.scores[:, 0])
        in_probation_band = np.array([False] + [b.probation for b in bands])[month_band + 1]
        until = p["probation_until"]
        on_probation = (until >= values.month_start(self.month)).fillna(False).to_numpy(bool)
        repeat = reviewed & on_probation & in_probation_band
        outcome[repeat], outcome_en[repeat], move[repeat] = dismissal.name, dismissal.name_en, -1

        override = self.matrix.this_month("override", None)
        by_name = {b.outcome: (b.outcome_en, b.move) for b in bands}
        by_name[dismissal.name] = (dismissal.name_en, -1)
        given = pd.notna(override) & self.valid & cycled
        known = pd.Series(override).isin(list(by_name)).to_numpy()
        for i in np.flatnonzero(given & ~known):
            emp = p.index[i]
            self.problems.append(Problem(
                f"工号 {emp}：部门审核结果「{override[i]}」不是评审结果（可选：{'、'.join(by_name)}）",
                f"Employee {emp}: review override '{override[i]}' is not an outcome "
                f"(one of {', '.join(by_name)})", emp))
        overridden = given & known
        for i in np.flatnonzero(overridden):
            outcome[i] = override[i]
            outcome_en[i], move[i] = by_name[outcome[i]]

        note, note_en = np.full(self.n, "", object), np.full(self.n, "", object)
        cases = (
            ((outcome != "") & (move > 0) & p["top"].to_numpy(bool),
             "已是最高职级，职级不变", "Already at the top rung; level unchanged"),
            ((outcome != "") & (move < 0) & p["bottom"].to_numpy(bool),
             "已是最低职级，职级不变", "Already at the bottom rung; level unchanged"),
            (cycled & self.valid & (count == 0),
             "评审周期内没有绩效记录", "No scores on record in the review cycle"),
            (cycled & self.valid & (count == 0) & (self.on_rung < p["cycle"].to_numpy()),
             "本职级尚无绩效记录，暂不评审", "No scores on record on this level yet; no verdict yet"),
        )
        for mask, zh, en in cases:
            note[mask], note_en[mask] = zh, en
        with_probation = {b.outcome for b in bands if b.probation}
        return {"outcome": outcome, "outcome_en": outcome_en, "outcome_move": move,
                "outcome_probation": np.isin(outcome, list(with_probation)),
                "overridden": overridden, "outcome_note": note, "outcome_note_en": note_en}

    def eligibility(self, tenure, in_level, avg, avg_n, cycle_avg, outcome) -> tuple[np.ndarray, np.ndarray]:
        """Who meets every criterion of the next rung, and in how many months each would if
        only time served (tenure, months in level) stands in the way (NaN: more than that)."""
        p, s = self.people, self.policy.settings
        ok = self.valid.copy()
        untimed = self.valid.copy()  # every criterion but time served is met

        def need(mask, zh, en, by=(), timed=False):
            nonlocal ok, untimed
            ok &= ~(np.asarray(mask, bool) & self.valid)
            if not timed:
                untimed &= ~(np.asarray(mask, bool) & self.valid)
            self.say("eligible", mask, zh, en, by)

        top = p["top"].to_numpy(bool)
        need(top, lambda r: "已是最高职级", lambda r: "already at the top rung")
        go = ~top

        need_tenure = p["need_tenure"].to_numpy(float)
        need(go & ~(tenure >= need_tenure),
             lambda r: "司龄 " + _g(tenure[r]) + " 个月 < " + _g(need_tenure[r]) + " 个月",
             lambda r: "tenure " + _g(tenure[r]) + " months < " + _g(need_tenure[r]) + " months",
             by=(tenure, need_tenure), timed=True)

        gm = p["gm_approval"].to_numpy(bool)
        wait = s.min_months_between_moves
        need(go & ~gm & ~(in_level >= wait),
             lambda r: "本职级 " + _g(in_level[r]) + f" 个月 < {wait} 个月（总经理特批可免）",
             lambda r: _g(in_level[r]) + f" months in level < {wait} months (GM approval waives this)",
             by=(in_level,), timed=True)

        need_avg = p["need_average"].to_numpy(float)
        metric_zh, metric_en = _plain(p["metric_name"]), _plain(p["metric_name_en"])
        window_zh, window_en = self._window_text()
        has_need = go & ~np.isnan(need_avg)
        need(has_need & (avg_n == 0),
             lambda r: window_zh + "无" + metric_zh[r] + "记录",
             lambda r: "no " + metric_en[r] + " on record in " + window_en, by=(metric_zh,))
        need(has_need & (avg_n > 0) & ~(avg >= need_avg - 1e-9),
             lambda r: "平均" + metric_zh[r] + " " + _fixed(avg[r], 2) + " < " + _g(need_avg[r]),
             lambda r: metric_en[r] + " average " + _fixed(avg[r], 2) + " < " + _g(need_avg[r]),
             by=(metric_zh, _rounded(avg, 2), need_avg))

        window = p["leave_window"].to_numpy(int)
        for column, limit, zh, en in (("sick_days", "max_sick", "病假", "sick leave"),
                                      ("personal_days", "max_personal", "事假", "personal leave")):
            taken, cap = self.matrix.window_sum(column, window), p[limit].to_numpy(float)
            need(go & (window > 0) & ~np.isnan(cap) & (taken > cap + 1e-9),
                 lambda r, t=taken, c=cap, z=zh: "近 " + _g(window[r]) + " 个月" + z + " "
                 + _g(t[r]) + " 天 > " + _g(c[r]) + " 天",
                 lambda r, t=taken, c=cap, e=en: e + " " + _g(t[r]) + " days > " + _g(c[r])
                 + " days in the last " + _g(window[r]) + " months", by=(window, taken, cap))

        duties, need_duties = p["duties"].to_numpy(float), p["need_duties"].to_numpy(float)
        has_duty_need = go & ~np.isnan(need_duties)
        need(has_duty_need & np.isnan(duties),
             lambda r: "未填写掌握技能数（需 " + _g(need_duties[r]) + " 项）",
             lambda r: "duties mastered not filled in (" + _g(need_duties[r]) + " needed)",
             by=(need_duties,))
        need(has_duty_need & (duties < need_duties),
             lambda r: "掌握职责 " + _g(duties[r]) + " 项 < " + _g(need_duties[r]) + " 项",
             lambda r: "duties mastered " + _g(duties[r]) + " < " + _g(need_duties[r]),
             by=(duties, need_duties))

        cycled = p["cycle"].to_numpy() > 0
        decided = outcome["outcome"] != ""
        need(go & cycled & decided & ~(outcome["outcome_move"] > 0), *_verdict(outcome, cycle_avg))
        need(go & cycled & ~decided, lambda r: outcome["outcome_note"][r],
             lambda r: outcome["outcome_note_en"][r])
        waiting = np.maximum(need_tenure - tenure, np.where(gm, 0, wait - in_level))
        return ok, np.where(ok, 0.0, np.where(untimed & go, np.maximum(waiting, 0), np.nan))

    def careers(self, eligible: np.ndarray) -> dict:
        """§5: the next rung with what it still needs, and the horizontal moves of the ladder,
        open from their rung on, else what comes first. The text follows from the rung,
        eligibility and the unmet criteria, so it is written once per distinct such triple."""
        p = self.people
        ready = eligible.astype(bool)
        inverse, first = _combinations([p["rung_row"].to_numpy(), ready, self.valid,
                                        self.said("eligible")[0]], self.n)
        rung = p.iloc[first]
        ready, valid = ready[first], self.valid[first]
        side_open = rung["side_open"].fillna(False).to_numpy(bool)
        out = {}
        for lang, en, colon, ok, opened, first_reach, sep, top in (
                ("zh", "", "：", "已符合条件", "可申请", "需先升至", "；", "已是最高职级"),
                ("en", "_en", ": ", "eligible", "open", "first reach ", "; ", "already at the top rung")):
            nxt, options = _plain(rung["next_level" + en]), _plain(rung["side_options" + en])
            why = np.where(ready, ok, self.joined("eligible", lang)[first])
            up = np.where(nxt != "", nxt + colon + why, top)
            side = np.where(side_open, opened, first_reach + _plain(rung["side_from" + en]))
            side = np.where(options != "", options + colon + side, "")
            text = np.where(side != "", up + sep + side, up)
            out["careers" + en] = np.where(valid, text, "").astype(object)[inverse]
        return out

    def _window_text(self) -> tuple[str, str]:
        s = self.policy.settings
        if s.average_basis == "calendar_year":
            return "本年度", "this calendar year"
        return f"近 {s.average_window_months} 个月", f"the last {s.average_window_months} months"

    def demotion(self, outcome: dict, cycle_avg: np.ndarray) -> np.ndarray:
        p = self.people
        bottom = p["bottom"].to_numpy(bool)

        run, below = p["demote_run"].to_numpy(int), p["demote_below"].to_numpy(float)
        scores = self.matrix.scores
        streak = np.minimum(_leading_run(scores < below[:, None]), self.on_rung)
        low = ~bottom & (run > 0) & (streak >= run)

        def run_values(r, sep):  # the run's coefficients, oldest first
            return np.array([sep.join(f"{v:g}" for v in scores[i, :run[i]][::-1]) for i in r], object)

        self.say("demotion", low,
                 lambda r: "连续 " + _g(run[r]) + " 个月绩效系数低于 " + _g(below[r]) + "（"
                 + run_values(r, "、") + "）",
                 lambda r: "coefficient below " + _g(below[r]) + " for " + _g(run[r])
                 + " months in a row (" + run_values(r, ", ") + ")",
                 by=(run, below, *scores[:, :max(run.max(initial=0), 1)].T))

        error = self.matrix.this_month("serious_error", False).astype(bool)
        on_error = ~bottom & error & p["demote_on_error"].to_numpy(bool)
        self.say("demotion", on_error, lambda r: f"{self.label} 有严重失误",
                 lambda r: f"serious error in {self.label}")

        down = ~bottom & (outcome["outcome_move"] < 0)
        self.say("demotion", down, *_verdict(outcome, cycle_avg))
        return (low | on_error | down) & self.valid

    def training(self, tenure) -> np.ndarray:
        """§5: bottom share of the ladder's ranking on the window average, a deduction, or new."""
        p, s = self.people, self.policy.settings
        w = s.training_window_months
        avg, n = self.matrix.window_mean(np.full(self.n, w))
        ranked = np.flatnonzero(self.valid)
        ladder = pd.factorize(p["ladder"].to_numpy(object)[ranked])[0]
        by_ladder = pd.Series(np.where(n > 0, avg, np.nan)[ranked]).groupby(ladder)
        rank = np.full(self.n, np.nan)
        size = np.full(self.n, np.nan)
        rank[ranked] = by_ladder.rank(ascending=False, method="min")
        size[ranked] = by_ladder.transform("count")
        bottom = rank > size - np.floor(size * s.training_bottom_share)
        share = f"{s.training_bottom_share:.0%}"
        self.say("training", bottom,
                 lambda r: f"近 {w} 个月排名 " + _g(rank[r]) + "/" + _g(size[r]) + f"，位于后 {share}",
                 lambda r: "ranked " + _g(rank[r]) + " of " + _g(size[r])
                 + f" over the last {w} months, in the bottom {share}", by=(rank, size))

        deduction = self.matrix.window_sum("business_deduction", np.full(self.n, w))
        deducted = deduction > 0
        self.say("training", deducted,
                 lambda r: f"近 {w} 个月业务扣分 " + _g(deduction[r]),
                 lambda r: "business deduction of " + _g(deduction[r]) + f" in the last {w} months",
                 by=(deduction,))

        new = tenure < s.training_new_staff_months
        self.say("training", new,
                 lambda r: "入职 " + _g(tenure[r]) + f" 个月，不满 {s.training_new_staff_months} 个月",
                 lambda r: "employed " + _g(tenure[r]) + f" months, under {s.training_new_staff_months}",
                 by=(tenure,))
        return (bottom | deducted | new) & self.valid

    def pay(self, tenure) -> dict:
        """§4: the review month's allowances and penalties, base pay, and the absence flag."""
        p, pay = self.people, self.policy.pay

        def this_month(key):
            return self.matrix.this_month(key, 0).astype(float)

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
                return lambda r: head + " " + _signed(amount[r])
            return lambda r: head + _g(count[r]) + tail + " " + _signed(amount[r])

        for amount, count, zh, en in items:
            self.say("pay", amount != 0, line(zh, amount, count), line(en, amount, count),
                     by=(amount,) if count is None else (amount, count))

        on_probation = tenure < self.policy.settings.new_staff_probation_months
        base = np.where(on_probation, pay.probation_pay, p["base_pay"].to_numpy(float))
        absence = this_month("absence_days")
        return {"pay_adjust": np.where(self.valid, sum(a for a, *_ in items), np.nan),
                "base_pay": np.where(self.valid, base, np.nan),
                "perf_pay": np.where(self.valid, self.performance_pay(), np.nan),
                "on_probation": on_probation,
                "position_allowance": p["position_allowance"].to_numpy(float),
                "absence_days": absence,
                "absence_flag": pd.Series(absence > pay.absence_resignation_days).astype(object)
                .where(self.valid, None).to_numpy()}

    def performance_pay(self) -> np.ndarray:
        """§3: the metric's pay formula on the rung's base and the review month's metric."""
        p, out = self.people, np.full(self.n, np.nan)
        for metric in self.policy.metrics:
            rows = (p["metric"] == metric.id).to_numpy()
            if metric.pay_formula and rows.any():
                formula = pay_formula.parse(metric.pay_formula)
                out[rows] = formula(p["perf_pay_base"].to_numpy(float)[rows], self.matrix.scores[rows, 0])
        return out


def _verdict(outcome: dict, cycle_avg: np.ndarray):
    """The reason "the cycle review says …": (zh, en, by) for `say`."""
    return (lambda r: "周期评审结果为「" + outcome["outcome"][r] + "」（周期平均 " + _fixed(cycle_avg[r], 1) + "）",
            lambda r: "the cycle review says '" + outcome["outcome_en"][r] + "' (cycle average "
            + _fixed(cycle_avg[r], 1) + ")",
            (outcome["outcome"], _rounded(cycle_avg, 1)))


def _signed(amount: np.ndarray) -> np.ndarray:
    return np.where(amount < 0, "−", "+").astype(object) + _g(np.abs(amount))


def _plain(column: pd.Series) -> np.ndarray:
    """A text column as plain strings, blank for missing."""
    return column.astype(object).where(column.notna(), "").to_numpy(object)


def _combinations(arrays, size: int) -> tuple[np.ndarray, np.ndarray]:
    """A code for each of `size` positions by its distinct combination of values in `arrays`,
    and the first position of each code: by hashing, not sorting, and compacted only when
    the combined number could overflow."""
    key, span = np.zeros(size, np.int64), 1
    for a in arrays:
        a = np.asarray(a)
        if a.dtype == bool:
            codes, count = a.astype(np.int64), 2
        else:
            codes, uniques = pd.factorize(a, use_na_sentinel=True)
            codes, count = codes + 1, len(uniques) + 1
        if span * count >= 2 ** 62:
            key, span = pd.factorize(key)[0], size
        key, span = key * count + codes, span * count
    inverse = pd.factorize(key)[0]
    # factorize numbers in order of appearance: a code is new where it passes all before it
    return inverse, np.flatnonzero(np.diff(np.maximum.accumulate(inverse), prepend=-1) > 0)


def _looked_up(arrays, find) -> np.ndarray:
    """`find(position)` once per distinct combination of `arrays`, spread to every position."""
    inverse, first = _combinations(arrays, len(arrays[0]))
    return np.array([find(i) for i in first], np.intp)[inverse]


def _texts(text, rows) -> np.ndarray:
    """A reason's texts for `rows`: an array as built, or one string for all of them."""
    return np.full(len(rows), text, object) if isinstance(text, str) else np.asarray(text, object)


_SMALL = np.array([str(i) for i in range(1000)], object)  # most numbers in reasons are these


def _g(x) -> np.ndarray:
    """Numbers as HR writes them (18, 1.2, 3.5, 25000), as an object array of text."""
    x = np.asarray(x, float)
    whole = (x == np.floor(x)) & (np.abs(x) < 1e15)
    small = whole & (x >= 0) & (x < len(_SMALL))
    out = _SMALL[np.where(small, x, 0).astype(np.intp)]
    large = whole & ~small
    out[large] = x[large].astype(np.int64).astype(str)
    out[~whole] = [f"{v:g}" for v in x[~whole]]
    return out


def _rounded(x, digits: int) -> np.ndarray:
    """x × 10^digits rounded half up as Excel shows it: 73.25 → 733 and 1.205 → 121 for
    two digits, though in binary 1.205 × 100 is 120.49999999999999."""
    return np.floor(np.round(np.asarray(x, float) * 10 ** digits, 6) + 0.5)


def _fixed(x, digits: int) -> np.ndarray:
    """Numbers with a fixed count of decimals (1.19, 80.0), as an object array of text."""
    scaled = _rounded(x, digits).astype(np.int64)
    whole = (np.abs(scaled) // 10 ** digits).astype(str).astype(object)
    part = np.char.zfill((np.abs(scaled) % 10 ** digits).astype(str), digits).astype(object)
    sign = np.where(scaled < 0, "-", "").astype(object)
    return sign + whole + "." + part


def _leading_run(hit: np.ndarray) -> np.ndarray:
    """How many months in a row, back from the review month, `hit` holds."""
    misses = ~hit
    return np.where(misses.any(axis=1), misses.argmax(axis=1), hit.shape[1])


class _Matrix:
    """Monthly records as employee × month arrays, column 0 the review month, then backwards:
    `history` columns at (`rows`, `ages`), and the review month's `now` columns at `now_rows`."""

    def __init__(self, shape: tuple[int, int], rows: np.ndarray, ages: np.ndarray, history: dict,
                 now_rows: np.ndarray, now: dict):
        self.shape, self.depth = shape, shape[1]
        self.rows, self.cols, self.columns = rows, ages, history
        self.now_rows, self.now = now_rows, now
        self.scores = np.full(shape, np.nan)
        self.scores[rows, ages] = history["score"]
        present = ~np.isnan(self.scores)
        self._score_sums = np.cumsum(np.where(present, self.scores, 0.0), axis=1)
        self._score_counts = np.cumsum(present, axis=1)

    def window_sum(self, column: str, window: np.ndarray) -> np.ndarray:
        """Sum over each employee's last `window` months (0: nothing), blanks counting 0."""
        inside = np.flatnonzero(self.cols < window[self.rows])
        amounts = np.nan_to_num(self.columns[column][inside].astype(float), copy=False)
        return np.bincount(self.rows[inside], weights=amounts, minlength=self.shape[0])

    def window_mean(self, window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean score over each employee's last `window` months, and how many months had one."""
        sums, counts = self._score_sums, self._score_counts
        total = np.zeros(self.shape[0])
        count = np.zeros(self.shape[0])
        has = window > 0
        rows = np.flatnonzero(has)
        idx = np.minimum(window[has], self.depth) - 1
        total[rows], count[rows] = sums[rows, idx], counts[rows, idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan), count

    def this_month(self, column: str, blank) -> np.ndarray:
        """The review month's value of `column` for each employee; `blank` where there is no
        record or its cell is blank."""
        values_ = self.now[column]
        out = np.full(self.shape[0], blank, values_.dtype)
        out[self.now_rows] = values_
        if out.dtype.kind == "f":
            out[np.isnan(out)] = blank
        return out
