"""The Excel face: the functions HR types into cells. xlwings' `UDF MODULES` is `xlfuncs.udfs`.

Each function cleans its arguments, asks the rules, and shapes the answer the way Excel wants it:
one value for one employee, a column for a column of employees. Arguments arrive as xlwings
hands them over (`excel.excel_function` declares how: error cells by name, ranges whose shape
matters as lists of rows); answers leave through `excel.Answer`, errors as true Excel errors.
The per-employee functions read the calling workbook (roster, monthly records, policy sheet)
once per recalculation (`session`), whatever the number of formula cells.

Longer than most modules (about 430 lines) on purpose: it is the one list of what HR can type,
in the order of the month sheets' columns, each function a few lines over the rules; the
shaping helpers above them serve all of them.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from . import book, schema, session, values
from .excel import CellError, Column, excel_function
from .values import is_error
from .policy import Policy, default_policy
from .problems import Problem
from .rules import Review, bad_month, evaluate, item_weights, kpi_scores, metric_bounds

EMPLOYEE = ("工号，或一列工号 | an employee id, or a column of ids", {"ndim": 2})
AS_OF = "评审月份，如 2026-10；省略则为最近有记录的月份 | review month, e.g. 2026-10; blank: the latest on record"
LANG = "zh（默认）、zh-Hant（繁体）或 en | zh (default), zh-Hant (Traditional) or en"
CNY = '"¥"#,##0'
# LibreOffice's own format for a yes/no: without it, it shows a TRUE/FALSE cell of a sheet as 1 or
# 0 (the export's, which it reads as values); Excel shows TRUE/FALSE whatever the format, and a
# program that applies it, the same words
TRUE_FALSE = '"TRUE";"TRUE";"FALSE"'


def _fail(code: str, problem: Problem) -> CellError:
    return CellError(code, problem.zh, problem.en)


def _policy(caller) -> Policy | CellError:
    if caller is None:
        return default_policy()
    inputs = session.current(caller).inputs
    if inputs.policy is None:
        return _policy_error(inputs.problems)
    return inputs.policy


def _policy_error(problems: list[Problem]) -> CellError:
    first = problems[0] if problems else Problem("政策有误", "The policy has problems")
    return CellError("#VALUE!", f"政策表有误（共 {len(problems)} 处，见 POLICY_CHECK()）：{first.zh}",
                     f"the policy sheet has {len(problems)} problem(s), see POLICY_CHECK(): {first.en}")


def _one(value, what_zh: str, what_en: str):
    """A one-cell argument's value, or the error that it is not one readable cell."""
    if isinstance(value, (list, tuple)):
        return CellError("#VALUE!", f"{what_zh}应为一个单元格", f"{what_en} must be one cell")
    if is_error(value):
        return CellError(value, f"{what_zh}是错误值 {value}", f"{what_en} is the error {value}")
    return value


def _review(state: session.Session, as_of) -> Review | CellError:
    inputs = state.inputs
    if inputs.policy is None:
        return _policy_error(inputs.problems)
    if inputs.problems:
        return _fail("#VALUE!", inputs.problems[0])
    as_of = _one(as_of, "评审月份", "the review month")
    if isinstance(as_of, CellError):
        return as_of
    month = None if values.is_blank(as_of) else values.month(as_of)
    if month is values.INVALID:
        return _fail("#VALUE!", bad_month(as_of))
    if month is None:  # the latest on record: the one review of that month, named or not
        month = state.latest_month
    if month not in state.reviews:
        label = None if month is None else values.month_label(month)
        state.reviews[month] = evaluate(inputs.roster, inputs.records, inputs.policy, label)
    review = state.reviews[month]
    if review.month is None:
        return _fail("#N/A", review.problems[0])
    return review


# ---- shaping answers ---------------------------------------------------------------------

def _grid(value) -> tuple[list[list], bool]:
    """A range argument as rows, and whether it was a range (the answer then has its shape).
    xlwings hands `ndim=2` arguments over as rows already; a Python caller may pass one value."""
    if not isinstance(value, (list, tuple)):
        return [[value]], False
    if value and all(isinstance(r, (list, tuple)) for r in value):
        return [list(r) for r in value], True
    return [list(value)], True


