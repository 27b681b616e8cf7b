"""The review page: HTML for the whole desk and for the fragments the script swaps in.

One self-contained page (inline CSS and a small script, allowed by hash in the Content Security
Policy). It works without JavaScript: play links open the WAV, the form posts and the page comes
back with the preview or the saved entry. With JavaScript, audio plays in the page, the preview
follows the form as it is typed and a save updates the segments it changed; every result is
announced in a live region.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from ..script.segment import Role
from .desk import Desk, Preview
from .flags import Flag
from .readings import SegmentReading

ROLE_NAMES = {Role.INTRO: "开场", Role.HEADLINE: "标题", Role.SUBHEADING: "副标题", Role.BYLINE: "署名",
              Role.BODY: "正文", Role.OUTRO: "结尾"}
ENGINE_NAMES = {"offline": "离线声音的拼音", "edge": "在线声音收到的 SSML"}
SECTION_NAMES = {"readings": "读法（所有声音）", "pinyin": "拼音（离线声音）"}
SCOPE_NAMES = {"anywhere": "任何位置", "word": "只匹配整词", "regex": "正则表达式"}
FIELD_HELP = {
    "written": "稿件里的写法；范围选“正则表达式”时填 Python 正则表达式。",
    "say": "读法表：要念的文字；拼音表：每个汉字一个带声调数字的音节，如 chang2 zhi4。",
    "example": "一句必须匹配的原文；正则表达式必填。",
}

# Colours meet WCAG AA (4.5:1) in both schemes; sizes are relative so 200% zoom reflows.
CSS = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4a4a4a; --link: #0b4f94;
  --focus: #a34700; --rule: #c8c8c8; --flag-bg: #fff4d6; --flag-fg: #5c3b00; --err: #9b1c1c; --ok: #17612f; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececec; --bg: #141414; --muted: #c4c4c4; --link: #9cc4ff; --focus: #ffb266; --rule: #555555;
    --flag-bg: #3d2c00; --flag-fg: #ffe3a3; --err: #ffb4b4; --ok: #a6e3b8; }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.7; font-size: 1.0625rem;
  font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; overflow-wrap: anywhere; }
.page { max-width: 60rem; margin: 0 auto; padding: 0 1rem 3rem; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -20rem; padding: 0.5rem 1rem; color: var(--link);
  background: var(--bg); border: 2px solid currentColor; z-index: 10; }
.skip:focus { top: 0.5rem; }
h1 { font-size: 1.6rem; line-height: 1.4; margin: 1.5rem 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; border-top: 1px solid var(--rule); padding-top: 1rem; }
h3 { font-size: 1rem; margin: 0 0 0.25rem; }
ol.segments { list-style: none; padding: 0; margin: 0; }
li.segment { padding: 0.75rem 0; border-bottom: 1px solid var(--rule); }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
code, .input { font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; font-size: 0.95em; }
ul.flags { list-style: none; padding: 0; margin: 0.25rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; }
ul.flags li { background: var(--flag-bg); color: var(--flag-fg); padding: 0 0.5rem; border-radius: 0.25rem; }
.changed { color: var(--muted); }
form p { margin: 0.5rem 0; }
label { display: block; font-weight: 600; }
.help { display: block; color: var(--muted); font-size: 0.95em; }
input[type=text], select { font: inherit; padding: 0.25rem 0.5rem; width: 100%; max-width: 36rem;
  color: var(--fg); background: var(--bg); border: 1px solid var(--muted); }
button { font: inherit; padding: 0.25rem 1rem; margin: 0.25rem 0.5rem 0.25rem 0; }
#status { color: var(--ok); min-height: 1.7em; }
#alert { color: var(--err); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
"""

