"""The one generic load path: detect → read → type and validate → raw zone → ledger.

Every file is handled on its own: a file that cannot be read is rejected with a message naming
it and the problem, and the other files of the call still load.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.detect import ColumnMatch, match_entity
from ingestion.errors import QuarantineRow, RejectedFile
from ingestion.ledger import LoadRecord, loaded_hashes, record_load, record_quarantine, sha256_of
from ingestion.profiles import Profile, normalise_header, profiles_for
from ingestion.raw_zone import LINEAGE_COLUMNS, ensure_raw_zone, entity_dir
from ingestion.readers import SourceTable, read_file
from ingestion.settings import Home, source_timezone
from ingestion.typing_sql import locale_date_choice, quote, typed_column

EXPORT_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".json"}
SOURCE_ALIASES = {"zoho-api": "zoho", "targets": "sheets", "market": "sheets"}


@dataclass
class FileResult:
    """What happened to one file; the CLI prints it and Dagster shows it as asset metadata."""

    path: Path
    source: str
    status: str  # loaded | skipped | rejected
    entity: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    load_id: str | None = None
    message: str = ""
    quarantine: list[QuarantineRow] = field(default_factory=list)
    columns_missing: list[str] = field(default_factory=list)
    columns_extra: list[str] = field(default_factory=list)


def new_batch_id() -> str:
    """Time-ordered, so that 'newest load' is a string comparison in dbt as well as here."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders walked in name order (hidden files and partial downloads skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in EXPORT_SUFFIXES and not child.name.startswith((".", "~$")):
                    yield child
        else:
            yield path


def ingest_paths(
    source: str,
    paths: Iterable[Path | str],
    home: Home | None = None,
    *,
    full_export: bool = True,
    date_format: str | None = None,
    entity: str | None = None,
) -> list[FileResult]:
    """Load every export file under ``paths`` as ``source`` (a CRM name or a mapping file)."""
    home = home or Home.from_env()
    profiles = profiles_for(SOURCE_ALIASES.get(source, source))
    if entity:
        profiles = [p for p in profiles if p.entity == entity] or _unknown_entity(source, entity)
    ensure_raw_zone(home)
    ensure_raw_zone(home, profiles)
    already = loaded_hashes(home)
    batch_id = new_batch_id()
    results = []
    for index, path in enumerate(expand_paths(Path(p) for p in paths)):
        load_id = f"{batch_id}-{index:04d}"
        results.append(_ingest_file(path, profiles, home, load_id, batch_id, already, full_export, date_format))
    return results


def _unknown_entity(source: str, entity: str):
    raise RejectedFile(f"source {source!r} has no entity {entity!r}")


def _ingest_file(
    path: Path,
    profiles: list[Profile],
    home: Home,
    load_id: str,
    batch_id: str,
    already: dict[str, str],
    full_export: bool,
    date_format: str | None,
) -> FileResult:
    source = profiles[0].source
    if not path.is_file():
        return FileResult(path, source, "rejected", message=f"{path}: file not found")
    digest = sha256_of(path)
    if digest in already:
        return FileResult(path, source, "skipped", load_id=already[digest], message=f"{path.name}: already loaded (load {already[digest]}), nothing changed")
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    table: SourceTable | None = None
    try:
        known = {normalise_header(h.split("#")[0]) for p in profiles for c in p.columns for h in c.headers}
        table = read_file(path, known, normalise_header, home.tmp)
        profile, match = match_entity(profiles, table.headers, path.name)
        result = _load_table(table, profile, match, path, home, load_id, batch_id, loaded_at, full_export, date_format)
    except RejectedFile as exc:
        result = FileResult(path, source, "rejected", load_id=load_id, message=f"{path}: {exc}")
    finally:
        if table is not None:
            table.con.close()
    record = LoadRecord(
        load_id=load_id, batch_id=batch_id, source=source, entity=result.entity,
        file_path=str(path.resolve()), file_name=path.name, sha256=digest, size_bytes=path.stat().st_size,
        file_format=table.file_format if table else None, encoding=table.encoding if table else None,
        rows_read=result.rows_read, rows_loaded=result.rows_loaded, rows_quarantined=result.rows_quarantined,
        status=result.status, message=result.message,
        headers_seen=json.dumps(table.headers if table else [], ensure_ascii=False),
        columns_missing=json.dumps(result.columns_missing, ensure_ascii=False),
        columns_extra=json.dumps(result.columns_extra, ensure_ascii=False),
        is_full_export=full_export, loaded_at=loaded_at.isoformat(sep=" "),
        raw_path=str(entity_dir(home, _profile_of(profiles, result.entity)) / f"{load_id}.parquet") if result.status == "loaded" else None,
    )
    record_quarantine(home, record, result.quarantine)
    record_load(home, record)
    return result


