"""The Excel face: the functions HR types into cells. xlwings' `UDF MODULES` is `xlfuncs.udfs`.

Each function cleans its arguments, asks the rules, and shapes the answer the way Excel wants it:
one value for one employee, a column for a column of employees. The per-employee functions read
the calling workbook (roster, monthly records, policy sheet) through `book.read`, once per
recalculation whatever the number of formula cells; those reads are invisible to Excel's
dependency tree, so the functions are volatile.

Classic xlwings cannot hand Excel a true error value (xlwings issue #776): an error comes back
as a `CellError`, text that starts with the Excel error it stands for (#N/A, #VALUE!) and says
what is wrong in Chinese and English. Being text, IFERROR does not catch it; ISTEXT does, and
the headless recalculation writes a true error value in its place. Off Windows the xlwings
decorators do nothing, so these are plain functions that tests and `ladderbook recalc` call.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlwings as xw

from . import book, schema, values
from .policy import Policy, default_policy
from .problems import Problem
from .rules import Review, bad_month, evaluate

CATEGORY = "ladderbook"
MAX_TEXT = 255  # longer strings inside an array result come out as #VALUE! (xlwings #456)
NEW_RECALCULATION_AFTER = 0.3  # seconds without a call: the next call starts a new recalculation

EMPLOYEE_DOC = "工号，或一列工号 | an employee id, or a column of ids"
AS_OF_DOC = "评审月份，如 2026-10；省略则为最近有记录的月份 | review month, e.g. 2026-10; blank: the latest on record"


class CellError(str):
    """Text standing for an Excel error: '#N/A 工号 9 不在员工名册中 | Employee 9 is not…'."""

    def __new__(cls, code: str, zh: str, en: str):
        text = f"{code} {zh} | {en}"
        if len(text) > MAX_TEXT:
            text = text[: MAX_TEXT - 1] + "…"
        error = super().__new__(cls, text)
        error.code = code
        return error


def _fail(code: str, problem: Problem) -> CellError:
    return CellError(code, problem.zh, problem.en)


def _guarded(udf):
    """Whatever goes wrong inside comes back as a message in the cell, never a traceback."""
    @functools.wraps(udf)
    def run(*args, **kwargs):
        try:
            return udf(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 (the cell is the only place left to say it)
            return CellError("#VALUE!", f"计算出错，请把此信息发给维护人员：{type(err).__name__}: {err}",
                             f"internal error, please report: {type(err).__name__}: {err}")
    return run


# ---- the calling workbook, read once per recalculation -------------------------------------

class XlwingsBook:
    """A workbook open in Excel as a `book.Source`: one bulk read per sheet."""

    def __init__(self, xl_book):
        self.book = xl_book
        self.key = xl_book.fullname

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def values(self, sheet: str) -> list[list]:
        sheet = self.book.sheets[sheet]
        last = sheet.used_range.last_cell
        return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value


@dataclass
class _Session:
    inputs: book.Inputs
    reviews: dict = field(default_factory=dict)  # review month → Review
    answers: dict = field(default_factory=dict)  # (review month, question) → {employee: answer}
    last_call: float = 0.0


_sessions: dict = {}  # Excel's open books by full name
_clock = time.monotonic


def _session(caller) -> _Session:
    """The inputs of the calling workbook for this recalculation.

    A `book.Source` handed in directly (the headless recalculation, the tests) is one
    recalculation: its session lives on it. A workbook open in Excel is read again when a call
    comes after a pause, which is how a new recalculation shows (Excel calls the functions of
    one recalculation back to back).
    """
    if hasattr(caller, "sheet_names"):
        if not hasattr(caller, "ladderbook_session"):
            caller.ladderbook_session = _Session(book.read(caller))
        return caller.ladderbook_session
    source = XlwingsBook(caller.sheet.book)
    now = _clock()
    session = _sessions.get(source.key)
    if session is None or now - session.last_call > NEW_RECALCULATION_AFTER:
        session = _sessions[source.key] = _Session(book.read(source))
    session.last_call = now
    return session


def _policy(caller) -> Policy | CellError:
    if caller is None:
        return default_policy()
    inputs = _session(caller).inputs
    if inputs.policy is None:
        return _policy_error(inputs.problems)
    return inputs.policy


def _policy_error(problems: list[Problem]) -> CellError:
    first = problems[0] if problems else Problem("政策有误", "The policy has problems")
    return CellError("#VALUE!", f"政策表有误（共 {len(problems)} 处，见 POLICY_CHECK()）：{first.zh}",
                     f"the policy sheet has {len(problems)} problem(s), see POLICY_CHECK(): {first.en}")


def _review(session: _Session, as_of) -> Review | CellError:
    inputs = session.inputs
    if inputs.policy is None:
        return _policy_error(inputs.problems)
    if inputs.problems:
        return _fail("#VALUE!", inputs.problems[0])
    month = None if values.is_blank(as_of) else values.month(as_of)
    if month is values.INVALID:
        return _fail("#VALUE!", bad_month(as_of))
    if month not in session.reviews:
        label = None if month is None else values.month_label(month)
        session.reviews[month] = evaluate(inputs.roster, inputs.records, inputs.policy, label)
    review = session.reviews[month]
    if review.month is None:
        return _fail("#N/A", review.problems[0])
    return review


# ---- shaping answers ---------------------------------------------------------------------

def _is_range(value) -> bool:
    return isinstance(value, (list, tuple))


def _cells(value) -> tuple[list, bool]:
    """The employee cells of an argument, and whether it was a range (a column answers it)."""
    if not _is_range(value):
        return [value], False
    rows = [row if _is_range(row) else [row] for row in value]
    return [row[0] if row else None for row in rows], True


def _per_employee(employee, caller, as_of, question: str, answer=None):
    """Each employee's answer, as one value or a column of values. `answer(table)` answers
    for every employee of the review at once (default: the review's column `question`); it
    runs once per recalculation and question, so single-cell formulas cost a lookup each."""
    if caller is None:
        review = CellError("#VALUE!", "此函数需在工作簿中使用", "this function reads the calling workbook")
    else:
        session = _session(caller)
        review = _review(session, as_of)
    cells, is_range = _cells(employee)
    if isinstance(review, CellError):
        out = [review if not values.is_blank(c) else "" for c in cells]
    else:
        answers = _answers(session, review, question, answer or (lambda t: t[question]))
        ids, bad = values.employee_ids(pd.Series(cells, dtype=object))
        out = []
        for raw, emp, unreadable in zip(cells, ids, bad):
            if values.is_blank(raw):
                out.append("")
            elif unreadable or emp not in answers:
                shown = raw if unreadable else emp
                out.append(CellError("#N/A", f"工号 {shown} 不在员工名册中", f"employee {shown} is not on the roster"))
            else:
                out.append(answers[emp])
    return [[v] for v in out] if is_range else out[0]


def _answers(session: _Session, review: Review, question: str, answer) -> dict:
    cache = session.answers
    key = (review.month, question)
    if key not in cache:
        table = review.table
        given = [_excel(v) for v in answer(table)]
        problems = [CellError("#VALUE!", *p.split(" | ", 1)) if p else None for p in table["problem"]]
        cache[key] = {emp: problem or value for emp, problem, value in zip(table.index, problems, given)}
    return cache[key]


def _no_cycle(table: pd.DataFrame, value: pd.Series) -> list:
    """`value` where the rung is band-reviewed and has scores in the cycle, else why not."""
    none = CellError("#N/A", "该职级不按周期评审", "this rung has no review cycle")
    return [none if pd.isna(months) else CellError("#N/A", zh, en) if months == 0 else v
            for months, v, zh, en in zip(table["cycle_months"], value, table["outcome_note"],
                                         table["outcome_note_en"])]


def _in(lang, column: str) -> str:
    """`column`, or its English twin when `lang` says en."""
    return f"{column}_en" if str(lang or "").strip().lower() == "en" else column


def _excel(value):
    """A Python answer as Excel takes it: numbers as floats, texts capped, rows as lists."""
    if isinstance(value, CellError):
        return value
    if isinstance(value, (list, tuple)):
        return [_excel(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[: MAX_TEXT - 1] + "…"
    return value


# ---- per employee --------------------------------------------------------------------------

@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def PROMO_ELIGIBLE(employee, as_of=None, caller=None):
    """是否符合晋升到下一职级的条件（TRUE/FALSE）| Whether the employee meets every criterion of the next rung."""
    return _per_employee(employee, caller, as_of, "eligible")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("lang", doc="zh（默认）或 en | zh (default) or en")
@_guarded
def PROMO_REASON(employee, as_of=None, lang=None, caller=None):
    """不符合晋升条件的原因（实际值与要求），符合则为空 | Why not eligible, each unmet criterion with actual vs required; empty when eligible."""
    return _per_employee(employee, caller, as_of, _in(lang, "reasons"))


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@_guarded
def NEXT_LEVEL(employee, caller=None):
    """下一职级的名称（已是最高职级则为空）| The next rung's name; empty at the top rung."""
    return _per_employee(employee, caller, None, "next_level")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("lang", doc="zh（默认）或 en | zh (default) or en")
@_guarded
def CAREER_OPTIONS(employee, as_of=None, lang=None, caller=None):
    """发展方向：下一职级及尚缺条件，以及可横向发展的去向 | Career options: the next rung and what it still needs, and the horizontal moves."""
    return _per_employee(employee, caller, as_of, _in(lang, "careers"))


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc="工号（或一列工号），或原职级名称 | employee id (or a column), or the rung moved from")
@xw.arg("to_level", doc="目标职级（按职级查询时填写）| the rung moved to (when asking for two rungs)")
@_guarded
def RAISE_RANGE(employee, to_level=None, caller=None):
    """晋升下一职级的加薪范围 {下限, 上限}（元/月，向右两格）| Raise range {min, max} of the next step, CNY per month, spilling right."""
    if not values.is_blank(to_level):
        return _raise_between(employee, to_level, caller)

    top = CellError("#N/A", "已是最高职级", "already at the top rung")
    none = CellError("#N/A", "政策未规定该步的加薪范围", "the policy sets no raise for this step")

    def answer(t):
        return [(top if is_top else none) if pd.isna(lo) else [lo, hi]
                for lo, hi, is_top in zip(t["raise_min"], t["raise_max"], t["top"])]

    result = _per_employee(employee, caller, None, "raise", answer)
    if _is_range(employee):  # a column in: a row of two for each employee
        return [cell if isinstance(cell, list) else [cell, cell] for (cell,) in result]
    return [result] if isinstance(result, list) else result


