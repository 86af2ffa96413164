"""HR's promotion and demotion decisions, checked against the policy before anything changes.

A decision is made on a month sheet (调动决定 | Decision: 晋升 or 降级, optionally the level to
move to, the raise and who approved it) and frozen into History when the month closes. Here
each decision becomes a move (from, to, kind, raise, effective date) or a refusal that says
which rule it breaks (README policy §1-§2): one rung at a time unless the general manager approved,
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


@dataclass
class Case:
    """One decision as the checks see it: the row of History, and what the checks before have
    found of it (the kind of move, the ladder, the rungs from and to)."""

    decision: pd.Series
    emp: str
    table: pd.DataFrame  # the review
    people: pd.DataFrame  # the cleaned roster by employee
    policy: Policy
    kind: tuple | None = None
    ladder: object = None
    i: int = 0
    j: int = 0

    @property
    def amount(self):
        return self.decision["raise"]


def known_decision(c: Case):
    c.kind = _WORDS.get(values.fold(c.decision["decision"]))
    if c.kind is None:
        d = c.decision["decision"]
        return f"调动决定「{d}」应为 晋升 或 降级", f"the decision '{d}' should be 晋升 (promotion) or 降级 (demotion)"


def on_the_roster(c: Case):
    if c.emp not in c.table.index:
        return "不在员工名册中", "not on the roster"
    problem = c.table.at[c.emp, "problem"]
    if problem is not None:
        return f"员工名册中此人的记录有误：{problem.zh}", f"the roster row is not usable: {problem.en}"


def a_rung_to_move_to(c: Case):
    c.ladder = c.policy.ladder(c.table.at[c.emp, "ladder"])
    c.i = int(c.table.at[c.emp, "rung"])  # the review found the rung held; not looked up again
    rungs, to_level = c.ladder.rungs, c.decision["to_level"]
    if values.is_blank(to_level):
        c.j = c.i + 1 if c.kind is PROMOTION else c.i - 1
        if not 0 <= c.j < len(rungs):
            top = c.kind is PROMOTION
            return (f"「{rungs[c.i].name}」已是{'最高' if top else '最低'}职级",
                    f"'{rungs[c.i].name_en}' is the {'top' if top else 'bottom'} rung")
        return None
    found = c.ladder.rung_index(str(to_level).strip())
    if found is None:
        return (f"职级「{to_level}」不在序列「{c.ladder.name}」中",
                f"level '{to_level}' is not on the ladder '{c.ladder.name_en or c.ladder.name}'")
    c.j = found


def fits_the_kind(c: Case):
    frm, to = c.ladder.rungs[c.i].name, c.ladder.rungs[c.j].name
    if (c.kind is PROMOTION) != (c.j > c.i) or c.j == c.i:
        return f"「{c.kind[0]}」与从「{frm}」到「{to}」不符", f"'{c.kind[1]}' does not fit a move from '{frm}' to '{to}'"


def one_rung_unless_approved(c: Case):
    steps = abs(c.j - c.i)
    if steps > 1 and not bool(c.people.at[c.emp, "gm_approval"]):
        return (f"跨 {steps} 级调动须总经理特批（逐级晋升）",
                f"a move of {steps} rungs needs the general manager's approval (one rung at a time)")


def recommended_and_examined(c: Case):
    if c.kind is not PROMOTION:
        return None
    s, person = c.policy.settings, c.people.loc[c.emp]
    missing = [(zh, en) for needed, has, zh, en in (
        (s.promotion_needs_recommendation, person["recommended"], "主管推荐", "the superior's recommendation"),
        (s.promotion_needs_exam, person["exam_passed"], "考核通过", "a passed exam")) if needed and not has]
    if missing:
        return (f"晋升须{'、'.join(zh for zh, _ in missing)}（员工名册中为否）",
                f"a promotion needs {' and '.join(en for _, en in missing)} (the roster says no)")


def criteria_met(c: Case):
    if c.kind is PROMOTION and c.table.at[c.emp, "eligible"] is False:
        return (f"不符合晋升条件：{c.table.at[c.emp, 'reasons']}",
                f"not eligible for promotion: {c.table.at[c.emp, 'reasons_en']}")


def raise_allowed(c: Case):
    amount = c.amount
    if c.kind is DEMOTION:
        if not pd.isna(amount) and amount > 0:
            return f"降级不能加薪（{amount:g} 元/月）", f"a demotion cannot come with a raise ({amount:g} CNY/month)"
        return None
    found = c.policy.raise_range(c.ladder, c.i, c.j)
    if found:
        low, high = found
        if pd.isna(amount) or not low <= amount <= high:
            zh, en = ("未填", "blank") if pd.isna(amount) else (f"{amount:g}", f"{amount:g}")
            return (f"加薪 {zh} 元/月，应在 {low:g}–{high:g} 之间",
                    f"raise {en} CNY/month, should be {low:g}–{high:g}")
    elif not pd.isna(amount) and amount < 0:
        return f"晋升的加薪不能为负（{amount:g}）", f"a promotion's raise cannot be negative ({amount:g})"


# The checks of a decision, in order; each says (zh, en) why it refuses, or None. The first
# refusal is the decision's: the later checks rest on what the earlier found.
CHECKS = [known_decision, on_the_roster, a_rung_to_move_to, fits_the_kind, one_rung_unless_approved,
          recommended_and_examined, criteria_met, raise_allowed]
# Those of what a decision says, whatever the roster says of the person: the close stops on
# them while the month sheet can still be put right (`validation`). The rest may rest on what
# HR puts on the roster before applying (a recommendation, an approval).
AS_TYPED = [known_decision, a_rung_to_move_to, fits_the_kind, raise_allowed]


def typed_wrong(decisions: pd.DataFrame, roster: pd.DataFrame, review: Review, policy: Policy) -> list[Problem]:
    """The decisions (month-sheet rows cleaned by the schema, with a decision) that say what
    cannot be done (`AS_TYPED`), of people the review placed on a rung (the rest it says)."""
    people = roster.drop_duplicates("employee").set_index("employee")
    out = []
    for row, d in decisions.iterrows():
        c = Case(d, d["employee"], review.table, people, policy)
        if on_the_roster(c) is None and (refusal := _refusal(c, AS_TYPED)):
            out.append(_refused(row, c.emp, refusal))
    return out


def _refusal(c: Case, checks) -> tuple[str, str] | None:
    """The first of `checks` that refuses the decision, as (zh, en); None: none does."""
    return next((said for check in checks if (said := check(c)) is not None), None)


def _refused(row, emp, refusal: tuple[str, str]) -> Problem:
    at_zh, at_en = schema.where(schema.RECORDS, row, emp)
    return Problem(f"{at_zh}：{refusal[0]}", f"{at_en}: {refusal[1]}", emp)


def decide(decisions: pd.DataFrame, roster: pd.DataFrame, review: Review, policy: Policy,
           logged: pd.DataFrame | None = None) -> Decided:
    """The moves `decisions` (History rows of one month, cleaned by the schema, with a
    decision) ask for, and the ones the policy refuses (`CHECKS`). `roster` is the cleaned
    roster; `logged` the moves log (MOVE_COLUMNS): a person with a move logged on the effective
    date has had the decision applied, and it is not made twice."""
    date = effective_date(review.month)
    people = roster.drop_duplicates("employee").set_index("employee")
    done = {}
    if logged is not None and len(logged):
        done = {(emp, day): move for emp, day, move in zip(logged["employee"], pd.to_datetime(logged["date"])
                                                            .dt.normalize(), logged.itertuples())}
    moves, refused, already = [], [], 0
    for row, d in decisions.iterrows():
        emp = d["employee"]
        if (emp, date) in done:  # applied by an earlier run: the roster has moved on since
            move = done[emp, date]
            held = review.table.at[emp, "ladder"] if emp in review.table.index else None
            ladder = policy.ladder(held) if isinstance(held, str) else None
            if _as_applied(d, move, ladder):
                already += 1
            else:  # History's decision changed since: the move made stands, and does not follow
                refused.append(_refused(row, emp, (
                    f"调动决定「{d['decision']}」{_named(d['to_level'])}不是 {date:%Y-%m-%d} 已执行的调动（调动记录："
                    f"{move.kind} {move.from_level} → {move.to_level}）；调动只执行一次：要更改，请手动更正员工名册和调动记录，"
                    f"或把此决定改回",
                    f"the decision '{d['decision']}'{_named(d['to_level'], ' to ')} is not the move "
                    f"applied on {date:%Y-%m-%d} (Moves log: {move.kind} {move.from_level} → {move.to_level}); "
                    f"a decision is applied once: to change it, correct the roster and the Moves log by hand, or "
                    f"put this decision back")))
            continue
        c = Case(d, emp, review.table, people, policy)
        refusal = _refusal(c, CHECKS)
        if refusal:
            refused.append(_refused(row, emp, refusal))
            continue
        probation = c.kind is DEMOTION and bool(c.table.at[emp, "outcome_probation"])
        moves.append({"date": date, "employee": emp, "from_level": c.ladder.rungs[c.i].name,
                      "to_level": c.ladder.rungs[c.j].name, "kind": c.kind[0],
                      "raise": np.nan if pd.isna(c.amount) else float(c.amount),
                      "approver": d["approver"],
                      PROBATION: probation_end(date, policy) if probation else pd.NaT})
    return Decided(pd.DataFrame(moves, columns=[*MOVE_COLUMNS, PROBATION]), refused, already)


def _as_applied(decision: pd.Series, move, ladder) -> bool:
    """Whether a decision is still the move the log says was made for it: the same kind, and
    the level it names (if any) the one moved to, by either of its names on the person's ladder
    (`ladder`; None: off the roster now, the names compared as typed)."""
    if _WORDS.get(values.fold(decision["decision"])) is not _WORDS.get(values.fold(move.kind)):
        return False
    named = decision["to_level"]
    if values.is_blank(named):
        return True
    if ladder is None:  # (both read as names are compared: trimmed, folded)
        return values.fold(named) == values.fold(move.to_level)
    return ladder.rung_index(str(named)) == ladder.rung_index(str(move.to_level))


def _named(level, before: str = "") -> str:
    """A decision's level to move to, when it names one, as said after the decision."""
    return "" if values.is_blank(level) else f"{before}{level}" if before else f"（调至「{level}」）"


def probation_end(start: pd.Timestamp, policy: Policy) -> pd.Timestamp:
    """The last day of the probation a 降级并试用 outcome gives (§3), starting with the move:
    `review_probation_months` whole months, 1 by default (2026-11-01 → 2026-11-30)."""
    return start + pd.DateOffset(months=policy.settings.review_probation_months) - pd.Timedelta(days=1)
