"""DAISY 2.02 full-text talking book: what hardware players for blind readers (Victor Reader,
Plextalk...) play from an SD card.

One folder: `ncc.html` (navigation: h1 for the edition, h2 per article, each linking to the first
`par` of its SMIL), `content.html` (the full text, every sentence addressable), one SMIL 1.0 file
per section pairing each sentence with its clip of the MP3 (npt clock), and the MP3 itself.
Sections with nothing spoken have no SMIL and no ncc entry; their text stays in content.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ... import __version__
from ...script.segment import Role
from ...clock import full_clock, hms, npt, seconds_text
from .files import link_or_copy
from .markup import E, block_paragraph, sentence_spans, xml_document
from .reading import ReadingEdition, Section, book_identifier

AUDIO_NAME = "episode.mp3"
CONTENT_NAME = "content.html"
XHTML_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
SMIL_DOCTYPE = '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
GENERATOR = f"audiobulletin {__version__}"


@dataclass(frozen=True)
class _Smil:
    name: str
    """File name, e.g. a01.smil."""
    section: Section
    heading: str
    level: int


def write_daisy(reading: ReadingEdition, episode_mp3: Path, folder: Path) -> Path:
    """Write the book into `folder` (empty, made by the caller); returns the ncc.html path."""
    smils = _smil_files(reading)
    identifier = book_identifier(reading)
    elapsed = 0
    for smil in smils:
        (folder / smil.name).write_text(_smil(smil, identifier, elapsed), encoding="utf-8")
        elapsed += smil.section.heard_ms
    (folder / CONTENT_NAME).write_text(_content(reading), encoding="utf-8")
    link_or_copy(episode_mp3, folder / AUDIO_NAME)
    ncc = folder / "ncc.html"
    ncc.write_text(_ncc(reading, smils, identifier), encoding="utf-8")
    return ncc


def _smil_files(reading: ReadingEdition) -> list[_Smil]:
    """One SMIL per spoken navigation point: the intro (level 1, with the title), then articles
    (level 2); in an edition in sections, each section's opening (level 2) and its articles (3)."""
    in_group = {a.id for g in reading.groups for a in g.articles}
    out = []
    for section in reading.sections:
        if not section.timed():
            continue
        if section.id == "intro":
            out.append(_Smil("title.smil", section, reading.title, 1))
        else:
            level = 3 if section.id in in_group else 2
            out.append(_Smil(f"{section.id}.smil", section, section.title, level))
    return out


def _par_id(sentence_id: str) -> str:
    return f"par-{sentence_id}"


def _smil(smil: _Smil, identifier: str, elapsed_ms: int) -> str:
    heard = smil.section.heard_ms
    pars = [
        E(
            "par",
            {"endsync": "last", "id": _par_id(s.id)},
            E("text", {"src": f"{CONTENT_NAME}#{s.id}", "id": f"txt-{s.id}"}),
            E("audio", {"src": AUDIO_NAME, "clip-begin": npt(clip.begin_ms), "clip-end": npt(clip.end_ms),
                        "id": f"aud-{s.id}"}),
        )
        for s in smil.section.timed() if (clip := s.clip)
    ]
    head = E(
        "head",
        {},
        _meta("dc:format", "Daisy 2.02"),
        _meta("dc:identifier", identifier),
        _meta("dc:title", smil.heading),
        _meta("ncc:generator", GENERATOR),
        _meta("ncc:totalElapsedTime", full_clock(elapsed_ms)),
        _meta("ncc:timeInThisSmil", full_clock(heard)),
        E("layout", {}, E("region", {"id": "txtView"})),
    )
    body = E("body", {}, E("seq", {"dur": f"{seconds_text(heard)}s"}, pars))
    return xml_document(E("smil", {}, head, body), SMIL_DOCTYPE, indent=True)


def _meta(name: str, content: str, scheme: str | None = None):
    return E("meta", {"name": name, "content": content, "scheme": scheme})


