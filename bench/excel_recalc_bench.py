"""A full recalculation of the department workbook in Excel, replayed: how long HR waits.

Replays every add-in formula of the SIZE × MONTHS workbook once, in one run, under two ways of
recognising a recalculation (issue 13), each in a fresh add-in session:
  - before: a call more than 0.3 s after the previous call *started* begins a new
    recalculation (the rule until this change, restated here for the comparison);
  - after: `xlfuncs.session` (a cell calling again, or 2 s after the previous call *ended*).
The workbook is the stand-in of `tests/excel_replay.py`, whose bulk reads cost simulated time
by xlwings' own figures (10 ms a call, 5.5 µs a cell: xlwings issues #1086 and #397). Printed:
the reads, the simulated seconds of the reads, the real seconds of the rest, their sum, and the
ratio before / after.

    python bench/excel_recalc_bench.py [--size 5000] [--months 24]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from excel_replay import XlBook, department_book, formulas, replay  # noqa: E402
from xlfuncs import book as book_module, session  # noqa: E402
from xlfuncs.excel_book import XlwingsBook  # noqa: E402


def before(caller):
    """The rule before: sessions stamped when a call starts."""
    xl_book = caller.sheet.book
    now = session._clock()
    found = session._sessions.get(xl_book.fullname)
    if found is None or now - found.ended > 0.3:
        found = session._sessions[xl_book.fullname] = session.Session(
            book_module.read(XlwingsBook(xl_book)))
    found.ended = now
    return found


def run(wb, cells, rule):
    book = XlBook(cells)
    session._sessions.clear()
    session._clock = book.clock
    original_current, original_answered = session.current, session.answered
    if rule == "before":
        session.current = before
        session.answered = lambda caller, answer: None
    start = time.perf_counter()
    try:
        replay(book, formulas(wb))
    finally:
        session.current, session.answered = original_current, original_answered
    real = time.perf_counter() - start
    return sum(book.reads.values()), book.spent, real


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    wb, cells, _ = department_book(args.size, args.months)
    print(f"{args.size} employees × {args.months} months, {len(formulas(wb))} add-in formulas")
    totals = {}
    for rule in ("after", "before"):
        reads, spent, real = run(wb, cells, rule)
        totals[rule] = spent + real
        print(f"{rule:>6}: {reads:5d} sheet reads, {spent:8.1f} s reading (simulated) + {real:6.1f} s "
              f"the rest = {totals[rule]:8.1f} s")
    print(f"before / after: {totals['before'] / totals['after']:.1f}")


if __name__ == "__main__":
    main()
