"""Which tables a department workbook holds and which headers mean which field.

One place for the Chinese and English names of every sheet and column: the reader maps headers
to fields with it, the writer and the templates take their headers from it, and `clean` turns a
table of raw cells into typed columns plus the problems it found, named by row and employee.
Column order is free, headers are trimmed and case-insensitive, extra columns are kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import values
from .problems import Problem

_READERS = {
    "id": values.employee_ids,
    "text": values.texts,
    "date": values.dates,
    "month": values.months,
    "flag": values.flags,
    "number": values.numbers,
}
_KIND_TEXT = {
    "id": ("工号", "an employee id"),
    "date": ("日期（如 2024-11-01）", "a date (e.g. 2024-11-01)"),
    "month": ("月份（如 2026-10）", "a month (e.g. 2026-10)"),
    "flag": ("是/否", "yes/no"),
    "number": ("数字", "a number"),
    "text": ("文字", "text"),
}


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    bounds: tuple = ()  # a number's lowest and highest; DAYS: the days of its record's month
    whole: bool = False  # a count: whole numbers only

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    @property
    def header(self) -> str:
        return f"{self.zh}|{self.en}"


@dataclass(frozen=True)
class Table:
    key: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


DAYS = "days"  # the highest a day count can be: the days of the month of its record
COUNT = (0, float("inf"))
EMPLOYEE = Field("employee", "工号", "Employee ID", "id", True, ("员工编号", "ID"))
NAME = Field("name", "姓名", "Name", "text")
RAISE = Field("raise", "加薪(元/月)", "Raise (CNY/month)", "number", bounds=COUNT)
APPROVER = Field("approver", "批准人", "Approved by", "text")

ROSTER = Table("roster", "员工名册", "Roster", (
    EMPLOYEE,
    NAME,
    Field("ladder", "序列", "Ladder", "text", True, ("职级序列",)),
    Field("level", "职级", "Level", "text", True, ("岗位级别",)),
    Field("hire_date", "入职日期", "Hire date", "date", True),
    Field("level_since", "本职级起始日", "Level since", "date"),
    Field("duties", "掌握技能数", "Duties mastered", "number", False, ("掌握职责数",), COUNT, whole=True),
    Field("gm_approval", "总经理特批", "GM approval", "flag"),
    Field("probation_until", "试用期截止", "Probation until", "date"),
    Field("recommended", "主管推荐", "Recommended", "flag"),
    Field("exam_passed", "考核通过", "Exam passed", "flag"),
))

RECORDS = Table("records", "历史记录", "History", (
    Field("month", "月份", "Month", "month", True),
    EMPLOYEE,
    Field("score", "得分", "Score", "number", False,
          ("绩效得分", "绩效系数", "Coefficient", "KPI score")),
    Field("sick_days", "病假天数", "Sick days", "number", bounds=(0, DAYS)),
    Field("personal_days", "事假天数", "Personal days", "number", bounds=(0, DAYS)),
    Field("absence_days", "旷工天数", "Absence days", "number", bounds=(0, DAYS)),
    Field("serious_error", "严重失误", "Serious error", "flag"),
    Field("business_deduction", "业务扣分", "Business deduction", "number", bounds=COUNT),
    Field("override", "部门审核结果", "Review override", "text", False, ("HR审核结果",)),
    Field("own_computer", "自备电脑", "Own computer", "flag"),
    Field("overtime_days", "非法定加班天数", "Overtime days", "number", bounds=(0, DAYS)),
    Field("offsite_days", "外出办公天数", "Off-site days", "number", bounds=(0, DAYS)),
    Field("unreachable", "热线无法接通次数", "Hotline unreachable", "number", bounds=COUNT, whole=True),
    Field("late_replies", "超时未回复次数", "Late replies", "number", bounds=COUNT, whole=True),
    Field("major_complaints", "引起重大投诉次数", "Major complaints caused", "number", bounds=COUNT, whole=True),
    # HR's decision on the month's review, made on the month sheet, applied by apply-moves
    Field("decision", "调动决定", "Decision", "text"),
    Field("to_level", "调至职级", "Move to level", "text"),
    RAISE,
    APPROVER,
))
DECISIONS = ("decision", "to_level", "raise", "approver")


MOVES = Table("moves", "调动记录", "Moves", (
    Field("date", "日期", "Date", "date", True),
    EMPLOYEE,
    Field("from_level", "原职级", "From level", "text"),
    Field("to_level", "新职级", "To level", "text"),
    Field("kind", "类型", "Kind", "text"),
    RAISE,
    APPROVER,
))

# §5: who must attend differentiated training, as of the last closed month; the close
# rewrites it whole.
TRAINING = Table("training", "培训名单", "Training", (
    Field("month", "评估月份", "Assessed month", "month", True),
    EMPLOYEE,
    NAME,
    Field("ladder", "序列", "Ladder", "text"),
    Field("level", "职级", "Level", "text"),
    Field("reasons", "须参加原因", "Why compulsory", "text", True),
))

# What the month close freezes into History next to the inputs, besides the month sheets'
# computed columns (`xlfuncs.excel.frozen_fields`): the ladder and level the month was assessed
# at, and the months until eligible (0: now; blank: more than time served stands in the way),
# as values. Keys are prefixed so that none is taken for an input field.
ASSESSED = (Field("result:ladder", "当月序列", "Ladder that month", "text"),
            Field("result:level", "当月职级", "Level that month", "text"))
ELIGIBLE_IN = Field("result:eligible_in", "距可晋升(月)", "Months to eligible", "text")


def score_header(metric) -> tuple[str, str]:
    """How a month sheet heads the month's metric of a role without KPI items: a coefficient by
    its own name (绩效系数), a score as the records' score field (得分 | Score)."""
    field = RECORDS.field("score")
    return (metric.name, metric.name_en) if metric.id == "coefficient" else (field.zh, field.en)


