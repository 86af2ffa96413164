"""Career paths (README policy §5) and how far each person is from the next rung, as of 2026-10."""

import math

import pandas as pd

from conftest import history, person, review
from workbooks import Book, frame_rows, sheet
from xlfuncs import schema, udfs

VIP = dict(ladder="vip", hire_date="2020-01-01", duties=5)


def test_the_next_rung_and_the_horizontal_moves_with_what_each_needs():
    people = [person("1001", level="VIP客户经理", **VIP), person("1002", level="高级VIP客户经理", **VIP),
              person("1003", level="客服助理", **VIP, level_since="2026-05-01"),
              person("1004", ladder="reviewer", level="四级审核员")]
    records = [r for e in ("1001", "1002", "1003") for r in history(e, [80] * 12)] + history("1004", [80] * 12)
    t = review(people, records).table
    assert t.at["1001", "careers"] == "高级VIP客户经理：已符合条件；培训导师、质检员、其他部门：需先升至高级VIP客户经理"
    assert t.at["1002", "careers"] == "客服主管：已符合条件；培训导师、质检员、其他部门：可申请"
    assert t.at["1002", "careers_en"] == ("CS supervisor: eligible; Trainer, Quality inspector, "
                                          "Another department: open")
    # 5 months in level on 2026-10-31, 12 needed
    assert t.at["1003", "careers"].startswith("VIP客户经理：本职级 5 个月 < 12 个月（总经理特批可免）；培训导师")
    assert t.at["1004", "careers"] == "已是最高职级"  # the reviewer ladder has no horizontal moves


def test_months_until_eligible_when_only_time_served_stands_in_the_way():
    base = dict(level="初级客服", duties=3)
    people = [person("1001", hire_date="2025-04-01", **base),   # 18 months: eligible now
              person("1002", hire_date="2025-06-01", **base),   # 16 months: 2 to go
              person("1003", hire_date="2025-06-01", level_since="2026-09-01", level="初级客服", duties=3),
              person("1004", hire_date="2025-04-01", level="初级客服", duties=1)]  # duties: not time
    records = [r for e in ("1001", "1002", "1003", "1004") for r in history(e, [1.2] * 12)]
    t = review(people, records).table
    assert t.at["1001", "eligible_in"] == 0
    assert t.at["1002", "eligible_in"] == 2
    assert t.at["1003", "eligible_in"] == 11  # 1 month in level of the 12 between moves
    assert math.isnan(t.at["1004", "eligible_in"])


def test_career_options_in_a_cell():
    roster = [person("1002", level="高级VIP客户经理", **VIP)]
    wb = Book({schema.ROSTER.zh: sheet(schema.ROSTER, roster),
               schema.RECORDS.zh: sheet(schema.RECORDS, frame_rows(pd.DataFrame(history("1002", [80] * 12))))})
    assert udfs.CAREER_OPTIONS(1002, caller=wb).startswith("客服主管：已符合条件；")
    assert udfs.CAREER_OPTIONS([[1002], [None]], lang="en", caller=wb)[0][0].startswith("CS supervisor: eligible")
    assert udfs.CAREER_OPTIONS(9, caller=wb).code == "#N/A"
