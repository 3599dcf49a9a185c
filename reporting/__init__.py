"""Reports for people who do not write SQL: an offline HTML KPI report with charts and an
Excel pack, both read from the published warehouse (never from the build database), so a
report always shows exactly the figures BI tools see."""

from reporting.build import ReportFiles, build_reports

__all__ = ["ReportFiles", "build_reports"]
