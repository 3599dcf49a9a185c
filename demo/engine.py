"""The month loop: simulate one month of every fact, hand it to the sinks, forget it.

Sinks are the file writers and the truth collector; both see the very same records, which
is what makes the truth the truth of the files. Memory stays bounded by one month's records
plus the static world, whatever the scale.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol, Sequence

import pandas as pd

from .activities import simulate_activities
from .fulfilment import simulate_fulfilment
from .ledger import Ledger
from .pipeline import simulate_pipeline
from .planning import Plan, build_plan
from .records import Records
from .sales import simulate_orders
from .service import simulate_cases, simulate_surveys
from .world import RunState, World, build_world


@dataclass(frozen=True)
class MonthBatch:
    """Everything that happened in one month (opportunities: those created for or in it)."""

    orders: Records
    order_lines: Records
    opportunities: Records
    stage_history: Records
    quotes: Records
    deliveries: Records
    payments: Records
    activities: Records
    cases: Records
    surveys: Records

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


class Sink(Protocol):
    """Receives each month's records, then the end-of-run world, state and plan."""

    def add(self, world: World, batch: MonthBatch) -> None: ...

    def finish(self, world: World, state: RunState, plan: Plan) -> None: ...


def simulate_month(world: World, state: RunState, index: int) -> MonthBatch:
    """Orders first: opportunities, deliveries and payments follow from them."""
    orders, lines = simulate_orders(world, state, index)
    opportunities, history, quotes = simulate_pipeline(world, state, index, orders)
    deliveries, payments = simulate_fulfilment(world, index, orders)
    return MonthBatch(orders=orders, order_lines=lines, opportunities=opportunities, stage_history=history,
                      quotes=quotes, deliveries=deliveries, payments=payments,
                      activities=simulate_activities(world, state, index),
                      cases=simulate_cases(world, state, index), surveys=simulate_surveys(world, state, index))


def run(scale: float, seed: int, sinks: Sequence[Sink]) -> None:
    """Simulate the whole period month by month, feeding every sink."""
    world, state = build_world(scale, seed)
    ledger = Ledger()
    for index in range(len(world.months)):
        batch = simulate_month(world, state, index)
        ledger.add(pd.Period(world.months[index], "M"), batch.orders)
        for sink in sinks:
            sink.add(world, batch)
    plan = build_plan(world, ledger.actuals())
    for sink in sinks:
        sink.finish(world, state, plan)
