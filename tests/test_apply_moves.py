"""ladderbook apply-moves: the decisions of a closed month applied to the roster and the log."""

import datetime as dt
import functools
from io import BytesIO

import openpyxl
import pandas as pd

from workbook import apply_moves, cli, close, templates
from workbooks import without_english_name


def department(tmp_path, decision: dict):
    """A junior eligible for 中级客服 on 2026-10 (18 months, average 1.2, 3 duties, recommended,
    exam passed), with HR's `decision` typed on the October sheet."""
    path = tmp_path / "dept.xlsx"
    path.write_bytes(_department(tuple(decision.items())))
    return path


@functools.cache
def _department(decision: tuple) -> bytes:
    """`department`'s workbook, built once per test process for each decision: made for the
    one ladder it staffs (`ladderbook new --ladders cs_grade`), so that each test's openpyxl round
    trip reads one ladder template and not seven."""
    roster = pd.DataFrame([{"employee": 1002, "name": "李伟", "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2025-04-01"), "duties": 3, "recommended": "是",
                            "exam_passed": "是"}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-09-01"), "employee": 1002, "score": 1.2},
                            {"month": pd.Timestamp("2026-10-01"), "employee": 1002, "score": 1.2, **dict(decision)}])
    saved = BytesIO()
    templates.with_department(roster, records, ladders=["cs_grade"]).save(saved)
    return saved.getvalue()


def rows(ws, header=1):
    heads = [str(c.value).split("\n")[0] for c in ws[header]]
    return [dict(zip(heads, r)) for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[0] is not None]


def test_a_promotion_moves_the_roster_logs_the_move_and_is_made_once(tmp_path, capsys):
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    assert cli.main(["apply-moves", str(path)]) == 1  # October is not closed yet
    assert "close it first" in capsys.readouterr().err
    close.close_file(path)
    assert cli.main(["apply-moves", str(path)]) == 0
    assert "1002: 初级客服 → 中级客服（晋升，加薪 600 元/月），2026-11-01 起" in capsys.readouterr().out

    wb = openpyxl.load_workbook(path, read_only=True)
    (person,) = rows(wb["员工名册"])
    assert (person["职级"], person["本职级起始日"]) == ("中级客服", pd.Timestamp("2026-11-01"))
    assert (person["主管推荐"], person["考核通过"], person["总经理特批"]) == ("否", "否", "否")  # used up
    assert rows(wb["调动记录"]) == [{"日期": pd.Timestamp("2026-11-01"), "工号": 1002, "原职级": "初级客服",
                                   "新职级": "中级客服", "类型": "晋升", "加薪(元/月)": 600, "批准人": "王经理"}]
    assert wb["2026-11 客服职级"]["C3"].value == "中级客服"  # the open month's level follows

    before = path.read_bytes()
    the_plan, backup = apply_moves.apply_file(path)
    assert the_plan.problems == [] and the_plan.moves.empty and the_plan.already == 1 and backup is None
    assert path.read_bytes() == before


