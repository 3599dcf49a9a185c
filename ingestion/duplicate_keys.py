"""Two different rows with the same key in one file are never collapsed in silence.

Staging keeps one version per key; two rows of one load with the same key and different values
would so lose one of them without a word (two 商机 named alike, a key column badly chosen). Both
rows go to the quarantine, each naming the other's row number, and neither is loaded: which one
is right only the person exporting can say. Exact repeats of a row stay (they say the same thing).
Entities whose rows repeat their key by design (order headers repeated on each product line) are
marked ``repeated_rows`` in their profile and not checked.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingestion.detect import ColumnMatch
from ingestion.errors import QuarantineRow
from ingestion.profiles import Profile
from ingestion.sql import quote

SHOWN_ROWS = 5


def quarantine_duplicate_keys(written: Path, profile: Profile, match: ColumnMatch, headers: list[str],
                              file_name: str) -> list[QuarantineRow]:
    """Remove the rows of ``written`` (the typed Parquet of one file) whose key another, different
    row carries too, and return them as quarantine rows. The key is the profile's key columns the
    file has (a name alone when the export carries no number)."""
    key = [c for c in profile.key if c in match.index]
    if profile.repeated_rows or not key:
        return []
    columns = ", ".join(f'"{c.name}"' for c in profile.columns)
    key_sql = ", ".join(f'"{c}"' for c in key)
    present = " and ".join(f'"{c}" is not null' for c in key)
    source = f"read_parquet({quote(written.as_posix())})"
    # keys that repeat first (a grouping of the key columns alone); the rows are compared whole
    # only for those, which in most files are none. The file is read twice rather than held.
    with duckdb.connect() as con:
        clashes = con.execute(f"""
            select {key_sql}, list(_source_row order by _source_row) as source_rows
            from {source} semi join (
                select {key_sql} from {source} where {present} group by {key_sql} having count(*) > 1
            ) as repeated using ({key_sql})
            group by {key_sql}
            having count(distinct struct_pack({columns})) > 1
        """).fetchall()
    if not clashes:
        return []
    key_headers = " + ".join(headers[match.index[c]] for c in key)
    quarantined = []
    for *values, rows in clashes:
        shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS]) + (" …" if len(rows) > SHOWN_ROWS else "")
        value = " + ".join(str(v) for v in values)
        quarantined += [QuarantineRow(
            file_name, row, key_headers, value,
            f"duplicate key: rows {shown} carry {key_headers} {value!r} with different values; none is loaded "
            f"(the export's own id or number, when it has one, tells them apart)") for row in rows]
    _drop_rows(written, [q.row for q in quarantined])
    return quarantined


def _drop_rows(written: Path, source_rows: list[int]) -> None:
    """Rewrite the file without these rows, batch by batch, in its own schema."""
    drop = pa.array(source_rows, pa.int64())
    partial = written.with_suffix(".dedup.parquet")
    source = pq.ParquetFile(written)
    with pq.ParquetWriter(partial, source.schema_arrow, compression="zstd", use_dictionary=False,
                          write_statistics=False) as writer:
        for batch in source.iter_batches():
            writer.write_batch(batch.filter(pc.invert(pc.is_in(batch.column("_source_row"), value_set=drop))))
    partial.replace(written)
