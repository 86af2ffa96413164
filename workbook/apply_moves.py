"""Apply HR's decisions of a closed month: the roster moves, the moves log grows.

Decisions are typed on the month sheet (调动决定 …) and frozen into History by the close, so
what is applied is exactly what was decided on the month's review. Every decision is checked
against the policy first (`xlfuncs.moves.decide`); if any is refused, nothing changes and each
refusal says why. A decision already in the moves log is not made twice, so a second run
changes nothing. Like the close, the edits are a plan carried out by an `Editor`, on a file
as an edit of its package or in Excel through `workbook.macros`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xlfuncs import book, schema, values
from xlfuncs.moves import KINDS, MOVE_COLUMNS, PROBATION, PROMOTION, decide
from xlfuncs.problems import Problem
from xlfuncs.rules import bad_month, evaluate

from . import writes
from .edits import Editor, MonthEnd, aligned, edit_package, id_cell, last_row
from .file_book import FileBook
from .sheets.style import Names, language

CONSUMED = ("recommended", "exam_passed", "gm_approval")  # used up by the move they allowed


@dataclass
class MovesPlan(MonthEnd):
    problems: list[Problem] = field(default_factory=list)
    moves: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MOVE_COLUMNS))
    already: int = 0
    warnings: list[str] = field(default_factory=list)
    cells: list[tuple[str, int, int, object]] = field(default_factory=list)  # (sheet, row, column, value)
    log: str = ""
    log_first: int = 0
    log_rows: list[list] = field(default_factory=list)
    log_like: int = 2

    def kind(self, decided: str) -> str:
        """A move's kind (晋升, 降级, as `moves.decide` says it) in the workbook's words."""
        return Names(self.lang).pick(decided, dict(KINDS)[decided])

    def carry_out(self, editor: Editor) -> None:
        for sheet, row, column, value in self.cells:
            editor.set_cell(sheet, row, column, value)
        if self.log_rows:
            editor.write_rows(self.log, self.log_first, self.log_rows, self.log_like)
            editor.fit_table(self.log, self.log_first, self.log_first + len(self.log_rows) - 1)

    def text(self) -> str:
        if self.problems:
            of_zh, of_en = (f"{self.label} 的", f" of {self.label}") if self.label else ("", "")
            head = (f"{of_zh}调动决定未执行：{len(self.problems)} 个问题，工作簿未改动 | "
                    f"the decisions{of_en} were not applied: {len(self.problems)} problem(s); "
                    f"the workbook is unchanged")
            return "\n".join([head] + [f"  {p}" for p in self.problems])
        lines = [f"{self.label} 的调动决定：执行 {len(self.moves)} 项，已执行过 {self.already} 项 | "
                 f"decisions of {self.label}: {len(self.moves)} applied, {self.already} applied before"]
        for m in self.moves.to_dict("records"):
            if self.lang == "en":  # the workbook's language, as its sheets and logs are
                amount = "" if pd.isna(m["raise"]) else f", raise {m['raise']:g} CNY/month"
                lines.append(f"  {m['employee']}: {m['from_level']} → {m['to_level']} "
                             f"({self.kind(m['kind']).lower()}{amount}), from {m['date']:%Y-%m-%d}")
            else:
                amount = "" if pd.isna(m["raise"]) else f"，加薪 {m['raise']:g} 元/月"
                lines.append(f"  {m['employee']}: {m['from_level']} → {m['to_level']}（{self.kind(m['kind'])}{amount}），"
                             f"{m['date']:%Y-%m-%d} 起")
        return "\n".join(lines + [f"  注意 | note: {w}" for w in self.warnings])


def plan(source: book.Source, month: str | None = None) -> MovesPlan:
    """The decisions of `month` (default: the latest month in History) as edits, or the
    problems that stop them."""
    names = source.sheet_names()
    inputs = book.read(source)
    out = MovesPlan(None, list(inputs.problems))
    history = book.find_sheet(names, schema.RECORDS.names)
    log = book.find_sheet(names, schema.MOVES.names)
    roster_sheet = book.find_sheet(names, schema.ROSTER.names)
    for sheet, table in ((history, schema.RECORDS), (log, schema.MOVES)):
        if sheet is None:
            out.problems.append(Problem(f"工作簿缺少工作表「{table.zh}」", f"the workbook has no sheet '{table.en}'"))
    if out.problems or inputs.policy is None:
        return out
    policy = inputs.policy

    # which rows are decided, read from every row; then those rows read whole (every field of
    # History's 100,000 rows took a quarter of a second)
    records, _ = schema.clean(schema.RECORDS, inputs.records, keys=("month", "decision"))
    sheet_of = records.index.get_level_values(0)
    closed = records[sheet_of == history]
    pending = records[(sheet_of != history) & records["decision"].notna()]["month"]
    if month is None:
        latest = closed["month"].max()
        if len(pending) and not pending.max() <= latest:  # decided on a month not closed yet
            out.month = int(pending.max())
        elif closed["month"].isna().all():
            out.problems.append(Problem("历史记录中还没有已结账的月份", "History holds no closed month yet"))
            return out
        else:
            out.month = int(latest)
    else:
        out.month = values.month(month)
        if out.month in (None, values.INVALID):
            out.month = None
            out.problems.append(bad_month(month))
            return out
    if (pending == out.month).any():
        out.problems.append(Problem(
            f"{out.label} 尚未结账：请先结账（ladderbook close-month），调动决定随结账存入历史记录",
            f"{out.label} is not closed: close it first (ladderbook close-month); the decisions "
            f"are kept in History by the close"))
        return out
    decided_rows = (sheet_of == history) & (records["month"] == out.month) & records["decision"].notna()
    decisions, unreadable = schema.clean(schema.RECORDS, inputs.records, keys=("employee", *schema.DECISIONS),
                                         rows=np.flatnonzero(decided_rows))
    out.problems += unreadable  # (a raise of 600元, else refused as one left blank)

    log_cells = source.values(log)
    log_frame, problems = book.table_frame(schema.MOVES, log_cells, log)
    logged, more = schema.clean(schema.MOVES, log_frame) if log_frame is not None else (None, [])
    out.problems += problems + more
    if out.problems:
        return out

    review = evaluate(inputs.roster, inputs.records, policy, out.label)
    roster, _ = schema.clean(schema.ROSTER, inputs.roster)
    decided = decide(decisions, roster, review, policy, logged)
    out.problems += decided.refused
    if out.problems:
        return out
    out.moves, out.already = decided.moves, decided.already
    out.policy, out.lang = policy, language(names)
    words = Names(out.lang)  # the workbook's own words in its roster, log and month sheets
    ladders = review.table["ladder"].reindex(out.moves["employee"]).to_numpy()  # a move stays on its ladder
    out.moves = out.moves.assign(**{c: words.levels_of(policy, ladders, out.moves[c])
                                    for c in ("from_level", "to_level")})

    _roster_cells(out, source.values(roster_sheet), roster_sheet, roster)
    _month_sheet_levels(out, source, names)
    _log_rows(out, log, log_cells)
    after = sorted({int(m) for m in closed["month"].dropna() if m > out.month})
    if len(out.moves) and after:  # the decisions of a month applied after a later month closed
        later, start = "、".join(map(values.month_label, after)), values.month_label(out.month + 1)
        out.warnings.append(f"调动自 {start} 起生效，但 {later} 已结账：历史记录中这几个月的职级与评审仍是调动前的 | "
                            f"the moves take effect from {start}, but {later} is closed already: History's levels "
                            f"and review of those months are as before them")
    return out


def _roster_cells(out: MovesPlan, cells, sheet: str, roster: pd.DataFrame) -> None:
    """Level and level-since of each person moved; the approvals the move used up set to 否 (No)."""
    (_, mapping), _ = book.find_header(schema.ROSTER, cells, sheet)
    column = {key: pos + 1 for pos, key in mapping.items()}
    used_up = Names(out.lang).yes_no(False)
    row_of = {}
    for row, emp in zip(roster.index, roster["employee"]):
        row_of.setdefault(emp, row)
    for m in out.moves.itertuples():
        row = row_of[m.employee]
        out.cells.append((sheet, row, column["level"], m.to_level))
        if "level_since" in column:
            out.cells.append((sheet, row, column["level_since"], m.date.to_pydatetime()))
        if m.kind == PROMOTION[0]:
            out.cells += [(sheet, row, column[key], used_up) for key in CONSUMED if key in column]
        until = getattr(m, PROBATION)
        if pd.notna(until) and PROBATION in column:  # 降级并试用: the probation that comes with it
            out.cells.append((sheet, row, column[PROBATION], until.to_pydatetime()))


def _month_sheet_levels(out: MovesPlan, source, names) -> None:
    """The level column of the open month sheets from the move's month on: KPI_SCORE weighs
    a person's items by it."""
    moved = dict(zip(out.moves["employee"], out.moves["to_level"]))
    starts = values.month(out.moves["date"].min()) if len(out.moves) else None
    for name, month in book.month_sheets(names):
        if starts is None or month < starts:
            continue
        cells = source.values(name)
        found, _ = book.find_header(schema.RECORDS, cells, name, (schema.ROSTER.field("level"),),
                                    {"month": None})
        column = {key: pos for pos, key in found[1].items()} if found else {}
        if "level" not in column:
            continue
        header, employee, level = found[0], column["employee"], column["level"]
        for excel_row, cells_row in enumerate(cells[header:], header + 1):
            emp = values.employee_id(cells_row[employee]) if employee < len(cells_row) else None
            if emp in moved:
                out.cells.append((name, excel_row, level + 1, moved[emp]))


def _log_rows(out: MovesPlan, sheet: str, cells) -> None:
    (header, mapping), _ = book.find_header(schema.MOVES, cells, sheet)
    column = {key: pos for pos, key in mapping.items()}
    out.log, out.log_first, out.log_like = sheet, last_row(cells, header) + 1, header + 1
    moves = [{**m, "employee": id_cell(m["employee"]), "kind": out.kind(m["kind"])}
             for m in out.moves.to_dict("records")]
    out.log_rows, _ = aligned(moves, column)


def apply_file(path, month: str | None = None, now: dt.datetime | None = None) -> tuple[MovesPlan, Path | None]:
    """Apply the decisions of a closed month to the workbook file at `path`: all of them or,
    with any refused, none. Returns the plan and the backup taken (None if nothing changed)."""
    path = Path(path)
    with writes.checked(path) as held:
        source = FileBook(path)
        the_plan = plan(source, month)
        if the_plan.problems or the_plan.moves.empty:
            return the_plan, None
        backup = edit_package(held, the_plan.carry_out, the_plan.policy, the_plan.lang, source, now)
    return the_plan, backup
