"""Which entity a file holds, decided from its headers, with the file name as a hint.

An export is recognised when every required column of a profile is found among its headers; of
several such profiles, the one whose file hint the name carries most specifically wins, then
the one matching the most columns (a Deals export also carries `Account Name`, but matches
Deals better than Accounts). A file no profile recognises is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.errors import RejectedFile
from ingestion.profiles import Profile, normalise_header
from ingestion.unpivot import WideMatch, long_headers, match_wide

# A file no profile fits is named after the closest one only when they share this many columns.
CLOSE_MATCH_COLUMNS = 3


@dataclass(frozen=True)
class ColumnMatch:
    index: dict[str, int]  # profile column → position of its header in the file
    missing_required: list[str]
    missing_optional: list[str]
    wide: WideMatch | None = None  # the file is a wide layout of the profile (see unpivot.py)


def _positions(headers: list[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        positions.setdefault(normalise_header(header), []).append(i)
    return positions


def _resolve(alias: str, positions: dict[str, list[int]]) -> int | None:
    """``Discount#2`` is the second column headed `Discount` (line items repeat order headers)."""
    name, _, occurrence = alias.partition("#")
    found = positions.get(normalise_header(name), [])
    nth = int(occurrence) if occurrence.isdigit() else 1
    return found[nth - 1] if len(found) >= nth else None


def match_columns(profile: Profile, headers: list[str]) -> ColumnMatch:
    wide = match_wide(profile, headers)
    if wide:
        headers = long_headers(headers, wide, profile)
    positions = _positions(headers)
    claimed: set[int] = set()
    index: dict[str, int] = {}
    for column in profile.columns:
        for alias in column.headers:
            position = _resolve(alias, positions)
            if position is not None and position not in claimed:
                index[column.name] = position
                claimed.add(position)
                break
    missing = [c for c in profile.columns if c.name not in index]
    return ColumnMatch(
        index=index,
        missing_required=[c.headers[0] for c in missing if c.required],
        missing_optional=[c.name for c in missing if not c.required],
        wide=wide,
    )


def _hint_strength(profile: Profile, file_name: str) -> int:
    """Length of the longest file hint found in the name: `Deals_Stage_History.csv` names
    both `deal` and `stage history`, and the more specific one is meant."""
    name = normalise_header(file_name)
    return max((len(normalise_header(h)) for h in profile.file_hints if normalise_header(h) in name), default=0)


def _hinted(profile: Profile, file_name: str) -> bool:
    return _hint_strength(profile, file_name) > 0


def match_entity(profiles: list[Profile], headers: list[str], file_name: str) -> tuple[Profile, ColumnMatch]:
    matches = [(p, match_columns(p, headers)) for p in profiles]
    complete = [(p, m) for p, m in matches if not m.missing_required]
    closest_broken = max((len(m.index) for _, m in matches if m.missing_required), default=0)
    # A file that matches a broken entity (a required column missing) better than every entity it
    # fits is that entity, broken — not another that needs fewer columns (回款.csv without 回款编号
    # is no 客户 export, though 客户名称 and the audit columns are there).
    if complete and max(len(m.index) for _, m in complete) >= closest_broken:
        # Headers decide which entities the file can be; among those, the file name's most
        # specific hint decides (an export of Zoho's stage history carries most Deals columns).
        strongest = max(_hint_strength(p, file_name) for p, _ in complete)
        named = [(p, m) for p, m in complete if _hint_strength(p, file_name) == strongest]
        best = max(len(m.index) for _, m in named)
        top = [(p, m) for p, m in named if len(m.index) == best]
        if len(top) > 1:
            names = ", ".join(p.entity for p, _ in top)
            raise RejectedFile(f"headers fit several entities ({names}); pass --entity to choose")
        return top[0]
    hinted = [(p, m) for p, m in matches if _hinted(p, file_name) and m.missing_required]
    close = [(p, m) for p, m in matches if len(m.index) >= CLOSE_MATCH_COLUMNS and m.missing_required]
    if hinted or close:
        profile, match = max(hinted or close, key=lambda pm: len(pm[1].index))
        missing = ", ".join(repr(h) for h in match.missing_required)
        raise RejectedFile(f"looks like {profile.source} {profile.entity} but required column(s) {missing} are missing")
    shown = ", ".join(repr(h) for h in headers[:8])
    source = profiles[0].source
    raise RejectedFile(f"not recognised as any {source} export (headers: {shown}{'…' if len(headers) > 8 else ''})")
