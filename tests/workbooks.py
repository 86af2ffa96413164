"""Workbooks for the tests, as sheets of cells: what Excel or a file reader hands over."""

import openpyxl
import pandas as pd

from xlfuncs import schema


def sheet(table: schema.Table, rows: list[dict], english=False) -> list[list]:
    """A header row (Chinese or English headers) and one row of cells per dict."""
    present = dict.fromkeys(k for r in rows for k in r)
    keys = [f.key for f in table.fields if f.key in present]
    keys += [k for k in present if k not in keys]
    names = {f.key: (f.en if english else f.zh) for f in table.fields}
    return [[names.get(k, k) for k in keys]] + [[r.get(k) for k in keys] for r in rows]


def typed(rows: list[list]) -> list[list]:
    """Rows with each value's type beside it: 3 and 3.0, a date and a datetime, differ."""
    return [[(type(v), v) for v in row] for row in rows]


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


class Book:
    """A `book.Source` that counts how often each sheet is read."""

    def __init__(self, sheets: dict):
        self.sheets = sheets
        self.reads = 0

    def sheet_names(self):
        return list(self.sheets)

    def values(self, name):
        self.reads += 1
        return self.sheets[name]


def typed_cells(names: list[str], rows_of, records: pd.DataFrame, policy=None):
    """(sheet, row, column, value) of `records` (schema field names) typed into the open month
    sheets among `names`, each on the row of its employee, as HR does during the month;
    `rows_of(sheet)`: the sheet's rows of values, its first row first."""
    from xlfuncs import book, values
    from xlfuncs.policy import default_policy
    from xlfuncs.rules import item_fields

    extra = item_fields(policy or default_policy())
    by_id = {values.employee_id(r["employee"]): r for r in records.to_dict("records")}
    for name, _ in book.month_sheets(names):
        rows = rows_of(name)
        mapping, _ = schema.match_headers(schema.RECORDS, list(rows[1]), extra)
        column = {key: pos + 1 for pos, key in mapping.items()}
        for row, cells in enumerate(rows[2:], 3):
            record = by_id.get(values.employee_id(cells[column["employee"] - 1]))
            for key, value in (record or {}).items():
                if key in column and key not in ("employee", "month") and not pd.isna(value):
                    yield name, row, column[key], value.item() if hasattr(value, "item") else value


def fill_month_sheets(wb, records: pd.DataFrame, policy=None) -> None:
    """`records` typed into the open month sheets of `wb` (openpyxl) (`typed_cells`)."""
    for name, row, column, value in typed_cells(wb.sheetnames, lambda n: list(wb[n].iter_rows(values_only=True)),
                                                records, policy):
        wb[name].cell(row, column, value)


def type_into_file(path, records: pd.DataFrame, policy=None) -> None:
    """`records` typed into the open month sheets of the workbook file at `path` (`typed_cells`),
    its other parts kept as they are: as Excel saves a workbook HR typed in, and faster than
    openpyxl's load and save of the whole workbook."""
    from workbook import edits, writes
    from workbook.file_book import FileBook
    from xlfuncs.policy import default_policy

    reader = FileBook(path)
    cells = list(typed_cells(reader.sheet_names(), reader.values, records, policy))

    def typing(editor):
        for name, row, column, value in cells:
            editor.set_cell(name, row, column, value)
    with writes.held(path) as held:
        held.replace(lambda temp: edits.edited_copy(held, typing, policy or default_policy(), "zh", temp))


def without_templates(wb) -> None:
    """The ladders' template sheets taken out of a workbook that LibreOffice is to open in a test
    about other sheets: recalc reads none of them, and LibreOffice takes half the time."""
    for ws in [ws for ws in wb.worksheets if ws.title.startswith("模板-")]:
        wb.remove(ws)


def recalculated_by_libreoffice(path, folder, change=lambda wb: None):
    """The copy LibreOffice saves into `folder` of the workbook at `path`, asked to recalculate
    every formula on opening (it shows the values stored otherwise), without its ladder templates;
    `change(wb)` made first."""
    return recalculated_together([path], folder, change)[0]


def recalculated_together(paths, folder, change=lambda wb: None) -> list:
    """`recalculated_by_libreoffice` of workbooks named apart, in one run of LibreOffice (its
    start is most of a test's time)."""
    import libreoffice
    for path in paths:
        wb = openpyxl.load_workbook(path)
        without_templates(wb)
        wb.calculation.fullCalcOnLoad = True
        change(wb)
        wb.save(path)
    libreoffice.convert(paths, "xlsx", folder)
    return [folder / path.name for path in paths]


def without_english_name(path, english: str) -> None:
    """The English workbook at `path` with its policy sheet's English name `english` (a ladder's
    or a level's) left blank, as the policy allows."""
    wb = openpyxl.load_workbook(path)
    (row,) = [row for row in wb["Policy"].iter_rows() if row[2].value == english]
    row[2].value = None
    wb.save(path)
