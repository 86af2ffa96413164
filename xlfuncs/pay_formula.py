"""Performance pay as a formula HR writes in the policy sheet, e.g. `=基数*绩效/100`.

HR writes it the way they write Excel: `=`, `<>`, `^`, `%`, IF/MIN/MAX/ROUND/AND/OR, full-width
characters. It is read into a small whitelisted expression tree (never `eval`), so a policy sheet
from anyone computes nothing but arithmetic, and it is evaluated on whole columns at once.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from . import values

# The names a formula may use: the rung's performance-pay base and the month's metric.
NAMES = {"基数": "base", "base": "base", "绩效": "metric", "metric": "metric"}


def _round(x, digits):
    """Excel's ROUND: halves away from zero (numpy's round goes to even)."""
    scale = 10.0 ** np.asarray(digits, float)
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


# name: (function, fewest arguments, most arguments or None)
FUNCTIONS = {
    "IF": (lambda test, yes, no: np.where(test, yes, no), 3, 3),
    "MIN": (lambda *xs: np.minimum.reduce(np.broadcast_arrays(*xs)), 1, None),
    "MAX": (lambda *xs: np.maximum.reduce(np.broadcast_arrays(*xs)), 1, None),
    "ROUND": (_round, 2, 2),
    "AND": (lambda *xs: np.logical_and.reduce(np.broadcast_arrays(*xs)), 1, None),
    "OR": (lambda *xs: np.logical_or.reduce(np.broadcast_arrays(*xs)), 1, None),
}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
           ast.Pow: np.power}
_COMPARE = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
            ast.Gt: np.greater, ast.GtE: np.greater_equal}
_HELP = ("可用：基数、绩效、数字、+ - * / ^ %、比较、IF/MIN/MAX/ROUND/AND/OR",
         "allowed: 基数 (base), 绩效 (metric), numbers, + - * / ^ %, comparisons, IF/MIN/MAX/ROUND/AND/OR")


class FormulaError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} | {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class PayFormula:
    text: str
    tree: ast.expr

    def __call__(self, base, metric) -> np.ndarray:
        """The formula on columns of bases and metrics; NaN where either is blank or it has no value."""
        env = {"base": np.asarray(base, float), "metric": np.asarray(metric, float)}
        with np.errstate(all="ignore"):
            out = np.asarray(_evaluate(self.tree, env), float)
            out = np.broadcast_to(out, np.broadcast(env["base"], env["metric"]).shape).copy()
        out[~np.isfinite(out) | np.isnan(env["base"]) | np.isnan(env["metric"])] = np.nan
        return out


def parse(text) -> PayFormula:
    """The formula of a policy-sheet cell; FormulaError says what is wrong in words HR can act on."""
    source = unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("=").strip()
    if not source:
        raise FormulaError("公式为空", "the formula is empty")
    python = re.sub(r"(\d+(?:\.\d+)?)%", r"(\1/100)", source)
    python = python.replace("<>", "!=").replace("^", "**")
    python = re.sub(r"(?<![<>!=])=(?!=)", "==", python)
    try:
        tree = ast.parse(python, mode="eval").body
    except SyntaxError:
        raise FormulaError(f"公式「{text}」无法识别（括号或运算符不完整？）",
                           f"cannot read the formula '{text}' (a bracket or operator missing?)") from None
    _check(tree, text)
    return PayFormula(str(text), tree)


def _check(node, text) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return
    if isinstance(node, ast.Name):
        if values.fold(node.id) not in {values.fold(n) for n in NAMES}:  # 基數 is 基数
            raise FormulaError(f"公式「{text}」中的「{node.id}」未知；{_HELP[0]}",
                               f"unknown name '{node.id}' in the formula '{text}'; {_HELP[1]}")
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id.upper()
        if name not in FUNCTIONS:
            raise FormulaError(f"公式「{text}」中的函数 {node.func.id} 不可用；{_HELP[0]}",
                               f"function {node.func.id} is not available in '{text}'; {_HELP[1]}")
        _, least, most = FUNCTIONS[name]
        if len(node.args) < least or (most is not None and len(node.args) > most):
            count = str(least) if least == most else f"{least}+"
            raise FormulaError(f"公式「{text}」中 {name} 需要 {count} 个参数，现有 {len(node.args)} 个",
                               f"{name} takes {count} arguments in '{text}', not {len(node.args)}")
        for arg in node.args:
            _check(arg, text)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, text)
        _check(node.right, text)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        _check(node.operand, text)
        return
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        for part in (node.left, *node.comparators):
            _check(part, text)
        return
    raise FormulaError(f"公式「{text}」含不支持的写法；{_HELP[0]}",
                       f"the formula '{text}' uses something not supported; {_HELP[1]}")


def _evaluate(node, env):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[next(v for k, v in NAMES.items() if values.fold(k) == values.fold(node.id))]
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id.upper()][0](*(_evaluate(a, env) for a in node.args))
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    parts = [_evaluate(p, env) for p in (node.left, *node.comparators)]  # a chain: a < b <= c
    return np.logical_and.reduce([_COMPARE[type(op)](a, b)
                                  for op, a, b in zip(node.ops, parts, parts[1:])])
