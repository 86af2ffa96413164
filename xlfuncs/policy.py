"""The department's promotion policy as data, and the checks that make it safe to compute with.

A policy comes from a plain dict: the shipped default (`default_policy.toml`, which restates
the README's "The policy as ladderbook reads it") or the tables of a workbook's policy sheet. Nothing in the rules hard-codes a number;
they all come from here. `Policy.from_dict` collects every problem before it refuses, so HR sees
the whole list at once, each naming the ladder, role or row in Chinese and English.

Longer than most modules (about 430 lines) on purpose: the model, the reader that fills it and
the checks on it change together whenever HR's policy gains a field, and read best side by side.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from openpyxl.workbook.child import INVALID_TITLE_REGEX

from . import pay_formula, values
from .problems import PolicyError, Problem

ALL_DUTIES = "all"
AVERAGE_BASES = ("trailing", "calendar_year")
SKIP_RAISES = ("sum", "none")  # a skip's raise: the sum of its steps' ranges, or none (the GM decides)


@dataclass(frozen=True)
class Named:
    name: str
    name_en: str  # the name itself where the policy sheet gives none (`_Reader.named`)

    def called(self, lang: str) -> str:
        """The name a workbook in `lang` writes: the English one in an English workbook, else
        the policy's."""
        return self.name_en if lang == "en" else self.name


@dataclass(frozen=True)
class Item(Named):
    weight: float


@dataclass(frozen=True)
class Metric(Named):
    id: str
    min: float
    max: float
    pay_formula: str = ""  # performance pay from 基数 (the rung's base) and 绩效 (the month's metric)


@dataclass(frozen=True)
class Role(Named):
    id: str
    metric: str
    cycle_months: int | None = None
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Band:
    """Averages from `lower` up (strictly above it unless inclusive); None: open below."""

    outcome: str
    outcome_en: str
    lower: float | None
    inclusive: bool
    move: int
    probation: bool = False


@dataclass(frozen=True)
class Rung(Named):
    role: str
    tenure_months: int | None = None
    min_average: float | None = None
    leave_window_months: int | None = None
    max_sick_days: float | None = None
    max_personal_days: float | None = None
    min_duties: int | str | None = None
    demote_below: float | None = None
    demote_consecutive: int | None = None
    demote_on_serious_error: bool = False
    raise_min: float | None = None
    raise_max: float | None = None
    base_pay: float | None = None
    perf_pay_base: float | None = None
    position_allowance: float | None = None
    horizontal: tuple[Named, ...] = ()


@dataclass(frozen=True)
class Ladder(Named):
    id: str
    rungs: tuple[Rung, ...]

    def rung_index(self, name) -> int | None:
        """A rung by its Chinese or English name, as HR may type it (any case, full-width)."""
        wanted = values.fold(name) if isinstance(name, str) else None
        return next((i for i, r in enumerate(self.rungs) if wanted in (values.fold(r.name), values.fold(r.name_en))),
                    None)


@dataclass(frozen=True)
class Settings:
    min_months_at_company: int
    min_months_between_moves: int
    average_window_months: int
    average_basis: str
    review_probation_months: int
    new_staff_probation_months: int
    training_window_months: int
    training_bottom_share: float
    training_new_staff_months: int
    promotion_needs_recommendation: bool
    promotion_needs_exam: bool
    skip_raise: str = "sum"


@dataclass(frozen=True)
class Pay:
    probation_pay: float
    own_computer_allowance: float
    overtime_day_allowance: float
    offsite_day_allowance: float
    unreachable_penalty: float
    late_reply_first_penalty: float
    late_reply_repeat_penalty: float
    major_complaint_penalty: float
    absence_resignation_days: float