def header_parts(header) -> list[str]:
    """A header cell's names, folded: '工号', 'Employee ID' and '工号\nEmployee ID' all match."""
    if header is None:
        return []
    text = unicodedata.normalize("NFKC", str(header))
    return [values.fold(part) for part in re.split(r"[|\n]", text) if part.strip()]


def match_headers(table: Table, headers, extra: tuple[Field, ...] = ()) -> tuple[dict, list[Field]]:
    """Map each header position to a field key, and list the required fields not found.

    `extra` adds fields the policy defines (KPI item columns), matched by their names too.
    """
    wanted = {values.fold(name): f.key for f in (*table.fields, *extra) for name in f.names}
    mapping = {}
    for pos, header in enumerate(headers):
        key = next((wanted[p] for p in header_parts(header) if p in wanted), None)
        if key and key not in mapping.values():
            mapping[pos] = key
    found = set(mapping.values())
    return mapping, [f for f in table.fields if f.required and f.key not in found]


def missing_columns(sheet: str, fields: list[Field]) -> list[Problem]:
    return [Problem(f"工作表「{sheet}」缺少列「{f.zh}」（或「{f.en}」）",
                    f"Sheet '{sheet}' lacks the column '{f.en}' (or '{f.zh}')") for f in fields]


def clean(table: Table, frame: pd.DataFrame, extra: tuple[Field, ...] = (), keys=None, rows=None,
          ids: pd.Series | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns for every field of `table` (absent ones blank) and a problem per bad cell.

    The frame's index is taken as the row label of each message (the reader passes Excel rows).
    A review reads a few columns of a few months of a long history, so `keys` may name the
    fields to read and `rows` the row positions; `ids`, the employee ids already read (by row
    label), then name the employee in each message.
    """
    out = {}
    problems: list[Problem] = []
    headers = frame.attrs.get("headers", {})
    fields = [f for f in (*table.fields, *extra) if keys is None or f.key in keys]
    index = frame.index if rows is None else frame.index[rows]
    for f in sorted(fields, key=lambda f: f.key != "employee"):  # ids first
        if f.key not in frame:
            out[f.key] = _blank(f.kind, index)
            continue
        raw = frame[f.key]
        if rows is not None:
            taken = raw.to_numpy()[rows]
            raw = pd.Series(taken, index=index, dtype=taken.dtype, copy=False)
        column, bad = _READERS[f.kind](raw)
        out[f.key] = column
        if f.key == "employee":
            ids = column
        wrong = bad.to_numpy() | (column.isna().to_numpy() if f.required else False)
        for row in index[wrong]:
            employee = None if ids is None or pd.isna(ids.at[row]) else ids.at[row]
            problems.append(_cell_problem(table, f, row, frame.at[row, f.key], employee, headers))
        if f.bounds:
            low, high = f.bounds
            high = _days(frame, index) if high == DAYS else np.full(len(index), high)
            number = column.to_numpy(float)
            with np.errstate(invalid="ignore"):
                outside = ((number < low) | (number > high) | (f.whole & (number != np.floor(number)))) \
                    & ~np.isnan(number)
            for i in np.flatnonzero(outside):
                row = index[i]
                employee = None if ids is None or pd.isna(ids.at[row]) else ids.at[row]
                problems.append(_range_problem(table, f, row, number[i], high[i], employee, headers))
            if outside.any():
                out[f.key] = column.where(~outside)  # never a value outside: no verdict rests on it
    return pd.DataFrame({f.key: out[f.key] for f in fields}, index=index, copy=False), problems


def _days(frame: pd.DataFrame, index) -> np.ndarray:
    """The days of each row's month (31 where it has none that can be read)."""
    if "month" not in frame:
        return np.full(len(index), 31.0)
    months = values.months(frame["month"].loc[index])[0].to_numpy(float)
    days = {m: values.month_end(int(m)).day for m in pd.unique(months[~np.isnan(months)])}
    return np.array([days.get(m, 31) for m in months], float)


def _blank(kind: str, index) -> pd.Series:
    """The column a reader gives for cells all blank, made directly."""
    if kind in ("number", "month"):
        return pd.Series(np.full(len(index), np.nan), index=index)
    if kind == "flag":
        return pd.Series(np.zeros(len(index), bool), index=index)
    if kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(np.full(len(index), None, object), index=index, dtype=object, copy=False)


def where(table: Table, row, employee=None) -> tuple[str, str]:
    """A row named for HR: 「历史记录」第 5 行（工号 1001） | 'History' row 5 (employee 1001).
    A (sheet, row) label names the sheet it came from."""
    sheet_zh, sheet_en = (row[0], row[0]) if isinstance(row, tuple) else (table.zh, table.en)
    number = row[1] if isinstance(row, tuple) else row
    who_zh = f"（工号 {employee}）" if employee else ""
    who_en = f" (employee {employee})" if employee else ""
    return f"「{sheet_zh}」第 {number} 行{who_zh}", f"'{sheet_en}' row {number}{who_en}"


class Headers(dict):
    """Each column's header as its sheet shows it, by field key ((sheet, key) where a frame
    holds rows of several sheets), kept with a frame in its `attrs` (`book.table_frame`) for the
    problems to name (`column_names`). pandas deep-copies `attrs` at every operation on the
    frame (a column taken out of History, each time): never changed once made, it is handed on
    as it is."""

    def __deepcopy__(self, memo):
        return self


def column_names(f: Field, row, headers: dict) -> tuple[str, str]:
    """The column of `f` as HR finds it on the sheet of the row labelled `row`: its header there
    (`book.table_frame` keeps them; a coefficient ladder's score is headed 绩效系数, an older
    roster's ladder 职级序列), its Chinese part for the Chinese message and its English part
    for the English. A header without one says it in the other language, or by the field's
    English name where it is the field's own Chinese; where the header is not known, the
    field's own names."""
    header = headers.get((row[0], f.key) if isinstance(row, tuple) else f.key)
    parts = [p.strip() for p in re.split(r"[|\n]", str(header or "")) if p.strip()]
    if not parts:
        return f.zh, f.en
    chinese = [p for p in parts if values.CHINESE.search(p)]
    english = [p for p in parts if not values.CHINESE.search(p)]
    zh = (chinese or english)[0]
    return zh, english[0] if english else f.en if values.fold(zh) == values.fold(f.zh) else zh


def _range_problem(table: Table, f: Field, row, number: float, high: float, employee, headers: dict) -> Problem:
    at_zh, at_en = where(table, row, employee)
    zh, en = column_names(f, row, headers)
    if not f.whole or number == np.floor(number):
        shown = f"{f.bounds[0]:g}–{high:g}" if np.isfinite(high) else f"≥ {f.bounds[0]:g}"
        return Problem(f"{at_zh}：「{zh}」{number:g} 超出范围，应为 {shown}",
                       f"{at_en}: '{en}' {number:g} is out of range; it should be {shown}", employee)
    return Problem(f"{at_zh}：「{zh}」{number:g} 应为不小于 {f.bounds[0]:g} 的整数",
                   f"{at_en}: '{en}' {number:g} should be a whole number of at least {f.bounds[0]:g}", employee)


def _cell_problem(table: Table, f: Field, row, raw, employee, headers: dict) -> Problem:
    kind_zh, kind_en = _KIND_TEXT[f.kind]
    at_zh, at_en = where(table, row, employee)
    zh, en = column_names(f, row, headers)
    if values.is_blank(raw):
        return Problem(f"{at_zh}：「{zh}」不能为空", f"{at_en}: '{en}' must not be blank", employee)
    if values.is_error(raw):
        return Problem(f"{at_zh}：「{zh}」是错误值 {raw}，请修正该单元格",
                       f"{at_en}: '{en}' is the error {raw}; correct that cell", employee)
    return Problem(f"{at_zh}：「{zh}」应为{kind_zh}，现为「{raw}」",
                   f"{at_en}: '{en}' should be {kind_en}, not '{raw}'", employee)
