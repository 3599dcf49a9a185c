"""The demo company as one object: organisation, catalogue, customers, FX, and run state.

`World` holds what is fixed before the first order (built from the seed alone);
`RunState` holds what accumulates while months are simulated one after another (id
counters, each customer's first and last order), so a month never needs earlier months'
records in memory — the reason the generator can stream at any scale.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .catalog import Catalog, build_catalog
from .customers import Customers, build_customers
from .fx import FxRates, build_fx
from .ids import Sequence, ZohoIds
from .org import Org, build_org
from .randomness import stream
from .timeline import AS_OF, DATA_START, month_starts


@dataclass(frozen=True)
class World:
    """Everything fixed before the first month: built from (scale, seed) alone."""

    seed: int
    scale: float
    org: Org
    catalog: Catalog
    customers: Customers
    fx: FxRates
    months: tuple[date, ...]

    def rng(self, component: str, month_index: int = 0) -> np.random.Generator:
        """The random stream of `component` in the `month_index`-th month."""
        return stream(self.seed, component, month_index)


@dataclass
class RunState:
    """What later months need to know about earlier ones; per-customer arrays by customer number."""

    zoho_ids: ZohoIds
    first_order_day: np.ndarray  # first valid order, NaT before it
    last_order_day: np.ndarray
    last_activity_time: np.ndarray
    opportunity_count: np.ndarray  # numbers each customer's opportunity names
    so_numbers: Sequence = field(default_factory=lambda: Sequence("SO-", 7))
    case_numbers: Sequence = field(default_factory=lambda: Sequence("", 6))

    @classmethod
    def start(cls, zoho_ids: ZohoIds, customers: int) -> RunState:
        never = np.full(customers, np.datetime64("NaT"), dtype="datetime64[D]")
        return cls(zoho_ids=zoho_ids, first_order_day=never.copy(), last_order_day=never.copy(),
                   last_activity_time=never.astype("datetime64[s]"), opportunity_count=np.zeros(customers, dtype=int))


def build_world(scale: float, seed: int) -> tuple[World, RunState]:
    """The world and the empty state its months start from."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    zoho_ids = ZohoIds(stream(seed, "zoho-ids"))
    org = build_org(seed)
    customers = build_customers(seed, scale, org, zoho_ids)
    world = World(seed=seed, scale=scale, org=org, catalog=build_catalog(zoho_ids), customers=customers,
                  fx=build_fx(seed), months=tuple(month_starts(DATA_START, AS_OF)))
    return world, RunState.start(zoho_ids, len(customers))
