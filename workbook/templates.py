"""The workbooks HR opens, built from a policy: the department workbook and its sheets.

Every header comes from the schema, every list and number from the policy, so a template is
never out of step with either. Roster, History and Moves are Excel Tables (HR adds rows; Tables
cannot grow on a protected sheet, so these stay unprotected). The month-sheet templates, one per
ladder, compute with the add-in's functions as one array formula per column; Excel allows no
multi-cell array formula inside a Table, so they are protected plain ranges with a filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlfuncs import book, moves, policy_sheet, schema, values

from . import vba
from .report import cell_width
from xlfuncs.policy import Ladder, Policy, default_data
from xlfuncs.excel import declared, frozen_fields
from xlfuncs.rules import item_fields

TEMPLATE_ROWS = 100  # blank rows a month-sheet template computes over
FILES = {"zh": "ladderbook-department.xlsx", "en": "ladderbook-department-en.xlsx"}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")
TITLE_FONT = Font(bold=True, size=13)
THIN = Side(style="thin", color="A6A6A6")
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
CNY = '"¥"#,##0'
OUTCOME_STYLES = {  # outcome → (fill, font colour): 晋升 green, 降级 amber, the rest red
    0: ("C6EFCE", "006100"), 1: ("FFEB9C", "9C5700"), 2: ("FFC7CE", "9C0006")}


@dataclass(frozen=True)
class Names:
    """Sheet names in the workbook's language, Chinese or English."""

    lang: str

    def pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def header(self, zh: str, en: str) -> str:
        return f"{zh}\n{en}" if self.lang == "zh" else f"{en}\n{zh}"

    def template(self, ladder: Ladder) -> str:
        return self.pick(f"模板-{ladder.name}", f"Template {ladder.id}")[:31]


def language(sheet_names: list[str]) -> str:
    """The language of a department workbook: zh when its roster sheet has the Chinese name."""
    return "zh" if book.find_sheet(sheet_names, [schema.ROSTER.zh]) else "en"


def department(data: dict | None = None, ladders: list[str] | None = None, lang: str = "zh") -> Workbook:
    """The department workbook for `ladders` (default: all) in `lang`, from a policy dict."""
    data = data or default_data()
    policy = Policy.from_dict(data)
    chosen = [policy.ladder(key) for key in ladders] if ladders else list(policy.ladders)
    unknown = [key for key, ladder in zip(ladders or [], chosen) if ladder is None]
    if unknown:
        raise ValueError(f"未知序列 unknown ladder: {', '.join(unknown)} "
                         f"(one of {', '.join(ld.id for ld in policy.ladders)})")
    names = Names(lang)
    wb = Workbook()
    # openpyxl asks every program to recalculate on load, which throws away the values
    # `ladderbook recalc` stores; Excel recalculates an openpyxl file on load anyway.
    wb.calculation.fullCalcOnLoad = False
    guide = wb.active
    _lists(wb, policy, names)
    _guide(guide, chosen, names)
    dashboard(wb, policy, names, index=1)
    _table(wb, names, schema.ROSTER, "Roster", ROSTER_FORMATS)
    for ladder in chosen:
        month_sheet(wb, policy, ladder, names.template(ladder), lang=lang)
    _table(wb, names, schema.RECORDS, "History", RECORD_FORMATS, extra=history_extra(policy),
           pages_wide=4)
    _table(wb, names, schema.MOVES, "Moves", {"date": DATE, "raise": CNY})
    _table(wb, names, schema.TRAINING, "Training", {"month": MONTH})
    training = wb[names.pick(schema.TRAINING.zh, schema.TRAINING.en)]
    for column, width in (("D", 14), ("E", 20), ("F", 70)):  # ladder, level, reasons
        training.column_dimensions[column].width = width
    _policy(wb, data, names)
    _xlwings_conf(wb)
    return wb


# ---- shared look -------------------------------------------------------------------------

def _header_row(ws, row: int, headers: list[str], fills=None, widest: int = 48) -> None:
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row, col, text)
        cell.font = Font(bold=True)
        cell.fill = (fills or {}).get(col, HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(col)].width = min(max(cell_width(text) + 4, 10), widest)
    ws.row_dimensions[row].height = 32 if widest >= 48 else 48  # narrow columns wrap to 3 lines


