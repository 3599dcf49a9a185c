"""The canonical CRM entities (``canonical/crm.yml``): the shape a mapping file with
``canonical: true`` maps a CRM's exports onto, so that dbt's ``stg_crm__*`` models read every
such CRM without SQL of its own (docs/sources.md, "The canonical CRM entities").

A canonical mapping may map some of the entities and some of their columns; whatever it leaves
out is still a (null) raw column, and an entity it does not export still gets its zero-row
``_schema.parquet``: every canonical source then offers dbt the same tables and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ingestion.profiles import ColumnSpec, Profile, ProfileError, _column, load_yaml

CONTRACT = Path(__file__).parent / "canonical" / "crm.yml"


@dataclass(frozen=True)
class CanonicalEntity:
    name: str
    key: tuple[str, ...]
    modified_at: str
    columns: dict[str, ColumnSpec]
    repeated_rows: bool  # rows repeat the key by design (an order's lines)


@cache
def canonical_entities() -> dict[str, CanonicalEntity]:
    doc = load_yaml(CONTRACT.read_text(encoding="utf-8"))
    return {
        name: CanonicalEntity(
            name=name,
            key=tuple(body["key"]),
            modified_at=body["modified_at"],
            columns={c: _column(c, spec, CONTRACT, f"entities.{name}.columns.{c}") for c, spec in body["columns"].items()},
            repeated_rows=body.get("repeated_rows") is True,
        )
        for name, body in doc["entities"].items()
    }


def conform(profile: Profile) -> Profile:
    """The mapping's profile checked against the contract and completed with the canonical
    columns it does not map (no header: always null), in the contract's order."""
    entities = canonical_entities()
    where = f"{profile.origin}: entities.{profile.entity}"
    entity = entities.get(profile.entity)
    if entity is None:
        raise ProfileError(f"{where}: not a canonical CRM entity; use one of {sorted(entities)} (ingestion/canonical/crm.yml)")
    for column in profile.columns:
        expected = entity.columns.get(column.name)
        if expected is None:
            raise ProfileError(
                f"{where}.columns.{column.name}: not a canonical column of {entity.name}; use one of {sorted(entity.columns)}."
                " A custom field stays unmapped (kept in _extra) and reaches the marts through dbt var pass_through_columns"
            )
        if column.type != expected.type:
            raise ProfileError(f"{where}.columns.{column.name}: type {column.type!r}, the canonical type is {expected.type!r}")
    if profile.key not in ((), entity.key) or profile.modified_at not in (None, entity.modified_at):
        raise ProfileError(f"{where}: key and modified_at are the contract's: key {list(entity.key)}, modified_at {entity.modified_at}")
    mapped = {c.name: c for c in profile.columns}
    unmapped_required = [name for name, spec in entity.columns.items() if spec.required and name not in mapped]
    if unmapped_required:
        raise ProfileError(f"{where}: maps no header to the required column(s) {unmapped_required}")
    columns = tuple(
        replace(mapped[name], required=mapped[name].required or spec.required) if name in mapped else replace(spec, headers=())
        for name, spec in entity.columns.items()
    )
    return replace(profile, columns=columns, key=entity.key, modified_at=entity.modified_at, canonical=True,
                   repeated_rows=entity.repeated_rows)


def with_placeholders(profiles: list[Profile]) -> list[Profile]:
    """The profiles, plus an unmapped one for each canonical entity a canonical source lacks."""
    present = {(p.source, p.entity) for p in profiles}
    extra = [
        Profile(source=p.source, entity=e.name, description="", columns=tuple(replace(c, headers=()) for c in e.columns.values()),
                key=e.key, modified_at=e.modified_at, file_hints=(), default_date_format=p.default_date_format,
                origin=p.origin, canonical=True, repeated_rows=e.repeated_rows)
        for p in {p.source: p for p in profiles if p.canonical}.values()
        for e in canonical_entities().values()
        if (p.source, e.name) not in present
    ]
    return profiles + extra
