"""ladderbook recalc against openpyxl's own round trip of the same department workbook.

Builds the department workbook from the template with SIZE employees × MONTHS months of records
(History plus the latest month's sheets), then measures side by side, each in a fresh process
so that peak memory is its own:
  - recalc: `ladderbook recalc` of the file;
  - openpyxl: load_workbook + save of the same file (what a tool built on openpyxl pays just to
    open and write the workbook, before computing anything).
Goal (issue 5): recalc / openpyxl ≤ 1.

    python bench/recalc_bench.py [--size 5000] [--months 24]
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


def _build(path, size, months):
    from workbook import templates
    from workbook.sample import department
    templates.with_department(*department(size=size, months=months)).save(path)


def measure(fn, *args):
    """fn(*args) in a fresh process: Linux carries a process's peak memory over into the
    processes it starts, so this one stays small and each measurement gets its own peak."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, tuple(str(a) if isinstance(a, Path) else a for a in args))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    source = folder / "dept.xlsx"
    start = time.perf_counter()
    measure(_build, source, args.size, args.months)
    print(f"built {args.size:,} employees x {args.months} months in {time.perf_counter() - start:.0f} s "
          f"({source.stat().st_size / 1e6:.1f} MB)")

    results = {}
    for name, fn in (("recalc", _recalc), ("openpyxl load+save", _openpyxl)):
        copy = folder / f"{name.split()[0]}.xlsx"
        shutil.copy(source, copy)
        results[name] = measure(fn, copy)
        seconds, peak_kb, computed = results[name]
        extra = f", {computed:,} cells computed" if computed else ""
        print(f"{name:20s} {seconds:7.2f} s   peak {peak_kb / 1024:6.0f} MB{extra}")
    ratio = results["recalc"][0] / results["openpyxl load+save"][0]
    print(f"recalc / openpyxl load+save = {ratio:.2f} (goal <= 1: {'met' if ratio <= 1 else 'NOT met'})")
    print("pycel and formulas with the add-in registered: not measured yet")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
