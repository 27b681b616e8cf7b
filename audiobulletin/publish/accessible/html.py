"""The web edition: one self-contained page per edition and an index of all editions.

No external assets: CSS and the optional script are inline. Without JavaScript the page is
complete; the jump links are media fragments (episode.mp3#t=...) the browser's own player
honours. With JavaScript they seek the page's player instead, and the sentence being heard is
highlighted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...script.segment import Role
from ...clock import player_time, seconds_text, spoken_length
from .markup import E, block_paragraph, html_document, sentence_spans
from .reading import Block, Group, ReadingEdition, Section

# Colours meet WCAG AA (4.5:1) with margin in both schemes; sizes are relative so 200% zoom reflows.
CSS = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4a4a4a;
  --link: #0b4f94; --focus: #a34700; --now: #fde68a; --now-fg: #1a1a1a; --rule: #c8c8c8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececec; --bg: #141414; --muted: #c4c4c4; --link: #9cc4ff; --focus: #ffb266;
    --now: #5a4700; --now-fg: #ffffff; --rule: #555555; }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.8;
  font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 1.125rem; overflow-wrap: anywhere; }
.page { max-width: 42rem; margin: 0 auto; padding: 0 1rem 3rem; }
a { color: var(--link); }
a:focus-visible, audio:focus-visible, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -20rem; padding: 0.5rem 1rem; color: var(--link);
  background: var(--bg); border: 2px solid currentColor; z-index: 10; }
.skip:focus { top: 0.5rem; }
h1 { font-size: 1.75rem; line-height: 1.4; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.375rem; line-height: 1.5; margin: 2.5rem 0 0.5rem; }
h3 { font-size: 1.25rem; line-height: 1.5; margin: 2rem 0 0.5rem; }
section.paper-section { border-top: 3px double var(--rule); margin-top: 2rem; }
article { border-top: 1px solid var(--rule); }
.sub { font-weight: bold; margin: 0.25rem 0; }
.byline, .meta { color: var(--muted); }
.outro { border-top: 1px solid var(--rule); padding-top: 1rem; }
.listen audio { width: 100%; margin: 0.5rem 0; }
ul.plain, ol.toc { padding-left: 1.5rem; }
.now { background: var(--now); color: var(--now-fg); }
"""

# Runs only to improve the page: seek in place, highlight the sentence being heard.
SCRIPT = """
(function () {
  var audio = document.getElementById('player');
  if (!audio) { return; }
  var spans = Array.prototype.slice.call(document.querySelectorAll('.s[data-start]'));
  var times = spans.map(function (s) {
    return [parseFloat(s.getAttribute('data-start')), parseFloat(s.getAttribute('data-end'))];
  });
  var current = null;
  audio.addEventListener('timeupdate', function () {
    var t = audio.currentTime, hit = null;
    for (var i = 0; i < spans.length; i++) {
      if (t >= times[i][0] && t < times[i][1]) { hit = spans[i]; break; }
    }
    if (hit === current) { return; }
    if (current) { current.classList.remove('now'); }
    if (hit) { hit.classList.add('now'); }
    current = hit;
  });
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a.jump') : null;
    if (!link) { return; }
    event.preventDefault();
    audio.currentTime = parseFloat(link.getAttribute('data-start'));
    audio.play();
    audio.focus();
  });
})();
"""


@dataclass(frozen=True)
class Links:
    """Relative addresses, from the edition page, of what it links to."""

    audio: str
    epub: str
    daisy: str
    index: str | None = None
    transcripts: tuple[tuple[str, str], ...] = ()
    """(label, href) pairs, e.g. ("WebVTT 字幕", "../episode.vtt")."""


def edition_page(reading: ReadingEdition, links: Links) -> str:
    head = _head(f"{reading.title} · 有声无障碍版")
    main = E("main", {"id": "main", "tabindex": "-1"}, E("h1", {}, reading.title))
    intro = reading.section("intro")
    if intro is not None:
        main.append(_timed_paragraph(intro.blocks[0], "intro"))
    main.append(_listen(reading, links))
    main.append(_toc(reading, links))
    if reading.groups:
        for group in reading.groups:
            main.append(_group(group, links))
    else:
        for section in reading.articles:
            main.append(_article(section, links))
    outro = reading.section("outro")
    if outro is not None:
        main.append(_timed_paragraph(outro.blocks[0], "outro"))
    top = (E("nav", {"aria-label": "网站"}, E("p", {}, E("a", {"href": links.index}, "全部期次")))
           if links.index else None)
    body = E("body", {}, _skip_link(), E("div", {"class": "page"}, top, main), E("script", {}, SCRIPT))
    return html_document(E("html", {"lang": "zh-CN"}, head, body))


@dataclass(frozen=True)
class IndexEntry:
    title: str
    date: dt.date | None
    page: str
    """Relative address of the edition page from the index."""
    epub: str
    daisy: str
    duration_ms: int