def _profile_of(profiles: list[Profile], entity: str | None) -> Profile:
    return next(p for p in profiles if p.entity == entity)


def _load_table(
    table: SourceTable,
    profile: Profile,
    match: ColumnMatch,
    path: Path,
    home: Home,
    load_id: str,
    batch_id: str,
    loaded_at: dt.datetime,
    full_export: bool,
    date_format: str | None,
) -> FileResult:
    con = table.con
    date_columns = [f"c{match.index[c.name]}" for c in profile.columns if c.type in ("date", "timestamp") and c.name in match.index]
    locale_date = locale_date_choice(con, date_columns, date_format or profile.default_date_format)
    zone = source_timezone()
    typed = {
        c.name: typed_column(c, f"c{match.index[c.name]}" if c.name in match.index else "cast(null as varchar)", locale_date, zone)
        for c in profile.columns
    }
    con.execute("create table parsed as select src.*, " + ", ".join(f"{t.expression} as {n}" for n, t in typed.items()) + " from src")
    failures = []
    for name, column in typed.items():
        header = table.headers[match.index[name]] if name in match.index else name
        raw = f"c{match.index[name]}" if name in match.index else "cast(null as varchar)"
        for condition, reason in column.checks:
            failures.append(f"select _row, {quote(header)} as col, {raw} as raw_value, {reason} as reason from parsed where {condition}")
    con.execute("create table failures as " + " union all ".join(failures) if failures else "create table failures (_row bigint, col varchar, raw_value varchar, reason varchar)")
    quarantine = [
        QuarantineRow(path.name, int(row), col, raw, reason)
        for row, col, raw, reason in con.execute("select * from failures order by _row, col").fetchall()
    ]
    quarantine += [QuarantineRow(path.name, line, "(row)", None, f"unreadable CSV row: {msg}") for line, msg in table.rejected_lines]
    extra = [i for i in range(len(table.headers)) if i not in match.index.values()]
    extra_json = (
        "json_object(" + ", ".join(f"{quote(table.headers[i] or f'column_{i + 1}')}, c{i}" for i in extra) + ")::varchar"
        if extra else "cast(null as varchar)"
    )
    lineage = {
        "_source_system": quote(profile.source),
        "_source_file": quote(path.name),
        "_source_row": "_row",
        "_loaded_at": f"timestamp {quote(loaded_at.isoformat(sep=' '))}",
        "_load_id": quote(load_id),
        "_batch_id": quote(batch_id),
        "_is_full_export": "true" if full_export else "false",
        "_extra": extra_json,
    }
    select = ", ".join([c.name for c in profile.columns] + [f"cast({expr} as {LINEAGE_COLUMNS[n]}) as {n}" for n, expr in lineage.items()])
    target = entity_dir(home, profile) / f"{load_id}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    con.execute(
        f"copy (select {select} from parsed where _row not in (select _row from failures) order by _row) "
        f"to '{partial.as_posix()}' (format parquet)"
    )
    rows_read = con.execute("select count(*) from src").fetchone()[0] + len(table.rejected_lines)
    rows_loaded = con.execute("select count(*) from read_parquet(?)", [partial.as_posix()]).fetchone()[0]
    os.replace(partial, target)
    bad_rows = len({q.row for q in quarantine})
    return FileResult(
        path=path, source=profile.source, status="loaded", entity=profile.entity, rows_read=rows_read,
        rows_loaded=rows_loaded, rows_quarantined=bad_rows, load_id=load_id,
        message=f"{path.name}: {profile.entity}, {rows_loaded} rows loaded, {bad_rows} quarantined",
        quarantine=quarantine, columns_missing=match.missing_optional,
        columns_extra=[table.headers[i] or f"column_{i + 1}" for i in extra],
    )
