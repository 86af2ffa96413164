"""The `ladderbook` command.

Each command imports what it uses when it runs: pandas, openpyxl and the formula engine take a
second to load, which `ladderbook --help` and a mistyped argument should not wait for.
"""

from __future__ import annotations

import argparse
import errno
import sys
import time
from pathlib import Path


AS_OF_EVERY_FORMULA = "所有公式的评审月份 | review month for every formula, e.g. 2026-10 (default: each formula's own)"


def demo(args) -> int:
    """The month end of the sample department, start to finish: the department workbook from
    the template, HR's decisions typed in, its review printed as read back from the file, the
    month closed and the decisions applied, each step ending with the file's values computed and
    stored (a separate `ladderbook recalc` first would be computed again by the close)."""
    from xlfuncs import book
    from xlfuncs.policy import default_policy
    from xlfuncs.rules import evaluate

    from . import apply_moves as apply_module
    from . import close as close_module
    from . import report, sample
    from . import templates as templates_module
    from .file_book import FileBook

    path = Path(args.output)
    refused = (_refuse_month(args.as_of) or _refuse_month(args.last) or _refuse_folder(path)
               or (args.size < 1 and f"--size 应至少为 1，现为 {args.size} | --size must be at least 1, not {args.size}"))
    if refused:  # before anything is written
        print(refused, file=sys.stderr)
        return 2
    timings = []

    def step(zh, en, run):  # each step timed, said at the end: where the demo's seconds go
        start = time.perf_counter()
        result = run()
        timings.append(f"{zh} | {en} {time.perf_counter() - start:.1f} s")
        return result

    policy = default_policy()
    roster, records = step("示例数据", "sample", lambda: sample.department(size=args.size, last=args.last))
    roster, records = sample.typed_in(roster, sample.decide(roster, records, policy), args.lang, policy)
    step("建工作簿", "workbook", lambda: templates_module.department_file(path, roster, records, lang=args.lang))
    inputs = book.read(FileBook(path))
    review = evaluate(inputs.roster, inputs.records, inputs.policy, args.as_of)
    sys.stdout.write(report.render(review, policy, args.lang, args.all))
    # a demo run again closes again: the earlier archive is kept under a dated name
    closed = step("月结", "close-month", lambda: close_module.close_file(path, replace=True))
    print("\n" + closed.text())
    if closed.plan.problems:
        return 1
    moved, _ = step("执行调动", "apply-moves", lambda: apply_module.apply_file(path))  # values stored at its end
    lines = moved.text().splitlines()
    print("\n".join(lines[:11] + ([f"  … +{len(lines) - 11}"] if len(lines) > 11 else [])))
    print(f"\n→ {path}\n耗时 | time: {', '.join(timings)}")
    return 0 if not moved.problems else 1


def _refuse_month(text) -> str:
    """Why `text` is no review month ('' when it is one, or not given)."""
    from xlfuncs import values
    from xlfuncs.rules import bad_month
    return "" if text is None or values.month(text) not in (None, values.INVALID) else str(bad_month(text))


def _refuse_folder(path: Path) -> str:
    """Why a file cannot be written at `path` ('' when it can)."""
    folder = path.parent.resolve()
    if not folder.is_dir():
        return f"文件夹 {folder} 不存在 | the folder {folder} does not exist"
    return ""


def templates(args) -> int:
    """Write the committed templates from the default policy (or, with --check, compare)."""
    from . import templates as templates_module
    if args.check:
        stale = templates_module.stale(Path(args.out))
        for line in stale:
            print(line, file=sys.stderr)
        if stale:
            print("run: ladderbook templates", file=sys.stderr)
        return 1 if stale else 0
    for path in templates_module.write_templates(Path(args.out)):
        print(path)
    return 0


def vba_module(args) -> int:
    """The functions' and macros' VBA module, for importing by hand where Excel's trust
    setting for "Import Functions" is forbidden."""
    from . import vba

    output = args.output or vba.FILE
    try:
        Path(output).write_bytes(vba.udf_module().encode("ascii"))
    except OSError as err:
        print(f"无法写入 {output}：{err.strerror} | cannot write {output}: {err.strerror}", file=sys.stderr)
        return 2
    print(output)
    return 0


