"""Independent random streams per part of the world.

Each component (customers, the orders of March 2025, …) draws from its own stream derived
from (seed, component, month). Changing how one component draws therefore never shifts the
numbers of another, and months can be generated one at a time in any process.
"""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, component: str, index: int = 0) -> np.random.Generator:
    """The generator of `component` (and of its `index`-th month) for `seed`."""
    key = zlib.crc32(component.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, key, index]))