@dataclass(frozen=True)
class Policy:
    settings: Settings
    duties: tuple[Named, ...]
    metrics: tuple[Metric, ...]
    bands: tuple[Band, ...]
    roles: tuple[Role, ...]
    ladders: tuple[Ladder, ...]
    dismissal: Named
    pay: Pay

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        reader = _Reader()
        policy = reader.policy(data)
        problems = reader.problems or check(policy)
        if problems:
            raise PolicyError(problems)
        return policy

    def role(self, key) -> Role | None:
        """A role by id, Chinese or English name, as HR may type it (any case, full-width)."""
        return _find(self.roles, key)

    def ladder(self, key) -> Ladder | None:
        """A ladder by id, Chinese or English name."""
        return _find(self.ladders, key)

    def outcomes(self) -> list[tuple[str, str]]:
        """Every outcome a review can give, (name, English name): the bands' and the dismissal's."""
        return [(b.outcome, b.outcome_en or b.outcome) for b in self.bands] + [
            (self.dismissal.name, self.dismissal.name_en)]

    def outcome(self, key) -> str | None:
        """The name of the outcome `key` names, typed as HR may type it (either name, any case,
        full-width, Traditional): HR's override of a review."""
        if not isinstance(key, str):
            return None
        key = values.fold(key)
        return next((names[0] for at in (0, 1) for names in self.outcomes() if values.fold(names[at]) == key), None)

    def metric(self, metric_id: str) -> Metric:
        return next(m for m in self.metrics if m.id == metric_id)

    def required_duties(self, rung: Rung) -> int | None:
        if rung.min_duties == ALL_DUTIES:
            return len(self.duties)
        return rung.min_duties

    def raise_range(self, ladder: Ladder, frm: int, to: int) -> tuple[float, float] | None:
        """The raise of a move up from rung `frm` to rung `to`: the rung's range for one step;
        for a skip (general-manager approved), the sum of the steps' ranges, or none where the
        `skip_raise` setting says the general manager decides; None where the policy sets none."""
        if not 0 <= frm < to < len(ladder.rungs) or (to > frm + 1 and self.settings.skip_raise == "none"):
            return None
        steps = [(r.raise_min, r.raise_max) for r in ladder.rungs[frm + 1:to + 1]]
        if any(low is None for low, _ in steps):
            return None
        return sum(low for low, _ in steps), sum(high for _, high in steps)


