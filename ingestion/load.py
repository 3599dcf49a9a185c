"""The one generic load path: detect → read → type and validate → raw zone → ledger.

Every file is handled on its own: a file that cannot be read is rejected with a message naming
it and the problem, and the other files of the call still load.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingestion.archives import unpack
from ingestion.dates import LOCALE_DATES, DatePlan, plan_dates
from ingestion.deletions import count_deletions, max_delete_share
from ingestion.detect import ColumnMatch, match_entity
from ingestion.duplicate_keys import quarantine_duplicate_keys
from ingestion.errors import QuarantineRow, RejectedFile
from ingestion.ledger import (
    LoadRecord, file_digest, is_regular, loaded_hashes, record_load, record_quarantine, set_aside_unrecorded_loads,
)
from ingestion.profiles import Profile, ProfileError, normalise_header, profiles_for
from ingestion.progress import ProgressCallback, report, watch_query
from ingestion.raw_zone import ensure_raw_zone, entity_dir
from ingestion.readers import read_file
from ingestion.settings import Home, source_timezone
from ingestion.source_table import SourceTable
from ingestion.typing_pass import (
    PassCounts, extra_columns, extra_name, quarantine_rows, type_and_write, typed_columns, unreadable_rows,
)
from ingestion.unpivot import unpivot

EXPORT_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".json", ".zip"}
# A file without its entity's modified-time column (an optional audit column): the newest load wins.
LOAD_ORDER = "load order"
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
    sha256: str | None = None
    rows_deleted: int = 0  # records of the entity a full export marked deleted (ingestion.deletions)
    versions_by: str | None = None  # what orders this file's versions of a record: the modified-time column, or LOAD_ORDER


@dataclass(frozen=True)
class LoadContext:
    """What every file of one call shares."""

    profiles: list[Profile]
    home: Home
    batch_id: str
    full_export: bool
    accept_deletions: bool
    date_format: str | None
    progress: ProgressCallback | None

    @property
    def source(self) -> str:
        return self.profiles[0].source

    @property
    def tmp_dir(self) -> Path:
        """Transcoded copies, typed files before they move to the raw zone and DuckDB's spill
        files of this call, removed when it ends."""
        return self.home.tmp / self.batch_id

    def work_dir(self, load_id: str) -> Path:
        return self.tmp_dir / load_id


def new_batch_id() -> str:
    """Time-ordered, so that 'newest load' is a string comparison in dbt as well as here."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders walked in name order (hidden files and partial downloads skipped).
    Links and anything that is not a regular file are yielded too, to be refused by name."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for child in sorted(path.rglob("*")):
                if child.name.startswith((".", "~$")):
                    continue
                if not is_regular(child) and not (child.is_dir() and not child.is_symlink()):
                    yield child
                elif child.is_file() and child.suffix.lower() in EXPORT_SUFFIXES:
                    yield child
        else:
            yield path


