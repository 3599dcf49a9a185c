"""API pages as JSON: Zoho CRM REST (``{"data": [...], "info": {...}}``), the Fxiaoke OpenAPI
(``{"data": {"dataList": [...]}}``), HubSpot's CRM API v3 (``{"results": [{"id", "properties": {...}}],
"paging": {"next": {"after": …}}}``: properties read as ``properties.dealname``) or a bare list of records.

Nested objects are flattened to dotted headers (Zoho lookups ``{"name", "id"}`` become
``Account_Name.name`` and ``Account_Name.id``), which the profiles match like export headers.
An array of line objects (Zoho ``Product_Details``) becomes repeated rows — the shape of a CSV
export with line items — when the profiles name columns inside it; any other array is kept as
JSON text, so a record with tags is not multiplied by its tags.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.errors import RejectedFile
from ingestion.source_table import Normaliser, SourceTable

Row = dict[str, str | None]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False) if value else None
    return str(value)


def flatten_record(record: dict, prefix: str = "") -> Row:
    flat: Row = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update(flatten_record(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = _text(value)
    return flat


def _records(doc: object) -> list:
    """The record list of an API page: Zoho's ``data``, Fxiaoke's ``data.dataList``, HubSpot's
    ``results``, or a list."""
    for candidate in (doc, doc.get("data") if isinstance(doc, dict) else None):
        if isinstance(candidate, list):
            return candidate
        if isinstance(candidate, dict):
            for key in ("dataList", "data", "records", "result", "results"):
                if isinstance(candidate.get(key), list):
                    return candidate[key]
    raise RejectedFile("JSON holds no record list (expected `data`, `data.dataList` or a list)")


def json_rows(doc: object, is_line_list) -> Iterator[tuple[int, Row]]:
    """One row per record, or per line item where a record carries a line list."""
    for index, record in enumerate(_records(doc), start=1):
        if not isinstance(record, dict):
            raise RejectedFile(f"record {index} is not an object")
        lines = {k: v for k, v in record.items() if isinstance(v, list) and v and is_line_list(k)}
        base = flatten_record({k: v for k, v in record.items() if k not in lines})
        if not lines:
            yield index, base
        for key, items in lines.items():
            for item in items:
                yield index, {**base, **flatten_record(item if isinstance(item, dict) else {"": item}, f"{key}.")}


def read_json(con: duckdb.DuckDBPyConnection, path: Path, known: set[str], normalise: Normaliser) -> SourceTable:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RejectedFile(f"not valid JSON: {exc}") from exc
    prefixes = {h.split(".")[0] for h in known if "." in h}
    rows = list(json_rows(doc, lambda key: normalise(key) in prefixes))
    if not rows:
        raise RejectedFile("the JSON page holds no records")
    headers = list(dict.fromkeys(k for _, row in rows for k in row))
    names = [f"c{i}" for i in range(len(headers))]
    con.execute("create table src (" + ", ".join([f"{n} varchar" for n in names] + ["_row bigint"]) + ")")
    columns = {n: pa.array([r.get(h) for _, r in rows], pa.string()) for n, h in zip(names, headers)}
    columns["_row"] = pa.array([i for i, _ in rows], pa.int64())
    chunk = pa.table(columns)  # noqa: F841 — read by DuckDB's replacement scan below
    con.execute("insert into src select * from chunk")
    return SourceTable(con, "src", headers, "json", "utf-8", first_data_row=1)
