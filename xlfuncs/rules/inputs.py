"""The review's inputs: the roster keyed by employee with each rung's parameters, the months
of the records, and the records the review looks at laid out as an employee × month matrix,
newest month first, so that every trailing window ("the last N months") is a prefix of a row
and costs one cumulative sum, whatever N each employee's rung asks for. Cells that cannot be
read are problems that hold up their employee's review."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema, values
from ..policy import Policy
from ..problems import Problem
from .kpi import DECIMALS, item_fields, item_weights, kpi_scores, metric_bounds
from .reasons import combinations
from .rungs import rung_table


# What a review reads of the monthly records besides the month and employee of every row:
# these over the months its windows reach back, and these of the review month alone.
HISTORY = ("score", "sick_days", "personal_days", "business_deduction")


THIS_MONTH = ("serious_error", "override", "absence_days", "own_computer", "overtime_days",
              "offsite_days", "unreachable", "late_replies", "major_complaints")


def bad_month(as_of) -> Problem:
    return Problem(f"评审月份「{as_of}」无法识别（应如 2026-10）",
                   f"Review month '{as_of}' is not a month (e.g. 2026-10)")


def review_month(as_of, months: np.ndarray, problems: list[Problem]) -> int | None:
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


def latest_month(records: pd.DataFrame) -> int | None:
    """The month a review is of when none is named: the latest on record (None: none)."""
    return review_month(None, read_months(records)[0], [])


def read_people(roster: pd.DataFrame, policy: Policy, problems: list[Problem]) -> pd.DataFrame:
    """The roster keyed by employee id, each with its rung's parameters, or a problem."""
    roster = roster[roster["employee"].notna().to_numpy()]
    dup = roster["employee"].duplicated(keep="first").to_numpy()  # on the category codes
    twice = {}
    for emp in roster.loc[dup, "employee"].unique():
        rows = [schema.where(schema.ROSTER, r)[0] for r in roster.index[(roster["employee"] == emp).to_numpy()]]
        rows_en = [schema.where(schema.ROSTER, r)[1] for r in roster.index[(roster["employee"] == emp).to_numpy()]]
        twice[emp] = Problem(f"{'、'.join(rows)} 都是工号 {emp}：每人只能有一行，请删去或改正多余的行",
                             f"{', '.join(rows_en)} all have employee ID {emp}: one row per person; "
                             f"remove or correct the extra rows", emp)
        problems.append(twice[emp])
    roster = roster[~dup].astype({"employee": object})
    roster = roster.assign(sheet_row=roster.index).set_index("employee", drop=False)

    ladder = values.by_distinct(roster["ladder"], lambda v: getattr(policy.ladder(v), "id", None))[0]

    rungs = rung_table(policy)
    by_name = {(lad, values.fold(name)): i for i, (lad, *names) in
               enumerate(zip(rungs["ladder"], rungs["level"], rungs["level_en"])) for name in names}
    raw_ladder, raw_level = roster["ladder"].to_numpy(object), roster["level"].to_numpy(object)
    row = looked_up((ladder, raw_level), lambda i: by_name.get(  # -1: none
        (ladder[i], values.fold(raw_level[i]) if isinstance(raw_level[i], str) else None), -1))

    problem = np.array([twice.get(emp) for emp in roster.index], object)  # a Problem record, or None
    at = roster["sheet_row"].to_numpy(object)
    for i in np.flatnonzero(pd.isna(ladder) & pd.notna(raw_ladder)):
        emp, names = roster.index[i], "、".join(ld.name for ld in policy.ladders)
        names_en = ", ".join(ld.name_en for ld in policy.ladders)
        at_zh, at_en = schema.where(schema.ROSTER, at[i], emp)
        p = Problem(f"{at_zh}：未知序列「{raw_ladder[i]}」（可选：{names}）",
                    f"{at_en}: unknown ladder '{raw_ladder[i]}' (one of {names_en})", emp)
        problems.append(p)
        problem[i] = p
    for i in np.flatnonzero(pd.notna(ladder) & (row < 0) & pd.notna(raw_level)):
        emp, lad = roster.index[i], policy.ladder(ladder[i])
        at_zh, at_en = schema.where(schema.ROSTER, at[i], emp)
        p = Problem(f"{at_zh}：序列「{lad.name}」没有职级「{raw_level[i]}」"
                    f"（可选：{'、'.join(r.name for r in lad.rungs)}）",
                    f"{at_en}: ladder {lad.id} has no level '{raw_level[i]}' "
                    f"(one of {', '.join(r.name_en or r.name for r in lad.rungs)})", emp)
        problems.append(p)
        problem[i] = p

    rung = rungs.drop(columns=["ladder"]).rename(columns={"level": "rung_level"}).reindex(row)  # -1: blanks
    rung = rung.fillna({"top": False, "bottom": False, "cycle": 0, "leave_window": 0,
                        "demote_run": 0, "demote_on_error": False, "next_level": ""})
    rung.index = roster.index
    plain = {"ladder": ladder, "problem": problem}  # object columns, not inferred as str
    roster = roster.assign(**{k: pd.Series(v, roster.index, dtype=object) for k, v in plain.items()})
    return pd.concat([roster.assign(rung_row=row), rung], axis=1)


