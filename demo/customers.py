"""Customers and who owns them over time.

A customer lives in one region, hence in one CRM (its division's). Ownership follows the
roster: when a rep leaves a region (moves or quits) their customers pass to colleagues, and a
rep who arrives in a region takes over a fair share of its book. Orders, opportunities and
activities take their owner from here, so a rep never owns a record outside their tenure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .ids import ZohoIds
from .names import BRAND_FIRST, BRAND_SECOND, CITIES, GIVEN_NAMES, INDUSTRIES, SURNAMES
from .org import REGION_SYSTEM, REGIONS, Org
from .randomness import stream
from .timeline import AS_OF, DATA_START, at_time, office_seconds, to_day

CUSTOMERS_AT_SCALE_1 = 300
_REGION_SHARES = (0.30, 0.25, 0.25, 0.20)
#: Yearly growth of each region's buying, so regions trend differently.
REGION_GROWTH = {"华东": 1.08, "华南": 1.25, "华北": 0.97, "西南": 1.15}
#: size → (share, Fxiaoke level, buying weight, employees range, annual revenue range in 万元)
_SIZES = {
    "大型": (0.15, "A", 4.0, (1000, 20000), (50000, 500000)),
    "中型": (0.35, "B", 1.8, (200, 1000), (5000, 50000)),
    "小型": (0.50, "C", 1.0, (20, 200), (500, 5000)),
}
#: channel → (share, Zoho Account Type, Fxiaoke 业务类型)
CHANNELS = {
    "direct": (0.50, "Customer", "直销客户"),
    "agent": (0.35, "Distributor", "代理商客户"),
    "ecommerce": (0.15, "E-commerce", "电商客户"),
}
_SOURCES = ("展会", "官网咨询", "老客户转介绍", "电话营销", "广告投放")
#: Share of Zoho customers billed in a foreign currency.
_FOREIGN = {"USD": 0.06, "EUR": 0.02}


@dataclass(frozen=True)
class Ownership:
    """Owner (rep index) of every customer in each epoch between roster changes."""

    starts: np.ndarray  # datetime64[D], first day of each epoch (the first is far past)
    owners: np.ndarray  # (epochs × customers) rep index

    def owner_at(self, customers: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Owner of each customer on the matching day."""
        epochs = np.searchsorted(self.starts, days.astype("datetime64[D]"), side="right") - 1
        return self.owners[epochs, customers]

    def book_on(self, day: np.datetime64) -> np.ndarray:
        """Owner of every customer on `day`."""
        return self.owners[np.searchsorted(self.starts, day, side="right") - 1]


@dataclass(frozen=True)
class Customers:
    """Every customer's attributes (one row per customer number) and owner history."""

    frame: pd.DataFrame  # positional index = customer number
    ownership: Ownership
    #: Columns read so far as numpy arrays: months index them thousands of times.
    _columns: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> np.ndarray:
        """One attribute of every customer, indexable by customer number."""
        if name not in self._columns:
            self._columns[name] = self.frame[name].to_numpy()
        return self._columns[name]


def build_customers(seed: int, scale: float, org: Org, zoho_ids: ZohoIds) -> Customers:
    """About CUSTOMERS_AT_SCALE_1 × scale customers, each keyed the way its CRM keys it."""
    rng = stream(seed, "customers")
    n = max(len(REGIONS) * 2, round(CUSTOMERS_AT_SCALE_1 * scale))
    region = np.asarray(REGIONS, dtype=object)[rng.choice(len(REGIONS), n, p=_REGION_SHARES)]
    frame = pd.DataFrame({"region": region})
    _place_and_name(frame, rng)
    _profile(frame, rng)
    _lifecycle(frame, rng)
    system = frame["region"].map(REGION_SYSTEM).to_numpy()
    frame["source_system"] = system
    zoho = system == "zoho"
    frame["zoho_id"] = None
    frame.loc[zoho, "zoho_id"] = zoho_ids.take(int(zoho.sum()))
    frame["customer_no"] = [f"KH-{i:06d}" if s == "fxiaoke" else f"ACC-{i:06d}"
                            for i, s in enumerate(system, start=1)]
    # The key each CRM's export uses for the customer: Zoho's record id, Fxiaoke's name.
    frame["customer_key"] = np.where(zoho, frame["zoho_id"], frame["customer_name"])
    currency = np.full(n, "CNY", dtype=object)
    draw = rng.random(n)
    currency[zoho & (draw < _FOREIGN["USD"])] = "USD"
    currency[zoho & (draw >= _FOREIGN["USD"]) & (draw < _FOREIGN["USD"] + _FOREIGN["EUR"])] = "EUR"
    frame["currency"] = currency
    return Customers(frame=frame, ownership=_assign_owners(frame["region"].to_numpy(), org, rng))


