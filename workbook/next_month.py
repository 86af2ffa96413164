"""The next month's sheets, for the close and for start-month alike: one per ladder with staff,
built by the one builder (`sheets.month`), HR's own columns of the ladder's template after ours;
and the template sheets Excel's macro would refuse (their columns not where the builder puts
them), which the command line builds anew. `start_month` begins a fresh workbook's first month."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial
from pathlib import Path
from typing import NamedTuple, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.formula.tokenizer import Token
from openpyxl.utils import get_column_letter

from xlfuncs import book, schema, values
from xlfuncs.policy import Ladder, Policy
from xlfuncs.problems import Problem
from xlfuncs.rules import bad_month

from . import formula_text, writes
from .edits import Editor, edit_package, id_cell
from .file_book import FileBook
from .package_editor import PackageEditor
from .sheets.dashboard import DASHBOARD, Tops, chart_titles, dashboard, sheet_tops
from .sheets.month import Columns, headers
from .sheets.style import FROM_POLICY, TEMPLATE, Names, language
from .sheets.tables import dropdown_lists, history_extra, list_title


class NewSheet(NamedTuple):
    """A month sheet the close (or start-month) adds: a ladder's people, and HR's own columns
    after ours (headers as typed), those the ladder's template sheet has."""
    ladder: Ladder
    title: str
    month: dt.datetime
    people: list[dict]
    own: tuple[str, ...] = ()
    looks: str | None = None  # the template whose column widths it takes, as Excel's macro copies it (None: off)


class StaleTemplate(NamedTuple):
    """A ladder's template sheet whose columns are not where the builder puts them, or that is
    missing (`where` says what is wrong): Excel's macro, which copies it, refuses it (`problem`);
    the command line builds it anew, HR's `own` columns after ours, unless it holds parts of
    HR's (`kept`)."""
    ladder: Ladder
    name: str
    own: tuple[str, ...]
    where: Problem
    missing: bool = False  # no template at all (a ladder added to the policy)

    @property
    def problem(self) -> Problem:
        if self.missing:
            why_zh, why_en = "：月结宏复制模板建月度表", ": the month-end macro copies the template for the month's sheet"
        else:
            why_zh = "（插入、移动或删除了列，或政策改了项目）：月结宏按列写公式，会写到错误的列下"
            why_en = (" (a column inserted, moved or deleted, or the policy's items edited since): the month-end macro "
                      "writes formulas by column and would put them under the wrong headers")
        return Problem(f"{self.where.zh}{why_zh}，因此不执行；"
                       f"请用命令行 ladderbook close-month 结账一次：它按政策重建模板（自加的列放在最后；有批注、图形、按钮或表格的"
                       f"模板除外，需手动调整），之后月结宏可再用",
                       f"{self.where.en}{why_en}, so "
                       f"it does not run; close this month once with the command ladderbook close-month: it builds the "
                       f"template anew to the policy (your own columns after ladderbook's; not one holding comments, "
                       f"drawings, buttons or a Table of yours, to put right by hand), and the macro works again")

    @property
    def kept(self) -> str:
        return (f"{self.where.zh}：该模板有批注、图形、按钮或表格，未按政策重建，月结宏不会执行；请手动把 ladderbook 的列按顺序放在前、"
                f"自加的列放在最后 | {self.where.en}: it holds comments, drawings, buttons or a Table of yours, so it "
                f"was not built anew and the month-end macro will not run; put ladderbook's columns first and in "
                f"their order, yours after them, by hand")


class StaleList(NamedTuple):
    """A dropdown list on the hidden list sheet whose names are no longer the policy's (a
    ladder, level or outcome HR added to the policy sheet, renamed or removed there): the
    month end writes it anew, its defined name over it."""
    sheet: str
    column: int
    name: str  # its defined name (LadderNames)
    items: list[str]
    old: int  # how many it held


def stale_lists(source: book.Source, policy: Policy, names: list[str]) -> list[StaleList]:
    """The lists made of the policy's names (`FROM_POLICY`) that the policy sheet has changed
    since they were written."""
    lang = language(names)
    sheet = list_title(Names(lang))
    cells = source.values(sheet) if sheet in names else []
    wanted = dropdown_lists(policy, lang)
    out = []
    for column, name in enumerate(cells[0] if cells else [], 1):
        if name in FROM_POLICY:
            held = list(itertools.takewhile(lambda v: not values.is_blank(v),
                                            (row[column - 1] if column <= len(row) else None for row in cells[1:])))
            if held != wanted[name]:
                out.append(StaleList(sheet, column, name, wanted[name], len(held)))
    return out


