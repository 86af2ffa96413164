"""Headless recalculation: compute a workbook's add-in formulas without Excel and store the
answers as the cells' cached values, which every spreadsheet program and reader shows.

Only the `<sheetData>` of the worksheets that hold add-in formulas is rewritten, cell by cell,
as text: every other part of the package (styles, validations, charts, images, comments, defined
names, an .xlsm's VBA project) is copied unchanged, and so is the rest of those worksheets. The
one exception: a `fullCalcOnLoad` flag in xl/workbook.xml is dropped, since it tells every
program to throw the stored values away on opening. The functions are the ones Excel calls
(`xlfuncs.udfs`), called as Excel calls them (`excel_calls`), reading the file's own stored
values once for all of them. A formula that is one add-in call is computed; anything else that
calls the add-in is left as it was and listed. Then the other formulas that read our answers
(a COUNTIFS over the results), or were never computed (the dashboard after a close), are
computed by a formula engine over the new answers (`engine`); every other keeps the value Excel
stored.

Finding formulas in the sheets' XML, calling them and writing their cached values back are one
pass over the same parts; what a formula's text says (`formula_text`), the formula engine and
the calling convention are their own modules.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from openpyxl.formula.tokenizer import Token
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from xlfuncs.excel import CellError, declared

from . import excel_calls, files, formula_text, package, sheet_xml, writes
from .file_book import FileBook
from .formula_text import Formula, StoredCells
from .sheet_xml import F, number_cell, xml_text

_FULL_CALC = re.compile(r'\s+fullCalcOnLoad="(?:1|true)"')
_T = re.compile(r'\s+t="[^"]*"')  # a cell's type, which its new value sets anew


@dataclass
class Report:
    computed: int = 0
    errors: dict = field(default_factory=lambda: defaultdict(list))  # code → [(address, message)]
    left_alone: list = field(default_factory=list)  # (address, formula)
    calls: int = 0
    ordinary: int = 0  # of the cells computed, those of ordinary formulas (the engine's)
    answered: dict = field(default_factory=lambda: defaultdict(set))  # sheet → add-in formula cells

    def text(self) -> str:
        lines = [f"已计算 {self.computed} 个单元格（加载项函数调用 {self.calls} 次，普通公式 {self.ordinary} 个）| "
                 f"{self.computed} cells computed: {self.calls} add-in calls, {self.ordinary} ordinary formulas"]
        for code, cells in sorted(self.errors.items()):
            lines.append(f"{code}: {len(cells)}")
            lines += [f"  {address}: {message}" for address, message in cells[:20]]
            if len(cells) > 20:
                lines.append(f"  … +{len(cells) - 20}")
        if self.left_alone:
            lines.append(f"未计算、保留原值的公式 {len(self.left_alone)} 个 | formulas left as they were: "
                         f"{len(self.left_alone)}")
            lines += [f"  {address}: ={formula}" for address, formula in self.left_alone[:20]]
        return "\n".join(lines)


def recalc(path, output=None, as_of=None, progress=None, values_only=False) -> Report:
    """Compute the add-in formulas of the workbook at `path`; write it to `output` (default:
    in place), atomically: a failure leaves the original as it was. `progress(done, total)`
    hears of each formula computed. With `values_only` (`ladderbook export`), each add-in
    formula is replaced by its value, for programs that cannot run the add-in and recompute
    array formulas on opening (LibreOffice, WPS)."""
    with writes.checked(path, writing=False) as held:
        return _recalc(held, output, as_of, progress, values_only, with_formulas=held.formulas)


def store(held: writes.Held, edited_file: Path, source: FileBook, changed: set[str], formulas: set[str]) -> Report:
    """The month end's last step: the values of the package it edited (`edited_file`, beside the
    workbook) computed and stored, and the workbook `held` replaced by it, in one rename. A
    kill leaves the workbook as it was, or edited with its values: never edited with the
    values of before (a dashboard of the month closed, an eligibility for the level left).
    `source` reads the edited package (`FileBook.carried`), and the formulas reading the
    sheets in `changed` are computed again. `formulas`: the parts the edit put a formula into,
    searched with those the workbook's check found holding one (`Held.formulas`)."""
    searched = None if held.formulas is None else held.formulas | formulas
    return _recalc(held, None, None, None, False, source, changed, searched, edited_file)


