"""The review desk: one edition, its readings with the current lexicon, lexicon edits previewed
and saved, single segments voiced through the speech cache.

Nothing here writes anywhere but the lexicon file (with its `.bak`) and the speech cache. Every
edit is checked the way a run would load it: the whole new file is parsed (errors name the file
and the line the entry will be on), the offline voice must know every syllable, and only then is
the file replaced.
"""

from __future__ import annotations

import dataclasses
import io
import wave
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError, SpeechError
from ..pipeline import EditionPath, read_edition, stage_options
from ..script.reading.lexicon import SCOPES, SECTIONS, Entry, Lexicon, decode, parse_lexicon
from ..script.reading.lexicon_check import LexiconWarning
from ..script.segment import Role
from ..speech import Engine, SpeechRequest, render
from ..speech.voice import Clip
from . import lexicon_file
from .flags import Flag, flags_for
from .readings import Reader, Readings, SegmentReading, align


@dataclass(frozen=True)
class Change:
    """How one segment's reading would change."""

    index: int
    article: int | None
    paragraph: int
    role: Role
    text: str
    spoken_before: str
    spoken_after: str
    input_before: str
    input_after: str


@dataclass(frozen=True)
class Preview:
    entry: Entry
    """The entry as it would be saved (with its line in the file)."""
    changes: tuple[Change, ...]
    warnings: tuple[LexiconWarning, ...]
    """What the lexicon check says about this entry."""
    replaces: Entry | None
    """The entry with the same written form it replaces, if any."""
    text: str
    """The lexicon file as it would be saved."""


@dataclass(frozen=True)
class Saved:
    preview: Preview
    backup: Path | None


class Desk:
    """One edition under review (not thread-safe: the server calls it from one thread)."""

    def __init__(self, edition: EditionPath, settings: Settings, lexicon_path: Path):
        self.lexicon_path = Path(lexicon_path)
        exists = self.lexicon_path.exists()
        settings = dataclasses.replace(settings, lexicon=self.lexicon_path if exists else None, workers=1)
        self.options = stage_options(settings, publishing=False)
        self.edition = read_edition(edition, self.options)
        self.lexicon = self.options.script.lexicon or Lexicon(source=str(self.lexicon_path))
        self.reader = Reader(self.edition, self.options)
        self._player: Engine | None = None
        self.readings = self.reader.readings(self.lexicon)
        self._flags: dict[tuple, tuple[Flag, ...]] = {}

    @property
    def engine(self) -> str:
        return self.readings.engine

    def flags(self, reading: SegmentReading) -> tuple[Flag, ...]:
        key = (reading.segment.text, reading.segment.spoken, reading.engine_input, reading.hits)
        if key not in self._flags:
            self._flags[key] = flags_for(reading, self.engine, self.lexicon)
        return self._flags[key]

    # --- lexicon edits ------------------------------------------------------------------------

    def entry(self, section: str, written: str, say: str, scope: str = "anywhere", example: str = "") -> Entry:
        """An entry from the form's fields (ConfigError for a section or scope the file has not)."""
        section, scope = section or "readings", scope or "anywhere"
        if section not in SECTIONS:
            raise ConfigError(f"unknown table {section!r}", hint="readings or pinyin")
        if scope not in SCOPES:
            raise ConfigError(f"unknown scope {scope!r}", hint=", ".join(SCOPES))
        return Entry(section, written.strip() if scope != "regex" else written, say.strip(), scope,
                     example.strip(), source=str(self.lexicon_path))

    def _current_text(self) -> str:
        try:
            data = self.lexicon_path.read_bytes()
        except FileNotFoundError:
            return ""
        except OSError as exc:
            raise ConfigError(f"cannot read the lexicon: {exc.strerror or exc}", where=str(self.lexicon_path)) from None
        text = decode(data, str(self.lexicon_path))
        parse_lexicon(data, str(self.lexicon_path))  # a file broken since it was loaded: say so, touch nothing
        return text

    def preview(self, entry: Entry) -> Preview:
        """Every segment whose reading `entry` would change, checked as a run would load it."""
        text, line = lexicon_file.with_entry(self._current_text(), entry)
        candidate = parse_lexicon(text.encode("utf-8"), str(self.lexicon_path))
        saved = candidate.find(*entry.key) or dataclasses.replace(entry, line=line)
        after = self.reader.readings(candidate)  # ConfigError: a syllable the offline voice has not
        before = {i: self.readings.rows[j] for i, j in align([r.segment for r in after.rows],
                                                            [r.segment for r in self.readings.rows]).items()}
        changes = tuple(Change(a.index, a.segment.article, a.segment.paragraph, a.segment.role, a.segment.text,
                               b.segment.spoken if b else "", a.segment.spoken,
                               b.engine_input if b else "", a.engine_input)
                        for a in after.rows for b in [before.get(a.index)]
                        if b is None or (b.segment.spoken, b.engine_input) != (a.segment.spoken, a.engine_input))
        warnings = tuple(w for w in after.report.warnings if w.entry.key == entry.key)
        return Preview(saved, changes, warnings, self.lexicon.find(*entry.key), text)

    def save(self, entry: Entry) -> Saved:
        preview = self.preview(entry)
        backup = lexicon_file.save(self.lexicon_path, preview.text)
        self.lexicon = parse_lexicon(preview.text.encode("utf-8"), str(self.lexicon_path))
        self.readings = self.reader.readings(self.lexicon)
        self._close_player()
        return Saved(preview, backup)

    # --- listening ----------------------------------------------------------------------------

    def play(self, index: int) -> Clip:
        """Voice segment `index` as `generate` would (through the speech cache)."""
        from ..speech.choose import build_engine

        rows: tuple[SegmentReading, ...] = self.readings.rows
        if not 0 <= index < len(rows):
            raise SpeechError(f"no segment {index}", hint=f"segments are 0..{len(rows) - 1}")
        segments = tuple(r.segment for r in rows)
        if self._player is None:
            self._player = build_engine(self.reader.options_with(self.lexicon).speech, segments)
        player = self._player
        segment = segments[index]
        voice = self.options.speech.profile.voice_for(player.name, segment.role)
        speech = render(player, [SpeechRequest(index, segment.spoken, voice)])
        if index in speech.failures:
            raise speech.failures[index]
        return speech.clips[index]

    def _close_player(self) -> None:
        if self._player is not None:
            self._player.close()
            self._player = None

    def close(self) -> None:
        self._close_player()
        self.reader.close()


def wav_bytes(clip: Clip) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.sample_rate)
        wav.writeframes(clip.pcm)
    return out.getvalue()


__all__ = ["Change", "Desk", "Preview", "Readings", "Saved", "wav_bytes"]
