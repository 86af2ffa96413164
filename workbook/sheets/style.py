"""How the department workbook looks: fills, fonts and number formats, two-language
headers, validations and page setup, shared by every sheet builder."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xlfuncs import book, schema
from xlfuncs.policy import Ladder, Policy
from xlfuncs.values import traditional

from ..text_width import LINE_HEIGHT, cell_width, line_count
from ..sheet_xml import excel_text

TEMPLATE_ROWS = 100  # blank rows a month-sheet template computes over
TEMPLATE = ("模板-", "Template ")  # how a ladder's template sheet is named: 模板-客服职级, Template cs_grade
LANGUAGES = ("zh", "zh-Hant", "en")


def month_rows(people: int) -> int:
    """The rows a month sheet with `people` computes over: theirs, and blank rows under them,
    open to input, for those hired during the month (one for every twenty people, at least ten):
    its array formulas cannot be grown by inserting rows, nor typed under on a protected sheet."""
    return people + max(10, -(-people // 20))


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")


COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")


TITLE_FONT = Font(bold=True, size=13)


NOTE_FONT = Font(bold=True, color="1F4E79")  # what a sheet says of itself, in a dark blue


THIN = Side(style="thin", color="A6A6A6")


DATE = "yyyy-mm-dd"


MONTH = "yyyy-mm"


CNY = '"¥"#,##0'


OUTCOME_STYLES = {  # outcome → (fill, font colour): 晋升 green, 降级 amber, the rest red
    0: ("C6EFCE", "006100"), 1: ("FFEB9C", "9C5700"), 2: ("FFC7CE", "9C0006")}


def typed(cell, value):
    """`value` into an openpyxl cell as HR typed it: a text that starts with "=" (a name, an
    approver) stays text, never becomes a formula of someone else's making; a control character
    (pasted from another system), which openpyxl refuses, is stored as Excel stores it."""
    cell.value = excel_text(value) if isinstance(value, str) else value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Names:
    """Sheet names and headers in the workbook's language: Chinese (zh), Traditional Chinese
    (zh-Hant) or English (en)."""

    lang: str

    def chinese(self, text: str) -> str:
        return traditional(text) if self.lang == "zh-Hant" else text

    def pick(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else self.chinese(zh)

    def header(self, zh: str, en: str) -> str:
        return f"{en}\n{zh}" if self.lang == "en" else f"{self.chinese(zh)}\n{en}"

    def levels(self, policy: Policy) -> dict[tuple[str, str], str]:
        """Each level (by its ladder's id and the policy's name) as the workbook writes it
        (`Named.called`): Junior CS for cs_grade's 初级客服 in an English one. By the ladder too:
        two ladders may name a rung alike (客服主管) and give it English names of their own."""
        return {(ld.id, r.name): r.called(self.lang) for ld in policy.ladders for r in ld.rungs}

    def levels_of(self, policy: Policy, ladders, levels) -> list[str]:
        """Each level of `levels` (as the policy names it) on the ladder of `ladders` (by id), as
        the workbook writes it (`levels`); a level the policy does not name, as it is."""
        called = self.levels(policy)
        return [called.get(key, key[1]) for key in zip(ladders, levels)]

    def outcomes(self, policy: Policy) -> dict[str, str]:
        """Each outcome (by the policy's name) as the workbook shows it, as REVIEW_OUTCOME gives
        it and the close freezes it into History: Stay in English, 晉升 in Traditional Chinese."""
        return {name: self.pick(name, en) for name, en in policy.outcomes()}

    def ladders(self, policy: Policy) -> dict[str, str]:
        """Each ladder (by its id) as the workbook writes its name (`Named.called`)."""
        return {ld.id: ld.called(self.lang) for ld in policy.ladders}

    def template(self, ladder: Ladder) -> str:
        return self.pick(f"{TEMPLATE[0]}{ladder.name}", f"{TEMPLATE[1]}{ladder.id}")[:31]

    def yes_no(self, value) -> str:
        """Yes/no as HR reads it in the workbook's language (是/否, Yes/No), not TRUE or 0."""
        return self.pick("是", "Yes") if value else self.pick("否", "No")

    def month_title(self, ladder: Ladder, with_id: bool = True) -> str:
        """A month sheet's title: the ladder's assessment, with the ladder's id in the policy
        sheet (客服职级 月度考核（cs_grade）); without it in the archive, which HR prints."""
        zh, en = f"{ladder.name} 月度考核", f"{ladder.name_en} monthly assessment"
        return self.pick(f"{zh}（{ladder.id}）", f"{en} ({ladder.id})") if with_id else self.pick(zh, en)

    def month_sheet(self, label: str, ladder: Ladder) -> str:
        """A month sheet's name: 2026-11 客服职级, 2026-11 CS grades (Excel allows 31 characters)."""
        return self.pick(f"{label} {ladder.name}", f"{label} {ladder.name_en}")[:31]


def language(sheet_names: list[str]) -> str:
    """The language of a department workbook, told by the name of its roster sheet."""
    if schema.ROSTER.zh in sheet_names:
        return "zh"
    if not book.find_sheet(sheet_names, [schema.ROSTER.zh]):
        return "en"
    return "zh-Hant" if traditional(schema.ROSTER.zh) in sheet_names else "zh"


def header_row(ws, row: int, headers: list[str], fills=None, widest: int = 48) -> None:
    """Bold, filled, wrapped headers, each column as wide as its header wants (up to `widest`),
    and no narrower than a header row above it wanted (the dashboard's tables share columns)."""
    looks = {}  # one look per fill, set once and copied: openpyxl looks up each style object it is given
    tallest = 1  # the lines of the header that wraps to the most in its column
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row, col, text)
        fill = (fills or {}).get(col, HEADER_FILL)
        if fill in looks:
            cell._style = copy(looks[fill])
        else:
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            looks[fill] = cell._style
        letter = get_column_letter(col)
        before = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0
        width = max(before, min(max(cell_width(text) + 4, 10), widest))
        ws.column_dimensions[letter].width = width
        if text is not None:
            tallest = max(tallest, line_count(str(text), width))
    # two lines (Chinese, English) where columns are wide, three where narrow, more where a header
    # wraps to more in its column: History's "工作效率(审核时长) Efficiency (time per review)" takes
    # five, and printed cut at three
    ws.row_dimensions[row].height = max(32 if widest >= 48 else 48, LINE_HEIGHT * tallest)


