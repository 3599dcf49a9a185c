"""Small helpers for the SQL the engine writes: quoting only, kept in one place."""

from __future__ import annotations


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(items: list[str]) -> str:
    """A DuckDB list literal of strings."""
    return "[" + ", ".join(quote(i) for i in items) + "]"
