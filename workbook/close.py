"""Month close, the month-end macro: validate the month sheets, freeze them into History,
archive them, and start the next month.

The close is worked out first, from the workbook's cells alone (`plan`), as a list of edits:
rows to write into History, sheets to add and remove. The same plan is carried out on a file
as an edit of its package (`close_file`, the command line) or on the open workbook through Excel
(`workbook.macros`), so the two cannot disagree on what a close does. Nothing is edited when
the month has any problem: every problem is listed instead.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from defusedxml import ElementTree
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import CHART_NS, SHEET_MAIN_NS

from xlfuncs import book, schema, validation, values
from xlfuncs.excel import shown_columns
from xlfuncs.policy import Policy
from xlfuncs.problems import Problem
from xlfuncs.rules import Review, bad_month, evaluate, item_fields

from . import files, formula_text, package, writes
from .archive import archive_folder, archive_sheets, archive_target, place_archive, repair, write_archive
from .edits import Editor, MonthEnd, aligned, below_records, edit_package, id_cell, last_row
from .file_book import FileBook
from .next_month import (NewSheet, StaleDashboard, StaleList, StaleTemplate, bring_up, brought_up, first_line,
                         in_history, named_alike, named_otherwise, next_sheets, own_heads, renamed_templates,
                         stale_dashboard, stale_lists, unstarted)
from .package_editor import PackageEditor
from .sheets.dashboard import DASHBOARD, uncounted
from .sheets.style import Names, language
from .sheets.tables import history_extra


@dataclass
class Plan(MonthEnd):
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # the month's sheets
    history: str = ""
    delete: list[tuple[int, int]] = field(default_factory=list)  # History (first row, count), bottom up
    first_row: int = 0  # where the frozen rows go
    rows: list[list] = field(default_factory=list)  # frozen rows, aligned to History's columns
    new_sheets: list[NewSheet] = field(default_factory=list)
    archive: dict[str, list[list]] = field(default_factory=dict)  # archive sheet → rows
    like_row: int = 2  # a History row whose number formats the new rows take
    history_header: int = 1  # History's header row
    new_columns: list[str] = field(default_factory=list)  # headers History gains: a KPI item the policy added, a result
    new_at: int = 0  # their first column
    training: str = ""  # the training-list sheet, rewritten whole: its old rows, then the new
    training_first: int = 0
    training_old: int = 0
    training_rows: list[list] = field(default_factory=list)
    in_history: bool = False  # refused because History holds the month (--replace closes again)
    templates_off: list[StaleTemplate] = field(default_factory=list)  # what Excel's macro refuses
    lists: list[StaleList] = field(default_factory=list)  # dropdown lists the policy sheet changed
    dashboard: StaleDashboard | None = None  # laid out for the policy as it was (the command lays it out
    # anew), or with an older ladderbook's formulas (both editors write today's)

    def carry_out(self, editor: Editor) -> None:
        for first, count in self.delete:
            editor.delete_rows(self.history, first, count)
        if self.new_columns:
            editor.add_columns(self.history, self.history_header, self.new_at, self.new_columns)
        editor.write_rows(self.history, self.first_row, self.rows, self.like_row)
        editor.fit_table(self.history, self.first_row, self.first_row + len(self.rows) - 1)
        # History prints its latest month (header repeated), not every month since it began
        editor.print_rows(self.history, self.first_row, self.first_row + len(self.rows) - 1)
        if self.training:
            if self.training_old:
                editor.delete_rows(self.training, self.training_first, self.training_old)
            editor.write_rows(self.training, self.training_first, self.training_rows, self.training_first)
            editor.fit_table(self.training, self.training_first, self.training_first + len(self.training_rows) - 1)
        for sheet in self.new_sheets:
            editor.add_month_sheet(*sheet)
        for stale in self.lists:
            editor.write_list(*stale)
        for name in self.closed:
            editor.delete_sheet(name)


@dataclass
class Closed:
    plan: Plan
    archive: Path | None = None
    digest: str = ""
    backup: Path | None = None
    rebuilt: list[str] = field(default_factory=list)  # the templates built anew (`next_month.bring_up`)
    dashboard: str = ""  # brought up (`next_month.bring_up`, `formulas_up`)
    by_excel: bool = False  # closed by Excel's macro, which does not lay out a dashboard

    def text(self) -> str:
        p = self.plan
        if p.problems:
            month = f"{p.label} " if p.label else ""
            lines = [f"{month}未结账：{len(p.problems)} 个问题，工作簿未改动 | "
                     f"{month}not closed: {len(p.problems)} problem(s); the workbook is unchanged"]
            return "\n".join(lines + [f"  {problem}" for problem in p.problems])
        lines = [f"{p.label} 已结账 | {p.label} closed",
                 f"  历史记录新增 {len(p.rows)} 行 | {len(p.rows)} rows frozen into History"
                 + (f"（替换原有 {sum(c for _, c in p.delete)} 行 | replacing "
                    f"{sum(c for _, c in p.delete)})" if p.delete else ""),
                 *([f"  历史记录新增列 | columns added to History: {'、'.join(map(first_line, p.new_columns))}"]
                   if p.new_columns else []),
                 f"  已删除 | removed: {', '.join(p.closed)}",
                 *([f"  培训名单 {len(p.training_rows)} 人 | training list: {len(p.training_rows)}"]
                   if p.training else []),
                 f"  新建 | started: {', '.join(s.title for s in p.new_sheets) or '-'}"]
        lines += [f"  {line}" for line in brought_up(self.rebuilt, [stale.name for stale in p.lists],
                                                     p.dashboard if self.dashboard else None)]
        if self.archive:
            lines.append(f"  归档 | archive: {self.archive} (SHA-256 {self.digest})")
        if self.backup:
            lines.append(f"  备份 | backup: {self.backup}")
        notes = p.warnings + [t.kept for t in p.templates_off if t.name not in self.rebuilt]
        if p.dashboard and not self.dashboard:
            notes.append(p.dashboard.note(self.by_excel))
        return "\n".join(lines + [f"  注意 | note: {w}" for w in notes])


def plan(source: book.Source, month: str | None = None, replace: bool = False) -> Plan:
    """What closing `month` (default: the earliest month with month sheets) changes, or the
    problems that stop it."""
    names = source.sheet_names()
    sheets = book.month_sheets(names)
    wanted = None if month is None else values.month(month)
    if wanted is values.INVALID:
        return Plan(None, [bad_month(month)])
    if not sheets and wanted is None:
        return Plan(None, [Problem(
            "工作簿中没有月度表（名称如「2026-10 客户代表」）：先开始一个月，ladderbook start-month 部门.xlsx 2026-10",
            "the workbook has no month sheets (named like '2026-10 Customer representatives'): start a month "
            "first, ladderbook start-month department.xlsx 2026-10")])
    chosen = min(m for _, m in sheets) if wanted is None else wanted
    out = Plan(chosen, closed=[name for name, m in sheets if m == chosen])
    earlier = min((m for _, m in sheets if m < chosen), default=None)
    if earlier is not None:  # its review would rest on a month History does not hold yet, closed after it
        first = values.month_label(earlier)
        out.problems.append(Problem(f"{first} 还未结账（工作簿中还有它的月度表）：请先结账 {first}，再结账 {out.label}",
                                    f"{first} is not closed yet (its month sheets are in the workbook): close it "
                                    f"first, then {out.label}"))
        return out
    inputs = book.read(source)
    if not out.closed:
        if in_history(inputs.records, names, chosen):
            out.problems.append(Problem(f"{out.label} 已结账（历史记录中有该月），没有该月的月度表",
                                        f"{out.label} is closed already (History holds it); it has no month sheets"))
        else:
            out.problems.append(Problem(f"没有 {out.label} 的月度表", f"there are no month sheets for {out.label}"))
        return out
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
    out.problems += validation.validate(roster, month_records, review_of_month, policy, out.month)
    out.problems += _levels_as_on_roster(source, out.closed, roster, policy)
    out.problems += _months_as_named(source, out.closed, chosen)
    out.problems += _items_as_percentages(source, out.closed, policy)
    if out.problems:  # a ladder's sheet missing first: it is why its people are on no sheet
        out.problems[:0] = _sheets_missing(source, roster, policy, out.month, names, month_records)
        return out

    out.policy, out.lang = policy, language(names)
    replaced = np.zeros(len(records), bool)  # History's rows of the month closed again: not read beside the new
    replaced[np.flatnonzero(~in_month)[past_months == chosen]] = True
    review = evaluate(inputs.roster, records[~replaced], policy, out.label)
    closing = set(values.employee_ids(month_records["employee"])[0].dropna())
    out.problems += [p for p in review.problems if p.employee in closing and p not in review_of_month.problems]
    if out.problems:  # History read wrong beneath someone of the month: nothing frozen empty
        return out
    results = frozen(review, policy, out.lang)
    from_history = past.index.get_level_values(0) == history
    _freeze(out, source.values(history), month_records, past[from_history & (past_months == chosen)],
            results, policy, _own_columns(source, out.closed, policy))
    if out.problems:
        return out
    out.archive = archive_sheets(source, out, review, results, policy)
    _training(out, source, names, review)
    out.new_sheets, out.templates_off = next_sheets(source, roster, policy, chosen + 1, names)
    out.problems += renamed_templates(source, names, out.templates_off)  # not a second one beside HR's
    out.problems += named_alike(policy, names, values.month_label(chosen + 1))
    out.lists = stale_lists(source, policy, names)
    out.dashboard = stale_dashboard(source, policy, names)
    out.warnings += _reading_closed(source, names, out.closed, history)
    if book.find_sheet(names, DASHBOARD):
        out.warnings += uncounted(inputs.roster, policy, book.find_sheet(names, schema.ROSTER.names))
    return out


def _sheets_missing(source: book.Source, roster: pd.DataFrame, policy: Policy, month: int,
                    names: list[str], records: pd.DataFrame) -> list[Problem]:
    """What to do when the month's staff of a ladder have no sheet of the month to be on (a
    ladder HR added to the policy sheet during the month, its first people hired), none of
    them on the month's sheets (`records`); or, when HR renamed its sheet, to name it back."""
    label = values.month_label(month)
    return [named_otherwise(source, names, s) or Problem(
                f"序列「{s.ladder.name}」没有 {label} 的月度表：运行 ladderbook start-month 部门.xlsx {label} 补建，填写后再结账",
                f"the ladder '{s.ladder.name_en}' has no month sheet for {label}: add it with ladderbook start-month "
                f"部门.xlsx {label}, fill it in, then close")
            for s in unstarted(next_sheets(source, roster, policy, month, names)[0], records)]


