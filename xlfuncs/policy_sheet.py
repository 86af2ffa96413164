"""The policy sheet (政策 | Policy): the policy as small tables HR can edit in the workbook.

Each table starts with a title row (■ 设置 | Settings), then a header row whose cells read
"中文|key", then one row per entry until a blank row. `rows` writes a policy dict that way;
`read` turns such rows back into the dict `Policy.from_dict` takes. Headers match on the key or
the Chinese name, so a header HR retypes in Chinese alone still reads.
"""

from __future__ import annotations


from . import values
from .policy import NAMED_BY, Policy
from .problems import PolicyError, Problem

SHEET = ("政策", "Policy")

# (section, Chinese title, English title, [(key, Chinese header)])
SECTIONS = [
    ("settings", "设置", "Settings", [("key", "项目"), ("value", "值"), ("note", "说明")]),
    ("pay", "薪酬项目(元)", "Pay items (CNY)", [("key", "项目"), ("value", "值"), ("note", "说明")]),
    ("duties", "职责清单", "Duties", [("name", "名称"), ("name_en", "英文名")]),
    ("metrics", "绩效指标", "Metrics", [("id", "编号"), ("name", "名称"), ("name_en", "英文名"),
                                       ("min", "下限"), ("max", "上限"),
                                       ("pay_formula", "绩效工资公式")]),
    ("bands", "评审档位", "Review bands", [
        ("outcome", "结果"), ("outcome_en", "英文"), ("lower", "下限"), ("inclusive", "含下限"),
        ("move", "升降"), ("probation", "试用")]),
    ("dismissal", "试用期内再次不达标", "Fails again under probation", [
        ("name", "结果"), ("name_en", "英文")]),
    ("roles", "角色", "Roles", [("id", "编号"), ("name", "名称"), ("name_en", "英文名"),
                               ("metric", "指标"), ("cycle_months", "评审周期(月)")]),
    ("items", "考核项", "KPI items", [("role", "角色"), ("name", "考核项"), ("name_en", "英文名"),
                                      ("weight", "权重(%)")]),
    ("ladders", "序列", "Ladders", [("id", "编号"), ("name", "名称"), ("name_en", "英文名")]),
    ("rungs", "职级与晋升条件", "Rungs and their criteria", [
        ("ladder", "序列"), ("name", "职级"), ("name_en", "英文名"), ("role", "角色"),
        ("tenure_months", "最低司龄(月)"), ("min_average", "最低平均绩效"),
        ("leave_window_months", "假期考察(月)"), ("max_sick_days", "病假上限(天)"),
        ("max_personal_days", "事假上限(天)"), ("min_duties", "掌握职责数"),
        ("demote_below", "降级线"), ("demote_consecutive", "连续月数"),
        ("demote_on_serious_error", "严重失误降级"), ("raise_min", "加薪下限(元/月)"),
        ("raise_max", "加薪上限(元/月)"), ("base_pay", "基本工资(元/月)"),
        ("perf_pay_base", "绩效工资基数(元/月)"), ("position_allowance", "岗位津贴(元/月)")]),
    ("horizontal", "横向发展", "Horizontal moves", [
        ("ladder", "序列"), ("rung", "自职级"), ("name", "去向"), ("name_en", "英文名")]),
]
SETTING_NOTES = {
    "min_months_at_company": "任何晋升前至少在司月数 | months at the company before any promotion",
    "min_months_between_moves": "两次晋级间隔月数 | months between two moves",
    "average_window_months": "平均绩效的月数 | months in the average",
    "average_basis": "trailing=近N个月, calendar_year=本年度 | trailing N months or calendar year",
    "review_probation_months": "降级试用期(月) | probation after a fail below the lowest band",
    "new_staff_probation_months": "新员工试用期(月) | probation of new staff",
    "training_window_months": "差异化培训排名月数 | months ranked for training",
    "training_bottom_share": "排名后百分之几须参加 | bottom share that must attend",
    "training_new_staff_months": "入职不满几个月须参加 | employed less than this must attend",
    "promotion_needs_recommendation": "晋升须主管推荐 | a promotion needs the superior's recommendation",
    "promotion_needs_exam": "晋升须考核通过 | a promotion needs the exam passed",
    "skip_raise": "跨级加薪：sum=各级范围之和, none=由总经理定 | a skip's raise: sum of the steps, or none (the GM decides)",
    "probation_pay": "试用期工资(元/月) | probation pay per month",
    "own_computer_allowance": "自备电脑补助(元/月) | own computer, per month",
    "overtime_day_allowance": "非法定节日加班费(元/天) | overtime on a non-statutory day",
    "offsite_day_allowance": "外出办公午餐交通补助(元/天) | working elsewhere, per day",
    "unreachable_penalty": "热线无法接通(元/次) | hotline unreachable, per time",
    "late_reply_first_penalty": "超时或未回复：第一次(元) | late reply, first time in the month",
    "late_reply_repeat_penalty": "超时或未回复：第二次起(元/次) | late reply, second time on",
    "major_complaint_penalty": "引起重大投诉(元/次，并通报) | caused a major complaint",
    "absence_resignation_days": "旷工超过几天视为自动离职 | absence days above which: resignation",
}