def index_page(entries: list[IndexEntry], *, title: str = "报纸有声无障碍版", feed_url: str | None = None) -> str:
    """All editions, newest first; undated ones last. `title`: the podcast's (the paper's name);
    `feed_url`: the podcast feed, linked for people and for feed discovery."""
    ordered = sorted(entries, key=lambda e: (e.date is not None, e.date or dt.date.min, e.title), reverse=True)
    items = [
        E(
            "li",
            {},
            E("a", {"href": e.page}, e.title),
            E("span", {"class": "meta"}, f"（音频 {spoken_length(e.duration_ms)}）"),
            E(
                "ul",
                {"class": "plain"},
                E("li", {}, E("a", {"href": e.epub}, f"{e.title} EPUB 有声书")),
                E("li", {}, E("a", {"href": e.daisy}, f"{e.title} DAISY 2.02 有声书")),
            ),
        )
        for e in ordered
    ]
    listing = E("ol", {"class": "toc"}, items) if items else E("p", {}, "还没有已发布的期次。")
    subscribe = (E("p", {}, "在播客应用中订阅：", E("a", {"href": feed_url, "type": "application/rss+xml"}, feed_url))
                 if feed_url else None)
    main = E(
        "main",
        {"id": "main", "tabindex": "-1"},
        E("h1", {}, title),
        E("p", {}, "每期报纸的全文与朗读音频，可在网页上边听边读，也可下载 EPUB 或 DAISY 有声书。"),
        subscribe,
        E("h2", {}, "全部期次"),
        listing,
    )
    body = E("body", {}, _skip_link(), E("div", {"class": "page"}, main))
    head = _head(f"{title} · 全部期次", feed=(title, feed_url) if feed_url else None)
    return html_document(E("html", {"lang": "zh-CN"}, head, body))


def _head(title: str, feed: tuple[str, str] | None = None):
    """`feed`: (title, URL) of a feed to announce (browsers and podcast apps discover it)."""
    link = (E("link", {"rel": "alternate", "type": "application/rss+xml", "title": feed[0], "href": feed[1]})
            if feed else None)
    return E(
        "head",
        {},
        E("meta", {"charset": "utf-8"}),
        E("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        E("title", {}, title),
        link,
        E("style", {}, CSS),
    )


def _skip_link():
    return E("a", {"class": "skip", "href": "#main"}, "跳到正文")


def _listen(reading: ReadingEdition, links: Links):
    downloads = [
        E("li", {}, E("a", {"href": links.audio}, f"下载 MP3 音频（{spoken_length(reading.duration_ms)}）")),
        *(E("li", {}, E("a", {"href": href}, f"文字稿：{label}")) for label, href in links.transcripts),
        E("li", {}, E("a", {"href": links.epub}, "EPUB 3 有声书（文字与朗读同步）")),
        E("li", {}, E("a", {"href": links.daisy}, "DAISY 2.02 有声书（供读书机使用）")),
    ]
    player = E(
        "audio",
        {"id": "player", "controls": "", "preload": "metadata", "src": links.audio, "aria-label": "本期朗读"},
        "您的浏览器无法播放音频，请",
        E("a", {"href": links.audio}, "下载 MP3"),
        "。",
    )
    return E(
        "section",
        {"class": "listen", "aria-labelledby": "listen-h"},
        E("h2", {"id": "listen-h"}, "收听与下载"),
        E("p", {}, "本页下方是本期全文，即朗读的文字稿。"),
        player,
        E("ul", {"class": "plain"}, downloads),
    )


def _jump(section: Section, links: Links, text: str):
    if section.begin_ms is None:
        return None
    start = seconds_text(section.begin_ms)
    return E("a", {"class": "jump", "href": f"{links.audio}#t={start}", "data-start": start}, text)


def _toc_item(section: Section, links: Links, *nested):
    jump = _jump(section, links, f"{player_time(section.begin_ms or 0)} 起收听")
    return E("li", {}, E("a", {"href": f"#{section.id}"}, section.title),
             *(["（", jump, "）"] if jump is not None else []), *nested)


def _toc(reading: ReadingEdition, links: Links):
    if reading.groups:  # section > article
        items = [_toc_item(g.opening, links, E("ol", {}, [_toc_item(a, links) for a in g.articles]))
                 for g in reading.groups]
    else:
        items = [_toc_item(section, links) for section in reading.articles]
    return E("nav", {"aria-labelledby": "toc-h"}, E("h2", {"id": "toc-h"}, "本期目录"),
             E("ol", {"class": "toc"}, items))


def _group(group: Group, links: Links):
    """A section of the paper: its name (h2), its spoken opening, its articles (h3)."""
    heading = f"{group.id}-h"
    jump = _jump(group.opening, links, f"从 {player_time(group.opening.begin_ms or 0)} 起收听本版")
    return E(
        "section",
        {"id": group.id, "aria-labelledby": heading, "class": "paper-section"},
        E("h2", {"id": heading}, group.title),
        E("p", {"class": "meta"}, jump) if jump is not None else None,
        [_timed_paragraph(b, "opening") for b in group.opening.blocks if b.sentences],
        [_article(section, links, level=3) for section in group.articles],
    )


def _article(section: Section, links: Links, level: int = 2):
    headline = section.blocks_of(Role.HEADLINE)[0]
    header = E(
        "header",
        {},
        E(f"h{level}", {"id": headline.id}, sentence_spans(headline, with_times=True)),
        [_timed_paragraph(b, "sub") for b in section.blocks_of(Role.SUBHEADING)],
        [_timed_paragraph(b, "byline") for b in section.blocks_of(Role.BYLINE)],
    )
    length = (f"（{spoken_length(section.end_ms - section.begin_ms)}）"
              if section.begin_ms is not None and section.end_ms is not None else "")
    jump = _jump(section, links, f"从 {player_time(section.begin_ms or 0)} 起收听本文{length}")
    return E(
        "article",
        {"id": section.id, "aria-labelledby": headline.id},
        header,
        E("p", {"class": "meta"}, jump) if jump is not None else None,
        [_timed_paragraph(b) for b in section.blocks_of(Role.BODY)],
    )


def _timed_paragraph(block: Block, css_class: str | None = None):
    return block_paragraph(block, css_class, with_times=True)