def test_the_level_since_of_a_move_reads_as_a_date_in_a_cell_without_a_format(tmp_path):
    """A roster row HR added below the template's formatted rows has no format in 本职级起始日:
    the date a move writes there shows as 2026-11-01, not 2026-11-01 0:00:00."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    wb = openpyxl.load_workbook(path)
    wb["员工名册"]["F2"].number_format = "General"
    wb.save(path)
    close.close_file(path)
    assert apply_moves.apply_file(path)[0].problems == []
    cell = openpyxl.load_workbook(path, read_only=True)["员工名册"]["F2"]
    assert (cell.value, cell.number_format) == (dt.datetime(2026, 11, 1), "yyyy-mm-dd")


def test_a_decision_the_policy_forbids_changes_nothing(tmp_path, capsys):
    """A raise HR changed in History after the close (which checks the month sheet's) to one
    outside the step's range."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600})
    close.close_file(path)
    wb = openpyxl.load_workbook(path)
    history = wb["历史记录"]
    history.cell(3, [str(c.value).split("\n")[0] for c in history[1]].index("加薪(元/月)") + 1, 900)
    wb.save(path)
    before = path.read_bytes()
    assert cli.main(["apply-moves", str(path)]) == 1
    err = capsys.readouterr().err
    assert "「历史记录」第 3 行（工号 1002）：加薪 900 元/月，应在 500–800 之间" in err
    assert path.read_bytes() == before


TYPED = {"en": {"name": "Li Wei", "ladder": "cs_grade", "level": "Junior CS", "yes": "Yes", "decision": "Promotion",
                "approver": "Wang"},
         "zh-Hant": {"name": "李偉", "ladder": "客服職級", "level": "初級客服", "yes": "是", "decision": "晉升",
                     "approver": "王經理"}}


def closed_in(tmp_path, lang: str):
    """`department`'s junior, recommended and exam passed, promoted on 2026-10 with a raise of
    600, typed in a workbook of `lang` (TYPED); the month closed."""
    typed = TYPED[lang]
    roster = pd.DataFrame([{"employee": 1002, "name": typed["name"], "ladder": typed["ladder"], "level": typed["level"],
                            "hire_date": pd.Timestamp("2025-04-01"), "duties": 3, "recommended": typed["yes"],
                            "exam_passed": typed["yes"]}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-09-01"), "employee": 1002, "score": 1.2},
                            {"month": pd.Timestamp("2026-10-01"), "employee": 1002, "score": 1.2,
                             "decision": typed["decision"], "raise": 600, "approver": typed["approver"]}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, lang=lang, ladders=["cs_grade"]).save(path)
    assert close.close_file(path).plan.problems == []
    return path


def test_an_english_workbook_says_its_moves_in_english(tmp_path, capsys):
    path = closed_in(tmp_path, "en")
    assert cli.main(["apply-moves", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1002: Junior CS → Intermediate CS (promotion, raise 600 CNY/month), from 2026-11-01" in out
    wb = openpyxl.load_workbook(path, read_only=True)
    (person,) = rows(wb["Roster"])
    assert person["Level"] == "Intermediate CS"  # in the workbook's own words, not 中级客服
    # the recommendation and the exam the promotion used up, in its words (the code before left them Yes)
    assert (person["Recommended"], person["Exam passed"], person["GM approval"]) == ("No", "No", "No")
    assert [(m["From level"], m["To level"], m["Kind"]) for m in rows(wb["Moves"])] == [
        ("Junior CS", "Intermediate CS", "Promotion")]
    # and the dashboard, whose rows are labelled in English too (they were the policy's Chinese names), counts
    # them under either name
    shown = openpyxl.load_workbook(path, read_only=True, data_only=True)["Dashboard"]
    counts = {label: n for label, n in shown.iter_rows(min_row=6, max_row=9, max_col=2, values_only=True)}
    assert counts == {"CS grades·Junior CS": 0, "CS grades·Intermediate CS": 1, "CS grades·Senior CS": 0,
                      "CS grades·CS supervisor": 0}


def test_a_raise_typed_with_its_unit_is_said_as_typed_by_the_close_and_by_apply_moves(tmp_path):
    """600元 in the raise cell is no number: the close says so on the month sheet, where HR typed
    it, instead of freezing it into History; and a raise HR turned into text in History after
    the close is said as typed by apply-moves, where it was refused as a raise left blank."""
    said = "「加薪(元/月)」应为数字，现为「600元」"
    path = department(tmp_path, {"decision": "晋升", "raise": "600元", "approver": "王经理"})
    before = path.read_bytes()
    closed = close.close_file(path).plan
    assert [p.zh for p in closed.problems] == [f"「2026-10 客服职级」第 3 行（工号 1002）：{said}"]
    assert path.read_bytes() == before

    (tmp_path / "typed").mkdir()
    path = department(tmp_path / "typed", {"decision": "晋升", "raise": 600, "approver": "王经理"})
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    column = next(c.column for c in ws[1] if str(c.value).startswith("加薪"))
    assert ws.cell(3, 2).value == 1002 and ws.cell(3, column).value == 600
    ws.cell(3, column).value = "600元"
    wb.save(path)
    plan, _ = apply_moves.apply_file(path)
    assert [p.zh for p in plan.problems] == [f"「历史记录」第 3 行（工号 1002）：{said}"]


def test_a_traditional_workbook_logs_its_moves_in_traditional(tmp_path):
    """A zh-Hant department's 調動記錄 says 晉升, as its policy's names and its dropdowns do (the
    code before logged the Simplified 晋升), and the promotion uses up the approvals (否)."""
    path = closed_in(tmp_path, "zh-Hant")
    assert apply_moves.apply_file(path)[0].problems == []
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [(m["原職級"], m["新職級"], m["型別"]) for m in rows(wb["調動記錄"])] == [("初級客服", "中級客服", "晉升")]
    (person,) = rows(wb["員工名冊"])
    assert (person["職級"], person["主管推薦"], person["考核通過"]) == ("中級客服", "否", "否")
    assert apply_moves.apply_file(path)[0].already == 1  # the log read back: applied once


def test_a_level_the_policy_gives_no_english_name_is_written_by_its_chinese_one(tmp_path):
    """An English workbook whose policy sheet leaves 中级客服's English name blank (the policy
    allows it): the promotion writes 中级客服 into the roster and the log. The code before wrote
    an empty level, and the person's level was gone."""
    path = closed_in(tmp_path, "en")
    without_english_name(path, "Intermediate CS")
    plan, _ = apply_moves.apply_file(path)
    assert plan.problems == []
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [person["Level"] for person in rows(wb["Roster"])] == ["中级客服"]
    assert [m["To level"] for m in rows(wb["Moves"])] == ["中级客服"]


def test_a_level_named_alike_on_two_ladders_is_written_by_its_own_ladders_english_name(tmp_path):
    """The VIP ladder's first rung renamed 中级客服, in English VIP intermediate, as HR may: the
    English names were looked up by the Chinese name alone, the VIP ladder's (the later) won, and
    the promotion to the CS grades' 中级客服 wrote VIP intermediate into the roster, a level the
    CS grades do not have (the next review said so)."""
    path = closed_in(tmp_path, "en")
    wb = openpyxl.load_workbook(path)
    (row,) = [row for row in wb["Policy"].iter_rows() if [c.value for c in row[:3]] == ["vip", "客服助理", "CS assistant"]]
    row[1].value, row[2].value = "中级客服", "VIP intermediate"
    wb.save(path)
    plan, _ = apply_moves.apply_file(path)
    assert plan.problems == []
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [person["Level"] for person in rows(wb["Roster"])] == ["Intermediate CS"]
    assert [(m["From level"], m["To level"]) for m in rows(wb["Moves"])] == [("Junior CS", "Intermediate CS")]
    assert apply_moves.apply_file(path)[0].problems == []  # the roster read back: the level is the ladder's


def test_decisions_applied_after_a_later_month_closed_say_that_months_review_is_as_before(tmp_path):
    """October's promotion applied only after November was closed: it takes effect from
    November, whose History rows and review keep the level before it. Applied, and said (the
    code before said nothing)."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    wb["2026-11 客服职级"]["D3"] = 1.3  # November's coefficient
    wb.save(path)
    assert close.close_file(path).plan.problems == []
    plan, _ = apply_moves.apply_file(path, "2026-10")
    assert plan.problems == [] and len(plan.moves) == 1
    assert plan.warnings == ["调动自 2026-11 起生效，但 2026-11 已结账：历史记录中这几个月的职级与评审仍是调动前的 | the moves "
                             "take effect from 2026-11, but 2026-11 is closed already: History's levels and review of "
                             "those months are as before them"]
