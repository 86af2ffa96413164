"""Small builders so each test states only what its case is about."""

import gc

import pandas as pd
import pytest

from workbook.collector import THRESHOLDS
from xlfuncs import values
from xlfuncs.rules import evaluate

gc.set_threshold(*THRESHOLDS)  # the commands' code run with the cycle collector as the command sets it

REVIEW = "2026-10"  # the review month of most cases: its last day is 2026-10-31


def person(employee="1001", ladder="cs_grade", level="初级客服", hire_date="2020-01-01", **extra):
    return {"employee": employee, "name": f"员工{employee}", "ladder": ladder, "level": level,
            "hire_date": hire_date, **extra}


def history(employee, scores, last=REVIEW, **columns):
    """One record per score, the last one in `last`, going back a month each; extra columns
    are lists aligned with `scores` (or a scalar for every month)."""
    end = values.month(last)
    rows = []
    for back, score in enumerate(reversed(scores)):
        row = {"month": values.month_label(end - back), "employee": employee, "score": score}
        for key, value in columns.items():
            row[key] = value[len(scores) - 1 - back] if isinstance(value, list) else value
        rows.append(row)
    return rows[::-1]


def review(people, records, as_of=REVIEW, policy=None):
    people = people if isinstance(people, list) else [people]
    return evaluate(pd.DataFrame(people), pd.DataFrame(records), policy, as_of)


@pytest.fixture
def one():
    """Review one employee and return their row."""
    def run(p, records, **kw):
        result = review([p], records, **kw)
        return result.table.loc[p["employee"]]
    return run


@pytest.fixture
def pythons_defaults():
    """The test process's cycle collector at Python's defaults (as Excel's Python has it), put back
    as the suite runs it after."""
    suite = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*suite)