def _per_employee(employee, caller, as_of, question: str, answer=None, problem_text=False):
    """Each employee's answer, in the shape of the employee argument. `answer(table)` answers
    for every employee of the review at once (default: the review's column `question`); it
    runs once per recalculation and question, so single-cell formulas cost a lookup each.
    With `problem_text`, why there is no answer comes as text rather than an error value."""
    rows, is_range = _grid(employee)
    if isinstance(question, CellError):
        review = question
    elif caller is None:
        review = CellError("#VALUE!", "此函数需在工作簿中使用", "this function reads the calling workbook")
    else:
        state = session.current(caller)
        review = _review(state, as_of)
    if not isinstance(review, CellError):
        answers = _answers(state, review, question, answer or (lambda t: t[question]))

    def one(raw):
        if values.is_blank(raw):
            return ""
        if is_error(raw):
            return CellError(raw, f"工号单元格是错误值 {raw}", f"the employee id cell is the error {raw}")
        if isinstance(review, CellError):
            return review
        if isinstance(raw, (bool, dt.date)):  # the formula pointed at another column: a yes/no, a date
            shown = ("TRUE" if raw else "FALSE") if isinstance(raw, bool) else f"{raw:%Y-%m-%d}"
            return CellError("#VALUE!", f"工号单元格是 {shown}，不是工号：请让公式指向工号列",
                             f"the employee id cell holds {shown}, not an id: point the formula at the ids")
        emp = values.employee_id(raw)
        if emp is values.INVALID or emp not in answers:
            return CellError("#N/A", f"工号 {raw if emp is values.INVALID else emp} 不在员工名册中",
                             f"employee {raw if emp is values.INVALID else emp} is not on the roster")
        return answers[emp]

    out = [[_why(one(raw)) if problem_text else one(raw) for raw in row] for row in rows]
    return out if is_range else out[0][0]


def _why(value):
    """An error's message as plain text (for the functions whose answer is an explanation)."""
    return value.split(" ", 1)[1] if isinstance(value, CellError) else value


def _answers(state: session.Session, review: Review, question: str, answer) -> dict:
    cache = state.answers
    key = (review.month, question)
    if key not in cache:
        table = review.table
        given = list(answer(table))
        problems = [None if p is None else CellError("#VALUE!", p.zh, p.en) for p in table["problem"]]
        cache[key] = {emp: problem or value for emp, problem, value in zip(table.index, problems, given)}
    return cache[key]


def _no_cycle(table: pd.DataFrame, value: pd.Series) -> list:
    """`value` where the rung is band-reviewed and has scores in the cycle, else why not."""
    none = CellError("#N/A", "该职级不按周期评审", "this rung has no review cycle")
    return [none if pd.isna(months) else CellError("#N/A", zh, en) if months == 0 else v
            for months, v, zh, en in zip(table["cycle_months"], value, table["outcome_note"],
                                         table["outcome_note_en"])]


def _worded(employee, caller, as_of, lang, column: str, problem_text=False, answer=None):
    """`_per_employee` of a function whose answer is text, in the language `lang` says: the
    review's `column`, its English twin (en), or it in Traditional Chinese (zh-Hant, as a
    Traditional workbook's month sheets ask: `values.traditional`). A language that is none
    of them (fr, a typo) is an error, not Chinese given silently. `answer(table, words)`: the
    answers of the column of those words (default: that column)."""
    said = _one(lang, "语言", "the language")
    if not isinstance(said, CellError):
        said = "" if values.is_blank(said) else str(said).strip().lower()
        if said not in ("", "zh", "zh-hant", "en"):
            said = CellError("#VALUE!", f"语言应为 zh、zh-Hant 或 en，现为「{lang}」",
                             f"the language must be zh, zh-Hant or en, not '{lang}'")
    question = said if isinstance(said, CellError) else f"{column}_en" if said == "en" else column
    out = _per_employee(employee, caller, as_of, question, answer and (lambda t: answer(t, t[question])),
                        problem_text=problem_text)
    if said != "zh-hant":
        return out
    shown = [[values.traditional(v) if type(v) is str else v for v in row] for row in _grid(out)[0]]
    return shown if isinstance(out, list) else shown[0][0]