def _months_as_named(source: book.Source, sheets: list[str], month: int) -> list[Problem]:
    """Each month sheet's month in B1 (under 月份 | Month in A1, as the builder writes it) is the
    month its name says, or blank: the sheet's formulas review B1's month, the close freezes the
    name's, and one fact is not let to have two values."""
    label, out = values.month_label(month), []
    for name in sheets:
        first = (source.values(name) or [[]])[0]
        if len(first) < 2 or not isinstance(first[0], str) or values.fold(first[0]) not in ("月份", "month"):
            continue
        typed = values.month(first[1])
        if typed is values.INVALID:
            out.append(Problem(f"「{name}」B1：「{first[1]}」不是月份，该表的月份是 {label}（见表名）：请将 B1 改为 {label}",
                               f"'{name}' B1: '{first[1]}' is no month; the sheet's month is {label} (its name): set "
                               f"B1 to {label}"))
        elif typed is not None and typed != month:
            shown = values.month_label(typed)
            out.append(Problem(f"「{name}」B1 的月份 {shown} 不是该表的月份 {label}（见表名），表中公式评审的是 {shown}："
                               f"请将 B1 改为 {label}",
                               f"'{name}' B1: the month {shown} is not the sheet's month, {label} (its name), and its "
                               f"formulas review {shown}: set B1 to {label}"))
    return out


