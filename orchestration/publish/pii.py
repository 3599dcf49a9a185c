"""Personal data masked for BI: which public columns hold it is set per column in the dbt YAML
(``config: {meta: {pii: <kind>}}``), and the publish step writes each such column masked into
``sales.duckdb`` and the Parquet export. The raw zone and the build database keep the values
as exported (for matching customers and for the people allowed to see them).

Kinds:
- ``phone``: ``***`` and the last four digits (``***8000``), enough to tell numbers apart on a call list;
- ``email``: the first letter and the domain (``w***@example.com``);
- ``hash``: 16 hex digits of the SHA-256 of the trimmed value and ``SALESDW_PII_SALT`` — equal
  values stay equal, so the column still joins (ID and tax numbers);
- ``redact``: ``***`` (street addresses, free text).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ingestion.sql import quote

Masks = dict[str, dict[str, str]]  # table → column → kind
KINDS = ("phone", "email", "hash", "redact")


def mask_expression(column: str, kind: str) -> str:
    """SQL of the masked value of ``column`` (an identifier); NULL stays NULL."""
    if kind == "phone":
        masked = f"'***' || right(regexp_replace({column}, '[^0-9]', '', 'g'), 4)"
    elif kind == "email":
        masked = (f"case when position('@' in {column}) > 1 then left({column}, 1) || '***' || substr({column}, position('@' in {column}))"
                  " else '***' end")
    elif kind == "hash":
        masked = f"left(sha256({quote(os.environ.get('SALESDW_PII_SALT', ''))} || trim({column})), 16)"
    elif kind == "redact":
        masked = "'***'"
    else:
        raise ValueError(f"unknown pii kind {kind!r} (one of {', '.join(KINDS)})")
    return f"case when {column} is null then null else {masked} end"


def pii_masks(manifest_path: Path | None = None) -> Masks:
    """Table → column → kind, from the ``pii`` meta of the dbt models' columns."""
    if manifest_path is None:
        from orchestration.dbt.project import ensure_manifest

        manifest_path = ensure_manifest()
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    masks: Masks = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for name, column in node.get("columns", {}).items():
            kind = column.get("meta", {}).get("pii") or column.get("config", {}).get("meta", {}).get("pii")
            if kind:
                mask_expression("x", kind)  # an unknown kind fails here, before anything is published
                masks.setdefault(node.get("alias") or node["name"], {})[name] = kind
    return masks
