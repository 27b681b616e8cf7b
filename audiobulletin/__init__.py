"""audiobulletin: a Chinese daily newspaper edition in, a navigable podcast episode out.

Data flows one way, one module (or package) per stage:

    source text -> parse (Edition) -> script (Segments) -> speech (Clips, cached, parallel)
    -> assemble (Timeline) -> master (MP3 / WAV) -> publish (feed, transcripts, accessible edition)
"""

__version__ = "0.1.0"