def _items_as_percentages(source: book.Source, sheets: list[str], policy: Policy) -> list[Problem]:
    """KPI items typed as percentages: 95% typed into a cell holds 0.95, and the policy scores
    each item in points (0–100 by default), so the review would take 0.95 for the score, a
    verdict on a number HR did not mean. A file's number formats tell (`FileBook.percents`);
    Excel's macro reads values only, and is not asked."""
    percents = getattr(source, "percents", None)
    items = {f.key: f for f in item_fields(policy)}
    out = []
    for name in sheets if percents else ():
        shown = percents(name)
        cells = source.values(name) if shown else []
        found, _ = book.find_header(schema.RECORDS, cells, name, tuple(items.values()), {"month": None})
        if found is None:
            continue
        header, mapping = found
        who = next(pos for pos, key in mapping.items() if key == "employee")
        for r, c in sorted(shown):
            value = cells[r - 1][c - 1] if r <= len(cells) and c <= len(cells[r - 1]) else None
            if r > header and mapping.get(c - 1) in items and isinstance(value, float):
                item = items[mapping[c - 1]]
                emp = values.employee_id(cells[r - 1][who]) if who < len(cells[r - 1]) else None
                at_zh, at_en = schema.where(schema.RECORDS, (name, r), None if emp is values.INVALID else emp)
                out.append(Problem(f"{at_zh}：「{item.zh}」以百分比 {value * 100:g}% 输入，单元格中为 {value:g}，而此项按分计："
                                   f"请输入 {value * 100:g}",
                                   f"{at_en}: '{item.en}' is typed as the percentage {value * 100:g}%, which the cell "
                                   f"holds as {value:g}, and it is scored in points: type {value * 100:g}",
                                   None if emp is values.INVALID else emp))
    return out