def default_data() -> dict:
    """The shipped default policy as a plain dict (a fresh copy each call)."""
    text = files(__package__).joinpath("default_policy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def default_policy() -> Policy:
    return Policy.from_dict(default_data())


# How HR may type a ladder or a role: by its id, its name or its English name (the words an English
# workbook shows: CS grades), the first of them answering where two could
NAMED_BY = ("id", "name", "name_en")


def _find(entries, key):
    """The entry `key` names (`NAMED_BY`)."""
    if not isinstance(key, str):
        return None
    key = values.fold(key)
    return next((e for attr in NAMED_BY for e in entries if values.fold(getattr(e, attr)) == key), None)


class _Reader:
    """Turns a plain dict into a Policy, noting each field it cannot read instead of stopping."""

    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, zh: str, en: str):
        self.problems.append(Problem(zh, en))

    def text(self, d: dict, key: str, where: tuple[str, str], default=None) -> str | None:
        value = d.get(key, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is None:
                self.fail(f"{where[0]}：缺少 {key}", f"{where[1]}: {key} is missing")
            return default
        return str(value).strip()

    def number(self, d: dict, key: str, where, *, required=False, integer=False, minimum=0):
        value = d.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"{where[0]}：缺少 {key}", f"{where[1]}: {key} is missing")
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        bad = math.isnan(number) or (integer and not number.is_integer())
        if bad or (minimum is not None and number < minimum):
            kind_zh, kind_en = ("非负整数", "a whole number ≥ 0") if integer else ("非负数", "a number ≥ 0")
            self.fail(f"{where[0]}：{key} 应为{kind_zh}，现为 {value!r}",
                      f"{where[1]}: {key} must be {kind_en}, not {value!r}")
            return None
        return int(number) if integer else number

    def flag(self, d: dict, key: str, where=("政策", "Policy"), default: bool = False) -> bool:
        value = d.get(key)
        if values.is_blank(value):
            return default
        read = values.flag(value)
        if read is values.INVALID:
            self.fail(f"{where[0]}：{key} 应为 是/否，现为 {value!r}",
                      f"{where[1]}: {key} must be yes or no, not {value!r}")
            return default
        return read

    def named(self, d: dict, where) -> dict:
        """A name and its English one: the name itself where the policy sheet gives none, so
        that an English workbook writes it (not an empty level, a month sheet "2026-11 ")."""
        name = self.text(d, "name", where)
        return {"name": name, "name_en": self.text(d, "name_en", where, "") or name}

    def policy(self, data: dict) -> Policy:
        s = data.get("settings", {})
        where = ("政策设置", "Policy settings")
        ints = {k: self.number(s, k, where, required=True, integer=True) for k in (
            "min_months_at_company", "min_months_between_moves", "average_window_months",
            "review_probation_months", "new_staff_probation_months", "training_window_months",
            "training_new_staff_months")}
        settings = Settings(
            **ints,
            average_basis=self.text(s, "average_basis", where, "trailing"),
            training_bottom_share=self.number(s, "training_bottom_share", where, required=True),
            promotion_needs_recommendation=self.flag(s, "promotion_needs_recommendation", where, True),
            promotion_needs_exam=self.flag(s, "promotion_needs_exam", where, True),
            skip_raise=self.text(s, "skip_raise", where, "sum"),
        )
        duties = tuple(Named(**self.named(d, (f"职责第{i}行", f"Duty row {i}")))
                       for i, d in enumerate(data.get("duties", []), 1))
        metrics = tuple(self.metric(m) for m in data.get("metrics", []))
        bands = tuple(self.band(b, i) for i, b in enumerate(data.get("bands", []), 1))
        roles = tuple(self.role(r) for r in data.get("roles", []))
        ladders = tuple(self.ladder(ld) for ld in data.get("ladders", []))
        dismissal = Named(**self.named(data.get("dismissal", {}), ("劝退结果", "Dismissal outcome")))
        pay = data.get("pay", {})
        pay = Pay(**{f: self.number(pay, f, ("薪酬项目", "Pay items"), required=True)
                     for f in Pay.__dataclass_fields__})
        return Policy(settings, duties, metrics, bands, roles, ladders, dismissal, pay)

    def metric(self, m: dict) -> Metric:
        where = (f"指标 {m.get('id')}", f"Metric {m.get('id')}")
        return Metric(id=self.text(m, "id", where), **self.named(m, where),
                      min=self.number(m, "min", where, required=True, minimum=None),
                      max=self.number(m, "max", where, required=True, minimum=None),
                      pay_formula=self.text(m, "pay_formula", where, ""))

    def band(self, b: dict, i: int) -> Band:
        """A review band, said by its outcome where it has one (the row HR finds it on), else by
        its place among the bands."""
        outcome = b.get("outcome")
        where = ((f"评审档位「{outcome}」", f"Review band '{b.get('outcome_en') or outcome}'")
                 if isinstance(outcome, str) and outcome.strip() else (f"评审档位第{i}行", f"Review band row {i}"))
        move = self.number(b, "move", where, required=True, integer=True, minimum=-1)
        return Band(outcome=self.text(b, "outcome", where),
                    outcome_en=self.text(b, "outcome_en", where, ""),
                    lower=self.number(b, "lower", where),
                    inclusive=self.flag(b, "inclusive", where),
                    move=move, probation=self.flag(b, "probation", where))

    def role(self, r: dict) -> Role:
        rid = r.get("id")
        where = (f"角色 {rid}", f"Role {rid}")
        items = tuple(
            Item(**self.named(it, (f"{where[0]} 考核项第{j}项", f"{where[1]} item {j}")),
                 weight=self.number(it, "weight", where, required=True))
            for j, it in enumerate(r.get("items", []), 1))
        return Role(id=self.text(r, "id", where), **self.named(r, where),
                    metric=self.text(r, "metric", where),
                    cycle_months=self.number(r, "cycle_months", where, integer=True, minimum=1),
                    items=items)

    def ladder(self, ld: dict) -> Ladder:
        lid = ld.get("id")
        where = (f"序列 {lid}", f"Ladder {lid}")
        rungs = tuple(self.rung(r, (f"{where[0]} 职级「{r.get('name')}」",
                                    f"{where[1]} rung '{r.get('name')}'"))
                      for r in ld.get("rungs", []))
        return Ladder(id=self.text(ld, "id", where), **self.named(ld, where), rungs=rungs)

    def rung(self, r: dict, where) -> Rung:
        duties = r.get("min_duties")
        if isinstance(duties, str) and duties.strip().lower() in (ALL_DUTIES, "全部"):
            min_duties = ALL_DUTIES
        else:
            min_duties = self.number(r, "min_duties", where, integer=True)
        horizontal = tuple(Named(**self.named(h, where)) for h in r.get("horizontal", []))
        ints = {k: self.number(r, k, where, integer=True) for k in (
            "tenure_months", "leave_window_months", "demote_consecutive")}
        nums = {k: self.number(r, k, where) for k in (
            "min_average", "max_sick_days", "max_personal_days", "demote_below",
            "raise_min", "raise_max", "base_pay", "perf_pay_base", "position_allowance")}
        return Rung(**self.named(r, where), role=self.text(r, "role", where), **ints, **nums,
                    min_duties=min_duties,
                    demote_on_serious_error=self.flag(r, "demote_on_serious_error", where),
                    horizontal=horizontal)