def _recalc(held: writes.Held, output, as_of, progress, values_only, source: FileBook | None = None,
            changed: set[str] = frozenset(), with_formulas: frozenset[str] | None = None,
            edited_file: Path | None = None) -> Report:
    """`with_formulas`: the parts that may hold a formula, as the package check found them (and,
    in a month end's `edited_file`, which replaces the workbook whatever is computed, those
    the edit put one into); else each sheet is searched. History, the largest, has none: it is
    not read here."""
    path = edited_file or held.path
    with zipfile.ZipFile(path) as zin:
        parts = files.sheet_parts(zin)
        raw = {name: data for name, data in ((n, zin.read(p)) for n, p in parts.items()
                                             if with_formulas is None or p in with_formulas)
               if files.FORMULA.search(data)}
        texts = {name: data.decode("utf-8") for name, data in raw.items()}
        places = Places(files.tables(zin), files.defined_names(zin))
    stored = StoredCells(source or FileBook(path))
    report, edits = _compute(texts, stored, places, as_of, progress or (lambda done, total: None), changed)
    computed = bool(edits)
    if not values_only:  # (the export replaces every add-in formula by its value)
        edits = {sheet: kept for sheet, cells in edits.items()
                 if (kept := {address: value for address, value in cells.items()
                              if not _stored_already(value, stored.at(sheet, address))})}
    new_parts = {parts[name]: _apply(name, raw[name], cells, report.answered[name] if values_only else ())
                 for name, cells in edits.items()}
    if computed:
        with zipfile.ZipFile(path) as zin:
            workbook = zin.read("xl/workbook.xml").decode("utf-8")
        if _FULL_CALC.search(workbook):  # else every program would discard the values stored
            new_parts["xl/workbook.xml"] = _FULL_CALC.sub("", workbook).encode("utf-8")
    target = Path(output) if output else held.path
    if target.resolve() != held.real:
        writes.replace(target, _writer(path, new_parts))
    elif new_parts or edited_file:  # (a recalc with nothing to store leaves the file as it is)
        held.replace(_writer(path, new_parts))
    return report


def _stored_already(value, stored) -> bool:
    """Whether the file stores a cell's new value already, as the reader reads it back once
    written (`_cell_xml`): the same number, text or yes/no, the same error (by its code), a
    blank (an empty text: what a reader shows of a formula never computed too). Such a cell is
    not written again: a recalc of a workbook whose answers did not change leaves the file as
    it is, and after apply-moves only the rows that moved are written."""
    if isinstance(value, CellError):
        return type(stored) is str and stored == value.code
    if value is None or value == "":
        return stored is None
    return type(value) in (bool, float, str) and type(stored) is type(value) and stored == value


def functions() -> dict:
    """The add-in's functions by name, as declared (`xlfuncs.excel`); macros are not called."""
    return {fn.__name__: fn for fn in declared() if not fn.__ladderbook__.macro}


def _compute(texts: dict[str, str], cells: StoredCells, places, as_of, progress, changed=frozenset()
             ) -> tuple[Report, dict]:
    """Every add-in formula called as Excel calls it (`excel_calls`), each formula once, `WHY`
    after the others since it tells what they answered; then the ordinary formulas, those that
    read the sheets `changed` among them."""
    report = Report()
    known = functions()
    edits: dict[str, dict[str, object]] = defaultdict(dict)
    calls, why = [], []
    ordinary = defaultdict(dict)  # sheet → address → formula, for the engine once the add-in's are done
    stale = []  # formulas left alone: what depends on them is not computed either

    def leave(formula):
        report.left_alone.append((f"{formula.sheet}!{formula.cell}", formula.text))
        stale.append(formula)

    for sheet, xml in texts.items():
        for formula in formula_text.found(sheet, xml):
            tokens = formula_text.tokenized(formula.text)
            if not formula_text.calls_addin(tokens, known):
                if not formula.array:
                    ordinary[sheet][formula.cell] = formula.text
                else:  # an array formula of ordinary functions, of one cell too: Excel's array evaluation
                    leave(formula)  # is not reproduced
                continue
            parsed = formula_text.one_call(tokens, known)
            if parsed is None:
                leave(formula)
                continue
            name, args = parsed
            fn = known[name]
            declared = [a.name for a in fn.__ladderbook__.args]
            if as_of is not None and "as_of" in declared:
                at = declared.index("as_of")
                args = [*args, *[""] * (at + 1 - len(args))]
                args[at] = f'"{as_of}"'
            try:
                values = [cells.argument(sheet, a, arg.options.get("convert") == "range")
                          for a, arg in zip(args, fn.__ladderbook__.args)]
            except formula_text.Unreadable:
                leave(formula)
                continue
            (why if name == "WHY" else calls).append((formula, fn, values))
    ours = [f for f, _, _ in calls + why]  # what recalc stores anew: formulas reading it follow
    moved = _boxes(ours)
    for sheet in changed:  # all of it, as a formula reads it
        moved[sheet].append((None, None, None, None))
    needed, blocked, reads = _needing(ordinary, moved, _boxes(stale), cells, places)
    report.left_alone += [(f"{sheet}!{address}", ordinary[sheet][address]) for sheet, address in blocked]
    total = len(calls) + len(why) + sum(map(len, needed.values()))
    answers = defaultdict(list)  # sheet → (first row, first column, rows): for the formula engine
    for done, (formula, fn, values) in enumerate([*calls, *why], 1):
        min_col, min_row, max_col, max_row = range_boundaries(formula.target)
        height, width = max_row - min_row + 1, max_col - min_col + 1
        caller = excel_calls.Cell(cells.source, formula.sheet, min_row, min_col, height, width)
        answer = excel_calls.call(fn, values, caller)
        report.calls += 1
        rows = excel_calls.fill(answer, height, width)
        answers[formula.sheet].append((min_row, min_col, rows))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                address = f"{get_column_letter(min_col + j)}{min_row + i}"
                _store(edits, report, formula.sheet, address, value)
                report.answered[formula.sheet].add(address)
        progress(done, total)
    if needed:
        done = len(calls) + len(why)
        kept = {sheet: {a: t for a, t in formulas.items() if a not in needed.get(sheet, ())}
                for sheet, formulas in ordinary.items()}
        _ordinary(needed, reads, kept, answers, cells, places.tables, edits, report,
                  lambda n: progress(done + n, total))
    return report, edits


