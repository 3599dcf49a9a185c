"""The demo company's timeline: the span its data covers, the export moment, seasonality.

Every date the generator uses comes from here, never from the wall clock, so that the same
seed always yields the same files.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np

DATA_START = date(2024, 1, 1)
#: Last day with orders; the "as of" date of every export.
AS_OF = date(2026, 10, 31)
#: When the CRMs were exported: every created/modified time is before it.
EXPORT_TIME = datetime(2026, 11, 1, 8, 30, 0)
#: FX rates cover every month an amount can be attributed to: opportunities created in
#: late 2023 and expected to close in 2027 included.
FX_FIRST_MONTH = date(2023, 1, 1)
FX_LAST_MONTH = date(2027, 12, 1)

#: Monthly order weights (Jan..Dec): Spring Festival dip, 618 mid-year push, year-end peak.
SEASONALITY = np.array([0.85, 0.55, 1.0, 0.95, 1.0, 1.15, 0.95, 0.9, 1.05, 1.0, 1.15, 1.35])
#: Company-wide yearly growth of order volume.
YEARLY_GROWTH = 1.12



def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s month to `last`'s month, inclusive."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def next_month(month: date) -> date:
    """First day of the month after `month`."""
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def days_of_month(month: date) -> np.ndarray:
    """All days of the month as datetime64[D]."""
    return np.arange(np.datetime64(month, "D"), np.datetime64(next_month(month), "D"))


def is_workday(days: np.ndarray) -> np.ndarray:
    """Monday to Friday (holidays are the warehouse's business, not the generator's)."""
    return np.is_busday(days.astype("datetime64[D]"))


def years_since_start(month: date) -> float:
    """Fractional years from DATA_START, the exponent of growth trends."""
    return (month.year - DATA_START.year) + (month.month - 1) / 12


def to_day(value: date) -> np.datetime64:
    """A date as numpy datetime64[D]."""
    return np.datetime64(value, "D")


def at_time(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Combine days (datetime64[D]) and seconds after midnight into datetime64[s]."""
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def office_seconds(rng: np.random.Generator, n: int, evening_share: float = 0.0) -> np.ndarray:
    """Times of day in office hours (09:00–18:30); `evening_share` of them 19:00–22:30.

    Evening times exist so that some quote requests arrive late and are answered the next
    morning, across midnight (quote response time must handle that).
    """
    office = rng.integers(9 * 3600, 18 * 3600 + 1800, n)
    evening = rng.integers(19 * 3600, 22 * 3600 + 1800, n)
    return np.where(rng.random(n) < evening_share, evening, office)


def later_in_office(rng: np.random.Generator, times: np.ndarray, max_days: int) -> np.ndarray:
    """A moment 0–`max_days` days after each time, in office hours, never before it."""
    days = times.astype("datetime64[D]") + rng.integers(0, max_days + 1, len(times)).astype("timedelta64[D]")
    return np.maximum(at_time(days, office_seconds(rng, len(times))), times)


def export_capped(times: np.ndarray) -> np.ndarray:
    """Clip times to the export moment: nothing in an export is newer than the export."""
    return np.minimum(times, np.datetime64(EXPORT_TIME, "s"))