def title(section: str) -> str:
    _, zh, en, _ = next(s for s in SECTIONS if s[0] == section)
    return f"■ {zh} | {en}"


def rows(data: dict) -> list[list]:
    """The policy dict as the policy sheet's rows."""
    tables = {
        "settings": [{"key": k, "value": v, "note": SETTING_NOTES.get(k, "")}
                     for k, v in data["settings"].items()],
        "pay": [{"key": k, "value": v, "note": SETTING_NOTES.get(k, "")} for k, v in data["pay"].items()],
        "duties": data["duties"], "metrics": data["metrics"], "bands": data["bands"],
        "dismissal": [data["dismissal"]],
        "roles": data["roles"],
        "items": [{"role": r["id"], **item} for r in data["roles"] for item in r.get("items", [])],
        "ladders": data["ladders"],
        "rungs": [{"ladder": ld["id"], **rung} for ld in data["ladders"] for rung in ld["rungs"]],
        "horizontal": [{"ladder": ld["id"], "rung": rung["name"], **h} for ld in data["ladders"]
                       for rung in ld["rungs"] for h in rung.get("horizontal", [])],
    }
    out: list[list] = []
    for section, _, _, columns in SECTIONS:
        out.append([title(section)])
        out.append([f"{zh}|{key}" for key, zh in columns])
        for entry in tables[section]:
            out.append([_cell(entry.get(key)) for key, _ in columns])
        out.append([])
    return out[:-1]


def _cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def read(cells: list[list]) -> dict:
    """The policy dict from the policy sheet's cells (rows of values from A1); raises PolicyError
    naming each table whose title row is not there (changed or deleted): the table would be
    read as empty, its settings, ladders or moves silently gone."""
    tables = _tables(cells)
    missing = [_missing(i) for i, (section, *_) in enumerate(SECTIONS) if section not in tables]
    if missing:
        raise PolicyError(missing)
    data: dict = {
        "settings": {r["key"]: r.get("value") for r in tables["settings"] if r.get("key")},
        "pay": {r["key"]: r.get("value") for r in tables["pay"] if r.get("key")},
        "duties": tables["duties"],
        "metrics": tables["metrics"],
        "bands": tables["bands"],
        "dismissal": (tables["dismissal"] or [{}])[0],
    }
    unplaced = []  # rows naming a role, ladder or rung no table has: left out, their ladder or role would lack them
    ladder_at = _finder(tables["ladders"])
    items = _grouped(tables["items"], "role", _finder(tables["roles"]), unplaced, lambda item, role: Problem(
        f"考核项表：「{item.get('name', '')}」的角色「{role}」不是角色表中的角色",
        f"KPI items: the role '{role}' of '{item.get('name', '')}' is in no row of the roles table"))
    data["roles"] = [{**r, "items": items.get(i, [])} for i, r in enumerate(tables["roles"])]
    rungs = _grouped(tables["rungs"], "ladder", ladder_at, unplaced, lambda rung, ladder: Problem(
        f"职级与晋升条件表：职级「{rung.get('name', '')}」的序列「{ladder}」不是序列表中的序列",
        f"Rungs and their criteria: the ladder '{ladder}' of the rung '{rung.get('name', '')}' is in no row of the "
        f"ladders table"))
    moves: dict = {}
    for h in tables["horizontal"]:
        ladder, rung = h.pop("ladder", ""), h.pop("rung", "")
        moves.setdefault((ladder_at(ladder), values.fold(str(rung))), []).append((h, ladder, rung))
    for at, group in rungs.items():
        for rung in group:
            rung["horizontal"] = [h for h, _, _ in moves.pop((at, values.fold(str(rung.get("name", "")))), [])]
    unplaced += [Problem(f"横向发展表：序列「{ladder}」的「{rung}」不是职级表中的职级",
                         f"Horizontal moves: '{rung}' of the ladder '{ladder}' is in no row of the rungs table")
                 for left in moves.values() for _, ladder, rung in left]
    if unplaced:
        raise PolicyError(unplaced)
    data["ladders"] = [{**ld, "rungs": rungs.get(i, [])} for i, ld in enumerate(tables["ladders"])]
    return data


