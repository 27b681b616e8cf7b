"""Which edition dates are believable: 1900 to a year ahead by default (settings earliest_year and
max_days_ahead). A date outside is a typo or a misread header, and would publish an episode dated
`01 Jan 1` or 9999 that podcast apps sort first forever."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import ConfigError, InputError


@dataclass(frozen=True)
class DateWindow:
    earliest: dt.date = dt.date(1900, 1, 1)
    latest: dt.date = dt.date.max
    """Inclusive; the pipeline sets it to today plus max_days_ahead."""

    def __post_init__(self):
        if self.latest < self.earliest:
            raise ConfigError(f"no edition date can be accepted: the latest ({self.latest}) is before the earliest "
                              f"({self.earliest})", setting="earliest_year")

    @classmethod
    def around(cls, today: dt.date, earliest_year: int, days_ahead: int) -> "DateWindow":
        if not 1 <= earliest_year <= 9999:
            raise ConfigError(f"earliest_year must be 1..9999, got {earliest_year}", setting="earliest_year")
        if days_ahead < 0:
            raise ConfigError(f"max_days_ahead must be >= 0, got {days_ahead}", setting="max_days_ahead")
        latest = dt.date.max if (dt.date.max - today).days <= days_ahead else today + dt.timedelta(days=days_ahead)
        return cls(dt.date(earliest_year, 1, 1), latest)

    def check(self, date: dt.date | None, where: str) -> dt.date | None:
        """`date` if it is inside the window; InputError naming `where` it came from otherwise."""
        if date is not None and not self.earliest <= date <= self.latest:
            raise InputError(f"the date {date.isoformat()} is outside {self.earliest.isoformat()} … "
                             f"{self.latest.isoformat()}", where=where,
                             hint="give the edition's real date (--date YYYY-MM-DD), or widen the window with "
                                  "the settings earliest_year / max_days_ahead")
        return date


ANY_DATE = DateWindow()
"""No limit but 1900: the default where no settings are at hand (tests, the library used alone)."""
