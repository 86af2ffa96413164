"""One ladder's month sheet: its inputs, then the add-in's computed columns as the functions
declare them (`xlfuncs.excel`), one array formula per function, then HR's decisions."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs import schema
from xlfuncs.excel import declared
from xlfuncs.policy import Ladder, Policy

from ..formula_text import quoted
from ..text_width import cell_width
from .style import (CNY, COMPUTED_FILL, INPUT_FILL, MONTH, OUTCOME_STYLES, TEMPLATE_ROWS, TITLE_FONT, Names,
                    header_row, month_rows, print_setup, typed, validation)

PREFILLED = ("employee", "name", "level")  # the roster's, in the first columns of each person's row
FIRST = 3  # the first person's row, under the title and the header


@dataclass(frozen=True)
class Columns:
    """A ladder's month-sheet columns, each (key, 中文, English, input rule), as the sheet has
    them from A: the inputs, the add-in's functions' columns, HR's decisions."""
    inputs: list[tuple]
    functions: list  # the add-in's functions with columns, as declared (`xlfuncs.excel`)
    decisions: list[tuple]
    items: list[str]  # the KPI items typed, if the ladder's roles score by items

    @classmethod
    def of(cls, policy: Policy, ladder: Ladder) -> Columns:
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
            zh, en = schema.score_header(metric)
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
        # HR's decision on the review, typed after reading it: the last columns
        rules = {"decision": "Decisions", "to_level": "LevelNames", "raise": "number"}
        decisions = [(f.key, f.zh, f.en, rules.get(f.key)) for f in map(schema.RECORDS.field, schema.DECISIONS)]
        return cls(inputs, functions, decisions, items)

    def all(self, owned: list[tuple] = ()) -> list[tuple]:
        """Every column, HR's own (`owned`) last."""
        return [*self.inputs, *((c.key, c.zh, c.en, None) for f in self.functions for c in f.columns),
                *self.decisions, *owned]


def _said(wanted: tuple[str, ...], sheet_args: dict[str, str], lang: str) -> list[str]:
    """A month sheet's arguments of a function, as `sheet_args` gives them, but its language when
    Chinese: the default, left out at the end as Excel allows, so that a VBA module imported
    before the function took a language (REVIEW_OUTCOME, 2026-12) still calls it, not #VALUE!."""
    if wanted[-1:] == ("lang",) and lang == "zh":
        wanted = wanted[:-1]
    return [sheet_args[a] for a in wanted]


def headers(columns: list[tuple], names: Names) -> list[str]:
    """The header row's texts of `columns` (`Columns.all`), in the workbook's language."""
    return [names.header(zh, en) if en is not None else zh for _, zh, en, _ in columns]


