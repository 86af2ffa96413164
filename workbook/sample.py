"""A deterministic sample department: every ladder, a few hundred people, monthly records.

The same seed always gives the same people and numbers, so the demo, the benchmark and the
tests that use it are repeatable. Scores are drawn around each rung's thresholds so that the
review has eligible staff, demotions, probation cases and reasons of every kind to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlfuncs import values
from xlfuncs.moves import DEMOTION, PROMOTION
from xlfuncs.policy import Policy, default_policy
from xlfuncs.rules import evaluate, item_weights, kpi_scores, metric_bounds

from .sheets.style import Names

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
# Share of the department on each ladder, roughly as a CS department of this kind is staffed.
LADDER_SHARE = {"cs_grade": 0.35, "cs_rep": 0.25, "tech_support": 0.1, "reviewer": 0.1,
                "review_assistant": 0.04, "supervisor": 0.04, "vip": 0.12}


def department(size: int = 300, months: int = 18, last: str = "2026-10", seed: int = 7,
               policy: Policy | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(roster, monthly records) in the schema's field names, as a workbook reader gives them:
    ids as numbers from 1001 upwards, months and days as dates."""
    policy = policy or default_policy()
    rng = np.random.default_rng(seed)
    end = values.month(last)
    review_day = values.month_end(end)

    ladder_ids = list(LADDER_SHARE)
    ladder = rng.choice(ladder_ids, size=size, p=list(LADDER_SHARE.values()))
    rung = np.array([rng.integers(len(policy.ladder(lid).rungs)) for lid in ladder])
    rung = np.where(rng.random(size) < 0.5, np.minimum(rung, 1), rung)  # more people low down
    tenure = rng.integers(3, 72, size) + rung * 6
    hire = review_day - pd.to_timedelta(tenure * 30.4, unit="D")
    in_level = np.minimum(tenure, rng.integers(2, 40, size))
    level_since = review_day - pd.to_timedelta(in_level * 30.4, unit="D")
    until = pd.DatetimeIndex([review_day] * size).where(rng.random(size) < 0.04)

    roster = pd.DataFrame({
        "employee": np.arange(1001, 1001 + size),
        "name": [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN, rng.integers(1, 3))) for _ in range(size)],
        "ladder": [policy.ladder(lid).name for lid in ladder],
        "level": [policy.ladder(lid).rungs[r].name for lid, r in zip(ladder, rung)],
        "hire_date": hire.normalize(),
        "level_since": level_since.normalize().where(in_level < tenure),
        "duties": rng.integers(1, len(policy.duties) + 1, size),
        "gm_approval": np.where(rng.random(size) < 0.03, "是", None),  # a blank: no cell, as Excel writes it
        "probation_until": until,
        "recommended": np.where(rng.random(size) < 0.3, "是", "否"),
        "exam_passed": np.where(rng.random(size) < 0.5, "是", "否"),
    })
    return roster, _records(roster, ladder, rung, tenure, end, months, rng, policy)


