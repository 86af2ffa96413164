"""The `ladderbook` command."""

from __future__ import annotations

import argparse
import sys

from xlfuncs.policy import default_policy
from xlfuncs.rules import evaluate

from . import report, sample


def demo(args) -> int:
    """Evaluate the sample department and print the review."""
    policy = default_policy()
    roster, records = sample.department(size=args.size, last=args.last)
    review = evaluate(roster, records, policy, args.as_of)
    sys.stdout.write(report.render(review, policy, args.lang, args.all))
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
    p.set_defaults(run=demo)

    args = parser.parse_args(argv)
    return args.run(args)
