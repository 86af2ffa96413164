"""Ordinary formulas (a COUNTIFS over History, the dashboard, HR's own formulas over our columns)
computed headlessly by formualizer, a maintained formula engine (Rust, MIT/Apache-2.0).

formualizer loads the workbook's package with each sheet holding only the cells the formulas read
(`engine_book`), or the file itself when a formula reads what its text does not name. What it must
not compute it is given as values, block by block: the add-in's fresh answers, and, loading the
whole file, the value Excel stored for every other formula recalc does not recompute (a value Excel
computed is the truth; the trimmed package holds those values already). It then computes only the
formulas asked for, and what they read. Excel Tables are declared to it from the
package's table parts, since its fast loader reads none. Whatever it cannot compute (a function
it lacks, which it answers with #NAME? or #N/IMPL!, an array) is returned as not computed, never
guessed, and so is a formula asking whether a cell holds a formula (the add-in's cells are handed
over as values). The comparison with IronCalc that chose it is `bench/engine_bench.py`.
"""

from __future__ import annotations

import datetime as dt

import formualizer
from openpyxl.formula.tokenizer import Token
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import to_excel

from xlfuncs.excel import CellError

from .formula_text import called, literal, tokenized

_KINDS = ("Null", "Div", "Value", "Ref", "Name", "Num", "Na", "Spill", "Calc")
_CODES = {kind: str(formualizer.ExcelError(kind, None, None, None, None, None)) for kind in _KINDS}
_KIND_OF = {code: kind for kind, code in _CODES.items()}
_NOT_COMPUTED = {"#NAME?", "#N/IMPL!"}  # what formualizer answers for a function it lacks
# formualizer 0.13 sums and averages past an error in the summed range where Excel gives the
# error, and matches no error cell to an error criterion (COUNTIF(B:B,"#N/A")): bench/engine_bench.py
# shows both. Such a formula over a range holding an error is not computed.
_SUMS_PAST_ERRORS = {"SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS"}
_COUNTS = {"COUNTIF", "COUNTIFS"}
# formualizer 0.13's COUNTIFS cuts its ranges at the last row a sheet uses: where every criterion
# matches an empty cell ("<>x", ""), Excel and LibreOffice count the empty rows past it too
# (COUNTIFS(A1:A1000,"<>1") on bench/engine_bench.py's sheet: 42 where LibreOffice counts 999).
# Such a formula is not computed.
_COUNTS_ROWS = "COUNTIFS"
# The add-in's answers are handed to the engine as values, in place of their formulas: a formula
# asking whether a cell holds a formula, or for its text, would be answered wrongly.
_ASK_FOR_FORMULAS = {"ISFORMULA", "FORMULATEXT"}
_BATCH = 64  # formulas evaluated per call, so that progress is heard while it works


def evaluate(source, formulas: dict[str, dict[str, str]], given: dict[str, list], tables: list,
             progress=None):
    """Each formula's value, by sheet and address, and the (sheet, address) not computed.
    `source`: the workbook's path, or the package to load instead (`engine_book.trimmed`);
    `formulas`: sheet → address → text without "=", the formulas to compute; `given`: sheet →
    [(first row, first column, rows of values)], cells the engine takes as they are; `tables`:
    the package's Tables (`files.Table`); `progress(n)` hears how many formulas are done. A file
    the engine cannot load (a cell holding an error value newer than its loader, as #SPILL!)
    computes none of them."""
    targets = [(sheet, address) for sheet, cells in formulas.items() for address in cells]
    try:
        book = formualizer.Workbook.from_bytes(source) if isinstance(source, bytes) else \
            formualizer.Workbook.from_path(str(source))
    except OSError:  # what its loader says of a file it cannot read
        return {}, targets
    book.set_temporal_egress("serial")
    for table in tables:
        book.add_table(table.name, table.sheet, table.box, list(table.headers),
                       header_row=table.header_row, totals_row=table.totals_row)
    for sheet, blocks in given.items():
        book.add_sheet(sheet)
        for row, column, rows in blocks:
            book.set_values_batch(sheet, row, column, [[_engine_value(v) for v in r] for r in rows])
    for sheet, cells in formulas.items():
        for address, text in cells.items():
            book.set_formula(sheet, *coordinate_to_tuple(address), f"={text}")
    results, failed = {}, []
    for start in range(0, len(targets), _BATCH):
        batch = targets[start:start + _BATCH]
        values = book.evaluate_cells([(sheet, *coordinate_to_tuple(a)) for sheet, a in batch])
        for (sheet, address), value in zip(batch, values):
            value = _cell_value(value)
            text = formulas[sheet][address]
            if value is _NOT_A_VALUE or called(text) & _ASK_FOR_FORMULAS or _counts_empty_rows(text) \
                    or _skips_errors(book, sheet, text):  # (last: it may list the ranges read)
                failed.append((sheet, address))
            else:
                results.setdefault(sheet, {})[address] = value
        if progress:
            progress(start + len(batch))
    return results, failed