def _print_setup(ws, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.gridLines = True


def _validation(ws, rule: str, cells: str, prompt: str | None = None) -> None:
    """A dropdown from a named list, or one of the typed checks below."""
    kinds = {
        "date": dict(type="date", operator="greaterThan", formula1="1"),
        "number": dict(type="decimal", operator="greaterThanOrEqual", formula1="0"),
    }
    if rule in kinds:
        dv = DataValidation(**kinds[rule], allow_blank=True)
    elif rule.startswith("between:"):
        low, high = rule.split(":")[1:]
        dv = DataValidation(type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True)
    else:
        dv = DataValidation(type="list", formula1=f"={rule}", allow_blank=True)
    dv.error = "请从列表选择或输入有效值 | Choose from the list or type a valid value"
    dv.errorTitle = "ladderbook"
    dv.showErrorMessage = True
    if prompt:
        dv.prompt, dv.showInputMessage = prompt, True
    dv.add(cells)
    ws.add_data_validation(dv)


# ---- sheets --------------------------------------------------------------------------------

def _lists(wb: Workbook, policy: Policy, names: Names) -> None:
    """A hidden sheet of the dropdown lists, each a defined name the validations point at."""
    ws = wb.create_sheet(names.pick("列表", "Lists"))
    ws.sheet_state = "hidden"
    columns = {
        "LadderNames": [ld.name for ld in policy.ladders],
        "LevelNames": list(dict.fromkeys(r.name for ld in policy.ladders for r in ld.rungs)),
        "YesNo": ["是", "否"],
        "Outcomes": [b.outcome for b in policy.bands] + [policy.dismissal.name],
        "Decisions": [kind[0] for kind in moves.KINDS],
    }
    for col, (name, items) in enumerate(columns.items(), 1):
        ws.cell(1, col, name)
        for row, item in enumerate(items, 2):
            ws.cell(row, col, item)
        letter = get_column_letter(col)
        ref = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(items) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _guide(ws, ladders: list[Ladder], names: Names) -> None:
    """How to use the workbook, Chinese line first and English under it."""
    ws.title = names.pick("说明", "Guide")
    bold = Font(bold=True)
    lines = [
        ("客服部晋升晋级工作簿", TITLE_FONT), ("CS department promotion workbook", TITLE_FONT),
        ("由 ladderbook 生成；公式中的函数来自 Python 加载项（xlwings）。", None),
        ("Made by ladderbook; the functions in the formulas come from the Python add-in (xlwings).", None),
        ("", None),
        ("工作表 | Sheets", bold),
        (f"{names.pick('员工名册', 'Roster')}：每人一行，序列与职级从下拉列表选择，日期填日期。", None),
        ("    One row per person; ladder and level from the dropdowns; dates as dates.", None),
        (f"{names.pick('模板-…', 'Template …')}：每个序列一张月度表模板，月结时复制为「2026-10 序列名」并填入该序列员工。", None),
        ("    One month-sheet template per ladder; month close copies it to '2026-10 <ladder>' with its staff.", None),
        ("    黄色格为输入，灰色列由函数计算（工作表受保护，无密码）。", None),
        ("    Yellow cells are inputs; grey columns are computed (the sheet is protected, no password).", None),
        ("    看过评审结果后，在最后四列填写调动决定（晋升/降级）、调至职级、加薪与批准人。", None),
        ("    After the review, type the decision (晋升/降级), the level, the raise and the approver in the last four columns.", None),
        (f"{names.pick('历史记录', 'History')}：已结账月份，每人每月一行。 | Closed months, one row per person-month.", None),
        (f"{names.pick('调动记录', 'Moves')}：晋升与降级的记录。 | Promotions and demotions made.", None),
        (f"{names.pick('培训名单', 'Training')}：本季度须参加差异化培训的人与原因，月结时刷新。", None),
        ("    Who must attend differentiated training this quarter, and why; refreshed by the month close.", None),
        (f"{names.pick('政策', 'Policy')}：政策的全部数字，可修改；改后用 =POLICY_CHECK() 检查。", None),
        ("    Every number of the policy, editable; check edits with =POLICY_CHECK().", None),
        ("xlwings.conf：加载项设置（UDF MODULES、INTERPRETER_WIN）。 | Add-in settings.", None),
        ("月结：宏 LADDERBOOK_CLOSE_MONTH，再 LADDERBOOK_APPLY_MOVES（或命令行 ladderbook close-month / apply-moves）。", None),
        ("    Month end: the macros LADDERBOOK_CLOSE_MONTH, then LADDERBOOK_APPLY_MOVES (or the ladderbook commands).", None),
        ("", None),
        ("函数 | Functions", bold),
        ("例 e.g.  =PROMO_ELIGIBLE(工号)   =PROMO_REASON(工号)   =NEXT_LEVEL(工号)   =RAISE_RANGE(工号)", None),
        ("例 e.g.  =REVIEW_OUTCOME(工号)   =CYCLE_AVG(工号)   =DEMOTION_DUE(工号)   =TRAINING_REQUIRED(工号)", None),
        ("例 e.g.  =KPI_SCORE(得分, 角色)   =POLICY_CHECK()", None),
        ("单元格显示 #N/A 或 #VALUE! 开头的文字时，文字说明了原因和改法。", None),
        ("    A cell starting with #N/A or #VALUE! says what is wrong and how to fix it.", None),
        ("没有 Excel 时：ladderbook recalc 文件名 | Without Excel: ladderbook recalc FILE", None),
        ("", None),
        ("本工作簿包含的序列 | Ladders in this workbook", bold),
        *((f"{ld.name}（{ld.id}）：{' → '.join(r.name for r in ld.rungs)}", None) for ld in ladders),
    ]
    for row, (text, font) in enumerate(lines, 1):
        if text:
            assert not text.startswith("="), "a guide line would become a formula"
            ws.cell(row, 1, text).font = font or Font()
    ws.column_dimensions["A"].width = 110
    _print_setup(ws, None)
    ws.page_setup.orientation = "portrait"
    ws.print_options.gridLines = False


# field → a number format, or the named list its dropdown offers
LISTS = ("LadderNames", "LevelNames", "YesNo", "Outcomes", "Decisions")
ROSTER_FORMATS = {"ladder": "LadderNames", "level": "LevelNames", "hire_date": DATE,
                  "level_since": DATE, "probation_until": DATE, "gm_approval": "YesNo",
                  "recommended": "YesNo", "exam_passed": "YesNo", "duties": "0"}
DECISION_FORMATS = {"decision": "Decisions", "to_level": "LevelNames", "raise": CNY}
RECORD_FORMATS = {"month": MONTH, "serious_error": "YesNo", "own_computer": "YesNo", "override": "Outcomes",
                  **DECISION_FORMATS, "result:score": "0.0", "result:cycle_average": "0.0",
                  "result:raise_min": CNY, "result:raise_max": CNY, "result:pay_adjust": CNY}


def _table(wb: Workbook, names: Names, table: schema.Table, name: str, formats: dict, extra=(),
           pages_wide: int = 1) -> None:
    """A sheet holding one Excel Table: bilingual headers, typed columns, dropdowns. The Table
    starts with one blank row; Excel carries its formats down to the rows HR adds. A table
    printed `pages_wide` repeats its first two columns (who) on every page."""
    ws = wb.create_sheet(names.pick(table.zh, table.en))
    fields = [*table.fields, *extra]
    _header_row(ws, 1, [names.header(f.zh, f.en) for f in fields], widest=48 if pages_wide == 1 else 14)
    last = get_column_letter(len(fields))
    ws.add_table(Table(displayName=name, ref=f"A1:{last}2",
                       tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True)))
    for col, f in enumerate(fields, 1):
        letter = get_column_letter(col)
        rule = formats.get(f.key)
        cells = f"{letter}2:{letter}1048576"
        if rule in LISTS:
            _validation(ws, rule, cells)
        elif rule in (DATE, MONTH):
            _validation(ws, "date", cells)
        elif f.kind == "number":
            _validation(ws, "number", cells)
        if rule and rule not in LISTS:
            ws.cell(2, col).number_format = rule
    ws.freeze_panes = "B2"
    _print_setup(ws, "1:1")
    if pages_wide > 1:
        ws.page_setup.fitToWidth = pages_wide
        ws.print_title_cols = "A:B"


