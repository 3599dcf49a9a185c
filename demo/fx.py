"""Monthly FX rates to CNY (1 unit of currency = rate CNY), the reporting currency.

Rates drift month by month inside realistic bands (USD 7.1–7.3, EUR 7.7–7.9) so that a
warehouse converting at the wrong month's rate is visibly off, not silently right.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .randomness import stream
from .timeline import FX_FIRST_MONTH, FX_LAST_MONTH, month_starts

#: currency → (starting rate, lower bound, upper bound)
_BANDS = {"USD": (7.2, 7.1, 7.3), "EUR": (7.8, 7.7, 7.9)}
CURRENCIES: tuple[str, ...] = ("CNY", *_BANDS)


@dataclass(frozen=True)
class FxRates:
    """Rate to CNY per currency and month."""

    months: np.ndarray  # datetime64[M]
    rates: dict[str, np.ndarray]  # currency → rate per month

    def rate(self, currencies: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Rate to CNY of each (currency, day): the rate of the day's month."""
        index = (days.astype("datetime64[M]") - self.months[0]).astype(int)
        if (index < 0).any() or (index >= len(self.months)).any():
            raise ValueError("a date falls outside the months covered by the FX table")
        out = np.empty(len(currencies))
        for currency, series in self.rates.items():
            mask = currencies == currency
            out[mask] = series[index[mask]]
        return out

    def frame(self) -> pd.DataFrame:
        """One row per month × currency, as the finance team's sheet lists them."""
        months = np.datetime_as_string(self.months, unit="M")
        return pd.DataFrame([
            {"month": month, "currency": currency, "rate_to_cny": float(series[i])}
            for i, month in enumerate(months) for currency, series in self.rates.items()
        ])


def build_fx(seed: int) -> FxRates:
    """A bounded random walk per currency, rounded to 4 decimals like published rates."""
    rng = stream(seed, "fx")
    months = np.array(month_starts(FX_FIRST_MONTH, FX_LAST_MONTH), dtype="datetime64[M]")
    rates = {"CNY": np.ones(len(months))}
    for currency, (start, low, high) in _BANDS.items():
        walk = np.empty(len(months))
        level = start
        for i in range(len(months)):
            level = float(np.clip(level + rng.normal(0, 0.03), low, high))
            walk[i] = round(level, 4)
        rates[currency] = walk
    return FxRates(months=months, rates=rates)
