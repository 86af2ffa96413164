"""Month close, the month-end macro: validate the month sheets, freeze them into History,
archive them, and start the next month.

The close is worked out first, from the workbook's cells alone (`plan`), as a list of edits:
rows to write into History, sheets to add and remove. The same plan is carried out on a file
through openpyxl (`close_file`, the command line) or on the open workbook through Excel
(`workbook.macros`), so the two cannot disagree on what a close does. Nothing is edited when
the month has any problem: every problem is listed instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from xlfuncs import book, schema, values
from xlfuncs.excel import computed_columns
from xlfuncs.policy import Ladder, Policy
from xlfuncs.problems import Problem
from xlfuncs.rules import Review, bad_month, evaluate, item_fields

from . import files
from .io import FileBook
from .report import cell_width
from .sheets.dashboard import DASHBOARD, dashboard
from .sheets.month import month_sheet
from .sheets.style import Names, language
from .sheets.tables import fit_table, history_extra

MACRO = "LADDERBOOK_CLOSE_MONTH"  # the same close, run in Excel (workbook.macros)
MANIFEST = "SHA256SUMS"  # the archive folder's checksums, as `sha256sum -c` reads them
DAY_FIELDS = ("sick_days", "personal_days", "absence_days", "overtime_days", "offsite_days")
COUNT_FIELDS = (*DAY_FIELDS, "business_deduction", "unreachable", "late_replies", "major_complaints")
REVIEW_COLUMNS = (  # the archive's review sheet: (column of the review table, zh, en)
    ("name", "姓名", "Name"), ("ladder", "序列", "Ladder"), ("level", "职级", "Level"),
    ("next_level", "下一职级", "Next level"), ("tenure_months", "司龄(月)", "Tenure (months)"),
    ("months_in_level", "本职级月数", "Months in level"), ("score", "本月绩效", "This month"),
    ("average", "平均绩效", "Average"), ("cycle_average", "周期平均", "Cycle average"),
    ("outcome", "评审结果", "Review outcome"), ("eligible", "可晋升", "Eligible"),
    ("reasons", "未达条件", "Unmet criteria"), ("raise_min", "加薪下限", "Raise min"),
    ("raise_max", "加薪上限", "Raise max"), ("demotion_due", "应降级", "Demotion due"),
    ("demotion_reasons", "降级原因", "Demotion reasons"),
    ("training_required", "需培训", "Training required"), ("training_reasons", "培训原因", "Training reasons"),
    ("pay_adjust", "薪酬增减", "Pay adjustment"), ("pay_detail", "薪酬明细", "Pay detail"),
    ("problem", "问题", "Problem"))


class Editor(Protocol):
    """What a close (and apply-moves) does to a workbook; rows and columns count from 1."""

    def delete_rows(self, sheet: str, first: int, count: int) -> None: ...
    def write_rows(self, sheet: str, first: int, rows: list[list], like_row: int) -> None: ...
    def set_cell(self, sheet: str, row: int, column: int, value) -> None: ...
    def fit_table(self, sheet: str, last_row: int) -> None: ...
    def add_month_sheet(self, ladder: Ladder, title: str, month: dt.datetime, people: list[dict]) -> None: ...
    def delete_sheet(self, sheet: str) -> None: ...


@dataclass
class Plan:
    month: int
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # the month's sheets
    history: str = ""
    delete: list[tuple[int, int]] = field(default_factory=list)  # History (first row, count), bottom up
    first_row: int = 0  # where the frozen rows go
    rows: list[list] = field(default_factory=list)  # frozen rows, aligned to History's columns
    new_sheets: list[tuple[Ladder, str, dt.datetime, list[dict]]] = field(default_factory=list)
    archive: dict[str, list[list]] = field(default_factory=dict)  # archive sheet → rows
    like_row: int = 2  # a History row whose number formats the new rows take
    training: str = ""  # the training-list sheet, rewritten whole: its old rows, then the new
    training_first: int = 0
    training_old: int = 0
    training_rows: list[list] = field(default_factory=list)
    in_history: bool = False  # refused because History holds the month (--replace closes again)
    policy: Policy | None = None
    lang: str = "zh"

    @property
    def label(self) -> str:
        return values.month_label(self.month)

    def carry_out(self, editor: Editor) -> None:
        for first, count in self.delete:
            editor.delete_rows(self.history, first, count)
        editor.write_rows(self.history, self.first_row, self.rows, self.like_row)
        editor.fit_table(self.history, self.first_row + len(self.rows) - 1)
        if self.training:
            if self.training_old:
                editor.delete_rows(self.training, self.training_first, self.training_old)
            editor.write_rows(self.training, self.training_first, self.training_rows, self.training_first)
            editor.fit_table(self.training, self.training_first + len(self.training_rows) - 1)
        for ladder, title, month, people in self.new_sheets:
            editor.add_month_sheet(ladder, title, month, people)
        for name in self.closed:
            editor.delete_sheet(name)


@dataclass
class Closed:
    plan: Plan
    archive: Path | None = None
    digest: str = ""
    backup: Path | None = None

    def text(self) -> str:
        p = self.plan
        if p.problems:
            lines = [f"{p.label} 未结账：{len(p.problems)} 个问题，工作簿未改动 | "
                     f"{p.label} not closed: {len(p.problems)} problem(s); the workbook is unchanged"]
            return "\n".join(lines + [f"  {problem}" for problem in p.problems])
        lines = [f"{p.label} 已结账 | {p.label} closed",
                 f"  历史记录新增 {len(p.rows)} 行 | {len(p.rows)} rows frozen into History"
                 + (f"（替换原有 {sum(c for _, c in p.delete)} 行 | replacing "
                    f"{sum(c for _, c in p.delete)})" if p.delete else ""),
                 f"  已删除 | removed: {', '.join(p.closed)}",
                 *([f"  培训名单 {len(p.training_rows)} 人 | training list: {len(p.training_rows)}"]
                   if p.training else []),
                 f"  新建 | started: {', '.join(title for _, title, _, _ in p.new_sheets) or '-'}"]
        if self.archive:
            lines.append(f"  归档 | archive: {self.archive} (SHA-256 {self.digest})")
        if self.backup:
            lines.append(f"  备份 | backup: {self.backup}")
        return "\n".join(lines + [f"  注意 | note: {w}" for w in p.warnings])


def plan(source: book.Source, month: str | None = None, replace: bool = False) -> Plan:
    """What closing `month` (default: the earliest month with month sheets) changes, or the
    problems that stop it."""
    names = source.sheet_names()
    sheets = book.month_sheets(names)
    wanted = None if month is None else values.month(month)
    if wanted is values.INVALID:
        return Plan(0, [bad_month(month)])
    if not sheets:
        return Plan(wanted or 0, [Problem("工作簿中没有月度表（名称如「2026-10 客户代表」）",
                                          "the workbook has no month sheets (named like '2026-10 客户代表')")])
    chosen = min(m for _, m in sheets) if wanted is None else wanted
    out = Plan(chosen, closed=[name for name, m in sheets if m == chosen])
    if not out.closed:
        out.problems.append(Problem(f"没有 {out.label} 的月度表", f"there are no month sheets for {out.label}"))
        return out
    inputs = book.read(source)
    out.problems += inputs.problems
    policy = inputs.policy
    history = book.find_sheet(names, schema.RECORDS.names)
    if history is None:
        out.problems.append(Problem(f"工作簿缺少工作表「{schema.RECORDS.zh}」",
                                    f"the workbook has no sheet '{schema.RECORDS.en}'"))
    if out.problems or policy is None:
        return out
    out.history = history

    records = inputs.records
    in_month = records.index.get_level_values(0).isin(out.closed)
    past = records[~in_month]
    past_months = values.months(past["month"])[0].to_numpy()
    if (past_months == chosen).any() and not replace:
        out.in_history = True
        out.problems.append(Problem(
            f"历史记录中已有 {out.label} 的数据；如要重新结账，请加 --replace（只替换该月的行）",
            f"History already holds {out.label}; to close it again use --replace (only that month's rows are replaced)"))
        return out
    month_records = records[in_month]
    roster, _ = schema.clean(schema.ROSTER, inputs.roster)  # its problems: said by the rules
    review_of_month = evaluate(inputs.roster, month_records, policy, out.label)
    out.problems += review_of_month.problems
    out.problems += _check_inputs(roster, month_records, review_of_month, policy, out.month)
    if out.problems:
        return out

    out.policy, out.lang = policy, language(names)
    review = evaluate(inputs.roster, records, policy, out.label)
    results = frozen(review)
    from_history = past.index.get_level_values(0) == history
    _freeze(out, source.values(history), month_records, past[from_history & (past_months == chosen)],
            results, policy)
    out.archive = _archive_sheets(source, out, review, results, policy)
    _training(out, source, names, review, policy)
    out.new_sheets = _next_sheets(roster, policy, chosen + 1, names)
    return out


def _check_inputs(roster: pd.DataFrame, records: pd.DataFrame, review: Review, policy: Policy,
                  month: int) -> list[Problem]:
    """What the rules let pass but a month cannot be closed with: someone of the roster hired
    by the month's end missing from its sheets, a score or KPI item left blank, a negative
    count, more days than the month has. `roster` is cleaned."""
    out = []
    table = review.table
    label, end = values.month_label(month), values.month_end(month)
    ids = values.employee_ids(records["employee"])[0].astype(object).to_numpy()
    present = set(ids)
    for emp, name, hired in zip(roster["employee"], roster["name"], roster["hire_date"]):
        if emp not in present and not (pd.notna(hired) and hired > end):
            out.append(Problem(f"工号 {emp}（{name or ''}）不在 {label} 的月度表中",
                               f"employee {emp} ({name or ''}) is on no month sheet of {label}", emp))
    clean, _ = schema.clean(schema.RECORDS, records, item_fields(policy))
    for at, emp in zip(records.index, ids):
        if emp not in table.index or table.at[emp, "problem"]:
            continue  # said by the rules already
        role = policy.role(_rung(policy, table, emp).role)
        at_zh, at_en = schema.where(schema.RECORDS, at, emp)
        metric = policy.metric(role.metric)
        needed = [(i.name, i.name, i.name_en) for i in role.items] or [("score", metric.name, metric.name_en)]
        for key, zh, en in needed:
            value = clean.at[at, key]
            if pd.isna(value):  # out of range: the review said it (rules.kpi_scores)
                out.append(Problem(f"{at_zh}：「{zh}」未填写", f"{at_en}: '{en}' is blank", emp))
        for key in COUNT_FIELDS:
            value, f = clean.at[at, key], schema.RECORDS.field(key)
            limit = end.day if key in DAY_FIELDS else None
            if pd.notna(value) and (value < 0 or (limit is not None and value > limit)):
                shown = f"0–{limit}" if limit else "≥ 0"
                out.append(Problem(f"{at_zh}：「{f.zh}」{value:g} 应在 {shown}",
                                   f"{at_en}: '{f.en}' {value:g} should be {shown}", emp))
    return out


def _rung(policy: Policy, table: pd.DataFrame, emp):
    """The rung the review found the person on (the review decided it; not looked up again)."""
    return policy.ladder(table.at[emp, "ladder"]).rungs[int(table.at[emp, "rung"])]


# ---- the plan's parts ----------------------------------------------------------------------

def frozen(review: Review) -> pd.DataFrame:
    """The month's computed results per employee, as values for History (blank: None): the
    same answers the month sheet's formulas give, without their error texts."""
    t = review.table
    cycled = t["cycle_months"].fillna(0).to_numpy() > 0
    out = pd.DataFrame({"result:ladder": t["ladder_name"],
                        "result:level": t["level"], "result:eligible_in": t["eligible_in"]}, index=t.index)
    for column in computed_columns():  # what each month-sheet column's function answered
        value = t[column.review].astype(object)
        if column.on == "cycle":
            value = value.where(cycled, None)
        out[f"result:{column.key}"] = value
    out = out.astype(object).where(out.notna(), None)
    out["result:reasons"] = out["result:reasons"].where(out["result:reasons"] != "", None)
    out.loc[t["problem"] != ""] = None
    return out


