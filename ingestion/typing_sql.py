"""Typing in SQL: for each profile type, the DuckDB expression that turns export text into a
typed value, and the checks whose failures send a row to quarantine.

Parsing runs inside DuckDB over the whole file at once, so a million-row export is typed at
DuckDB's speed rather than Python's; a value that does not parse becomes NULL here and the
validator turns ``raw is not null and typed is null`` into a quarantine row with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.profiles import ColumnSpec

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

# Year-first layouts cannot be misread, so a column may mix them (Fxiaoke writes 2024-03-05 and
# 2024/3/5 side by side). Day-month order is decided once per column, never per value.
YEAR_FIRST_DATES = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
TIME_SUFFIXES = [" %H:%M:%S", " %H:%M:%S.%f", " %H:%M", ""]
ISO_WITH_OFFSET = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z"]
NAMED_MONTH_DATES = ["%b %d, %Y", "%d %b %Y", "%B %d, %Y"]
LOCALE_DATES = ("%m/%d/%Y", "%d/%m/%Y")
TRUE_WORDS = ("是", "true", "yes", "y", "t", "1", "on", "√")
FALSE_WORDS = ("否", "false", "no", "n", "f", "0", "off", "×")


@dataclass(frozen=True)
class TypedColumn:
    """The typed expression of one column and the quarantine checks that go with it."""

    expression: str
    checks: list[tuple[str, str]]  # (SQL condition on the parsed row, reason as SQL text)


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _format_list(formats: list[str]) -> str:
    return "[" + ", ".join(quote(f) for f in formats) + "]"


def _timestamp_formats(locale_date: str) -> list[str]:
    dates = YEAR_FIRST_DATES + [locale_date] + NAMED_MONTH_DATES
    formats = [d + t for d in dates for t in TIME_SUFFIXES]
    formats += [locale_date + " %I:%M %p", locale_date + " %I:%M:%S %p", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"]
    return formats


def _number_text(value: str) -> str:
    """Strip what people write around numbers: separators, currency signs and units."""
    return (
        f"regexp_replace(regexp_replace({value}, '[,\\s¥￥$]|元|RMB|CNY', '', 'g'), '万$', '')"
    )


def typed_column(spec: ColumnSpec, raw: str, locale_date: str, timezone: str) -> TypedColumn:
    """``raw`` is a SQL expression of the cell text; ``locale_date`` the load's month/day order."""
    value = f"nullif(trim({raw}), '')"
    name = spec.name
    kind = spec.type
    checks: list[tuple[str, str]] = []
    if kind in ("id", "text"):
        expression = value
    elif kind == "int":
        cleaned = f"replace({value}, ',', '')"
        expression = f"case when regexp_full_match({cleaned}, '-?[0-9]+(\\.0+)?') then cast(cast({cleaned} as decimal(38,6)) as bigint) end"
        checks.append((f"{name} is null and {value} is not null", "'not a whole number'"))
    elif kind in ("decimal", "money"):
        sql_type = SQL_TYPES[kind]
        scaled = f"try_cast({_number_text(value)} as decimal(18,6)) * (case when {value} like '%万%' then 10000 else 1 end)"
        expression = f"try_cast({scaled} as {sql_type})"
        checks.append((f"{name} is null and {value} is not null", "'not a number'" if kind == "decimal" else "'not an amount'"))
    elif kind == "percent":
        points = spec.percent_scale == "points"
        bare = f"try_cast({_number_text(value)} as decimal(18,6))" + (" / 100" if points else "")
        with_sign = f"try_cast(replace({_number_text(value)}, '%', '') as decimal(18,6)) / 100"
        expression = f"try_cast(case when {value} like '%\\%%' escape '\\' then {with_sign} else {bare} end as decimal(9,6))"
        checks.append((f"{name} is null and {value} is not null", "'not a percentage'"))
        checks.append((f"{name} < 0 or {name} > 1", "'percentage outside 0–100%'"))
    elif kind == "bool":
        lowered = f"lower({value})"
        expression = (
            f"case when {lowered} in ({', '.join(quote(w) for w in TRUE_WORDS)}) then true "
            f"when {lowered} in ({', '.join(quote(w) for w in FALSE_WORDS)}) then false end"
        )
        checks.append((f"{name} is null and {value} is not null", "'not a yes/no value'"))
    elif kind in ("date", "timestamp"):
        naive = f"try_strptime({value}, {_format_list(_timestamp_formats(locale_date))})"
        with_offset = f"timezone({quote(timezone)}, try_strptime({value}, {_format_list(ISO_WITH_OFFSET)}))"
        epoch_ms = (
            f"case when regexp_full_match({value}, '[0-9]{{12,13}}') "
            f"then timezone({quote(timezone)}, to_timestamp(cast({value} as bigint) / 1000)) end"
        )
        stamp = f"coalesce({naive}, {with_offset}, {epoch_ms})"
        expression = f"cast({stamp} as date)" if kind == "date" else stamp
        shown = "date" if kind == "date" else "date-time"
        checks.append((f"{name} is null and {value} is not null", f"'not a valid {shown} (day-month order {locale_date})'"))
        if spec.not_in_future:
            now = f"cast(timezone({quote(timezone)}, now()) as timestamp)"
            checks.append((f"{name} > {now} + interval 1 day", "'lies in the future'"))
    else:  # pragma: no cover — profiles reject unknown types at load
        raise ValueError(kind)
    if kind in ("int", "decimal", "money") and not spec.allow_negative:
        checks.append((f"{name} < 0", "'negative value'" if kind != "money" else "'negative amount'"))
    if spec.allowed:
        listed = ", ".join(quote(v) for v in spec.allowed)
        checks.append((f"{name} not in ({listed})", quote("not one of: " + ", ".join(spec.allowed))))
    if spec.required:
        checks.append((f"{value} is null", "'required value is empty'"))
    return TypedColumn(expression=f"cast({expression} as {SQL_TYPES[kind]})", checks=checks)


def locale_date_choice(con, raw_columns: list[str], default: str) -> str:
    """Pick ``%m/%d/%Y`` or ``%d/%m/%Y`` for a file from its values: a day above 12 decides;
    when nothing decides, the load's setting (or the profile's default) holds."""
    if not raw_columns:
        return default
    values = " union all ".join(f"select nullif(trim({c}), '') as v from src" for c in raw_columns)
    month_first, day_first = con.execute(
        f"""
        with slashed as (select v from ({values}) where regexp_matches(v, '^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}'))
        select count(*) filter (where try_strptime(split_part(v, ' ', 1), '%m/%d/%Y') is not null),
               count(*) filter (where try_strptime(split_part(v, ' ', 1), '%d/%m/%Y') is not null)
        from slashed
        """
    ).fetchone()
    if month_first == day_first:
        return default
    return LOCALE_DATES[0] if month_first > day_first else LOCALE_DATES[1]
