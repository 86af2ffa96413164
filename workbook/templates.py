"""The workbooks HR opens, built from a policy: the department workbook and its sheets.

Every header comes from the schema, every list and number from the policy, so a template is
never out of step with either. Roster, History and Moves are Excel Tables (HR adds rows; Tables
cannot grow on a protected sheet, so these stay unprotected). The month-sheet templates, one per
ladder, compute with the add-in's functions as one array formula per column; Excel allows no
multi-cell array formula inside a Table, so they are protected plain ranges with a filter.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs import schema, values
from xlfuncs.policy import Policy, default_data, default_policy
from xlfuncs.rules import item_fields

from . import edits, vba, writes
from .text_width import cell_width
from .sheets.dashboard import dashboard
from .sheets.guide import guide_sheet, xlwings_conf
from .sheets.month import month_sheet
from .sheets.policy import policy_tables
from .sheets.style import CNY, DATE, MONTH, Names
from .sheets.tables import RECORD_FORMATS, ROSTER_FORMATS, excel_table, fill_table, history_extra, list_sheet

FILES = {"zh": "ladderbook-department.xlsx", "zh-Hant": "ladderbook-department-zh-Hant.xlsx",
         "en": "ladderbook-department-en.xlsx"}


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
    list_sheet(wb, policy, names)
    guide_sheet(guide, chosen, names)
    dashboard(wb, policy, names, index=1)
    # as wide as the longest level and ladder name the workbook's language shows
    level = 2 + max(cell_width(names.pick(r.name, r.name_en)) for ld in policy.ladders for r in ld.rungs)
    ladder_width = 2 + max(cell_width(names.pick(ld.name, ld.name_en)) for ld in policy.ladders)
    excel_table(wb, names, schema.ROSTER, "Roster", ROSTER_FORMATS, widths={"level": level, "ladder": ladder_width})
    for ladder in chosen:
        month_sheet(wb, policy, ladder, names.template(ladder), lang=lang)
    excel_table(wb, names, schema.RECORDS, "History", RECORD_FORMATS, extra=history_extra(policy),
                pages_wide=4)
    excel_table(wb, names, schema.MOVES, "Moves", {"date": DATE, "raise": CNY},
                widths={"from_level": level, "to_level": level})
    excel_table(wb, names, schema.TRAINING, "Training", {"month": MONTH},
                widths={"level": level, "ladder": ladder_width})
    wb[names.pick(schema.TRAINING.zh, schema.TRAINING.en)].column_dimensions["F"].width = 70  # the reasons
    policy_tables(wb, data, names)
    xlwings_conf(wb)
    if lang == "zh-Hant":
        _in_traditional(wb)
    return wb


def _in_traditional(wb: Workbook) -> None:
    """The rest of a zh-Hant workbook's text in Traditional Chinese (the sheet names and headers
    are already, by `Names`): the policy's ladder, level and item names, the guide, the lists
    behind the dropdowns, the texts inside formulas, Table columns, validations and conditional
    formats, so that what HR picks, what the dashboard counts, what the functions answer and
    the outcomes coloured agree."""
    def formula(text: str) -> str:
        tokens = Tokenizer(text).items
        for t in tokens:
            if t.subtype in (Token.TEXT, Token.RANGE):
                t.value = values.traditional(t.value)
        return "=" + "".join(t.value for t in tokens)

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula):
                    cell.value.text = formula(cell.value.text)
                elif isinstance(cell.value, str):
                    cell.value = formula(cell.value) if cell.data_type == "f" else values.traditional(cell.value)
        for table in ws.tables.values():
            for column in table.tableColumns:
                column.name = values.traditional(column.name)
        for validation in ws.data_validations.dataValidation:
            if validation.formula1:
                validation.formula1 = values.traditional(validation.formula1)
        for formatted in ws.conditional_formatting:  # the outcomes coloured, by the policy's names
            for rule in formatted.rules:
                rule.formula = [formula(f"={text}")[1:] for text in rule.formula]


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
            "heights": sorted((r, d.height) for r, d in ws.row_dimensions.items() if d.height),
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


def with_department(roster, records, data: dict | None = None, lang: str = "zh",
                    ladders: list[str] | None = None) -> Workbook:
    """The department workbook for `ladders` (default: all; `department`) holding a department
    (frames in the schema's field names): the roster, History up to the month before the
    latest (with the results a close froze, where `records` holds them), and the latest month
    as one month sheet per ladder, with its inputs filled in."""
    data = data or default_data()
    policy = Policy.from_dict(data)
    wb = department(data, ladders, lang=lang)
    names = Names(lang)
    items = item_fields(policy)
    months = values.months(records["month"])[0]
    latest = int(months.max())
    fill_table(wb[names.pick(schema.ROSTER.zh, schema.ROSTER.en)], schema.ROSTER, roster, first_row=2)
    fill_table(wb[names.pick(schema.RECORDS.zh, schema.RECORDS.en)], schema.RECORDS,
               records[(months < latest).to_numpy()], first_row=2, extra=history_extra(policy))

    current = records[(months == latest).to_numpy()]
    current_ids = values.employee_ids(current["employee"])[0].astype(object).to_numpy()
    ladder_of = roster["ladder"].map(lambda v: policy.ladder(v).id if policy.ladder(v) else None)
    for ladder in policy.ladders:
        people = roster[(ladder_of == ladder.id).to_numpy()]
        if people.empty:
            continue
        rows = people[["employee", "name", "level"]].to_dict("records")
        ws = month_sheet(wb, policy, ladder, names.month_sheet(values.month_label(latest), ladder),
                         values.month_start(latest).to_pydatetime(), rows, lang,
                         index=wb.index(wb[names.template(ladder)]))
        ids = values.employee_ids(people["employee"])[0].astype(object).tolist()
        order = {emp: i for i, emp in enumerate(ids)}
        mine = current[[emp in order for emp in current_ids]]
        mine = mine.assign(_row=[order[emp] for emp in current_ids if emp in order]).sort_values("_row")
        fill_table(ws, schema.RECORDS, mine.drop(columns=["_row", "employee", "month"]), first_row=3,
                   extra=items, header_row=2, rows=[3 + r for r in mine["_row"]])
    return wb


def department_file(path: Path, roster, records, lang: str = "zh") -> None:
    """`with_department`'s workbook of the default policy written to `path`, History's rows
    put into its sheet's XML by the package editor, as a close appends them (`edits.aligned`,
    `PackageEditor.write_rows`), rather than cell by cell through openpyxl: the demo's workbook,
    7,200 records of History, in 1.1 to 1.3 s where it took 1.5 to 2.1."""
    months = values.months(records["month"])[0]
    latest = (months == months.max()).to_numpy()
    wb = with_department(roster, records[latest], lang=lang)
    policy = default_policy()
    sheet = Names(lang).pick(schema.RECORDS.zh, schema.RECORDS.en)
    heads = [c.value for c in wb[sheet][1]]
    wb.save(path)
    column = {key: pos for pos, key in schema.match_headers(schema.RECORDS, heads, item_fields(policy))[0].items()}
    rows, _ = edits.aligned(records[~latest].to_dict("records"), column)

    def write(editor):
        editor.write_rows(sheet, 2, rows, 2)
        editor.fit_table(sheet, 2, 1 + len(rows))
    with writes.held(path) as held:
        held.replace(lambda temp: edits.edited_copy(held, write, policy, lang, temp))
