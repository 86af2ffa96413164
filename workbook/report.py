"""The review as text for a terminal: a summary per ladder, then who moves and why."""

from __future__ import annotations

import pandas as pd

from xlfuncs import schema
from xlfuncs.excel import computed_columns
from xlfuncs.policy import Policy
from xlfuncs.rules import Review

from .sheets.style import Names
from .text_width import display_width

OWN_HEADERS = {
    "next_level": ("下一职级", "Next level"), "tenure_months": ("司龄(月)", "Tenure (months)"),
    "months_in_level": ("本职级月数", "Months in level"), "score": ("本月绩效", "This month"),
    "average": ("平均绩效", "Average"), "demotion_reasons": ("降级原因", "Demotion reasons"),
    "training_reasons": ("培训原因", "Training reasons"), "pay_detail": ("薪酬明细", "Pay detail"),
    "problem": ("问题", "Problem")}


def review_header(key: str) -> tuple[str, str]:
    """A review column's (zh, en) header: the roster's field, the month sheets' computed column
    as its function declares it, or the review's own; one text per column, wherever shown."""
    roster = {f.key: (f.zh, f.en) for f in (schema.EMPLOYEE, *schema.ROSTER.fields)}
    computed = {c.review: (c.zh, c.en) for c in computed_columns() if c.review != "score"}
    return roster.get(key) or computed.get(key) or OWN_HEADERS[key]


SHARED = ("ladder", "eligible", "demotion_due", "training_required", "employee", "name", "level",
          "next_level")  # headed as everywhere else
TEXT = {
    "zh": {
        "title": "评审月份 {month} · {n} 名员工",
        "summary": "各序列汇总", "eligible": "可晋升", "demotion": "应降级",
        "not_eligible": "暂不可晋升", "problems": "无法评审的输入",
        "more": "… 另有 {n} 人（加 --all 显示全部）",
        "cols": {"headcount": "人数", "raise": "加薪(元/月)", "reasons": "原因", "outcome": "周期评审",
                 **{k: review_header(k)[0] for k in SHARED}},
    },
    "en": {
        "title": "Review month {month} · {n} employees",
        "summary": "By ladder", "eligible": "Eligible for promotion", "demotion": "Due for demotion",
        "not_eligible": "Not yet eligible", "problems": "Inputs that could not be reviewed",
        "more": "… {n} more (--all shows everyone)",
        "cols": {"headcount": "Staff", "raise": "Raise (CNY/month)", "reasons": "Reasons",
                 "outcome": "Cycle review", **{k: review_header(k)[1] for k in SHARED}},
    },
}


def render(review: Review, policy: Policy, lang: str = "zh", show_all: bool = False, limit: int = 20) -> str:
    t = TEXT["en" if lang == "en" else "zh"]
    suffix = "_en" if lang == "en" else ""
    table = review.table
    out = [t["title"].format(month=review.month_label, n=len(table)), ""]

    names = Names(lang)
    ladder_name = names.ladders(policy)
    table = table.assign(**{column: names.levels_of(policy, table["ladder"], table[column])  # Junior CS in English
                            for column in ("level", "next_level")})
    counts = table.assign(headcount=1).groupby("ladder", sort=False)[
        ["headcount", "eligible", "demotion_due", "training_required"]].sum().astype(int)
    counts.index = counts.index.map(ladder_name)
    out += [f"## {t['summary']}", _text(counts.rename(columns=t["cols"]).rename_axis(t["cols"]["ladder"])), ""]

    eligible = table[table["eligible"] == True]  # noqa: E712 (object column: True/False/None)
    raise_text = [f"{lo:g}–{hi:g}" if pd.notna(lo) else "" for lo, hi in
                  zip(eligible["raise_min"], eligible["raise_max"])]
    rows = eligible.assign(raise_=raise_text)[["name", "level", "next_level", "raise_", f"outcome{suffix}"]]
    out += _section(t, "eligible", rows.rename(columns={"raise_": "raise", f"outcome{suffix}": "outcome"}),
                    show_all, limit)

    due = table[table["demotion_due"] == True]  # noqa: E712
    out += _section(t, "demotion", due[["name", "level", f"demotion_reasons{suffix}"]]
                    .rename(columns={f"demotion_reasons{suffix}": "reasons"}), show_all, limit)

    waiting = table[(table["eligible"] == False) & ~table["top"]]  # noqa: E712
    out += _section(t, "not_eligible", waiting[["name", "level", "next_level", f"reasons{suffix}"]]
                    .rename(columns={f"reasons{suffix}": "reasons"}), show_all, limit)

    if review.problems:
        out += [f"## {t['problems']} ({len(review.problems)})"]
        out += [f"- {getattr(p, lang)}" for p in review.problems[: None if show_all else limit]]
    return "\n".join(out).rstrip() + "\n"


def _section(t, key: str, rows: pd.DataFrame, show_all: bool, limit: int) -> list[str]:
    lines = [f"## {t[key]} ({len(rows)})"]
    if rows.empty:
        return lines + [""]
    shown = rows if show_all else rows.head(limit)
    lines.append(_text(shown.rename(columns=t["cols"]).rename_axis(t["cols"]["employee"])))
    if len(shown) < len(rows):
        lines.append(t["more"].format(n=len(rows) - len(shown)))
    return lines + [""]


def _text(frame: pd.DataFrame) -> str:
    """The frame as aligned columns: text to the left, numbers to the right, CJK-aware."""
    header = [frame.index.name or "", *map(str, frame.columns)]
    cells = [[str(i), *("" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v)
                        for v in row)] for i, row in zip(frame.index, frame.itertuples(index=False))]
    numeric = [False, *(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)]
    widths = [max(display_width(r[j]) for r in [header, *cells]) for j in range(len(header))]

    def line(row):
        padded = (" " * (w - display_width(c)) + c if num else c + " " * (w - display_width(c))
                  for c, w, num in zip(row, widths, numeric))
        return "  ".join(padded).rstrip()

    return "\n".join(line(r) for r in [header, *cells])
