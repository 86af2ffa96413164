"""What a month must pass before it is closed, beyond what its review reads.

A plain list of validators, as beancount's `ops/validation.py` has them: each a function of
plain frames (the cleaned roster, the month's records as read, the month's review, the policy
and the month) returning the problems it finds as data; `validate` runs them all. Cells the
review itself reads (a score out of its metric's range, an unreadable date) are the review's
problems, said once there; an employee the review could not judge is not judged again here.
"""

from __future__ import annotations

import pandas as pd

from . import schema, values
from .policy import Policy
from .problems import Problem
from .rules import Review, item_fields

DAY_FIELDS = ("sick_days", "personal_days", "absence_days", "overtime_days", "offsite_days")
COUNT_FIELDS = (*DAY_FIELDS, "business_deduction", "unreachable", "late_replies", "major_complaints")


def everyone_on_a_sheet(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """Everyone on the roster hired by the month's end is on one of its sheets."""
    label, end = values.month_label(month), values.month_end(month)
    present = set(values.employee_ids(records["employee"])[0].astype(object))
    return [Problem(f"工号 {emp}（{name or ''}）不在 {label} 的月度表中",
                    f"employee {emp} ({name or ''}) is on no month sheet of {label}", emp)
            for emp, name, hired in zip(roster["employee"], roster["name"], roster["hire_date"])
            if emp not in present and not (pd.notna(hired) and hired > end)]


def _judged(records, review: Review):
    """(row label, employee id) of each record whose employee the review could judge."""
    table = review.table
    ids = values.employee_ids(records["employee"])[0].astype(object).to_numpy()
    return [(at, emp) for at, emp in zip(records.index, ids)
            if emp in table.index and table.at[emp, "problem"] is None]


def metric_filled(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """The month's score, or every KPI item of the person's role, is filled in."""
    clean, _ = schema.clean(schema.RECORDS, records, item_fields(policy))
    table, out = review.table, []
    for at, emp in _judged(records, review):
        rung = policy.ladder(table.at[emp, "ladder"]).rungs[int(table.at[emp, "rung"])]
        role = policy.role(rung.role)
        metric = policy.metric(role.metric)
        at_zh, at_en = schema.where(schema.RECORDS, at, emp)
        needed = [(i.name, i.name, i.name_en) for i in role.items] or [("score", *schema.score_header(metric))]
        out += [Problem(f"{at_zh}：「{zh}」未填写", f"{at_en}: '{en}' is blank", emp)
                for key, zh, en in needed if pd.isna(clean.at[at, key])]
    return out


def counts_in_range(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """No count is negative, and no day count exceeds the days of the month."""
    clean, _ = schema.clean(schema.RECORDS, records, item_fields(policy))
    days, out = values.month_end(month).day, []
    for at, emp in _judged(records, review):
        at_zh, at_en = schema.where(schema.RECORDS, at, emp)
        for key in COUNT_FIELDS:
            value, f = clean.at[at, key], schema.RECORDS.field(key)
            limit = days if key in DAY_FIELDS else None
            if pd.notna(value) and (value < 0 or (limit is not None and value > limit)):
                shown = f"0–{limit}" if limit else "≥ 0"
                out.append(Problem(f"{at_zh}：「{f.zh}」{value:g} 应在 {shown}",
                                   f"{at_en}: '{f.en}' {value:g} should be {shown}", emp))
    return out


def anything_typed(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """A month whose sheets hold no score or KPI item at all is not filled in yet: said once,
    not as a blank for every cell (a close run again straight after the last one)."""
    clean, _ = schema.clean(schema.RECORDS, records, item_fields(policy))
    metrics = clean[["score", *(f.key for f in item_fields(policy))]]
    if len(records) and not metrics.notna().to_numpy().any():
        label = values.month_label(month)
        return [Problem(f"{label} 的月度表尚未填写（{len(records)} 人都没有得分）：月底填写后再结账",
                        f"the month sheets of {label} are not filled in yet (no score for any of "
                        f"{len(records)} people): close the month once they are")]
    return []


VALIDATIONS = [everyone_on_a_sheet, metric_filled, counts_in_range]


def validate(roster, records, review: Review, policy: Policy, month: int) -> list[Problem]:
    """Every problem every validator finds, in order; a month not filled in at all is one."""
    return anything_typed(roster, records, review, policy, month) or [
        p for check in VALIDATIONS for p in check(roster, records, review, policy, month)]