_NAMED = 10  # the cells of HR's a note names, of those in the way of a new layout


class StaleDashboard(NamedTuple):
    """The dashboard, laid out for the policy as it was: a ladder, rung, outcome or score band
    HR has since added, renamed or removed in the policy sheet is not on it, or is counted under
    its old name. The command line lays it out anew (for the roster and History of `tops`),
    keeping a month HR typed into B2 and what else HR put beside our tables (`kept`), unless it
    holds parts of HR's or cells of HR's a new layout would overwrite or misplace (`blocked`).
    Or, laid out as today, its formulas as an older ladderbook wrote them (`formulas`): the
    close, the command's and Excel's macro alike, and start-month write today's into those
    cells, and nothing else of the sheet changes (HR's notes, a month typed into B2)."""
    sheet: str
    tops: Tops
    charts: tuple[str, ...]  # the titles of the charts a new layout has: a chart on it titled otherwise is HR's
    formulas: tuple[tuple[int, int, str], ...] = ()  # (row, column, today's formula) of the cells out of date
    month: object = None  # a month HR typed into B2 (a value, not our formula), which a new layout keeps
    kept: tuple[tuple[int, int, str | None], ...] = ()  # (row, column, formula or None: a value) of HR's, left in place
    blocked: tuple[str, ...] = ()  # HR's cells (A1 style) that keep the dashboard from being laid out anew
    moved: bool = False  # its tables' counts not in column B: a column inserted or deleted among them

    def note(self, excel: bool = False) -> str:
        """Why it was not laid out anew (by Excel's macro, with cells of HR's in the way, or with
        things of HR's on it), and what to do."""
        if excel:
            why_zh = "Excel 中的月结宏不能重排其图表：关闭工作簿后运行 ladderbook start-month 工作簿 月份（如 2026-11）按政策重排"
            why_en = ("Excel's month-end macro cannot lay out its charts: close the workbook and run ladderbook "
                      "start-month WORKBOOK MONTH (e.g. 2026-11), which lays it out anew to the policy")
        elif self.moved:
            why_zh = ("其表格不在 ladderbook 排版的位置（计数不在 B 列：表格间插入或删除了列？），未重排：请撤销该列的插入或删除，"
                      "再运行 ladderbook start-month 工作簿 月份 重排")
            why_en = ("its tables are not where ladderbook laid them out (their counts are not in column B: a column "
                      "inserted or deleted among them?), so it was not laid out anew: undo that, then run ladderbook "
                      "start-month WORKBOOK MONTH to lay it out anew")
        elif self.blocked:
            cells = ", ".join(self.blocked[:_NAMED]) + (f" … +{len(self.blocked) - _NAMED}"
                                                        if len(self.blocked) > _NAMED else "")
            why_zh = (f"您在 {cells} 填写的内容会被新排版覆盖或错位（公式会指向别的单元格），未重排：请将其移到别的工作表，"
                      f"再运行 ladderbook start-month 工作簿 月份 重排")
            why_en = (f"what you put in {cells} a new layout would overwrite or misplace (a formula would read other "
                      f"cells), so it was not laid out anew: move it to another sheet, then run ladderbook start-month "
                      f"WORKBOOK MONTH to lay it out anew")
        else:
            why_zh = "其上有自加的图表、图形、批注、链接、合并单元格、条件格式、下拉列表或数组公式，未重排：请手动调整"
            why_en = ("it holds charts, drawings, comments, links, merged cells, conditional formats, dropdowns or "
                      "array formulas of yours, so it was not laid out anew: adjust it by hand")
        return (f"「{self.sheet}」按旧政策排版（其后政策表增改了序列、职级、评审结果或分档）；{why_zh} | the dashboard "
                f"'{self.sheet}' is laid out for the policy as it was (ladders, rungs, outcomes or score bands added "
                f"or renamed in the policy sheet since); {why_en}")

    def done(self) -> str:
        """The report's line for it, brought up."""
        if self.formulas:
            return (f"看板公式按本版更新 {len(self.formulas)} 处 | the dashboard's formulas brought up to this "
                    f"version: {self.sheet}, {len(self.formulas)} cells")
        return f"看板按政策重排 | the dashboard laid out anew to the policy: {self.sheet}"