def month_sheet(wb: Workbook, policy: Policy, ladder: Ladder, title: str, month=None,
                people: list[dict] | None = None, lang: str = "zh", index: int | None = None):
    """One ladder's month sheet: inputs, then the add-in's answers as array formulas over one
    row per person (`people`: dicts with employee, name, level), or over blank rows for a
    template. `month` (a date) goes in B1, the review month of every formula on the sheet."""
    names = Names(lang)
    ws = wb.create_sheet(title, index)
    roles = list(dict.fromkeys(policy.role(r.role) for r in ladder.rungs))
    items = list(dict.fromkeys(i.name for role in roles for i in role.items))
    item_en = {i.name: i.name_en for role in roles for i in role.items}
    metric = policy.metric(roles[0].metric)
    band_reviewed = any(role.cycle_months for role in roles)
    has_raise = any(r.raise_min is not None for r in ladder.rungs)

    inputs = [("employee", "工号", "Employee ID", None), ("name", "姓名", "Name", None),
              ("level", "职级", "Level", "LevelNames")]
    inputs += [(f"item:{n}", n, item_en[n], "between:0:100") for n in items]
    if not items:
        field = schema.RECORDS.field("score")
        zh, en = (metric.name, metric.name_en) if metric.id == "coefficient" else (field.zh, field.en)
        inputs.append(("score", zh, en, f"between:{metric.min:g}:{metric.max:g}"))
    inputs += [(f.key, f.zh, f.en, "YesNo" if f.kind == "flag" else "number")  # the rest, as History has them
               for f in schema.RECORDS.fields
               if f.key not in ("month", "employee", "score", "override", *schema.DECISIONS)]
    if band_reviewed:
        f = schema.RECORDS.field("override")
        inputs.append(("override", f.zh, f.en, "Outcomes"))

    shown = {"": True, "items": bool(items), "cycle": band_reviewed, "raise": has_raise}
    functions = [fn.__ladderbook__ for fn in declared() if fn.__ladderbook__.columns
                 and shown[fn.__ladderbook__.columns[0].on]]  # the add-in's columns, as declared
    computed = [c for f in functions for c in f.columns]
    # HR's decision on the review, typed after reading it: the last columns
    rules = {"decision": "Decisions", "to_level": "LevelNames", "raise": "number"}
    decisions = [(f.key, f.zh, f.en, rules.get(f.key)) for f in map(schema.RECORDS.field, schema.DECISIONS)]
    columns = inputs + [(c.key, c.zh, c.en, None) for c in computed] + decisions
    col = {key: i for i, (key, *_rest) in enumerate(columns, 1)}
    people = people or []
    first, last = 3, 2 + (len(people) or TEMPLATE_ROWS)

    ws.cell(1, 1, names.pick("月份", "Month")).font = Font(bold=True)
    month_cell = ws.cell(1, 2, month)
    month_cell.number_format = MONTH
    month_cell.fill = INPUT_FILL
    month_cell.protection = Protection(locked=False)
    _validation(ws, "date", "B1", "本表的月份（如 2026-10-01）| the month of this sheet")
    ws.cell(1, 3, names.pick(f"{ladder.name} 月度考核（{ladder.id}）",
                             f"{ladder.name_en} monthly assessment ({ladder.id})")).font = TITLE_FONT
    fills = {i: COMPUTED_FILL for key, i in col.items() if key in {c.key for c in computed}}
    _header_row(ws, 2, [names.header(zh, en) for _, zh, en, _ in columns], fills)

    for row, person in enumerate(people, first):
        for key in ("employee", "name", "level"):
            ws.cell(row, col[key], person.get(key))
    for key, _, _, rule in inputs + decisions:
        letter = get_column_letter(col[key])
        for row in range(first, last + 1):
            cell = ws.cell(row, col[key])
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
        if rule:
            _validation(ws, rule, f"{letter}{first}:{letter}{last}")

    def rng(key):
        letter = get_column_letter(col[key])
        return f"{letter}{first}:{letter}{last}"

    block = (f"{get_column_letter(col['item:' + items[0]])}{{}}:{get_column_letter(col['item:' + items[-1]])}{{}}"
             if items else "")
    sheet_args = {"ids": rng("employee"), "month": "$B$1", "level": rng("level"),
                  "items": block.format(first, last), "item_headers": block.format(2, 2)}
    for f in functions:  # one array formula per function, over its columns side by side
        left, right = col[f.columns[0].key], col[f.columns[-1].key]
        ref = f"{get_column_letter(left)}{first}:{get_column_letter(right)}{last}"
        ws.cell(first, left).value = ArrayFormula(ref, f"={f.name}({','.join(sheet_args[a] for a in f.sheet_args)})")
        for c in f.columns:
            for row in range(first, last + 1):
                cell = ws.cell(row, col[c.key])
                cell.fill, cell.number_format = COMPUTED_FILL, c.number_format
            if c.width:
                ws.column_dimensions[get_column_letter(col[c.key])].width = c.width
    for row in range(first, last + 1):
        ws.cell(row, col["raise"]).number_format = CNY

    if "outcome" in col:
        outcome_cells = rng("outcome")
        groups = [[b.outcome for b in policy.bands if b.move > 0], [b.outcome for b in policy.bands
                  if b.move < 0 and not b.probation], [b.outcome for b in policy.bands if b.probation]
                  + [policy.dismissal.name]]
        for style, outcomes in enumerate(groups):
            fill, font = OUTCOME_STYLES[style]
            for outcome in outcomes:
                ws.conditional_formatting.add(outcome_cells, CellIsRule(
                    operator="equal", formula=[f'"{outcome}"'],
                    fill=PatternFill("solid", fgColor=fill, bgColor=fill), font=Font(color=font)))

    ws.freeze_panes = "D3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{last}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _print_setup(ws, "1:2")
    ws.page_setup.fitToWidth = 2  # too many columns for one page: two, who is who repeated
    ws.print_title_cols = "A:C"
    return ws