def _place_and_name(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """City, industry and a unique company name (`city + brand + industry suffix`).

    Names are drawn without replacement from each region's name space, so they are unique
    by construction: Fxiaoke joins on 客户名称, a duplicate would merge two customers.
    """
    suffixes = [(i, s) for i, (_, _, names) in enumerate(INDUSTRIES) for s in names]
    suffix_text = np.array([s for _, s in suffixes], dtype=object)
    suffix_industry = np.array([i for i, _ in suffixes])
    brand_text = np.array([f + s for f in BRAND_FIRST for s in BRAND_SECOND], dtype=object)
    for region, cities in CITIES.items():
        rows = np.flatnonzero(frame["region"].to_numpy() == region)
        space = len(cities) * len(brand_text) * len(suffixes)
        if len(rows) > space:
            raise ValueError(f"scale too large: {len(rows)} customers in {region}, names for {space}")
        pick = rng.choice(space, len(rows), replace=False)
        city, rest = np.divmod(pick, len(brand_text) * len(suffixes))
        brand, suffix = np.divmod(rest, len(suffixes))
        industry = suffix_industry[suffix]
        for column, values in (("city", [c[0] for c in cities]), ("province", [c[1] for c in cities]),
                               ("area_code", [c[2] for c in cities])):
            frame.loc[rows, column] = np.array(values, dtype=object)[city]
        frame.loc[rows, "industry_zh"] = np.array([i[0] for i in INDUSTRIES], dtype=object)[industry]
        frame.loc[rows, "industry_en"] = np.array([i[1] for i in INDUSTRIES], dtype=object)[industry]
        frame.loc[rows, "customer_name"] = frame.loc[rows, "city"].to_numpy() + brand_text[brand] + suffix_text[suffix]


def _profile(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Size, channel, source, contact and buying weight."""
    n = len(frame)
    sizes = list(_SIZES)
    size = np.asarray(sizes, dtype=object)[rng.choice(len(sizes), n, p=[_SIZES[s][0] for s in sizes])]
    channels = list(CHANNELS)
    channel = np.asarray(channels, dtype=object)[rng.choice(len(channels), n, p=[CHANNELS[c][0] for c in channels])]
    frame["size"] = size
    frame["level"] = [_SIZES[s][1] for s in size]
    for column, position, unit in (("employees", 3, 1), ("annual_revenue", 4, 10_000)):
        low = np.array([_SIZES[s][position][0] for s in size])
        high = np.array([_SIZES[s][position][1] for s in size])
        frame[column] = rng.integers(low, high) * unit
    frame["channel"] = channel
    frame["source"] = np.asarray(_SOURCES, dtype=object)[rng.integers(0, len(_SOURCES), n)]
    frame["contact_name"] = [SURNAMES[i] + GIVEN_NAMES[j] for i, j in
                             zip(rng.integers(0, len(SURNAMES), n), rng.integers(0, len(GIVEN_NAMES), n))]
    frame["phone"] = [f"{a}-{p}" for a, p in zip(frame["area_code"], rng.integers(60_000_000, 89_999_999, n))]
    weight = np.array([_SIZES[s][2] for s in size]) * rng.lognormal(0, 0.6, n)
    frame["weight"] = np.where(channel == "ecommerce", weight * 0.6, weight)


def _lifecycle(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Created time (about half existed before the data starts) and, for some, a churn day."""
    n = len(frame)
    existing = rng.random(n) < 0.55
    old_span = (to_day(DATA_START) - to_day(date(2019, 1, 1))).astype(int)
    new_span = (to_day(date(2026, 9, 30)) - to_day(DATA_START)).astype(int)
    offset = np.where(existing, -rng.integers(1, old_span, n), (rng.random(n) ** 0.8 * new_span).astype(int))
    created = to_day(DATA_START) + offset.astype("timedelta64[D]")
    frame["created_time"] = at_time(created, office_seconds(rng, n))
    churns = rng.random(n) < 0.12
    churn = np.maximum(created, to_day(DATA_START)) + rng.integers(120, 900, n).astype("timedelta64[D]")
    frame["churn_day"] = np.where(churns & (churn <= to_day(AS_OF)), churn, np.datetime64("NaT", "D"))


def _assign_owners(region: np.ndarray, org: Org, rng: np.random.Generator) -> Ownership:
    """Walk the roster changes: hand over the book of reps who left a region, give arrivals a share."""
    starts = [DATA_START, *org.change_days()]
    owner = np.full(len(region), -1)
    epochs, previous = [], {}
    for day in starts:
        active: dict[str, list[int]] = {}
        for a in org.valid_on(day):
            active.setdefault(a.region, []).append(a.rep)
        for reg, reps in active.items():
            in_region = region == reg
            stale = in_region & ~np.isin(owner, reps)
            owner[stale] = rng.choice(reps, int(stale.sum()))
            for rep in set(reps) - set(previous.get(reg, reps)):
                owner[in_region & (rng.random(len(region)) < 1 / len(reps))] = rep
        previous = active
        epochs.append(owner.copy())
    first = np.array(["1900-01-01"], dtype="datetime64[D]")
    later = np.array([to_day(d) for d in starts[1:]], dtype="datetime64[D]")
    return Ownership(starts=np.concatenate([first, later]), owners=np.stack(epochs))