def check(policy: Policy) -> list[Problem]:
    """Every reason the policy cannot be computed with, each naming where to fix it."""
    out: list[Problem] = []

    def fail(zh, en):
        out.append(Problem(zh, en))

    s = policy.settings
    if s.average_basis not in AVERAGE_BASES:
        fail(f"政策设置：average_basis 应为 trailing 或 calendar_year，现为 {s.average_basis!r}",
             f"Policy settings: average_basis must be trailing or calendar_year, not {s.average_basis!r}")
    if s.skip_raise not in SKIP_RAISES:
        fail(f"政策设置：skip_raise 应为 sum 或 none，现为 {s.skip_raise!r}",
             f"Policy settings: skip_raise must be sum or none, not {s.skip_raise!r}")
    if not 0 < s.training_bottom_share <= 1:
        fail(f"政策设置：training_bottom_share 应在 0 到 1 之间，现为 {s.training_bottom_share}",
             f"Policy settings: training_bottom_share must be above 0 and at most 1, "
             f"not {s.training_bottom_share}")
    for key in ("average_window_months", "training_window_months"):
        if getattr(s, key) < 1:
            fail(f"政策设置：{key} 至少为 1", f"Policy settings: {key} must be at least 1")

    for kind, entries in (("角色|role", policy.roles), ("序列|ladder", policy.ladders)):
        zh, en = kind.split("|")
        for attr in ("id", "name"):
            seen = set()
            for entry in entries:
                key = getattr(entry, attr)
                if key in seen:
                    fail(f"{zh}的{'编号' if attr == 'id' else '名称'}「{key}」重复",
                         f"Duplicate {en} {attr} '{key}'")
                seen.add(key)
        named = {}  # each way an entry may be typed (`NAMED_BY`) → the entry: none may name two
        for entry in entries:
            for text in (getattr(entry, attr) for attr in NAMED_BY):
                first = named.setdefault(values.fold(text), entry)
                if first is not entry and first.id != entry.id and first.name != entry.name:  # (else said above)
                    fail(f"「{text}」同时是{zh} {first.id} 与 {entry.id} 的编号或名称",
                         f"'{text}' names both {en} {first.id} and {en} {entry.id} (by id, name or English name)")

    metric_ids = {m.id for m in policy.metrics}
    for m in policy.metrics:
        if m.min >= m.max:
            fail(f"指标 {m.id}：下限 {m.min} 不小于上限 {m.max}",
                 f"Metric {m.id}: min {m.min} is not below max {m.max}")
        if m.pay_formula:
            try:
                pay_formula.parse(m.pay_formula)
            except pay_formula.FormulaError as e:
                fail(f"指标 {m.id} 的绩效工资公式：{e.zh}", f"Metric {m.id}, performance pay formula: {e.en}")
    for role in policy.roles:
        if role.metric not in metric_ids:
            fail(f"角色 {role.id}：未知指标「{role.metric}」（应为 {'、'.join(sorted(metric_ids))}）",
                 f"Role {role.id}: unknown metric '{role.metric}' "
                 f"(expected one of {', '.join(sorted(metric_ids))})")
        total = sum(item.weight for item in role.items)
        if role.items and not math.isclose(total, 100, abs_tol=1e-9):
            fail(f"角色 {role.id}（{role.name}）：考核项权重合计 {total:g}%，应为 100%",
                 f"Role {role.id} ({role.name_en}): item weights add up to {total:g}%, not 100%")
        names = [item.name for item in role.items]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            fail(f"角色 {role.id}：考核项「{dup}」重复", f"Role {role.id}: duplicate item '{dup}'")

    _check_bands(policy.bands, fail)
    _check_outcome_names(policy.outcomes(), fail)

    if not policy.ladders:  # everyone's ladder would be unknown
        fail("没有序列：序列表是空的", "There are no ladders: the ladders table is empty")
    for ladder in policy.ladders:
        if not ladder.rungs:
            fail(f"序列 {ladder.id}：没有职级", f"Ladder {ladder.id}: has no rungs")
        _check_sheet_name(ladder, fail)
        names = [r.name for r in ladder.rungs]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            fail(f"序列 {ladder.id}：职级「{dup}」重复", f"Ladder {ladder.id}: duplicate rung '{dup}'")
        for i, rung in enumerate(ladder.rungs):
            _check_rung(policy, ladder, i, rung, fail)
    return out


def _check_sheet_name(ladder: Ladder, fail) -> None:
    """A ladder names its month sheets (2026-11 客服职级) and templates (模板-客服职级, or in English
    Template cs_grade): a character Excel refuses in a sheet's name (openpyxl's pattern of them)
    is refused in the ladder's name and id."""
    for zh, en, name in dict.fromkeys((("名称", "name", ladder.name), ("名称", "name", ladder.name_en),
                                        ("编号", "id", ladder.id))):
        if found := INVALID_TITLE_REGEX.search(name):
            fail(f"序列 {ladder.id}：{zh}「{name}」含有 {found[0]}，工作表名称中不能有 \\ / * ? : [ ]"
                 f"（月度表和模板以序列命名）",
                 f"Ladder {ladder.id}: the {en} '{name}' holds {found[0]}, which no sheet name may hold "
                 f"(\\ / * ? : [ ]): the month sheets and templates are named after the ladder")


