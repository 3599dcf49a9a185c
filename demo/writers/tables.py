"""Files that receive rows month after month: CSV as CRMs export it, and XLSX that spills to CSV.

A table is opened on its first write, which fixes its header; every later write must bring
the same columns. Columns are given as (header, values) pairs because a header may repeat
(Zoho's two `Discount` columns).
"""
from __future__ import annotations

import csv
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .xlsx import write_xlsx

Columns = Sequence[tuple[str, Sequence[Any]]]
#: Rows one worksheet holds (header and title rows included).
EXCEL_MAX_ROWS = 1_048_576
#: Rows formatted and written at a time: bounds the writers' memory at large scales.
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class WrittenFile:
    """A closed table: where it went and how many data rows it holds."""

    path: Path
    rows: int


def _rows(columns: Columns) -> tuple[list[str], list[tuple[Any, ...]]]:
    header = [name for name, _ in columns]
    lengths = {len(values) for _, values in columns}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length: {dict((n, len(v)) for n, v in columns)}")
    return header, list(zip(*(values for _, values in columns)))


class _Table:
    """Header bookkeeping shared by both kinds of table."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.rows = 0

    def _check(self, header: list[str]) -> bool:
        """True on the first write (the header is new)."""
        if self.header is None:
            self.header = header
            return True
        if header != self.header:
            raise ValueError(f"header changed: {self.header} → {header}")
        return False


class CsvTable(_Table):
    """UTF-8 with BOM, CRLF line ends — Zoho's and Excel's CSV. `quote_all` quotes every value as Zoho does."""

    def __init__(self, path: Path, quote_all: bool = True) -> None:
        super().__init__()
        self.path = path
        self._quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        self._file = None
        self._writer = None

    def write(self, columns: Columns) -> None:
        header, rows = _rows(columns)
        if self._check(header):
            self._file = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file, quoting=self._quoting, lineterminator="\r\n")
            self._writer.writerow(header)
        self._writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> WrittenFile:
        self._file.close()
        return WrittenFile(self.path, self.rows)


class SpilledTable(_Table):
    """An XLSX sheet if the rows fit in one, otherwise a CSV (UTF-8 with BOM) — decided at close.

    Rows wait in a temporary file (pickled month chunks), so memory holds one month at a
    time whatever the file's final size; the exact row count decides the format.
    """

    def __init__(self, stem: Path, sheet: str, title: str | None = None, max_rows: int = EXCEL_MAX_ROWS) -> None:
        super().__init__()
        self.stem, self.sheet, self.title, self.max_rows = stem, sheet, title, max_rows
        self._spool: BinaryIO = tempfile.TemporaryFile(dir=stem.parent)

    def write(self, columns: Columns) -> None:
        header, rows = _rows(columns)
        self._check(header)
        if rows:
            pickle.dump(rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows += len(rows)

    def _all_rows(self, leading: list[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """Title and header rows, then every spooled row in order."""
        yield from leading
        self._spool.seek(0)
        while True:
            try:
                yield from pickle.load(self._spool)
            except EOFError:
                return

    def close(self) -> WrittenFile:
        leading = [[self.title]] if self.title else []
        try:
            if len(leading) + 1 + self.rows <= self.max_rows:
                path = self.stem.with_suffix(".xlsx")
                shape = (len(leading) + 1 + self.rows, len(self.header))
                write_xlsx(path, self.sheet, self._all_rows([*leading, self.header]), shape)
            else:
                path = self.stem.with_suffix(".csv")
                with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle, lineterminator="\r\n")
                    writer.writerows(self._all_rows([*leading, self.header]))
        finally:
            self._spool.close()
        # A rerun into the same folder must not leave the other format's file of an earlier run.
        for suffix in (".xlsx", ".csv"):
            stale = self.stem.with_suffix(suffix)
            if stale != path and stale.exists():
                stale.unlink()
        return WrittenFile(path, self.rows)