def dates_out_of_order(people: pd.DataFrame, month: int) -> tuple[list[Problem], list[Problem]]:
    """Roster dates that cannot both be right: 本职级起始日 or 试用期截止 before 入职日期 (problems);
    and people hired after the review month, who are not reviewed in it (their own note, which
    holds up no one else: a close of October is not stopped by a hire of November)."""
    end = values.month_end(month)
    hired = people["hire_date"]
    wrong, later = [], []
    for key in ("level_since", "probation_until"):
        f, h = schema.ROSTER.field(key), schema.ROSTER.field("hire_date")
        for emp in people.index[(people[key] < hired).to_numpy()]:
            at_zh, at_en = schema.where(schema.ROSTER, people.at[emp, "sheet_row"], emp)
            given, hire = people.at[emp, key].date(), hired[emp].date()
            wrong.append(Problem(f"{at_zh}：「{f.zh}」{given} 早于「{h.zh}」{hire}",
                                 f"{at_en}: '{f.en}' {given} is before the '{h.en}' {hire}", emp))
    for emp in people.index[(hired > end).to_numpy()]:
        at_zh, at_en = schema.where(schema.ROSTER, people.at[emp, "sheet_row"], emp)
        label, hire = values.month_label(month), hired[emp].date()
        later.append(Problem(f"{at_zh}：入职日期 {hire} 晚于评审月份 {label}，本月不评审",
                             f"{at_en}: hired on {hire}, after the review month {label}; not reviewed in it",
                             emp))
    return wrong, later


def looked_up(arrays, find) -> np.ndarray:
    """`find(position)` once per distinct combination of `arrays`, spread to every position."""
    inverse, first = combinations(arrays, len(arrays[0]))
    return np.array([find(i) for i in first], np.intp)[inverse]


def blocked(people: pd.DataFrame, unreadable: list[Problem]) -> pd.DataFrame:
    """People with the first unreadable input of each, if any, in `problem` (the Problem
    record): their review is not computed, as it would rest on it."""
    problem = people["problem"].to_numpy(object).copy()
    at = pd.Series(np.arange(len(people)), index=people.index)
    for p in unreadable:
        if p.employee in at.index and problem[at[p.employee]] is None:
            problem[at[p.employee]] = p
    return people.assign(problem=pd.Series(problem, people.index, dtype=object))


def read_months(records: pd.DataFrame) -> tuple[np.ndarray, list[Problem]]:
    """The month of every record (NaN: none), and a problem naming the employee for each
    record whose month cannot be read."""
    months, problems = schema.clean(schema.RECORDS, records, keys=("month",))
    if problems:
        bad = np.flatnonzero(months["month"].isna().to_numpy())
        problems = schema.clean(schema.RECORDS, records, keys=("month", "employee"), rows=bad)[1]
    return months["month"].to_numpy(float), problems


@dataclass
class Found:
    """The records the review reads, one per employee and month: their positions in the
    records, their employee ids (by row label), the employee's row in `people`, and how many
    months before the review month each is (0 to depth - 1)."""

    rows: np.ndarray
    ids: pd.Series
    pos: np.ndarray
    age: np.ndarray
    depth: int


def find_records(records: pd.DataFrame, months: np.ndarray, month: int, depth: int,
                 people: pd.DataFrame, problems: list[Problem]) -> tuple[Found, list[Problem]]:
    """The records of the `depth` months up to `month` and whose they are, and the id cells
    that cannot be read; strangers and repeats are left out and said in `problems`."""
    rows = np.flatnonzero((months <= month) & (months > month - depth))
    keys, unreadable = schema.clean(schema.RECORDS, records, keys=("employee",), rows=rows)
    employees = keys["employee"].astype("category")
    codes, ids = employees.cat.codes.to_numpy(), employees.cat.categories
    known = people.index.get_indexer(ids)
    pos = np.append(known, -2)[codes]  # -1: not on the roster, -2: blank (said by the schema)
    history = {values.fold(name) for name in schema.RECORDS.names}
    strange = np.flatnonzero(pos == -1)  # each stranger's rows counted and the first found in one pass
    _, first_at, count = np.unique(codes[strange], return_index=True, return_counts=True)
    for at, n in zip(strange[first_at], count):
        problems.append(_stranger(records.index[rows[at]], int(n), ids[codes[at]], history))
    age = month - months[rows].astype(np.int64)
    kept = np.flatnonzero(pos >= 0)
    dup = repeated(pos[kept], age[kept], depth)
    first = {}  # each repeated pair's first record, looked for only where a pair repeats (rarely)
    if dup.any():
        for i in kept[~dup]:
            first.setdefault((pos[i], age[i]), i)
    for i in kept[dup]:
        emp, label = ids[codes[i]], values.month_label(month - age[i])
        one, two = records.index[rows[first[(pos[i], age[i])]]], records.index[rows[i]]
        if isinstance(one, tuple) and (values.fold(one[0]) in history) != (values.fold(two[0]) in history):
            continue  # a month sheet put back beside History's rows of its month: the month sheet is read
        (one_zh, one_en), (two_zh, two_en) = (schema.where(schema.RECORDS, at, emp) for at in (one, two))
        unreadable.append(Problem(f"{one_zh}与{two_zh}都是 {label} 的记录：每人每月一条，请删去一条",
                                  f"{one_en} and {two_en} are both records of {label}: one per person and "
                                  f"month; remove one", emp))
    if len(kept) < len(rows) or dup.any():  # else, as usual, no copies
        kept = kept[~dup]
        rows, pos, age = rows[kept], pos[kept], age[kept]
    return Found(rows, keys["employee"], pos, age, depth), unreadable


