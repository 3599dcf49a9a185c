"""What a build is made of, so that a night with nothing new costs seconds, not a build.

The marts are a function of four things: the raw zone (append-only Parquet, one file per load,
deletions included as full-export batches), the dbt project (models, seeds, macros, snapshots),
the publish code that masks and exports them, and the settings that reach the SQL. Their
fingerprint is written beside the build database after a successful ``dbt build`` and copied
into the manifest of the version it is published as. When the fingerprint of the next run
equals the published one, the build would reproduce the published marts, so it is skipped and
the published version stands.

A narrower part of it decides how to build: incremental models keep the rows that earlier builds
wrote, with the code and settings of those builds. When what writes model rows (models, seeds,
snapshots, macros other than data tests', the dbt settings and profile, the engines' versions) or
a setting that reaches the SQL differs from that of the last build that completed in this build
database, every incremental model is rebuilt from the raw zone (``dbt build --full-refresh``),
so no published row comes from SQL that is no longer the project's. An edited data test, publish
code or masking salt changes no stored row: such a night builds incrementally.

One input is the day itself: ``int_reps.is_current`` compares assignments with today's date. A
new day changes the marts only when an assignment ended between the published build's day and
today; that is checked in the build database, and such a night builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import duckdb

from ingestion.settings import Home
from orchestration.dbt.project import DBT_PROJECT_DIR, project_files

PUBLISH_CODE_DIR = Path(__file__).resolve().parents[1] / "publish"
# Settings that change what the SQL or the publish writes. Paths and log levels do not; the
# masking salt is hashed with everything else, never written out.
SETTINGS = ("SALESDW_TIMEZONE", "SALESDW_MAX_DELETE_SHARE", "SALESDW_PII_SALT", "SALESDW_DBT_TARGET")
# Those of them that reach the rows of the models (the others reach data tests or the publish).
MODEL_SETTINGS = ("SALESDW_TIMEZONE", "SALESDW_DBT_TARGET")
INPUTS_FILE = "inputs.json"
# The code and settings of the last build that completed: what the incremental models' rows were
# built with. Unlike inputs.json it is not removed when a build starts, so a build that fails
# half-way through a full refresh is refreshed again the next night.
INCREMENTAL_BASE_FILE = "incremental_base.json"
REFRESH_KEYS = {"model_code": "the dbt models, seeds, macros or their engines",
                "model_settings": "a setting that reaches the SQL"}
# Folders of the dbt project whose files write no model row: data tests and analyses.
NOT_MODEL_CODE = ("tests", "analyses", "macros/tests")
# Written into a run's dbt artifacts when its build was a full refresh: the reason, for the summary.
FULL_REFRESH_FILE = "full_refresh.txt"


def _hash_files(digest: "hashlib._Hash", root: Path, files: list[Path]) -> None:
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


ENGINES = ("dbt-core", "dbt-duckdb", "duckdb")


def _writes_model_rows(path: Path) -> bool:
    relative = path.relative_to(DBT_PROJECT_DIR).as_posix()
    return not any(relative.startswith(f"{folder}/") for folder in NOT_MODEL_CODE)


def code_versions() -> tuple[str, str]:
    """Hashes (content, not modification time) of what writes the models' rows — the dbt
    project without its data tests, and the engines' versions — and of all the code a build
    runs: that, the data tests and the publish code."""
    model_code = hashlib.sha256()
    model_code.update(" ".join(f"{name}=={metadata.version(name)}" for name in ENGINES).encode())
    files = project_files()
    _hash_files(model_code, DBT_PROJECT_DIR, [f for f in files if _writes_model_rows(f)])
    code = hashlib.sha256(model_code.digest())
    _hash_files(code, DBT_PROJECT_DIR, [f for f in files if not _writes_model_rows(f)])
    _hash_files(code, PUBLISH_CODE_DIR, list(PUBLISH_CODE_DIR.glob("*.py")))
    return model_code.hexdigest(), code.hexdigest()


def _settings_version(names: tuple[str, ...]) -> str:
    return hashlib.sha256(json.dumps({k: os.environ.get(k) for k in names}, sort_keys=True).encode()).hexdigest()


def raw_zone_version(home: Home) -> str:
    """Hash of the raw zone's file names and sizes: files are written once under a new load id
    and never rewritten, so a new load, a full export (deletions) or a purge changes it."""
    digest = hashlib.sha256()
    if home.raw.is_dir():
        for path in sorted(home.raw.rglob("*.parquet")):
            digest.update(f"{path.relative_to(home.raw)}\0{path.stat().st_size}\n".encode())
    return digest.hexdigest()


def build_inputs(home: Home, today: dt.date | None = None) -> dict[str, str]:
    model_code, code = code_versions()
    return {
        "raw_zone": raw_zone_version(home),
        "code": code,
        "settings": _settings_version(SETTINGS),
        "model_code": model_code,
        "model_settings": _settings_version(MODEL_SETTINGS),
        "day": (today or dt.date.today()).isoformat(),
    }


def inputs_path(home: Home) -> Path:
    return home.build_db.parent / INPUTS_FILE


def forget_built_inputs(home: Home) -> None:
    """Called before a build: a failed or killed build leaves no fingerprint to be published."""
    inputs_path(home).unlink(missing_ok=True)


def record_built_inputs(home: Home, inputs: dict[str, str]) -> None:
    """After a build that completed: the fingerprint the publish copies, and the base of the
    incremental models."""
    inputs_path(home).write_text(json.dumps(inputs, indent=1), encoding="utf-8")
    base = {key: inputs[key] for key in REFRESH_KEYS}
    (home.build_db.parent / INCREMENTAL_BASE_FILE).write_text(json.dumps(base, indent=1), encoding="utf-8")


def full_refresh_reason(home: Home, current: dict[str, str]) -> str | None:
    """Why the incremental models must be rebuilt from the raw zone, or None when they may go on."""
    if not home.build_db.exists():
        return None  # a first build creates every model whole
    path = home.build_db.parent / INCREMENTAL_BASE_FILE
    if not path.exists():
        return "no build has completed in this build database with known code"
    base = json.loads(path.read_text(encoding="utf-8"))
    changed = [label for key, label in REFRESH_KEYS.items() if base.get(key) != current[key]]
    return f"{' and '.join(changed)} changed since the last completed build" if changed else None


def built_inputs(home: Home) -> dict[str, str] | None:
    path = inputs_path(home)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _assignments_ended_between(build_db: Path, start: dt.date, end: dt.date) -> int:
    """Rep assignments whose last day lies in [start, end): `is_current` differs between the two days."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute(
            "select count(*) from intermediate.int_reps where valid_to >= ? and valid_to < ?", [start, end]
        ).fetchone()[0]
    finally:
        con.close()


def unchanged_since(published: dict[str, str] | None, current: dict[str, str], build_db: Path) -> bool:
    """True when building now would reproduce the published marts."""
    if not published or not build_db.exists():
        return False
    if any(published.get(k) != current[k] for k in ("raw_zone", "code", "settings")):
        return False
    if published.get("day") == current["day"]:
        return True
    try:
        ended = _assignments_ended_between(build_db, dt.date.fromisoformat(published["day"]),
                                           dt.date.fromisoformat(current["day"]))
    except (duckdb.Error, KeyError, ValueError):
        return False  # a build database we cannot read is no proof of anything
    return ended == 0