def _boxes(formulas: list[Formula]) -> dict:
    """sheet → the (min_col, min_row, max_col, max_row) each formula fills."""
    out = defaultdict(list)
    for formula in formulas:
        out[formula.sheet].append(range_boundaries(formula.target))
    return out


class Places:
    """Where the names a formula may use stand: Excel Tables and defined names (`files`)."""

    def __init__(self, tables: list[files.Table], names: dict):
        self.tables = tables
        self._tables = {t.name.upper(): (t.sheet, (t.box[1], t.box[0], t.box[3], t.box[2])) for t in tables}
        self._names = names

    def of(self, sheet: str, text: str):
        """[(sheet, box)] of a reference (a cell range, a Table's column, a defined name), or
        None when it cannot be placed (a name that is a formula, one the file does not define)."""
        place = formula_text.cell_reference(text, sheet)
        if place is not None:
            return [place]
        if "[" in text:  # History[得分], History[[#This Row],[得分]]: the whole Table, the wider guess
            table = self._tables.get(text.split("[", 1)[0].upper())
            return [table] if table else None
        destinations = self._names.get(text.rpartition("!")[2].upper())
        if destinations is None:
            return None
        found = [formula_text.cell_reference(f"'{where}'!{cells}", sheet) for where, cells in destinations]
        return None if None in found else found


def _needing(ordinary: dict, ours: dict, stale: dict, cells: StoredCells, places: Places):
    """The ordinary formulas recalc computes (sheet → address → text), those it cannot
    ((sheet, address)), and what each computed one reads ([(sheet, box)], None: what cannot be
    placed). Computed: those with no stored value, those naming what recalc cannot
    place, and those that read, directly or through others, a cell whose value it changes
    (`ours`: sheet → boxes). Not computable: those that read, directly or through others, a
    formula left alone (`stale`), whose stored value is out of date. Every other formula keeps
    the value Excel stored: a value Excel computed is the truth unless our answers moved."""
    reads = {}
    for sheet, texts in ordinary.items():
        for address, text in texts.items():
            refs = [places.of(sheet, t.value) for t in formula_text.tokenized(text)
                    if t.type == Token.OPERAND and t.subtype == Token.RANGE]
            reads[(sheet, address)] = None if None in refs else [r for ref in refs for r in ref]

    def spread(seeds: set, boxes: dict) -> set:
        """`seeds` and every formula reading, directly or through others, a box or a seed."""
        boxes = defaultdict(list, {sheet: list(b) for sheet, b in boxes.items()})
        for sheet, address in seeds:
            row, column = coordinate_to_tuple(address)
            boxes[sheet].append((column, row, column, row))
        found, grew = set(seeds), True
        while grew:
            grew = False
            for key, refs in reads.items():
                if key not in found and (refs is None and any(boxes.values()) or refs is not None and any(
                        _overlap(ref, box) for ref_sheet, ref in refs for box in boxes[ref_sheet])):
                    found.add(key)
                    row, column = coordinate_to_tuple(key[1])
                    boxes[key[0]].append((column, row, column, row))
                    grew = True
        return found

    unknown = {(sheet, address) for (sheet, address), refs in reads.items()
               if refs is None or cells.stored(sheet, *coordinate_to_tuple(address)) is None}
    blocked = spread(set(), stale)
    needed = spread(unknown, ours) - blocked
    sheets = list(ordinary)

    def order(key):  # sheet by sheet, each column by column
        return sheets.index(key[0]), coordinate_to_tuple(key[1])[::-1]

    out = defaultdict(dict)
    for sheet, address in sorted(needed, key=order):
        out[sheet][address] = ordinary[sheet][address]
    return dict(out), sorted(blocked, key=order), {key: reads[key] for key in needed}