def new(args) -> int:
    """A fresh department workbook for the chosen ladders."""
    from . import templates as templates_module
    path = Path(args.file)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        print(f"{path}：请用 .xlsx 作文件名（如 部门.xlsx）| {path}: name it .xlsx (e.g. 部门.xlsx)", file=sys.stderr)
        return 2
    if _refuse_folder(path):
        print(_refuse_folder(path), file=sys.stderr)
        return 2
    if path.exists() and not args.force:
        print(f"{path} 已存在，未覆盖（加 --force 覆盖）| {path} exists; not overwritten (--force to replace)",
              file=sys.stderr)
        return 1
    ladders = [key for part in args.ladders or [] for key in part.split(",") if key.strip()]
    try:
        wb = templates_module.department(ladders=ladders or None, lang=args.lang)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    wb.save(path)
    print(path)
    return 0


def _progress_bar(done: int, total: int) -> None:
    filled = int(30 * done / max(total, 1))
    end = "\n" if done >= total else ""
    print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def recalc(args) -> int:
    """Compute the add-in formulas of a workbook file and store their values."""
    from . import recalc as recalc_module
    if _refuse_month(args.as_of):
        print(_refuse_month(args.as_of), file=sys.stderr)  # before anything is written
        return 2
    report = recalc_module.recalc(args.file, args.output, args.as_of, _progress_bar if sys.stderr.isatty() else None)
    print(report.text())
    return 0


def export(args) -> int:
    """A copy of the workbook with the add-in's answers as plain values, for WPS, LibreOffice,
    Excel for Mac or the web, and for sharing the month's review."""
    from . import recalc as recalc_module
    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_name(f"{source.stem}-values{source.suffix}")
    refused = _refuse_month(args.as_of) or _refuse_folder(output) or (
        output.resolve() == source.resolve()
        and f"导出不能覆盖原工作簿 {source} | the export cannot replace the workbook {source} itself")
    if refused:
        print(refused, file=sys.stderr)
        return 2
    report = recalc_module.recalc(source, output, args.as_of, values_only=True)
    print(report.text())
    print(f"→ {output}")
    return 0


def start_month(args) -> int:
    """The first month's sheets of a fresh workbook; a month started, brought up to the policy."""
    from .next_month import brought_up, start_month as start
    started = start(args.file, args.month)
    for problem in started.problems:
        print(problem, file=sys.stderr)
    for title in started.sheets:
        print(f"新建 | started: {title}")
    for line in brought_up(started.templates, started.lists, started.dashboard):
        print(line)
    for note in started.notes:
        print(f"注意 | note: {note}")
    return 1 if started.problems else 0


def close_month(args) -> int:
    """Close a month: validate, freeze into History, archive, start the next month."""
    from . import close as close_module
    closed = close_module.close_file(args.file, args.month, args.replace)
    print(closed.text(), file=sys.stderr if closed.plan.problems else sys.stdout)
    return 1 if closed.plan.problems else 0


def apply_moves(args) -> int:
    """Apply the decisions of a closed month to the roster and the moves log."""
    from . import apply_moves as apply_module
    the_plan, backup = apply_module.apply_file(args.file, args.month)
    print(the_plan.text(), file=sys.stderr if the_plan.problems else sys.stdout)
    if backup:
        print(f"  备份 | backup: {backup}")
    return 1 if the_plan.problems else 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its complaints said in Chinese too and pointing at the help."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：命令参数有误（{message}），用 {self.prog} -h 查看用法 | {self.prog}: error: "
                     f"{message}; see {self.prog} -h\n")


