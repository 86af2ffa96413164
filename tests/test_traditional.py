"""繁體中文: a workbook typed in Traditional Chinese is read as its Simplified twin (OpenCC's
Taiwan-to-mainland conversion, words included: 技術支援 is 技术支持, 高階 is 高级)."""

import opencc
import openpyxl
import pytest

from workbook import recalc, templates
from workbook.file_book import FileBook
from workbook.sample import department
from xlfuncs import values
from xlfuncs.excel import computed_columns

TRADITIONAL = opencc.OpenCC("s2twp")  # how HR in Taiwan or Hong Kong would type the same words
COMPUTED = {values.fold(name) for c in computed_columns() for name in (c.zh, c.en)}


def _typed_in_traditional(wb):
    """Every header, ladder and level name HR typed, in Traditional; formulas and sheet names
    (which formulas name) as they were."""
    for ws in wb.worksheets:
        if ws.title in ("政策", "列表", "看板", "说明", "xlwings.conf"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    cell.value = TRADITIONAL.convert(cell.value)
        for table in ws.tables.values():
            for column in table.tableColumns:
                column.name = TRADITIONAL.convert(column.name)


def _computed(path):
    """The computed columns of every month sheet, as the file stores them."""
    book = FileBook(path)
    out = {}
    for name in book.sheet_names():
        if name.startswith("2026-"):
            rows = book.values(name)
            heads = [i for i, h in enumerate(rows[1]) if h and any(values.fold(p) in COMPUTED
                                                                   for p in str(h).split("\n"))]
            out[name] = [[row[i] if i < len(row) else None for i in heads] for row in rows[2:]]
    return out


def test_a_workbook_typed_in_traditional_recalculates_to_its_simplified_twins_answers(tmp_path):
    roster, records = department(size=60, months=14)
    simplified, traditional = tmp_path / "简体.xlsx", tmp_path / "繁體.xlsx"
    wb = templates.with_department(roster, records)
    wb.save(simplified)
    _typed_in_traditional(wb)
    wb.save(traditional)
    typed = openpyxl.load_workbook(traditional)["员工名册"]
    assert typed["A1"].value.startswith("工號") and any("職" in str(c.value) for c in typed["D"])
    for path in (simplified, traditional):
        report = recalc.recalc(path)
        assert report.computed > 0 and not report.left_alone
    answers, twins = _computed(simplified), _computed(traditional)
    assert answers == twins
    shown = [v for rows in answers.values() for row in rows for v in row]
    assert any(v is True for v in shown) and not any(str(v).startswith("#VALUE!") for v in shown)


@pytest.mark.parametrize("typed, meant", [("技術支援組長-高階", "技术支持组长-高级"), ("員工編號", "员工编号"),
                                          ("ＶＩＰ客戶經理 ", "vip客户经理")])
def test_names_are_compared_in_simplified(typed, meant):
    assert values.fold(typed) == values.fold(meant) == meant.strip().casefold()


def test_the_zh_hant_template_is_traditional_throughout_and_counts_a_department_typed_in_it(tmp_path):
    """`ladderbook new --lang zh-Hant`: every text in Traditional (the policy's names too), and a
    department typed into it in Traditional is reviewed and counted by the dashboard."""
    from workbook import cli
    from workbook.sheets.tables import fill_table
    from xlfuncs import schema

    path = tmp_path / "部門.xlsx"
    assert cli.main(["new", str(path), "--lang", "zh-Hant"]) == 0
    wb = openpyxl.load_workbook(path)
    assert "員工名冊" in wb.sheetnames and "模板-技術支援" in wb.sheetnames
    simplified = templates.department(lang="zh")  # cell for cell, nothing of it left unconverted
    missed = [(ws.title, c.coordinate, c.value) for ws, twin in zip(simplified.worksheets, wb.worksheets)
              for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and twin[c.coordinate].value not in (c.value, TRADITIONAL.convert(c.value))
              or isinstance(c.value, str) and twin[c.coordinate].value == c.value != TRADITIONAL.convert(c.value)]
    assert not missed, missed[:5]
    roster, _ = department(size=40, months=2)
    roster = roster.assign(**{k: roster[k].map(TRADITIONAL.convert) for k in ("name", "ladder", "level")})
    fill_table(wb["員工名冊"], schema.ROSTER, roster, first_row=2)
    wb.save(path)
    report = recalc.recalc(path)
    assert not report.errors and not report.left_alone
    shown = openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"]
    counts = [row[1] for row in shown.iter_rows(min_row=6, max_row=40, values_only=True)
              if isinstance(row[0], str) and "·" in row[0]]
    assert sum(counts) == 40  # every person counted under their Traditional ladder and level


def test_a_traditional_workbook_shows_ladderbooks_words_in_traditional_and_freezes_them_as_shown(tmp_path):
    """A zh-Hant department: the month sheet's 未達條件, History's frozen row and the archive's
    review say the reasons worked by hand in `test_close` (an average of 1.15 < 1.2; own computer
    150 + 2 overtime days × 30) in Traditional Chinese, as the sheet's headers are. The code
    before showed them in Simplified among Traditional headers (平均績效係數 1.15 < 1.2；未填写掌握技能数)."""
    from test_close import small
    from workbook import close

    path = small(tmp_path, "zh-Hant")
    recalc.recalc(path)
    unmet = "平均績效係數 1.15 < 1.2；未填寫掌握技能數（需 3 項）"
    sheet = FileBook(path).values("2026-10 客服職級")
    assert sheet[2][sheet[1].index("未達條件\nUnmet criteria")] == unmet
    closed = close.close_file(path)
    assert closed.plan.problems == []
    history = FileBook(path).values("歷史記錄")
    frozen = {row[1]: dict(zip(history[0], row)) for row in history[1:]
              if row[0] == values.month_start(values.month("2026-10")).date()}
    assert frozen[1002]["未達條件\nUnmet criteria"] == unmet
    assert frozen[1001]["未達條件\nUnmet criteria"] == "週期評審結果為「保持」（週期平均 73.3）"
    review = FileBook(closed.archive).values("評審結果 Review 2026-10")
    by_id = {row[0]: dict(zip(review[0], row)) for row in review[1:]}
    assert by_id[1001]["薪酬明細\nPay detail"] == "自備電腦 +150；非法定節日加班 2 天 +60"
    assert by_id[1002]["未達條件\nUnmet criteria"] == unmet


def test_a_traditional_workbook_colours_its_outcomes_and_says_what_it_refuses_in_traditional(tmp_path):
    """In a zh-Hant department, the month sheets and their templates colour the outcomes
    REVIEW_OUTCOME answers there, the policy sheet's Traditional names: the templates compared
    with the Simplified 晋升 before, so the sheets Excel's macro copies from them coloured
    nothing. And what a dropdown or a check says of a value it refuses is in Traditional on
    every sheet, the month sheets the close builds too (the code before said it in Simplified)."""
    from test_close import small
    from workbook import close
    from xlfuncs import book

    path = small(tmp_path, "zh-Hant")
    assert close.close_file(path).plan.problems == []
    policy = book.read(FileBook(path)).policy
    named = {f'"{b.outcome}"' for b in policy.bands} | {f'"{policy.dismissal.name}"'}
    wb = openpyxl.load_workbook(path)
    for sheet in ("模板-客戶代表", "2026-11 客戶代表"):
        coloured = {text for cf in wb[sheet].conditional_formatting for rule in cf.rules for text in rule.formula}
        assert coloured == {'"晉升"', '"降級"', '"降級並試用"', '"勸退評估"'} and coloured <= named, sheet
    said = {(dv.error, dv.prompt) for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    assert said == {
        ("請從列表選擇或輸入有效值 | Choose from the list or type a valid value", None),
        ("不在列表中：政策表中新加的序列、職級或結果可選「是」保留，ladderbook 按政策檢查 | Not on the list: for a name newly "
         "added to the policy sheet choose Yes; ladderbook checks it against the policy", None),
        ("請從列表選擇或輸入有效值 | Choose from the list or type a valid value",
         "本表的月份（如 2026-10-01）| the month of this sheet")}
