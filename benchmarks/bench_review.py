"""Time the review desk on the sample edition (offline voice): opening it, and the "instant"
preview of one more lexicon entry, which recomputes only the readings the entry can touch.

Targets: a preview in under 0.5 s once the desk is open; the lexicon check of a run in under
0.1 s. Nothing is synthesised (the play button's cost is the offline voice's: bench_offline_voice).

    .venv/bin/python benchmarks/bench_review.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"
PREVIEWS = [("readings", "新冠病毒", "新型冠状病毒"), ("pinyin", "市委", "shi4 wei3"), ("readings", "疫苗", "疫苗")]


def main() -> None:
    from audiobulletin.config import Settings
    from audiobulletin.pipeline import lexicon_report
    from audiobulletin.review.desk import Desk

    with tempfile.TemporaryDirectory() as folder:
        lexicon = Path(folder) / "lexicon.toml"
        shutil.copy(ROOT / "voices" / "lexicon.toml", lexicon)
        settings = Settings(paper="太原日报", engine="offline", cache_dir=Path(folder) / "cache")
        start = time.perf_counter()
        desk = Desk(SAMPLE, settings, lexicon)
        opened = time.perf_counter() - start
        print(f"desk opened: {len(desk.readings.rows)} segments, readings with and without the lexicon, "
              f"{opened:.2f} s (jieba's dictionary and the voice's symbol table included)")
        try:
            for section, written, say in PREVIEWS:
                start = time.perf_counter()
                preview = desk.preview(desk.entry(section, written, say))
                took = time.perf_counter() - start
                print(f"preview [{section}] {written} = {say}: {len(preview.changes)} segment(s) change, "
                      f"{took * 1000:.0f} ms (target < 500 ms)")
            script = desk.reader.script(desk.lexicon)
            start = time.perf_counter()
            lexicon_report(script, desk.reader.options_with(desk.lexicon))
            print(f"lexicon check ({len(desk.lexicon.entries)} entries vs the edition and the normaliser table): "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms (target < 100 ms)")
        finally:
            desk.close()


if __name__ == "__main__":
    main()