def _reading_closed(source: book.Source, names: list[str], closed: list[str], history: str) -> list[str]:
    """HR's formulas on other sheets that read the month's sheets the close removes (History,
    which holds none, aside): they read nothing once the sheets are gone (#REF!), as when a
    sheet is deleted in Excel. Said, with where: the archive holds the month's values."""
    gone = {name.casefold() for name in closed}
    cells = []
    for name in names:
        if name in closed or name == history:
            continue
        for (row, column), text in sorted(source.formulas(name).items()):
            if formula_text.sheets_read(text, name) & gone:
                cells.append(f"{name}!{get_column_letter(column)}{row}")
    if not cells:
        return []
    shown = ", ".join(cells[:10]) + (f" … +{len(cells) - 10}" if len(cells) > 10 else "")
    return [f"{shown} 的公式引用本次结账删除的月度表，结账后显示 #REF!（该月数据在归档中）| the formulas in {shown} read the month "
            f"sheets this close removes, and show #REF! once it has (the archive holds the month's values)"]


def _levels_as_on_roster(source: book.Source, sheets: list[str], roster: pd.DataFrame, policy: Policy) -> list[Problem]:
    """Each month-sheet row's 职级 is the roster's: the sheet's KPI_SCORE weighs the items by the
    sheet's level, the review by the roster's, and one fact is not let to have two values. The
    same rung of the person's ladder by either of its names is the same level (two ladders may
    name a rung alike and give it English names of their own)."""
    ladders = {text: policy.ladder(text) for text in set(roster["ladder"].tolist())}
    on_roster = {emp: (ladders.get(ladder), level) for emp, ladder, level in
                 zip(roster["employee"], roster["ladder"], roster["level"])}

    def same(typed, listed, ladder) -> bool:
        at = ladder.rung_index(typed) if ladder is not None else None
        return at == ladder.rung_index(listed) if at is not None else values.fold(typed) == values.fold(listed)
    level = schema.ROSTER.field("level")
    out = []
    for name in sheets:
        cells = source.values(name)
        found, _ = book.find_header(schema.RECORDS, cells, name, item_fields(policy), {"month": None})
        if found is None:
            continue  # the review says what the sheet lacks
        header, mapping = found
        at = next((pos for pos, h in enumerate(cells[header - 1]) if {values.fold(level.zh), values.fold(level.en)}
                   & set(schema.header_parts(h))), None)
        who = next(pos for pos, key in mapping.items() if key == "employee")
        for r, row in enumerate(cells[header:], header + 1):
            emp = values.employee_id(row[who]) if who < len(row) else None
            if at is None or emp in (None, values.INVALID) or emp not in on_roster:
                continue
            (ladder, listed), typed = on_roster[emp], (row[at] if at < len(row) else None)
            if values.is_blank(typed) or not same(typed, listed, ladder):
                at_zh, at_en = schema.where(schema.RECORDS, (name, r), emp)
                out.append(Problem(f"{at_zh}：「{level.zh}」「{typed or ''}」与员工名册的「{listed}」不一致，请改成一致",
                                   f"{at_en}: '{level.en}' '{typed or ''}' is not the roster's '{listed}'; make them "
                                   f"agree", emp))
    return out


