"""Facts the rules decide once, read everywhere downstream: each case here was worked out again
downstream with other logic and came out different (issue 14)."""

import pandas as pd

from conftest import history, person
from test_close import ITEMS, history_rows
from test_moves import run
from workbook import close, templates

VIP = dict(ladder="vip", hire_date="2020-01-01", duties=5, recommended="是", exam_passed="是")


def test_a_level_typed_in_another_case_is_the_rung_everywhere(tmp_path):
    # the roster says vip客户经理, the policy VIP客户经理: the rules find the rung, and so do the
    # decision check and the close, by the rung the rules found
    decided = run(person("1001", level="vip客户经理", **VIP), {}, history("1001", [80] * 12))
    assert decided.refused == []
    assert (decided.moves.iloc[0].from_level, decided.moves.iloc[0].to_level) == ("VIP客户经理", "高级VIP客户经理")

    roster = pd.DataFrame([{"employee": 1001, "name": "王芳", "ladder": "VIP客服", "level": "vip客户经理",
                            "hire_date": pd.Timestamp("2020-01-01")}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-10-01"), "employee": 1001, "score": 80}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["vip"]).save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert [r["当月职级"] for r in history_rows(path)] == ["VIP客户经理"]  # as the policy names it


def test_a_skipped_rungs_raise_is_one_reading_for_raise_range_and_the_decision_check():
    from excel import shown
    from test_udfs import department
    from xlfuncs import policy_sheet, udfs
    from xlfuncs.policy import Policy, default_data

    data = default_data()
    data["settings"]["skip_raise"] = "none"  # HR's edit: the general manager decides a skip's raise
    wb = department([person("1001")], history("1001", [1.2]), {"政策": policy_sheet.rows(data)})
    said = shown(udfs.RAISE_RANGE, "初级客服", "高级客服", caller=wb)
    assert said.code == "#N/A" and "总经理" in said
    junior = dict(level="初级客服", hire_date="2025-04-01", duties=3, recommended="是", exam_passed="是",
                  gm_approval="是")
    decided = run(person("1001", **junior), {"to_level": "高级客服", "raise": 5000},
                  history("1001", [1.2] * 12), policy=Policy.from_dict(data))
    assert decided.refused == [] and decided.moves.iloc[0]["raise"] == 5000
    # the shipped reading: the sum of the steps, 500–800 and 1000–1200, for both
    assert shown(udfs.RAISE_RANGE, "初级客服", "高级客服", width=2) == [[1500.0, 2000.0]]
    assert "应在 1500–2000 之间" in str(run(person("1001", **junior), {"to_level": "高级客服", "raise": 5000},
                                           history("1001", [1.2] * 12)).refused[0])


def test_a_demotion_with_probation_sets_the_probation_the_policy_gives(tmp_path):
    """§3: below 50 → down one rung and a probation of `review_probation_months` (1): the move
    writes 试用期截止, which the next review reads (below 50 again in it: 劝退评估)."""
    import dataclasses

    import openpyxl

    from test_apply_moves import rows
    from workbook import apply_moves
    from xlfuncs.moves import PROBATION
    from xlfuncs.policy import default_policy

    rep = person("1001", ladder="客户代表", level="普通客服代表-高级", hire_date="2020-01-01")
    decided = run(rep, {"decision": "降级"}, history("1001", [45, 40, 44]))  # cycle 43: 降级并试用
    assert decided.moves.iloc[0][PROBATION] == pd.Timestamp("2026-11-30")
    two = default_policy()
    two = dataclasses.replace(two, settings=dataclasses.replace(two.settings, review_probation_months=2))
    decided = run(rep, {"decision": "降级"}, history("1001", [45, 40, 44]), policy=two)
    assert decided.moves.iloc[0][PROBATION] == pd.Timestamp("2026-12-31")
    plain = run(rep, {"decision": "降级"}, history("1001", [60, 55, 58]))  # cycle 57.7: 降级, no probation
    assert pd.isna(plain.moves.iloc[0][PROBATION])

    roster = pd.DataFrame([{"employee": 1001, "name": "王芳", "ladder": "客户代表", "level": "普通客服代表-高级",
                            "hire_date": pd.Timestamp("2020-01-01")}])
    records = pd.DataFrame([{"month": pd.Timestamp(f"2026-{m:02d}-01"), "employee": 1001, "score": s}
                            for m, s in ((8, 45), (9, 40))]
                           + [{"month": pd.Timestamp("2026-10-01"), "employee": 1001, **dict.fromkeys(ITEMS, 44),
                               "decision": "降级", "approver": "王经理"}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_rep"]).save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == [], closed.text()
    moved, _ = apply_moves.apply_file(path)
    assert moved.problems == []
    (row,) = rows(openpyxl.load_workbook(path, read_only=True)["员工名册"])
    assert (row["职级"], row["试用期截止"]) == ("普通客服代表-中级", pd.Timestamp("2026-11-30"))


def test_an_item_outside_its_metrics_range_is_no_score_anywhere(tmp_path):
    """Items [180, 0, 0, 0, 0]: the rules made 36.0 of them, KPI_SCORE refused, the close
    refused. Now one function scores items, and its answer is: no score, said with the cell."""
    from conftest import review
    from excel import row, shown
    from xlfuncs import udfs
    from xlfuncs.policy import default_policy
    from xlfuncs.rules import item_weights, kpi_scores

    rep = person("1001", ladder="客户代表", level="普通客服代表-高级", hire_date="2020-01-01")
    items = dict(zip(ITEMS, [180, 0, 0, 0, 0]))
    records = history("1001", [None], **items)
    t = review([rep], records).table
    assert t.at["1001", "eligible"] is None and "「客户回访率」180 超出范围 0–100" in t.at["1001", "problem"].zh
    assert shown(udfs.KPI_SCORE, row(180, 0, 0, 0, 0), "客户代表").startswith("#VALUE! 「客户回访率」得分 180 超出范围 0–100")
    role = default_policy().role("cs_rep")
    score, outside = kpi_scores(pd.DataFrame([[180, 0, 0, 0, 0]], columns=ITEMS), item_weights(role), (0, 100))
    assert score.isna().all() and outside.to_numpy().tolist() == [[True, False, False, False, False]]


def test_a_level_two_ladders_name_alike_is_scored_by_its_own_ladders_role_on_the_month_sheet(tmp_path):
    """The 技术支持 and 审核员 ladders' rungs named 一级 … 四级 alike, as HR may name them: the
    审核员 sheet's KPI_SCORE weighed 一级 by the first ladder's role, 技术支持, whose items the
    sheet has not (#VALUE! on every row) while the close froze the review's score. Now both are
    the review's: 0.45×90 + 0.45×80 + 0.1×100 = 86.5 and 0.4×90 + 0.4×80 + 0.1×70 + 0.1×100 = 85."""
    from workbook import recalc
    from workbook.file_book import FileBook
    from xlfuncs.policy import default_data

    data = default_data()
    for ladder in data["ladders"]:
        if ladder["id"] in ("tech_support", "reviewer"):
            for rung, name in zip(ladder["rungs"], ("一级", "二级", "三级", "四级")):
                rung["name"] = name
    roster = pd.DataFrame([{"employee": 1001, "name": "王芳", "ladder": "审核员", "level": "一级",
                            "hire_date": pd.Timestamp("2024-01-01")},
                           {"employee": 1002, "name": "李伟", "ladder": "技术支持", "level": "一级",
                            "hire_date": pd.Timestamp("2024-01-01")}])
    october = pd.Timestamp("2026-10-01")
    records = pd.DataFrame([
        {"month": october, "employee": 1001, "工作质量(无误删)": 90, "工作效率(审核时长)": 80, "考勤": 100},
        {"month": october, "employee": 1002, "问题处理时限和准确率": 90, "员工培训反馈": 80, "技能和产品掌握": 70,
         "考勤": 100}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, data=data, ladders=["tech_support", "reviewer"]).save(path)
    recalc.recalc(path)
    book = FileBook(path)
    shown = {}
    for sheet in ("2026-10 审核员", "2026-10 技术支持"):
        rows = book.values(sheet)
        heads = [str(h).split("\n")[0] for h in rows[1]]
        shown[rows[2][0]] = rows[2][heads.index("月度得分(计算)")]
    assert shown == {1001: 86.5, 1002: 85.0}
    assert close.close_file(path).plan.problems == []
    assert {r["工号"]: r["月度得分(计算)"] for r in history_rows(path)} == shown


def test_a_rung_is_judged_on_its_own_months_only_so_no_one_is_demoted_twice():
    """After the month end, the new month's sheets showed 降级 again for those just demoted: the
    new month has no scores yet, so the cycle reached back into months served on the old rung."""
    from conftest import review

    # demoted to 普通客服代表-中级 from 2026-11-01 for a cycle of 40s; November not scored yet
    rep = person("1009", ladder="客户代表", level="普通客服代表-中级", hire_date="2020-01-01",
                 level_since="2026-11-01")
    t = review([rep], history("1009", [40, 42, 41, None], last="2026-11"), as_of="2026-11").table
    assert t.at["1009", "outcome"] == "" and t.at["1009", "demotion_due"] is False
    assert t.at["1009", "outcome_note"] == "本职级尚无绩效记录，暂不评审"
    # with November scored, the cycle is that one month: 70 → 保持
    t = review([rep], history("1009", [40, 42, 41, 70], last="2026-11"), as_of="2026-11").table
    assert (t.at["1009", "cycle_average"], t.at["1009", "cycle_months"], t.at["1009", "outcome"]) == (70, 1, "保持")

    # CS grade: two coefficients below 1.1 in a row demote; demoted to 中级客服 on 2026-11-01, the
    # run on 高级客服 (1.0, 1.0) does not count again with November's 1.0
    agent = person("1125", level="中级客服", hire_date="2020-01-01", level_since="2026-11-01", duties=5)
    t = review([agent], history("1125", [1.0, 1.0, 1.0], last="2026-11"), as_of="2026-11").table
    assert t.at["1125", "demotion_due"] is False
    # and its promotion average is November's alone: 1 month on record on this rung
    assert (t.at["1125", "average"], t.at["1125", "average_months"]) == (1.0, 1)


def test_the_dashboard_counts_the_columns_the_sheets_headers_name():
    """History's columns in another order, or a KPI item more: the dashboard's formulas follow
    the header row, as the close reads it, not the schema's order."""
    import re

    from workbook.sheets.dashboard import DASHBOARD, dashboard
    from workbook.sheets.style import Names
    from xlfuncs.policy import default_policy

    wb = templates.department()
    history = wb["历史记录"]
    history.insert_cols(1)  # HR put a column of notes first: every field moved one to the right
    history["A1"] = "备注"
    del wb[DASHBOARD[0]]
    dashboard(wb, default_policy(), Names("zh"), 1)
    formulas = "".join(str(c.value) for row in wb[DASHBOARD[0]].iter_rows() for c in row)
    used = set(re.findall(r"'历史记录'!\$([A-Z]+):", formulas))
    named = {str(history[f"{letter}1"].value).split("\n")[0] for letter in used}
    assert named == {"月份", "当月序列", "评审结果", "距可晋升(月)", "月度得分(计算)"}


def test_an_unexpected_failure_of_a_command_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    from workbook import cli

    path = tmp_path / "dept.xlsx"
    templates.department().save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise KeyError("rung")
    monkeypatch.setattr(close, "plan", broken)
    assert cli.main(["close-month", str(path)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "请把此信息发给维护人员" in err and "KeyError: 'rung'" in err
    assert path.read_bytes() == before