def _xhtml(title: str, head_extra, body_children) -> str:
    root = E(
        "html",
        {"xmlns": "http://www.w3.org/1999/xhtml", "lang": "zh-CN", "xml:lang": "zh-CN"},
        E(
            "head",
            {},
            E("meta", {"http-equiv": "Content-type", "content": "text/html; charset=utf-8"}),
            E("title", {}, title),
            head_extra,
        ),
        E("body", {}, body_children),
    )
    return xml_document(root, XHTML_DOCTYPE)


def _ncc(reading: ReadingEdition, smils: list[_Smil], identifier: str) -> str:
    headings = []
    if not smils or smils[0].level != 1:
        # No spoken intro: the title heading starts the first section, as the spec needs an h1 first.
        target = f"{smils[0].name}#{_par_id(smils[0].section.timed()[0].id)}" if smils else CONTENT_NAME
        headings.append(E("h1", {"class": "title", "id": "ncc-title"}, E("a", {"href": target}, reading.title)))
    group_of = {a.id: g for g in reading.groups for a in g.articles}
    headed = set()  # sections whose h2 is written
    for smil in smils:
        first = smil.section.timed()[0]
        href = f"{smil.name}#{_par_id(first.id)}"
        headed.add(smil.section.id)
        group = group_of.get(smil.section.id)
        if group is not None and group.id not in headed:
            # the section's opening was not heard: its heading leads to its first article
            headings.append(E("h2", {"id": f"ncc-{group.id}"}, E("a", {"href": href}, group.title)))
            headed.add(group.id)
        attrs = {"id": f"ncc-{smil.section.id}", "class": "title" if smil.level == 1 else None}
        headings.append(E(f"h{smil.level}", attrs, E("a", {"href": href}, smil.heading)))
    date = reading.date.isoformat() if reading.date else None
    meta = [
        _meta("dc:title", reading.title),
        _meta("dc:creator", reading.paper),
        _meta("dc:publisher", reading.paper),
        _meta("dc:date", date, "yyyy-mm-dd") if date else None,
        _meta("dc:format", "Daisy 2.02"),
        _meta("dc:identifier", identifier),
        _meta("dc:language", "zh-CN", "ISO 639"),
        _meta("ncc:charset", "utf-8"),
        _meta("ncc:generator", GENERATOR),
        _meta("ncc:narrator", "合成语音"),
        _meta("ncc:multimediaType", "audioFullText"),
        _meta("ncc:totalTime", hms(reading.heard_ms)),
        _meta("ncc:files", str(len(smils) + 3)),  # + ncc.html, content.html, the MP3
        _meta("ncc:depth", str(max((s.level for s in smils), default=1))),
        _meta("ncc:tocItems", str(len(headings))),
        _meta("ncc:setInfo", "1 of 1"),
        *(_meta(f"ncc:{name}", "0") for name in (
            "pageFront", "pageNormal", "pageSpecial", "maxPageNormal", "footnotes", "prodNotes", "sidebars")),
    ]
    return _xhtml(reading.title, meta, headings)


def _content(reading: ReadingEdition) -> str:
    body = [E("h1", {"id": "title"}, reading.title)]
    titles = {g.opening.id: g.title for g in reading.groups}
    in_group = {a.id for g in reading.groups for a in g.articles}
    for section in reading.sections:
        if section.article is None:
            if section.id in titles:
                body.append(E("h2", {"id": f"{section.id}-h"}, titles[section.id]))
            body += [block_paragraph(b) for b in section.blocks if b.sentences]
            continue
        headline = section.blocks_of(Role.HEADLINE)[0]
        body.append(E("h3" if section.id in in_group else "h2", {"id": headline.id}, sentence_spans(headline)))
        body += [block_paragraph(b) for b in section.blocks if b.role != Role.HEADLINE]
    return _xhtml(reading.title, None, body)
