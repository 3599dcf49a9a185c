"""Reads CRM exports (Zoho CRM, 纷享销客 Fxiaoke, spreadsheets, any CRM through a mapping file)
into the append-only Parquet raw zone, with a load ledger and a quarantine of bad rows.

The one generic path lives in :mod:`ingestion.load`; what differs between CRMs is data, in
``ingestion/profiles/<source>.yml`` and ``ingestion/mappings/*.yml``.
"""

from ingestion.load import FileResult, ingest_paths

__all__ = ["FileResult", "ingest_paths"]