# ---- the month sheets' computed columns, in their order ----------------------------------

@excel_function(
    columns=(Column("score", "月度得分(计算)", "Monthly score (computed)", "score", on="items",
                    number_format="0.0"),),
    sheet_args=("items", "level", "item_headers"),
    scores=("一行考核项得分，或多行 | one row of item scores, or several rows", {"ndim": 2}),
    role=("角色或职级名称（如 客户代表），一列职级（每行一个），或一行权重 | a role or rung name "
          "(e.g. 客户代表), a column of them (one per row), or a row of weights", {"ndim": 2}),
    items=("可选：得分上方的表头，按考核项名称对应各列 | optional: the headers above the scores, "
           "to find each item's column by name", {"ndim": 2}))
def KPI_SCORE(scores, role, items=None, caller=None):
    """加权月度绩效得分（0-100）| The weighted monthly KPI score (0-100) of a row of item scores."""
    rows, several = _grid(scores)
    roles, _ = _grid(role)
    flat_roles = [c for row in roles for c in row]
    headers = None if values.is_blank(items) else [c for row in _grid(items)[0] for c in row]
    if headers is not None and any(is_error(h) for h in headers):
        bad = next(h for h in headers if is_error(h))
        return CellError(bad, f"表头中有错误值 {bad}", f"a header cell is the error {bad}")
    if flat_roles and all(values.number(c) not in (None, values.INVALID) for c in flat_roles):
        policy = _policy(caller)
        weights = policy if isinstance(policy, CellError) else _given_weights(flat_roles, policy)
        per_row = [weights] * len(rows)
    else:
        if any(len(r) != 1 for r in roles) or len(roles) not in (1, len(rows)):
            return CellError("#VALUE!", f"职级应为一个单元格或与得分同样行数的一列（得分 {len(rows)} 行）",
                             f"give one role, or a column of roles as tall as the scores ({len(rows)} rows)")
        names = [r[0] for r in roles] * (len(rows) if len(roles) == 1 else 1)
        policy = ladder = None
        found = {}
        per_row = []
        for name in names:
            if name not in found:
                if is_error(name):
                    found[name] = CellError(name, f"职级单元格是错误值 {name}", f"the role cell is the error {name}")
                elif values.is_blank(name):
                    found[name] = CellError("#VALUE!", "职级为空", "the role is blank")
                else:
                    if policy is None:
                        policy = _policy(caller)
                        ladder = None if isinstance(policy, CellError) else _sheets_ladder(policy, caller)
                    found[name] = policy if isinstance(policy, CellError) else _role_weights(policy, name, ladder)
            per_row.append(found[name])
    out = [[""] if all(values.is_blank(c) for c in row) else [weights] if isinstance(weights, CellError)
           else None for row, weights in zip(rows, per_row)]
    groups = {}  # the rows of each weighting, scored together: one kpi_scores per role, not per row
    for i, weights in enumerate(per_row):
        if out[i] is None:
            groups.setdefault(id(weights), (weights, []))[1].append(i)
    for weights, at in groups.values():
        for i, answer in zip(at, _weighted([rows[i] for i in at], *weights, headers)):
            out[i] = [answer]
    return out if several and len(out) > 1 else out[0][0]


def _given_weights(cells: list, policy: Policy):
    """(item labels, weights as fractions, bounds) of a row of weights in percent or as
    fractions; items bounded as the policy's KPI-scored roles' metric is."""
    numbers = [values.number(c) for c in cells]
    total = sum(numbers)
    if math.isclose(total, 1, abs_tol=1e-9):
        numbers = [n * 100 for n in numbers]
    elif not math.isclose(total, 100, abs_tol=1e-9):
        return CellError("#VALUE!", f"权重合计 {total:g}，应为 100%", f"weights add up to {total:g}, not 100%")
    scored = next((r for r in policy.roles if r.items), None)
    bounds = metric_bounds(policy, scored) if scored else (0.0, 100.0)
    return [f"第{i}项" for i in range(1, len(numbers) + 1)], [n / 100 for n in numbers], bounds


