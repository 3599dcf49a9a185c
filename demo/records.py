"""Column-oriented records: the form in which a month's facts travel from generator to sinks.

A month is simulated, handed to the writers and the truth collector, then dropped. At small
scales a month holds a few hundred rows, so any fixed cost per column operation dominates;
DataFrames (whose text columns are Arrow-backed) pay such a cost on every filter and
lookup, plain numpy arrays do not. The truth turns the records into DataFrames once, at the
end.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd


def _column(values: Any) -> np.ndarray:
    array = np.asarray(values)
    # Fixed-width numpy strings would silently truncate later assignments: keep text as objects.
    return array.astype(object) if array.dtype.kind == "U" else array


class Records:
    """Named columns of equal length."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self._columns: dict[str, np.ndarray] = {}
        for name, values in columns.items():
            self[name] = values

    @classmethod
    def concat(cls, parts: Sequence[Records]) -> Records:
        names = list(parts[0])
        return cls({name: np.concatenate([part[name] for part in parts]) for name in names})

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __setitem__(self, name: str, values: Any) -> None:
        array = _column(values)
        if array.ndim != 1:
            raise ValueError(f"column {name!r} must be one-dimensional")
        if self._columns and len(array) != len(self):
            raise ValueError(f"column {name!r} has {len(array)} rows, records have {len(self)}")
        self._columns[name] = array

    def __len__(self) -> int:
        return len(next(iter(self._columns.values()), ()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def take(self, rows: Any) -> Records:
        """The rows selected by a boolean mask or by positions."""
        return Records({name: values[rows] for name, values in self._columns.items()})

    def chunks(self, size: int) -> Iterator[Records]:
        """Consecutive slices of at most `size` rows (one empty slice for empty records)."""
        for start in range(0, max(len(self), 1), size):
            yield self.take(slice(start, start + size))

    def of_system(self, system: str) -> Records:
        """The rows of one CRM (`source_system` zoho / fxiaoke)."""
        return self.take(self["source_system"] == system)

    def frame(self) -> pd.DataFrame:
        """As a DataFrame, without the generator's internal columns (prefixed `_`)."""
        return pd.DataFrame({name: values for name, values in self._columns.items() if not name.startswith("_")})
