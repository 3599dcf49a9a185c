"""The sales organisation: regions, teams, managers, reps and their assignment history.

The roster is the only place that knows which region and team a rep belonged to on a given
day (Zoho exports name only the owner; Fxiaoke's 负责人所属部门 is the department at export
time). The history deliberately contains the cases a warehouse gets wrong without SCD2:
a rep who moves region mid-year, a rep who leaves and one who joins later.
All changes happen on the first day of a month, so a month has one organisation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .names import EMAIL_DOMAIN, MANAGER_NAMES, REP_NAMES
from .randomness import stream
from .timeline import DATA_START, to_day

#: Region → CRM of its division: division A runs Zoho CRM, division B runs Fxiaoke.
REGION_SYSTEM: dict[str, str] = {"华东": "zoho", "华南": "zoho", "华北": "fxiaoke", "西南": "fxiaoke"}
REGIONS: tuple[str, ...] = tuple(REGION_SYSTEM)
TEAM_SUFFIXES = ("一组", "二组")
TEAMS: tuple[str, ...] = tuple(region + suffix for region in REGIONS for suffix in TEAM_SUFFIXES)
REPS_PER_TEAM = 3

#: Roster events of the story (rep number, day): see module docstring.
MOVER, MOVE_DAY, MOVE_TO_TEAM = 3, date(2025, 7, 1), "华南二组"
LEAVER, LEAVE_DAY = 18, date(2025, 9, 30)
LATE_JOINERS: tuple[tuple[int, date, str], ...] = ((26, date(2024, 9, 1), "西南二组"),
                                                   (25, date(2025, 10, 1), "华北二组"))


@dataclass(frozen=True)
class Rep:
    """A sales rep: identity, CRM user names and the traits that shape their numbers."""

    rep_id: str
    name: str
    pinyin: str
    system: str
    hire_date: date
    leave_date: date | None
    #: Win-rate and customer-care factor (about 0.7–1.4).
    skill: float
    #: How many calls and visits the rep logs compared with the average rep.
    diligence: float

    @property
    def email(self) -> str:
        return self.pinyin.lower().replace(" ", ".") + "@" + EMAIL_DOMAIN


@dataclass(frozen=True)
class Assignment:
    """One roster row: a rep in a team from `valid_from` to `valid_to` (inclusive, None = open)."""

    rep: int
    team: str
    valid_from: date
    valid_to: date | None

    @property
    def region(self) -> str:
        return self.team[:2]


@dataclass(frozen=True)
class Org:
    """Reps, their roster rows and the team managers."""

    reps: tuple[Rep, ...]
    assignments: tuple[Assignment, ...]
    managers: dict[str, str]

    def valid_on(self, day: date) -> list[Assignment]:
        """Roster rows valid on `day`."""
        return [a for a in self.assignments
                if a.valid_from <= day and (a.valid_to is None or day <= a.valid_to)]

    def change_days(self) -> list[date]:
        """Days after DATA_START on which someone's assignment starts or ends (the day after)."""
        days = {a.valid_from for a in self.assignments}
        days |= {date.fromordinal(a.valid_to.toordinal() + 1) for a in self.assignments if a.valid_to}
        return sorted(day for day in days if day > DATA_START)

    def assignment_at(self, reps: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Index into `assignments` of each rep's roster row valid on each day (-1: none)."""
        days = days.astype("datetime64[D]")
        found = np.full(len(reps), -1)
        for index, a in enumerate(self.assignments):
            end = to_day(a.valid_to) if a.valid_to else np.datetime64("9999-12-31")
            found[(reps == a.rep) & (days >= to_day(a.valid_from)) & (days <= end)] = index
        return found

    def regions_teams(self, reps: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Region and team of each rep on each day, from the roster (the SCD2 join)."""
        found = self.assignment_at(reps, days)
        if (found < 0).any():
            raise ValueError("a record is owned by a rep who has no roster row on its date")
        teams = np.array([a.team for a in self.assignments], dtype=object)[found]
        return np.array([t[:2] for t in teams], dtype=object), teams

    def rep_values(self, attribute: str) -> np.ndarray:
        """One attribute of every rep, indexable by rep number."""
        return np.array([getattr(rep, attribute) for rep in self.reps], dtype=object)

    def last_teams(self) -> np.ndarray:
        """Each rep's team in their latest roster row: Fxiaoke's 负责人所属部门 at export time."""
        latest = {a.rep: a.team for a in sorted(self.assignments, key=lambda a: a.valid_from)}
        return np.array([latest[i] for i in range(len(self.reps))], dtype=object)

    def roster_frame(self) -> pd.DataFrame:
        """The roster as sales operations keep it: one row per assignment period."""
        rows = []
        for a in self.assignments:
            rep = self.reps[a.rep]
            rows.append({
                "rep_id": rep.rep_id, "rep_name": rep.name,
                "zoho_user": rep.pinyin if rep.system == "zoho" else None,
                "fxiaoke_user": rep.name if rep.system == "fxiaoke" else None,
                "email": rep.email, "region": a.region, "team": a.team,
                "manager": self.managers[a.team], "valid_from": a.valid_from,
                "valid_to": a.valid_to, "hire_date": rep.hire_date, "leave_date": rep.leave_date,
            })
        frame = pd.DataFrame(rows)
        for column in ("valid_from", "valid_to", "hire_date", "leave_date"):
            frame[column] = pd.to_datetime(frame[column])
        return frame


def build_org(seed: int) -> Org:
    """The 26 reps of the story, 3 per team at the start, with their roster history."""
    rng = stream(seed, "org")
    late = {number: (day, team) for number, day, team in LATE_JOINERS}
    first_team = {}
    number = 0
    for team in TEAMS:
        for _ in range(REPS_PER_TEAM):
            number += 1
            first_team[number] = team
    reps, assignments = [], []
    for index, (name, pinyin) in enumerate(REP_NAMES):
        number = index + 1
        if number in late:
            hire, team = late[number]
        else:
            hire = date(int(rng.integers(2016, 2024)), int(rng.integers(1, 13)), 1)
            team = first_team[number]
        leave = LEAVE_DAY if number == LEAVER else None
        reps.append(Rep(rep_id=f"R{number:03d}", name=name, pinyin=pinyin,
                        system=REGION_SYSTEM[team[:2]], hire_date=hire, leave_date=leave,
                        skill=float(np.clip(rng.lognormal(0.0, 0.2), 0.7, 1.4)),
                        diligence=float(np.clip(rng.lognormal(0.0, 0.3), 0.5, 2.0))))
        if number == MOVER:
            before = date.fromordinal(MOVE_DAY.toordinal() - 1)
            assignments.append(Assignment(index, team, hire, before))
            assignments.append(Assignment(index, MOVE_TO_TEAM, MOVE_DAY, None))
        else:
            assignments.append(Assignment(index, team, hire, leave))
    return Org(reps=tuple(reps), assignments=tuple(assignments),
               managers=dict(zip(TEAMS, MANAGER_NAMES)))