def _sheets_ladder(policy: Policy, caller):
    """The ladder whose month sheet the calling cell is on (2026-10 审核员: its month, then the
    ladder's name, as the month end names it, cut at Excel's 31 characters: 2026-11 Customer
    representative), or None."""
    sheet = getattr(getattr(caller, "sheet", None), "name", None)
    month = book.MONTH_SHEET.match(sheet) if isinstance(sheet, str) else None
    if month is None:
        return None
    named = sheet[month.end():]
    found = policy.ladder(named)
    if found is not None or len(sheet) < 31:
        return found
    cut = [ld for ld in policy.ladders
           if any(values.fold(n).startswith(values.fold(named)) for n in (ld.name, ld.name_en))]
    return cut[0] if len(cut) == 1 else None


def _role_weights(policy: Policy, key, ladder=None):
    """(item names, weights as fractions) of a role, named by id, Chinese or English name, or a
    rung's name: a rung of `ladder`, the calling month sheet's, first; else of any ladder, all of
    them naming it of one role. Ladders may name a rung alike (客服主管, or 一级 on each ladder):
    the first ladder's role would weigh another ladder's people by items that are not theirs."""
    def rung(ld):
        i = ld.rung_index(key) if ld is not None and isinstance(key, str) else None
        return None if i is None else ld.rungs[i]
    mine = rung(ladder)
    found = policy.role(mine.role) if mine else policy.role(key) if isinstance(key, str) else None
    if found is None:
        on = {ld: r for ld in policy.ladders if (r := rung(ld))}  # the ladders naming such a rung, and it
        ladders, roles = list(on), [policy.role(r) for r in dict.fromkeys(r.role for r in on.values())]
        if len(roles) > 1:
            return CellError("#N/A", f"「{key}」是{'、'.join(ld.name for ld in ladders)}的职级，各属不同角色：请写角色名称"
                             f"（{'、'.join(r.name for r in roles)}）",
                             f"'{key}' is a rung of {', '.join(ld.name_en for ld in ladders)}, each of another role: "
                             f"give the role ({', '.join(r.name_en for r in roles)})")
        found = roles[0] if roles else None
    if found is None:
        known = "、".join(f"{r.id}（{r.name}）" for r in policy.roles if r.items)
        known_en = ", ".join(f"{r.id} ({r.name_en})" for r in policy.roles if r.items)
        return CellError("#N/A", f"未知角色「{key}」，可选：{known}", f"unknown role '{key}' (one of {known_en})")
    if not found.items:
        return CellError("#N/A", f"角色「{found.name}」没有考核项", f"role '{found.id}' has no KPI items")
    return [i.name for i in found.items], item_weights(found), metric_bounds(policy, found)


def _weighted(rows: list[list], names: list[str], weights: list[float], bounds, headers=None) -> list:
    """Each row's weighted score, or the error that stops it."""
    if headers is not None:
        folded = [schema.header_parts(h) for h in headers]
        where = [next((j for j, parts in enumerate(folded) if values.fold(n) in parts), None) for n in names]
        if None in where:
            missing = names[where.index(None)]
            return [CellError("#VALUE!", f"表头中找不到考核项「{missing}」（政策表中的考核项：请在考核项各列之间插入该列，或把改名前的列名改为它）",
                              f"no column is headed '{missing}' (a KPI item on the policy sheet: insert its column "
                              f"among the KPI items' columns, or rename the column it was called before)")] * len(rows)
        rows = [[row[j] if j < len(row) else None for j in where] for row in rows]
    out, scored = [], []
    for row in rows:
        out.append(_unscorable(row, names, len(weights)))
        if out[-1] is None:
            scored.append(len(out) - 1)
    numbers = pd.DataFrame([[values.number(c) for c in rows[i]] for i in scored], columns=names, dtype=float)
    total, outside = kpi_scores(numbers, weights, bounds)
    total, outside, numbers = total.to_numpy(), outside.to_numpy(), numbers.to_numpy()
    for at, i in enumerate(scored):
        if outside[at].any():
            item = int(outside[at].argmax())
            name, score = names[item], numbers[at, item]
            out[i] = CellError("#VALUE!", f"「{name}」得分 {score:g} 超出范围 {bounds[0]:g}–{bounds[1]:g}",
                               f"the score of '{name}' is {score:g}, outside {bounds[0]:g}–{bounds[1]:g}")
        else:
            out[i] = float(total[at])
    return out