def stale_dashboard(source: book.Source, policy: Policy, names: list[str]) -> StaleDashboard | None:
    """The dashboard, if what it shows (its titles, row labels and headers: the policy's names
    and bands) is not what the policy builds now, or if its formulas are not (`_outdated`). A
    sheet of that name not titled as ours is HR's own, and left alone; a note HR typed on ours
    does not make it stale."""
    sheet = book.find_sheet(names, DASHBOARD)
    if sheet is None:
        return None
    named = Names(language(names))
    tops = sheet_tops(names, source.values, named)
    built = dashboard(Workbook(), policy, named, tops=tops)
    want = {(c.row, c.column): c.value for row in built.iter_rows() for c in row
            if c.value is not None and c.data_type != "f"}
    have = {(r, c): v for r, row in enumerate(source.values(sheet), 1) for c, v in enumerate(row, 1)
            if not values.is_blank(v)}
    if have.get((1, 1)) != want[1, 1]:
        return None
    heads = {named.header("职级", "Level"), named.header("序列", "Ladder")}
    charts = chart_titles(built)
    stored = source.formulas(sheet)
    if not all(have.get(at) == text for at, text in want.items()):
        kept, blocked = _hrs_cells(have, stored, built, heads)
        moved = not any(c == 2 and r > 3 for r, c in _counts(stored))  # each table of the layout counts in B
        return StaleDashboard(sheet, tops, charts, month=None if (2, 2) in stored else have.get((2, 2)),
                              kept=kept, blocked=blocked, moved=moved and bool(blocked))
    formulas = _outdated(stored, set(have), built)
    return StaleDashboard(sheet, tops, charts, formulas) if formulas else None


def _hrs_cells(have: dict, stored: dict, built, heads: set[str]
               ) -> tuple[tuple[tuple[int, int, str | None], ...], tuple[str, ...]]:
    """What HR put on a dashboard beside the tables of its layout (`_laid_out`), values and
    formulas: (those a new layout leaves in place, as (row, column, formula or None); the
    cells, A1 style, of those it would not). A value stays where it was unless the new layout
    puts something of its own there; a formula stays only if the new layout's cells are the old
    one's, or it would read the old layout's cells where others now stand."""
    ours = _laid_out(stored, have, heads)
    new = {(c.row, c.column) for row in built.iter_rows() for c in row if c.value is not None}
    same = ours == new
    kept, blocked = [], []
    for at in sorted(at for at in {*have, *stored} if at not in ours):
        if at in new or (at in stored and not same):
            blocked.append(f"{get_column_letter(at[1])}{at[0]}")
        else:
            kept.append((*at, stored.get(at)))
    return tuple(kept), tuple(blocked)


def _laid_out(stored: dict, have: dict, heads: set[str]) -> set[tuple[int, int]]:
    """The cells of a dashboard's layout as ladderbook builds it, whatever policy it was built
    for, found by its counts (formulas of `stored` calling COUNTIFS, as each of its tables'
    does) and values (`have`): the title and month (A1:C2) and A3's line; for each table, the
    rows whose column B holds a count, each from its label in A to the last count beside it,
    and the header row above the first of them as wide (its A one of `heads`: 职级 | Level,
    序列 | Ladder) with the table's title in A above it. A formula of HR's beside or under a table
    (a share of the headcount, a total) and a row HR inserted among its counts are not taken
    for the layout's."""
    counts = _counts(stored)
    counting = {r for r, c in counts if c == 2 and r > 3}
    out = {(1, 1), (2, 1), (2, 2), (2, 3), (3, 1)}
    for r in counting:
        last = 2
        while (r, last + 1) in counts:
            last += 1
        out |= {(r, c) for c in range(1, last + 1)}
        if r - 1 not in counting and have.get((r - 1, 1)) in heads:
            out |= {(r - 1, c) for c in range(1, last + 1)} | {(r - 2, 1)}
    return out


def _counts(stored: dict) -> set[tuple[int, int]]:
    """The cells of a dashboard's formulas (`stored`) that count as its tables do: calling COUNTIFS."""
    return {at for at, text in stored.items() if "COUNTIFS" in formula_text.called(text)}