def _raise_between(frm, to, caller):
    policy = _policy(caller)
    if isinstance(policy, CellError):
        return policy
    frm, to = str(frm).strip(), str(to).strip()
    for ladder in policy.ladders:
        i, j = ladder.rung_index(frm), ladder.rung_index(to)
        if i is None or j is None:
            continue
        found = policy.raise_range(ladder, i, j)
        if found:
            return [[float(found[0]), float(found[1])]]
        if j != i + 1:
            return CellError("#N/A", f"「{frm}」到「{to}」不是相邻的晋升，政策未规定加薪范围",
                             f"'{frm}' to '{to}' is not a one-rung step up; the policy sets no raise")
        return CellError("#N/A", f"政策未规定「{frm}」到「{to}」的加薪范围",
                         f"the policy sets no raise from '{frm}' to '{to}'")
    return CellError("#N/A", f"没有同时包含「{frm}」和「{to}」的序列",
                     f"no ladder has both '{frm}' and '{to}'")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def REVIEW_OUTCOME(employee, as_of=None, caller=None):
    """周期评审结果：晋升 / 保持 / 降级 / 降级并试用 / 劝退评估 | The cycle review's outcome."""
    return _per_employee(employee, caller, as_of, "outcome", lambda t: _no_cycle(t, t["outcome"]))


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def CYCLE_AVG(employee, as_of=None, caller=None):
    """评审周期内的月度平均分（评审结果依据）| The cycle's average monthly score the outcome was decided on."""
    return _per_employee(employee, caller, as_of, "cycle_average", lambda t: _no_cycle(t, t["cycle_average"]))


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def DEMOTION_DUE(employee, as_of=None, caller=None):
    """是否应降级（TRUE/FALSE）| Whether a demotion is due (two low coefficients in a row, a serious error, or a down review)."""
    return _per_employee(employee, caller, as_of, "demotion_due")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def TRAINING_REQUIRED(employee, as_of=None, caller=None):
    """是否必须参加差异化培训（TRUE/FALSE）| Whether differentiated training is compulsory this quarter."""
    return _per_employee(employee, caller, as_of, "training_required")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def PAY_ADJUST(employee, as_of=None, caller=None):
    """本月补助减处罚的净额（元）| This month's allowances minus penalties, CNY."""
    return _per_employee(employee, caller, as_of, "pay_adjust")


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@xw.arg("lang", doc="zh（默认）或 en | zh (default) or en")
@_guarded
def PAY_DETAIL(employee, as_of=None, lang=None, caller=None):
    """本月补助与处罚明细 | This month's allowances and penalties, item by item."""
    return _per_employee(employee, caller, as_of, _in(lang, "pay_detail"))


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def BASE_PAY(employee, as_of=None, caller=None):
    """基本工资（元/月）：试用期内为试用期工资，否则为政策表中该职级的基本工资 | Base pay, CNY a month: probation pay while on probation, else the rung's base pay."""
    missing = CellError("#N/A", "政策表未填写该职级的基本工资", "the policy sheet has no base pay for this rung")
    return _per_employee(employee, caller, as_of, "base_pay",
                         lambda t: [missing if pd.isna(v) else v for v in t["base_pay"]])


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def PERF_PAY(employee, as_of=None, caller=None):
    """绩效工资（元）：政策表的绩效工资公式，用该职级的基数和本月绩效计算 | Performance pay, CNY: the policy sheet's formula on the rung's base and this month's metric."""
    no_metric = CellError("#N/A", "本月没有绩效记录", "no metric recorded this month")
    no_policy = CellError("#N/A", "政策表未填写该职级的绩效工资基数或公式",
                          "the policy sheet has no performance-pay base or formula for this rung")
    return _per_employee(employee, caller, as_of, "perf_pay", lambda t: [
        v if not pd.isna(v) else no_metric if pd.isna(score) else no_policy
        for v, score in zip(t["perf_pay"], t["score"])])


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("employee", doc=EMPLOYEE_DOC)
@xw.arg("as_of", doc=AS_OF_DOC)
@_guarded
def ABSENCE_FLAG(employee, as_of=None, caller=None):
    """本月旷工超过规定天数（视为自动离职，由 HR 确认）| Absence without leave above the limit this month: voluntary resignation, for HR to confirm."""
    return _per_employee(employee, caller, as_of, "absence_flag")


