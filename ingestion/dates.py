"""Dates and date-times: which layouts a file's columns use, decided once per file, then parsed
in SQL.

Two decisions are made from a sample of the file before the typing pass:

* the day-month order of slash dates (``03/05/2024``), for the whole file: a day above 12
  decides; when nothing in the sample decides, the load's setting (``date_format=``) or the
  profile's default holds — never a guess per row;
* for each column, the layouts its values actually use, most frequent first. DuckDB's
  ``try_strptime`` is cheap when the first layout it tries fits and costly for each one that
  does not, so trying the column's own layout first keeps a million dates at DuckDB speed.
  Every other known layout stays behind it as a fallback (``coalesce`` evaluates it only for
  the rows still unparsed), so a rare layout later in the file still parses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ingestion.sql import quote, sql_list

SAMPLE_ROWS = 5000
# Year-first layouts cannot be misread, so a column may mix them (Fxiaoke writes 2024-03-05 and
# 2024/3/5 side by side).
YEAR_FIRST_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
NAMED_MONTH_DATES = ("%b %d, %Y", "%d %b %Y", "%B %d, %Y")
TIME_SUFFIXES = (" %H:%M:%S", " %H:%M:%S.%f", " %H:%M", "")
ISO_LOCAL = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f")
ISO_WITH_OFFSET = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z")
ISO_UTC = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ")
LOCALE_DATES = ("%m/%d/%Y", "%d/%m/%Y")
EPOCH_MS = "epoch_ms"
EPOCH_PATTERN = "[0-9]{12,13}"
SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/\d{4}\b")
# Zoho shows its date setting as MM/dd/yyyy: accept that notation for date_format= as well.
JAVA_TOKENS = (("yyyy", "%Y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("dd", "%d"),
               ("HH", "%H"), ("hh", "%I"), ("mm", "%M"), ("ss", "%S"), ("a", "%p"))


def strptime_format(setting: str) -> str:
    """``dd/MM/yyyy`` (how Zoho's settings page writes it) → ``%d/%m/%Y``; strftime passes."""
    if "%" in setting:
        return setting
    for token, directive in JAVA_TOKENS:
        setting = setting.replace(token, directive)
    return setting


@dataclass(frozen=True)
class Layout:
    """One way a date-time is written: a strptime format read as local time, as an offset time
    (converted to the source time zone), as UTC, or epoch milliseconds."""

    kind: str  # local | offset | utc | epoch
    format: str

    def parses(self, text: str) -> bool:
        if self.kind == "epoch":
            return re.fullmatch(EPOCH_PATTERN, text) is not None
        try:
            dt.datetime.strptime(text, self.format)
        except ValueError:
            return False
        return True

    def sql(self, value: str, timezone: str) -> str:
        if self.kind == "epoch":
            return (f"case when regexp_full_match({value}, '{EPOCH_PATTERN}') "
                    f"then timezone({quote(timezone)}, to_timestamp(cast({value} as bigint) / 1000)) end")
        parsed = f"try_strptime({value}, {quote(self.format)})"
        if self.kind == "offset":
            return f"timezone({quote(timezone)}, {parsed})"
        if self.kind == "utc":
            return f"timezone({quote(timezone)}, timezone('UTC', {parsed}))"
        return parsed


def known_layouts(locale_date: str) -> list[Layout]:
    """Every layout, in the order a value is tried against when its column's own layouts fail."""
    dates = YEAR_FIRST_DATES + (locale_date,) + NAMED_MONTH_DATES
    local = [d + t for d in dates for t in TIME_SUFFIXES]
    local += [locale_date + " %I:%M %p", locale_date + " %I:%M:%S %p", *ISO_LOCAL]
    return (
        [Layout("local", f) for f in local]
        + [Layout("offset", f) for f in ISO_WITH_OFFSET]
        + [Layout("utc", f) for f in ISO_UTC]
        + [Layout("epoch", EPOCH_MS)]
    )


@dataclass(frozen=True)
class DatePlan:
    """How one file's dates are read: its day-month order and each column's own layouts."""

    locale_date: str
    decided: bool  # the order was seen in the file or set by the load, not a default
    layouts: dict[str, list[Layout]]  # raw column → layouts its sampled values use, most used first
    tomorrow: dt.datetime  # in the source time zone: a later record time lies in the future

    def expression(self, value: str, column: str, timezone: str) -> str:
        """A timestamp expression; NULL where no layout fits (the validator quarantines it)."""
        fallback = known_layouts(self.locale_date)
        first = self.layouts.get(column, [])
        local = [layout.format for layout in fallback if layout.kind == "local"]
        rest = [layout.sql(value, timezone) for layout in fallback if layout.kind != "local"]
        tried = [layout.sql(value, timezone) for layout in first]
        tried += [f"try_strptime({value}, {sql_list(local)})", *rest]
        return f"coalesce({', '.join(tried)})"

    def with_locale(self, locale_date: str) -> "DatePlan":
        """The same plan with the other day-month order, in the columns' own layouts too."""
        def swap(layout: Layout) -> Layout:
            slash = self.locale_date in LOCALE_DATES  # a year-first default names no order to swap
            if slash and layout.kind == "local" and layout.format.startswith(self.locale_date):
                return Layout("local", locale_date + layout.format[len(self.locale_date):])
            return layout

        layouts = {column: [swap(layout) for layout in found] for column, found in self.layouts.items()}
        return DatePlan(locale_date, True, layouts, self.tomorrow)


def _day_month_evidence(values: list[str]) -> tuple[int, int]:
    """(month-first, day-first): values that only one order reads."""
    month_first = day_first = 0
    for value in values:
        match = SLASH_DATE.match(value)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            month_first += second > 12 >= first
            day_first += first > 12 >= second
    return month_first, day_first


def _column_layouts(values: list[str], candidates: list[Layout]) -> list[Layout]:
    """The layouts of a column's sampled values, most frequent first; one trial per shape."""
    shapes: dict[str, tuple[str, int]] = {}
    digits = str.maketrans("0123456789", "0000000000")
    for value in values:
        shape = value.translate(digits)
        example, count = shapes.get(shape, (value, 0))
        shapes[shape] = (example, count + 1)
    counts: dict[Layout, int] = {}
    for example, count in shapes.values():
        layout = next((c for c in candidates if c.parses(example)), None)
        if layout is not None:
            counts[layout] = counts.get(layout, 0) + count
    return sorted(counts, key=counts.get, reverse=True)


def _tomorrow(timezone: str) -> dt.datetime:
    """Now plus a day of tolerance (clocks and time zones differ), as a naive local time."""
    now = dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)
    return now + dt.timedelta(days=1)


def plan_dates(con, relation: str, columns: list[str], setting: str | None, default: str, timezone: str) -> DatePlan:
    """Sample the first rows of ``relation`` (a CSV is read no further than that) and decide."""
    if not columns:
        return DatePlan(strptime_format(setting or default), setting is not None, {}, _tomorrow(timezone))
    values = ", ".join(f"nullif(trim({c}), '')" for c in columns)  # a sample: trimming is cheap here
    rows = con.execute(f"select {values} from {relation} limit {SAMPLE_ROWS}").fetchall()
    samples = {c: [row[i] for row in rows if row[i] is not None] for i, c in enumerate(columns)}
    if setting:
        locale_date, decided = strptime_format(setting), True
    else:
        month_first, day_first = _day_month_evidence([v for vs in samples.values() for v in vs])
        decided = month_first != day_first
        if not decided:
            locale_date = strptime_format(default)
        else:
            locale_date = LOCALE_DATES[0] if month_first > day_first else LOCALE_DATES[1]
    candidates = known_layouts(locale_date)
    layouts = {c: _column_layouts(vs, candidates) for c, vs in samples.items()}
    return DatePlan(locale_date, decided, layouts, _tomorrow(timezone))
