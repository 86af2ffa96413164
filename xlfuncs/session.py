"""The calling workbook's inputs, read once per recalculation, and what its cells last answered.

Excel tells a function nothing about recalculations, and the functions must be volatile (they
read the roster, History and the policy sheet behind Excel's back). So a recalculation is
recognised from the calls themselves:

- in one recalculation Excel calls each formula cell once: a cell calling again means a new
  recalculation, whose inputs are read again. Inputs changed between two recalculations are
  seen however close together they come, since the second calls the same cells again;
- calls of one recalculation come close together: a call that comes more than `QUIET` seconds
  after the previous one *ended* (however long reads and rules took) starts a new one too, so
  a formula typed alone, never called before, is not answered from old inputs (in manual
  calculation mode an edit recalculates nothing, and typing takes longer than that). Excel
  computing other heavy formulas between two of ours for longer costs a second read, never a
  stale answer;
- the month-end macros, which write the workbook, forget its session (`forget`).

A `book.Source` handed in directly (the headless recalculation, the tests) is one
recalculation: its session lives on it.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from . import book, excel
from .excel_book import XlwingsBook
from .rules import latest_month

QUIET = 2.0  # seconds between the end of one call and the start of the next, within one recalculation


@dataclass
class Session:
    inputs: book.Inputs
    reviews: dict = field(default_factory=dict)  # review month → Review
    answers: dict = field(default_factory=dict)  # (review month, question) → {employee: answer}
    served: set = field(default_factory=set)  # the formula cells answered in this recalculation
    ended: float = 0.0  # when the last call ended

    @functools.cached_property
    def latest_month(self) -> int | None:
        """The month a review is of when none is named, worked out once for all the calls."""
        return latest_month(self.inputs.records)


_sessions: dict = {}  # Excel's open books by full name
_clock = time.monotonic
_by_book: dict = {}  # what the cells of Excel's open books last answered, by full name


def _is_source(held) -> bool:
    """A `book.Source` (its `sheet_names` a method); xlwings' Book has a `sheet_names` list."""
    return callable(getattr(held, "sheet_names", None))


def _source(caller):
    """The `book.Source` behind a caller: a source itself, or the book of a calling range."""
    if _is_source(caller):
        return caller
    held = caller.sheet.book
    return held if _is_source(held) else None


def current(caller) -> Session:
    """The session of the calling workbook for this recalculation (see the module's docs)."""
    source = _source(caller)
    if source is not None:
        if not hasattr(source, "ladderbook_session"):
            source.ladderbook_session = Session(book.read(source))
        return source.ladderbook_session
    xl_book = caller.sheet.book
    cell = (caller.sheet.name, caller.address)
    now = _clock()
    session = _sessions.get(xl_book.fullname)
    if session is None or cell in session.served or now - session.ended > QUIET:
        session = _sessions[xl_book.fullname] = Session(book.read(XlwingsBook(xl_book)))
    session.served.add(cell)
    return session


def forget(xl_book) -> None:
    """The workbook was written: its next call reads it again."""
    _sessions.pop(xl_book.fullname, None)


def answered(caller, answer) -> None:
    """A call ended: stamp its session and keep its answer for `WHY`."""
    if caller is None or not hasattr(caller, "sheet"):
        return
    if _source(caller) is None and caller.sheet.book.fullname in _sessions:
        _sessions[caller.sheet.book.fullname].ended = _clock()
    height, width = caller.shape
    _answered(caller.sheet.book).setdefault(caller.sheet.name, {})[caller.address] = (
        caller.row, caller.column, height, width, answer)


def answer_at(cell):
    """What the formula covering `cell` (a one-cell range) last answered there, or None."""
    for top, left, height, width, answer in _answered(cell.sheet.book).get(cell.sheet.name, {}).values():
        i, j = cell.row - top, cell.column - left
        if 0 <= i < height and 0 <= j < width:
            return excel.spread(answer, height, width)[i][j]
    return None


def _answered(held) -> dict:
    """sheet → {formula range: (top, left, height, width, answer)} of a book: kept on a
    `book.Source` (one recalculation), by full name for a workbook open in Excel."""
    if _is_source(held):
        if not hasattr(held, "ladderbook_answers"):
            held.ladderbook_answers = {}
        return held.ladderbook_answers
    return _by_book.setdefault(held.fullname, {})