# ---- explicit inputs ---------------------------------------------------------------------

@xw.func(category=CATEGORY, volatile=True)
@xw.arg("scores", doc="一行考核项得分，或多行 | one row of item scores, or several rows")
@xw.arg("role", doc="角色或职级名称（如 客户代表），一列职级（每行一个），或一行权重 | a role or rung name (e.g. 客户代表), a column of them (one per row), or a row of weights")
@xw.arg("items", doc="可选：得分上方的表头，按考核项名称对应各列 | optional: the headers above the scores, to find each item's column by name")
@_guarded
def KPI_SCORE(scores, role, items=None, caller=None):
    """加权月度绩效得分（0-100）| The weighted monthly KPI score (0-100) of a row of item scores."""
    rows = _rows(scores)
    headers = None if values.is_blank(items) else [c for row in _rows(items) for c in row]
    if _is_range(role) and all(values.number(c) not in (None, values.INVALID) for row in _rows(role) for c in row):
        weights = _given_weights([c for row in _rows(role) for c in row])
        per_row = [weights] * len(rows)
    else:
        roles = [row[0] for row in _rows(role)] if _is_range(role) else [role] * len(rows)
        if len(roles) != len(rows):
            return CellError("#VALUE!", f"角色列有 {len(roles)} 行，得分有 {len(rows)} 行",
                             f"{len(roles)} roles for {len(rows)} rows of scores")
        policy = _policy(caller)
        if isinstance(policy, CellError):
            return policy
        found = {}
        per_row = [found.setdefault(r, _role_weights(policy, r)) for r in roles]
    out = []
    for row, weights in zip(rows, per_row):
        if isinstance(weights, CellError) or all(values.is_blank(c) for c in row):
            out.append("" if all(values.is_blank(c) for c in row) else weights)
        else:
            out.append(_weighted(row, *weights, headers))
    several = _is_range(scores) and bool(scores) and all(_is_range(r) for r in scores)
    return [[v] for v in out] if several else out[0]