_NOT_A_VALUE = object()


def _skips_errors(book, sheet: str, text: str) -> bool:
    """Whether the formula calls a function the engine computes past error cells and reads a
    range that holds one (or one it cannot list, a Table or a name: the safe side)."""
    tokens = tokenized(text)
    calls = called(text)
    error_criterion = any(t.subtype == Token.TEXT and t.value.strip('"') in _KIND_OF for t in tokens)
    if not calls & _SUMS_PAST_ERRORS and not (calls & _COUNTS and error_criterion):
        return False
    for token in tokens:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            area = token.value if "!" in token.value else "'" + sheet.replace("'", "''") + "'!" + token.value
            try:
                cells = book.range_page(area, limit=2 ** 31 - 1).to_dict()["items"]
            except Exception:  # noqa: BLE001 - a range it cannot list is taken to hold an error
                return True
            if any(isinstance(c["value"], dict) and c["value"].get("type") == "Error" for c in cells):
                return True
    return False


def _counts_empty_rows(text: str) -> bool:
    """Whether the formula calls COUNTIFS with criteria that are all text matching an empty
    cell: "" or "=", or "<>" and something. A criterion of another kind (a number, a
    comparison, a cell or an expression) is taken not to match one."""
    frames = []  # an open call or parenthesis each: the COUNTIFS call's arguments so far, or None
    for token in tokenized(text):
        top = frames[-1] if frames else None
        if token.subtype == Token.CLOSE:
            frames = frames[:-1]
            if top is not None and len(top) > 1 and all(_matches_empty(arg) for arg in top[1::2]):
                return True
        elif top is not None and token.type == Token.SEP and token.subtype == Token.ARG:
            top.append([])
            continue
        if top is not None and token.subtype != Token.CLOSE:
            top[-1].append(token)  # (an argument holding a call or parenthesis: more than one token)
        if token.subtype == Token.OPEN:
            name = token.value[:-1].upper().removeprefix("_XLFN.") if token.type == Token.FUNC else ""
            frames.append([[]] if name == _COUNTS_ROWS else None)
    return False


def _matches_empty(argument: list) -> bool:
    """Whether a criterion is text that an empty cell meets: "" and "=", or "<>" and something,
    also joined on ("<>"&B1: unless B1 is empty, the safe side)."""
    if not argument or argument[0].type != Token.OPERAND or argument[0].subtype != Token.TEXT:
        return False
    criterion = literal(argument[0].value)
    if len(argument) > 1:
        return criterion.startswith("<>") and argument[1].type == Token.OP_IN and argument[1].value == "&"
    return criterion in ("", "=") or (criterion.startswith("<>") and criterion != "<>")


def _engine_value(value):
    """A cell's value as the engine takes it: an error by its kind, dates as they are."""
    if isinstance(value, CellError) or (isinstance(value, str) and value in _KIND_OF):
        # an error the engine has no kind for (#GETTING_DATA) stays an error, never a blank
        return formualizer.LiteralValue.error(_KIND_OF.get(str(value), "Na"), None)
    return value


def _cell_value(value):
    """The engine's answer as a cell's value, or _NOT_A_VALUE: an array, or what it answers
    for a function it lacks."""
    if isinstance(value, dict) and value.get("type") == "Error":
        code = _CODES.get(value.get("kind"), "#N/IMPL!")
        if code in _NOT_COMPUTED:
            return _NOT_A_VALUE
        return CellError(code, "公式结果为错误值", "the formula gives an error")
    if isinstance(value, (dt.date, dt.datetime)):
        return to_excel(value)
    if isinstance(value, (str, bool, int, float, type(None))):
        return value
    return _NOT_A_VALUE