def _freeze(out: Plan, cells: list[list], month_records: pd.DataFrame, replaced: pd.DataFrame,
            results: pd.DataFrame, policy: Policy) -> None:
    """The month's rows for History, in its own column order: the inputs as typed on the
    month sheets, the month as a date, the results as values."""
    extra = history_extra(policy)
    (header, mapping), _ = book.find_header(schema.RECORDS, cells, out.history, extra)
    column = {key: pos for pos, key in mapping.items()}
    rows = sorted(r for _, r in replaced.index)
    blocks = []
    for r in rows:
        if blocks and blocks[-1][0] + blocks[-1][1] == r:
            blocks[-1][1] += 1
        else:
            blocks.append([r, 1])
    out.delete = [tuple(b) for b in reversed(blocks)]
    out.first_row = last_row(cells, header) + 1 - len(rows)
    out.like_row = header + 1

    month = values.month_start(out.month).to_pydatetime()
    ids = values.employee_ids(month_records["employee"])[0].astype(object).to_numpy()
    out.rows, lost = aligned([{**record.to_dict(), **results.loc[emp].to_dict(), "month": month}
                              for (_, record), emp in zip(month_records.iterrows(), ids)], column)
    names = {f.key: f.zh for f in (*schema.RECORDS.fields, *extra)}
    if lost:
        out.warnings.append("历史记录没有这些列，其数据未保存 | History has no column for: "
                            + "、".join(names.get(k, k) for k in sorted(lost)))


