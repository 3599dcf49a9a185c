"""Profiles: per source entity, which export headers map to which canonical raw column, with
its type and whether it is required. Loaded from ``profiles/<source>.yml`` (CRMs we ship) and
``mappings/*.yml`` or a user's mapping file (any other CRM) — both have the same shape."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

PROFILE_DIR = Path(__file__).parent / "profiles"
MAPPING_DIR = Path(__file__).parent / "mappings"
COLUMN_TYPES = {"id", "text", "int", "decimal", "money", "percent", "date", "timestamp", "bool"}


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

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _column(entity: str, name: str, spec: dict, origin: Path) -> ColumnSpec:
    kind = spec.get("type", "text")
    if kind not in COLUMN_TYPES:
        raise ProfileError(f"{origin}: {entity}.{name} has unknown type {kind!r}")
    headers = spec.get("headers") or [name]
    return ColumnSpec(
        name=name,
        headers=tuple(str(h) for h in headers),
        type=kind,
        required=bool(spec.get("required", False)),
        percent_scale=spec.get("percent_scale", "points"),
        allow_negative=bool(spec.get("allow_negative", False)),
        # created/modified/activity times cannot lie in the future; dates (closing dates) may
        not_in_future=bool(spec.get("not_in_future", kind == "timestamp")),
        allowed=tuple(str(v) for v in spec.get("allowed") or ()),
    )


def parse_profile_file(path: Path) -> list[Profile]:
    """Read one YAML file of profiles (``source`` + ``entities``)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot read mapping file: {exc}") from exc
    if not isinstance(doc, dict) or "source" not in doc or not isinstance(doc.get("entities"), dict):
        raise ProfileError(f"{path}: a mapping file needs `source:` and an `entities:` mapping")
    profiles = []
    for entity, body in doc["entities"].items():
        columns = body.get("columns") or {}
        if not columns:
            raise ProfileError(f"{path}: entity {entity!r} declares no columns")
        specs = tuple(_column(entity, name, spec or {}, path) for name, spec in columns.items())
        key = tuple(body.get("key") or ())
        unknown = [k for k in key if k not in columns]
        if unknown:
            raise ProfileError(f"{path}: entity {entity!r} key names unknown columns {unknown}")
        profiles.append(
            Profile(
                source=str(doc["source"]),
                entity=str(entity),
                description=str(body.get("description", "")).strip(),
                columns=specs,
                key=key,
                modified_at=body.get("modified_at"),
                file_hints=tuple(body.get("file_hints") or ()),
                default_date_format=str(doc.get("default_date_format", "%Y-%m-%d")),
                origin=path,
            )
        )
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