def _unscorable(row: list, names: list[str], count: int):
    """Why a row of item scores cannot be scored (a CellError), or None."""
    if len(row) != count:
        return CellError("#VALUE!", f"需要 {count} 个考核项得分，给了 {len(row)} 个",
                         f"{count} item scores are needed, {len(row)} were given")
    for name, cell in zip(names, row):
        if is_error(cell):
            return CellError(cell, f"「{name}」得分是错误值 {cell}", f"the score of '{name}' is the error {cell}")
        score = values.number(cell)
        if score is None:
            return CellError("#VALUE!", f"「{name}」得分为空", f"the score of '{name}' is blank")
        if score is values.INVALID:
            return CellError("#VALUE!", f"「{name}」得分「{cell}」不是数字", f"the score of '{name}' is not a number: '{cell}'")
    return None


@excel_function(employee=EMPLOYEE, as_of=AS_OF, columns=(
    Column("cycle_average", "周期平均", "Cycle average", "cycle_average", on="cycle", number_format="0.0"),))
def CYCLE_AVG(employee, as_of=None, caller=None):
    """评审周期内的月度平均分（评审结果依据）| The cycle's average monthly score the outcome was decided on."""
    return _per_employee(employee, caller, as_of, "cycle_average", lambda t: _no_cycle(t, t["cycle_average"]))


@excel_function(employee=EMPLOYEE, as_of=AS_OF, lang=LANG, columns=(
    Column("outcome", "评审结果", "Review outcome", "outcome", on="cycle"),))
def REVIEW_OUTCOME(employee, as_of=None, lang=None, caller=None):
    """周期评审结果：晋升 / 保持 / 降级 / 降级并试用 / 劝退评估 | The cycle review's outcome (Promote, Stay, … in English)."""
    return _worded(employee, caller, as_of, lang, "outcome", answer=_no_cycle)


@excel_function(employee=EMPLOYEE, as_of=AS_OF, columns=(
    Column("eligible", "可晋升", "Eligible", "eligible", number_format=TRUE_FALSE),))
def PROMO_ELIGIBLE(employee, as_of=None, caller=None):
    """是否符合晋升到下一职级的条件（TRUE/FALSE）| Whether the employee meets every criterion of the next rung."""
    return _per_employee(employee, caller, as_of, "eligible")


@excel_function(employee=EMPLOYEE, as_of=AS_OF, lang=LANG, columns=(
    Column("reasons", "未达条件", "Unmet criteria", "reasons", width=60),))
def PROMO_REASON(employee, as_of=None, lang=None, caller=None):
    """不符合晋升条件的原因（实际值与要求），符合则为空；无法判断时说明原因 | Why not eligible, each unmet criterion with actual vs required; empty when eligible; why there is no verdict."""
    return _worded(employee, caller, as_of, lang, "reasons", problem_text=True)


@excel_function(employee=("工号（或一列工号），或原职级名称 | employee id (or a column), or the rung moved from",
                          {"ndim": 2}),
                to_level="目标职级（按职级查询时填写）| the rung moved to (when asking for two rungs)",
                columns=(Column("raise_min", "加薪下限(元/月)", "Raise min (CNY/month)", "raise_min", on="raise",
                                number_format=CNY),
                         Column("raise_max", "加薪上限(元/月)", "Raise max (CNY/month)", "raise_max", on="raise",
                                number_format=CNY)))