def _training(out: Plan, source: book.Source, names: list[str], review: Review, policy: Policy) -> None:
    """§5: the training list as of the closed month, in roster order, replacing the last one."""
    sheet = book.find_sheet(names, schema.TRAINING.names)
    if sheet is None:
        out.warnings.append(f"工作簿没有「{schema.TRAINING.zh}」表，培训名单未刷新 | "
                            f"the workbook has no '{schema.TRAINING.en}' sheet; no training list written")
        return
    cells = source.values(sheet)
    found, problems = book.find_header(schema.TRAINING, cells, sheet)
    if found is None:
        out.warnings += [f"培训名单未刷新 | training list not refreshed: {p}" for p in problems]
        return
    header, mapping = found
    t = review.table
    t = t[t["training_required"].eq(True)]
    month = values.month_start(out.month).to_pydatetime()
    reasons = t["training_reasons" if out.lang == "zh" else "training_reasons_en"]
    out.training, out.training_first = sheet, header + 1
    out.training_old = last_row(cells, header) - header
    out.training_rows, _ = aligned([
        {"month": month, "employee": id_cell(emp), "name": t.at[emp, "name"],
         "ladder": policy.ladder(t.at[emp, "ladder"]).name, "level": t.at[emp, "level"],
         "reasons": reasons[emp]} for emp in t.index], {key: pos for pos, key in mapping.items()})