def _outdated(stored: dict[tuple[int, int], str], filled: set, built) -> tuple[tuple[int, int, str], ...]:
    """The dashboard's cells (its formulas `stored`, its cells holding a value `filled`) that
    today's layout (`built`) computes otherwise, as (row, column, today's formula): formulas an
    older ladderbook wrote (a headcount by the Chinese names only, a count over a blank month),
    and empty cells where today's has one (A3's line over the counts). Compared token by
    token, as a spreadsheet reads them: saving the file, Excel and LibreOffice write the same
    formula without the quotes around a sheet's name, and that is not out of date. A cell HR
    typed a value into (a month in B2, a note) is HR's, and kept."""
    return tuple((c.row, c.column, c.value[1:]) for row in built.iter_rows() for c in row
                 if c.data_type == "f" and (
                     _read(stored[c.row, c.column]) != _read(c.value[1:]) if (c.row, c.column) in stored
                     else (c.row, c.column) not in filled))


def _read(text: str) -> tuple:
    """A formula as a spreadsheet reads it: its tokens without case, a sheet's name without
    quotes; the texts it compares as they are."""
    out = []
    for token in formula_text.tokenized(text):
        value = token.value
        if token.type == Token.OPERAND and token.subtype == Token.RANGE and "!" in value:
            where, ref = value.rsplit("!", 1)
            value = f"{formula_text.unquoted(where)}!{ref}"
        out.append((token.type, token.subtype, value if token.subtype == Token.TEXT else value.upper()))
    return tuple(out)


def own_heads(cells: list[list], sheet: str, policy: Policy) -> tuple[int, list[tuple[int, str]]]:
    """The header row (from 1; 0: none found) of a month or template sheet, and its columns
    whose header names nothing of ladderbook's, HR's own (a 备注 for notes): (position, header
    as typed)."""
    ours = (*history_extra(policy), *schema.ROSTER.fields)  # the month sheets' name and level too
    found, _ = book.find_header(schema.RECORDS, cells, sheet, ours, {"month": None})
    if found is None:
        return 0, []  # the review says what the sheet lacks
    header, mapping = found
    return header, [(pos, str(head).strip()) for pos, head in enumerate(cells[header - 1])
                    if pos not in mapping and not values.is_blank(head)]


def next_sheets(source: book.Source, clean: pd.DataFrame, policy: Policy, month: int,
                names: list[str]) -> tuple[list[NewSheet], list[StaleTemplate]]:
    """Next month's sheets: one per ladder with staff (the cleaned roster) hired by that
    month's end, named in the workbook's language (2026-11 客服职级, 2026-11 CS grade), with
    HR's own columns of the ladder's template sheet after ours (Excel's macro copies the
    template, and has them so); and the templates Excel's macro refuses, a missing one of
    such a ladder among them."""
    named = Names(language(names))
    label, end = values.month_label(month), values.month_end(month)
    first_day = values.month_start(month).to_pydatetime()
    hired = ~(clean["hire_date"] > end).to_numpy()
    ladder_of = clean["ladder"].map(lambda v: getattr(policy.ladder(v), "id", None)).to_numpy()
    own, off = _template_columns(source, policy, names, named)
    out = []
    for ladder in policy.ladders:
        mine = clean[(ladder_of == ladder.id) & hired]
        title = named.month_sheet(label, ladder)
        if mine.empty or title in names:
            continue
        people = [{"employee": id_cell(e), "name": n, "level": lv}
                  for e, n, lv in zip(mine["employee"], mine["name"], mine["level"])]
        template = named.template(ladder)
        fits = template in names and all(t.name != template for t in off)  # (one off is built anew)
        out.append(NewSheet(ladder, title, first_day, people, own.get(template, ()), template if fits else None))
        if template not in names:
            off.append(StaleTemplate(ladder, template, (), _missing(template, ladder), missing=True))
    return out, off


def unstarted(sheets: list[NewSheet], records: pd.DataFrame) -> list[NewSheet]:
    """The sheets of `sheets` none of whose people is on the month's sheets already (`records`,
    as read from them): a ladder added to the policy sheet, not one renamed there, whose people
    are on its sheet of the old name."""
    present = set(values.employee_ids(records["employee"])[0].dropna()) if len(records) else set()
    return [s for s in sheets if not any(values.employee_id(p["employee"]) in present for p in s.people)]