def read_policy(cells: list[list]) -> Policy:
    """The Policy of a policy sheet; raises PolicyError with every problem found."""
    return Policy.from_dict(read(cells))


def _tables(cells: list[list]) -> dict[str, list[dict]]:
    titles = {}
    for section, zh, en, columns in SECTIONS:
        titles[values.fold(zh)] = titles[values.fold(en)] = (section, columns)
    tables: dict[str, list[dict]] = {}
    current = None
    for row in cells:
        row = list(row or [])
        first = row[0] if row else None
        if isinstance(first, str) and first.strip().startswith("■"):
            names = [values.fold(part) for part in first.strip().lstrip("■").split("|")]
            current = next((titles[n] for n in names if n in titles), None)
            header = None
            if current:
                tables.setdefault(current[0], [])
            continue
        if current is None:
            continue
        if all(values.is_blank(v) for v in row):
            current = None
            continue
        section, columns = current
        if header is None:
            header = [_column_key(h, columns) for h in row]
            continue
        entry = {key: v for key, v in zip(header, row) if key and not values.is_blank(v)}
        if entry:
            tables[section].append(entry)
    return tables


def _grouped(rows: list[dict], key: str, at, unplaced: list[Problem], said) -> dict:
    """`rows` (a table's entries) by where (`at`, a `_finder`) the one each names under `key` is,
    that key taken out; `said(row, name)` of a row naming none, into `unplaced`."""
    out: dict = {}
    for row in rows:
        name = row.pop(key, "")
        if (i := at(name)) is None:
            unplaced.append(said(row, name))
        out.setdefault(i, []).append(row)
    return out


def _finder(entries: list[dict]):
    """Where in `entries` (the roles, the ladders) the one another table names is, as HR may
    type it (`NAMED_BY`; any case, full-width, Traditional); None where none is."""
    at = {values.fold(str(e[key])): i for key in reversed(NAMED_BY) for i, e in enumerate(entries)
          if e.get(key) not in (None, "")}  # (the first of NAMED_BY written last: it answers)
    return lambda text: at.get(values.fold(str(text)))


def _missing(at: int) -> Problem:
    """The problem of the table SECTIONS[at] not found, saying where it belongs."""
    where = (("表的最上方", "at the top") if at == 0 else
             (f"「{title(SECTIONS[at - 1][0])}」表之后", f"after '{title(SECTIONS[at - 1][0])}'"))
    name = title(SECTIONS[at][0])
    return Problem(f"找不到「{name}」表（应在{where[0]}）：它的标题行被改动或删除了，请恢复该行；表可以没有内容，但标题行和表头要在",
                   f"No table titled '{name}' ({where[1]}): its title row was changed or deleted; put it back (a "
                   f"table may have no rows, but its title and header rows must be there)")


def _column_key(header, columns) -> str | None:
    if values.is_blank(header):
        return None
    parts = [values.fold(p) for p in str(header).split("|")]
    for key, zh in columns:
        if values.fold(key) in parts or values.fold(zh) in parts:
            return key
    return None