def last_row(cells: list[list], header: int) -> int:
    """The last row (from 1) of a sheet's cells holding anything, the header at least."""
    return max((i + 1 for i, row in enumerate(cells) if any(not values.is_blank(v) for v in row or [])),
               default=header)


def aligned(records: list[dict], column: dict) -> tuple[list[list], set]:
    """`records` (field key → value) as rows of cells, each value at its key's position in
    `column`; blanks left empty, and the keys that have no column."""
    width = max(column.values()) + 1
    rows, lost = [], set()
    for record in records:
        row = [None] * width
        for key, value in record.items():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if key not in column:
                lost.add(key)
                continue
            row[column[key]] = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        rows.append(row)
    return rows, lost


def _archive_sheets(source: book.Source, out: Plan, review: Review, results: pd.DataFrame,
                    policy: Policy) -> dict[str, list[list]]:
    """The month sheets as values, their computed columns holding the results, and the
    review of everyone on them."""
    computed = {values.fold(name): f"result:{c.key}" for c in computed_columns() for name in (c.zh, c.en)}
    sheets = {}
    everyone = []
    for name in out.closed:
        cells = [list(row or []) for row in source.values(name)]
        (header, mapping), _ = book.find_header(schema.RECORDS, cells, name, item_fields(policy),
                                                {"month": None})
        employee = next(pos for pos, key in mapping.items() if key == "employee")
        replace = {pos: next((computed[p] for p in schema.header_parts(h) if p in computed), None)
                   for pos, h in enumerate(cells[header - 1])}
        rows = cells[:header]
        for row in cells[header:]:
            emp = values.employee_id(row[employee]) if employee < len(row) else None
            if emp in (None, values.INVALID):
                continue
            everyone.append(emp)
            known = emp in results.index
            rows.append([results.at[emp, replace[pos]] if replace.get(pos) and known else
                         (None if replace.get(pos) else v) for pos, v in enumerate(row)])
        sheets[name] = rows
    t = review.table.loc[[e for e in everyone if e in review.table.index]]
    head = [f"{schema.EMPLOYEE.zh}\n{schema.EMPLOYEE.en}"] + [f"{zh}\n{en}" for _, zh, en in REVIEW_COLUMNS]
    body = [[id_cell(emp)] + [_plain(t.at[emp, c]) for c, _, _ in REVIEW_COLUMNS] for emp in t.index]
    sheets[f"评审结果 Review {out.label}"] = [head] + body
    return sheets


