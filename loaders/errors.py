"""The one error type every loader raises: where the problem is, and what was expected."""

from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """Bad input: names the file, line (and column where it applies), the value and the rule."""

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        *,
        column: str | int | None = None,
        value: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected
        self.detail = message
        super().__init__(self.describe())

    @property
    def location(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.column is not None:
            where += f":{self.column}" if isinstance(self.column, int) else f" (column {self.column!r})"
        return where

    def describe(self) -> str:
        text = f"{self.location}: {self.detail}"
        if self.value is not None:
            text += f"; got {self.value!r}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        return text
