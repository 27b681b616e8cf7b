"""Run by the resume test as a subprocess (which it SIGKILLs): speak numbered sentences through the
cached edge engine. Usage: python cache_worker.py ENDPOINT CACHE_DIR COUNT"""

import sys
from pathlib import Path

from audiobulletin.speech.cache import CachedEngine
from audiobulletin.speech.edge import Backoff, EdgeEngine
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Voice


def sentences(count: int) -> list[str]:
    return [f"这是第{i}句新闻，用来检验缓存能否续跑。" for i in range(count)]


def requests(count: int) -> list[SpeechRequest]:
    voice = Voice("edge", "zh-CN-XiaoxiaoNeural")
    return [SpeechRequest(i, text, voice) for i, text in enumerate(sentences(count))]


if __name__ == "__main__":
    endpoint, cache_dir, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    engine = CachedEngine(EdgeEngine(concurrency=2, endpoint=endpoint, backoff=Backoff(0.01, 0.05)),
                          cache_dir)
    engine.render(requests(count), lambda request, result: print(request.index, flush=True))
