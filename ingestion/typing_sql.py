"""Typing in SQL: for each profile type, the DuckDB expression that turns export text into a
typed value, and the checks whose failures send a row to quarantine.

Parsing runs inside DuckDB over the whole file at once, so a million-row export is typed at
DuckDB's speed rather than Python's. Each expression tries the plain form first (``1234.5``)
and the cleaning only where that fails: ``coalesce`` evaluates its later arguments only for the
rows still NULL, so separators, currency signs and units cost nothing on the rows without them.
A value that does not parse becomes NULL here, and the check ``raw is not null and typed is
null`` turns it into a quarantine row with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.dates import DatePlan
from ingestion.profiles import ColumnSpec
from ingestion.settings import max_cell_chars
from ingestion.sql import quote

SQL_TYPES = {
    "id": "varchar",
    "text": "varchar",
    "int": "bigint",
    "decimal": "decimal(18,6)",
    "money": "decimal(18,4)",
    "percent": "decimal(9,6)",
    "date": "date",
    "timestamp": "timestamp",
    "bool": "boolean",
}
TRUE_WORDS = ("是", "true", "yes", "y", "t", "1", "on", "√")
FALSE_WORDS = ("否", "false", "no", "n", "f", "0", "off", "×")
NUMBER = "decimal(18,6)"
# what people write around a number; `万` and `亿` scale it (1.5万 = 15 000, 6.2亿 = 620 000 000).
# Plain replace() calls, and only on values that are not plain numbers already.
NUMBER_NOISE = (",", "，", " ", "¥", "￥", "$", "€", "£", "元", "万", "亿")
CURRENCY_CODE = "^[A-Z]{3}|[A-Z]{3}$"  # USD 1,000.00 (Salesforce), 1000 CNY, RMB


@dataclass(frozen=True)
class TypedColumn:
    """The typed expression of one column and the quarantine checks that go with it."""

    expression: str
    checks: list[tuple[str, str]]  # (SQL condition on the parsed row, reason as SQL text)


def _number(value: str) -> str:
    """A number as people write it: ``1,234.50``, ``¥1,234``, ``1.5万元`` (×10 000), ``6.2亿``."""
    cleaned = f"regexp_replace({value}, {quote(CURRENCY_CODE)}, '', 'g')"
    for noise in NUMBER_NOISE:
        cleaned = f"replace({cleaned}, {quote(noise)}, '')"
    unit = f"case when {value} like '%万%' then 10000 when {value} like '%亿%' then 100000000 else 1 end"
    scaled = f"try_cast({cleaned} as {NUMBER}) * ({unit})"
    return f"coalesce(try_cast({value} as {NUMBER}), {scaled})"


def _percent(value: str, points: bool) -> str:
    """``30%`` → 0.30 always; a bare number by the column's scale (``points``: 30 → 0.30)."""
    bare = _number(value) + (" / 100" if points else "")
    with_sign = _number(f"replace({value}, '%', '')") + " / 100"
    return f"case when {value} like '%\\%' escape '\\' then {with_sign} else {bare} end"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(quote(w) for w in words)


def typed_column(spec: ColumnSpec, raw: str, dates: DatePlan, timezone: str) -> TypedColumn:
    """``raw`` is a SQL expression of the cell text."""
    # trim only the cells that need it: trimming every cell costs more than typing most columns
    value = f"nullif(case when prefix({raw}, ' ') or suffix({raw}, ' ') then trim({raw}) else {raw} end, '')"
    name = spec.name
    kind = spec.type
    # CASE, not AND: DuckDB then looks at the cell text only where the typed value is NULL
    unparsed = f"case when {name} is null then {value} is not null else false end"
    checks: list[tuple[str, str]] = []
    if kind in ("id", "text"):
        expression = f"left({value}, {spec.keep_chars})" if spec.keep_chars else value
        limit = max_cell_chars()
        checks.append((f"length({name}) > {limit}", quote(f"longer than {limit:,} characters (setting SALESDW_MAX_CELL_CHARS)")))
        if spec.pattern:
            # on the cell as exported: keep_chars must not make a malformed id pass
            checks.append((f"not regexp_full_match({value}, {quote(spec.pattern)})", quote(f"does not match {spec.pattern}")))
    elif kind == "int":
        whole = f"replace({value}, ',', '')"
        expression = (f"coalesce(try_cast({value} as bigint), case when regexp_full_match({whole}, '-?[0-9]+(\\.0+)?')"
                      f" then cast(cast({whole} as decimal(38,6)) as bigint) end)")
        checks.append((unparsed, "'not a whole number'"))
    elif kind in ("decimal", "money"):
        expression = f"try_cast({_number(value)} as {SQL_TYPES[kind]})"
        checks.append((unparsed, "'not a number'" if kind == "decimal" else "'not an amount'"))
    elif kind == "percent":
        expression = f"try_cast({_percent(value, spec.percent_scale == 'points')} as {SQL_TYPES[kind]})"
        checks.append((unparsed, "'not a percentage'"))
        checks.append((f"{name} < 0 or {name} > 1", "'percentage outside 0–100%'"))
    elif kind == "bool":
        lowered = f"lower({value})"
        expression = f"case when {lowered} in ({_words(TRUE_WORDS)}) then true when {lowered} in ({_words(FALSE_WORDS)}) then false end"
        checks.append((unparsed, "'not a yes/no value'"))
    elif kind in ("date", "timestamp"):
        stamp = dates.expression(value, raw, timezone)
        expression = f"cast({stamp} as date)" if kind == "date" else stamp
        shown = "date" if kind == "date" else "date-time"
        checks.append((unparsed, quote(f"not a valid {shown} (slash dates read as {dates.locale_date})")))
        if spec.not_in_future:
            checks.append((f"{name} > timestamp {quote(dates.tomorrow.isoformat(sep=' '))}", "'lies in the future'"))
    else:  # pragma: no cover — profiles reject unknown types at load
        raise ValueError(kind)
    if kind in ("int", "decimal", "money") and not spec.allow_negative:
        checks.append((f"{name} < 0", "'negative value'" if kind != "money" else "'negative amount'"))
    if spec.allowed:
        listed = ", ".join(quote(v) for v in spec.allowed)
        checks.append((f"{name} not in ({listed})", quote("not one of: " + ", ".join(spec.allowed))))
    if spec.required:
        checks.append((f"case when {name} is null then {value} is null else false end", "'required value is empty'"))
    return TypedColumn(expression=f"cast({expression} as {SQL_TYPES[kind]})", checks=checks)