def _stranger(first, rows: int, emp: str, history: set[str]) -> Problem:
    """The `rows` records of an employee not on the roster, which no review counts, named by the
    first (its label): on a month sheet most likely a hire not added to the roster yet or a
    mistyped id; in History most likely someone who has left."""
    where_zh, where_en = schema.where(schema.RECORDS, first)
    more_zh, more_en = (f"等 {rows} 行", f" and {rows - 1} more") if rows > 1 else ("", "")
    if values.CHINESE.search(emp):  # no id: a total (合计) or a note typed under the records
        return Problem(f"{where_zh}{more_zh}：工号列是「{emp}」，不是工号：合计、备注请写在记录以外，或删除该行",
                       f"{where_en}{more_en}: the id column holds '{emp}', which is no employee id: a total or a note "
                       f"belongs outside the rows of records, or delete the row", emp)
    if isinstance(first, tuple) and values.fold(first[0]) not in history:
        return Problem(f"{where_zh}{more_zh}：工号 {emp} 不在员工名册中，未计入：请在员工名册中加上此人，或改正工号",
                       f"{where_en}{more_en}: employee {emp} is not on the roster, so not counted: add them to the "
                       f"roster, or correct the ID", emp)
    return Problem(f"{where_zh}{more_zh}：工号 {emp} 不在员工名册中（已离职？），未计入",
                   f"{where_en}{more_en}: employee {emp} is not on the roster (left?), so not counted", emp)


def read_history(records: pd.DataFrame, found: Found, people: pd.DataFrame,
                 policy: Policy) -> tuple[Matrix, list[Problem]]:
    """The records of the months the review looks at, read, with the monthly metric filled in
    from the role's KPI items where blank, as a matrix; and the cells that could not be read,
    scores and items outside their metric's range among them (no verdict rests on them)."""
    rows, pos, age, ids = found.rows, found.pos, found.age, found.ids
    window, unreadable = schema.clean(schema.RECORDS, records, keys=HISTORY, rows=rows, ids=ids)
    now = np.flatnonzero(age == 0)
    this, more = schema.clean(schema.RECORDS, records, keys=THIS_MONTH, rows=rows[now], ids=ids)
    unreadable += more
    f = schema.RECORDS.field("override")
    for at, given in this["override"].dropna().items():  # an outcome, as HR may type it: read as the policy names it
        this.at[at, "override"] = policy.outcome(given)
        if this.at[at, "override"] is None:
            emp = ids.at[at]
            at_zh, at_en = schema.where(schema.RECORDS, at, emp)
            names, names_en = zip(*policy.outcomes())
            unreadable.append(Problem(f"{at_zh}：「{f.zh}」「{given}」不是评审结果（可选：{'、'.join(names)}）",
                                      f"{at_en}: '{f.en}' '{given}' is not an outcome (one of "
                                      f"{', '.join(names_en)})", emp))

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
    matrix = Matrix((len(people), found.depth), pos, age, history, pos[now],
                    {key: this[key].to_numpy() for key in THIS_MONTH})
    return matrix, unreadable


def depth(people: pd.DataFrame, policy: Policy) -> int:
    """How many months back from the review month any rule looks, the review month included."""
    s = policy.settings
    windows = people[["cycle", "leave_window", "demote_run"]].max().fillna(0)
    return int(max(12 if s.average_basis == "calendar_year" else s.average_window_months,
                   s.training_window_months, *windows, 1))


def repeated(pos: np.ndarray, age: np.ndarray, depth: int) -> np.ndarray:
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


def empty_table(people: pd.DataFrame) -> pd.DataFrame:
    return people[["name", "ladder", "level", "problem"]].copy()


def leading_run(hit: np.ndarray) -> np.ndarray:
    """How many months in a row, back from the review month, `hit` holds."""
    misses = ~hit
    return np.where(misses.any(axis=1), misses.argmax(axis=1), hit.shape[1])


class Matrix:
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
        with np.errstate(invalid="ignore", divide="ignore"):  # 60.65, not 60.650000000000006
            return np.where(count > 0, np.round(total / count, DECIMALS), np.nan), count

    def this_month(self, column: str, blank) -> np.ndarray:
        """The review month's value of `column` for each employee; `blank` where there is no
        record or its cell is blank."""
        values_ = self.now[column]
        out = np.full(self.shape[0], blank, values_.dtype)
        out[self.now_rows] = values_
        if out.dtype.kind == "f":
            out[np.isnan(out)] = blank
        return out