def named_otherwise(source: book.Source, names: list[str], sheet: NewSheet) -> Problem | None:
    """That `sheet` is there under another name, if HR renamed it (10月 客服职级). A sheet is
    a month's by its name: to be closed, it is named back."""
    month = values.month(sheet.month)
    found = _renamed(source, names, sheet.ladder, month)
    if found is None:
        return None
    label = values.month_label(month)
    return _name_back(found, sheet.title, f"序列「{sheet.ladder.name}」{label} 的月度表",
                      f"the {label} month sheet of the ladder '{sheet.ladder.name_en}'")


def renamed_templates(source: book.Source, names: list[str], stale: list[StaleTemplate]) -> list[Problem]:
    """The missing templates of `stale` that HR renamed (客服职级模板), each to be named back:
    the command line would build a second one beside it, and the next month's sheet without
    the columns and widths HR gave it; Excel's macro, which copies it, finds none. One named
    as ladderbook names templates is the ladder's of its name before HR renamed the ladder in
    the policy sheet (模板-客户代表 of 客户代表组): built anew under the new name, as before."""
    ours = Names(language(names)).pick(*TEMPLATE)
    out = []
    for template in (t for t in stale if t.missing):
        found = _renamed(source, names, template.ladder, None)
        if found is not None and not found.startswith(ours):
            out.append(_name_back(found, template.name, f"序列「{template.ladder.name}」的模板",
                                  f"the template of the ladder '{template.ladder.name_en}'"))
    return out


def _name_back(found: str, title: str, whose_zh: str, whose_en: str) -> Problem:
    """That the sheet `found` is `whose` (its first row says so), to be named `title` again."""
    return Problem(f"工作表「{found}」是{whose_zh}（见其第 1 行），但名称不是「{title}」：请改名为「{title}」",
                   f"the sheet '{found}' is {whose_en} (its first row says so) but is not named '{title}': "
                   f"rename it '{title}'")


def named_alike(policy: Policy, names: list[str], label: str) -> list[Problem]:
    """Ladders whose month sheets of `label`, or whose templates, would have one name: a sheet's
    name has 31 characters at most (`Names`), so two long ladder names that begin alike are cut
    to one, and Excel repairs a workbook holding two sheets of one name (it compares them
    without case)."""
    named, out = Names(language(names)), []
    for zh, en, name_of in (("月度表", "month sheets", partial(named.month_sheet, label)),
                            ("模板", "templates", named.template)):
        first = {}
        for ladder in policy.ladders:
            title = name_of(ladder)
            other = first.setdefault(title.casefold(), ladder)
            if other is not ladder:
                out.append(Problem(f"序列「{other.name}」与「{ladder.name}」的{zh}同名「{title}」（工作表名称最多 31 个字符）："
                                   f"请在政策表中改短其中一个序列的名称",
                                   f"the ladders '{other.name_en}' and '{ladder.name_en}' would give their {en} one "
                                   f"name, '{title}' (a sheet's name has 31 characters at most): shorten one "
                                   f"ladder's name in the policy sheet"))
    return out


def _renamed(source: book.Source, names: list[str], ladder: Ladder, month: int | None) -> str | None:
    """A sheet not named as a month's whose first row is the ladder's month sheet's of `month`
    as the builder writes it (the month in B1, the ladder's id in brackets ending C1), or its
    template's (`month` None: B1 blank): one HR renamed."""
    dated = {name for name, _ in book.month_sheets(names)}
    for name in names:
        first = (source.values(name) or [[]])[0] if name not in dated else []
        if len(first) >= 3 and (values.is_blank(first[1]) if month is None else values.month(first[1]) == month) \
                and isinstance(first[2], str) and first[2].rstrip().endswith((f"（{ladder.id}）", f"({ladder.id})")):
            return name
    return None