SCRIPT = r"""
(() => {
  const status = document.getElementById('status');
  const alertBox = document.getElementById('alert');
  const form = document.getElementById('lexicon-form');
  const preview = document.getElementById('preview');
  let player = null, playing = null, timer = null, asked = 0;
  const announce = (box, text) => { box.textContent = ''; window.setTimeout(() => { box.textContent = text; }, 60); };
  const post = async (action) => {
    const response = await fetch(action, { method: 'POST', body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' } });
    return response.json();
  };
  async function play(link) {
    const n = link.dataset.index;
    if (player) { player.pause(); player = null; }
    if (playing === link) { playing = null; announce(status, '已停止第' + n + '段'); return; }
    playing = link;
    announce(status, '正在合成第' + n + '段……');
    try {
      const response = await fetch(link.href);
      if (!response.ok) { throw new Error(await response.text()); }
      const seconds = response.headers.get('X-Audio-Seconds');
      player = new Audio(URL.createObjectURL(await response.blob()));
      player.addEventListener('ended', () => { playing = null; announce(status, '第' + n + '段播放完毕'); });
      announce(status, '正在播放第' + n + '段，' + seconds + '秒');
      player.play().catch(() => {});
    } catch (error) {
      playing = null;
      announce(alertBox, '无法播放第' + n + '段：' + error.message);
    }
  }
  function show(result) {
    alertBox.textContent = '';
    if (!result.ok) { preview.innerHTML = ''; announce(alertBox, result.error); return; }
    preview.innerHTML = result.preview || '';
    for (const [id, html] of Object.entries(result.fragments || {})) {
      const old = document.getElementById(id);
      if (old) { old.outerHTML = html; }
    }
    announce(status, result.message);
  }
  async function check(action) {
    const ticket = ++asked;
    try {
      const result = await post(action);
      if (ticket === asked) { show(result); }
    } catch (error) { announce(alertBox, '请求失败：' + error.message); }
  }
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a.play');
    if (link) { event.preventDefault(); play(link); return; }
    const edit = event.target.closest('button.edit');
    if (edit) {
      for (const name of ['section', 'written', 'say', 'scope', 'example']) {
        form.elements[name].value = edit.dataset[name];
      }
      form.elements.say.focus();
      check('preview');
    }
  });
  for (const button of document.querySelectorAll('button.edit')) { button.hidden = false; }
  form.addEventListener('input', () => {
    window.clearTimeout(timer);
    if (!form.elements.written.value.trim() || !form.elements.say.value.trim()) { return; }
    timer = window.setTimeout(() => check('preview'), 400);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    const action = event.submitter && event.submitter.getAttribute('formaction') || 'preview';
    check(action);
  });
})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src {_csp_hash(SCRIPT)}; style-src {_csp_hash(CSS)}; "
    "connect-src 'self'; media-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def place(article: int | None, paragraph: int, role: Role) -> str:
    """Where a segment is, in words: 开场, 第2篇标题区, 第2篇第3自然段."""
    if article is None:
        return ROLE_NAMES.get(role, role.value)
    return f"第{article + 1}篇" + ("标题区" if paragraph == 0 else f"第{paragraph}自然段")


def _flags(reading: SegmentReading, flags: tuple[Flag, ...]) -> str:
    if not flags:
        return ""
    items = "".join(f"<li>{escape(f.label)}：{escape(f.detail)}</li>" for f in flags)
    return f'<ul class="flags" aria-label="第{reading.index}段需要留意">{items}</ul>'


def segment_html(desk: Desk, reading: SegmentReading) -> str:
    s, n = reading.segment, reading.index
    flags = desk.flags(reading)
    lang = ' lang="zh-Latn-pinyin"' if desk.engine == "offline" else ""
    rows = [("原文", f'<span id="s{n}-text">{escape(s.text)}</span>'), ("读作", escape(s.spoken)),
            (ENGINE_NAMES.get(desk.engine, f"{desk.engine} 的输入"),
             f'<code class="input"{lang}>{escape(reading.engine_input)}</code>')]
    if reading.changed:
        rows.append(("没有词典时", f'<span class="changed">{escape(reading.bare_spoken)}'
                                  f'<br><code{lang}>{escape(reading.bare_input)}</code></span>'))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    role = ROLE_NAMES.get(s.role, s.role.value)
    return (f'<li class="segment" id="s{n}"><h3>第{n}段 · {role}'
            f'{" · " + place(s.article, s.paragraph, s.role) if s.article is not None else ""}'
            f'{"（有提醒）" if flags else ""}</h3><dl>{dl}</dl>{_flags(reading, flags)}'
            f'<a class="play" href="audio/{n}.wav" data-index="{n}">播放第{n}段</a></li>')


def warnings_html(desk: Desk) -> str:
    report = desk.readings.report
    items = "".join(f"<li>{escape(w.one_line())}</li>" for w in report.warnings)
    body = f"<ul>{items}</ul>" if items else "<p>没有词典条目改变了不该改变的读法。</p>"
    if report.unused:
        body += (f"<p>本期没有用到的词条（{len(report.unused)} 条）："
                 f"{escape('、'.join(e.written for e in report.unused))}</p>")
    return f'<section id="warnings" aria-labelledby="h-warnings"><h2 id="h-warnings">词典提醒</h2>{body}</section>'


def entries_html(desk: Desk) -> str:
    rows = []
    for e in desk.lexicon.entries:
        data = " ".join(f'data-{k}="{escape(v)}"' for k, v in
                        (("section", e.section), ("written", e.written), ("say", e.say), ("scope", e.scope),
                         ("example", e.example)))
        rows.append(f"<tr><td>{escape(e.written)}</td><td>{escape(e.say)}</td>"
                    f"<td>{SECTION_NAMES[e.section]}</td>"
                    f"<td>{SCOPE_NAMES.get(e.scope, e.scope)}</td><td>{e.line or ''}</td>"
                    f'<td><button type="button" class="edit" hidden {data}>修改 {escape(e.written)}</button></td></tr>')
    heads = "".join(f'<th scope="col">{h}</th>' for h in ("写法", "读作", "词表", "范围", "行", "操作"))
    table = (f"<table><caption>当前词典：{escape(str(desk.lexicon_path))}</caption><thead><tr>{heads}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    return f'<div id="entries">{table if rows else "<p>词典还是空的。</p>"}</div>'


def preview_html(preview: Preview | None) -> str:
    if preview is None:
        return ""
    e = preview.entry
    what = "修改" if preview.replaces else "新增"
    def change(c) -> str:
        rows = [("原文", escape(c.text))]
        if c.spoken_before != c.spoken_after:
            rows += [("现在读作", escape(c.spoken_before)), ("改后读作", escape(c.spoken_after))]
        rows += [("现在输入", f"<code>{escape(c.input_before)}</code>"),
                 ("改后输入", f"<code>{escape(c.input_after)}</code>")]
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        where = escape(place(c.article, c.paragraph, c.role))
        return f'<li><a href="#s{c.index}">第{c.index}段</a>（{where}）<dl>{dl}</dl></li>'

    items = "".join(change(c) for c in preview.changes)
    warnings = "".join(f"<li>{escape(w.one_line())}</li>" for w in preview.warnings)
    return (f'<h3 id="preview-heading">预览：{what}“{escape(e.written)}”，第 {e.line} 行，'
            f"{len(preview.changes)} 段会改变</h3>"
            + (f'<ol aria-labelledby="preview-heading">{items}</ol>' if items else "<p>本期没有哪一段会改变。</p>")
            + (f'<p>提醒：</p><ul>{warnings}</ul>' if warnings else ""))


def preview_message(preview: Preview) -> str:
    return f"预览：“{preview.entry.written}”会改变 {len(preview.changes)} 段" + (
        f"，另有 {len(preview.warnings)} 条提醒" if preview.warnings else "")


def _parts(desk: Desk) -> str:
    rows = desk.readings.rows
    out = []
    groups: list[tuple[str, str, list[SegmentReading]]] = []
    for r in rows:
        s = r.segment
        key = "intro" if s.role is Role.INTRO else "outro" if s.role is Role.OUTRO else f"a{s.article}"
        if not groups or groups[-1][0] != key:
            article = s.article if s.article is not None else -1
            title = ("开场" if key == "intro" else "结尾" if key == "outro"
                     else f"第{article + 1}篇：{desk.edition.articles[article].headline}")
            groups.append((key, title, []))
        groups[-1][2].append(r)
    for key, title, members in groups:
        tag = "article" if key.startswith("a") else "section"
        items = "".join(segment_html(desk, r) for r in members)
        out.append(f'<{tag} aria-labelledby="h-{key}"><h2 id="h-{key}">{escape(title)}</h2>'
                   f'<ol class="segments">{items}</ol></{tag}>')
    return "".join(out)


def _form(form: dict[str, str]) -> str:
    def options(name: str, choices: dict[str, str]) -> str:
        return "".join(f'<option value="{k}"{" selected" if form.get(name) == k else ""}>{v}</option>'
                       for k, v in choices.items())

    def value(name: str) -> str:
        return escape(form.get(name, ""))

    def select(name: str, label: str, choices: dict[str, str]) -> str:
        return (f'<p><label for="f-{name}">{label}</label>'
                f'<select id="f-{name}" name="{name}">{options(name, choices)}</select></p>')

    def text(name: str, label: str) -> str:
        return (f'<p><label for="f-{name}">{label}</label><input type="text" id="f-{name}" name="{name}" '
                f'value="{value(name)}" aria-describedby="f-{name}-help" autocomplete="off">'
                f'<span class="help" id="f-{name}-help">{FIELD_HELP[name]}</span></p>')

    return ('<form id="lexicon-form" method="post" action="preview" novalidate>'
            + select("section", "词表", SECTION_NAMES) + text("written", "写法") + text("say", "读作")
            + select("scope", "范围", SCOPE_NAMES) + text("example", "示例")
            + '<p><button type="submit" formaction="preview">预览</button>'
              '<button type="submit" formaction="save">保存到词典</button></p></form>')


def page(desk: Desk, *, form: dict[str, str] | None = None, preview: Preview | None = None,
         message: str = "", error: str = "") -> str:
    edition = desk.edition
    date = f"{edition.date.year}年{edition.date.month}月{edition.date.day}日" if edition.date else ""
    title = f"审读：{edition.paper} {date}".strip()
    rows = desk.readings.rows
    flagged = sum(1 for r in rows if desk.flags(r))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{escape(title)}</title><style>{CSS}</style></head>
<body><a class="skip" href="#main">跳到各段读法</a><a class="skip" href="#lexicon-form">跳到词典表单</a>
<div class="page"><header><h1>{escape(title)}</h1>
<p>声音：{escape(desk.engine)}（显示{ENGINE_NAMES.get(desk.engine, "引擎输入")}）。
共 {len(rows)} 段，{flagged} 段有提醒。词典：{escape(str(desk.lexicon_path))}</p></header>
<main id="main" tabindex="-1">{warnings_html(desk)}{_parts(desk)}
<section id="lexicon" aria-labelledby="h-lexicon"><h2 id="h-lexicon">添加或修改词典条目</h2>
<p>写好后先看预览：列出本期每一段会怎样改变。保存时整个词典文件重新检查，旧文件留作 .bak 备份。</p>
{_form(form or {})}
<div id="status" role="status" aria-live="polite">{escape(message)}</div>
<div id="alert" role="alert">{escape(error)}</div>
<div id="preview">{preview_html(preview)}</div>
<h3>当前词典</h3>{entries_html(desk)}</section></main></div>
<script>{SCRIPT}</script></body></html>
"""
