"""Cell formats of the exports: how each CRM spells dates, money and percentages.

Every function takes a column (array or Series) and returns a list of cell values, with
None for a missing value (an empty cell), never NaN or NaT.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd


def _as_seconds(values: Any) -> np.ndarray:
    return np.asarray(values.to_numpy() if isinstance(values, pd.Series) else values).astype("datetime64[s]")


def datetime_text(values: Any) -> list[str | None]:
    """`2024-03-05 10:15:30`: Zoho and Fxiaoke date-times."""
    text = np.datetime_as_string(_as_seconds(values), unit="s").tolist()
    return [None if t == "NaT" else t.replace("T", " ") for t in text]


def date_text(values: Any) -> list[str | None]:
    """`2024-03-05`."""
    text = np.datetime_as_string(_as_seconds(values), unit="D").tolist()
    return [None if t == "NaT" else t for t in text]


def slash_date_text(values: Any) -> list[str | None]:
    """`2024/3/5`: some Fxiaoke exports write dates without zero padding."""
    return [None if t is None else f"{int(t[:4])}/{int(t[5:7])}/{int(t[8:])}" for t in date_text(values)]


def excel_dates(values: Any) -> list[date | None]:
    """Native Excel date cells, as a person typing into a spreadsheet produces them."""
    return [None if t is None else date.fromisoformat(t) for t in date_text(values)]


def _numbers(values: Any) -> list[float]:
    """Plain Python floats (NaN where missing): formatting them is far cheaper than numpy scalars."""
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    return np.asarray(array, dtype=float).tolist()


def _formatted(values: Any, template: str) -> list[str | None]:
    return [None if v != v else template.format(v) for v in _numbers(values)]  # v != v: NaN


def money_text(values: Any) -> list[str | None]:
    """`1234.50`: Zoho's plain two-decimal amounts."""
    return _formatted(values, "{:.2f}")


def yuan_text(values: Any) -> list[str | None]:
    """`¥12,345.60`: Fxiaoke amounts exported as formatted text."""
    return _formatted(values, "¥{:,.2f}")


def thousands_text(values: Any) -> list[str | None]:
    """`12,345.60`: formatted text without a currency sign."""
    return _formatted(values, "{:,.2f}")


def number_text(values: Any) -> list[str | None]:
    """Shortest text of a number: `3`, `12.5`."""
    return _formatted(values, "{:g}")


def money_number(values: Any) -> list[float | None]:
    """A numeric cell rounded to cents."""
    return [None if v != v else round(v, 2) for v in _numbers(values)]


def percent_text(fractions: Any) -> list[str | None]:
    """`90%` from 0.9."""
    return [None if v != v else f"{round(v * 100):d}%" for v in _numbers(fractions)]


def cells(values: Any) -> list[Any]:
    """Values as they are, missing ones (None, NaN, NaT) as None."""
    array = np.array(values.to_numpy() if isinstance(values, pd.Series) else values, dtype=object)
    array[pd.isna(array)] = None
    return array.tolist()