def ingest_paths(
    source: str,
    paths: Iterable[Path | str],
    home: Home | None = None,
    *,
    full_export: bool = False,
    accept_deletions: bool = False,
    date_format: str | None = None,
    entity: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[FileResult]:
    """Load every export file under ``paths`` as ``source`` (a CRM name or a mapping file).

    Loads are incremental unless ``full_export``: only a full export infers deletions, and one
    that would delete too many records is refused unless ``accept_deletions``
    (:mod:`ingestion.deletions`).

    ``date_format`` sets the day-month order of slash dates (``%d/%m/%Y`` or Zoho's own
    notation ``dd/MM/yyyy``) instead of detecting it; ``progress`` receives
    :class:`ingestion.progress.Progress` events for a progress bar."""
    home = home or Home.from_env()
    profiles = profiles_for(SOURCE_ALIASES.get(source, source))
    if entity:
        profiles = [p for p in profiles if p.entity == entity] or _unknown_entity(source, entity)
    ensure_raw_zone(home)  # every shipped entity, so dbt reads a source not loaded yet
    ensure_raw_zone(home, profiles)  # and a user's mapping file's entities
    if unrecorded := set_aside_unrecorded_loads(home, profiles[0].source, [p.entity for p in profiles]):
        print(f"warning: {len(unrecorded)} file(s) of {profiles[0].source} loads killed before their ledger row"
              f" set aside in {home.root / 'unrecorded'}; their exports load again", file=sys.stderr)
    context = LoadContext(profiles, home, new_batch_id(), full_export, accept_deletions, date_format, progress)
    already = loaded_hashes(home, context.source, date_format)
    results: list[FileResult] = []
    records: dict[str, LoadRecord] = {}
    try:
        for index, (path, refused) in enumerate(_unpacked(expand_paths(Path(p) for p in paths), context)):
            load_id = f"{context.batch_id}-{index:04d}"
            result, record = (_refused(path, context, load_id, refused) if refused
                              else _ingest_file(path, context, load_id, already))
            if result.status == "loaded" and result.sha256 and result.load_id:
                already[result.sha256] = result.load_id  # a copy later in the same call is a repeat too
                records[result.load_id] = record
            results.append(result)
        if full_export:
            _guard_deletions(context, results, records)
    finally:
        shutil.rmtree(context.tmp_dir, ignore_errors=True)
    return results


def _unpacked(paths: Iterable[Path], context: LoadContext) -> Iterator[tuple[Path, str | None]]:
    """Files as they come, a ZIP archive's members in its place (:mod:`ingestion.archives`),
    each with None; an archive refused comes with the reason, to be a rejected file of its own."""
    for number, path in enumerate(paths):
        if path.suffix.lower() != ".zip" or not is_regular(path):
            yield path, None
            continue
        try:
            members = unpack(path, context.tmp_dir / "archives" / f"{number:04d}" / path.name)
        except RejectedFile as exc:
            yield path, str(exc)
            continue
        yield from ((member, None) for member in members)


def _refused(path: Path, context: LoadContext, load_id: str, reason: str) -> tuple[FileResult, LoadRecord]:
    """A file refused before anything of it is read: a ledger row with its reason."""
    digest = file_digest(path)
    result = FileResult(path, context.source, "rejected", load_id=load_id, sha256=digest, message=f"{path}: {reason}")
    return result, _record(path, context, result, None, digest, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))


def _guard_deletions(context: LoadContext, results: list[FileResult], records: dict[str, LoadRecord]) -> None:
    """Count what each entity's full batch deletes; refuse the batch (its files rejected, their
    raw Parquet removed) when that is more than the allowed share and not accepted. The count
    goes to the ledger on the entity's last file of the batch."""
    by_entity: dict[str, list[FileResult]] = {}
    for result in results:
        if result.status == "loaded" and result.entity:
            by_entity.setdefault(result.entity, []).append(result)
    for entity, loaded in by_entity.items():
        profile = next(p for p in context.profiles if p.entity == entity)
        if not profile.key or profile.full_export:  # a file full by nature is the whole set: nothing lost
            continue
        deletions = count_deletions(context.home, profile, context.batch_id)
        if deletions.too_many() and not context.accept_deletions:
            names = ", ".join(r.path.name for r in loaded)
            message = (
                f"{names}: refused: this full export of {profile.source}/{entity} would delete {deletions.deleted} of "
                f"{deletions.live} live records ({deletions.share:.1%}, more than SALESDW_MAX_DELETE_SHARE "
                f"{max_delete_share():.1%}). A truncated download or a filtered view? Load it without --full; "
                "if the records were really deleted in the CRM, load it again with --full --accept-deletions"
            )
            for result in loaded:
                Path(records[result.load_id].raw_path or "").unlink(missing_ok=True)
                result.status, result.message, result.rows_loaded = "rejected", message, 0
                record_load(context.home, replace(records[result.load_id], status="rejected", message=message,
                                                  rows_loaded=0, raw_path=None))
            continue
        last = loaded[-1]
        last.rows_deleted = deletions.deleted
        record_load(context.home, replace(records[last.load_id], rows_deleted=deletions.deleted,
                                          deletions_accepted=context.accept_deletions and deletions.too_many()))


