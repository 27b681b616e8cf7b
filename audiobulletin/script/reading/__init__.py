"""Reading news copy aloud: normalisation shared by every engine, bylines, the lexicon.

    from audiobulletin.script.reading import to_spoken, spoken_byline, load_lexicon

(Pinyin for the offline voice lives beside its only user, in speech/pinyin.py.)
"""

from .byline import reporters_of, spoken_byline
from .lexicon import Lexicon, load_lexicon
from .normalise import to_simplified, to_spoken

__all__ = ["Lexicon", "load_lexicon", "reporters_of", "spoken_byline",
           "to_simplified", "to_spoken"]