def _rows(value) -> list[list]:
    """A range argument as rows: a scalar is one cell, a flat list one row."""
    if not _is_range(value):
        return [[value]]
    if value and all(_is_range(r) for r in value):
        return [list(r) for r in value]
    return [list(value)]


def _given_weights(cells: list):
    """(item labels, weights as fractions) of a row of weights in percent or as fractions."""
    numbers = [values.number(c) for c in cells]
    total = sum(numbers)
    if math.isclose(total, 1, abs_tol=1e-9):
        numbers = [n * 100 for n in numbers]
    elif not math.isclose(total, 100, abs_tol=1e-9):
        return CellError("#VALUE!", f"权重合计 {total:g}，应为 100%", f"weights add up to {total:g}, not 100%")
    return [f"第{i}项" for i in range(1, len(numbers) + 1)], [n / 100 for n in numbers]


def _role_weights(policy: Policy, key):
    """(item names, weights as fractions) of a role, named by id, Chinese name or a rung's name."""
    found = policy.role(key) if isinstance(key, str) else None
    if found is None and isinstance(key, str):
        rung = next((r for ld in policy.ladders for r in ld.rungs if r.name == key.strip()), None)
        found = policy.role(rung.role) if rung else None
    if found is None:
        known = "、".join(f"{r.id}（{r.name}）" for r in policy.roles if r.items)
        return CellError("#N/A", f"未知角色「{key}」，可选：{known}", f"unknown role '{key}'")
    if not found.items:
        return CellError("#N/A", f"角色「{found.name}」没有考核项", f"role '{found.id}' has no KPI items")
    return [i.name for i in found.items], [i.weight / 100 for i in found.items]


