"""Dagster project of the warehouse: ingestion → dbt → checks → publish, one `Definitions`."""
