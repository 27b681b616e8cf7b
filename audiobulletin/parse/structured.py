"""The JSON form of an edition (what a CMS exports), validated field by field.

    {"paper": "太原日报", "date": "2021-06-27",
     "articles": [{"headline": "...", "subheadings": ["..."], "byline": "本报讯（记者 …）",
                   "paragraphs": ["...", "..."], "captions": ["..."], "credit": null}]}

Or, section by section (an empty section is dropped, with a note):

    {"paper": "太原日报", "date": "2021-06-27",
     "sections": [{"name": "要闻", "page": "01", "articles": [{"headline": "...", ...}]}, ...]}

`paper`, `date`, `subheadings`, `byline`, `captions`, `credit`, `section` and `page` are
optional; `paragraphs` may be empty for a photo story (captions only). This is the same shape
`audiobulletin parse --json` prints, so a parsed edition can be corrected and fed back.

What a CMS leaves in the text is not read, as in a text edition: markup (<p>, &nbsp;), editor
credits, page-turn marks, copyright and scan-code paragraphs, photo credits and 图片说明：
prefixes in captions. The edition's notes list each, by field.
"""

from __future__ import annotations

import datetime as dt
import json

from ..cleantext import clean_field, clean_text
from ..edition import Article, Edition
from ..errors import InputError
from .byline import reporters_of
from .captions import is_photo_credit, split_caption
from .dates import ANY_DATE, DateWindow
from .furniture import leftover, strip_inline, strip_markup
from .layout import clean_line, tidy_heading

# `reporters`, `line` and `segments` are what `parse --json` adds; they are recomputed, not read.
_ARTICLE_FIELDS = {"headline", "subheadings", "byline", "reporters", "paragraphs", "captions", "credit", "line",
                   "section", "page", "segments"}


def looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def _clean(value: str, path: str, notes: list[str]) -> str:
    value, note = clean_field(value, path)
    if note:
        notes.append(note)
    return value.strip()


def _strings(value, path: str, where: str, notes: list[str], *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path} must be a list of strings", where=where)
    items = tuple(text for n, v in enumerate(value) for text in [_clean(v, f"{path}[{n}]", notes)] if text)
    if required and not items:
        raise InputError(f"{path} must not be empty", where=where)
    return items


