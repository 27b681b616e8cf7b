"""The order of the number passes, most specific first: once a pass has read some digits, later
passes no longer see them (an address before anything reads its dots, a date before a range, a
phone number before a plain number, a designation before a minus sign, a time before a ratio)."""

from __future__ import annotations

import re
from typing import Callable

from .addresses import addresses
from .clock import race_results, times_and_scores
from .designations import designations, roman_grades
from .identifiers import identifiers, phones
from .rules import event_dates, fractions, iso_dates, percentages, plain_numbers, ranges, units
from .years import generations, named_years, year_lists

WORD_PASSES: tuple[Callable[[str], str], ...] = (addresses, roman_grades)
"""Passes that may apply to text without a digit."""
DIGIT_PASSES: tuple[Callable[[str], str], ...] = (
    iso_dates, event_dates, phones, identifiers, designations, times_and_scores, race_results,
    generations, units, percentages, fractions, year_lists, named_years, ranges, plain_numbers)
NUMBER_PASSES = WORD_PASSES + DIGIT_PASSES
_DIGIT = re.compile(r"\d")


def read_numbers(text: str) -> str:
    """Every pass in order; most clauses hold no digit and skip the digit passes."""
    for read in WORD_PASSES:
        text = read(text)
    if _DIGIT.search(text):
        for read in DIGIT_PASSES:
            text = read(text)
    return text