def print_setup(ws, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.gridLines = True


FROM_POLICY = ("LadderNames", "LevelNames", "Outcomes")  # the dropdown lists made of the policy's names
NOT_LISTED = ("不在列表中：政策表中新加的序列、职级或结果可选「是」保留，ladderbook 按政策检查 | Not on the list: for a name "
              "newly added to the policy sheet choose Yes; ladderbook checks it against the policy")


def validation(ws, rule: str, cells: str, names: Names, prompt: str | None = None) -> None:
    """A dropdown from a named list, or one of the typed checks below; what it says when a value
    is refused, and its `prompt`, in the workbook's Chinese (`names`)."""
    kinds = {
        "date": dict(type="date", operator="greaterThan", formula1="1"),
        "number": dict(type="decimal", operator="greaterThanOrEqual", formula1="0"),
    }
    if rule in kinds:
        dv = DataValidation(**kinds[rule], allow_blank=True)
    elif rule.startswith("between:"):
        low, high = rule.split(":")[1:]
        dv = DataValidation(type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True)
    else:
        dv = DataValidation(type="list", formula1=f"={rule}", allow_blank=True)
    dv.error = names.chinese("请从列表选择或输入有效值 | Choose from the list or type a valid value")
    if rule in FROM_POLICY:  # a name HR adds to the policy sheet is not on the hidden list: a warning lets it in
        dv.errorStyle, dv.error = "warning", names.chinese(NOT_LISTED)
    dv.errorTitle = "ladderbook"
    dv.showErrorMessage = True
    if prompt:
        dv.prompt, dv.showInputMessage = names.chinese(prompt), True
    dv.add(cells)
    ws.add_data_validation(dv)