def frozen(review: Review, policy: Policy, lang: str = "zh") -> pd.DataFrame:
    """The month's computed results per employee, as values for History (blank: None): the
    same answers the month sheet's formulas give, without their error texts, and yes/no as
    HR reads it (是/否, Yes/No in an English workbook), not TRUE beside 0."""
    t = review.table
    cycled = t["cycle_months"].fillna(0).to_numpy() > 0
    names = Names(lang)
    ladders = names.ladders(policy)  # as the roster names them: CS grades in English
    out = pd.DataFrame({"result:ladder": [ladders.get(ld, name) for ld, name in zip(t["ladder"], t["ladder_name"])],
                        "result:level": names.levels_of(policy, t["ladder"], t["level"]),
                        "result:eligible_in": t["eligible_in"]}, index=t.index)
    for column, worded in shown_columns():  # what each month-sheet column's function answered
        value = (review.worded(column.review, lang) if worded else t[column.review]).astype(object)
        if column.on == "cycle":
            value = value.where(cycled, None)
        out[f"result:{column.key}"] = value
    out = out.astype(object).where(out.notna(), None)
    out["result:reasons"] = out["result:reasons"].where(out["result:reasons"] != "", None)
    out.loc[t["problem"].notna()] = None
    return out.map(lambda v: names.yes_no(v) if isinstance(v, (bool, np.bool_)) else v)


def _own_columns(source: book.Source, sheets: list[str], policy: Policy) -> dict[str, dict]:
    """HR's own columns of the month sheets (`own_heads`): header as typed → (sheet, row) →
    the value, where there is one."""
    out = {}
    for name in sheets:
        cells = source.values(name)
        header, heads = own_heads(cells, name, policy)
        for pos, head in heads:
            spots = out.setdefault(head, {})
            for r, row in enumerate(cells[header:], header + 1):
                if pos < len(row) and not values.is_blank(row[pos]):
                    spots[(name, r)] = row[pos]
    return out


def _freeze(out: Plan, cells: list[list], month_records: pd.DataFrame, replaced: pd.DataFrame,
            results: pd.DataFrame, policy: Policy, own: dict[str, dict]) -> None:
    """The month's rows for History, in its own column order: the inputs as typed on the
    month sheets, the month as a date, the results as values, and HR's own columns (`own`)
    into History's columns of the same header; one History lacks is said, kept in the archive."""
    extra = history_extra(policy)
    (header, mapping), _ = book.find_header(schema.RECORDS, cells, out.history, extra)
    column = {key: pos for pos, key in mapping.items()}
    heads = cells[header - 1]
    width = next((pos for pos, head in enumerate(heads) if values.is_blank(head)), len(heads))  # not a Table beside
    theirs = {part: pos for pos, head in enumerate(heads[:width]) if pos not in mapping
              for part in schema.header_parts(head)}  # 备注 matches 备注\nNotes, as our headers match
    place = {head: next((theirs[p] for p in schema.header_parts(head) if p in theirs), None) for head in own}
    kept = {head: spots for head, spots in own.items() if place[head] is not None}
    column.update({("own", head): place[head] for head in kept})
    for head in (head for head in own if head not in kept):
        shown = first_line(head)
        out.warnings.append(f"历史记录没有月度表的「{shown}」列，该列只存于归档；要存入历史记录，请在历史记录中加此列 | "
                            f"History has no column '{shown}' as the month sheets have: it is kept in the archive "
                            f"only; add that column to History to keep it there")
    below = below_records(cells, header, column["employee"], out.history)
    if below:
        out.problems.append(below)
        return
    rows = sorted(r for _, r in replaced.index)
    blocks = []
    for r in rows:
        if blocks and blocks[-1][0] + blocks[-1][1] == r:
            blocks[-1][1] += 1
        else:
            blocks.append([r, 1])
    out.delete = [tuple(b) for b in reversed(blocks)]
    out.first_row = last_row(cells, header) + 1 - len(rows)
    out.like_row, out.history_header = header + 1, header

    month = values.month_start(out.month).to_pydatetime()
    ids = values.employee_ids(month_records["employee"])[0].astype(object).to_numpy()
    records = [{**record, **result, "month": month, **{("own", head): spots.get(at) for head, spots in kept.items()}}
               for at, record, result in zip(month_records.index, month_records.to_dict("records"),
                                             results.loc[ids].to_dict("records"))]
    out.rows, lost = aligned(records, column)
    fields = [f for f in (*schema.RECORDS.fields, *extra) if f.key in lost]
    if fields:
        _new_columns(out, cells, width, fields, column)
        out.rows, lost = aligned(records, column)
    if lost:
        out.warnings.append("历史记录没有这些列，其数据未保存 | History has no column for: " + "、".join(sorted(map(str, lost))))


