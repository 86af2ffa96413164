"""The reasons of a review as data, then as text: each rule says, for the employees a mask
picks, a reason in Chinese and English built from their numbers; the texts are put together
once per distinct combination of reasons (100,000 employees have about 11,000) and spread."""

from __future__ import annotations

import numpy as np
import pandas as pd

_SEP = {"zh": "；", "en": "; "}


class Reasons:
    """What the rules said of each employee, kind by kind (eligible, demotion, training, pay)."""

    def say(self, kind: str, mask, zh, en, by=()) -> None:
        """Record a reason for the employees in `mask`. zh and en take row positions and return
        those rows' texts; `by` are the arrays the texts depend on, so that each distinct
        combination is written once and shared (most reasons repeat the same few numbers)."""
        rows = np.flatnonzero(np.asarray(mask, bool) & self.valid)
        if not len(rows):
            return
        inverse, first = combinations([np.asarray(b)[rows] for b in by], len(rows))
        shown = rows[first]
        self.reasons[kind].append((rows, inverse, texts(zh(shown), shown), texts(en(shown), shown)))

    def said(self, kind: str) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Which reasons of `kind` each employee has, as a code per distinct combination; the
        first employee of each code; and per reason said, its text for each combination
        (-1: the combination lacks it)."""
        if kind not in self._said:
            codes = []
            for rows, inverse, *_ in self.reasons[kind]:
                codes.append(np.full(self.n, -1, np.int64))
                codes[-1][rows] = inverse
            combination, first = combinations(codes, self.n)
            self._said[kind] = combination, first, [code[first] for code in codes]
        return self._said[kind]

    def joined(self, kind: str, lang: str) -> np.ndarray:
        """Each employee's reasons of `kind` in the order said, joined: put together once per
        distinct combination of reasons (a few thousand), then spread."""
        if (kind, lang) not in self._joined:
            combination, first, codes = self.said(kind)
            out = np.full(len(first), "", object)
            said = np.zeros(len(first), bool)
            for code, (_, _, *texts) in zip(codes, self.reasons[kind]):
                text = texts[lang == "en"]
                has = np.flatnonzero(code >= 0)
                code, more = code[has], said[has]
                out[has[~more]] = text[code[~more]]
                out[has[more]] += (_SEP[lang] + text)[code[more]]
                said[has] = True
            self._joined[kind, lang] = out[combination]
        return self._joined[kind, lang]


def verdict(outcome: dict, cycle_avg: np.ndarray):
    """The reason "the cycle review says …": (zh, en, by) for `say`."""
    return (lambda r: "周期评审结果为「" + outcome["outcome"][r] + "」（周期平均 " + fixed(cycle_avg[r], 1) + "）",
            lambda r: "the cycle review says '" + outcome["outcome_en"][r] + "' (cycle average "
            + fixed(cycle_avg[r], 1) + ")",
            (outcome["outcome"], rounded(cycle_avg, 1)))


def signed(amount: np.ndarray) -> np.ndarray:
    return np.where(amount < 0, "−", "+").astype(object) + g(np.abs(amount))


def plain(column: pd.Series) -> np.ndarray:
    """A text column as plain strings, blank for missing."""
    return column.astype(object).where(column.notna(), "").to_numpy(object)


def combinations(arrays, size: int) -> tuple[np.ndarray, np.ndarray]:
    """A code for each of `size` positions by its distinct combination of values in `arrays`,
    and the first position of each code: by hashing, not sorting, and compacted only when
    the combined number could overflow."""
    key, span = np.zeros(size, np.int64), 1
    for a in arrays:
        a = np.asarray(a)
        if a.dtype == bool:
            codes, count = a.astype(np.int64), 2
        else:
            codes, uniques = pd.factorize(a, use_na_sentinel=True)
            codes, count = codes + 1, len(uniques) + 1
        if span * count >= 2 ** 62:
            key, span = pd.factorize(key)[0], size
        key, span = key * count + codes, span * count
    inverse = pd.factorize(key)[0]
    # factorize numbers in order of appearance: a code is new where it passes all before it
    return inverse, np.flatnonzero(np.diff(np.maximum.accumulate(inverse), prepend=-1) > 0)


def texts(text, rows) -> np.ndarray:
    """A reason's texts for `rows`: an array as built, or one string for all of them."""
    return np.full(len(rows), text, object) if isinstance(text, str) else np.asarray(text, object)


_SMALL = np.array([str(i) for i in range(1000)], object)  # most numbers in reasons are these


def g(x) -> np.ndarray:
    """Numbers as HR writes them (18, 1.2, 3.5, 25000), as an object array of text."""
    x = np.asarray(x, float)
    whole = (x == np.floor(x)) & (np.abs(x) < 1e15)
    small = whole & (x >= 0) & (x < len(_SMALL))
    out = _SMALL[np.where(small, x, 0).astype(np.intp)]
    large = whole & ~small
    out[large] = x[large].astype(np.int64).astype(str)
    out[~whole] = [f"{v:g}" for v in x[~whole]]
    return out


def rounded(x, digits: int) -> np.ndarray:
    """x × 10^digits rounded half up as Excel shows it: 73.25 → 733 and 1.205 → 121 for
    two digits, though in binary 1.205 × 100 is 120.49999999999999."""
    return np.floor(np.round(np.asarray(x, float) * 10 ** digits, 6) + 0.5)


def fixed(x, digits: int) -> np.ndarray:
    """Numbers with a fixed count of decimals (1.19, 80.0), as an object array of text."""
    scaled = rounded(x, digits).astype(np.int64)
    whole = (np.abs(scaled) // 10 ** digits).astype(str).astype(object)
    part = np.char.zfill((np.abs(scaled) % 10 ** digits).astype(str), digits).astype(object)
    sign = np.where(scaled < 0, "-", "").astype(object)
    return sign + whole + "." + part
