"""The guide sheet, and the xlwings.conf sheet that tells the add-in its modules."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from xlfuncs.policy import Ladder

from .. import vba
from .style import TITLE_FONT, Names, print_setup


def guide_sheet(ws, ladders: list[Ladder], names: Names) -> None:
    """How to use the workbook, in pairs of lines: the workbook's language first, the other
    under it (Chinese first in a Chinese workbook, English first in an English one)."""
    ws.title = names.pick("说明", "Guide")
    bold = Font(bold=True)
    pick = names.pick
    pairs = [  # (Chinese, English, font); "" where one line says both
        ("客服部晋升晋级工作簿", "CS department promotion workbook", TITLE_FONT),
        ("由 ladderbook 生成；公式中的函数来自 Python 加载项（xlwings）。",
         "Made by ladderbook; the functions in the formulas come from the Python add-in (xlwings).", None),
        ("", "", None),
        (pick("工作表 | Sheets", "Sheets | 工作表"), "", bold),
        (f"{pick('员工名册', 'Roster')}：每人一行，序列与职级从下拉列表选择，日期填日期。",
         f"{pick('员工名册', 'Roster')}: one row per person; ladder and level from the dropdowns; dates as dates.", None),
        (f"{pick('模板-…', 'Template …')}：每个序列一张月度表模板，月结时复制为「2026-10 序列名」并填入该序列员工。",
         f"{pick('模板-…', 'Template …')}: one month-sheet template per ladder; the month close copies it to "
         f"'2026-10 <ladder>' with its staff.", None),
        ("黄色格为输入，灰色列由函数计算（工作表受保护，无密码）。",
         "Yellow cells are inputs; grey columns are computed (the sheet is protected, no password).", None),
        ("月中入职的人：先加进员工名册，再在其序列月度表的人员下方的空行填写工号、姓名、职级和各项输入。",
         "Someone hired during the month: add them to the roster, then type their ID, name, level and inputs "
         "on a blank row under the people of their ladder's month sheet.", None),
        ("看过评审结果后，在最后四列填写调动决定（晋升/降级）、调至职级、加薪与批准人。",
         f"After the review, type the decision ({pick('晋升/降级', 'Promotion/Demotion')}), the level, the raise "
         "and the approver in the last four columns.", None),
        (f"{pick('历史记录', 'History')}：已结账月份，每人每月一行。",
         f"{pick('历史记录', 'History')}: closed months, one row per person-month.", None),
        (f"{pick('调动记录', 'Moves')}：晋升与降级的记录。", f"{pick('调动记录', 'Moves')}: promotions and demotions made.", None),
        (f"{pick('培训名单', 'Training')}：本季度须参加差异化培训的人与原因，月结时刷新。",
         f"{pick('培训名单', 'Training')}: who must attend differentiated training this quarter, and why; refreshed "
         f"by the month close.", None),
        (f"{pick('政策', 'Policy')}：政策的全部数字，可修改；改后用 =POLICY_CHECK() 检查。",
         f"{pick('政策', 'Policy')}: every number of the policy, editable; check edits with =POLICY_CHECK().", None),
        ("xlwings.conf：加载项设置（UDF MODULES、INTERPRETER_WIN）。", "xlwings.conf: the add-in's settings.", None),
        ("月结：宏 LADDERBOOK_CLOSE_MONTH，再 LADDERBOOK_APPLY_MOVES（或命令行 ladderbook close-month / apply-moves）。",
         "Month end: the macros LADDERBOOK_CLOSE_MONTH, then LADDERBOOK_APPLY_MOVES (or the ladderbook commands).",
         None),
        ("", "", None),
        (pick("函数 | Functions", "Functions | 函数"), "", bold),
        *((pick(_examples("例 e.g.", calls, id="工号", scores="得分", role="角色"),
                _examples("e.g. 例", calls, id="ID", scores="scores", role="role")), "", None) for calls in EXAMPLES),
        ("单元格显示 #N/A 或 #VALUE! 开头的文字时，文字说明了原因和改法。",
         "A cell starting with #N/A or #VALUE! says what is wrong and how to fix it.", None),
        (pick("没有 Excel 时：ladderbook recalc 文件名 | Without Excel: ladderbook recalc FILE",
              "Without Excel: ladderbook recalc FILE | 没有 Excel 时：ladderbook recalc 文件名"), "", None),
        ("", "", None),
        (pick("本工作簿包含的序列 | Ladders in this workbook", "Ladders in this workbook | 本工作簿包含的序列"), "", bold),
        *((pick(f"{ld.name}（{ld.id}）：{' → '.join(r.name for r in ld.rungs)}",
                f"{ld.name_en} ({ld.id}): {' → '.join(r.name_en for r in ld.rungs)}"), "", None) for ld in ladders),
    ]
    lines = []
    for zh, en, font in pairs:
        first, second = (en, zh) if names.lang == "en" and en else (zh, en)
        lines.append((first, font))
        if second:  # the other language under it: a title as a title, the rest indented
            lines.append((second if font is TITLE_FONT else f"    {second}", font))
    for row, (text, font) in enumerate(lines, 1):
        if text:
            assert not text.startswith("="), "a guide line would become a formula"
            ws.cell(row, 1, text).font = font or Font()
    ws.column_dimensions["A"].width = 110
    print_setup(ws, None)
    ws.page_setup.orientation = "portrait"
    ws.print_options.gridLines = False


EXAMPLES = (("PROMO_ELIGIBLE({id})", "PROMO_REASON({id})", "NEXT_LEVEL({id})", "RAISE_RANGE({id})"),
            ("REVIEW_OUTCOME({id})", "CYCLE_AVG({id})", "DEMOTION_DUE({id})", "TRAINING_REQUIRED({id})"),
            ("KPI_SCORE({scores}, {role})", "POLICY_CHECK()"))


def _examples(lead: str, calls, **words) -> str:
    """A line of example calls, their arguments in the workbook's language: an English one
    showed =PROMO_ELIGIBLE(工号)."""
    return f"{lead}  " + "   ".join(f"={call}" for call in calls).format(**words)


def xlwings_conf(wb: Workbook) -> None:
    ws = wb.create_sheet("xlwings.conf")
    ws["A1"], ws["B1"] = "UDF MODULES", ";".join(vba.modules())
    ws["A2"], ws["B2"] = "INTERPRETER_WIN", "pythonw"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 40
