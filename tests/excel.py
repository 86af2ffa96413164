"""The add-in's functions called as Excel calls them (`workbook.excel_calls`): arguments written
as the formula gives them, answers as the formula's cells show them."""

from workbook import excel_calls
from workbook.excel_calls import MISSING  # noqa: F401 (tests name an argument left out with it)


class Cells:
    """A range of cells in a formula's argument (A2, A2:A9, D3:H9): its values row by row, as
    stored (numbers, text, dates, None for blank, '#N/A' for an error cell)."""

    def __init__(self, *rows):
        self.rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in rows]


def cell(value):
    return Cells([value])


def column(*values):
    return Cells(*[[v] for v in values])


def row(*values):
    return Cells(list(values))


def _arg(value):
    if isinstance(value, Cells):
        return excel_calls.com_value(value.rows)
    if value is MISSING or value is None:
        return value
    if isinstance(value, list):  # an array constant {60,40}: one row, as Excel passes it
        return tuple(_arg(v) for v in value)
    return excel_calls.com_value([[value]])  # a literal: numbers as floats, errors as scodes


def answer(fn, *args, caller=None):
    """What xlwings hands back to Excel."""
    return excel_calls.call(fn, [_arg(a) for a in args], caller)


def shown(fn, *args, caller=None, height=1, width=1):
    """What the formula's cells show: one value for a one-cell formula, else rows."""
    cells = excel_calls.fill(answer(fn, *args, caller=caller), height, width)
    return cells[0][0] if (height, width) == (1, 1) else cells