def _weighted(row: list, names: list[str], weights: list[float], headers=None):
    if headers is not None:
        folded = [schema.header_parts(h) for h in headers]
        where = [next((j for j, parts in enumerate(folded) if schema.fold(n) in parts), None) for n in names]
        if None in where:
            missing = names[where.index(None)]
            return CellError("#VALUE!", f"表头中找不到考核项「{missing}」", f"no column is headed '{missing}'")
        row = [row[j] if j < len(row) else None for j in where]
    if len(row) != len(weights):
        return CellError("#VALUE!", f"需要 {len(weights)} 个考核项得分，给了 {len(row)} 个",
                         f"{len(weights)} item scores are needed, {len(row)} were given")
    total = 0.0
    for name, weight, cell in zip(names, weights, row):
        score = values.number(cell)
        if score is None:
            return CellError("#VALUE!", f"「{name}」得分为空", f"the score of '{name}' is blank")
        if score is values.INVALID:
            return CellError("#VALUE!", f"「{name}」得分「{cell}」不是数字", f"the score of '{name}' is not a number: '{cell}'")
        if not 0 <= score <= 100:
            return CellError("#VALUE!", f"「{name}」得分 {score:g} 不在 0-100 之间",
                             f"the score of '{name}' is {score:g}, outside 0-100")
        total += weight * score
    return round(total, 10)


@xw.func(category=CATEGORY, volatile=True)
@_guarded
def POLICY_CHECK(caller=None):
    """检查工作簿的政策表："OK" 或问题清单 | Checks the workbook's policy sheet: "OK" or the list of problems."""
    if caller is None:
        return "OK"
    inputs = _session(caller).inputs
    if inputs.policy is not None:
        return "OK"
    return "\n".join(f"{p.zh} | {p.en}" for p in inputs.problems)