def _unknown_entity(source: str, entity: str):
    raise ProfileError(f"source {source!r} has no entity {entity!r}")


def _ingest_file(path: Path, context: LoadContext, load_id: str, already: dict[str, str]) -> tuple[FileResult, LoadRecord | None]:
    if not path.exists() and not path.is_symlink():
        return FileResult(path, context.source, "rejected", message=f"{path}: file not found"), None
    digest = file_digest(path)
    if not is_regular(path):
        what = "a symbolic link" if path.is_symlink() else "not a regular file"
        return _refused(path, context, load_id, f"{what}; refused, not read (put the export file itself in the folder)")
    if digest in already:
        message = f"{path.name}: already loaded (load {already[digest]}), nothing changed"
        return FileResult(path, context.source, "skipped", load_id=already[digest], message=message, sha256=digest), None
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    table: SourceTable | None = None
    report(context.progress, path, "reading")
    try:
        known = set().union(*(p.known_headers() for p in context.profiles))
        table = read_file(path, known, normalise_header, context.work_dir(load_id),
                          lambda fraction: report(context.progress, path, "reading", fraction))
        profile, match = match_entity(context.profiles, table.headers, path.name)
        result = _load_table(table, profile, match, path, context, load_id, loaded_at)
    except RejectedFile as exc:
        result = FileResult(path, context.source, "rejected", load_id=load_id, message=f"{path}: {exc}")
    except Exception as exc:  # noqa: BLE001 — whatever breaks in one file (DuckDB memory, a reader's bug) rejects that file only
        cause = (str(exc).strip().splitlines() or [""])[0][:300]
        result = FileResult(path, context.source, "rejected", load_id=load_id,
                            message=f"{path}: could not be loaded ({type(exc).__name__}: {cause})")
    finally:
        if table is not None:
            table.con.close()
    result.sha256 = digest
    report(context.progress, path, "done")
    return result, _record(path, context, result, table, digest, loaded_at)


def _record(path: Path, context: LoadContext, result: FileResult, table: SourceTable | None, digest: str,
            loaded_at: dt.datetime) -> LoadRecord:
    record = LoadRecord(
        load_id=result.load_id or "", batch_id=context.batch_id, source=context.source, entity=result.entity,
        file_path=str(path.absolute()), file_name=path.name, sha256=digest, size_bytes=path.lstat().st_size,
        file_format=table.file_format if table else None, encoding=table.encoding if table else None,
        rows_read=result.rows_read, rows_loaded=result.rows_loaded, rows_quarantined=result.rows_quarantined,
        status=result.status, message=result.message,
        headers_seen=json.dumps(table.headers if table else [], ensure_ascii=False),
        columns_missing=json.dumps(result.columns_missing, ensure_ascii=False),
        columns_extra=json.dumps(result.columns_extra, ensure_ascii=False),
        is_full_export=_is_full(context, result.entity), loaded_at=loaded_at.isoformat(sep=" "),
        raw_path=str(_target(context, result)) if result.status == "loaded" else None,
        date_format=context.date_format, versions_by=result.versions_by,
    )
    record_quarantine(context.home, record, result.quarantine)
    record_load(context.home, record)
    return record


def _is_full(context: LoadContext, entity: str | None) -> bool:
    """Declared full for the call, or full by nature (profile ``full_export``: a roster sheet)."""
    return context.full_export or any(p.full_export for p in context.profiles if p.entity == entity)


def _target(context: LoadContext, result: FileResult) -> Path:
    profile = next(p for p in context.profiles if p.entity == result.entity)
    return entity_dir(context.home, profile) / f"{result.load_id}.parquet"