def _new_columns(out: Plan, cells: list[list], width: int, fields: list[schema.Field], column: dict) -> None:
    """History's columns for `fields`, which the month's rows fill and History lacks (a KPI item
    HR added to the policy sheet, or renamed there), after its last header: what was typed is
    kept, and later reviews read it. Refused if cells of HR's are where they would go."""
    taken = next(((r, c) for r, row in enumerate(cells, 1)
                  for c, v in enumerate(row[width:width + len(fields)], width + 1) if not values.is_blank(v)), None)
    shown = "、".join(f.zh for f in fields)
    if taken:
        at = f"{get_column_letter(taken[1])}{taken[0]}"
        out.problems.append(Problem(
            f"历史记录没有「{shown}」列，其右侧 {at} 已有内容，无法加列：请在历史记录表头末尾加上该列后再结账",
            f"History has no column for {', '.join(f.en for f in fields)} and {at}, right of its last header, "
            f"is taken: add the column after History's last header, then close"))
        return
    names = Names(out.lang)
    out.new_columns = [names.header(f.zh, f.en) for f in fields]
    out.new_at = width + 1
    column.update({f.key: width + i for i, f in enumerate(fields)})


def _training(out: Plan, source: book.Source, names: list[str], review: Review) -> None:
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
    typed = sorted({c for row in cells[header:] for c, v in enumerate(row)
                    if c not in mapping and not values.is_blank(v)})
    if typed:  # a column of HR's beside the list: its rows are last month's people, and go with them
        heads = cells[header - 1]
        named = [(get_column_letter(c + 1), first_line(heads[c]) if c < len(heads) else "") for c in typed]
        zh = "、".join(f"{letter}（{head}）" if head else letter for letter, head in named)
        en = ", ".join(f"{letter} ({head})" if head else letter for letter, head in named)
        out.warnings.append(f"「{sheet}」{zh} 列中您填写的内容随上月的名单一并替换，备份中仍有 | what you typed in "
                            f"column(s) {en} of '{sheet}' went with last month's list it replaces; the backup keeps it")
    due = review.table["training_required"].eq(True)
    t = review.table[due]
    month = values.month_start(out.month).to_pydatetime()
    reasons = review.worded("training_reasons", out.lang)[due]
    out.training, out.training_first = sheet, header + 1
    out.training_old = last_row(cells, header) - header
    words = Names(out.lang)  # ladder and level in the workbook's words, as the roster has them
    ladders, levels = words.ladders(out.policy), words.levels_of(out.policy, t["ladder"], t["level"])
    out.training_rows, _ = aligned([
        {"month": month, "employee": id_cell(emp), "name": name, "ladder": ladders[ladder], "level": level,
         "reasons": why}
        for emp, name, ladder, level, why in zip(t.index, t["name"], t["ladder"], levels, reasons)],
        {key: pos for pos, key in mapping.items()})


def _fed_by_closed(path: Path, closed: list[str]) -> list[str]:
    """The sheets holding charts or pivot tables of HR's fed by the month sheets the close
    removes, and HR's defined names over them: their data goes with those sheets, as when a
    sheet is deleted in Excel (a pivot table shows its cache until refreshed; a name points at
    nothing, and the formulas using it show an error). Said (the archive holds the month's
    values); their parts are left as they are. Excel's macro, which deletes the sheets through
    Excel, is not asked."""
    gone = {name.casefold() for name in closed}
    fed = {}  # (a dict: in order, each sheet once)
    with zipfile.ZipFile(path) as z:
        named = list(dict.fromkeys(name for name, places in files.names(z) if not name.casefold().startswith("_xlnm.")
                                   and any(sheet.casefold() in gone for sheet, _ in places or ())))
        # (_xlnm.: a closed sheet's print titles and filter, which go with it)
        for sheet, part in files.sheet_parts(z).items():
            if sheet in closed:
                continue
            for _, target in files.targets(z, part):
                inner = [t for _, t in files.targets(z, target)]
                if (target.startswith("xl/drawings/") and any(_chart_reads(z, t, gone) for t in inner
                                                              if t.startswith("xl/charts/"))) or \
                        (target.startswith("xl/pivotTables/") and any(_cache_reads(z, t, gone) for t in inner
                                                                      if t.startswith("xl/pivotCache/"))):
                    fed[sheet] = None
    said = []
    if fed:
        said.append(f"「{'、'.join(fed)}」上的图表或数据透视表的数据来自本次结账删除的月度表，结账后不再有数据"
                    f"（该月数据在归档中）| the charts or pivot tables on {', '.join(fed)} are fed "
                    f"by the month sheets this close removes, and have no data once it has (the archive holds "
                    f"the month's values)")
    if named:
        said.append(f"定义的名称 {'、'.join(named)} 指向本次结账删除的月度表，结账后不再指向任何单元格，"
                    f"使用它的公式显示错误（该月数据在归档中）| the defined name(s) {', '.join(named)} point at "
                    f"the month sheets this close removes: once it has, they point at nothing and the formulas "
                    f"using them show an error (the archive holds the month's values)")
    return said


