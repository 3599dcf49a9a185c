"""Record identifiers as the CRMs hand them out.

Zoho record ids are 19-digit numbers behind an org prefix, exported as `zcrm_<digits>`;
they grow with creation order but are not consecutive. Auto-numbers (SO Number, Case
Number) are plain sequences. Both are stateful, so records must be created in a fixed order.
"""
from __future__ import annotations

import numpy as np

#: Zoho org prefix followed by zeros, as in zcrm_4876876000000123456.
_ZOHO_FIRST_ID = 4_876_876_000_000_100_000


class ZohoIds:
    """Allocator of Zoho record ids (strings `zcrm_…`), increasing with gaps of 1–40."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._last = _ZOHO_FIRST_ID

    def take(self, n: int) -> np.ndarray:
        ids = self._last + np.cumsum(self._rng.integers(1, 41, n, dtype=np.int64))
        if n:
            self._last = int(ids[-1])
        return np.array([f"zcrm_{i}" for i in ids], dtype=object)


class Sequence:
    """An auto-number field: `prefix` + zero-padded running number."""

    def __init__(self, prefix: str, width: int) -> None:
        self._prefix, self._width, self._last = prefix, width, 0

    def take(self, n: int) -> np.ndarray:
        numbers = range(self._last + 1, self._last + n + 1)
        self._last += n
        return np.array([f"{self._prefix}{i:0{self._width}d}" for i in numbers], dtype=object)


def monthly_numbers(prefix: str, month: np.datetime64, n: int) -> np.ndarray:
    """Fxiaoke-style numbers that restart every month: `SO-202403-000001`."""
    stem = f"{prefix}-{str(month)[:7].replace('-', '')}-"
    return np.array([f"{stem}{i:06d}" for i in range(1, n + 1)], dtype=object)