def RAISE_RANGE(employee, to_level=None, caller=None):
    """晋升下一职级的加薪范围 {下限, 上限}（元/月，向右两格）| Raise range {min, max} of the next step, CNY per month, spilling right."""
    rows, _ = _grid(employee)
    if any(len(row) != 1 for row in rows):
        return CellError("#VALUE!", "工号应为一个单元格或一列", "give one employee id or a column of them")
    if not values.is_blank(to_level):
        return [_raise_between(rows[0][0], to_level, caller)]

    top = CellError("#N/A", "已是最高职级", "already at the top rung")
    none = CellError("#N/A", "政策未规定该步的加薪范围", "the policy sets no raise for this step")

    def answer(t):
        return [(top if is_top else none) if pd.isna(lo) else [lo, hi]
                for lo, hi, is_top in zip(t["raise_min"], t["raise_max"], t["top"])]

    result = _per_employee(rows, caller, None, "raise", answer)
    return [cell if isinstance(cell, list) else [cell, cell] for (cell,) in result]


def _raise_between(frm, to, caller) -> list:
    for value, zh, en in ((frm, "原职级", "the rung moved from"), (to, "目标职级", "the rung moved to")):
        if isinstance(_one(value, zh, en), CellError):
            return [_one(value, zh, en)] * 2
    policy = _policy(caller)
    if isinstance(policy, CellError):
        return [policy] * 2
    frm, to = str(frm).strip(), str(to).strip()

    def both(ladder):
        return ladder is not None and None not in (ladder.rung_index(frm), ladder.rung_index(to))
    mine = _sheets_ladder(policy, caller)  # the calling month sheet's first, as KPI_SCORE reads a level
    ladders = [mine] if both(mine) else [ld for ld in policy.ladders if both(ld)]
    answers = [_raise_on(policy, ld, frm, to) for ld in ladders]
    if len(set(map(tuple, answers))) > 1:  # ladders naming their rungs alike, of other ranges
        return [CellError("#N/A", f"「{frm}」和「{to}」是{'、'.join(ld.name for ld in ladders)}的职级，加薪范围不同："
                                  f"请在该序列的月度表中查询",
                          f"'{frm}' and '{to}' are rungs of {', '.join(ld.name_en for ld in ladders)}, of other "
                          f"raises: ask on that ladder's month sheet")] * 2
    if answers:
        return answers[0]
    return [CellError("#N/A", f"没有同时包含「{frm}」和「{to}」的序列",
                      f"no ladder has both '{frm}' and '{to}'")] * 2


def _raise_on(policy: Policy, ladder, frm: str, to: str) -> list:
    """The raise range from rung `frm` to rung `to` of `ladder`, or why there is none."""
    i, j = ladder.rung_index(frm), ladder.rung_index(to)
    found = policy.raise_range(ladder, i, j)
    if found:
        return [float(found[0]), float(found[1])]
    if j <= i:
        error = CellError("#N/A", f"「{frm}」到「{to}」不是晋升，没有加薪范围",
                          f"'{frm}' to '{to}' is not a step up; there is no raise")
    elif j > i + 1 and policy.settings.skip_raise == "none":
        error = CellError("#N/A", f"「{frm}」到「{to}」为跨级晋升，加薪由总经理决定（政策设置 skip_raise）",
                          f"'{frm}' to '{to}' skips a rung; the general manager decides the raise (setting skip_raise)")
    else:
        error = CellError("#N/A", f"政策未规定「{frm}」到「{to}」的加薪范围",
                          f"the policy sets no raise from '{frm}' to '{to}'")
    return [error] * 2


@excel_function(employee=EMPLOYEE, as_of=AS_OF, columns=(
    Column("demotion_due", "应降级", "Demotion due", "demotion_due", number_format=TRUE_FALSE),))
def DEMOTION_DUE(employee, as_of=None, caller=None):
    """是否应降级（TRUE/FALSE）| Whether a demotion is due (two low coefficients in a row, a serious error, or a down review)."""
    return _per_employee(employee, caller, as_of, "demotion_due")


@excel_function(employee=EMPLOYEE, as_of=AS_OF, columns=(
    Column("training", "需培训", "Training required", "training_required", number_format=TRUE_FALSE),))
def TRAINING_REQUIRED(employee, as_of=None, caller=None):
    """是否必须参加差异化培训（TRUE/FALSE）| Whether differentiated training is compulsory this quarter."""
    return _per_employee(employee, caller, as_of, "training_required")


