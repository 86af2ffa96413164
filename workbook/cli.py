"""The `ladderbook` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlfuncs import book
from xlfuncs.policy import default_policy
from xlfuncs.rules import evaluate

from . import recalc as recalc_module
from . import report, sample
from . import templates as templates_module
from .io import FileBook


def demo(args) -> int:
    """The sample department as a workbook from the template, recalculated, read back through
    the schema, and its review printed."""
    policy = default_policy()
    roster, records = sample.department(size=args.size, last=args.last)
    path = Path(args.output)
    templates_module.with_department(roster, records, lang=args.lang).save(path)
    recalc_module.recalc(path, as_of=args.as_of)
    source = FileBook(path)
    inputs = book.read(source)
    source.close()
    review = evaluate(inputs.roster, inputs.records, inputs.policy, args.as_of)
    sys.stdout.write(report.render(review, policy, args.lang, args.all))
    print(f"\n→ {path}")
    return 0


def templates(args) -> int:
    """Write the committed templates from the default policy (or, with --check, compare)."""
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


def new(args) -> int:
    """A fresh department workbook for the chosen ladders."""
    path = Path(args.file)
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
    try:
        report = recalc_module.recalc(args.file, args.output, args.as_of,
                                      _progress_bar if sys.stderr.isatty() else None)
    except recalc_module.RecalcError as err:
        print(err, file=sys.stderr)
        return 2
    print(report.text())
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ladderbook", description=(
        "客服部晋升政策计算 | The CS department's promotion policy, computed."))
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("demo", help="评审示例部门 | review the bundled sample department")
    p.add_argument("--size", type=int, default=300, help="employees in the sample (default 300)")
    p.add_argument("--last", default="2026-10", help="latest month of the sample's records")
    p.add_argument("--as-of", help="review month, e.g. 2026-10 (default: the latest on record)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--all", action="store_true", help="list everyone, not the first 20 of each list")
    p.add_argument("--output", default="ladderbook-demo.xlsx", help="the workbook written (default: %(default)s)")
    p.set_defaults(run=demo)

    p = commands.add_parser("templates", help="由默认政策生成模板 | write templates/ from the default policy")
    p.add_argument("--out", default="templates", help="folder (default: templates)")
    p.add_argument("--check", action="store_true", help="only say whether the committed ones are stale")
    p.set_defaults(run=templates)

    p = commands.add_parser("new", help="新建部门工作簿 | a fresh department workbook")
    p.add_argument("file")
    p.add_argument("--ladders", nargs="*", help="ladder ids or Chinese names, e.g. cs_rep vip (default: all)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=new)

    p = commands.add_parser("recalc", help="无 Excel 计算工作簿 | compute a workbook without Excel")
    p.add_argument("file")
    p.add_argument("--as-of", help="review month for every formula, e.g. 2026-10 (default: each formula's own)")
    p.add_argument("--output", help="write here instead of in place")
    p.set_defaults(run=recalc)

    args = parser.parse_args(argv)
    return args.run(args)