def _template_columns(source: book.Source, policy: Policy, names: list[str], named: Names):
    """HR's own columns of each ladder's template sheet, those whose header names nothing of
    ladderbook's (template → headers as typed), which the sheets built here take after ours;
    and, for a template whose columns are not where the builder puts them (a column inserted
    among them, one of ours moved or deleted, or a policy edited since the template was made),
    what is off: Excel's macro copies the template and writes the built sheet's formulas by
    column, so it refuses such a template, which the command line's close builds anew
    (`Plan.templates_off`). `names`: the workbook's sheets; `named`: names in its language."""
    own, off = {}, []
    for ladder in policy.ladders:
        name = named.template(ladder)
        if name not in names:
            continue
        cells = source.values(name)
        built = headers(Columns.of(policy, ladder).all(), named)
        heads = [*(cells[1] if len(cells) > 1 else []), *[None] * len(built)]  # its header row, the second
        wrong = next((pos for pos, want in enumerate(built)
                      if not set(schema.header_parts(heads[pos])) & set(schema.header_parts(want))), None)
        own[name] = tuple(head for _, head in own_heads(cells, name, policy)[1])
        if wrong is not None:
            off.append(StaleTemplate(ladder, name, own[name], _misplaced(
                name, get_column_letter(wrong + 1), first_line(heads[wrong]), first_line(built[wrong]))))
    return own, off


def first_line(header) -> str:
    """A header's first line (its Chinese, of a bilingual one) as HR reads it."""
    return "" if values.is_blank(header) else str(header).split("\n")[0].strip()


def _misplaced(template: str, letter: str, found: str, wanted: str) -> Problem:
    return Problem(f"模板「{template}」的 {letter} 列应为「{wanted}」，现为「{found}」",
                   f"the template '{template}' has '{found}' in column {letter}, where ladderbook's '{wanted}' belongs")


def _missing(template: str, ladder: Ladder) -> Problem:
    return Problem(f"序列「{ladder.name}」没有模板「{template}」（政策中新加的序列）",
                   f"the ladder '{ladder.name_en}' has no template '{template}' (a ladder added to the policy)")


def bring_up(editor: PackageEditor, stale: list[StaleTemplate], dashboard: StaleDashboard | None,
             done: list[tuple[list[str], str]]) -> None:
    """What the command line brings up to the policy and Excel's macro cannot: the templates of
    `stale` built anew, so that the macro can copy them again, and the dashboard laid out anew
    (neither one holding HR's own parts), or its formulas written anew (`formulas_up`, which
    the macro does too). Into `done`: (the templates built, the dashboard brought up or "")."""
    templates = [t.name for t in stale if editor.rebuild_template(t.ladder, t.name, t.own)]
    brought = formulas_up(editor, dashboard)
    if dashboard and not dashboard.formulas and editor.rebuild_dashboard(dashboard):
        brought = dashboard.sheet
    done.append((templates, brought))


def formulas_up(editor: Editor, dashboard: StaleDashboard | None) -> str:
    """The dashboard's formula cells out of date (`StaleDashboard.formulas`), today's written
    in their place; its sheet, or "" if there were none."""
    if not (dashboard and dashboard.formulas):
        return ""
    for row, column, formula in dashboard.formulas:
        editor.set_formula(dashboard.sheet, row, column, formula)
    return dashboard.sheet


def brought_up(templates: Sequence[str], lists: Sequence[str], dashboard: StaleDashboard | None) -> list[str]:
    """The report's lines for what a month end brought up to the policy sheet as HR edited it
    (`dashboard`: if it was brought up)."""
    return [*([f"按政策重建模板 | templates built anew to the policy: {', '.join(templates)}"] if templates else []),
            *([f"下拉列表按政策更新 | dropdown lists brought up to the policy: {', '.join(lists)}"] if lists else []),
            *([dashboard.done()] if dashboard else [])]


class Started(NamedTuple):
    """What start-month did: the month sheets added, the templates built anew and what it says
    of those it could not (`notes`), the dropdown lists and the dashboard brought up to the
    policy; or the problems that stopped it."""
    sheets: Sequence[str] = ()
    templates: Sequence[str] = ()
    notes: Sequence[str] = ()
    problems: Sequence[Problem] = ()
    lists: Sequence[str] = ()
    dashboard: StaleDashboard | None = None


def start_month(path, month: str, now: dt.datetime | None = None) -> Started:
    """The first month's sheets of a fresh workbook (the close starts every later one): one per
    ladder with staff hired by the month's end, as the close would build them; and, as the
    close does, the templates Excel's macro would refuse built anew (HR edited the policy's
    items before the first month, say). Of a month already started, the sheets of the ladders
    it lacks (a ladder HR added to the policy sheet during the month, its first people hired),
    and the dropdown lists and the dashboard brought up to the policy sheet as HR has edited it.
    Nothing changes with a problem."""
    wanted = values.month(month)
    if wanted in (None, values.INVALID):
        return Started(problems=[bad_month(month)])
    with writes.checked(path) as held:
        return _start_month(held, wanted, now)


