"""The dashboard: COUNTIFS over the roster and History, read where the sheets' own header
rows put each column, feeding native bar charts."""

from __future__ import annotations

import pandas as pd
from defusedxml import ElementTree
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.xml.constants import CHART_NS, DRAWING_NS
from openpyxl.xml.functions import tostring

from xlfuncs import book, schema
from xlfuncs.policy import Policy

from ..formula_text import equal_to, quoted
from ..text_width import cell_width
from .style import INPUT_FILL, MONTH, TITLE_FONT, NOTE_FONT, Names, header_row, print_setup
from .tables import history_extra

DASHBOARD = ("看板", "Dashboard")
_ROW = "\0"  # where a count's formula takes its row's number: in no name of the policy's, which no XML can hold
Tops = dict[str, tuple[str, list[list] | None]]  # "roster", "history" → (sheet, its top rows; None: not built yet)


def chart_title(xml: bytes) -> str:
    """A chart part's title, its text runs joined: how a chart of the dashboard is told from a
    chart of HR's."""
    title = ElementTree.fromstring(xml).find(f"{{{CHART_NS}}}chart/{{{CHART_NS}}}title")
    return "" if title is None else "".join(t.text or "" for t in title.iter(f"{{{DRAWING_NS}}}t"))


def chart_titles(ws) -> tuple[str, ...]:
    """The titles of the charts the builder put on the dashboard `ws`, as their parts spell them."""
    return tuple(chart_title(tostring(chart._write())) for chart in ws._charts)


