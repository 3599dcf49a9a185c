"""`generate`: write the demo company's exports, the way each source hands them over.

`out_dir/zoho/*.csv`, `out_dir/fxiaoke/*.xlsx` (or .csv when too long for a sheet) and
`out_dir/sheets/*` — each folder named for the ingestion source that reads it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .engine import MonthBatch, run
from .planning import Plan
from .world import RunState, World
from .writers.fxiaoke import FxiaokeWriter
from .writers.sheets import SheetsWriter
from .writers.tables import WrittenFile
from .writers.zoho import ZohoWriter


@dataclass(frozen=True)
class ManifestEntry:
    """One written file."""

    path: str  # relative to the output folder, e.g. `zoho/Sales_Orders.csv`
    rows: int  # data rows (header and title rows not counted)


@dataclass(frozen=True)
class Manifest:
    """What `generate` wrote: every file with its number of data rows."""

    out_dir: Path
    scale: float
    seed: int
    files: tuple[ManifestEntry, ...]

    def rows(self, path: str) -> int:
        """Data rows of one written file, by its relative path."""
        return next(entry.rows for entry in self.files if entry.path == path)

    def __str__(self) -> str:
        """One line per file, as the CLI prints it."""
        width = max(len(entry.path) for entry in self.files)
        lines = [f"demo exports (scale {self.scale:g}, seed {self.seed}) in {self.out_dir}"]
        lines += [f"  {entry.path:<{width}}  {entry.rows:>10,} rows" for entry in self.files]
        return "\n".join(lines)


class _FileSink:
    """Feeds every month to the three source writers and collects what they wrote."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.writers = (ZohoWriter(out_dir / "zoho"), FxiaokeWriter(out_dir / "fxiaoke"), SheetsWriter(out_dir / "sheets"))
        self.written: list[WrittenFile] = []

    def add(self, world: World, batch: MonthBatch) -> None:
        for writer in self.writers:
            writer.add(world, batch)

    def finish(self, world: World, state: RunState, plan: Plan) -> None:
        for writer in self.writers:
            self.written.extend(writer.finish(world, state, plan))


def generate(out_dir: Path, scale: float = 1.0, seed: int = 42) -> Manifest:
    """Write one coherent company's CRM exports and spreadsheets under `out_dir`.

    Same (scale, seed) → byte-identical files. Returns the files written with their row counts.
    """
    out_dir = Path(out_dir)
    sink = _FileSink(out_dir)
    run(scale, seed, [sink])
    entries = sorted((ManifestEntry(f.path.relative_to(out_dir).as_posix(), f.rows) for f in sink.written),
                     key=lambda entry: entry.path)
    return Manifest(out_dir=out_dir, scale=scale, seed=seed, files=tuple(entries))
