"""Profiles: per source entity, which export headers map to which canonical raw column, with
its type and whether it is required. Loaded from ``profiles/<source>.yml`` (CRMs we ship) and
``mappings/*.yml`` or a user's mapping file (any other CRM) — both have the same shape, and
docs/sources.md is the field reference.

A malformed file raises :class:`ProfileError` naming the file and the place, at load time: a
user's mapping file is checked before any export is touched.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).parent / "profiles"
MAPPING_DIR = Path(__file__).parent / "mappings"
COLUMN_TYPES = {"id", "text", "int", "decimal", "money", "percent", "date", "timestamp", "bool"}
PERCENT_SCALES = {"points", "fraction"}
# Keys a file may use: a typo (`header:` for `headers:`) is an error, not a silently ignored key.
FILE_KEYS = {"source", "description", "default_date_format", "entities", "common_columns", "canonical"}
ENTITY_KEYS = {"description", "file_hints", "key", "modified_at", "columns", "unpivot", "footer_starts", "repeated_rows",
              "full_export"}
COLUMN_KEYS = {
    "headers", "type", "required", "percent_scale", "allow_negative", "not_in_future", "allowed", "pattern", "description",
    "keep_chars",
}
UNPIVOT_KEYS = {"into", "value", "template", "inputs", "labels"}


class ProfileError(ValueError):
    """A profile or mapping file is malformed; raised at load time, naming the file."""


def normalise_header(header: object) -> str:
    """Compare headers as a person would: width-, case-, underscore- and space-insensitive.

    NFKC folds full-width letters and brackets (``（`` → ``(``), so Chinese-keyboard headers
    match; ``Deal_Name`` (API) matches ``Deal Name`` (export)."""
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "")
    text = text.replace("_", " ").strip().lower()
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    headers: tuple[str, ...]
    type: str
    required: bool = False
    percent_scale: str = "points"
    allow_negative: bool = False
    not_in_future: bool = False
    allowed: tuple[str, ...] = ()
    pattern: str | None = None  # a text value must match it whole (e.g. Salesforce 15/18-char ids)
    keep_chars: int | None = None  # keep the first n characters (an 18-char Salesforce id is its 15-char id + checksum)


@dataclass(frozen=True)
class WideLayout:
    """A spreadsheet that spreads one profile column over many columns (``1月 … 12月``): each
    such cell becomes a row, with ``into`` built from ``template`` and the cell in ``value``."""

    into: str
    value: str
    template: str  # "{year}-{label}": input names and {label}
    inputs: dict[str, tuple[str, ...]]  # template name → header aliases
    labels: dict[str, tuple[str, ...]]  # label → header aliases of the columns that carry it


@dataclass(frozen=True)
class Profile:
    source: str
    entity: str
    description: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    modified_at: str | None
    file_hints: tuple[str, ...]
    default_date_format: str
    origin: Path = field(compare=False)
    wide_layout: WideLayout | None = None
    footer_starts: str | None = None  # regex: a one-cell row matching it starts a report footer
    repeated_rows: bool = False  # rows repeat the key by design (an order's header on each line): no duplicate-key check
    full_export: bool = False  # every file of the entity is the whole set by nature (a roster sheet): always a full load
    canonical: bool = False  # a canonical CRM entity (ingestion/canonical/crm.yml): dbt's stg_crm__* read it

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    def known_headers(self) -> set[str]:
        """Every header this profile recognises, normalised: finds the header row of a sheet."""
        aliases = [h.split("#")[0] for c in self.columns for h in c.headers]
        if self.wide_layout:
            aliases += [h for group in (self.wide_layout.inputs, self.wide_layout.labels) for hs in group.values() for h in hs]
        return {normalise_header(h) for h in aliases}


def _fail(origin: Path, where: str, problem: str) -> ProfileError:
    return ProfileError(f"{origin}: {where}: {problem}")


def _mapping(value: object, origin: Path, where: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(origin, where, f"expected a mapping, found {type(value).__name__}")
    return value


def _strings(value: object, origin: Path, where: str) -> tuple[str, ...]:
    """A list of strings, or one string (``headers: Amount`` is read as ``[Amount]``)."""
    if isinstance(value, (str, int)):
        return (str(value),)
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise _fail(origin, where, "expected a list of names")
    return tuple(str(v) for v in value)


def _unknown_keys(body: dict, allowed: set[str], origin: Path, where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _fail(origin, where, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _regex(pattern: object, origin: Path, where: str) -> str:
    try:
        re.compile(str(pattern))
    except re.error as exc:
        raise _fail(origin, where, f"invalid regular expression {pattern!r}: {exc}") from exc
    return str(pattern)


def _column(name: str, spec: object, origin: Path, where: str) -> ColumnSpec:
    spec = _mapping(spec if spec is not None else {}, origin, where)
    _unknown_keys(spec, COLUMN_KEYS, origin, where)
    kind = spec.get("type", "text")
    if kind not in COLUMN_TYPES:
        raise _fail(origin, where, f"unknown type {kind!r}; use one of {sorted(COLUMN_TYPES)}")
    scale = spec.get("percent_scale", "points")
    if scale not in PERCENT_SCALES:
        raise _fail(origin, where, f"percent_scale must be one of {sorted(PERCENT_SCALES)}")
    for flag in ("required", "allow_negative", "not_in_future"):
        if not isinstance(spec.get(flag, False), bool):
            raise _fail(origin, where, f"{flag} must be true or false")
    keep = spec.get("keep_chars")
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1 or kind not in ("id", "text")):
        raise _fail(origin, where, "keep_chars must be a positive whole number, on an id or text column")
    return ColumnSpec(
        name=name,
        headers=_strings(spec.get("headers", [name]), origin, f"{where}.headers"),
        type=kind,
        required=spec.get("required", False),
        percent_scale=scale,
        allow_negative=spec.get("allow_negative", False),
        # created/modified/activity times cannot lie in the future; dates (closing dates) may
        not_in_future=spec.get("not_in_future", kind == "timestamp"),
        allowed=_strings(spec.get("allowed", []), origin, f"{where}.allowed"),
        pattern=_regex(spec["pattern"], origin, f"{where}.pattern") if "pattern" in spec else None,
        keep_chars=keep,
    )


def _wide_layout(body: object, columns: dict[str, ColumnSpec], origin: Path, where: str) -> WideLayout:
    body = _mapping(body, origin, where)
    _unknown_keys(body, UNPIVOT_KEYS, origin, where)
    missing = sorted(UNPIVOT_KEYS - set(body))
    if missing:
        raise _fail(origin, where, f"needs {missing}")
    for role in ("into", "value"):
        if body[role] not in columns:
            raise _fail(origin, f"{where}.{role}", f"{body[role]!r} is not a column of the entity")
    inputs = {str(k): _strings(v, origin, f"{where}.inputs.{k}") for k, v in _mapping(body["inputs"], origin, f"{where}.inputs").items()}
    labels = {str(k): _strings(v, origin, f"{where}.labels.{k}") for k, v in _mapping(body["labels"], origin, f"{where}.labels").items()}
    names = {f for _, f, _, _ in string.Formatter().parse(str(body["template"])) if f is not None}
    if not names <= set(inputs) | {"label"}:
        raise _fail(origin, f"{where}.template", f"names {sorted(names - set(inputs) - {'label'})} are not inputs")
    return WideLayout(into=body["into"], value=body["value"], template=str(body["template"]), inputs=inputs, labels=labels)


def _profile(source: str, entity: str, body: object, date_format: str, origin: Path) -> Profile:
    where = f"entities.{entity}"
    body = _mapping(body, origin, where)
    _unknown_keys(body, ENTITY_KEYS, origin, where)
    raw_columns = _mapping(body.get("columns") or {}, origin, f"{where}.columns")
    if not raw_columns:
        raise _fail(origin, where, "declares no columns")
    columns = {name: _column(name, spec, origin, f"{where}.columns.{name}") for name, spec in raw_columns.items()}
    key = _strings(body.get("key", []), origin, f"{where}.key")
    unknown = [k for k in key + ((body["modified_at"],) if body.get("modified_at") else ()) if k not in columns]
    if unknown:
        raise _fail(origin, where, f"key/modified_at name unknown columns {unknown}")
    return Profile(
        source=source,
        entity=str(entity),
        description=str(body.get("description", "")).strip(),
        columns=tuple(columns.values()),
        key=key,
        modified_at=body.get("modified_at"),
        file_hints=_strings(body.get("file_hints", []), origin, f"{where}.file_hints"),
        default_date_format=date_format,
        origin=origin,
        wide_layout=_wide_layout(body["unpivot"], columns, origin, f"{where}.unpivot") if "unpivot" in body else None,
        footer_starts=_regex(body["footer_starts"], origin, f"{where}.footer_starts") if "footer_starts" in body else None,
        repeated_rows=body.get("repeated_rows") is True,
        full_export=body.get("full_export") is True,
    )


def load_yaml(text: str) -> Any:
    """YAML's safe subset through libyaml where PyYAML was built with it: the shipped profiles
    are read at every start-up, and the pure-Python parser took a tenth of a second on them."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse_profile_file(path: Path) -> list[Profile]:
    """Read one YAML file of profiles (``source`` + ``entities``)."""
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot read mapping file: {exc}") from exc
    if not isinstance(doc, dict) or not doc.get("source") or not isinstance(doc.get("entities"), dict) or not doc["entities"]:
        raise ProfileError(f"{path}: a mapping file needs `source:` and an `entities:` mapping")
    _unknown_keys(doc, FILE_KEYS, path, "top level")
    source = str(doc["source"])
    if not re.fullmatch(r"[a-z][a-z0-9_]*", source):
        raise _fail(path, "source", f"{source!r} must be lower-case letters, digits and _ (it names a raw-zone folder)")
    date_format = str(doc.get("default_date_format", "%Y-%m-%d"))
    profiles = [_profile(source, str(entity), body, date_format, path) for entity, body in doc["entities"].items()]
    if doc.get("canonical") not in (None, False, True):
        raise _fail(path, "canonical", "must be true or false")
    if doc.get("canonical") is True:
        from ingestion.canonical import conform  # the contract is itself read with _column

        return [conform(profile) for profile in profiles]
    return profiles


@cache
def shipped_profiles() -> tuple[Profile, ...]:
    """Every profile the project ships: the CRM profiles and the bundled mapping files."""
    files = sorted(PROFILE_DIR.glob("*.yml")) + sorted(MAPPING_DIR.glob("*.yml"))
    return tuple(p for f in files for p in parse_profile_file(f))


def profiles_for(source: str) -> list[Profile]:
    """Profiles of a source name (``zoho``, ``fxiaoke``, ``sheets``, ``salesforce``…) or of a
    mapping file given by path."""
    path = Path(source)
    if path.suffix in {".yml", ".yaml"}:
        if not path.is_file():
            raise ProfileError(f"{path}: mapping file not found")
        return parse_profile_file(path)
    found = [p for p in shipped_profiles() if p.source == source]
    if not found:
        known = sorted({p.source for p in shipped_profiles()})
        raise ProfileError(f"unknown source {source!r}: use one of {known} or a mapping file (.yml)")
    return found
