"""What a month must pass before it is closed, beyond what its review reads.

A plain list of validators, as beancount's `ops/validation.py` has them: each a function of
plain frames (the cleaned roster, the month's records as read, the month's review, the policy
and the month) returning the problems it finds as data; `validate` runs them all. Cells the
review itself reads (a score out of its metric's range, a day count beyond its month, an
unreadable date) are the review's problems, said once there.
"""

from __future__ import annotations

import pandas as pd

from . import schema, values
from .moves import typed_wrong
from .policy import Policy
from .problems import Problem
from .rules import Review, item_fields


def everyone_on_a_sheet(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """Everyone on the roster hired by the month's end is on one of its sheets."""
    label, end = values.month_label(month), values.month_end(month)
    present = set(values.employee_ids(records["employee"])[0].astype(object))
    return [Problem(f"工号 {emp}（{name or ''}）不在 {label} 的月度表中",
                    f"employee {emp} ({name or ''}) is on no month sheet of {label}", emp)
            for emp, name, hired in zip(roster["employee"], roster["name"], roster["hire_date"])
            if emp not in present and not (pd.notna(hired) and hired > end)]


def _placed(records, review: Review):
    """(row label, employee id) of each record whose employee holds a known rung: every
    problem of a month is said at once, also of someone another problem holds up already."""
    ids = values.employee_ids(records["employee"])[0].astype(object)
    placed = ids.map(review.table["rung"]).notna().to_numpy()  # (an id the review does not hold: none)
    return [(at, emp) for at, emp, here in zip(records.index, ids.to_numpy(), placed) if here]


def metric_filled(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """The month's score, or every KPI item of the person's role, is filled in; a column blank
    on every row of a sheet (or missing from it) is said once for the sheet. A cell holding an
    error or what is no number is the review's problem, not a blank."""
    clean, _ = schema.clean(schema.RECORDS, records, item_fields(policy))
    placed = _placed(records, review)
    rows = records.index.get_indexer([at for at, _ in placed])
    people = review.table.loc[[emp for _, emp in placed], ["ladder", "rung"]]
    pairs = list(zip(people["ladder"], people["rung"].astype(int)))
    needs = {}  # (ladder, rung) → what its role scores by: the month's score or each KPI item
    for ladder, rung in dict.fromkeys(pairs):
        role = policy.role(policy.ladder(ladder).rungs[rung].role)
        needs[(ladder, rung)] = [(i.name, i.name, i.name_en) for i in role.items] or [
            ("score", *schema.score_header(policy.metric(role.metric)))]
    empty = {}  # key → each record's cell left blank (neither read as a value nor typed at all)
    for key in dict.fromkeys(key for need in needs.values() for key, _, _ in need):
        typed = records[key].to_numpy()[rows] if key in records else [None] * len(rows)
        empty[key] = clean[key].isna().to_numpy()[rows] & [values.is_blank(v) for v in typed]
    blank = {}
    for i, ((at, emp), pair) in enumerate(zip(placed, pairs)):
        for key, zh, en in needs[pair]:
            if empty[key][i]:
                blank.setdefault((at[0] if isinstance(at, tuple) else None, zh, en), []).append((at, emp))
    out = []
    per_sheet = records.index.get_level_values(0).value_counts() if records.index.nlevels > 1 else {}
    for (sheet, zh, en), cells in blank.items():
        if sheet and len(cells) == per_sheet.get(sheet, 0):
            out.append(Problem(f"「{sheet}」：「{zh}」一列都没有填写（或缺少该列）",
                               f"'{sheet}': no row of '{en}' is filled in (or the column is missing)"))
            continue
        for at, emp in cells:
            at_zh, at_en = schema.where(schema.RECORDS, at, emp)
            out.append(Problem(f"{at_zh}：「{zh}」未填写", f"{at_en}: '{en}' is blank", emp))
    return out


def anything_typed(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """A month whose sheets hold no score or KPI item at all is not filled in yet: said once,
    not as a blank for every cell (a close run again straight after the last one). A cell
    holding what is no number is typed: the review says what is wrong with it."""
    keys = [key for key in ("score", *(f.key for f in item_fields(policy))) if key in records]
    if len(records) and all(values.is_blank(v) for key in keys for v in records[key].to_numpy()):
        label = values.month_label(month)
        return [Problem(f"{label} 的月度表尚未填写（{len(records)} 人都没有得分）：月底填写后再结账",
                        f"the month sheets of {label} are not filled in yet (no score for any of "
                        f"{len(records)} people): close the month once they are")]
    return []


def decisions_readable(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """HR's decisions typed on the month's sheets (a raise of 600元, a negative one) read as the
    schema reads them, and saying what can be done (a decision 晋升 or 降级, a level of the
    person's ladder the right way up: `moves.AS_TYPED`): the close freezes them into History,
    where apply-moves would refuse them, and the month sheet is gone by then."""
    ids = schema.clean(schema.RECORDS, records, keys=("employee",))[0]["employee"]  # (said by the review)
    decided, problems = schema.clean(schema.RECORDS, records, keys=schema.DECISIONS, ids=ids)
    decided = decided.assign(employee=ids)[decided["decision"].notna()]
    unread = {p.employee for p in problems}  # (a raise of 600元 is said as typed, not as one left blank)
    return problems + typed_wrong(decided[~decided["employee"].isin(unread)], roster, review, policy)


VALIDATIONS = [everyone_on_a_sheet, metric_filled, decisions_readable]


def validate(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """Every problem every validator finds, in order; a month not filled in at all is one."""
    return anything_typed(roster, records, review, policy, month) or [
        p for check in VALIDATIONS for p in check(roster, records, review, policy, month)]
