"""A review: every roster employee's row as of a review month, and the problems found.

`evaluate` reads the inputs (`inputs`), then runs the policy's sections in order, each its own
module: the cycle outcome, eligibility, demotion, training, pay, careers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .. import schema, values
from ..policy import Policy, default_policy
from ..problems import Problem
from . import careers, demotion, eligibility, outcome, pay, training
from .inputs import (Matrix, blocked, dates_out_of_order, depth, empty_table, find_records, read_history,
                     read_months, read_people, review_month)
from .reasons import Reasons
from .rungs import months_completed


@dataclass
class Review:
    """One row per roster employee (index: employee id) and the problems found on the way."""

    month: int | None
    table: pd.DataFrame
    problems: list[Problem]

    @property
    def month_label(self) -> str:
        return values.month_label(self.month) if self.month is not None else ""

    def worded(self, column: str, lang: str) -> pd.Series:
        """A column of the review's own words (reasons, pay_detail: those with an English twin,
        reasons_en) as a workbook in `lang` shows it: the twin in an English one, the words in
        Traditional Chinese in a Traditional one (zh-Hant: `values.traditional`)."""
        twin = f"{column}_en"
        if lang == "en" and twin in self.table:
            return self.table[twin]
        if lang == "zh-Hant" and twin in self.table:
            return self.table[column].map(lambda v: values.traditional(v) if isinstance(v, str) else v)
        return self.table[column]


def evaluate(roster: pd.DataFrame, records: pd.DataFrame, policy: Policy | None = None,
             as_of=None) -> Review:
    """The review of every roster employee as of `as_of` (default: the latest month on record).

    Of the monthly records it reads the month of every row and the rest only where the review
    looks (its windows back from the review month), which is most of its speed: a cell it does
    not read, such as a record of someone who left long ago, is not checked here but by the
    reviews of its own months.
    """
    policy = policy or default_policy()
    roster, problems = schema.clean(schema.ROSTER, roster)
    people = read_people(roster, policy, problems)
    months, more = read_months(records)
    problems += more
    unreadable = list(problems)  # what their employees' reviews would rest on
    month = review_month(as_of, months, problems)
    if month is None:
        return Review(None, empty_table(blocked(people, unreadable)), problems)

    found, bad_ids = find_records(records, months, month, depth(people, policy), people, problems)
    matrix, bad_cells = read_history(records, found, people, policy)
    wrong_dates, hired_later = dates_out_of_order(people, month)
    problems += bad_ids + bad_cells + wrong_dates
    people = blocked(people, unreadable + bad_ids + bad_cells + wrong_dates + hired_later)
    table = Evaluation(people, matrix, policy, month, problems).table()
    return Review(month, table, problems)


class Evaluation(Reasons):
    """The review computed column by column, each policy section in its module answering for
    all employees at once."""

    def __init__(self, people: pd.DataFrame, matrix: Matrix, policy: Policy, month: int,
                 problems: list[Problem]):
        self.people = people
        self.problems = problems
        self.policy = policy
        self.month = month
        self.end = values.month_end(month)
        self.label = values.month_label(month)
        self.valid = people["problem"].isna().to_numpy()
        self.n = len(people)
        self.matrix = matrix
        self.reasons = {"eligible": [], "demotion": [], "training": [], "pay": []}
        self._said, self._joined = {}, {}

    def table(self) -> pd.DataFrame:
        p = self.people
        tenure = months_completed(p["hire_date"], self.end).to_numpy()
        in_level = months_completed(p["level_since"].fillna(p["hire_date"]), self.end).to_numpy()
        avg, avg_n = self.window_average()
        cycle_avg, cycle_n = self.matrix.window_mean(np.minimum(p["cycle"].to_numpy(int), self.on_rung))
        verdict = outcome.review_outcome(self, cycle_avg, cycle_n)
        eligible, eligible_in = eligibility.eligibility(self, tenure, in_level, avg, avg_n, cycle_avg, verdict)
        demotion_due = demotion.demotion(self, verdict, cycle_avg)
        training_required = training.training(self, tenure)
        pay_items = pay.pay(self, tenure)

        cycled = p["cycle"].to_numpy() > 0
        columns = {
            "name": p["name"], "ladder": p["ladder"], "ladder_name": p["ladder_name"],
            "ladder_name_en": p["ladder_name_en"], "rung": p["rung"],  # the rung held: its index on the ladder
            "level": np.where(p["rung_level"].notna(), p["rung_level"], p["level"]),  # as the policy names it
            "next_level": p["next_level"], "top": p["top"].astype(bool), "metric": p["metric"],
            "tenure_months": tenure, "months_in_level": in_level,
            "score": self.matrix.scores[:, 0],  # the review month's metric
            "average": avg, "average_months": avg_n,
            "cycle_average": np.where(cycled, cycle_avg, np.nan),
            "cycle_months": np.where(cycled, cycle_n, np.nan),
            **verdict,
            "eligible": eligible,
            "eligible_in": eligible_in,  # months until eligible if only time served stands in the way
            "reasons": self.joined("eligible", "zh"), "reasons_en": self.joined("eligible", "en"),
            "demotion_due": demotion_due,
            "demotion_reasons": self.joined("demotion", "zh"),
            "demotion_reasons_en": self.joined("demotion", "en"),
            "raise_min": p["raise_min"], "raise_max": p["raise_max"],
            "training_required": training_required,
            "training_reasons": self.joined("training", "zh"),
            "training_reasons_en": self.joined("training", "en"),
            "horizontal": p["horizontal"].fillna(""), "horizontal_en": p["horizontal_en"].fillna(""),
            **careers.careers(self, eligible),
            **pay_items,
            "pay_detail": self.joined("pay", "zh"), "pay_detail_en": self.joined("pay", "en"),
            "problem": p["problem"],
        }
        # texts stay plain object columns, as in `people`; pandas would infer and copy them
        table = pd.DataFrame({k: pd.Series(v, p.index, dtype=object, copy=False)
                              if isinstance(v, np.ndarray) and v.dtype == object else v
                              for k, v in columns.items()}, index=p.index)
        for column in ("eligible", "demotion_due", "training_required"):
            table[column] = table[column].astype(object).where(self.valid, None)
        return table

    @cached_property
    def on_rung(self) -> np.ndarray:
        """Months of records that belong to the rung held: from the month 本职级起始日 (or the
        hire date) falls in to the review month; 0 when the rung begins after it. A rung is
        judged on its own months only (the cycle, the promotion average, the demotion run):
        someone just moved has no verdict on the new rung until its first month is on record."""
        start = self.people["level_since"].fillna(self.people["hire_date"])
        p_months = (start.dt.year * 12 + start.dt.month - 1).to_numpy(float)
        served = np.where(np.isnan(p_months), self.matrix.depth, self.month - p_months + 1)
        return np.clip(served, 0, self.matrix.depth).astype(int)

    def window_average(self):
        s = self.policy.settings
        window = self.month % 12 + 1 if s.average_basis == "calendar_year" else s.average_window_months
        return self.matrix.window_mean(np.minimum(np.full(self.n, window), self.on_rung))
