import io
from pathlib import Path

import pytest
from PIL import Image

from audiobulletin.errors import ConfigError
from audiobulletin.publish import artwork
from audiobulletin.publish.artwork import LATIN_FONT_CANDIDATES, channel_artwork, covers, find_cjk_font
from needs import need

CJK_FONT = find_cjk_font("太原日报有声版")
FONTS_HINT = ".ci/install-publish.sh"


def test_generated_artwork_is_a_square_png_in_apple_range(tmp_path):
    name = channel_artwork(tmp_path, "太原日报")
    assert name == "artwork.png"
    with Image.open(tmp_path / name) as img:
        assert img.format == "PNG" and img.size[0] == img.size[1]
        assert img.size[0] == 3000  # Apple's recommended size
        assert len(img.convert("RGB").getcolors(1 << 24)) > 2  # something is written on it
    first = (tmp_path / name).stat().st_mtime_ns
    assert channel_artwork(tmp_path, "太原日报") == name
    assert (tmp_path / name).stat().st_mtime_ns == first  # same bytes: not rewritten


def test_cjk_font_really_has_the_glyphs():
    need(CJK_FONT, "a CJK font", FONTS_HINT)
    assert covers(CJK_FONT, "太原日报有声版")


def test_a_latin_font_is_detected_as_lacking_cjk_glyphs_so_no_tofu():
    latin = next((p for p in LATIN_FONT_CANDIDATES if Path(p).exists()), None)
    need(latin, "the DejaVu font", FONTS_HINT)
    assert not covers(latin, "太")
    assert covers(latin, "TAI YUAN")


def test_without_a_cjk_font_the_name_is_written_in_pinyin():
    assert artwork._pinyin("太原日报") == "TAI YUAN RI BAO"
    png = artwork.generated_artwork("太原日报", font_path="")
    with Image.open(io.BytesIO(png)) as img:
        assert img.size == (3000, 3000)
    need(CJK_FONT, "a CJK font", FONTS_HINT)
    assert png != artwork.generated_artwork("太原日报")  # with the font: the characters, not pinyin


def _image(path, size, fmt):
    Image.new("RGB", size, (10, 20, 30)).save(path, format=fmt)
    return path


def test_user_artwork_is_checked_and_copied(tmp_path):
    good = _image(tmp_path / "cover.jpeg", (1500, 1500), "JPEG")
    out = tmp_path / "out"
    assert channel_artwork(out, "太原日报", good) == "artwork.jpg"
    assert (out / "artwork.jpg").read_bytes() == good.read_bytes()


@pytest.mark.parametrize("size,fmt,message", [
    ((1400, 1000), "PNG", "1400x1000"),
    ((1000, 1000), "PNG", "1000x1000"),
    ((3200, 3200), "PNG", "3200x3200"),
    ((1400, 1400), "GIF", "GIF"),
])
def test_bad_user_artwork_is_a_config_error(tmp_path, size, fmt, message):
    bad = _image(tmp_path / f"cover.{fmt.lower()}", size, fmt)
    with pytest.raises(ConfigError) as info:
        channel_artwork(tmp_path / "out", "太原日报", bad)
    assert message in str(info.value) and str(bad) in str(info.value)
    assert info.value.exit_code == 3


def test_the_mp3_cover_is_the_artwork_as_a_1400_px_jpeg(tmp_path):
    picture = artwork.cover_picture("太原日报")
    assert picture.mime == "image/jpeg" and picture == artwork.cover_picture("太原日报")
    with Image.open(io.BytesIO(picture.data)) as img:
        assert img.format == "JPEG" and img.size == (1400, 1400)
    user = _image(tmp_path / "cover.png", (2000, 2000), "PNG")
    with Image.open(io.BytesIO(artwork.cover_picture("太原日报", user).data)) as img:
        assert img.size == (1400, 1400) and img.getpixel((700, 700)) == pytest.approx((10, 20, 30), abs=2)
    with pytest.raises(ConfigError):
        artwork.cover_picture("太原日报", _image(tmp_path / "small.png", (800, 800), "PNG"))
