"""Channel artwork: the user's square image, checked, or a plain one made from the paper's name.

Apple wants a square JPEG or PNG of 1400-3000 px and recommends 3000: the generated image is
3000 px. It writes the name in a CJK font when one is installed (.ci/install-publish.sh installs
fonts-wqy-microhei); without one it writes the name in pinyin, so a missing font never shows as
boxes ("tofu"). `cover_picture` is the same image, 1400 px JPEG, for the MP3's own APIC frame
(players that show the file, not the feed).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..atomic import write_if_changed

MIN_SIDE, MAX_SIDE = 1400, 3000
GENERATED_SIDE = 3000
COVER_SIDE = 1400
"""The picture inside each MP3: Apple's minimum side, a JPEG of ~60 KB (the feed's image is 3000)."""
BACKGROUND, INK, ACCENT = (150, 24, 24), (255, 255, 255), (235, 200, 120)
CAPTION = "有声版"

# Common places of CJK fonts on Debian/Ubuntu, Fedora, macOS; fc-match is asked first.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)
LATIN_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)


def channel_artwork(out_dir: Path, paper: str, image: str | Path | None = None) -> str:
    """Put the channel artwork into `out_dir`; return its file name (artwork.png / artwork.jpg).

    `image` is the configured artwork (checked, then copied); empty means generate one.
    """
    out_dir = Path(out_dir)
    if image:
        source = Path(image)
        suffix = _check_user_image(source)
        name = f"artwork{suffix}"
        write_if_changed(out_dir / name, source.read_bytes())
        return name
    write_if_changed(out_dir / "artwork.png", generated_artwork(paper))
    return "artwork.png"


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str


def cover_picture(paper: str, image: str | Path | None = None) -> Picture:
    """The channel artwork (the configured image, checked, or the generated one) as a
    COVER_SIDE px JPEG for the MP3's APIC frame; the same inputs give the same bytes."""
    import io

    from PIL import Image

    source = Path(image) if image else None
    if source is not None:
        _check_user_image(source)
    data = source.read_bytes() if source is not None else generated_artwork(paper)
    with Image.open(io.BytesIO(data)) as img:
        small = img.convert("RGB").resize((COVER_SIDE, COVER_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=85, optimize=True)
    return Picture(out.getvalue(), "image/jpeg")


def _check_user_image(path: Path) -> str:
    from PIL import Image, UnidentifiedImageError

    hint = f"use a square JPEG or PNG of {MIN_SIDE}-{MAX_SIDE} px, or leave `image` empty to generate one"
    try:
        with Image.open(path) as img:
            kind, (width, height) = img.format, img.size
    except FileNotFoundError:
        raise ConfigError("artwork file not found", where=str(path), hint=hint) from None
    except (OSError, UnidentifiedImageError):
        raise ConfigError("artwork is not a readable image", where=str(path), hint=hint) from None
    if kind not in ("JPEG", "PNG"):
        raise ConfigError(f"artwork is {kind}, not JPEG or PNG", where=str(path), hint=hint)
    if width != height or not MIN_SIDE <= width <= MAX_SIDE:
        raise ConfigError(f"artwork is {width}x{height} px", where=str(path), hint=hint)
    return ".jpg" if kind == "JPEG" else ".png"


@functools.lru_cache(maxsize=4)  # a run asks twice (feed artwork, MP3 cover): draw it once
def generated_artwork(paper: str, font_path: str | None = None) -> bytes:
    """A square PNG: the paper's name large on a plain background, "有声版" (or "AUDIO") below.

    `font_path` overrides the font search (tests use it to force the no-CJK fallback with "").
    """
    import io

    from PIL import Image, ImageDraw

    name, caption = paper.strip() or "audiobulletin", CAPTION
    font_file = artwork_font(paper) if font_path is None else (font_path or None)
    if font_file is None:  # no CJK font: pinyin in a Latin font, never boxes
        name, caption = _pinyin(name), "AUDIO"
        font_file = next((p for p in LATIN_FONT_CANDIDATES if Path(p).exists()), None)
    side = GENERATED_SIDE
    img = Image.new("RGB", (side, side), BACKGROUND)
    draw = ImageDraw.Draw(img)
    title_font = _fit(draw, name, font_file, max_width=side * 0.82, start=side // 4)
    caption_font = _fit(draw, caption, font_file, max_width=side * 0.5, start=side // 10)
    _centered(draw, name, title_font, side, side * 0.44, INK)
    draw.rectangle((side * 0.3, side * 0.6, side * 0.7, side * 0.6 + 12), fill=ACCENT)
    _centered(draw, caption, caption_font, side, side * 0.72, ACCENT)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


def artwork_font(paper: str) -> str | None:
    """The CJK font the generated artwork writes `paper` with; None: it falls back to pinyin."""
    return find_cjk_font((paper.strip() or "audiobulletin") + CAPTION)


def find_cjk_font(text: str) -> str | None:
    """A font file that has a real glyph for every character of `text`, or None."""
    for candidate in (_fc_match(), *CJK_FONT_CANDIDATES):
        if candidate and Path(candidate).exists() and covers(candidate, text):
            return candidate
    return None


def covers(font_file: str, text: str) -> bool:
    """Whether `font_file` draws each non-space character of `text` as something other than
    its missing-glyph box."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(font_file, 48)
    except OSError:
        return False
    missing = _glyph(font, "\U0010fffd")  # a private-use code point no font draws
    for ch in set(text) - {" "}:
        glyph = _glyph(font, ch)
        if glyph == missing or not any(glyph[1]):
            return False
    return True


def _glyph(font, ch: str) -> tuple:
    mask = font.getmask(ch)
    return mask.size, bytes(mask)


def _fc_match() -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None


def _pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin

    words = [w for w in lazy_pinyin(name) if w.strip()]
    ascii_only = " ".join(w.upper() for w in words).encode("ascii", "ignore").decode()
    return " ".join(ascii_only.split()) or "AUDIOBULLETIN"


def _fit(draw, text: str, font_file: str | None, max_width: float, start: int):
    from PIL import ImageFont

    size = start
    while True:
        font = ImageFont.truetype(font_file, size) if font_file else ImageFont.load_default(size)
        left, _, right, _ = draw.textbbox((0, 0), text, font=font)
        if right - left <= max_width or size <= 12:
            return font
        size = int(size * 0.9)


def _centered(draw, text: str, font, side: int, middle_y: float, fill) -> None:
    draw.text((side / 2, middle_y), text, font=font, fill=fill, anchor="mm")
