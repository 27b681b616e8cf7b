"""A small archive of two titles and the catalogue that voices it, for the batch tests and the
batch benchmark: short editions (a sentence or two each) so the real offline voice is quick."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "voices" / "default.toml"

EDITIONS = {
    ("太原日报", "20210627"): "我市新建城市书房二十座\n\n本报讯（记者 赵丽）今年我市新建城市书房20座。市民可以就近借阅图书。\n",
    ("太原日报", "20210628"): "气温回升，市民出游增多\n\n本报讯（记者 刘洋）6月26日，全市最高气温达到31℃。\n",
    ("太原晚报", "20210627"): "汾河公园迎来赏荷季\n\n本报讯（记者 王芳）汾河公园荷花竞相开放，吸引市民前来观赏。\n",
    ("太原晚报", "20210628"): "地铁二号线客流创新高\n\n本报讯（记者 李强）昨日，地铁二号线单日客流突破三十万人次。\n",
}
FOLDERS = {"太原日报": "taiyuan-daily", "太原晚报": "taiyuan-evening"}


def write_archive(root: Path, editions: dict[tuple[str, str], str] = EDITIONS) -> Path:
    """archive/<paper>/<YYYYMMDD>/edition.txt under `root`."""
    for (paper, day), text in editions.items():
        folder = root / "archive" / paper / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "edition.txt").write_text(text, encoding="utf-8")
    return root / "archive"


def write_pages(root: Path, paper: str, day: str) -> list[Path]:
    """The three-page fixture edition (tests/fixtures/pages) as `paper`'s edition of `day`, in
    place of its one-file edition: archive/<paper>/<day>/page01.txt …"""
    folder = root / "archive" / paper / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.txt").unlink(missing_ok=True)
    pages = []
    for page in sorted((ROOT / "tests" / "fixtures" / "pages").glob("page*.txt")):
        pages.append(folder / page.name)
        pages[-1].write_bytes(page.read_bytes())
    return pages


def write_catalogue(path: Path, *, feeds: str = "feeds", cache: str = "cache", extra: str = "",
                    papers: tuple[str, ...] = tuple(FOLDERS)) -> Path:
    """papers.toml voicing the archive beside it with the offline voice into `feeds`/<title>."""
    tables = "".join(f"""
[[paper]]
name = "{paper}"
editions = "archive/{{paper}}/{{date:%Y%m%d}}/*.txt"
out = "{feeds}/{FOLDERS[paper]}"
base_url = "https://audio.example.org/{FOLDERS[paper]}/"
""" for paper in papers)
    path.write_text(f"""title = "山西报业有声版"
directory = "{feeds}"

[defaults]
engine = "offline"
cache_dir = "{cache}"
profile = "{PROFILE}"
{extra}{tables}""", encoding="utf-8")
    return path