def in_history(records: pd.DataFrame, names: list[str], month: int) -> bool:
    """Whether History holds `month` (`records`, as `book.read` gives them): closed."""
    history = book.find_sheet(names, schema.RECORDS.names)
    kept = records[records.index.get_level_values(0) == history]["month"]
    return bool((values.months(kept)[0] == month).any())


def _closed_already(path, month: int) -> Problem:
    """Why start-month does not start a month History holds: sheets started empty would be read
    in place of History's rows of it (a month sheet wins), and every later answer would rest on
    a blank month. How to correct a closed month instead."""
    label, later = values.month_label(month), values.month_label(month + 1)
    backups = f"{Path(path).stem}-backups"
    return Problem(
        f"{label} 已结账（历史记录中有该月）。要更正它：从结账前的备份（{backups} 文件夹）把 {label} 的月度表复制回工作簿并改正，"
        f"删除 {later} 的月度表（其中尚未填写时），再运行 ladderbook close-month 工作簿 --month {label} --replace",
        f"{label} is closed (History holds it). To correct it: copy its month sheets back into the workbook from "
        f"the backup made before its close (the {backups} folder) and correct them, delete the {later} sheets "
        f"(while nothing is typed in them), then run ladderbook close-month WORKBOOK --month {label} --replace")


def _may_lay_out(path, dashboard: StaleDashboard, policy: Policy, names: list[str]) -> bool:
    """`PackageEditor.may_lay_out`, asked before any edit."""
    editor = PackageEditor(path, policy, language(names))
    try:
        return editor.may_lay_out(dashboard)
    finally:
        editor.close()


def _start_month(held: writes.Held, wanted, now) -> Started:
    path = held.path
    source = FileBook(path)
    names = source.sheet_names()
    inputs = book.read(source)
    if inputs.problems or inputs.policy is None:
        return Started(problems=list(inputs.problems))
    roster, _ = schema.clean(schema.ROSTER, inputs.roster)
    sheets, stale = next_sheets(source, roster, inputs.policy, wanted, names)  # (built here, not copied)
    started = {name for name, m in book.month_sheets(names) if m == wanted}
    if not started and in_history(inputs.records, names, wanted):
        return Started(problems=[_closed_already(path, wanted)])
    if started:
        sheets = unstarted(sheets, inputs.records[inputs.records.index.get_level_values(0).isin(started)])
    renamed = [p for p in (named_otherwise(source, names, s) for s in sheets) if p]
    renamed += renamed_templates(source, names, stale) + named_alike(inputs.policy, names, values.month_label(wanted))
    if renamed:  # not a second, empty sheet beside HR's
        return Started(problems=renamed)
    lists = stale_lists(source, inputs.policy, names)
    dashboard = stale_dashboard(source, inputs.policy, names)
    if not sheets and started and not lists and not dashboard:
        label = values.month_label(wanted)
        return Started(problems=[Problem(f"已有 {label} 的月度表，各序列的员工都在表上", f"there are month sheets "
                                         f"for {label} already, every ladder's staff on one")])
    if not sheets and not started:
        return Started(problems=[Problem("员工名册中没有在该月前入职的员工", "the roster has no one hired by that month's end")])
    if (not sheets and not stale and not lists and not dashboard.formulas
            and not _may_lay_out(path, dashboard, inputs.policy, names)):
        return Started(notes=[dashboard.note()])  # the file is not written again, with a backup, for nothing

    done = []

    def edit(editor: PackageEditor):
        for sheet in sheets:
            editor.add_month_sheet(*sheet)
        for stale_list in lists:
            editor.write_list(*stale_list)
        bring_up(editor, stale, dashboard, done)

    edit_package(held, edit, inputs.policy, language(names), source, now)
    rebuilt, laid_out = done[0]
    notes = [t.kept for t in stale if t.name not in rebuilt]
    notes += [dashboard.note()] if dashboard and not laid_out else []
    return Started([s.title for s in sheets], rebuilt, notes, lists=[stale_list.name for stale_list in lists],
                   dashboard=dashboard if laid_out else None)
