"""Reading news copy aloud: normalisation shared by every engine, bylines, pinyin, the lexicon.

    from audiobulletin.script.reading import to_spoken, spoken_byline, pinyin_for, load_lexicon
"""

from .byline import reporters_of, spoken_byline
from .lexicon import Lexicon, load_lexicon
from .normalise import to_simplified, to_spoken
from .pinyin import pinyin_for

__all__ = ["Lexicon", "load_lexicon", "pinyin_for", "reporters_of", "spoken_byline",
           "to_simplified", "to_spoken"]
