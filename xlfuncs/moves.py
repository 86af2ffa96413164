"""HR's promotion and demotion decisions, checked against the policy before anything changes.

A decision is made on a month sheet (调动决定 | Decision: 晋升 or 降级, optionally the level to
move to, the raise and who approved it) and frozen into History when the month closes. Here
each decision becomes a move (from, to, kind, raise, effective date) or a refusal that says
which rule it breaks (POLICY.md §1-§2): one rung at a time unless the general manager approved,
the raise inside the step's range, the superior's recommendation and the exam where the policy
asks for them, the criteria of the next rung met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema, values
from .policy import Policy
from .problems import Problem
from .rules import Review

PROMOTION = ("晋升", "Promotion")
DEMOTION = ("降级", "Demotion")
KINDS = (PROMOTION, DEMOTION)
_WORDS = {values.fold(w): kind for kind, words in (
    (PROMOTION, ("晋升", "升", "promotion", "promote", "up")),
    (DEMOTION, ("降级", "降", "demotion", "demote", "down"))) for w in words}
MOVE_COLUMNS = ["date", "employee", "from_level", "to_level", "kind", "raise", "approver"]
# and, for a demotion the review gave with probation (降级并试用), when that probation ends
PROBATION = "probation_until"


@dataclass
class Decided:
    moves: pd.DataFrame  # MOVE_COLUMNS, one row per move to make
    refused: list[Problem]
    already: int  # decisions found in the moves log already


def effective_date(month: int) -> pd.Timestamp:
    """A decision on `month` takes effect on the first day of the next month."""
    return values.month_start(month + 1)


def decide(decisions: pd.DataFrame, roster: pd.DataFrame, review: Review, policy: Policy,
           logged: pd.DataFrame | None = None) -> Decided:
    """The moves `decisions` (History rows of one month, cleaned by the schema, with a
    decision) ask for, and the ones the policy refuses. `roster` is the cleaned roster;
    `logged` the moves log (MOVE_COLUMNS): a person with a move logged on the effective date
    has had the decision applied, and it is not made twice."""
    date = effective_date(review.month)
    people = roster.drop_duplicates("employee").set_index("employee")
    table = review.table
    done = set()
    if logged is not None and len(logged):
        dates = pd.to_datetime(logged["date"]).dt.normalize()
        done = set(zip(logged["employee"], dates))
    moves, refused, already = [], [], 0
    for row, d in decisions.iterrows():
        emp = d["employee"]
        at_zh, at_en = schema.where(schema.RECORDS, row, emp)

        def refuse(zh, en):
            refused.append(Problem(f"{at_zh}：{zh}", f"{at_en}: {en}", emp))

        if (emp, date) in done:  # applied by an earlier run: the roster has moved on since
            already += 1
            continue
        kind = _WORDS.get(values.fold(d["decision"]))
        if kind is None:
            refuse(f"调动决定「{d['decision']}」应为 晋升 或 降级",
                   f"the decision '{d['decision']}' should be 晋升 (promotion) or 降级 (demotion)")
            continue
        if emp not in table.index:
            refuse("不在员工名册中", "not on the roster")
            continue
        problem = table.at[emp, "problem"]
        if problem is not None:
            refuse(f"员工名册中此人的记录有误：{problem.zh}", f"the roster row is not usable: {problem.en}")
            continue
        ladder = policy.ladder(table.at[emp, "ladder"])
        i = int(table.at[emp, "rung"])  # the review found the rung held; not looked up again
        if values.is_blank(d["to_level"]):
            j = i + 1 if kind is PROMOTION else i - 1
            if not 0 <= j < len(ladder.rungs):
                refuse(f"「{ladder.rungs[i].name}」已是{'最高' if kind is PROMOTION else '最低'}职级",
                       f"'{ladder.rungs[i].name_en}' is the {'top' if kind is PROMOTION else 'bottom'} rung")
                continue
        else:
            j = ladder.rung_index(str(d["to_level"]).strip())
            if j is None:
                refuse(f"职级「{d['to_level']}」不在序列「{ladder.name}」中",
                       f"level '{d['to_level']}' is not on the ladder '{ladder.name_en or ladder.name}'")
                continue
        to = ladder.rungs[j]
        if (kind is PROMOTION) != (j > i) or j == i:
            refuse(f"「{kind[0]}」与从「{ladder.rungs[i].name}」到「{to.name}」不符",
                   f"'{kind[1]}' does not fit a move from '{ladder.rungs[i].name}' to '{to.name}'")
            continue
        person = people.loc[emp]
        gm = bool(person["gm_approval"])
        if abs(j - i) > 1 and not gm:
            refuse(f"跨 {abs(j - i)} 级调动须总经理特批（逐级晋升）",
                   f"a move of {abs(j - i)} rungs needs the general manager's approval (one rung at a time)")
            continue
        amount = d["raise"]
        if kind is PROMOTION:
            s = policy.settings
            missing = [(zh, en) for needed, has, zh, en in (
                (s.promotion_needs_recommendation, person["recommended"], "主管推荐", "the superior's recommendation"),
                (s.promotion_needs_exam, person["exam_passed"], "考核通过", "a passed exam")) if needed and not has]
            if missing:
                refuse(f"晋升须{'、'.join(zh for zh, _ in missing)}（员工名册中为否）",
                       f"a promotion needs {' and '.join(en for _, en in missing)} (the roster says no)")
                continue
            if table.at[emp, "eligible"] is False:
                refuse(f"不符合晋升条件：{table.at[emp, 'reasons']}",
                       f"not eligible for promotion: {table.at[emp, 'reasons_en']}")
                continue
            found = policy.raise_range(ladder, i, j)
            if found:
                low, high = found
                if pd.isna(amount) or not low <= amount <= high:
                    shown = "未填" if pd.isna(amount) else f"{amount:g}"
                    refuse(f"加薪 {shown} 元/月，应在 {low:g}–{high:g} 之间",
                           f"raise {'blank' if pd.isna(amount) else f'{amount:g}'} CNY/month, "
                           f"should be {low:g}–{high:g}")
                    continue
            elif not pd.isna(amount) and amount < 0:
                refuse(f"晋升的加薪不能为负（{amount:g}）", f"a promotion's raise cannot be negative ({amount:g})")
                continue
        elif not pd.isna(amount) and amount > 0:
            refuse(f"降级不能加薪（{amount:g} 元/月）", f"a demotion cannot come with a raise ({amount:g} CNY/month)")
            continue
        probation = kind is DEMOTION and bool(table.at[emp, "outcome_probation"])
        moves.append({"date": date, "employee": emp, "from_level": ladder.rungs[i].name,
                      "to_level": to.name, "kind": kind[0],
                      "raise": np.nan if pd.isna(amount) else float(amount),
                      "approver": d["approver"],
                      PROBATION: probation_end(date, policy) if probation else pd.NaT})
    return Decided(pd.DataFrame(moves, columns=[*MOVE_COLUMNS, PROBATION]), refused, already)


def probation_end(start: pd.Timestamp, policy: Policy) -> pd.Timestamp:
    """The last day of the probation a 降级并试用 outcome gives (§3), starting with the move:
    `review_probation_months` whole months, 1 by default (2026-11-01 → 2026-11-30)."""
    return start + pd.DateOffset(months=policy.settings.review_probation_months) - pd.Timedelta(days=1)