def _overlap(a, b) -> bool:
    """Whether two (min_col, min_row, max_col, max_row) boxes share a cell; None: unbounded."""
    def span(low, high):
        return (low or 0, float("inf") if high is None else high)
    (ac0, ac1), (ar0, ar1) = span(a[0], a[2]), span(a[1], a[3])
    (bc0, bc1), (br0, br1) = span(b[0], b[2]), span(b[1], b[3])
    return ac0 <= bc1 and bc0 <= ac1 and ar0 <= br1 and br0 <= ar1


def _ordinary(needed: dict, reads: dict, kept: dict, answers: dict, cells: StoredCells, tables: list,
              edits: dict, report: Report, progress) -> None:
    """The formulas `needed`, computed by the formula engine over the add-in's new `answers` and
    the stored values of the formulas `kept` as Excel left them (of the cells `reads` says they
    read: (sheet, address) → [(sheet, box)], None for what cannot be placed); what the engine cannot compute
    keeps its stored value and is listed. The engine is imported here, by the workbooks that
    need it, so that the commands that never compute (`--help`) do not pay for it."""
    from . import engine, engine_book

    wanted = defaultdict(list)  # what the formulas read: only those cells are handed over
    everything = None in reads.values()
    for where, box in (place for places in reads.values() for place in places or ()):
        wanted[where].append(box)

    def read(sheet, box):
        return everything or any(_overlap(box, w) for w in wanted[sheet])

    whole = everything or any(engine_book.dynamic(formula_text.tokenized(text))
                              for texts in needed.values() for text in texts.values())
    trimmed = None if whole else engine_book.trimmed(cells.source.path, cells.source.values, wanted)
    given = defaultdict(list)
    for sheet, blocks in answers.items():
        for row, column, rows in blocks:
            if read(sheet, (column, row, column + len(rows[0]) - 1, row + len(rows) - 1)):
                given[sheet].append((row, column, rows))
    for sheet, texts in kept.items() if trimmed is None else ():  # the trimmed package holds their stored values
        for address in texts:
            row, column = coordinate_to_tuple(address)
            if read(sheet, (column, row, column, row)):
                given[sheet].append((row, column, [[cells.stored(sheet, row, column)]]))
    results, failed = engine.evaluate(trimmed or cells.source.path, needed, given, tables, progress)
    for sheet, values in results.items():
        for address, value in values.items():
            _store(edits, report, sheet, address, value)
            report.ordinary += 1
    report.left_alone += [(f"{sheet}!{address}", needed[sheet][address]) for sheet, address in failed]


def _store(edits, report: Report, sheet: str, address: str, value) -> None:
    edits[sheet][address] = value
    report.computed += 1
    if isinstance(value, CellError):
        report.errors[value.code].append((f"{sheet}!{address}", str(value)))


def _cell_xml(attrs: str, inner: str, value, formula_kept=True) -> str:
    """A `<c>` element holding `value` as its cached value; its style kept, and its formula
    unless `formula_kept` is false (then it is the value alone)."""
    attrs = (_T.sub("", attrs) if 't="' in attrs else attrs).rstrip("/").rstrip()
    formula = F.search(inner or "") if formula_kept else None
    keep = formula.group(0) if formula else ""
    if isinstance(value, CellError):
        kind, text = "e", value.code
    elif isinstance(value, bool):
        kind, text = "b", "1" if value else "0"
    elif isinstance(value, (int, float)):
        kind, text = number_cell(value)
    else:
        kind, text = "str", xml_text("" if value is None else str(value))
    t = f' t="{kind}"' if kind else ""
    return f"<c{attrs}{t}>{keep}<v>{text}</v></c>"


def _apply(sheet: str, data: bytes, values: dict[str, object], plain=()) -> bytes:
    """The sheet's XML with new cached values in `values`' cells (those in `plain` as values
    alone, their formulas dropped); cells missing are added."""
    cells = defaultdict(dict)
    for address, value in values.items():
        row, column = coordinate_to_tuple(address)
        cells[row][column] = partial(_cached, address, value, address not in plain)
    return sheet_xml.put(data, sheet, cells)


def _cached(address: str, value, formula_kept: bool, attrs: str | None, inner: str | None) -> str:
    return _cell_xml(f' r="{address}"' if attrs is None else attrs, inner, value, formula_kept)


def _writer(source: Path, new_parts: dict[str, bytes]):
    """What writes the package at `source` with `new_parts` replaced to a file."""
    return lambda temp: package.copy(source, temp, new_parts)