def main(argv=None) -> int:
    parser = _Parser(prog="ladderbook", description=(
        "客服部晋升政策计算 | The CS department's promotion policy, computed."))
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("demo", help="评审示例部门 | review the bundled sample department")
    p.add_argument("--size", type=int, default=300, help="示例人数 | employees in the sample (default 300)")
    p.add_argument("--last", default="2026-10", help="示例记录的最后月份 | latest month of the sample's records")
    p.add_argument("--as-of", help="评审月份 | review month, e.g. 2026-10 (default: the latest on record)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--all", action="store_true", help="列出全部人员 | list everyone, not the first 20 of each list")
    p.add_argument("--output", default="ladderbook-demo.xlsx",
                   help="写出的工作簿 | the workbook written (default: %(default)s)")
    p.set_defaults(run=demo)

    p = commands.add_parser("templates", help="由默认政策生成模板 | write templates/ from the default policy")
    p.add_argument("--out", default="templates", help="文件夹 | folder (default: templates)")
    p.add_argument("--check", action="store_true", help="只检查是否过期 | only say whether the committed ones are stale")
    p.set_defaults(run=templates)

    p = commands.add_parser("vba", help="导出函数的 VBA 模块（无需信任设置）| write the functions' VBA module "
                                        "(to import by hand, no trust setting needed)")
    p.add_argument("--output", help="写出的文件 | the file written (default: ladderbook_udfs.bas, as shipped in templates/)")
    p.set_defaults(run=vba_module)

    p = commands.add_parser("new", help="新建部门工作簿 | a fresh department workbook")
    p.add_argument("file")
    p.add_argument("--ladders", nargs="*", help="序列（编号或名称）| ladder ids or names, e.g. cs_rep vip (default: all)")
    p.add_argument("--lang", choices=("zh", "zh-Hant", "en"), default="zh",
                   help="简体中文、繁體中文 or English (default: zh)")
    p.add_argument("--force", action="store_true", help="覆盖已有文件 | replace FILE if it exists")
    p.set_defaults(run=new)

    p = commands.add_parser("recalc", help="无 Excel 计算工作簿 | compute a workbook without Excel")
    p.add_argument("file")
    p.add_argument("--as-of", help=AS_OF_EVERY_FORMULA)
    p.add_argument("--output", help="写到此处而不改原文件 | write here instead of in place")
    p.set_defaults(run=recalc)

    p = commands.add_parser("export", help="导出数值副本（WPS、LibreOffice、Mac 用）| a copy with the add-in's "
                                           "answers as values (for WPS, LibreOffice, Mac)")
    p.add_argument("file")
    p.add_argument("--as-of", help=AS_OF_EVERY_FORMULA)
    p.add_argument("--output", help="写出的副本 | the copy written (default: FILE-values.xlsx beside it)")
    p.set_defaults(run=export)

    p = commands.add_parser("start-month", help="开始第一个月：建立各序列的月度表；已开始的月份：按改过的政策表补齐 | "
                                                "start the first month: the month sheets of every ladder; a month "
                                                "started: brought up to the policy sheet as edited")
    p.add_argument("file")
    p.add_argument("month", help="月份 | the month, e.g. 2026-10")
    p.set_defaults(run=start_month)

    p = commands.add_parser("close-month", help="月结 | close a month (the month-end macro)")
    p.add_argument("file")
    p.add_argument("--month",
                   help="要结账的月份 | the month to close, e.g. 2026-10 (default: the earliest with month sheets)")
    p.add_argument("--replace", action="store_true",
                   help="重新结账，只替换该月的行 | close a month History already holds again, replacing only that month's rows")
    p.set_defaults(run=close_month)

    p = commands.add_parser("apply-moves", help="执行调动决定 | apply the promotions and demotions decided")
    p.add_argument("file")
    p.add_argument("--month", help="执行哪个已结账月份的决定 | the closed month whose decisions to apply (default: the latest)")
    p.set_defaults(run=apply_moves)

    args = parser.parse_args(argv)
    from . import files  # after the arguments: `--help` and a mistyped command load nothing
    from .collector import collecting_less
    try:
        with collecting_less():
            return args.run(args)
    except files.Refused as err:  # a file the command will not touch, and why: said, nothing changed
        print(err, file=sys.stderr)
        return 2
    except OSError as err:  # a full disk, a folder that may not be written: said, the files as they were
        where = err.filename or args.__dict__.get("file") or ""
        print(f"无法读写 {where}：{err.strerror or err} | could not read or write {where}: {err.strerror or err}",
              file=sys.stderr)
        if err.errno == errno.ENAMETOOLONG:  # ours beside the workbook add 20 bytes or so to its name
            print("工作簿的文件名太长：请改短后再用 | the workbook's file name is too long: rename it shorter, then "
                  "try again", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 (a message, never a traceback; writes are atomic)
        print(f"ladderbook 出错，请把此信息发给维护人员 | ladderbook failed; please send this to whoever "
              f"maintains it: {type(err).__name__}: {err}", file=sys.stderr)
        return 3