def dashboard(wb: Workbook, policy: Policy, names: Names, index: int | None = None, tops: Tops | None = None):
    """A picture of the department for the month in B2 (default: the latest closed month):
    headcount per rung from the roster; review outcomes, the promotion pipeline and the score
    distribution per ladder from History's frozen results. Ordinary COUNTIFS formulas feed
    native charts, so Excel updates it as History grows and any spreadsheet program computes it.
    `tops`: the roster and History of the workbook it is for, when that is not `wb` (the month
    end builds it apart)."""
    tops = tops or sheet_tops(wb.sheetnames, lambda sheet: [[c.value for c in row] for row in wb[sheet].iter_rows(
        max_row=book.HEADER_SEARCH_ROWS)], names)
    (roster_name, roster_top), (history_name, history_top) = tops["roster"], tops["history"]
    at = {"roster": _columns(roster_top, roster_name, schema.ROSTER, ()),
          "history": _columns(history_top, history_name, schema.RECORDS, history_extra(policy))}
    ws = wb.create_sheet(names.pick(*DASHBOARD), index)

    def column(table, key):  # where the sheet's own header row has the field, whatever its order
        letter = at[table].get(key)
        sheet = quote_sheetname(roster_name if table == "roster" else history_name)
        return f"{sheet}!${letter}:${letter}" if letter else "#REF!"

    month, ladder_col, outcome, soon, score = (column("history", k) for k in (
        "month", "result:ladder", "result:outcome", "result:eligible_in", "result:score"))
    # this row's ladder in the chosen month: History holds each month as its first day, and B2,
    # shown as 2026-10, may hold any day of it that HR typed
    first_day = "DATE(YEAR($B$2),MONTH($B$2),1)"
    shown = names.ladders(policy)  # a ladder as the workbook names it: CS grades in English

    def held(said: str, name: str) -> list[str]:
        """The texts History holds of a ladder or an outcome the workbook shows as `said`: that,
        and in an English workbook the policy's `name` too, which rows an older ladderbook froze
        hold (客服职级 for CS grades, 保持 for Stay)."""
        return list(dict.fromkeys([said, *([name] if names.lang == "en" else [])]))

    def counted(ladder, *criteria) -> str:
        """The ladder's records of the month in B2 that meet `criteria` ("range,criterion"), by
        each text History holds of it: its name in column A the criterion, unless COUNTIFS would
        read more into it."""
        said, more = shown[ladder.id], "".join("," + c for c in criteria)
        in_a = f"$A{_ROW}" if equal_to(said) == quoted(said) else equal_to(said)
        return "+".join(f"COUNTIFS({ladder_col},{in_a if text == said else equal_to(text)},{month},{first_day}{more})"
                        for text in held(said, ladder.name))

    def in_month(counts):  # before the first close B2 is blank, which as a criterion matches every
        return f'=IF($B$2="",0,{counts})'  # empty cell: LibreOffice would walk whole columns for 0

    ws["A1"] = names.pick("看板 | Dashboard", "Dashboard | 看板")
    ws["A1"].font = TITLE_FONT
    ws["A2"] = names.pick("月份 | Month", "Month | 月份")
    ws["B2"] = f'=IF(COUNT({month})=0,"",MAX({month}))'  # blank, not 1899-12, before the first close
    ws["B2"].number_format, ws["B2"].fill = MONTH, INPUT_FILL
    ws["C2"] = names.pick("默认为最近结账月份，可改为其他月份（如 2026-06-01）",
                          "the latest closed month; type another (e.g. 2026-06-01) to look back")
    in_history = f"COUNTIF({month},{first_day})"
    records = names.pick(
        f'"历史记录中 B2 月份的记录："&{in_history}&" 条 | Records of the month in B2 in History: "&{in_history}',
        f'"Records of the month in B2 in History: "&{in_history}&" | 历史记录中 B2 月份的记录："&{in_history}&" 条"')
    none = names.pick("！历史记录中没有 B2 的月份，以下计数均为 0 | History holds no record of the month in B2: every "
                      "count below is 0", "! History holds no record of the month in B2: every count below is 0 | "
                      "历史记录中没有 B2 的月份，以下计数均为 0")
    not_a_day = names.pick("！B2 不是日期：请输入月份，如 2026-06-01 | B2 is not a date: type a month such as 2026-06-01",
                           "! B2 is not a date: type a month such as 2026-06-01 | B2 不是日期：请输入月份，如 2026-06-01")
    # what the counts below are over, and zeros for a month History does not hold said as such,
    # not left to read as a month in which nobody was reviewed
    ws["A3"] = f'=IF($B$2="","",IFERROR(IF({in_history}=0,"{none}",{records}),"{not_a_day}"))'
    ws["A3"].font = NOTE_FONT
    row = 4
    charts = []

    def block(title, heads, rows, chart_title, stacked=False):
        nonlocal row
        ws.cell(row, 1, title).font = Font(bold=True)
        header_row(ws, row + 1, heads)  # (each column as wide as the widest of its tables' headers)
        first = row + 2
        for r, cells in enumerate(rows, first):
            for c, value in enumerate(cells, 1):
                ws.cell(r, c, value.replace(_ROW, str(r)) if isinstance(value, str) else value)
        last = first + len(rows) - 1
        chart = BarChart()
        chart.type, chart.title = "bar", chart_title
        chart.height, chart.width = max(7.5, 0.5 * len(rows) + 3), 16
        if stacked:
            chart.grouping, chart.overlap = "stacked", 100
        chart.add_data(Reference(ws, min_col=2, min_row=row + 1, max_col=len(heads), max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        charts.append((chart, row))
        row = last + 3

    ladders = list(policy.ladders)
    levels = names.levels(policy)
    rungs = [(f"{shown[ld.id]}·{levels[ld.id, r.name]}", ld, r) for ld in ladders for r in ld.rungs]
    block(names.pick("在岗人数（员工名册）", "Headcount (roster)"),
          [names.header("职级", "Level"), names.header("人数", "People")],
          [[label, _headcount(column("roster", "ladder"), ld, column("roster", "level"), r)] for label, ld, r in rungs],
          names.pick("各职级人数 | Headcount per rung", "Headcount per rung | 各职级人数"))

    reviewed = [ld for ld in ladders if any(policy.role(r.role).cycle_months for r in ld.rungs)]
    outcomes = names.outcomes(policy)  # as the workbook shows them: Stay in English

    def of_outcome(ladder, name):
        return "+".join(counted(ladder, f"{outcome},{equal_to(text)}") for text in held(outcomes[name], name))
    block(names.pick("评审结果（历史记录，B2 月份）", "Review outcomes (History, month in B2)"),
          [names.header("序列", "Ladder")] + list(outcomes.values()),
          [[shown[ld.id]] + [in_month(of_outcome(ld, name)) for name in outcomes] for ld in reviewed],
          names.pick("评审结果 | Review outcomes", "Review outcomes | 评审结果"), stacked=True)

    block(names.pick("晋升通道（历史记录，B2 月份）", "Promotion pipeline (History, month in B2)"),
          [names.header("序列", "Ladder"), names.header("现可晋升", "Eligible now"),
           names.header("3个月内", "Within 3 months"), names.header("其他", "Not yet")],
          [[shown[ld.id], in_month(counted(ld, f"{soon},0")),
            in_month(counted(ld, f'{soon},">0"', f'{soon},"<=3"')),
            in_month(f"{counted(ld)}-B{_ROW}-C{_ROW}")] for ld in ladders],
          names.pick("晋升通道 | Promotion pipeline", "Promotion pipeline | 晋升通道"), stacked=True)

    for metric in policy.metrics:
        mine = [ld for ld in ladders if policy.role(ld.rungs[0].role).metric == metric.id]
        if not mine:
            continue
        bins = _bins(policy, metric, mine)
        block(names.pick(f"{metric.name}分布（历史记录，B2 月份）", f"{metric.name_en} distribution (History, month in B2)"),
              [names.header("序列", "Ladder")] + [label for label, _ in bins],
              [[shown[ld.id]] + [in_month(counted(ld, *(f'{score},"{c}"' for c in crit))) for _, crit in bins]
               for ld in mine],
              names.pick(f"{metric.name}分布 | {metric.name_en}", f"{metric.name_en} | {metric.name}分布"))

    free = 1  # charts stacked down column H, each beside its table or below the one before
    for chart, at in charts:
        at = max(at, free)
        ws.add_chart(chart, f"H{at}")
        free = at + int(chart.height / 0.5) + 2  # a default row is about half a centimetre
    ws.column_dimensions["A"].width = max(30, 2 + max(cell_width(label) for label, _, _ in rungs))  # none cut off
    ws.freeze_panes = "A3"
    print_setup(ws, None)
    ws.page_setup.orientation = "portrait"
    return ws


def _spellings(ladder, rung) -> list[tuple[str, str]]:
    """The (ladder, level) texts a rung's headcount counts: the ways the rules read them as the
    policy writes them (a ladder by name, id or English name, a level by either of its names: an
    English workbook's dropdowns offer the English ones), each once as COUNTIFS compares text,
    without case."""
    def distinct(*texts):
        return list({t.casefold(): t for t in texts if t}.values())
    return [(a, b) for a in distinct(ladder.name, ladder.id, ladder.name_en) for b in distinct(rung.name, rung.name_en)]


def _headcount(ladder_column: str, ladder, level_column: str, rung) -> str:
    """The roster's people on a rung: one COUNTIFS per pair of its spellings."""
    return "=" + "+".join(f"COUNTIFS({ladder_column},{equal_to(a)},{level_column},{equal_to(b)})"
                          for a, b in _spellings(ladder, rung))


def uncounted(roster: pd.DataFrame, policy: Policy, sheet: str) -> list[str]:
    """The roster's rows (a frame of its cells, by row) that the rules read as a rung but the
    headcount does not count: their ladder or level typed otherwise than the policy writes them
    (a space after it, full-width letters, Traditional characters in a Simplified workbook).
    Said by row, so that the dashboard's count is not quietly short."""
    counted = {(a.casefold(), b.casefold()) for ld in policy.ladders for r in ld.rungs for a, b in _spellings(ld, r)}
    out = []
    for row, ladder_text, level_text in zip(roster.index, roster["ladder"], roster["level"]):
        ladder = policy.ladder(ladder_text)
        at = ladder.rung_index(level_text) if ladder else None
        if at is not None and (ladder_text.casefold(), level_text.casefold()) not in counted:
            rung = ladder.rungs[at]
            out.append(f"「{sheet}」第 {row} 行：序列「{ladder_text}」、职级「{level_text}」不是政策的写法，看板的人数不计此行；"
                       f"请改为「{ladder.name}」「{rung.name}」 | '{sheet}' row {row}: ladder '{ladder_text}' and level "
                       f"'{level_text}' are not written as the policy writes them, so the dashboard's headcount "
                       f"leaves the row out; retype them as '{ladder.name}' and '{rung.name}'")
    return out


def _bins(policy: Policy, metric, ladders) -> list[tuple[str, tuple[str, ...]]]:
    """(label, COUNTIFS criteria) of each bin of a metric: the review bands for scores, the
    rungs' thresholds (promotion averages, demotion lines) for coefficients."""
    if metric.id == "score":
        cuts = [(b.lower, b.inclusive) for b in policy.bands if b.lower is not None]
    else:
        values_ = sorted({v for ld in ladders for r in ld.rungs for v in (r.min_average, r.demote_below) if v})
        cuts = [(v, True) for v in reversed(values_)]
    out, upper = [], None
    for lower, inclusive in cuts:  # highest first
        low = f"{'>=' if inclusive else '>'}{lower:g}"
        high = () if upper is None else (f"{'<' if upper[1] else '<='}{upper[0]:g}",)
        label = f"{'≥' if inclusive else '>'}{lower:g}" if upper is None else f"{lower:g}–{upper[0]:g}"
        out.append((label, (low, *high)))
        upper = (lower, inclusive)
    out.append((f"<{upper[0]:g}" if upper[1] else f"≤{upper[0]:g}", (f"{'<' if upper[1] else '<='}{upper[0]:g}",)))
    return out[::-1]


def sheet_tops(sheetnames: list[str], values, names: Names) -> Tops:
    """The roster's and History's sheets of a workbook with these sheets, and their top rows
    (`values(sheet)`: its rows), where the header is looked for."""
    out = {}
    for key, table in (("roster", schema.ROSTER), ("history", schema.RECORDS)):
        sheet = book.find_sheet(sheetnames, table.names)
        out[key] = (sheet, values(sheet)[:book.HEADER_SEARCH_ROWS]) if sheet else (
            names.pick(table.zh, table.en), None)
    return out


def _columns(top: list[list] | None, sheet: str, table: schema.Table, extra) -> dict[str, str]:
    """Field key → column letter, from the sheet's header row (a missing column: no entry);
    a sheet not built yet (no `top`) has the schema's order."""
    if top is None:
        fields = [*table.fields, *extra]
        return {f.key: get_column_letter(i) for i, f in enumerate(fields, 1)}
    found, _ = book.find_header(table, top, sheet, extra)
    return {key: get_column_letter(pos + 1) for pos, key in found[1].items()} if found else {}