def _records(roster, ladder, rung, tenure, end, months, rng, policy) -> pd.DataFrame:
    size = len(roster)
    month = np.repeat(np.arange(end - months + 1, end + 1)[None, :], size, axis=0)
    employed = (end - month) < tenure[:, None]
    person = np.repeat(np.arange(size)[:, None], months, axis=1)[employed]
    month = month[employed]
    n = len(person)

    role = np.array([policy.role(policy.ladder(lid).rungs[r].role).id for lid, r in zip(ladder, rung)])
    form = rng.normal(0, 1, size)[person]  # each person's steady level, plus monthly noise
    noise = rng.normal(0, 1, n)
    coefficient = np.round(np.clip(1.25 + 0.1 * form + 0.08 * noise, 0.6, 2.0), 2)
    score = np.round(np.clip(76 + 8 * form + 6 * noise, 20, 100), 1)
    is_coefficient = np.array([policy.metric(policy.role(r).metric).id == "coefficient" for r in role])[person]

    records = pd.DataFrame({
        "month": pd.to_datetime({"year": month // 12, "month": month % 12 + 1, "day": 1}),
        "employee": roster["employee"].to_numpy()[person],
        "score": np.where(is_coefficient, coefficient, score),
        "sick_days": rng.poisson(0.6, n),
        "personal_days": rng.poisson(0.5, n),
        "absence_days": (rng.random(n) < 0.01).astype(int),
        "serious_error": np.where(rng.random(n) < 0.005, "是", None),
        "business_deduction": np.where(rng.random(n) < 0.05, rng.integers(1, 6, n), 0),
        "own_computer": np.where((rng.random(size) < 0.3)[person], "是", None),
        "overtime_days": rng.poisson(0.4, n),
        "offsite_days": rng.poisson(0.3, n),
        "unreachable": (rng.random(n) < 0.03).astype(int),
        "late_replies": rng.poisson(0.08, n),
    })
    for r in policy.roles:
        rows = np.flatnonzero(role[person] == r.id)
        if not r.items or not len(rows):
            continue
        base = records["score"].to_numpy()[rows]
        items = pd.DataFrame({item.name: np.round(np.clip(base + rng.normal(0, 5, len(rows)), 0, 100))
                              for item in r.items})
        for column in items:
            records.loc[rows, column] = items[column].to_numpy()
        records.loc[rows, "score"] = kpi_scores(items, item_weights(r), metric_bounds(policy, r))[0].to_numpy()
    return records


def decide(roster: pd.DataFrame, records: pd.DataFrame, policy: Policy | None = None) -> pd.DataFrame:
    """`records` with HR's decisions on the latest month, as a careful HR would make them:
    promote whoever is eligible, recommended and passed the exam, at the bottom of the raise
    range; demote whoever is due for it."""
    policy = policy or default_policy()
    review = evaluate(roster, records, policy).table
    ids = roster["employee"].astype(str).to_numpy()
    recommended = pd.Series((roster["recommended"] == "是").to_numpy()
                            & (roster["exam_passed"] == "是").to_numpy(), index=ids)
    promote = (review["eligible"] == True) & recommended.reindex(review.index)  # noqa: E712
    demote = (review["demotion_due"] == True) & ~promote  # noqa: E712
    months = values.months(records["month"])[0]
    latest = months == months.max()
    emp = records["employee"].astype(str)
    out = records.copy()
    for mask, kind in ((promote, PROMOTION), (demote, DEMOTION)):
        chosen = latest & emp.map(mask).fillna(False).astype(bool)
        out.loc[chosen, "decision"] = kind[0]
        out.loc[chosen, "approver"] = "HR"
        if kind is PROMOTION:
            out.loc[chosen, "raise"] = emp[chosen].map(review["raise_min"]).to_numpy()
    return out


def typed_in(roster: pd.DataFrame, records: pd.DataFrame, lang: str, policy: Policy | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample (in the words `department` and `decide` use) as HR picks it from the
    dropdowns of a workbook in `lang` (`sheets.tables.dropdown_lists`): in an English one the
    ladders and levels by their English names, yes/no as Yes/No, decisions as Promotion/Demotion."""
    if lang != "en":
        return roster, records
    policy = policy or default_policy()
    names = Names(lang)
    yes_no = {"是": names.yes_no(True), "否": names.yes_no(False)}
    flags = ("gm_approval", "recommended", "exam_passed", "serious_error", "own_computer")
    words = {"decision": dict((PROMOTION, DEMOTION)), **dict.fromkeys(flags, yes_no)}
    ladders = names.ladders(policy)  # as the month end writes them
    ids = [policy.ladder(name).id for name in roster["ladder"]]

    def said(frame):
        return frame.assign(**{c: frame[c].map(lambda v: words[c].get(v, v)) for c in words if c in frame})
    roster = said(roster).assign(ladder=[ladders[i] for i in ids], level=names.levels_of(policy, ids, roster["level"]))
    return roster, said(records)