DASHBOARD = ("看板", "Dashboard")


def dashboard(wb: Workbook, policy: Policy, names: Names, index: int | None = None):
    """A picture of the department for the month in B2 (default: the latest closed month):
    headcount per rung from the roster; review outcomes, the promotion pipeline and the score
    distribution per ladder from History's frozen results. Ordinary COUNTIFS formulas feed
    native charts, so Excel updates it as History grows and any spreadsheet program computes it."""
    roster_name, history_name = (book.find_sheet(wb.sheetnames, t.names) or names.pick(t.zh, t.en)
                                 for t in (schema.ROSTER, schema.RECORDS))
    at = {"roster": _columns(wb, roster_name, schema.ROSTER, ()),
          "history": _columns(wb, history_name, schema.RECORDS, history_extra(policy))}
    ws = wb.create_sheet(names.pick(*DASHBOARD), index)

    def column(table, key):  # where the sheet's own header row has the field, whatever its order
        letter = at[table].get(key)
        sheet = quote_sheetname(roster_name if table == "roster" else history_name)
        return f"{sheet}!${letter}:${letter}" if letter else "#REF!"

    month, ladder_col, outcome, soon, score = (column("history", k) for k in (
        "month", "result:ladder", "result:outcome", "result:eligible_in", "result:score"))
    this = f"{ladder_col},$A{{r}},{month},$B$2"  # this row's ladder in the chosen month

    ws["A1"] = names.pick("看板 | Dashboard", "Dashboard | 看板")
    ws["A1"].font = TITLE_FONT
    ws["A2"] = names.pick("月份 | Month", "Month | 月份")
    ws["B2"] = f"=MAX({month})"
    ws["B2"].number_format, ws["B2"].fill = MONTH, INPUT_FILL
    ws["C2"] = names.pick("默认为最近结账月份，可改为其他月份（如 2026-06-01）",
                          "the latest closed month; type another (e.g. 2026-06-01) to look back")
    row = 4
    charts = []

    def block(title, heads, rows, chart_title, stacked=False):
        nonlocal row
        ws.cell(row, 1, title).font = Font(bold=True)
        _header_row(ws, row + 1, heads)
        first = row + 2
        for r, cells in enumerate(rows, first):
            for c, value in enumerate(cells, 1):
                ws.cell(r, c, value.format(r=r) if isinstance(value, str) else value)
        last = first + len(rows) - 1
        chart = BarChart()
        chart.type, chart.title = "bar", chart_title
        chart.height, chart.width = max(7.5, 0.5 * len(rows) + 3), 16
        if stacked:
            chart.grouping, chart.overlap = "stacked", 100
        chart.add_data(Reference(ws, min_col=2, min_row=row + 1, max_col=len(heads), max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        charts.append((chart, row))
        row = last + 3

    ladders = list(policy.ladders)
    block(names.pick("在岗人数（员工名册）", "Headcount (roster)"),
          [names.header("职级", "Level"), names.header("人数", "People")],
          [[f"{ld.name}·{r.name}",
            f'=COUNTIFS({column("roster", "ladder")},"{ld.name}",'
            f'{column("roster", "level")},"{r.name}")'] for ld in ladders for r in ld.rungs],
          names.pick("各职级人数 | Headcount per rung", "Headcount per rung | 各职级人数"))

    reviewed = [ld for ld in ladders if any(policy.role(r.role).cycle_months for r in ld.rungs)]
    outcomes = [b.outcome for b in policy.bands] + [policy.dismissal.name]
    block(names.pick("评审结果（历史记录，B2 月份）", "Review outcomes (History, month in B2)"),
          [names.header("序列", "Ladder")] + outcomes,
          [[ld.name] + [f'=COUNTIFS({this},{outcome},"{o}")' for o in outcomes] for ld in reviewed],
          names.pick("评审结果 | Review outcomes", "Review outcomes | 评审结果"), stacked=True)

    block(names.pick("晋升通道（历史记录，B2 月份）", "Promotion pipeline (History, month in B2)"),
          [names.header("序列", "Ladder"), names.header("现可晋升", "Eligible now"),
           names.header("3个月内", "Within 3 months"), names.header("其他", "Not yet")],
          [[ld.name, f"=COUNTIFS({this},{soon},0)", f'=COUNTIFS({this},{soon},">0",{soon},"<=3")',
            f"=COUNTIFS({this})-B{{r}}-C{{r}}"] for ld in ladders],
          names.pick("晋升通道 | Promotion pipeline", "Promotion pipeline | 晋升通道"), stacked=True)

    for metric in policy.metrics:
        mine = [ld for ld in ladders if policy.role(ld.rungs[0].role).metric == metric.id]
        if not mine:
            continue
        bins = _bins(policy, metric, mine)
        block(names.pick(f"{metric.name}分布（历史记录，B2 月份）", f"{metric.name_en} distribution (History, month in B2)"),
              [names.header("序列", "Ladder")] + [label for label, _ in bins],
              [[ld.name] + [f"=COUNTIFS({this}" + "".join(f',{score},"{c}"' for c in crit) + ")"
                            for _, crit in bins] for ld in mine],
              names.pick(f"{metric.name}分布 | {metric.name_en}", f"{metric.name_en} | {metric.name}分布"))

    free = 1  # charts stacked down column H, each beside its table or below the one before
    for chart, at in charts:
        at = max(at, free)
        ws.add_chart(chart, f"H{at}")
        free = at + int(chart.height / 0.5) + 2  # a default row is about half a centimetre
    ws.column_dimensions["A"].width = 30
    ws.freeze_panes = "A3"
    _print_setup(ws, None)
    ws.page_setup.orientation = "portrait"
    return ws


def _bins(policy: Policy, metric, ladders) -> list[tuple[str, tuple[str, ...]]]:
    """(label, COUNTIFS criteria) of each bin of a metric: the review bands for scores, the
    rungs' thresholds (promotion averages, demotion lines) for coefficients."""
    if metric.id == "score":
        cuts = [(b.lower, b.inclusive) for b in policy.bands if b.lower is not None]
    else:
        values_ = sorted({v for ld in ladders for r in ld.rungs for v in (r.min_average, r.demote_below) if v})
        cuts = [(v, True) for v in reversed(values_)]
    out, upper = [], None
    for lower, inclusive in cuts:  # highest first
        low = f"{'>=' if inclusive else '>'}{lower:g}"
        high = () if upper is None else (f"{'<' if upper[1] else '<='}{upper[0]:g}",)
        label = f"{'≥' if inclusive else '>'}{lower:g}" if upper is None else f"{lower:g}–{upper[0]:g}"
        out.append((label, (low, *high)))
        upper = (lower, inclusive)
    out.append((f"<{upper[0]:g}" if upper[1] else f"≤{upper[0]:g}", (f"{'<' if upper[1] else '<='}{upper[0]:g}",)))
    return out[::-1]


def _policy(wb: Workbook, data: dict, names: Names) -> None:
    ws = wb.create_sheet(names.pick(*policy_sheet.SHEET))
    after_title, header = False, []
    for r, row in enumerate(policy_sheet.rows(data), 1):
        title = bool(row) and str(row[0]).startswith("■")
        if after_title:  # the header row follows its table's title
            header = row
        elif not row:  # a blank row ends the table
            header = []
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c, value)
            if title:
                cell.font = TITLE_FONT
            elif after_title:
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                ws.row_dimensions[r].height = 32
            elif value is not None:
                cell.fill = INPUT_FILL
                if header[c - 1].endswith("|pay_formula"):
                    cell.number_format = "@"  # typed "=…" stays text instead of becoming #NAME?
        if row and row[0] == "training_bottom_share":
            ws.cell(r, 2).number_format = "0%"
        after_title = title
    for c in range(1, 16):
        ws.column_dimensions[get_column_letter(c)].width = 18
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["C"].width = 30
    ws.freeze_panes = "A2"
    _print_setup(ws, "1:1")


def _xlwings_conf(wb: Workbook) -> None:
    ws = wb.create_sheet("xlwings.conf")
    ws["A1"], ws["B1"] = "UDF MODULES", ";".join(vba.modules())
    ws["A2"], ws["B2"] = "INTERPRETER_WIN", "pythonw"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 40


def write_templates(folder: Path) -> list[Path]:
    """Write the committed templates (Chinese and English department workbooks, and the VBA
    module of the functions for importing by hand) to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for lang, filename in FILES.items():
        path = folder / filename
        department(lang=lang).save(path)
        paths.append(path)
    (folder / vba.FILE).write_bytes(vba.udf_module().encode("ascii"))
    return [*paths, folder / vba.FILE]


def content(wb) -> dict:
    """What a workbook holds, for comparing two builds: values and formulas, tables, names,
    validations, conditional formats, protection, layout; not the bytes (they carry times)."""
    def cell_value(value):
        if isinstance(value, ArrayFormula):
            return ("array", value.ref, value.text)
        return value

    out = {"sheets": wb.sheetnames,
           "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": {c.coordinate: cell_value(c.value) for row in ws.iter_rows() for c in row
                      if c.value is not None},
            "formats": sorted({(c.coordinate, c.number_format) for row in ws.iter_rows() for c in row
                               if c.number_format != "General"}),
            "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row
                               if c.protection and not c.protection.locked),
            "tables": sorted((t.displayName, t.ref) for t in ws.tables.values()),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2)
                                  for v in ws.data_validations.dataValidation),
            "conditional": sorted((str(r.sqref), rule.operator, tuple(rule.formula))
                                  for r in ws.conditional_formatting for rule in r.rules),
            "protected": ws.protection.sheet,
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
            "widths": sorted((k, round(d.width, 2)) for k, d in ws.column_dimensions.items() if d.width),
        }
    return out


def stale(folder: Path) -> list[str]:
    """The committed templates that differ in content from what `write_templates` builds."""
    out = []
    for lang, filename in FILES.items():
        path = folder / filename
        if not path.exists():
            out.append(f"{path}: missing")
            continue
        built = content(department(lang=lang))
        if content(openpyxl.load_workbook(path)) != built:
            out.append(f"{path}: differs from what the default policy builds")
    module = folder / vba.FILE
    if not module.exists() or module.read_bytes() != vba.udf_module().encode("ascii"):
        out.append(f"{module}: differs from what the add-in's functions make")
    return out


def with_department(roster, records, data: dict | None = None, lang: str = "zh") -> Workbook:
    """The department workbook holding a department (frames in the schema's field names):
    the roster, History up to the month before the latest, and the latest month as one month
    sheet per ladder, with its inputs filled in."""
    data = data or default_data()
    policy = Policy.from_dict(data)
    wb = department(data, lang=lang)
    names = Names(lang)
    items = item_fields(policy)
    months = values.months(records["month"])[0]
    latest = int(months.max())
    _fill(wb[names.pick(schema.ROSTER.zh, schema.ROSTER.en)], schema.ROSTER, roster, first_row=2)
    _fill(wb[names.pick(schema.RECORDS.zh, schema.RECORDS.en)], schema.RECORDS,
          records[(months < latest).to_numpy()], first_row=2, extra=items)

    current = records[(months == latest).to_numpy()]
    current_ids = values.employee_ids(current["employee"])[0].astype(object).to_numpy()
    ladder_of = roster["ladder"].map(lambda v: policy.ladder(v).id if policy.ladder(v) else None)
    for ladder in policy.ladders:
        people = roster[(ladder_of == ladder.id).to_numpy()]
        if people.empty:
            continue
        rows = people[["employee", "name", "level"]].to_dict("records")
        ws = month_sheet(wb, policy, ladder, f"{values.month_label(latest)} {ladder.name}",
                         values.month_start(latest).to_pydatetime(), rows, lang,
                         index=wb.index(wb[names.template(ladder)]))
        ids = values.employee_ids(people["employee"])[0].astype(object).tolist()
        order = {emp: i for i, emp in enumerate(ids)}
        mine = current[[emp in order for emp in current_ids]]
        mine = mine.assign(_row=[order[emp] for emp in current_ids if emp in order]).sort_values("_row")
        _fill(ws, schema.RECORDS, mine.drop(columns=["_row", "employee", "month"]), first_row=3,
              extra=items, header_row=2, rows=[3 + r for r in mine["_row"]])
    return wb


def _fill(ws, table: schema.Table, frame, first_row: int, extra=(), header_row: int = 1, rows=None) -> None:
    """Write `frame` (schema field names) under the sheet's headers, matched through the schema;
    a sheet holding a Table grows it to the rows written."""
    headers = [c.value for c in ws[header_row]]
    columns = {key: pos + 1 for pos, key in schema.match_headers(table, headers, extra)[0].items()}
    formats = {col: ws.cell(first_row, col).number_format for col in columns.values()}
    rows = rows or range(first_row, first_row + len(frame))
    for r, record in zip(rows, frame.to_dict("records")):
        for key, value in record.items():
            if key not in columns or value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif hasattr(value, "item"):
                value = value.item()
            ws.cell(r, columns[key], value).number_format = formats[columns[key]]
    fit_table(ws, first_row + len(frame) - 1)


def fit_table(ws, last_row: int) -> None:
    """Each Table of the sheet made to end at `last_row` (with one row at least), its columns
    and filter kept."""
    for table in ws.tables.values():
        min_col, min_row, max_col, _ = range_boundaries(table.ref)
        table.ref = (f"{get_column_letter(min_col)}{min_row}:"
                     f"{get_column_letter(max_col)}{max(last_row, min_row + 1)}")
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref


def _columns(wb: Workbook, sheet: str, table: schema.Table, extra) -> dict[str, str]:
    """Field key → column letter, from the sheet's header row (a missing column: no entry);
    a sheet not built yet has the schema's order."""
    if sheet not in wb.sheetnames:
        fields = [*table.fields, *extra]
        return {f.key: get_column_letter(i) for i, f in enumerate(fields, 1)}
    ws = wb[sheet]
    top = [[c.value for c in row] for row in ws.iter_rows(max_row=book.HEADER_SEARCH_ROWS)]
    found, _ = book.find_header(table, top, sheet, extra)
    return {key: get_column_letter(pos + 1) for pos, key in found[1].items()} if found else {}


def history_extra(policy: Policy) -> tuple[schema.Field, ...]:
    """History's columns after the schema's record fields: the KPI items, then the results
    the month close freezes."""
    return item_fields(policy) + frozen_fields()