def month_sheet(wb: Workbook, policy: Policy, ladder: Ladder, title: str, month=None,
                people: list[dict] | None = None, lang: str = "zh", index: int | None = None,
                below: bool = True, own: tuple[str, ...] = ()):
    """One ladder's month sheet: inputs, then the add-in's answers as array formulas over one
    row per person (`people`: dicts with employee, name, level) and the blank rows under them
    (`month_rows`), or over blank rows for a template. `month` (a date) goes in B1, the review
    month of every formula on the sheet. Without `below`, the rows under the first person's are
    left for the caller to write, each in the look of that row (`rows_below`): the package editor
    writes 5,000 of them faster than openpyxl.
    `own`: HR's own columns (headers as typed) after ours, inputs as theirs are."""
    names = Names(lang)
    ws = wb.create_sheet(title, index)
    laid = Columns.of(policy, ladder)
    inputs, decisions, items, functions = laid.inputs, laid.decisions, laid.items, laid.functions
    computed = [c for f in functions for c in f.columns]
    owned = [(f"own:{i}", head, None, None) for i, head in enumerate(own)]
    columns = laid.all(owned)
    col = {key: i for i, (key, *_rest) in enumerate(columns, 1)}
    people = people or []
    first, last = FIRST, FIRST - 1 + (month_rows(len(people)) if people else TEMPLATE_ROWS)

    ws.cell(1, 1, names.pick("月份", "Month")).font = Font(bold=True)
    month_cell = ws.cell(1, 2, month)
    month_cell.number_format = MONTH
    month_cell.fill = INPUT_FILL
    month_cell.protection = Protection(locked=False)
    validation(ws, "date", "B1", names, "本表的月份（如 2026-10-01）| the month of this sheet")
    ws.cell(1, 3, names.month_title(ladder)).font = TITLE_FONT
    fills = {i: COMPUTED_FILL for key, i in col.items() if key in {c.key for c in computed}}
    header_row(ws, 2, headers(columns, names), fills)
    widest = 2 + max(cell_width(names.pick(r.name, r.name_en)) for r in ladder.rungs)
    for key in ("level", "to_level"):  # a level cut off (大客户客服 of 大客户客服代表-中级): the cells beside hold inputs
        ws.column_dimensions[get_column_letter(col[key])].width = max(
            ws.column_dimensions[get_column_letter(col[key])].width, widest)

    for row, person in enumerate(people if below else people[:1], first):
        for key in PREFILLED:
            typed(ws.cell(row, col[key]), person.get(key))
    for key, _, _, rule in inputs + decisions + owned:
        letter = get_column_letter(col[key])
        cell = ws.cell(first, col[key])
        cell.protection = Protection(locked=False)
        cell.fill = INPUT_FILL
        if rule:
            validation(ws, rule, f"{letter}{first}:{letter}{last}", names)

    def rng(key):
        letter = get_column_letter(col[key])
        return f"{letter}{first}:{letter}{last}"

    block = (f"{get_column_letter(col['item:' + items[0]])}{{}}:{get_column_letter(col['item:' + items[-1]])}{{}}"
             if items else "")
    sheet_args = {"ids": rng("employee"), "month": "$B$1", "level": rng("level"),
                  "items": block.format(first, last), "item_headers": block.format(2, 2),
                  "lang": f'"{lang}"'}
    for f in functions:  # one array formula per function, over its columns side by side
        left, right = col[f.columns[0].key], col[f.columns[-1].key]
        ref = f"{get_column_letter(left)}{first}:{get_column_letter(right)}{last}"
        ws.cell(first, left).value = ArrayFormula(ref, f"={f.name}({','.join(_said(f.sheet_args, sheet_args, lang))})")
        for c in f.columns:
            cell = ws.cell(first, col[c.key])
            cell.fill, cell.number_format = COMPUTED_FILL, c.number_format
            if c.width:
                ws.column_dimensions[get_column_letter(col[c.key])].width = c.width
    ws.cell(first, col["raise"]).number_format = CNY
    for column in range(1, len(columns) + 1):  # each column's look, set on its first row, taken down
        look = ws.cell(first, column)._style
        for row in range(first + 1, last + 1 if below else first):
            ws.cell(row, column)._style = copy(look)

    if "outcome" in col:
        outcome_cells = rng("outcome")
        groups = [[b.outcome for b in policy.bands if b.move > 0], [b.outcome for b in policy.bands
                  if b.move < 0 and not b.probation], [b.outcome for b in policy.bands if b.probation]
                  + [policy.dismissal.name]]
        shown = names.outcomes(policy)  # as REVIEW_OUTCOME answers in the workbook's language
        for style, outcomes in enumerate(groups):
            fill, font = OUTCOME_STYLES[style]
            for outcome in map(shown.get, outcomes):
                ws.conditional_formatting.add(outcome_cells, CellIsRule(
                    operator="equal", formula=[quoted(outcome)],
                    fill=PatternFill("solid", fgColor=fill, bgColor=fill), font=Font(color=font)))

    ws.freeze_panes = "D3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{last}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    print_setup(ws, "1:2")
    ws.page_setup.fitToWidth = 3  # too many columns for one page: three, who is who (id, name) repeated
    ws.print_title_cols = "A:B"
    return ws


def rows_below(ws, people: list[dict]) -> list[tuple[int, list[tuple[int, int, object]]]]:
    """The rows a month sheet built without `below` leaves out: (row, [(column, style number,
    value)]) for each person after the first and each blank row under them, each cell in the
    look of the first person's row, the people's ids, names and levels in the first columns, as
    `month_sheet` writes them."""
    styles = [ws.cell(FIRST, column).style_id for column in range(1, ws.max_column + 1)]
    blank = {}
    return [(row, [(column, style, person.get(PREFILLED[column - 1]) if column <= len(PREFILLED) else None)
                   for column, style in enumerate(styles, 1)])
            for row, person in enumerate([*people[1:], *[blank] * (month_rows(len(people)) - len(people))],
                                         FIRST + 1)]
