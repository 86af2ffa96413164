"""ladderbook recalc against openpyxl's own round trip of the same department workbook.

Builds the department workbook from the template with SIZE employees × MONTHS months of records
(History plus the latest month's sheets), then measures side by side, each in a fresh process
so that peak memory is its own:
  - recalc: `ladderbook recalc` of the file;
  - openpyxl: load_workbook + save of the same file (what a tool built on openpyxl pays just to
    open and write the workbook, before computing anything);
  - pycel and `formulas` computing every formula of the same file with the add-in's functions
    registered (bench/addin_plugin.py), the way they would if ladderbook used them for
    everything; each stopped after --limit seconds.
Goals (issue 5): recalc / openpyxl ≤ 1; engine / recalc ≥ 10.

    pip install -e '.[bench]'
    python bench/recalc_bench.py [--size 5000] [--months 24] [--limit 900]
"""

import argparse
import multiprocessing
import resource
import shutil
import tempfile
import time
from pathlib import Path


def _recalc(path):
    from workbook.recalc import recalc
    start = time.perf_counter()
    report = recalc(path)
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, report.computed


def _openpyxl(path):
    import openpyxl
    start = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    wb.save(path)
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, None


def _pycel(path):
    import addin_plugin
    from pycel import ExcelCompiler
    from pycel.excelwrapper import ExcelOpxWrapper

    from workbook.file_book import FileBook

    def defined_names(self):  # pycel 1.0b30 reads openpyxl < 3.1's defined names; 3.1 is a dict
        if self._defined_names is None:
            self._defined_names = {name: [(alias, sheet) for sheet, alias in d.destinations]
                                   for name, d in self.workbook.defined_names.items()}
        return self._defined_names
    ExcelOpxWrapper.defined_names = property(defined_names)
    start = time.perf_counter()
    addin_plugin.SOURCE = FileBook(path)
    compiler = ExcelCompiler(filename=path, plugins=["addin_plugin"])
    cells = [f"'{ws.title}'!{c.coordinate}" for ws in compiler.excel.workbook for row in ws.iter_rows()
             for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    failed = 0
    for address in cells:
        try:
            compiler.evaluate(address)
        except Exception:  # noqa: BLE001 - counted: what pycel cannot do is part of the comparison
            failed += 1
    print(f"pycel: {failed} of {len(cells)} formula cells failed")
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(cells)


def _formulas(path):
    import addin_plugin
    import formulas

    from workbook.file_book import FileBook
    start = time.perf_counter()
    addin_plugin.SOURCE = FileBook(path)
    functions = formulas.get_functions()
    for name in addin_plugin.FUNCTIONS:
        functions[name] = getattr(addin_plugin, name.lower())
    solution = formulas.ExcelModel().loads(path).finish().calculate()
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(solution)


def _build(path, size, months):
    from workbook import templates
    from workbook.sample import department
    templates.with_department(*department(size=size, months=months)).save(path)


def measure(fn, *args, limit=None):
    """fn(*args) in a fresh process: Linux carries a process's peak memory over into the
    processes it starts, so this one stays small and each measurement gets its own peak.
    None if it has not finished after `limit` seconds."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pending = pool.apply_async(fn, tuple(str(a) if isinstance(a, Path) else a for a in args))
        try:
            return pending.get(limit)
        except multiprocessing.TimeoutError:
            return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--limit", type=float, default=900, help="seconds each engine may take")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    source = folder / "dept.xlsx"
    start = time.perf_counter()
    measure(_build, source, args.size, args.months)
    print(f"built {args.size:,} employees x {args.months} months in {time.perf_counter() - start:.0f} s "
          f"({source.stat().st_size / 1e6:.1f} MB)")

    results = {}
    for name, fn in (("recalc", _recalc), ("openpyxl load+save", _openpyxl), ("pycel", _pycel),
                     ("formulas", _formulas)):
        copy = folder / f"{name.split()[0]}.xlsx"
        shutil.copy(source, copy)
        engine = name in ("pycel", "formulas")
        results[name] = measure(fn, copy, limit=args.limit if engine else None)
        if results[name] is None:
            print(f"{name:20s} not finished after {args.limit:.0f} s")
            continue
        seconds, peak_kb, computed = results[name]
        extra = f", {computed:,} {'formulas' if engine else 'cells computed'}" if computed else ""
        print(f"{name:20s} {seconds:7.2f} s   peak {peak_kb / 1024:6.0f} MB{extra}")
    recalc = results["recalc"][0]
    ratio = recalc / results["openpyxl load+save"][0]
    print(f"recalc / openpyxl load+save = {ratio:.2f} (goal <= 1: {'met' if ratio <= 1 else 'NOT met'})")
    for name in ("pycel", "formulas"):
        took = results[name][0] if results[name] else args.limit
        ratio = took / recalc
        print(f"{name} / recalc {'=' if results[name] else '>'} {ratio:.1f} (goal >= 10: "
              f"{'met' if ratio >= 10 else 'NOT met'})")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