def _optional_text(value, path: str, where: str, notes: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{path} must be a string or null", where=where)
    return _clean(value, path, notes) or None


def _paragraphs(items: tuple[str, ...], path: str, notes: list[str]) -> tuple[str, ...]:
    kept = []
    for k, item in enumerate(items):
        where = f"{path}[{k}]"
        line, removed = strip_markup(clean_line(item))
        why = leftover(line) or ("photo credit" if is_photo_credit(line) else None)
        if why:
            notes.append(f"{where}: {why} not read: {line[:40]}")
            continue
        line, inline = strip_inline(line)
        notes += [f"{where}: {what} not read: {piece[:40]}" for what, piece in removed + inline]
        if line:
            kept.append(line)
    return tuple(kept)


def _captions(items: tuple[str, ...], path: str, notes: list[str]) -> tuple[str, ...]:
    kept = []
    for k, item in enumerate(items):
        line, removed = strip_markup(clean_line(item))
        caption, credit = split_caption(line)
        notes += [f"{path}[{k}]: {what} not read: {piece[:40]}" for what, piece in removed]
        if credit:
            notes.append(f"{path}[{k}]: photo credit not read: {credit}")
        if caption:
            kept.append(caption)
    return tuple(dict.fromkeys(kept))


def _heading(value: str) -> str:
    return tidy_heading(strip_markup(clean_line(value))[0])


def edition_from_json(text: str, *, paper: str, date: dt.date | None, source: str,
                      dates: DateWindow = ANY_DATE) -> Edition:
    text, cleaned = clean_text(text)
    notes = list(cleaned)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         where=source) from None
    if isinstance(data, dict) and "sections" in data:
        data = {**data, "articles": _flatten_sections(data, source, notes)}
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list) or not data["articles"]:
        raise InputError("JSON edition needs a non-empty \"articles\" list", where=source,
                         hint="see README: Edition format")
    if date is None and data.get("date") is not None:
        try:
            date = dt.date.fromisoformat(str(data["date"]))
        except ValueError:
            raise InputError(f"date {data['date']!r} is not like 2021-06-27", where=source) from None
        dates.check(date, f'{source} (its "date" field)')
    articles: list[Article] = []
    for n, raw in enumerate(data["articles"]):
        path = raw.pop("_path", f"articles[{n}]") if isinstance(raw, dict) else f"articles[{n}]"
        if not isinstance(raw, dict):
            raise InputError(f"{path} must be an object", where=source)
        unknown = set(raw) - _ARTICLE_FIELDS
        if unknown:
            raise InputError(f"{path} has unknown field(s) {', '.join(sorted(unknown))}", where=source)
        headline = raw.get("headline")
        if isinstance(headline, str):
            headline = _clean(headline, f"{path}.headline", notes)
        if not isinstance(headline, str) or not headline:
            raise InputError(f"{path}.headline must be a non-empty string", where=source)
        byline = _optional_text(raw.get("byline"), f"{path}.byline", source, notes)
        credit = _optional_text(raw.get("credit"), f"{path}.credit", source, notes)
        captions = _captions(_strings(raw.get("captions"), f"{path}.captions", source, notes, required=False),
                             f"{path}.captions", notes)
        paragraphs = _paragraphs(_strings(raw.get("paragraphs"), f"{path}.paragraphs", source, notes,
                                          required=not captions), f"{path}.paragraphs", notes)
        if not paragraphs and not captions:
            raise InputError(f"{path}.paragraphs hold only page furniture or CMS leftovers, nothing to read",
                             where=source, hint="give the article's body paragraphs")
        articles.append(Article(
            headline=_heading(headline), byline=byline, credit=credit,
            subheadings=tuple(_heading(s) for s in _strings(raw.get("subheadings"), f"{path}.subheadings", source,
                                                             notes, required=False)),
            paragraphs=paragraphs, captions=captions,
            reporters=reporters_of(byline or "") or reporters_of(credit or ""), line=n + 1,
            section=_optional_text(raw.get("section"), f"{path}.section", source, notes),
            page=_optional_text(raw.get("page"), f"{path}.page", source, notes)))
    paper = paper or _clean(str(data.get("paper") or ""), "paper", notes)
    return Edition(paper=paper, date=date, articles=tuple(articles), source=source, notes=tuple(notes))


def _flatten_sections(data: dict, source: str, notes: list[str]) -> list:
    """The articles of `sections: [{name, page, articles}]` in order, each with its section's
    name and page (unless it names its own)."""
    if "articles" in data:
        raise InputError("JSON edition gives both \"articles\" and \"sections\"", where=source,
                         hint="give the articles in their sections, or all in \"articles\"")
    sections = data["sections"]
    if not isinstance(sections, list) or not sections:
        raise InputError("\"sections\" must be a non-empty list", where=source, hint="see README: Edition format")
    articles = []
    for k, section in enumerate(sections):
        path = f"sections[{k}]"
        if not isinstance(section, dict) or set(section) - {"name", "page", "articles"}:
            raise InputError(f"{path} must be an object with name, page and articles", where=source)
        name = _optional_text(section.get("name"), f"{path}.name", source, notes)
        page = _optional_text(section.get("page"), f"{path}.page", source, notes)
        items = section.get("articles") or []
        if not isinstance(items, list):
            raise InputError(f"{path}.articles must be a list", where=source)
        if not items:
            notes.append(f"{path}: section {name or page or k + 1} has no article, dropped")
            continue
        for n, raw in enumerate(items):
            if not isinstance(raw, dict):
                raise InputError(f"{path}.articles[{n}] must be an object", where=source)
            articles.append({"section": name, "page": page, **{f: v for f, v in raw.items() if v is not None},
                             "_path": f"{path}.articles[{n}]"})
    return articles