@dataclass(frozen=True)
class _Typed:
    """One typing of a file: its good rows' Parquet file, the counts, the quarantine."""

    written: Path
    counts: PassCounts
    quarantine: list[QuarantineRow]


def _typed_and_checked(table: SourceTable, profile: Profile, match: ColumnMatch, dates: DatePlan, path: Path,
                       context: LoadContext, lineage: dict[str, object], written: Path) -> _Typed:
    typed = typed_columns(profile, match, dates, source_timezone())
    with watch_query(table.con, context.progress, path, "typing"):
        counts = type_and_write(table, profile, match, typed, lineage, written)
    return _Typed(written, counts, quarantine_rows(table, match, typed, path.name) if counts.bad else [])


def _type_file(table: SourceTable, profile: Profile, match: ColumnMatch, path: Path, context: LoadContext,
               lineage: dict[str, object], work_dir: Path) -> _Typed:
    """Type the file. When its sample did not show the day-month order and dates failed, the
    rest of the file may show it: each order is tried, and one that quarantines fewer rows than
    every other wins; when both orders read the file equally, nothing decides and the setting
    holds (its failures stay in the quarantine, naming the order they were read in)."""
    date_columns = [f"c{match.index[c.name]}" for c in profile.columns if c.type in ("date", "timestamp") and c.name in match.index]
    plan = plan_dates(table.con, table.relation, date_columns, context.date_format, profile.default_date_format, source_timezone())
    setting = _typed_and_checked(table, profile, match, plan, path, context, lineage, work_dir / "typed.parquet")
    if plan.decided or not any(q.reason.startswith("not a valid date") for q in setting.quarantine):
        return setting
    trials = [
        _typed_and_checked(table, profile, match, plan.with_locale(order), path, context, lineage,
                           work_dir / f"typed-{index}.parquet")
        for index, order in enumerate(o for o in LOCALE_DATES if o != plan.locale_date)
    ]
    best = min(trials, key=lambda t: t.counts.bad)
    alone = [t.counts.bad for t in trials].count(best.counts.bad) == 1
    return best if alone and best.counts.bad < setting.counts.bad else setting


def _load_table(table: SourceTable, profile: Profile, match: ColumnMatch, path: Path, context: LoadContext,
                load_id: str, loaded_at: dt.datetime) -> FileResult:
    if match.wide:
        unpivot(table, match.wide, profile)
    lineage = {  # the same on every row; _source_row and _extra are the typing pass's
        "_source_system": profile.source,
        "_source_file": path.name,
        "_loaded_at": loaded_at,
        "_load_id": load_id,
        "_batch_id": context.batch_id,
        "_is_full_export": _is_full(context, profile.entity),
    }
    typed = _type_file(table, profile, match, path, context, lineage, context.work_dir(load_id))
    duplicates = quarantine_duplicate_keys(typed.written, profile, match, table.headers, path.name)
    target = entity_dir(context.home, profile) / f"{load_id}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    typed.written.replace(target)
    unreadable = unreadable_rows(table, profile, path.name)
    loaded, quarantined = typed.counts.loaded - len(duplicates), typed.counts.bad + len(duplicates) + len(unreadable)
    versions_by = None
    if profile.modified_at:
        versions_by = profile.modified_at if profile.modified_at in match.index else LOAD_ORDER
    return FileResult(
        path=path, source=profile.source, status="loaded", entity=profile.entity, versions_by=versions_by,
        rows_read=typed.counts.records + len(unreadable), rows_loaded=loaded, rows_quarantined=quarantined, load_id=load_id,
        message=f"{path.name}: {profile.entity}, {loaded} rows loaded, {quarantined} quarantined",
        quarantine=sorted(typed.quarantine + duplicates + unreadable, key=lambda q: (q.row, q.column)),
        columns_missing=match.missing_optional,
        columns_extra=[extra_name(table, i) for i in extra_columns(table, match)],
    )
