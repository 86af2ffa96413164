"""The month end (close-month, then apply-moves) against openpyxl's round trip and recalc of the
same department workbook, side by side in one run, each in a fresh process (CPU seconds, peak
memory its own). Goals (issue 18): each at most 0.1 × openpyxl's load+save, at most the time of
recalc of the file it starts from, and a peak under that recalc's (apply-moves starts from the
month just closed, whose History holds a month more). Each is run --repeat times, in turns, from
a fresh copy, and its fastest run counts, as in recalc_bench.py.

    python bench/month_end_bench.py [--size 5000] [--months 24] [--repeat 3]
"""

import resource
import shutil

from recalc_bench import (_cpu, _openpyxl, _recalc, as_the_command, built, collected, fastest, measure, options,
                          runs_said)


@as_the_command
def _close(path):
    start = _cpu()  # from before the imports: what the command pays
    from workbook.close import close_file
    closed = close_file(path)
    assert not closed.plan.problems, closed.text()
    return _cpu() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(closed.plan.rows), collected()


@as_the_command
def _apply(path):
    start = _cpu()
    from workbook.apply_moves import apply_file
    plan, _ = apply_file(path)
    assert not plan.problems, plan.text()
    return _cpu() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(plan.moves), collected()


def main():
    args = options()
    folder, source = built(args)
    seen = {name: [] for name in ("recalc", "openpyxl load+save", "close-month", "recalc (closed)", "apply-moves")}
    for _ in range(args.repeat):  # in turns: a slow minute slows one run of each, not all of one
        for name in ("recalc", "openpyxl", "month"):
            shutil.copy(source, folder / f"{name}.xlsx")
        seen["recalc"].append(measure(_recalc, folder / "recalc.xlsx"))
        seen["openpyxl load+save"].append(measure(_openpyxl, folder / "openpyxl.xlsx"))
        seen["close-month"].append(measure(_close, folder / "month.xlsx"))
        shutil.copy(folder / "month.xlsx", folder / "closed.xlsx")  # the file apply-moves starts from
        seen["recalc (closed)"].append(measure(_recalc, folder / "closed.xlsx"))  # its History a month longer
        seen["apply-moves"].append(measure(_apply, folder / "month.xlsx"))
        shutil.rmtree(folder / "month-archive", ignore_errors=True)  # the next close archives the month anew
        shutil.rmtree(folder / "month-backups", ignore_errors=True)
    results = fastest(seen)
    for name, (seconds, peak_kb, count, collecting) in results.items():
        print(f"{name:20s} {seconds:7.2f} s CPU   peak {peak_kb / 1024:6.0f} MB" + (f"   ({count:,})" if count else "")
              + (f", {collecting:.2f} s of it collecting cycles" if collecting is not None else "")
              + f"   ({runs_said(seen[name])})")
    openpyxl = results["openpyxl load+save"]
    for name, recalc in (("close-month", "recalc"), ("apply-moves", "recalc (closed)")):  # each of the same file
        seconds, peak_kb, *_ = results[name]
        print(f"{name}: / openpyxl = {seconds / openpyxl[0]:.2f} (goal <= 0.1), / {recalc} = "
              f"{seconds / results[recalc][0]:.2f} (goal <= 1), peak / {recalc}'s = "
              f"{peak_kb / results[recalc][1]:.2f} (goal < 1)")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
