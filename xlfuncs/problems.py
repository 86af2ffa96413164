"""Problems as data: every rule reports what it could not read or decide in both languages,
and the face that shows it (an Excel cell, the CLI, a report) decides how."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    zh: str
    en: str
    employee: str | None = None

    def __str__(self) -> str:
        return f"{self.zh} | {self.en}"


class PolicyError(ValueError):
    """The policy cannot be used as it stands; `problems` says every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def join(problems, lang: str = "zh") -> str:
    sep = "; " if lang == "en" else "；"
    return sep.join(getattr(p, "en" if lang == "en" else "zh") for p in problems)
