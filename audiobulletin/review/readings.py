"""What each voice will say for every segment of an edition, and what the lexicon changes in it.

A `Reader` holds one edition and one engine choice. `readings(lexicon)` gives, per segment, the
written text, the spoken text, the engine's input (pinyin for the offline voice, SSML for the
online one) and the same two readings without the lexicon, so `changed` says exactly whether a
lexicon entry changed what the listener hears. Engine inputs are memoised, so a preview of one
more entry recomputes only the segments whose reading it touches.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..edition import Edition
from ..pipeline import StageOptions
from ..script import build_script
from ..script.reading import Lexicon
from ..script.reading.lexicon import Entry
from ..script.reading.lexicon_check import LexiconReport, check_lexicon
from ..script.segment import Script, Segment
from ..speech import Engine, SpeechRequest


@dataclass(frozen=True)
class SegmentReading:
    index: int
    segment: Segment
    engine_input: str
    """What the engine will receive: pinyin for the offline voice, SSML for the online one."""
    bare_spoken: str
    """The reading without the lexicon."""
    bare_input: str
    """The engine input without the lexicon."""
    hits: tuple[Entry, ...]
    """Lexicon entries that apply to this segment."""

    @property
    def changed(self) -> bool:
        """Whether the lexicon changes what the listener hears here."""
        return (self.segment.spoken, self.engine_input) != (self.bare_spoken, self.bare_input)

    @property
    def where(self) -> str:
        """intro, outro, or article.paragraph (1-based article, 0 for the headline block)."""
        s = self.segment
        return s.role.value if s.article is None else f"{s.article + 1}.{s.paragraph}"


@dataclass(frozen=True)
class Readings:
    engine: str
    rows: tuple[SegmentReading, ...]
    report: LexiconReport


def _pinyin_key(lexicon: Lexicon | None) -> tuple[Entry, ...]:
    return tuple(e for e in lexicon.entries if e.section == "pinyin") if lexicon else ()


def _touches(one: tuple[Entry, ...], other: tuple[Entry, ...], text: str) -> bool:
    """Whether the pinyin entries of two lexicons may read `text` differently: an entry in one
    and not the other occurs in it. If none does, both give the same engine input."""
    return any(e.pattern.search(text) for e in set(one) ^ set(other))


class Reader:
    """Readings of one edition with one engine choice (`options.speech.engine`)."""

    def __init__(self, edition: Edition, options: StageOptions):
        self.edition, self.options = edition, options
        self._engines: dict[tuple[Entry, ...], Engine] = {}
        self._bare: Script | None = None
        self._inputs: dict[tuple, dict[tuple[Entry, ...], str]] = {}
        """(engine, text, voice) -> pinyin entries -> engine input."""

    def options_with(self, lexicon: Lexicon | None) -> StageOptions:
        return dataclasses.replace(self.options, script=dataclasses.replace(self.options.script, lexicon=lexicon),
                                   speech=dataclasses.replace(self.options.speech, lexicon=lexicon))

    def script(self, lexicon: Lexicon | None) -> Script:
        if lexicon is None:  # the reading without the lexicon: the same for every preview
            if self._bare is None:
                self._bare = build_script(self.edition, self.options_with(None).script)
            return self._bare
        return build_script(self.edition, self.options_with(lexicon).script)

    def engine(self, lexicon: Lexicon | None, segments: Sequence[Segment]) -> Engine:
        """An engine that reads with `lexicon` (built once per set of pinyin entries; never speaks)."""
        from ..speech.choose import build_engine

        key = _pinyin_key(lexicon)
        if key not in self._engines:
            self._engines[key] = build_engine(self.options_with(lexicon).speech, segments)
        return self._engines[key]

    @property
    def engine_name(self) -> str:
        return self.engine(self.options.script.lexicon, ()).name

    def inputs(self, script: Script, lexicon: Lexicon | None) -> tuple[str, ...]:
        """Each segment's engine input (ConfigError if the lexicon has a syllable the voice lacks)."""
        engine = self.engine(lexicon, script.segments)
        voice_for = self.options.speech.profile.voice_for
        key = _pinyin_key(lexicon)
        out = []
        for index, segment in enumerate(script.segments):
            request = SpeechRequest(index, segment.spoken, voice_for(engine.name, segment.role))
            known = self._inputs.setdefault((engine.name, request.text, request.voice), {})
            if key not in known:
                known[key] = next((said for other, said in known.items() if not _touches(other, key, request.text)),
                                  None) or engine.engine_input(request)
            out.append(known[key])
        return tuple(out)

    def readings(self, lexicon: Lexicon | None) -> Readings:
        script = self.script(lexicon)
        inputs = self.inputs(script, lexicon)
        bare = self.script(None)
        bare_inputs = self.inputs(bare, None)
        partner = align(script.segments, bare.segments)
        for_offline = self.options.script.for_offline
        rows = []
        for index, segment in enumerate(script.segments):
            other = partner.get(index)
            hits = _hits(lexicon, segment, for_offline) if lexicon else ()
            rows.append(SegmentReading(index, segment, inputs[index],
                                       bare.segments[other].spoken if other is not None else "",
                                       bare_inputs[other] if other is not None else "", hits))
        samples = [(f"segment {i} ({r.where})", r.segment.text, r.segment.spoken) for i, r in enumerate(rows)]
        report = check_lexicon(lexicon, samples, for_offline=for_offline) if lexicon else LexiconReport((), ())
        return Readings(self.engine_name, tuple(rows), report)

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._engines.clear()


def _hits(lexicon: Lexicon, segment: Segment, for_offline: bool) -> tuple[Entry, ...]:
    from ..script.reading import to_simplified

    written = to_simplified(segment.text) if for_offline else segment.text
    found = [m.entry for m in lexicon.matches(written, "readings", for_offline=for_offline)]
    found += [m.entry for m in lexicon.matches(segment.spoken, "pinyin")] if for_offline else []
    return tuple(dict.fromkeys(found))


def align(ours: Sequence[Segment], theirs: Sequence[Segment]) -> dict[int, int]:
    """Segment index -> index of the same segment in another reading of the same edition. The
    segments are cut from the written text, so they match one to one unless a reading made a
    clause (un)speakable; then they are paired by what was written, in order."""
    def key(s: Segment) -> tuple:
        return s.role, s.article, s.paragraph, s.text

    if [key(s) for s in ours] == [key(s) for s in theirs]:
        return {i: i for i in range(len(ours))}
    positions: dict[tuple, list[int]] = {}
    for i, s in enumerate(theirs):
        positions.setdefault(key(s), []).append(i)
    seen: Counter = Counter()
    out = {}
    for i, s in enumerate(ours):
        found = positions.get(key(s), [])
        if seen[key(s)] < len(found):
            out[i] = found[seen[key(s)]]
        seen[key(s)] += 1
    return out
