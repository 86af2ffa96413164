"""A formula as its text says, without computing it: the formulas of a sheet found in its XML
(shared ones expanded), their tokens (openpyxl's tokenizer), the cells a reference names, whether
a formula is one call of the add-in with arguments recalc can read, and those arguments read
from the file's stored values as Excel hands them to the add-in (`excel_calls`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from . import excel_calls, sheet_xml
from .sheet_xml import ATTR, F, xml_unescape

if TYPE_CHECKING:  # file_book reads a sheet's formulas with `found`
    from .file_book import FileBook


@dataclass
class Formula:
    """A formula of a sheet: its cell, its text (without "="), and the cells it fills."""
    sheet: str
    cell: str
    text: str
    target: str  # the cell, or the range of an array formula
    array: bool = False  # an array formula (Ctrl+Shift+Enter, or a dynamic array), of one cell or more


def found(sheet: str, xml: str) -> list[Formula]:
    """Every formula of a sheet, shared formulas expanded to each cell's own text. The formulas
    are found first and then their cells: a month sheet's thousands of cells hold a few dozen
    array formulas."""
    shared = {}
    out = []
    for f in F.finditer(xml):
        start = _cell_start(xml, f.start())
        opened = xml.find(">", start) if start >= 0 else -1
        if opened < 0 or xml[opened - 1] == "/" or xml.find("</c>", opened, f.start()) >= 0:
            raise sheet_xml.unplaced(sheet)  # the formula is in no <c …> of its own
        attrs = dict(ATTR.findall(xml, start, opened))
        if "r" not in attrs:
            raise sheet_xml.unplaced(sheet)
        f_attrs = dict(ATTR.findall(f.group(1)))
        text = xml_unescape(f.group(2) or "")
        cell = attrs["r"]
        if f_attrs.get("t") == "shared":
            if text:
                shared[f_attrs["si"]] = (cell, text)
            elif f_attrs.get("si") in shared:
                anchor, anchor_text = shared[f_attrs["si"]]
                text = Translator(f"={anchor_text}", origin=anchor).translate_formula(cell)[1:]
        if text:
            array = f_attrs.get("t") == "array"
            out.append(Formula(sheet, cell, text, f_attrs.get("ref", cell) if array else cell, array))
    return out


def _cell_start(xml: str, end: int) -> int:
    """Where the last `<c …>` before `end` starts (not a `<col>`), or -1."""
    start = xml.rfind("<c", 0, end)
    while start >= 0 and not xml[start + 2].isspace():
        start = xml.rfind("<c", 0, start)
    return start


@functools.lru_cache(maxsize=4096)
def tokenized(text: str) -> tuple[Token, ...]:
    """A formula's tokens (without its "="), spaces left out. Made once per text: every month
    sheet repeats its ladder's formulas, and recalc and the engine each look at them (nothing
    changes a token)."""
    return tuple(t for t in Tokenizer(f"={text}").items if t.type != Token.WSPACE)


def called(text: str) -> set[str]:
    """The functions a formula calls, by name (_xlfn. dropped)."""
    return {t.value[:-1].upper().removeprefix("_XLFN.") for t in tokenized(text)
            if t.type == Token.FUNC and t.subtype == Token.OPEN}


def cell_reference(text: str, sheet: str):
    """(sheet, (min_col, min_row, max_col, max_row)) of a reference such as A1, 'S x'!A1:B9 or
    A:A (None for the open side of a whole row or column), or None for what is no cell
    reference (a defined name, a Table column)."""
    where, _, ref = text.strip().rpartition("!")
    try:
        box = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    return (unquoted(where) if where else sheet), box


def sheets_read(text: str, sheet: str) -> set[str]:
    """The sheets a formula (or a chart series' reference) on `sheet` names a cell of, casefolded
    (as Excel matches sheet names); defined names and Tables aside."""
    return {found[0].casefold() for t in tokenized(text) if t.subtype == Token.RANGE
            and (found := cell_reference(t.value, sheet)) is not None}


def unquoted(where: str) -> str:
    """A sheet's name as a reference writes it, its quotes taken off ('S x' → S x, 'O''B' → O'B)."""
    return where.strip("'").replace("''", "'")


def calls_addin(tokens: tuple[Token, ...], known: dict) -> bool:
    return any(t.type == Token.FUNC and t.subtype == Token.OPEN and t.value[:-1].upper() in known
               for t in tokens)


def one_call(tokens: tuple[Token, ...], known: dict):
    """(function name, [argument texts]) when the formula's tokens are one add-in call whose
    arguments are each a reference or a constant, else None."""
    if (len(tokens) < 2 or tokens[0].type != Token.FUNC or tokens[0].value[:-1].upper() not in known
            or tokens[-1].type != Token.FUNC or tokens[-1].subtype != Token.CLOSE):
        return None
    args, current, depth = [], [], 0
    for t in tokens[1:-1]:
        if t.type in (Token.FUNC, Token.PAREN, Token.OP_IN, Token.OP_POST):
            return None  # a nested call or an expression: not one add-in call
        if t.type == Token.ARRAY:
            depth += 1 if t.subtype == Token.OPEN else -1
        if t.type == Token.SEP and t.subtype == Token.ARG and depth == 0:
            args.append(current)
            current = []
        else:
            current.append(t)
    args.append(current)
    if not all(_is_argument(a) for a in args):
        return None
    return tokens[0].value[:-1].upper(), ([] if args == [[]] else ["".join(t.value for t in a) for a in args])


def _is_argument(tokens: list[Token]) -> bool:
    """Nothing (an omitted argument), a constant, an array constant, or a cell reference (not
    a defined name, whose cells recalc cannot know)."""
    if not tokens or tokens[0].type == Token.ARRAY:
        return True
    if len(tokens) == 2 and tokens[0].type == Token.OP_PRE and tokens[1].subtype == Token.NUMBER:
        return True  # a negative number
    if len(tokens) != 1 or tokens[0].type != Token.OPERAND:
        return False
    return tokens[0].subtype != Token.RANGE or cell_reference(tokens[0].value, "") is not None


class Unreadable(Exception):
    """An argument refers to what the file does not have (a sheet since deleted)."""


class StoredCells:
    """Stored values of the file's cells, by sheet and A1 reference."""

    def __init__(self, source: FileBook):
        self.source = source
        self.names = set(source.sheet_names())

    def argument(self, sheet: str, text: str, as_range=False):
        """An argument as Excel hands it to the add-in: a literal, a range's values as pywin32
        gives them, or (`as_range`) the range itself; an omitted one between others is empty."""
        tokens = tokenized(text)
        if not tokens:
            return None
        if tokens[0].type == Token.ARRAY:  # {60,40} or {1;2}: a row as VBA gets it, else rows
            rows = [[]]
            for t in tokens[1:-1]:
                if t.type == Token.SEP:
                    rows += [[]] if t.subtype == Token.ROW else []
                else:
                    rows[-1].append(literal(t.value))
            value = excel_calls.com_value(rows)
            return value[0] if isinstance(value, tuple) and len(value) == 1 else value
        if tokens[0].subtype != Token.RANGE:
            return excel_calls.com_value([[literal(text)]])
        sheet, (min_col, min_row, max_col, max_row) = cell_reference(text, sheet)
        if sheet not in self.names:
            raise Unreadable(text)
        if as_range:
            return excel_calls.Cell(self.source, sheet, min_row, min_col,
                                    max_row - min_row + 1, max_col - min_col + 1)
        return excel_calls.com_value(self.box(sheet, min_row, min_col, max_row, max_col))

    def stored(self, sheet: str, row: int, column: int):
        """The value the file stores in a cell (None beyond the sheet's cells)."""
        grid = self.source.values(sheet)
        return grid[row - 1][column - 1] if row <= len(grid) and column <= len(grid[row - 1]) else None

    def box(self, sheet: str, min_row: int, min_col: int, max_row: int, max_col: int) -> list[list]:
        """The values the file stores in a range of cells, row by row (None beyond the sheet's
        cells): a month sheet's column of 5,000 ids read as slices of its rows, not cell by cell."""
        grid, width = self.source.values(sheet), max_col - min_col + 1
        rows = [row[min_col - 1:max_col] for row in grid[min_row - 1:max_row]]
        rows = [row if len(row) == width else [*row, *[None] * (width - len(row))] for row in rows]
        return rows + [[None] * width for _ in range(max_row - min_row + 1 - len(rows))]

    def at(self, sheet: str, address: str):
        return self.stored(sheet, *coordinate_to_tuple(address))


def literal(text: str):
    """A constant as a formula writes it: "text", TRUE/FALSE, an error, or a number."""
    text = text.strip()
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    try:
        return float(text)
    except ValueError:
        return text.upper() == "TRUE" if text.upper() in ("TRUE", "FALSE") else text.upper()


def quoted(text: str) -> str:
    """A text as a formula writes it (what `literal` reads): in quotes, each quote in it doubled."""
    return '"' + text.replace('"', '""') + '"'


_WILDCARDS = ("*", "?", "~")  # what COUNTIFS reads in a criterion as any text, any character, or the next as it is
_COMPARISONS = ("<", ">", "=")  # what it reads at a criterion's start as a comparison


def equal_to(text: str) -> str:
    """The criterion of COUNTIFS that counts the cells holding `text` and no other, as a formula
    writes it: a name as it is, or, where it holds a wildcard or begins as a comparison does
    (a level named *客服 would count 中级客服 too), "=" and the name with each wildcard escaped by ~."""
    if not any(c in text for c in _WILDCARDS) and not text.startswith(_COMPARISONS):
        return quoted(text)
    for c in _WILDCARDS[::-1]:  # ~ first: the escapes of * and ? are not escaped again
        text = text.replace(c, "~" + c)
    return quoted("=" + text)