def _check_bands(bands: tuple[Band, ...], fail) -> None:
    if not bands:
        fail("评审档位为空", "There are no review bands")
        return
    lowers = [b.lower for b in bands[:-1]]
    if any(lo is None for lo in lowers) or bands[-1].lower is not None:
        fail("评审档位：除最后一档外每档都要有下限，最后一档不设下限",
             "Review bands: every band but the last needs a lower bound; the last has none")
        return
    for upper, lower in zip(bands, bands[1:-1]):
        if lower.lower >= upper.lower:
            fail(f"评审档位顺序有误：「{lower.outcome}」的下限 {lower.lower:g} 不低于"
                 f"「{upper.outcome}」的下限 {upper.lower:g}（应从高到低排列）",
                 f"Review bands out of order: '{lower.outcome_en or lower.outcome}' starts at "
                 f"{lower.lower:g}, not below '{upper.outcome_en or upper.outcome}' at "
                 f"{upper.lower:g} (list them highest first)")
    outcomes = [b.outcome for b in bands]
    for dup in sorted({o for o in outcomes if outcomes.count(o) > 1}):
        fail(f"评审档位：结果「{dup}」重复", f"Review bands: duplicate outcome '{dup}'")


def _check_outcome_names(outcomes: list[tuple[str, str]], fail) -> None:
    """Each way an outcome may be typed (`Policy.outcome`: the bands' and, last, the dismissal's
    names) names one outcome only, else the order of the bands would decide what an override
    gives; a band's outcome repeated is said by `_check_bands`."""
    def which(i: int, spelling: int) -> tuple[str, str]:
        kind = ("名称", "name") if spelling == 0 else ("英文名称", "English name")
        if i == len(outcomes) - 1:
            return f"试用期内再次不达标之结果的{kind[0]}", f"the {kind[1]} of the outcome of failing again under probation"
        return f"评审档位「{outcomes[i][0]}」的{kind[0]}", f"the {kind[1]} of the review band '{outcomes[i][0]}'"
    named = {}
    for i, spellings in enumerate(outcomes):
        for spelling, text in enumerate(spellings):
            j, first = named.setdefault(values.fold(text), (i, spelling))
            if j != i and (outcomes[j][0] != spellings[0] or i == len(outcomes) - 1):
                (one_zh, one_en), (two_zh, two_en) = which(j, first), which(i, spelling)
                fail(f"「{text}」既是{one_zh}，又是{two_zh}：一个名称只能指一个评审结果",
                     f"'{text}' is {one_en} and {two_en}: a name may stand for one outcome only")


def _check_rung(policy: Policy, ladder: Ladder, i: int, rung: Rung, fail) -> None:
    zh, en = f"序列 {ladder.id} 职级「{rung.name}」", f"Ladder {ladder.id} rung '{rung.name}'"
    if policy.role(rung.role) is None:
        fail(f"{zh}：未知角色「{rung.role}」", f"{en}: unknown role '{rung.role}'")
    if (rung.raise_min is None) != (rung.raise_max is None):
        fail(f"{zh}：加薪范围要同时填写下限和上限", f"{en}: a raise range needs both min and max")
    elif rung.raise_min is not None:
        if i == 0:
            fail(f"{zh}：最低职级没有晋升加薪", f"{en}: the bottom rung has no raise on promotion")
        if rung.raise_min > rung.raise_max:
            fail(f"{zh}：加薪下限 {rung.raise_min:g} 高于上限 {rung.raise_max:g}",
                 f"{en}: raise min {rung.raise_min:g} is above max {rung.raise_max:g}")
    has_leave_limit = rung.max_sick_days is not None or rung.max_personal_days is not None
    if has_leave_limit and not rung.leave_window_months:
        fail(f"{zh}：设了假期上限就要设考察月数", f"{en}: leave limits need leave_window_months")
    if (rung.demote_below is None) != (rung.demote_consecutive is None):
        fail(f"{zh}：降级标准要同时填写系数和连续次数",
             f"{en}: demotion needs both demote_below and demote_consecutive")
    required = policy.required_duties(rung)
    if required is not None and required > len(policy.duties):
        fail(f"{zh}：要求掌握 {required} 项职责，但职责清单只有 {len(policy.duties)} 项",
             f"{en}: requires {required} duties but the duty list has {len(policy.duties)}")
