"""Running totals of the actuals, kept while months stream past.

Targets and market research are written after the last month, and they are set against
history (last year's actuals, seed 004), so the generator needs the actuals — but only
these small monthly totals, never the order lines themselves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .records import Records


class Ledger:
    """Monthly revenue (CNY), order count and new customers per rep, team and region."""

    def __init__(self) -> None:
        self._months: list[pd.DataFrame] = []

    def add(self, month: pd.Period, orders: Records) -> None:
        valid = orders.take(~orders["is_cancelled"])
        reps, first, inverse = np.unique(valid["_rep"], return_index=True, return_inverse=True)
        self._months.append(pd.DataFrame({
            "month": month, **{c: valid[c][first] for c in ("region", "team", "rep_id")},
            "revenue": np.bincount(inverse, weights=valid["revenue_cny"], minlength=len(reps)),
            "orders": np.bincount(inverse, minlength=len(reps)),
            "new_customers": np.bincount(inverse, weights=valid["is_first_order"], minlength=len(reps)),
        }))

    def actuals(self) -> pd.DataFrame:
        """One row per month × region × team × rep with revenue, orders and new_customers."""
        frame = pd.concat(self._months, ignore_index=True)
        frame["year"] = frame["month"].dt.year
        frame["quarter"] = frame["month"].dt.quarter
        return frame