def _plain(value):
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def id_cell(emp: str):
    """An id as a cell: digits as a number, as HR types them; anything else as text."""
    return int(emp) if emp.isdigit() else emp


def _next_sheets(clean: pd.DataFrame, policy: Policy, month: int, names: list[str]):
    """Next month's sheets: one per ladder with staff (the cleaned roster) hired by that
    month's end."""
    label, end = values.month_label(month), values.month_end(month)
    first_day = values.month_start(month).to_pydatetime()
    hired = ~(clean["hire_date"] > end).to_numpy()
    ladder_of = clean["ladder"].map(lambda v: getattr(policy.ladder(v), "id", None)).to_numpy()
    out = []
    for ladder in policy.ladders:
        mine = clean[(ladder_of == ladder.id) & hired]
        title = f"{label} {ladder.name}"[:31]
        if mine.empty or title in names:
            continue
        people = [{"employee": id_cell(e), "name": n, "level": lv}
                  for e, n, lv in zip(mine["employee"], mine["name"], mine["level"])]
        out.append((ladder, title, first_day, people))
    return out


# ---- carried out on a file -------------------------------------------------------------------

class OpenpyxlEditor:
    """The edits of a plan on a workbook loaded by openpyxl."""

    def __init__(self, wb, policy: Policy, lang: str):
        self.wb, self.policy, self.names = wb, policy, Names(lang)

    def delete_rows(self, sheet, first, count):
        self.wb[sheet].delete_rows(first, count)

    def write_rows(self, sheet, first, rows, like_row):
        ws = self.wb[sheet]
        formats = [ws.cell(like_row, c).number_format for c in range(1, max(map(len, rows), default=0) + 1)]
        for r, row in enumerate(rows, first):
            for c, value in enumerate(row, 1):
                if value is not None:
                    cell = ws.cell(r, c, value)
                    cell.number_format = formats[c - 1]
                    if isinstance(value, dt.datetime) and cell.number_format == "General":
                        cell.number_format = "yyyy-mm-dd"

    def set_cell(self, sheet, row, column, value):
        self.wb[sheet].cell(row, column, value)

    def fit_table(self, sheet, last_row):
        fit_table(self.wb[sheet], last_row)

    def add_month_sheet(self, ladder, title, month, people):
        template = self.names.template(ladder)
        index = self.wb.index(self.wb[template]) if template in self.wb.sheetnames else None
        month_sheet(self.wb, self.policy, ladder, title, month, people, self.names.lang, index)

    def delete_sheet(self, sheet):
        del self.wb[sheet]
        self.wb.active = 0