@excel_function(employee=EMPLOYEE, as_of=AS_OF, columns=(
    Column("pay_adjust", "薪酬增减(元)", "Pay adjustment (CNY)", "pay_adjust", number_format=CNY),))
def PAY_ADJUST(employee, as_of=None, caller=None):
    """本月补助减处罚的净额（元）| This month's allowances minus penalties, CNY."""
    return _per_employee(employee, caller, as_of, "pay_adjust")


# ---- more for a cell or a column ---------------------------------------------------------

@excel_function(employee=EMPLOYEE)
def NEXT_LEVEL(employee, caller=None):
    """下一职级的名称（已是最高职级则为空）| The next rung's name; empty at the top rung."""
    return _per_employee(employee, caller, None, "next_level")


@excel_function(employee=EMPLOYEE, as_of=AS_OF, lang=LANG)
def CAREER_OPTIONS(employee, as_of=None, lang=None, caller=None):
    """发展方向：下一职级及尚缺条件，以及可横向发展的去向 | Career options: the next rung and what it still needs, and the horizontal moves."""
    return _worded(employee, caller, as_of, lang, "careers")


@excel_function(employee=EMPLOYEE, as_of=AS_OF, lang=LANG)
def PAY_DETAIL(employee, as_of=None, lang=None, caller=None):
    """本月补助与处罚明细 | This month's allowances and penalties, item by item."""
    return _worded(employee, caller, as_of, lang, "pay_detail")


@excel_function(employee=EMPLOYEE, as_of=AS_OF)
def BASE_PAY(employee, as_of=None, caller=None):
    """基本工资（元/月）：试用期内为试用期工资，否则为政策表中该职级的基本工资 | Base pay, CNY a month: probation pay while on probation, else the rung's base pay."""
    missing = CellError("#N/A", "政策表未填写该职级的基本工资", "the policy sheet has no base pay for this rung")
    return _per_employee(employee, caller, as_of, "base_pay",
                         lambda t: [missing if pd.isna(v) else v for v in t["base_pay"]])


@excel_function(employee=EMPLOYEE, as_of=AS_OF)
def PERF_PAY(employee, as_of=None, caller=None):
    """绩效工资（元）：政策表的绩效工资公式，用该职级的基数和本月绩效计算 | Performance pay, CNY: the policy sheet's formula on the rung's base and this month's metric."""
    no_metric = CellError("#N/A", "本月没有绩效记录", "no metric recorded this month")
    no_policy = CellError("#N/A", "政策表未填写该职级的绩效工资基数或公式",
                          "the policy sheet has no performance-pay base or formula for this rung")
    return _per_employee(employee, caller, as_of, "perf_pay", lambda t: [
        v if not pd.isna(v) else no_metric if pd.isna(score) else no_policy
        for v, score in zip(t["perf_pay"], t["score"])])


@excel_function(employee=EMPLOYEE, as_of=AS_OF)
def ABSENCE_FLAG(employee, as_of=None, caller=None):
    """本月旷工超过规定天数（视为自动离职，由 HR 确认）| Absence without leave above the limit this month: voluntary resignation, for HR to confirm."""
    return _per_employee(employee, caller, as_of, "absence_flag")


@excel_function()
def POLICY_CHECK(caller=None):
    """检查工作簿的政策表："OK" 或问题清单 | Checks the workbook's policy sheet: "OK" or the list of problems."""
    if caller is None:
        return "OK"
    inputs = session.current(caller).inputs
    if inputs.policy is not None:
        return "OK"
    return "\n".join(f"{p.zh} | {p.en}" for p in inputs.problems)


@excel_function(cell=("显示错误值的单元格 | a cell showing an error", {"convert": "range"}))
def WHY(cell, caller=None):
    """该单元格中 ladderbook 函数给出错误值的原因；没有错误则为空 | Why a ladderbook function shows an error in that cell; empty when it shows none."""
    answer = session.answer_at(cell)
    return str(answer) if isinstance(answer, CellError) else ""
