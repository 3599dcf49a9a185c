"""Errors are values: a bad row becomes a :class:`QuarantineRow` and the rest of the file loads;
only a file that cannot be read at all raises :class:`RejectedFile`."""

from __future__ import annotations

from dataclasses import dataclass


class RejectedFile(Exception):
    """The whole file is unusable (unreadable, unknown, a required column missing)."""


@dataclass(frozen=True)
class QuarantineRow:
    source_file: str
    row: int
    column: str
    raw_value: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source_file}, row {self.row}, column {self.column!r}: {self.reason} (value {self.raw_value!r})"