def write_archive(plan: Plan, path: Path) -> None:
    """The archive workbook of a close: values only, one sheet per month sheet and the review,
    each column as wide as what it holds (up to 60) and two-line headers wrapped, so that an
    old month reads as it did."""
    wb = openpyxl.Workbook(write_only=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for title, rows in plan.archive.items():
        ws = wb.create_sheet(title[:31])
        for col, width in enumerate(_widths(rows), 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        for row in rows:
            ws.append([_wrapped(ws, v, wrap) if isinstance(v, str) and "\n" in v else v for v in row])
    wb.save(path)


def _wrapped(ws, text: str, wrap: Alignment) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.alignment = wrap
    return cell


def _widths(rows: list[list]) -> list[int]:
    """Each column's width in characters: its widest cell as shown (a header by its longest
    line, a date as 2026-10-01), two more for the margins, from 8 to 60."""
    def shown(value) -> int:
        if isinstance(value, dt.date):  # as openpyxl formats them
            return 19 if isinstance(value, dt.datetime) else 10
        return cell_width(f"{value:g}" if isinstance(value, float) else value)
    count = max((len(row) for row in rows), default=0)
    return [min(max(max((shown(row[c]) for row in rows if c < len(row)), default=0) + 2, 8), 60)
            for c in range(count)]


def archive_folder(path: Path) -> Path:
    return path.with_name(f"{path.stem}-archive")


def close_file(path, month: str | None = None, replace: bool = False, allow_drop: bool = False,
               now: dt.datetime | None = None) -> Closed:
    """Close a month of the workbook file at `path`. Nothing changes unless everything can:
    with problems, the report lists them; the workbook is replaced atomically, a backup of it
    kept, and the archive written only once the workbook is safely saved."""
    path = Path(path)
    files.refuse_unsafe(path)
    the_plan = plan(FileBook(path), month, replace)
    if the_plan.problems:
        return Closed(the_plan)
    target, problem = archive_target(path, the_plan, replace)
    if problem:
        the_plan.problems.append(problem)
        return Closed(the_plan)
    folder = target.parent
    pending = folder / f".~{the_plan.label}.xlsx"

    def edit(wb):
        the_plan.carry_out(OpenpyxlEditor(wb, the_plan.policy, the_plan.lang))
        folder.mkdir(exist_ok=True)
        write_archive(the_plan, pending)

    try:
        backup = rewrite(path, edit, the_plan.policy, the_plan.lang, MACRO, allow_drop, now)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    digest = place_archive(pending, target, now)
    return Closed(the_plan, target, digest, backup)


def rewrite(path: Path, edit, policy: Policy, lang: str, macro: str, allow_drop: bool,
            now: dt.datetime | None) -> Path:
    """`files.rewrite` with the dashboard built anew after `edit`: its charts are ladderbook's
    own, so openpyxl losing them loses nothing."""
    names = Names(lang)
    name = names.pick(*DASHBOARD)

    def run(wb):
        edit(wb)
        if name in wb.sheetnames:
            index = wb.index(wb[name])
            del wb[name]
            dashboard(wb, policy, names, index)

    return files.rewrite(path, run, macro, allow_drop, now, rebuilt=name)


def archive_target(path: Path, the_plan: Plan, replace: bool) -> tuple[Path, Problem | None]:
    """Where the month's archive goes, and the problem if one is there already and may not
    be replaced."""
    target = archive_folder(path) / f"{the_plan.label}.xlsx"
    if target.exists() and not replace:
        return target, Problem(
            f"归档文件 {target} 已存在，未覆盖（加 --replace 重新结账，旧归档会改名保留）",
            f"the archive {target} exists and is not overwritten (--replace closes again and "
            f"keeps the old archive under a new name)")
    return target, None


def place_archive(pending: Path, target: Path, now: dt.datetime | None = None) -> str:
    """Move the new archive into place and record its checksum; an archive it replaces is
    kept under a dated name, and the manifest says so."""
    manifest = target.parent / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []
    if target.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.stem}.replaced-{stamp}{target.suffix}")
        target.rename(kept)
        lines = [f"{line.split('  ', 1)[0]}  {kept.name}" if line.endswith(f"  {target.name}") else line
                 for line in lines]
    pending.rename(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    lines.append(f"{digest}  {target.name}")
    files.replace(manifest, lambda temp: temp.write_text("\n".join(lines) + "\n", encoding="utf-8"))
    return digest