def _chart_reads(z: zipfile.ZipFile, part: str, sheets: set[str]) -> bool:
    """Whether a chart's series read a cell of `sheets` (names casefolded)."""
    return any(formula_text.sheets_read(f.text or "", "") & sheets
               for f in ElementTree.fromstring(package.member(z, part)).iter(f"{{{CHART_NS}}}f"))


def _cache_reads(z: zipfile.ZipFile, part: str, sheets: set[str]) -> bool:
    """Whether a pivot cache is fed by a range of `sheets` (names casefolded)."""
    source = ElementTree.fromstring(package.member(z, part)).find(
        f"{{{SHEET_MAIN_NS}}}cacheSource/{{{SHEET_MAIN_NS}}}worksheetSource")
    return source is not None and (source.get("sheet") or "").casefold() in sheets


def close_file(path, month: str | None = None, replace: bool = False, now: dt.datetime | None = None) -> Closed:
    """Close a month of the workbook file at `path`. Nothing changes unless everything can:
    with problems, the report lists them; the workbook is replaced atomically, a backup of it
    kept, and the archive written only once the workbook is safely saved."""
    path = Path(path)
    with writes.checked(path, [archive_folder(path)]) as held:
        source = FileBook(path)
        # an archive a killed close left under its temporary name
        repair(archive_folder(path), lambda: closed_months(source), held.real.stat().st_mode)
        the_plan = plan(source, month, replace)
        if the_plan.problems:
            return Closed(the_plan)
        the_plan.warnings += _fed_by_closed(path, the_plan.closed)
        target, problem = archive_target(path, the_plan, replace)
        if problem:
            the_plan.problems.append(problem)
            return Closed(the_plan)
        folder = target.parent
        pending = folder / f"{writes.PREFIX}{the_plan.label}.xlsx"

        try:
            folder.mkdir(exist_ok=True)
            write_archive(the_plan, pending)
            done = []
            backup = edit_package(held, partial(_carry_out, the_plan, done), the_plan.policy, the_plan.lang,
                                  source, now)
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
        digest = place_archive(pending, target, held.real.stat().st_mode, now)
    return Closed(the_plan, target, digest, backup, *done[0])


def _carry_out(the_plan: Plan, done: list, editor: PackageEditor) -> None:
    """The plan, then what the command brings up to the policy beyond Excel's macro (the
    templates it would refuse, the dashboard; `next_month.bring_up`, into `done`)."""
    the_plan.carry_out(editor)
    bring_up(editor, the_plan.templates_off, the_plan.dashboard, done)


def closed_months(source: book.Source) -> set[str]:
    """The months a close has finished in the workbook (2026-10): History holds them, as its
    month column says, and none of their month sheets is left (a close removes them; a month
    closed again with --replace holds them until then)."""
    history = book.find_sheet(source.sheet_names(), schema.RECORDS.names)
    cells = source.values(history) if history else []
    found, _ = book.find_header(schema.RECORDS, cells, history or "")
    if found is None:
        return set()
    header, mapping = found
    at = next((pos for pos, key in mapping.items() if key == "month"), None)
    months = (values.month(row[at]) for row in cells[header:] if at is not None and row and at < len(row))
    still_open = {m for _, m in book.month_sheets(source.sheet_names())}
    return {values.month_label(m) for m in months if m not in (None, values.INVALID) and m not in still_open}
